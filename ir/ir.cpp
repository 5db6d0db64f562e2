// Op table, printer (-d op) and verifier (run after every pass in tests).
#include "ir/ir.h"

#include "ir/eval.h"

#include <cinttypes>
#include <cstdio>

namespace kiln::ir {

namespace {
constexpr OpInfo kOps[] = {
#define OP(name, nargs, effects) {#name, nargs, effects},
#include "ir/ops.inc"
#undef OP
};
}  // namespace

const OpInfo& op_info(Op op) { return kOps[unsigned(op)]; }

const char* type_name(Type t) {
  switch (t) {
    case Type::Void: return "void";
    case Type::I1: return "i1";
    case Type::I8: return "i8";
    case Type::I16: return "i16";
    case Type::I32: return "i32";
    case Type::I64: return "i64";
  }
  return "?";
}

uint32_t effects_of(const Inst& inst) {
  uint32_t e = op_info(inst.op).effects;
  if (e & kCallEffects) return reinterpret_cast<const Helper*>(inst.imm)->effects;
  return e;
}

std::string print(const Block& b) {
  std::string out;
  char line[256];
  std::snprintf(line, sizeof line, "block pc=0x%" PRIx64 " phys=0x%" PRIx64 " mode=%u insns=%u\n", b.pc,
                b.phys_pc, b.mode, b.guest_insns);
  out += line;
  for (size_t i = 0; i < b.insts.size(); i++) {
    const Inst& in = b.insts[i];
    const OpInfo& info = op_info(in.op);
    int n = 0;
    if (in.type != Type::Void)
      n = std::snprintf(line, sizeof line, "  v%zu:%s = %s", i, type_name(in.type), info.name);
    else
      n = std::snprintf(line, sizeof line, "  %s", info.name);
    std::string s(line, n);
    unsigned nargs = in.op == Op::Call ? reinterpret_cast<const Helper*>(in.imm)->nargs : info.nargs;
    for (unsigned k = 0; k < nargs && k < 3; k++) {
      std::snprintf(line, sizeof line, "%s v%u", k ? "," : "", in.a[k]);
      s += line;
    }
    switch (in.op) {
      case Op::Call:
        s += std::string(" @") + reinterpret_cast<const Helper*>(in.imm)->name;
        break;
      case Op::Label:
      case Op::SkipIf:
      case Op::Skip:
        std::snprintf(line, sizeof line, " L%" PRIu64, in.imm);
        s += line;
        break;
      case Op::InsnStart:
        std::snprintf(line, sizeof line, " 0x%" PRIx64 " len=%" PRIu64, in.imm, in.aux);
        s += line;
        break;
      case Op::Branch:
        std::snprintf(line, sizeof line, " ? 0x%" PRIx64 " : 0x%" PRIx64, in.imm, in.aux);
        s += line;
        break;
      case Op::Exit:
        std::snprintf(line, sizeof line, " reason=%" PRIu64, in.imm);
        s += line;
        break;
      case Op::Load:
      case Op::Store:
      case Op::Amo: {
        MemOp m = MemOp::unpack(in.imm);
        std::snprintf(line, sizeof line, " [size=%u%s%s mmu=%u]", m.size(), m.sign ? " signed" : "",
                      m.aligned_only ? " aligned" : "", m.mmu_idx);
        s += line;
        break;
      }
      default:
        if (in.imm || in.op == Op::Const || in.op == Op::Get || in.op == Op::Set || in.op == Op::Goto) {
          std::snprintf(line, sizeof line, " 0x%" PRIx64, in.imm);
          s += line;
        }
    }
    out += s + "\n";
  }
  return out;
}

namespace {
bool is_int(Type t) { return t == Type::I8 || t == Type::I16 || t == Type::I32 || t == Type::I64; }
}  // namespace

std::string verify(const Block& b) {
  char msg[200];
  auto fail = [&](size_t i, const char* what) {
    std::snprintf(msg, sizeof msg, "v%zu (%s): %s", i, op_info(b.insts[i].op).name, what);
    return std::string(msg);
  };
  if (b.insts.empty()) return "empty block";
  bool seen_insn_start = false;
  unsigned insn_starts = 0;
  // Dominance (ir/ir.h, "Labels"): visible[v] while v is visible on every way
  // here; at[l] is that set intersected over the SkipIf/Skip naming label l.
  const size_t n = b.insts.size();
  std::vector<char> visible(n, 0);
  std::vector<std::vector<char>> at(b.labels);
  std::vector<char> placed(b.labels, 0);
  unsigned open_skips = 0;     // SkipIf/Skip whose Label is still ahead
  std::vector<unsigned> pending(b.labels, 0);
  bool falls_through = true;   // false right after a Skip or terminator
  for (size_t i = 0; i < n; i++) {
    const Inst& in = b.insts[i];
    if (unsigned(in.op) >= kNumOps) return fail(i, "unknown op");
    const OpInfo& info = op_info(in.op);
    if (!falls_through && in.op != Op::Label) return fail(i, "unreachable: a skip or terminator must be followed by a label");
    if (in.op == Op::Label || in.op == Op::SkipIf || in.op == Op::Skip) {
      if (in.imm >= b.labels) return fail(i, "label id out of range");
      if (placed[in.imm]) return fail(i, in.op == Op::Label ? "label placed twice" : "backward skip (its label is placed already)");
    }
    if (in.op == Op::Label) {
      std::vector<char>& way = at[in.imm];
      if (!pending[in.imm]) way.assign(n, 1);  // no skip lands here: only the fall-through counts (if any)
      if (falls_through)
        for (size_t v = 0; v < i; v++) visible[v] = visible[v] && way[v];
      else
        visible = way;
      placed[in.imm] = 1;
      open_skips -= pending[in.imm];
      falls_through = true;
      way.clear();
    }
    unsigned nargs = info.nargs;
    if (in.op == Op::Call) {
      if (!in.imm) return fail(i, "call without helper");
      nargs = reinterpret_cast<const Helper*>(in.imm)->nargs;
      if (nargs > 3) return fail(i, "helper takes more than three arguments");
    }
    for (unsigned k = 0; k < 3; k++) {
      ValueId a = in.a[k];
      if (k < nargs) {
        if (a == kNoValue) return fail(i, "missing operand");
        if (a >= i) return fail(i, "operand not defined before use");
        if (b.insts[a].type == Type::Void) return fail(i, "operand produces no value");
        if (!visible[a]) return fail(i, "operand defined in a region a label skips (it does not dominate this use)");
      } else if (a != kNoValue) {
        return fail(i, "extra operand");
      }
    }
    Type t = in.type;
    auto ta = [&](unsigned k) { return b.insts[in.a[k]].type; };
    uint32_t eff = effects_of(in);
    if ((eff & kMayFault) && !seen_insn_start) return fail(i, "may fault before any insn_start");
    bool last = i + 1 == b.insts.size();
    if (last && !(info.effects & kTerminator)) return fail(i, "block does not end in a terminator");
    if (info.effects & kTerminator) falls_through = false;
    switch (in.op) {
      case Op::Const:
        if (t == Type::Void) return fail(i, "void constant");
        if (type_bits(t) < 64 && (in.imm >> type_bits(t))) return fail(i, "constant wider than its type");
        break;
      case Op::Get:
        if (!is_int(t)) return fail(i, "get of non-integer type");
        break;
      case Op::Set:
        if (t != Type::Void || !is_int(ta(0))) return fail(i, "bad set types");
        break;
      case Op::Select:
        if (ta(0) != Type::I1 || ta(1) != t || ta(2) != t) return fail(i, "bad select types");
        break;
      case Op::ZExt:
      case Op::SExt:
        if (!is_int(t) || type_bits(ta(0)) >= type_bits(t)) return fail(i, "extension must widen");
        break;
      case Op::Trunc:
        if (type_bits(ta(0)) <= type_bits(t) || t == Type::Void) return fail(i, "trunc must narrow");
        break;
      case Op::Load:
      case Op::Store:
      case Op::Amo: {
        MemOp m = MemOp::unpack(in.imm);
        if (m.size_log2 > 3) return fail(i, "bad access size");
        if (ta(0) != Type::I64) return fail(i, "address must be i64");
        Type vt = in.op == Op::Store ? ta(1) : t;
        if (!is_int(vt) || type_bits(vt) < 8 * m.size()) return fail(i, "value narrower than the access");
        if (in.op == Op::Amo && ta(1) != t) return fail(i, "amo operand type differs from result");
        if (in.op == Op::Store && t != Type::Void) return fail(i, "store produces a value");
        break;
      }
      case Op::Call:
        for (unsigned k = 0; k < nargs; k++)
          if (ta(k) != Type::I64) return fail(i, "helper arguments must be i64");
        if (t != Type::I64) return fail(i, "helper result must be i64");
        break;
      case Op::SkipIf:
        if (ta(0) != Type::I1) return fail(i, "skip condition must be i1");
        [[fallthrough]];
      case Op::Skip: {
        std::vector<char>& way = at[in.imm];
        if (!pending[in.imm]) way = visible;
        else
          for (size_t v = 0; v < i; v++) way[v] = way[v] && visible[v];
        pending[in.imm]++;
        open_skips++;
        if (in.op == Op::Skip) falls_through = false;
        break;
      }
      case Op::Label:
        break;
      case Op::InsnStart:
        if (open_skips) return fail(i, "insn_start inside a skipped region (a skip must stay inside one instruction)");
        seen_insn_start = true;
        insn_starts++;
        if (in.aux == 0) return fail(i, "zero-length instruction");
        break;
      case Op::Branch:
        if (ta(0) != Type::I1) return fail(i, "branch condition must be i1");
        break;
      case Op::JumpIndirect:
      case Op::Exit:
        if (ta(0) != Type::I64) return fail(i, "next pc must be i64");
        break;
      case Op::Goto:
        break;
      default:
        if (eval::is_binary(in.op)) {
          if (!is_int(ta(0)) || ta(0) != ta(1)) return fail(i, "operand types differ");
          bool cmp = in.op >= Op::CmpEq && in.op <= Op::CmpGeU;
          if (cmp ? t != Type::I1 : t != ta(0)) return fail(i, "result type wrong");
        } else if (eval::is_unary(in.op)) {
          if (!is_int(t) || ta(0) != t) return fail(i, "unary types differ");
        }
    }
    if ((in.op == Op::Set || in.op == Op::Store || (info.effects & (kTerminator | kMarker | kControl))) &&
        t != Type::Void)
      return fail(i, "must not produce a value");
    if (t != Type::Void) visible[i] = 1;
  }
  if (open_skips) return "a skip names a label that is never placed";
  if (insn_starts != b.guest_insns) return "guest_insns does not match the insn_start count";
  return "";
}

}  // namespace kiln::ir

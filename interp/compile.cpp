// IR block -> interpreter Code. Decides where every value lives (a scratch
// slot, or directly in a 64-bit guest-state field), folds constants into the
// immediate forms, and records each faulting op's guest instruction.
#include <algorithm>

#include "cpu/common/amo.h"
#include "interp/handlers.h"
#include "interp/interp.h"
#include "ir/eval.h"

namespace kiln::interp {

using ir::Op;
using ir::Type;

namespace {

constexpr uint32_t kNone = ~0u;

bool writes_overlap(const ir::Inst& in, uint64_t off, unsigned size, const ir::Block& b) {
  if (in.op == Op::Set) {
    unsigned s = ir::type_bits(b.type_of(in.a[0])) / 8;
    return in.imm < off + size && off < in.imm + s;
  }
  return (ir::effects_of(in) & ir::kWritesState) != 0;
}

}  // namespace

std::unique_ptr<Code> compile(const ir::Block& b) {
  const size_t n = b.insts.size();
  auto code = std::make_unique<Code>();

  // Uses: count and last use of every value.
  std::vector<uint32_t> uses(n, 0), last_use(n, 0);
  for (size_t i = 0; i < n; i++)
    for (ir::ValueId a : b.insts[i].a)
      if (a != ir::kNoValue) {
        uses[a]++;
        last_use[a] = uint32_t(i);
      }

  // Where each value lives: a byte offset from env.
  std::vector<uint32_t> loc(n, kNone);
  std::vector<bool> in_state(n, false);  // forwarded to a guest-state field
  // 64-bit Gets read the guest field directly when nothing writes it before the last use.
  for (size_t i = 0; i < n; i++) {
    const ir::Inst& in = b.insts[i];
    if (in.op != Op::Get || in.type != Type::I64 || uses[i] == 0) continue;
    bool clobbered = false;
    for (size_t k = i + 1; k < last_use[i] && !clobbered; k++) clobbered = writes_overlap(b.insts[k], in.imm, 8, b);
    if (!clobbered) {
      loc[i] = uint32_t(in.imm);
      in_state[i] = true;
    }
  }
  // A 64-bit value used only by the Set right after it is computed straight into the field.
  std::vector<bool> set_folded(n, false);
  for (size_t i = 1; i < n; i++) {
    const ir::Inst& in = b.insts[i];
    if (in.op != Op::Set) continue;
    ir::ValueId v = in.a[0];
    const ir::Inst& def = b.insts[v];
    bool producer = ir::eval::is_binary(def.op) || ir::eval::is_unary(def.op) || def.op == Op::Load ||
                    def.op == Op::SExt || def.op == Op::ZExt || def.op == Op::Select;
    if (v == i - 1 && def.type == Type::I64 && uses[v] == 1 && producer && !in_state[v]) {
      loc[v] = uint32_t(in.imm);
      in_state[v] = true;
      set_folded[i] = true;
    }
  }

  // Scratch slots for the rest, reused once a value is dead.
  std::vector<uint32_t> free_slots;
  uint32_t next_slot = 0;
  std::vector<std::vector<uint32_t>> die_at(n);
  auto slot_for = [&](size_t v) -> bool {
    uint32_t s;
    if (!free_slots.empty()) {
      s = free_slots.back();
      free_slots.pop_back();
    } else {
      if (next_slot >= cpu::kScratchSlots) return false;
      s = next_slot++;
    }
    loc[v] = uint32_t(cpu::kScratchOffset + 8 * s);
    if (uses[v]) die_at[last_use[v]].push_back(s);
    else free_slots.push_back(s);
    return true;
  };

  auto is_const = [&](ir::ValueId v) { return b.insts[v].op == Op::Const; };
  // Constants get a slot (and an LdImm) only where an operand cannot be an immediate.
  std::vector<bool> const_needs_slot(n, false);
  for (size_t i = 0; i < n; i++) {
    const ir::Inst& in = b.insts[i];
    for (unsigned k = 0; k < 3; k++) {
      ir::ValueId a = in.a[k];
      if (a == ir::kNoValue || !is_const(a)) continue;
      bool imm_ok = (k == 1 && ir::eval::is_binary(in.op)) || (k == 0 && in.op == Op::Set);
      if (!imm_ok) const_needs_slot[a] = true;
    }
  }

  // Direct exits: the interpreter's exit index (engine link slot) of each
  // target pc, in the order the block first names them; past two, unlinked.
  std::vector<uint64_t> exit_pcs;
  auto exit_index = [&](uint64_t pc) -> uint32_t {
    for (size_t k = 0; k < exit_pcs.size(); k++)
      if (exit_pcs[k] == pc) return uint32_t(k);
    if (exit_pcs.size() == 2) return 2;
    exit_pcs.push_back(pc);
    return uint32_t(exit_pcs.size() - 1);
  };
  // Labels: the op index each one lands on, and the skips to patch with it.
  std::vector<uint32_t> label_at(b.labels, 0);
  std::vector<std::pair<size_t, uint32_t>> skips;  // (op index, label)

  uint16_t insn = 0;
  bool first_insn = true;
  uint32_t retired = 0;  // InsnStarts so far
  for (size_t i = 0; i < n; i++) {
    const ir::Inst& in = b.insts[i];
    ICode ic{};
    ic.insn = insn;
    auto A = [&](unsigned k) { return loc[in.a[k]]; };
    auto need_dst = [&]() -> bool {
      if (loc[i] == kNone && !slot_for(i)) return false;
      ic.dst = loc[i];
      return true;
    };
    bool emit = true;
    switch (in.op) {
      case Op::Const:
        if (!const_needs_slot[i]) {
          emit = false;
          break;
        }
        if (!need_dst()) return nullptr;
        ic.handler = kLdImm;
        ic.imm = in.imm;
        break;
      case Op::Get:
        if (in_state[i] || uses[i] == 0) {
          emit = false;
          break;
        }
        if (!need_dst()) return nullptr;
        ic.handler = uint16_t(kGet8 + width_index(in.type));
        ic.a = uint32_t(in.imm);
        break;
      case Op::Set: {
        if (set_folded[i]) {
          emit = false;
          break;
        }
        unsigned w = width_index(b.type_of(in.a[0]));
        ic.dst = uint32_t(in.imm);
        if (is_const(in.a[0])) {
          ic.handler = uint16_t(kSetImm8 + w);
          ic.imm = b.insts[in.a[0]].imm;
        } else {
          ic.handler = uint16_t(kSet8 + w);
          ic.a = A(0);
        }
        break;
      }
      case Op::Add: case Op::Sub: case Op::Mul: case Op::MulHS: case Op::MulHU: case Op::MulHSU:
      case Op::DivS: case Op::DivU: case Op::RemS: case Op::RemU: case Op::And: case Op::Or:
      case Op::Xor: case Op::Shl: case Op::ShrL: case Op::ShrA: case Op::Rotl: case Op::Rotr:
      case Op::CmpEq: case Op::CmpNe: case Op::CmpLtS: case Op::CmpLtU: case Op::CmpGeS: case Op::CmpGeU: {
        bool imm = is_const(in.a[1]);
        ic.handler = pure_handler(in.op, width_index(b.type_of(in.a[0])), imm);
        ic.a = A(0);
        if (imm) ic.imm = b.insts[in.a[1]].imm;
        else ic.b = A(1);
        if (!need_dst()) return nullptr;
        break;
      }
      case Op::Not: case Op::Neg: case Op::Clz: case Op::Ctz: case Op::Popcnt: case Op::Bswap:
        ic.handler = pure_handler(in.op, width_index(in.type), false);
        ic.a = A(0);
        if (!need_dst()) return nullptr;
        break;
      case Op::Select:
        ic.handler = kSelect;
        ic.a = A(0);
        ic.b = A(1);
        ic.c = A(2);
        if (!need_dst()) return nullptr;
        break;
      case Op::ZExt:
        ic.handler = kCopy;
        ic.a = A(0);
        if (!need_dst()) return nullptr;
        break;
      case Op::SExt:
        ic.handler = uint16_t(kSExt8 + width_index(in.type));
        ic.a = A(0);
        ic.imm = 64 - ir::type_bits(b.type_of(in.a[0]));
        if (!need_dst()) return nullptr;
        break;
      case Op::Trunc:
        ic.handler = kMask;
        ic.a = A(0);
        ic.imm = ir::eval::mask(ir::type_bits(in.type));
        if (!need_dst()) return nullptr;
        break;
      case Op::Load: {
        ir::MemOp m = ir::MemOp::unpack(in.imm);
        if (m.mmu_idx >= mem::kMmuModes) return nullptr;
        if (m.sign && m.size_log2 < 3) ic.handler = uint16_t(kLoadS1 + m.size_log2);
        else ic.handler = uint16_t(kLoad1 + m.size_log2);
        ic.a = A(0);
        ic.b = m.mmu_idx;
        ic.c = m.aligned_only;
        ic.imm = ir::eval::mask(ir::type_bits(in.type));
        if (!need_dst()) return nullptr;
        break;
      }
      case Op::Store: {
        ir::MemOp m = ir::MemOp::unpack(in.imm);
        if (m.mmu_idx >= mem::kMmuModes) return nullptr;
        ic.handler = uint16_t(kStore1 + m.size_log2);
        ic.a = A(0);
        ic.b = A(1);
        ic.c = m.mmu_idx | uint32_t(m.aligned_only) << 8;
        break;
      }
      case Op::Amo: {
        ir::MemOp m = ir::MemOp::unpack(in.imm);
        if (m.mmu_idx >= mem::kMmuModes) return nullptr;
        ic.handler = kAmo;
        ic.a = A(0);
        ic.b = A(1);
        ic.imm = cpu::amo_desc(m.size(), ir::AmoKind(in.aux), m.mmu_idx, ir::type_bits(in.type));
        if (!need_dst()) return nullptr;
        break;
      }
      case Op::Call: {
        const auto* h = reinterpret_cast<const ir::Helper*>(in.imm);
        ic.handler = (h->effects & ir::kMayFault) ? kCallMayFault : kCall;
        ic.imm = in.imm;
        ic.a = h->nargs > 0 ? A(0) : kNone;
        ic.b = h->nargs > 1 ? A(1) : kNone;
        ic.c = h->nargs > 2 ? A(2) : kNone;
        if (!need_dst()) return nullptr;
        break;
      }
      case Op::InsnStart:
        if (!first_insn) insn++;
        first_insn = false;
        retired++;
        code->insn_pc.push_back(in.imm);
        emit = false;
        break;
      case Op::Label:
        label_at[in.imm] = uint32_t(code->ops.size());
        emit = false;
        break;
      case Op::SkipIf:
      case Op::Skip:
        ic.handler = in.op == Op::SkipIf ? kSkipIf : kSkip;
        if (in.op == Op::SkipIf) ic.a = A(0);
        skips.push_back({code->ops.size(), uint32_t(in.imm)});
        break;
      // Exits: c = the instructions retired by leaving here (those up to and including this one).
      case Op::Goto:
        ic.handler = kGoto;
        ic.imm = in.imm;
        ic.b = exit_index(in.imm);
        ic.c = retired;
        break;
      case Op::Branch: {
        ic.handler = kBranch;
        ic.a = A(0);
        ic.imm = in.imm;
        ic.b = exit_index(in.imm);
        ic.c = retired;
        ICode not_taken{kGoto, insn, 0, 0, exit_index(in.aux), retired, in.aux};
        code->ops.push_back(ic);
        ic = not_taken;
        break;
      }
      case Op::JumpIndirect:
        ic.handler = kJumpIndirect;
        ic.a = A(0);
        ic.c = retired;
        break;
      case Op::Exit:
        ic.handler = kExit;
        ic.imm = in.imm;
        ic.a = A(0);
        ic.c = retired;
        break;
    }
    ic.insn = insn;
    if (emit) code->ops.push_back(ic);
    for (uint32_t s : die_at[i]) free_slots.push_back(s);
  }
  for (auto [op, label] : skips) code->ops[op].b = label_at[label];
  return code;
}

}  // namespace kiln::interp

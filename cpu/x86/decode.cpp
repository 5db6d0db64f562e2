// Decoding (cpu/x86/decode.h): Zydis splits the instruction, the opcode map
// (cpu/x86/opcodes.inc, parsed once) says what it means.
#include "cpu/x86/decode.h"

#include <Zydis/Zydis.h>

#include <cstring>

#include "cpu/x86/insn/insns.h"

namespace kiln::x86 {

bool parse_operands(const char* text, OperandSpec out[3]) {
  struct Name {
    const char* text;
    OperandSpec spec;
  };
  static constexpr Name kNames[] = {
      {"Eb", {Opnd::E, 'b'}},   {"Ev", {Opnd::E, 'v'}},   {"Ew", {Opnd::E, 'w'}},    {"Gb", {Opnd::G, 'b'}},
      {"Gv", {Opnd::G, 'v'}},   {"M", {Opnd::M, 0}},      {"Mp", {Opnd::M, 'p'}},    {"Sw", {Opnd::S, 'w'}},
      {"Ib", {Opnd::I, 'b'}},   {"Iv", {Opnd::I, 'v'}},   {"Iw", {Opnd::I, 'w'}},    {"Ibs", {Opnd::Is, 'v'}},
      {"Jb", {Opnd::J, 'b'}},   {"Jv", {Opnd::J, 'v'}},   {"Ap", {Opnd::A, 'p'}},    {"Ob", {Opnd::O, 'b'}},
      {"Ov", {Opnd::O, 'v'}},   {"Zb", {Opnd::Z, 'b'}},   {"Zv", {Opnd::Z, 'v'}},    {"AL", {Opnd::Acc, 'b'}},
      {"eAX", {Opnd::Acc, 'v'}}, {"CL", {Opnd::Cl, 'b'}}, {"DX", {Opnd::Dx, 'w'}},   {"1", {Opnd::One, 'b'}},
      {"Xb", {Opnd::X, 'b'}},   {"Xv", {Opnd::X, 'v'}},   {"Yb", {Opnd::Y, 'b'}},    {"Yv", {Opnd::Y, 'v'}},
      {"ES", {Opnd::Sreg, 'w', ES}}, {"CS", {Opnd::Sreg, 'w', CS}}, {"SS", {Opnd::Sreg, 'w', SS}},
      {"DS", {Opnd::Sreg, 'w', DS}},
  };
  unsigned n = 0;
  const char* p = text;
  while (*p) {
    const char* end = std::strchr(p, ',');
    size_t len = end ? size_t(end - p) : std::strlen(p);
    bool found = false;
    for (const Name& name : kNames) {
      if (std::strlen(name.text) == len && std::strncmp(name.text, p, len) == 0) {
        if (n == 3) return false;
        out[n++] = name.spec;
        found = true;
        break;
      }
    }
    if (!found) return false;
    p += len;
    if (*p == ',') p++;
  }
  return true;
}

const std::vector<OpcodeRow>& opcode_map() {
  static const std::vector<OpcodeRow> rows = [] {
    std::vector<OpcodeRow> v = {
#define ROW(op, reg, NAME, ops, flags) OpcodeRow{uint16_t(op), int8_t(reg), #NAME, ops, uint8_t(flags), NAME, {}},
#include "cpu/x86/opcodes.inc"
#undef ROW
    };
    for (OpcodeRow& r : v) parse_operands(r.operands, r.ops);  // tests check every row parses
    return v;
  }();
  return rows;
}

namespace {
bool row_valid_for(const OpcodeRow& r, Model model) {
  if ((r.flags & kOnly86) && model != Model::I8086) return false;
  if ((r.flags & kFrom186) && model == Model::I8086) return false;
  return true;
}
// Index: the rows of each opcode (one-byte and 0F maps).
const std::vector<const OpcodeRow*>& rows_of(uint16_t opcode) {
  static const std::vector<std::vector<const OpcodeRow*>> index = [] {
    std::vector<std::vector<const OpcodeRow*>> ix(0x200);
    for (const OpcodeRow& r : opcode_map()) ix[r.opcode].push_back(&r);
    return ix;
  }();
  return index[opcode & 0x1ff];
}
}  // namespace

const OpcodeRow* find_row(uint16_t opcode, unsigned reg, Model model) {
  for (const OpcodeRow* r : rows_of(opcode))
    if ((r->reg < 0 || unsigned(r->reg) == reg) && row_valid_for(*r, model)) return r;
  return nullptr;
}

// The 8086 decodes some opcodes the 186 redefined as aliases of others: they
// are rewritten to the opcode they alias before Zydis (a 386+ decoder) sees
// them. Returns false for 0F, which is POP CS (one byte) on the 8086.
bool alias_8086(uint8_t* op, size_t n, Insn* d) {
  const uint8_t b = op[0];
  if (b == 0x0F) {
    d->opcode = 0x0F;
    d->row = find_row(0x0F, 0, Model::I8086);
    return false;
  }
  if (b >= 0x60 && b <= 0x6F) op[0] = b + 0x10;  // Jcc
  if (b == 0xC0 || b == 0xC1 || b == 0xC8 || b == 0xC9) op[0] = b + 2;  // RET Iw / RET, RETF Iw / RETF
  if (n >= 2 && b == 0xFF && (op[1] & 0x38) == 0x38) op[1] &= ~0x08;  // FF /7: PUSH
  if (n >= 2 && (b == 0x8C || b == 0x8E)) op[1] &= ~0x20;  // segment register 4-7: 0-3
  return true;
}

bool decode(Model model, CodeSize size, const uint8_t* bytes, size_t n, Insn* out) {
  // Our own prefix scan: segment overrides (the last one counts), REP/REPNE
  // and LOCK. LOCK is taken out before Zydis sees the bytes, because Zydis
  // rejects it where the 386 would raise #UD and these CPUs do not.
  uint8_t buf[15];
  size_t kept = 0, locks = 0, i = 0;
  Insn d;
  for (; i < n && kept + locks < 15; i++) {
    uint8_t p = bytes[i];
    if (p == 0x26 || p == 0x2E || p == 0x36 || p == 0x3E) {
      d.seg_override = (p >> 3) & 3;  // 26 ES, 2E CS, 36 SS, 3E DS
    } else if (p == 0xF2 || p == 0xF3) {
      d.rep = p;
    } else if (p == 0xF0 || p == 0xF1) {  // F1: a second LOCK on the 8086 and 286 (INT1 from the 386 on)
      d.lock = true;
      locks++;
      continue;
    } else {
      break;
    }
    buf[kept++] = p;
  }
  const size_t opcode_at = kept;
  // 64-67 (FS, GS, operand and address size) came with the 386: aliases of Jcc on the 8086 (below), #UD on the 286.
  if (model == Model::I286 && i < n && bytes[i] >= 0x64 && bytes[i] <= 0x67) return false;
  for (; i < n && kept < sizeof buf; i++) buf[kept++] = bytes[i];
  if (model == Model::I8086 && opcode_at < kept && !alias_8086(buf + opcode_at, kept - opcode_at, &d)) {
    d.len = unsigned(opcode_at + locks + 1);  // POP CS
    *out = d;
    return true;
  }

  ZydisDecoder dec;
  const ZydisMachineMode mode = size == CodeSize::Long64   ? ZYDIS_MACHINE_MODE_LONG_64
                                : size == CodeSize::Prot32 ? ZYDIS_MACHINE_MODE_LEGACY_32
                                : size == CodeSize::Prot16 ? ZYDIS_MACHINE_MODE_LEGACY_16
                                                           : ZYDIS_MACHINE_MODE_REAL_16;
  const ZydisStackWidth stack = size == CodeSize::Long64   ? ZYDIS_STACK_WIDTH_64
                                : size == CodeSize::Prot32 ? ZYDIS_STACK_WIDTH_32
                                                           : ZYDIS_STACK_WIDTH_16;
  if (ZYAN_FAILED(ZydisDecoderInit(&dec, mode, stack))) return false;
  ZydisDecodedInstruction z;
  if (ZYAN_FAILED(ZydisDecoderDecodeInstruction(&dec, nullptr, buf, kept, &z))) return false;
  if (z.opcode_map != ZYDIS_OPCODE_MAP_DEFAULT && z.opcode_map != ZYDIS_OPCODE_MAP_0F) return false;
  d.len = z.length + unsigned(locks);
  if (d.len > 15) return false;  // the 286 and later fault; the 8086 has no limit (not modelled)
  d.opcode = uint16_t(z.opcode | (z.opcode_map == ZYDIS_OPCODE_MAP_0F ? 0x100 : 0));
  d.has_modrm = (z.attributes & ZYDIS_ATTRIB_HAS_MODRM) != 0;
  d.mod = z.raw.modrm.mod;
  d.reg = z.raw.modrm.reg;
  d.rm = z.raw.modrm.rm;
  d.disp = z.raw.disp.value;
  d.imm = z.raw.imm[0].value.u;
  d.imm2 = z.raw.imm[1].value.u;
  d.row = find_row(d.opcode, d.has_modrm ? d.reg : 0, model);
  if (!d.row) return false;
  const OperandSpec* ops = d.row->ops;
  for (unsigned k = 0; k < 3; k++) {
    if (ops[k].kind == Opnd::A) {  // ptr16:16: offset, then selector
      const uint8_t* p = buf + z.length - 4;
      d.imm = uint64_t(p[0] | p[1] << 8);
      d.imm2 = uint64_t(p[2] | p[3] << 8);
    } else if (ops[k].kind == Opnd::O) {
      d.imm = uint64_t(z.raw.disp.value) & 0xffff;
    } else if (ops[k].kind == Opnd::M && d.mod == 3) {
      return false;  // a register where memory is required
    }
  }
  *out = d;
  return true;
}

}  // namespace kiln::x86

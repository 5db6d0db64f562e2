// Decoding (cpu/x86/decode.h): Zydis splits the instruction, the opcode map
// (cpu/x86/opcodes.inc, parsed once) says what it means.
#include "cpu/x86/decode.h"

#include <Zydis/Zydis.h>

#include <cstring>

#include "cpu/x86/cpuid.h"
#include "cpu/x86/insn/insns.h"

namespace kiln::x86 {

bool parse_operands(const char* text, OperandSpec out[3]) {
  struct Name {
    const char* text;
    OperandSpec spec;
  };
  static constexpr Name kNames[] = {
      {"Eb", {Opnd::E, 'b'}},   {"Ev", {Opnd::E, 'v'}},   {"Ew", {Opnd::E, 'w'}},    {"Ed", {Opnd::E, 'd'}},
      {"Ey", {Opnd::E, 'y'}},   {"Gb", {Opnd::G, 'b'}},   {"Gv", {Opnd::G, 'v'}},    {"Gw", {Opnd::G, 'w'}},
      {"Gd", {Opnd::G, 'd'}},   {"Gy", {Opnd::G, 'y'}},   {"M", {Opnd::M, 0}},       {"Mp", {Opnd::M, 'p'}},
      {"Mw", {Opnd::M, 'w'}},   {"Mv", {Opnd::M, 'v'}},   {"Sw", {Opnd::S, 'w'}},    {"Ib", {Opnd::I, 'b'}},
      {"Iv", {Opnd::I, 'v'}},   {"Iw", {Opnd::I, 'w'}},   {"Iz", {Opnd::I, 'z'}},    {"Ibs", {Opnd::Is, 'v'}},
      {"Jb", {Opnd::J, 'b'}},   {"Jz", {Opnd::J, 'z'}},   {"Ap", {Opnd::A, 'p'}},    {"Ob", {Opnd::O, 'b'}},
      {"Ov", {Opnd::O, 'v'}},   {"Zb", {Opnd::Z, 'b'}},   {"Zv", {Opnd::Z, 'v'}},    {"Zy", {Opnd::Z, 'y'}},
      {"AL", {Opnd::Acc, 'b'}}, {"eAX", {Opnd::Acc, 'v'}}, {"CL", {Opnd::Cl, 'b'}},  {"DX", {Opnd::Dx, 'w'}},
      {"1", {Opnd::One, 'b'}},  {"Xb", {Opnd::X, 'b'}},   {"Xv", {Opnd::X, 'v'}},    {"Yb", {Opnd::Y, 'b'}},
      {"Yv", {Opnd::Y, 'v'}},   {"Cd", {Opnd::C, 'y'}},   {"Dd", {Opnd::D, 'y'}},    {"Ry", {Opnd::R, 'y'}},
      {"Rv", {Opnd::R, 'v'}},
      // SSE and MMX (SDM Vol. 2 Appendix A.2: V/W/U xmm, P/Q/N mm; ps/pd/dq 128 bits)
      {"Vps", {Opnd::V, 'x'}},  {"Vpd", {Opnd::V, 'x'}},  {"Vdq", {Opnd::V, 'x'}},   {"Vss", {Opnd::V, 'd'}},
      {"Vsd", {Opnd::V, 'q'}},  {"Vq", {Opnd::V, 'q'}},   {"Vd", {Opnd::V, 'd'}},    {"Vy", {Opnd::V, 'y'}},
      {"Wps", {Opnd::W, 'x'}},  {"Wpd", {Opnd::W, 'x'}},  {"Wdq", {Opnd::W, 'x'}},   {"Wss", {Opnd::W, 'd'}},
      {"Wsd", {Opnd::W, 'q'}},  {"Wq", {Opnd::W, 'q'}},   {"Wd", {Opnd::W, 'd'}},    {"Ups", {Opnd::U, 'x'}},
      {"Upd", {Opnd::U, 'x'}},  {"Udq", {Opnd::U, 'x'}},  {"Uq", {Opnd::U, 'q'}},    {"Pq", {Opnd::P, 'q'}},
      {"Pd", {Opnd::P, 'd'}},   {"Qq", {Opnd::Q, 'q'}},   {"Qd", {Opnd::Q, 'd'}},    {"Nq", {Opnd::N, 'q'}},
      {"Mq", {Opnd::M, 'q'}},   {"Md", {Opnd::M, 'd'}},   {"Mdq", {Opnd::M, 'x'}},   {"My", {Opnd::M, 'y'}},
      {"ES", {Opnd::Sreg, 'w', ES}}, {"CS", {Opnd::Sreg, 'w', CS}}, {"SS", {Opnd::Sreg, 'w', SS}},
      {"DS", {Opnd::Sreg, 'w', DS}}, {"FS", {Opnd::Sreg, 'w', FS}}, {"GS", {Opnd::Sreg, 'w', GS}},
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
#define ROWP(op, reg, pfx, NAME, ops, flags, need) \
  OpcodeRow{uint16_t(op), int8_t(reg), #NAME, ops, uint8_t(flags), NAME, {}, pfx, Feature::need},
#define ROWF(op, reg, NAME, ops, flags, need) \
  OpcodeRow{uint16_t(op), int8_t(reg), #NAME, ops, uint8_t(flags), NAME, {}, kPfxAny, Feature::need},
#include "cpu/x86/opcodes.inc"
#undef ROWF
#undef ROWP
#undef ROW
    };
    for (OpcodeRow& r : v) parse_operands(r.operands, r.ops);  // tests check every row parses
    return v;
  }();
  return rows;
}

namespace {
bool row_valid_for(const OpcodeRow& r, Model model, const Features& features) {
  if ((r.flags & kOnly86) && model != Model::I8086) return false;
  if ((r.flags & kFrom186) && model == Model::I8086) return false;
  if ((r.flags & kFrom386) && model < Model::I386) return false;
  if ((r.flags & kFrom486) && model < Model::I486) return false;
  if ((r.flags & kFromP5) && model < Model::Pentium) return false;
  return features.has(r.needs);
}
// Index: the rows of each opcode (one-byte, 0F, 0F 38 and 0F 3A maps).
const std::vector<const OpcodeRow*>& rows_of(uint16_t opcode) {
  static const std::vector<std::vector<const OpcodeRow*>> index = [] {
    std::vector<std::vector<const OpcodeRow*>> ix(0x400);
    for (const OpcodeRow& r : opcode_map()) ix[r.opcode].push_back(&r);
    return ix;
  }();
  return index[opcode & 0x3ff];
}
}  // namespace

const OpcodeRow* find_row(uint16_t opcode, unsigned reg, Model model, const Features& features, uint8_t prefix) {
  for (const OpcodeRow* r : rows_of(opcode))
    if ((r->reg < 0 || unsigned(r->reg) == reg) && (r->prefix == kPfxAny || r->prefix == prefix) &&
        row_valid_for(*r, model, features))
      return r;
  return nullptr;
}

// The 8086 decodes some opcodes the 186 redefined as aliases of others: they
// are rewritten to the opcode they alias before Zydis (a 386+ decoder) sees
// them. Returns false for 0F, which is POP CS (one byte) on the 8086.
bool alias_8086(uint8_t* op, size_t n, Insn* d) {
  const uint8_t b = op[0];
  if (b == 0x0F) {
    d->opcode = 0x0F;
    d->row = find_row(0x0F, 0, Model::I8086, Features{});
    return false;
  }
  if (b >= 0x60 && b <= 0x6F) op[0] = b + 0x10;  // Jcc
  if (b == 0xC0 || b == 0xC1 || b == 0xC8 || b == 0xC9) op[0] = b + 2;  // RET Iw / RET, RETF Iw / RETF
  if (n >= 2 && b == 0xFF && (op[1] & 0x38) == 0x38) op[1] &= ~0x08;  // FF /7: PUSH
  if (n >= 2 && (b == 0x8C || b == 0x8E)) op[1] &= ~0x20;  // segment register 4-7: 0-3
  return true;
}

bool decode(Model model, CodeSize size, const uint8_t* bytes, size_t n, Insn* out) {
  return decode(model, model_features(model), size, bytes, n, out);
}

bool decode(Model model, const Features& features, CodeSize size, const uint8_t* bytes, size_t n, Insn* out) {
  // Our own prefix scan: segment overrides (the last one counts), operand
  // and address size, REP/REPNE and LOCK. LOCK is taken out before Zydis sees
  // the bytes, because Zydis rejects it where the 386 would raise #UD and
  // these CPUs do not.
  uint8_t buf[15];
  size_t kept = 0, locks = 0, i = 0;
  bool opsize_prefix = false, addrsize_prefix = false;
  const bool is64 = size == CodeSize::Long64;
  Insn d;
  for (; i < n && kept + locks < 15; i++) {
    uint8_t p = bytes[i];
    if (p == 0x26 || p == 0x2E || p == 0x36 || p == 0x3E) {
      if (!is64) d.seg_override = (p >> 3) & 3;  // 26 ES, 2E CS, 36 SS, 3E DS (ignored in 64-bit mode)
    } else if ((p == 0x64 || p == 0x65) && is_386_or_later(model)) {
      d.seg_override = p == 0x64 ? FS : GS;
    } else if (p == 0x66 && is_386_or_later(model)) {
      opsize_prefix = true;
    } else if (p == 0x67 && is_386_or_later(model)) {
      addrsize_prefix = true;
    } else if (p == 0xF2 || p == 0xF3) {
      d.rep = p;
    } else if (p == 0xF0 || (p == 0xF1 && !is_386_or_later(model))) {  // F1: a second LOCK on the 8086 and 286 (INT1 from the 386 on)
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

  // Before the 386 Kiln has no FPU: every D8-DF byte is an escape whose length
  // is that of its ModR/M form (Zydis, a 386+ decoder, refuses some x87
  // encodings), so Zydis sees D8 with the same ModR/M and the opcode is restored.
  uint8_t escape = 0;
  if (model <= Model::I286 && opcode_at < kept && buf[opcode_at] >= 0xD8 && buf[opcode_at] <= 0xDF) {
    escape = buf[opcode_at];
    buf[opcode_at] = 0xD8;
  }
  // The 8086's MOV CS,Ew (8E /1) loads CS; Zydis knows only its 386 meaning (#UD): it sees MOV DS,Ew.
  bool mov_cs = false;
  if (model == Model::I8086 && opcode_at + 1 < kept && buf[opcode_at] == 0x8E && ((buf[opcode_at + 1] >> 3) & 7) == 1) {
    mov_cs = true;
    buf[opcode_at + 1] |= 0x10;  // reg 1 -> 3
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
  const ZyanStatus status = ZydisDecoderDecodeInstruction(&dec, nullptr, buf, kept, &z);
  if (ZYAN_FAILED(status)) {
    // 15 bytes (LOCKs included) were there and the instruction did not end in them.
    out->too_long = model != Model::I8086 && (status == ZYDIS_STATUS_INSTRUCTION_TOO_LONG ||
                                               (status == ZYDIS_STATUS_NO_MORE_DATA && kept + locks >= 15));
    return false;
  }
  if (z.opcode_map != ZYDIS_OPCODE_MAP_DEFAULT && z.opcode_map != ZYDIS_OPCODE_MAP_0F &&
      z.opcode_map != ZYDIS_OPCODE_MAP_0F38 && z.opcode_map != ZYDIS_OPCODE_MAP_0F3A)
    return false;
  if (z.encoding != ZYDIS_INSTRUCTION_ENCODING_LEGACY) return false;  // VEX, EVEX, 3DNow!...: not implemented
  d.len = z.length + unsigned(locks);
  if (d.len > 15) {  // the 286 and later fault; the 8086 has no limit (not modelled)
    out->too_long = model != Model::I8086;
    return false;
  }
  d.opcode = uint16_t(z.opcode | (z.opcode_map == ZYDIS_OPCODE_MAP_0F     ? 0x100
                                   : z.opcode_map == ZYDIS_OPCODE_MAP_0F38 ? 0x200
                                   : z.opcode_map == ZYDIS_OPCODE_MAP_0F3A ? 0x300
                                                                           : 0));
  if (escape) d.opcode = escape;
  d.has_modrm = (z.attributes & ZYDIS_ATTRIB_HAS_MODRM) != 0;
  d.has_sib = (z.attributes & ZYDIS_ATTRIB_HAS_SIB) != 0;
  if (z.attributes & ZYDIS_ATTRIB_HAS_REX)
    d.rex = uint8_t(0x40 | z.raw.rex.W << 3 | z.raw.rex.R << 2 | z.raw.rex.X << 1 | z.raw.rex.B);
  d.mod = z.raw.modrm.mod;
  d.reg = uint8_t(z.raw.modrm.reg | ((d.rex & 4) << 1));
  if (mov_cs) d.reg = CS;
  d.rm = z.raw.modrm.rm;
  if (d.has_sib) {
    d.scale = z.raw.sib.scale;
    d.index = uint8_t(z.raw.sib.index | ((d.rex & 2) << 2));
    d.base = uint8_t(z.raw.sib.base | ((d.rex & 1) << 3));
  }
  d.disp = z.raw.disp.value;
  // The mandatory prefix (SSE rows) as Zydis found it: F2/F3 before 66, wherever they are among the prefixes.
  uint8_t mandatory = kPfxNone;
  for (unsigned k = 0; k < z.raw.prefix_count; k++) {
    if (z.raw.prefixes[k].type != ZYDIS_PREFIX_TYPE_MANDATORY) continue;
    const uint8_t v = z.raw.prefixes[k].value;
    mandatory = v == 0xF3 ? kPfxF3 : v == 0xF2 ? kPfxF2 : v == 0x66 ? kPfx66 : mandatory;
  }
  d.row = find_row(d.opcode, d.has_modrm ? z.raw.modrm.reg : 0, model, features, mandatory);
  if (!d.row) return false;
  // LOCK (386 and later): only on the rows that allow it, with a memory destination; else #UD.
  // The 8086 and 286 ignore a misplaced LOCK.
  if (d.lock && is_386_or_later(model) && (!(d.row->flags & kLock) || d.mod == 3)) return false;
  // Operand and address size (Intel SDM Vol. 1 §3.6, Vol. 2 §2.2.1.2).
  const bool def64 = d.row->flags & kDef64;
  if (is64) {
    d.opsize = (d.rex & 8) ? 64 : def64 ? (opsize_prefix ? 16 : 64) : (opsize_prefix ? 16 : 32);
    d.addrsize = addrsize_prefix ? 32 : 64;
  } else {
    const bool d32 = size == CodeSize::Prot32;
    d.opsize = (d32 != opsize_prefix) ? 32 : 16;
    d.addrsize = (d32 != addrsize_prefix) ? 32 : 16;
  }
  const OperandSpec* ops = d.row->ops;
  // Immediates: sign-extended where the notation says so (Ibs; Iz at 64 bits; Jb, Jz).
  auto imm = [&](unsigned k) -> uint64_t {
    const auto& r = z.raw.imm[k];
    if (r.size == 0 || r.size >= 64) return r.value.u;
    return r.value.u & ((1ull << r.size) - 1);
  };
  d.imm = imm(0);
  d.imm2 = imm(1);
  for (unsigned k = 0; k < 3; k++) {
    if (ops[k].kind == Opnd::Is || ops[k].kind == Opnd::J || (ops[k].kind == Opnd::I && ops[k].size == 'z')) {
      const unsigned bits = z.raw.imm[0].size;
      if (bits && bits < 64) d.imm = uint64_t(int64_t(z.raw.imm[0].value.u << (64 - bits)) >> (64 - bits));
    } else if (ops[k].kind == Opnd::A) {  // ptr16:16 or ptr16:32: offset, then selector
      const unsigned off_bytes = d.opsize == 32 ? 4 : 2;
      const uint8_t* p = buf + z.length - off_bytes - 2;
      uint64_t off = 0;
      for (unsigned j = 0; j < off_bytes; j++) off |= uint64_t(p[j]) << (8 * j);
      d.imm = off;
      d.imm2 = uint64_t(p[off_bytes] | p[off_bytes + 1] << 8);
    } else if (ops[k].kind == Opnd::O) {  // moffs: an offset of the address size
      d.imm = uint64_t(z.raw.disp.value) & (d.addrsize == 64 ? ~0ull : (1ull << d.addrsize) - 1);
    } else if ((ops[k].kind == Opnd::U || ops[k].kind == Opnd::N) && d.mod != 3) {
      return false;  // memory where a register is required
    } else if (ops[k].kind == Opnd::M && d.mod == 3) {
      return false;  // a register where memory is required
    } else if (ops[k].kind == Opnd::R && d.mod != 3) {
      if (d.opcode < 0x120 || d.opcode > 0x123) return false;  // MOV CRn/DRn ignore mod (treat it as 3)
    }
  }
  *out = d;
  return true;
}

}  // namespace kiln::x86

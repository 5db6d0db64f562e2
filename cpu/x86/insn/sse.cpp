// MMX and SSE-SSSE3, the translation side: every MMX/SSE row of the opcode
// map (cpu/x86/opcodes.inc, ROWP) comes here. An instruction first calls
// kSseCheck (#UD without CR4.OSFXSR or with CR0.EM, #NM with CR0.TS, #GP(0)
// for a misaligned 16-byte operand of an aligned form, and the MMX state
// transition), then loads a memory or general-register source through the
// Ctx API (so faults are precise and nothing has changed yet), and calls
// kSseExec, which computes the operation on the registers in X86State
// (sse_int.cpp, sse_float.cpp). Stores to memory are IR reading the register
// from the state.
#include "cpu/x86/insn/sse.h"

#include "cpu/x86/insn/insns.h"
#include "cpu/x86/insn/shapes.h"
#include "mem/tlb.h"

namespace kiln::x86 {

namespace {

uint64_t sse_check(void* env, uint64_t what, uint64_t linear, uint64_t) {
  X86State* s = xs(env);
  if ((s->cr0 & cr0::EM) || ((what & kCheckSse) && !(s->cr4 & cr4::OSFXSR))) {
    record_fault(s, kInvalidOpcode);
  } else if (s->cr0 & cr0::TS) {
    record_fault(s, kDeviceNotAvailable);
  } else if ((what & kCheckAligned) && (linear & 15)) {
    record_fault(s, kGeneralProtection, 0);
  } else if (what & kCheckMmx) {
    s->fpu.ftw = 0;                  // every register valid
    s->fpu.fsw &= uint16_t(~(7u << 11));  // TOP = 0
  }
  return 0;
}

uint64_t sse_exec(void* env, uint64_t packed, uint64_t lo, uint64_t hi) {
  X86State* s = xs(env);
  const SseArgs a = SseArgs::unpack(packed);
  SseOperands o{*s, a, {}, {}, a.dst_mmx ? 8u : 16u};
  if (a.dst_mmx) o.d.q[0] = s->fpu.sig[a.dst & 7];
  else o.d = Vec{{s->xmm[a.dst][0], s->xmm[a.dst][1]}};
  if (a.src_value) o.s = Vec{{lo, hi}};
  else if (a.src_mmx) o.s.q[0] = s->fpu.sig[a.src & 7];
  else o.s = Vec{{s->xmm[a.src][0], s->xmm[a.src][1]}};
  if (!sse_integer(o) && !sse_float(o)) {
    record_fault(s, kInvalidOpcode);
    return 0;
  }
  if (!o.write_dst || s->fault) return o.ret;
  if (a.dst_mmx) {
    s->fpu.sig[a.dst & 7] = o.d.q[0];
    s->fpu.se[a.dst & 7] = 0xffff;  // an MMX write sets the exponent and sign bits
  } else {
    s->xmm[a.dst][0] = o.d.q[0];
    s->xmm[a.dst][1] = o.d.q[1];
  }
  return o.ret;
}

// (linear address of a 16-byte store): when it crosses a page, the second
// page must take the write before the first half is written (#PF otherwise,
// with nothing written).
uint64_t sse_probe_store(void* env, uint64_t linear, uint64_t, uint64_t) {
  X86State* s = xs(env);
  if ((linear & 0xfff) > 0xff0) mem::probe_write(s->mem, (linear + 15) & ~uint64_t(7), 8, data_mmu(*s));
  return 0;
}

bool is_mmx(Opnd k) { return k == Opnd::P || k == Opnd::Q || k == Opnd::N; }
bool is_xmm(Opnd k) { return k == Opnd::V || k == Opnd::W || k == Opnd::U; }
// A register-or-memory operand of the SSE notation (or E/M) that is memory here.
bool in_memory(const Ctx& c, Opnd k) {
  return (k == Opnd::W || k == Opnd::Q || k == Opnd::E || k == Opnd::M) && c.in.mod != 3;
}
unsigned mem_bits(const Ctx& c, const OperandSpec& o) {
  switch (o.size) {
    case 'x': return 128;
    case 'q': return 64;
    case 'd': return 32;
    case 'w': return 16;
    default: return c.opsize() == 64 ? 64 : 32;  // 'y'
  }
}
size_t off_xmm(unsigned r, unsigned half) { return offsetof(X86State, xmm) + 16 * r + 8 * half; }
size_t off_mm(unsigned r) { return offsetof(X86State, fpu) + offsetof(X86State::Fpu, sig) + 8 * (r & 7); }
uint8_t mandatory_prefix(const OpcodeRow& r) { return r.prefix; }

// The checks every instruction starts with. The unaligned 16-byte forms
// (MOVUPS, MOVUPD, MOVDQU, LDDQU) pass `unaligned_ok`. False for LOCK (#UD).
[[nodiscard]] bool check(Ctx& c, bool unaligned_ok = false) {
  if (c.in.lock) return false;
  const OperandSpec* o = c.in.row->ops;
  uint64_t what = 0;
  bool mmx = false, xmm = false;
  int mem = -1;
  for (unsigned i = 0; i < 3; i++) {
    mmx |= is_mmx(o[i].kind);
    xmm |= is_xmm(o[i].kind);
    if (in_memory(c, o[i].kind)) mem = int(i);
  }
  if (xmm) what |= kCheckSse;
  if (mmx) what |= kCheckMmx;
  U64 lin = c.b.c64(0);
  if (mem >= 0 && o[mem].size == 'x' && !unaligned_ok) {
    what |= kCheckAligned;
    lin = c.linear(unsigned(c.seg_of_ea()), c.ea());
  }
  c.b.call(kSseCheck, c.b.c64(what), lin);
  return true;
}

// Loads a memory operand of `bits` into (lo, hi).
void load_mem(Ctx& c, unsigned bits, U64& lo, U64& hi) {
  const unsigned seg = unsigned(c.seg_of_ea());
  if (bits == 128) {
    lo = c.load<T::I64>(seg, c.ea());
    hi = c.load<T::I64>(seg, c.off_add(c.ea(), 8));
  } else {
    lo = c.load_n(seg, c.ea(), bits);
  }
}

// The register-destination shape: V/P/G (or, for the shift-by-immediate
// group, U/N) destination, any source. Returns the helper's result.
U64 exec(Ctx& c) {
  const Insn& in = c.in;
  const OperandSpec* o = in.row->ops;
  SseArgs a{};
  a.key = sse_key(in.opcode, mandatory_prefix(*in.row));
  a.imm = uint8_t(in.imm);
  a.wide = c.opsize() == 64;
  switch (o[0].kind) {
    case Opnd::V: case Opnd::G: a.dst = in.reg; break;
    case Opnd::P: a.dst = in.reg & 7, a.dst_mmx = true; break;
    case Opnd::U: a.dst = uint8_t(in.rm_reg()), a.src = in.reg & 7; break;  // shift groups: src = which shift
    case Opnd::N: a.dst = in.rm & 7, a.dst_mmx = true, a.src = in.reg & 7; break;
    case Opnd::W: a.dst = uint8_t(in.rm_reg()); break;  // store forms between registers
    case Opnd::Q: a.dst = in.rm & 7, a.dst_mmx = true; break;
    default: break;
  }
  U64 lo = c.b.c64(0), hi = c.b.c64(0);
  const Opnd k = o[1].kind;
  if (k == Opnd::V || k == Opnd::P) {  // store forms between registers
    a.src_mmx = k == Opnd::P;
    a.src = uint8_t(a.src_mmx ? in.reg & 7 : in.reg);
  } else if (is_mmx(k) || is_xmm(k)) {
    a.src_mmx = is_mmx(k);
    if (in.mod == 3) a.src = uint8_t(a.src_mmx ? in.rm & 7 : in.rm_reg());
    else a.src_value = true, load_mem(c, mem_bits(c, o[1]), lo, hi);
  } else if (k == Opnd::E || k == Opnd::M) {
    a.src_value = true;
    if (in.mod == 3) lo = c.reg_n(in.rm_reg(), mem_bits(c, o[1]));
    else load_mem(c, mem_bits(c, o[1]), lo, hi);
  }
  return c.b.call(kSseExec, c.b.c64(a.pack()), lo, hi);
}

// Full-width moves and bitwise operations are IR on the 64-bit halves (no
// helper call: memcpy- and strlen-like code is mostly these).
enum class Bitwise { None, Move, And, AndN, Or, Xor };
Bitwise bitwise_of(uint16_t key) {
  switch (key) {
    case sse_key(0x110, kPfxNone): case sse_key(0x110, kPfx66): case sse_key(0x111, kPfxNone):
    case sse_key(0x111, kPfx66): case sse_key(0x128, kPfxNone): case sse_key(0x128, kPfx66):
    case sse_key(0x129, kPfxNone): case sse_key(0x129, kPfx66): case sse_key(0x16F, kPfxNone):
    case sse_key(0x16F, kPfx66): case sse_key(0x16F, kPfxF3): case sse_key(0x17F, kPfxNone):
    case sse_key(0x17F, kPfx66): case sse_key(0x17F, kPfxF3): case sse_key(0x1F0, kPfxF2): return Bitwise::Move;
    case sse_key(0x154, kPfxNone): case sse_key(0x154, kPfx66): case sse_key(0x1DB, kPfxNone):
    case sse_key(0x1DB, kPfx66): return Bitwise::And;
    case sse_key(0x155, kPfxNone): case sse_key(0x155, kPfx66): case sse_key(0x1DF, kPfxNone):
    case sse_key(0x1DF, kPfx66): return Bitwise::AndN;
    case sse_key(0x156, kPfxNone): case sse_key(0x156, kPfx66): case sse_key(0x1EB, kPfxNone):
    case sse_key(0x1EB, kPfx66): return Bitwise::Or;
    case sse_key(0x157, kPfxNone): case sse_key(0x157, kPfx66): case sse_key(0x1EF, kPfxNone):
    case sse_key(0x1EF, kPfx66): return Bitwise::Xor;
    default: return Bitwise::None;
  }
}
void bitwise(Ctx& c, Bitwise op) {
  ir::Builder& b = c.b;
  const Insn& in = c.in;
  const OperandSpec* o = in.row->ops;
  const bool mmx = is_mmx(o[0].kind);
  const bool store_form = o[1].kind == Opnd::V || o[1].kind == Opnd::P;  // W/Q destination (a register here)
  const unsigned dst = store_form ? (mmx ? in.rm & 7 : in.rm_reg()) : (mmx ? in.reg & 7 : in.reg);
  auto half = [&](unsigned r, unsigned h) { return mmx ? off_mm(r) : off_xmm(r, h); };
  U64 s0, s1 = b.c64(0);
  if (store_form || in.mod == 3) {
    const unsigned src = store_form ? (mmx ? in.reg & 7 : in.reg) : (mmx ? in.rm & 7 : in.rm_reg());
    s0 = b.get<T::I64>(half(src, 0));
    if (!mmx) s1 = b.get<T::I64>(half(src, 1));
  } else {
    load_mem(c, mmx ? 64 : 128, s0, s1);
  }
  auto apply = [&](U64 d, U64 v) -> U64 {
    switch (op) {
      case Bitwise::And: return b.and_(d, v);
      case Bitwise::AndN: return b.and_(b.xor_(d, b.c64(~0ull)), v);
      case Bitwise::Or: return b.or_(d, v);
      case Bitwise::Xor: return b.xor_(d, v);
      default: return v;
    }
  };
  const U64 r0 = op == Bitwise::Move ? s0 : apply(b.get<T::I64>(half(dst, 0)), s0);
  b.set(half(dst, 0), r0);
  if (mmx) {
    b.set(offsetof(X86State, fpu) + offsetof(X86State::Fpu, se) + 2 * dst, b.constant<T::I16>(0xffff));
  } else {
    b.set(half(dst, 1), op == Bitwise::Move ? s1 : apply(b.get<T::I64>(half(dst, 1)), s1));
  }
}

bool to_register(Ctx& c, bool unaligned_ok = false) {
  if (!check(c, unaligned_ok)) return false;
  if (const Bitwise op = bitwise_of(sse_key(c.in.opcode, mandatory_prefix(*c.in.row))); op != Bitwise::None) {
    bitwise(c, op);
    return true;
  }
  U64 r = exec(c);
  if (c.in.row->ops[0].kind == Opnd::G) c.set_reg_n(c.in.reg, mem_bits(c, c.in.row->ops[0]), r);
  return true;
}

// COMISS/UCOMISS/COMISD/UCOMISD: the helper returns ZF/PF/CF.
bool to_flags(Ctx& c) {
  if (!check(c)) return false;
  c.set_cc_flags(c.b.trunc<T::I32>(exec(c)));
  return true;
}

// The store shape: a W/Q/M/E destination from a V/P/G source. Registers:
// the helper moves (as the load form does); memory: IR stores the register.
bool store_form(Ctx& c, bool unaligned_ok = false) {
  const Insn& in = c.in;
  const OperandSpec* o = in.row->ops;
  if (in.mod == 3 && o[0].kind != Opnd::E) return to_register(c, unaligned_ok);
  if (!check(c, unaligned_ok)) return false;
  ir::Builder& b = c.b;
  U64 lo, hi = b.c64(0);
  switch (o[1].kind) {
    case Opnd::V: lo = b.get<T::I64>(off_xmm(in.reg, 0)), hi = b.get<T::I64>(off_xmm(in.reg, 1)); break;
    case Opnd::P: lo = b.get<T::I64>(off_mm(in.reg)); break;
    default: lo = c.reg_n(in.reg, mem_bits(c, o[1])); break;  // MOVNTI
  }
  if (in.opcode == 0x117) lo = hi;  // MOVHPS/MOVHPD store the high quadword
  const unsigned bits = mem_bits(c, o[0]);
  if (in.mod == 3) {  // MOVD/MOVQ Ey, xmm/mm
    c.set_reg_n(in.rm_reg(), bits, lo);
    return true;
  }
  const unsigned seg = unsigned(c.seg_of_ea());
  if (bits == 128) {
    c.check_segment(seg, c.ea(), 16, true);  // the whole operand, before the first half is written
    if (unaligned_ok) c.b.call(kSseProbeStore, c.linear(seg, c.ea()));  // (an aligned one cannot cross a page)
    c.store(seg, c.ea(), lo);
    c.store(seg, c.off_add(c.ea(), 8), hi);
  } else {
    c.store_n(seg, c.ea(), bits, lo);
  }
  return true;
}

}  // namespace

const ir::Helper kSseCheck{"x86_sse_check", sse_check, ir::kReadsState | ir::kWritesState | ir::kMayFault, 2};
const ir::Helper kSseProbeStore{"x86_sse_probe_store", sse_probe_store,
                                 ir::kReadsState | ir::kWritesState | ir::kMemRead | ir::kMayFault, 1};
const ir::Helper kSseExec{"x86_sse_exec", sse_exec, ir::kReadsState | ir::kWritesState | ir::kMayFault, 3};

// The rows: which shape each mnemonic has. Store forms are told apart by
// the row's first operand (W/Q/M/E: a store).
#define SSE_REG(NAME) \
  bool NAME(Ctx& c) { return to_register(c); }
#define SSE_MOVE(NAME, UNALIGNED)                                                               \
  bool NAME(Ctx& c) {                                                                           \
    const Opnd k = c.in.row->ops[0].kind;                                                       \
    const bool store = k == Opnd::W || k == Opnd::Q || k == Opnd::M || k == Opnd::E;            \
    return store ? store_form(c, UNALIGNED) : to_register(c, UNALIGNED);                        \
  }
SSE_MOVE(MOVUPS, true)
SSE_MOVE(MOVUPD, true)
SSE_MOVE(MOVDQU, true)
SSE_MOVE(MOVAPS, false)
SSE_MOVE(MOVAPD, false)
SSE_MOVE(MOVDQA, false)
SSE_MOVE(MOVSS, false)
SSE_MOVE(MOVSD, false)
SSE_MOVE(MOVLPS, false)
SSE_MOVE(MOVLPD, false)
SSE_MOVE(MOVHPS, false)
SSE_MOVE(MOVHPD, false)
SSE_MOVE(MOVD, false)
SSE_MOVE(MOVQ, false)
SSE_MOVE(MOVNTPS, false)
SSE_MOVE(MOVNTPD, false)
SSE_MOVE(MOVNTDQ, false)
SSE_MOVE(MOVNTQ, false)
SSE_MOVE(MOVNTI, false)
bool LDDQU(Ctx& c) { return to_register(c, true); }
bool UCOMISS(Ctx& c) { return to_flags(c); }
bool UCOMISD(Ctx& c) { return to_flags(c); }
bool COMISS(Ctx& c) { return to_flags(c); }
bool COMISD(Ctx& c) { return to_flags(c); }
bool EMMS(Ctx& c) {
  if (c.in.lock) return false;
  c.b.call(kSseCheck, c.b.c64(0), c.b.c64(0));
  SseArgs a{};
  a.key = sse_key(c.in.opcode, kPfxNone);
  c.b.call(kSseExec, c.b.c64(a.pack()), c.b.c64(0), c.b.c64(0));
  return true;
}
// MASKMOVQ/MASKMOVDQU: the bytes of the reg operand whose mask byte (r/m)
// has its top bit set go to DS:rDI (segment overridable), one byte store each.
bool masked_store(Ctx& c, bool mmx) {
  if (!check(c)) return false;
  ir::Builder& b = c.b;
  const Insn& in = c.in;
  const unsigned seg = in.seg_override >= 0 ? unsigned(in.seg_override) : DS;
  const U64 at = c.reg_n(DI, c.addrsize());
  const size_t data = mmx ? off_mm(in.reg) : off_xmm(in.reg, 0), mask = mmx ? off_mm(in.rm) : off_xmm(in.rm_reg(), 0);
  for (unsigned i = 0; i < (mmx ? 8u : 16u); i++) {
    const auto skip = b.new_label();
    b.skip_if(b.eq(b.and_(b.get<T::I8>(mask + i), b.constant<T::I8>(0x80)), b.constant<T::I8>(0)), skip);
    c.store(seg, i ? c.off_add(at, i) : at, b.get<T::I8>(data + i));
    b.place(skip);
  }
  return true;
}
bool MASKMOVQ(Ctx& c) { return masked_store(c, true); }
bool MASKMOVDQU(Ctx& c) { return masked_store(c, false); }

#define SSE_REG_LIST(X)                                                                                            \
  X(MOVSLDUP) X(MOVSHDUP) X(MOVDDUP) X(MOVQ2DQ) X(MOVDQ2Q) X(MOVMSKPS) X(MOVMSKPD) X(PMOVMSKB)                    \
  X(UNPCKLPS) X(UNPCKLPD) X(UNPCKHPS) X(UNPCKHPD) X(CVTPI2PS) X(CVTPI2PD) X(CVTSI2SS) X(CVTSI2SD)                 \
  X(CVTTPS2PI) X(CVTTPD2PI) X(CVTTSS2SI) X(CVTTSD2SI) X(CVTPS2PI) X(CVTPD2PI) X(CVTSS2SI) X(CVTSD2SI)             \
  X(SQRTPS) X(SQRTPD) X(SQRTSS) X(SQRTSD) X(ANDPS) X(ANDPD) X(ANDNPS) X(ANDNPD) X(ORPS) X(ORPD) X(XORPS) X(XORPD) \
  X(ADDPS) X(ADDPD) X(ADDSS) X(ADDSD) X(MULPS) X(MULPD) X(MULSS) X(MULSD) X(SUBPS) X(SUBPD) X(SUBSS) X(SUBSD)     \
  X(MINPS) X(MINPD) X(MINSS) X(MINSD) X(DIVPS) X(DIVPD) X(DIVSS) X(DIVSD) X(MAXPS) X(MAXPD) X(MAXSS) X(MAXSD)     \
  X(CVTPS2PD) X(CVTPD2PS) X(CVTSS2SD) X(CVTSD2SS) X(CVTDQ2PS) X(CVTPS2DQ) X(CVTTPS2DQ) X(CVTTPD2DQ) X(CVTDQ2PD)  \
  X(CVTPD2DQ) X(HADDPD) X(HADDPS) X(HSUBPD) X(HSUBPS) X(ADDSUBPD) X(ADDSUBPS) X(CMPPS) X(CMPPD) X(CMPSS) X(CMPSD) \
  X(SHUFPS) X(SHUFPD) X(PUNPCKLBW) X(PUNPCKLWD) X(PUNPCKLDQ) X(PUNPCKLQDQ) X(PUNPCKHBW) X(PUNPCKHWD)              \
  X(PUNPCKHDQ) X(PUNPCKHQDQ) X(PACKSSWB) X(PACKSSDW) X(PACKUSWB) X(PCMPGTB) X(PCMPGTW) X(PCMPGTD) X(PCMPEQB)      \
  X(PCMPEQW) X(PCMPEQD) X(PSHUFW) X(PSHUFD) X(PSHUFHW) X(PSHUFLW) X(PSRLW) X(PSRAW) X(PSLLW) X(PSRLD) X(PSRAD)    \
  X(PSLLD) X(PSRLQ) X(PSLLQ) X(PSRLDQ) X(PSLLDQ) X(PINSRW) X(PEXTRW) X(PADDB) X(PADDW) X(PADDD) X(PADDQ)         \
  X(PSUBB) X(PSUBW) X(PSUBD) X(PSUBQ) X(PADDSB) X(PADDSW) X(PADDUSB) X(PADDUSW) X(PSUBSB) X(PSUBSW) X(PSUBUSB)    \
  X(PSUBUSW) X(PMULLW) X(PMULHW) X(PMULHUW) X(PMULUDQ) X(PMADDWD) X(PAND) X(PANDN) X(POR) X(PXOR) X(PMINUB)       \
  X(PMAXUB) X(PMINSW) X(PMAXSW) X(PAVGB) X(PAVGW) X(PSADBW) X(PSHUFB) X(PHADDW) X(PHADDD) X(PHADDSW) X(PHSUBW)    \
  X(PHSUBD) X(PHSUBSW) X(PMADDUBSW) X(PMULHRSW) X(PSIGNB) X(PSIGNW) X(PSIGND) X(PABSB) X(PABSW) X(PABSD) X(PALIGNR)  \
  X(RCPPS) X(RCPSS) X(RSQRTPS) X(RSQRTSS)
SSE_REG_LIST(SSE_REG)

}  // namespace kiln::x86

// The x87 instructions' execution (SDM Vol. 1 ch. 8, Vol. 2): the register
// stack over the physical registers of X86State::fpu (TOP in the status word,
// the full tag word), stack overflow and underflow (IE with SF; C1 tells
// which), masked responses and unmasked exceptions (the destination is left
// alone, ES and B are set, and #MF comes at the next waiting instruction when
// CR0.NE is set), #NM from CR0.EM/TS, and the arithmetic of
// common/softfloat80.h. Called from the rows in insn/x87.cpp (insn/x87.h).
#include <cstring>

#include "common/softfloat80.h"
#include "cpu/x86/flags.h"
#include "cpu/x86/insn/x87.h"
#include "cpu/x86/segment.h"
#include "mem/tlb.h"

namespace kiln::x86::x87 {

namespace sf = kiln::sf::x87;
using sf::F80;

namespace {
constexpr uint16_t kSF = 0x0040, kES = 0x0080, kB = 0x8000, kTopMask = 0x3800;
constexpr uint16_t kC0 = sf::C0, kC1 = sf::C1, kC2 = sf::C2, kC3 = sf::C3, kCond = sf::kConditionBits;
constexpr uint16_t kExc = sf::kExceptionBits;

// The register stack as the instructions see it.
struct Stack {
  X86State& s;
  X86State::Fpu& f = s.fpu;
  sf::Control ctl() const { return sf::Control{f.fcw}; }
  unsigned top() const { return (f.fsw >> 11) & 7; }
  void set_top(unsigned t) { f.fsw = uint16_t((f.fsw & ~kTopMask) | (t & 7) << 11); }
  unsigned phys(unsigned i) const { return (top() + i) & 7; }
  unsigned tag(unsigned p) const { return (f.ftw >> (2 * p)) & 3; }
  void set_tag(unsigned p, unsigned t) { f.ftw = uint16_t((f.ftw & ~(3u << (2 * p))) | t << (2 * p)); }
  bool empty(unsigned i) const { return tag(phys(i)) == 3; }
  F80 st(unsigned i) const { return F80{f.sig[phys(i)], f.se[phys(i)]}; }
  void set_st(unsigned i, F80 v) {
    const unsigned p = phys(i);
    f.sig[p] = v.sig;
    f.se[p] = v.se;
    set_tag(p, tag_of(v.sig, v.se));
  }
  void pop() {
    set_tag(phys(0), 3);
    set_top(top() + 1);
  }
  void push(F80 v) {
    set_top(top() - 1);
    set_st(0, v);
  }
  bool masked(uint16_t exc) const { return (f.fcw & exc & 0x3f) == (exc & 0x3f); }
  // Records raised exceptions (sticky) and replaces the condition codes in `which`.
  void status(uint16_t st, uint16_t which = kC1) {
    f.fsw = uint16_t((f.fsw & ~which) | (st & which) | (st & (kExc | kSF)));
    update_summary(s);
  }
  // An unmasked exception in `st` that keeps the destination from being written.
  bool blocks(uint16_t st, uint16_t which = sf::IE | sf::ZE | sf::DE) const {
    return (st & which & ~f.fcw & 0x3f) != 0;
  }
  // Stack underflow (a source register is empty): IE with SF, C1 = 0. True
  // when the masked response (the indefinite to the destination) applies.
  bool underflow() {
    status(sf::IE | kSF, kC1);
    return masked(sf::IE);
  }
  // Stack overflow (pushing onto a full register): IE with SF, C1 = 1; the
  // masked response pushes the indefinite.
  bool overflow_on_push() {
    if (!empty(7)) {
      status(sf::IE | kSF | kC1, kC1);
      if (masked(sf::IE)) push(sf::kIndefinite);
      return true;
    }
    return false;
  }
};

uint64_t nm(X86State& s) {
  record_fault(&s, kDeviceNotAvailable);
  return 0;
}

// #NM (CR0.EM, CR0.TS; WAIT: TS with MP), #UD (LDMXCSR/STMXCSR without
// CR4.OSFXSR or with EM) and, for waiting instructions, #MF for a pending
// unmasked exception. False after recording the fault.
bool check(X86State& s, const Insn87& in) {
  const unsigned esc = in.esc();
  if (esc == code::kWait) {
    if ((s.cr0 & cr0::TS) && (s.cr0 & cr0::MP)) return nm(s), false;
  } else if (esc == code::kGroup15 && in.reg() >= 2) {
    if ((s.cr0 & cr0::EM) || !(s.cr4 & cr4::OSFXSR)) return record_fault(&s, kInvalidOpcode), false;
    if (s.cr0 & cr0::TS) return nm(s), false;
    return true;
  } else {
    if (s.cr0 & (cr0::EM | cr0::TS)) return nm(s), false;
    if (esc == code::kGroup15) return true;
  }
  // The control instructions that do not wait: FNINIT FNCLEX (DB E2/E3),
  // FNSTENV FNSTCW (D9 /6 /7), FNSAVE FNSTSW (DD /6 /7), FNSTSW AX (DF E0).
  const unsigned modrm = in.modrm(), reg = in.reg();
  const bool mem = in.mod() != 3;
  const bool no_wait = (esc == 3 && (modrm == 0xe2 || modrm == 0xe3)) || (esc == 1 && mem && reg >= 6) ||
                       (esc == 5 && mem && reg >= 6) || (esc == 7 && modrm == 0xe0);
  if (no_wait || !(s.fpu.fsw & kES)) return true;
  if (s.cr0 & cr0::NE) {
    record_fault(&s, kFpuError);
    return false;
  }
  // TODO(pc board): with CR0.NE clear a pending unmasked exception asserts
  // FERR#, which the PC routes to IRQ 13 through the PIC; until the board
  // models that, the instruction goes on as if nothing were pending.
  return true;
}

uint64_t check_helper(void* env, uint64_t code, uint64_t, uint64_t) {
  X86State& s = *xs(env);
  check(s, Insn87{code});
  return 0;
}

// ---- arithmetic shapes

// D8/DC/DA/DE arithmetic by ModR/M reg: 0 add, 1 mul, 4 sub, 5 subr, 6 div, 7 divr.
sf::Result arith(unsigned reg, F80 x, F80 y, sf::Control c) {
  switch (reg) {
    case 0: return sf::add(x, y, c);
    case 1: return sf::mul(x, y, c);
    case 4: return sf::sub(x, y, c);
    case 5: return sf::sub(y, x, c);
    case 6: return sf::div(x, y, c);
    default: return sf::div(y, x, c);
  }
}

// ST(dst) = ST(dst) op src (`pre`: exceptions the operand's conversion raised), then pops if asked.
void arith_to(Stack& k, unsigned reg, unsigned dst, bool dst_empty, F80 x, bool src_empty, F80 y, uint16_t pre,
              bool pop) {
  if (dst_empty || src_empty) {
    if (k.underflow()) {
      k.set_st(dst, sf::kIndefinite);
      if (pop) k.pop();
    }
    return;
  }
  sf::Result r = arith(reg, x, y, k.ctl());
  uint16_t st = r.status | pre;
  if (k.blocks(pre, sf::DE)) st = sf::DE;  // an unmasked denormal operand stops everything else
  k.status(st, kC1);
  if (k.blocks(st)) return;
  k.set_st(dst, r.value);
  if (pop) k.pop();
}

// FCOM/FUCOM family: compares ST(0) with `y`, then pops `pops` times.
void compare(Stack& k, bool src_empty, F80 y, uint16_t pre, bool quiet, unsigned pops) {
  uint16_t st;
  if (k.empty(0) || src_empty) {
    st = sf::IE | kSF | kC0 | kC2 | kC3;
  } else {
    st = sf::compare(k.st(0), y, quiet) | pre;
  }
  // The condition codes are set even when an unmasked exception stops the pops (as the host x87 does).
  k.status(st, kCond);
  if (k.blocks(st, sf::IE | sf::DE)) return;
  for (unsigned i = 0; i < pops; ++i) k.pop();
}

// FCOMI/FUCOMI(P): the comparison in ZF, PF, CF (OF, SF, AF cleared);
// returns the arithmetic flags.
uint64_t compare_flags(Stack& k, unsigned i, bool quiet, bool pop) {
  uint16_t st;
  if (k.empty(0) || k.empty(i)) st = sf::IE | kSF | kC0 | kC2 | kC3;
  else st = sf::compare(k.st(0), k.st(i), quiet);
  k.status(st & (kExc | kSF), kC1);
  // The flags are set even when an unmasked exception stops the pop (as the host x87 does).
  if (pop && !k.blocks(st, sf::IE | sf::DE)) k.pop();
  return (st & kC3 ? fl::ZF : 0) | (st & kC2 ? fl::PF : 0) | (st & kC0 ? fl::CF : 0);
}

// Pushes a value loaded from memory (status: what its conversion raised).
void load_push(Stack& k, sf::Result r) {
  if (k.overflow_on_push()) return;
  k.status(r.status, kC1);
  if (k.blocks(r.status, sf::IE)) return;  // an unmasked DE (a denormal binary32/64) still loads
  k.push(r.value);
}

// ST(0) = f(ST(0)).
template <class F>
void unary(Stack& k, F f) {
  if (k.empty(0)) {
    if (k.underflow()) k.set_st(0, sf::kIndefinite);
    return;
  }
  sf::Result r = f(k.st(0), k.ctl());
  k.status(r.status, kC1 | kC2);
  if (k.blocks(r.status)) return;
  k.set_st(0, r.value);
}

// ST(1) = f(ST(0), ST(1)), then pop (FYL2X, FYL2XP1, FPATAN); or ST(0) =
// f(ST(0), ST(1)) without a pop (FSCALE, FPREM, FPREM1; `cond`: the
// condition codes the operation defines).
template <class F>
void binary(Stack& k, F f, bool into_st1, uint16_t cond = kC1) {
  const unsigned dst = into_st1 ? 1 : 0;
  if (k.empty(0) || k.empty(1)) {
    if (k.underflow()) {
      k.set_st(dst, sf::kIndefinite);
      if (into_st1) k.pop();
    }
    return;
  }
  sf::Result r = f(k.st(0), k.st(1), k.ctl());
  k.status(r.status, cond);
  if (k.blocks(r.status)) return;
  k.set_st(dst, r.value);
  if (into_st1) k.pop();
}

// ST(0) = first, then push second (FPTAN with 1.0, FSINCOS, FXTRACT); `partial`:
// the first is the whole result (C2: FPTAN/FSINCOS argument out of range).
void replace_and_push(Stack& k, F80 first, F80 second, uint16_t st, bool partial) {
  k.status(st, kC1 | kC2);
  if (k.blocks(st)) return;
  if (partial) return;  // the operand stays as it was
  k.set_st(0, first);
  k.push(second);
}
template <class F>
void unary_push(Stack& k, F f) {
  if (k.empty(0)) {
    if (k.underflow()) {
      k.set_st(0, sf::kIndefinite);
      if (k.empty(7)) k.push(sf::kIndefinite);
    }
    return;
  }
  if (!k.empty(7)) {  // the push would overflow: both results are the indefinite
    k.status(sf::IE | kSF | kC1, kC1);
    if (k.masked(sf::IE)) {
      k.set_st(0, sf::kIndefinite);
      k.push(sf::kIndefinite);
    }
    return;
  }
  f();
}

// ---- stores
bool store_bits(Stack& k, const MemAccess& m, unsigned bytes, uint64_t lo, uint16_t hi, uint16_t st, bool pop) {
  // An unmasked IE/OE/UE writes nothing (PE writes normally).
  if (k.blocks(st, sf::IE | sf::OE | sf::UE)) {
    k.status(st & (kExc | kSF), kC1);
    return true;
  }
  if (!m.writable(0, bytes)) return false;
  m.write(0, bytes > 8 ? 8 : bytes, lo);
  if (bytes > 8) m.write(8, 2, hi);
  k.status(st, kC1);
  if (pop) k.pop();
  return true;
}

// FST/FSTP/FIST/FISTP/FISTTP/FBSTP to memory. `fmt`: 0 m32fp, 1 m64fp, 2 m80fp,
// 3 m16int, 4 m32int, 5 m64int, 6 m80bcd; `trunc`: FISTTP.
bool store_st0(Stack& k, const MemAccess& m, unsigned fmt, bool pop, bool trunc = false) {
  static constexpr unsigned kBytes[7] = {4, 8, 10, 2, 4, 8, 10};
  const unsigned bytes = kBytes[fmt];
  F80 v = k.st(0);
  uint16_t st = 0;
  if (k.empty(0)) {
    st = sf::IE | kSF;
    v = sf::kIndefinite;  // the masked response: each format's indefinite, as the conversion gives it
  }
  uint64_t lo = 0;
  uint16_t hi = 0;
  auto merge = [&](uint16_t conv) { st = k.empty(0) ? st : uint16_t(st | conv); };
  switch (fmt) {
    case 0: { auto r = sf::to_f32(v, k.ctl()); lo = r.value; merge(r.status); break; }
    case 1: { auto r = sf::to_f64(v, k.ctl()); lo = r.value; merge(r.status); break; }
    case 2: lo = v.sig; hi = v.se; break;
    case 3: case 4: case 5: {
      auto r = sf::to_int(v, fmt == 3 ? 16 : fmt == 4 ? 32 : 64, k.ctl(), trunc);
      lo = uint64_t(r.value);
      merge(r.status);
      break;
    }
    default: {
      auto r = sf::to_bcd(v, k.ctl());
      std::memcpy(&lo, r.value.bytes, 8);
      std::memcpy(&hi, r.value.bytes + 8, 2);
      merge(r.status);
      break;
    }
  }
  return store_bits(k, m, bytes, lo, hi, st, pop);
}

// ---- the instructions by escape byte
bool mem_operand(const Insn87& in, const MemAccess& m, uint64_t* lo, uint16_t* hi, unsigned bytes) {
  uint64_t h = 0;
  if (!m.read(0, bytes > 8 ? 8 : bytes, lo)) return false;
  if (bytes > 8 && !m.read(8, 2, &h)) return false;
  *hi = uint16_t(h);
  (void)in;
  return true;
}

// The arithmetic rows' memory operand (D8 m32fp, DA m32int, DC m64fp, DE m16int) as an 80-bit value.
bool arith_operand(const Insn87& in, const MemAccess& m, sf::Result* out) {
  static constexpr unsigned kBytes[8] = {4, 0, 4, 0, 8, 0, 2, 0};
  uint64_t v;
  uint16_t hi;
  if (!mem_operand(in, m, &v, &hi, kBytes[in.esc()])) return false;
  switch (in.esc()) {
    case 0: *out = sf::from_f32(uint32_t(v)); break;
    case 4: *out = sf::from_f64(v); break;
    case 2: *out = {sf::from_int(int32_t(v)), 0}; break;
    default: *out = {sf::from_int(int16_t(v)), 0}; break;
  }
  return true;
}

uint64_t exec_memory(Stack& k, const Insn87& in, const MemAccess& m) {
  X86State& s = k.s;
  const unsigned reg = in.reg();
  uint64_t v = 0;
  uint16_t hi = 0;
  switch (in.esc()) {
    case 0: case 2: case 4: case 6: {
      sf::Result r;
      if (!arith_operand(in, m, &r)) return 0;
      // The operation, not the conversion, decides about the operand: an
      // SNaN stays signalling (so the x87's NaN rules see it), and a
      // denormal binary32/64 operand is reported only if the operation
      // would report an 80-bit denormal in its place (not next to a NaN, not
      // for a division by zero).
      F80 y = r.value;
      uint16_t pre = r.status;
      if (pre & sf::IE) {
        y.sig &= ~sf::kQuietBit;
        pre = uint16_t(pre & ~sf::IE);
      }
      const bool is_compare = reg == 2 || reg == 3;
      if ((pre & sf::DE) && !k.empty(0)) {
        const F80 stand_in{1, uint16_t(y.se & 0x8000)};
        const uint16_t st = is_compare ? sf::compare(k.st(0), stand_in, false) : arith(reg, k.st(0), stand_in, k.ctl()).status;
        pre = uint16_t((pre & ~sf::DE) | (st & sf::DE));
      }
      if (is_compare) compare(k, false, y, pre, false, reg == 3 ? 1 : 0);
      else arith_to(k, reg, 0, k.empty(0), k.st(0), false, y, pre, false);
      return 0;
    }
    case 1:
      switch (reg) {
        case 0:
          if (!m.read(0, 4, &v)) return 0;
          load_push(k, sf::from_f32(uint32_t(v)));
          return 0;
        case 2: case 3: store_st0(k, m, 0, reg == 3); return 0;
        case 4: load_env(s, in, m); return 0;
        case 5:
          if (!m.read(0, 2, &v)) return 0;
          s.fpu.fcw = loaded_control_word(uint16_t(v));
          update_summary(s);
          return 0;
        case 6: store_env(s, in, m); return 0;
        default: if (m.writable(0, 2)) m.write(0, 2, s.fpu.fcw); return 0;
      }
    case 3:
      switch (reg) {
        case 0:
          if (!m.read(0, 4, &v)) return 0;
          load_push(k, {sf::from_int(int32_t(v)), 0});
          return 0;
        case 1: store_st0(k, m, 4, true, true); return 0;
        case 2: case 3: store_st0(k, m, 4, reg == 3); return 0;
        case 5:
          if (!mem_operand(in, m, &v, &hi, 10)) return 0;
          load_push(k, {F80{v, hi}, 0});
          return 0;
        default: store_st0(k, m, 2, true); return 0;
      }
    case 5:
      switch (reg) {
        case 0:
          if (!m.read(0, 8, &v)) return 0;
          load_push(k, sf::from_f64(v));
          return 0;
        case 1: store_st0(k, m, 5, true, true); return 0;
        case 2: case 3: store_st0(k, m, 1, reg == 3); return 0;
        case 4: restore_state(s, in, m); return 0;
        case 6: save_state(s, in, m); return 0;
        default: if (m.writable(0, 2)) m.write(0, 2, s.fpu.fsw); return 0;
      }
    default:  // DF
      switch (reg) {
        case 0:
          if (!m.read(0, 2, &v)) return 0;
          load_push(k, {sf::from_int(int16_t(v)), 0});
          return 0;
        case 1: store_st0(k, m, 3, true, true); return 0;
        case 2: case 3: store_st0(k, m, 3, reg == 3); return 0;
        case 4: {
          if (!mem_operand(in, m, &v, &hi, 10)) return 0;
          sf::Bcd b;
          std::memcpy(b.bytes, &v, 8);
          std::memcpy(b.bytes + 8, &hi, 2);
          load_push(k, sf::from_bcd(b));
          return 0;
        }
        case 5:
          if (!m.read(0, 8, &v)) return 0;
          load_push(k, {sf::from_int(int64_t(v)), 0});
          return 0;
        case 6: store_st0(k, m, 6, true); return 0;
        default: store_st0(k, m, 5, true); return 0;
      }
  }
}

// D9 E0-FF: the operations on ST(0) (and ST(1)) without operands.
void exec_d9_special(Stack& k, unsigned modrm) {
  using sf::Control;
  const sf::Control c = k.ctl();
  auto constant = [&](F80 v) {
    if (k.overflow_on_push()) return;
    k.status(0, kC1);
    k.push(v);
  };
  switch (modrm) {
    case 0xe0: case 0xe1:  // FCHS, FABS
      if (k.empty(0)) {
        if (k.underflow()) k.set_st(0, sf::kIndefinite);
        return;
      }
      {
        F80 v = k.st(0);
        v.se = modrm == 0xe0 ? uint16_t(v.se ^ 0x8000) : uint16_t(v.se & 0x7fff);
        k.status(0, kC1);
        k.set_st(0, v);
      }
      return;
    case 0xe4: compare(k, false, F80{0, 0}, 0, false, 0); return;  // FTST
    case 0xe5: {  // FXAM
      uint16_t st = k.empty(0) ? uint16_t(kC3 | kC0 | (k.st(0).sign() ? kC1 : 0)) : sf::examine(k.st(0));
      k.f.fsw = uint16_t((k.f.fsw & ~kCond) | (st & kCond));
      return;
    }
    case 0xe8: constant(sf::from_int(1)); return;
    case 0xe9: constant(sf::load_constant(sf::Constant::Log2Ten, c)); return;
    case 0xea: constant(sf::load_constant(sf::Constant::Log2E, c)); return;
    case 0xeb: constant(sf::load_constant(sf::Constant::Pi, c)); return;
    case 0xec: constant(sf::load_constant(sf::Constant::Log10Two, c)); return;
    case 0xed: constant(sf::load_constant(sf::Constant::LnTwo, c)); return;
    case 0xee: constant(sf::from_int(0)); return;
    case 0xf0: unary(k, [](F80 a, Control cc) { return sf::exp2m1(a, cc); }); return;
    case 0xf1: binary(k, [](F80 a, F80 b, Control cc) { return sf::ylog2x(a, b, cc); }, true); return;
    case 0xf2:  // FPTAN
      unary_push(k, [&] {
        sf::Result r = sf::tangent(k.st(0), c);
        // A NaN result (a NaN operand, or the masked response to infinity) is pushed instead of 1.0 too.
        replace_and_push(k, r.value, sf::is_nan(r.value) ? r.value : sf::from_int(1), r.status, r.status & kC2);
      });
      return;
    case 0xf3: binary(k, [](F80 a, F80 b, Control cc) { return sf::arctangent(a, b, cc); }, true); return;
    case 0xf4:  // FXTRACT
      unary_push(k, [&] {
        sf::Extracted e = sf::extract(k.st(0), c);
        replace_and_push(k, e.exponent, e.significand, e.status, false);
      });
      return;
    case 0xf5:
      binary(k, [](F80 a, F80 b, Control cc) { return sf::ieee_remainder(a, b, cc); }, false, kCond);
      return;
    case 0xf6: case 0xf7:  // FDECSTP, FINCSTP
      k.set_top(k.top() + (modrm == 0xf7 ? 1 : 7));
      k.status(0, kC1);
      return;
    case 0xf8:
      binary(k, [](F80 a, F80 b, Control cc) { return sf::partial_remainder(a, b, cc); }, false, kCond);
      return;
    case 0xf9: binary(k, [](F80 a, F80 b, Control cc) { return sf::ylog2xp1(a, b, cc); }, true); return;
    case 0xfa: unary(k, [](F80 a, Control cc) { return sf::sqrt(a, cc); }); return;
    case 0xfb:  // FSINCOS
      unary_push(k, [&] {
        sf::SineCosine r = sf::sine_cosine(k.st(0), c);
        replace_and_push(k, r.sine, r.cosine, r.status, r.status & kC2);
      });
      return;
    case 0xfc: unary(k, [](F80 a, Control cc) { return sf::round_to_int(a, cc); }); return;
    case 0xfd: binary(k, [](F80 a, F80 b, Control cc) { return sf::scale(a, b, cc); }, false); return;
    case 0xfe: unary(k, [](F80 a, Control cc) { return sf::sine(a, cc); }); return;
    default: unary(k, [](F80 a, Control cc) { return sf::cosine(a, cc); }); return;
  }
}

// FLD ST(i), FXCH, FST/FSTP ST(i), FCMOVcc, FFREE.
void load_st(Stack& k, unsigned i) {
  const bool src_empty = k.empty(i);
  const F80 v = k.st(i);
  if (k.overflow_on_push()) return;
  if (src_empty) {
    if (k.underflow()) k.push(sf::kIndefinite);
    return;
  }
  k.status(0, kC1);
  k.push(v);
}
void exchange(Stack& k, unsigned i) {
  if (k.empty(0) || k.empty(i)) {
    if (!k.underflow()) return;
    if (k.empty(0)) k.set_st(0, sf::kIndefinite);
    if (k.empty(i)) k.set_st(i, sf::kIndefinite);
  } else {
    k.status(0, kC1);
  }
  const F80 a = k.st(0), b = k.st(i);
  k.set_st(0, b);
  k.set_st(i, a);
}
void store_st(Stack& k, unsigned i, bool pop) {
  if (k.empty(0)) {
    if (!k.underflow()) return;
    k.set_st(i, sf::kIndefinite);
  } else {
    k.status(0, kC1);
    k.set_st(i, k.st(0));
  }
  if (pop) k.pop();
}
void fcmov(Stack& k, unsigned i, bool cond) {
  if (k.empty(0) || k.empty(i)) {
    if (k.underflow()) k.set_st(0, sf::kIndefinite);
    return;
  }
  k.status(0, kC1);
  if (cond) k.set_st(0, k.st(i));
}

uint64_t exec_register(Stack& k, const Insn87& in) {
  X86State& s = k.s;
  const unsigned modrm = in.modrm(), reg = in.reg(), i = in.rm();
  switch (in.esc()) {
    case 0:
      if (reg == 2 || reg == 3) compare(k, k.empty(i), k.st(i), 0, false, reg == 3 ? 1 : 0);
      else arith_to(k, reg, 0, k.empty(0), k.st(0), k.empty(i), k.st(i), 0, false);
      return 0;
    case 1:
      if (reg == 0) load_st(k, i);
      else if (reg == 1) exchange(k, i);
      else if (reg == 3) store_st(k, i, true);  // D9 D8+i: FSTP1 (an alias)
      else if (reg >= 4) exec_d9_special(k, modrm);
      return 0;  // D9 D0: FNOP
    case 2:
      if (reg < 4) fcmov(k, i, in.code & code::kCondTrue);
      else compare(k, k.empty(1), k.st(1), 0, true, 2);  // FUCOMPP
      return 0;
    case 3:
      if (reg < 4) { fcmov(k, i, in.code & code::kCondTrue); return 0; }
      if (reg == 5 || reg == 6) return compare_flags(k, i, reg == 5, false);
      if (modrm == 0xe2) s.fpu.fsw &= uint16_t(~(kExc | kSF | kES | kB));  // FNCLEX
      if (modrm == 0xe3) init_fpu(s);                                       // FNINIT
      return 0;  // FENI, FDISI, FSETPM: nothing on a 387 and later
    case 4: case 6: {
      if (reg == 2 || reg == 3) {  // DC D0/D8, DE D0: aliases of FCOM/FCOMP; DE D9: FCOMPP
        const unsigned pops = in.esc() == 6 ? 2 : reg == 3 ? 1 : 0;
        compare(k, k.empty(i), k.st(i), 0, false, in.esc() == 6 && reg == 2 ? 1 : pops);
        return 0;
      }
      // ST(i) = ST(i) op ST(0): the SUB/SUBR and DIV/DIVR encodings trade places.
      const unsigned op = reg >= 4 ? reg ^ 1 : reg;
      arith_to(k, op, i, k.empty(i), k.st(i), k.empty(0), k.st(0), 0, in.esc() == 6);
      return 0;
    }
    case 5:
      switch (reg) {
        case 0: k.set_tag(k.phys(i), 3); return 0;  // FFREE
        case 1: exchange(k, i); return 0;
        case 2: case 3: store_st(k, i, reg == 3); return 0;
        case 4: case 5: compare(k, k.empty(i), k.st(i), 0, true, reg == 5 ? 1 : 0); return 0;
        default: return 0;
      }
    default:  // DF
      switch (reg) {
        case 0: k.set_tag(k.phys(i), 3); k.pop(); return 0;  // FFREEP
        case 1: exchange(k, i); return 0;
        case 2: case 3: store_st(k, i, true); return 0;
        case 4: return s.fpu.fsw;  // FNSTSW AX
        default: return compare_flags(k, i, reg == 5, true);
      }
  }
}

// Instructions that leave FIP, FCS, FOP, FDP and FDS alone: the control ones.
bool is_control(const Insn87& in) {
  const unsigned esc = in.esc(), modrm = in.modrm(), reg = in.reg();
  if (esc >= code::kGroup15) return true;
  if (in.mod() != 3) return (esc == 1 && reg >= 4) || (esc == 5 && (reg == 4 || reg >= 6));
  return (esc == 3 && modrm >= 0xe0 && modrm <= 0xe4) || (esc == 7 && modrm == 0xe0);
}

uint64_t exec_helper(void* env, uint64_t code, uint64_t linear, uint64_t offset) {
  X86State& s = *xs(env);
  const Insn87 in{code};
  if (!check(s, in)) return 0;
  Stack k{s};
  const MemAccess m{s, linear, (code & code::kCode64) != 0};
  if (in.esc() == code::kGroup15) {
    group15(s, in, m);
    return 0;
  }
  const bool mem = in.mod() != 3;
  uint64_t result = mem ? exec_memory(k, in, m) : exec_register(k, in);
  if (s.fault || is_control(in)) return result;
  s.fpu.fop = uint16_t((in.esc() << 8 | in.modrm()) & 0x7ff);
  s.fpu.fip = in.ip();
  s.fpu.fcs = s.seg[CS].selector;
  if (mem) {
    s.fpu.fdp = offset;
    s.fpu.fds = s.seg[in.seg()].selector;
  }
  return result;
}
}  // namespace

unsigned tag_of(uint64_t sig, uint16_t se) {
  switch (sf::classify(F80{sig, se})) {
    case sf::Class::Zero: return 1;
    case sf::Class::Normal: return 0;
    default: return 2;
  }
}

void update_summary(X86State& s) {
  if (s.fpu.fsw & ~s.fpu.fcw & 0x3f) s.fpu.fsw |= kES | kB;
  else s.fpu.fsw &= uint16_t(~(kES | kB));
}

void init_fpu(X86State& s) {
  s.fpu.fcw = 0x037f;
  s.fpu.fsw = 0;
  s.fpu.ftw = 0xffff;
  s.fpu.fop = 0;
  s.fpu.fip = s.fpu.fdp = 0;
  s.fpu.fcs = s.fpu.fds = 0;
}

bool MemAccess::read(uint64_t off, unsigned bytes, uint64_t* v) const {
  return mem::load(s.mem, at(off), bytes, data_mmu(s), false, v);
}
bool MemAccess::write(uint64_t off, unsigned bytes, uint64_t v) const {
  return helper_store(s, at(off), bytes, data_mmu(s), v);
}
bool MemAccess::writable(uint64_t off, unsigned bytes) const {
  return mem::probe_write(s.mem, at(off), 1, data_mmu(s)) &&
         mem::probe_write(s.mem, at(off + bytes - 1), 1, data_mmu(s));
}

const ir::Helper kCheck{"x87_check", check_helper, ir::kReadsState | ir::kWritesState | ir::kMayFault, 1};
const ir::Helper kExec{"x87_exec", exec_helper,
                       ir::kReadsState | ir::kWritesState | ir::kMemRead | ir::kMemWrite | ir::kMayFault, 3};

}  // namespace kiln::x86::x87

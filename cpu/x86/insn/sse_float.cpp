// SSE/SSE2/SSE3 floating point, computed on the registers (kSseExec,
// sse.cpp) with common/softfloat.h under kX86Policy: arithmetic, MIN/MAX,
// compares, conversions, logic, shuffles and unpacks. MXCSR gives the
// rounding mode, DAZ (denormal inputs read as zero) and FTZ (tiny results
// become zero when underflow is masked); the exception flags accumulate in
// MXCSR, and an unmasked one leaves the destination alone and raises #XM
// (CR4.OSXMMEXCPT) or #UD.
#include "common/softfloat.h"
#include "cpu/x86/decode.h"
#include "cpu/x86/insn/sse.h"

namespace kiln::x86 {

namespace {

using sf::F32;
using sf::F64;

// MXCSR bits
constexpr uint32_t kIE = 1, kDE = 2, kZE = 4, kOE = 8, kUE = 16, kPE = 32, kDAZ = 64, kFTZ = 1u << 15;

// One instruction's floating-point environment: rounding from MXCSR, the
// flags it raises (MXCSR bit positions).
struct Fp {
  uint32_t mxcsr;
  uint32_t flags = 0;
  sf::Round rm() const {
    static constexpr sf::Round kRc[4] = {sf::Round::NearestEven, sf::Round::Down, sf::Round::Up, sf::Round::TowardZero};
    return kRc[(mxcsr >> 13) & 3];
  }
  bool masked(uint32_t f) const { return mxcsr & (f << 7); }
  // Takes back a DE flagged for this element (set since `de_before`) when `drop`.
  void keep_de(uint32_t de_before, bool drop) {
    if (drop) flags = (flags & ~kDE) | de_before;
  }
  // An input: a denormal reads as zero under DAZ, else flags DE (unless the
  // operation has a NaN operand, which takes precedence: `nan_seen`).
  template <class F> typename F::Bits in(typename F::Bits x) {
    if (!sf::is_subnormal<F>(x)) return x;
    if (mxcsr & kDAZ) return x & F::sign_mask;
    flags |= kDE;
    return x;
  }
  // softfloat's flags to MXCSR's.
  void add(uint32_t f) {
    if (f & sf::Invalid) flags |= kIE;
    if (f & sf::DivByZero) flags |= kZE;
    if (f & sf::Overflow) flags |= kOE;
    if (f & sf::Underflow) flags |= kUE;
    if (f & sf::Inexact) flags |= kPE;
  }
  // A result: under FTZ with underflow masked, a tiny result is a zero.
  template <class F> typename F::Bits out(typename F::Bits r, uint32_t f) {
    if ((mxcsr & kFTZ) && masked(kUE) && (sf::is_subnormal<F>(r) || (f & sf::Underflow))) {
      f |= sf::Underflow | sf::Inexact;
      r &= F::sign_mask;
    }
    add(f);
    return r;
  }
};

enum class Arith { Add, Sub, Mul, Div, Min, Max, Sqrt };

template <class F> typename F::Bits arith(Fp& fp, Arith op, typename F::Bits a, typename F::Bits b) {
  using B = typename F::Bits;
  const bool nan = (op != Arith::Sqrt && sf::is_nan<F>(a)) || sf::is_nan<F>(b);
  const uint32_t de_before = fp.flags & kDE;
  if (op != Arith::Sqrt) a = fp.in<F>(a);  // SQRT reads only its source
  b = fp.in<F>(b);
  uint32_t f = 0;
  const sf::Round rm = fp.rm();
  B r = 0;
  switch (op) {
    case Arith::Add: r = sf::add<F>(a, b, rm, f, sf::kX86Policy); break;
    case Arith::Sub: r = sf::sub<F>(a, b, rm, f, sf::kX86Policy); break;
    case Arith::Mul: r = sf::mul<F>(a, b, rm, f, sf::kX86Policy); break;
    case Arith::Div: r = sf::div<F>(a, b, rm, f, sf::kX86Policy); break;
    case Arith::Sqrt: r = sf::sqrt<F>(b, rm, f, sf::kX86Policy); break;
    case Arith::Min:
    case Arith::Max: {
      // Any NaN (quiet too) is invalid and gives the second operand; so do
      // equal values (+0 and -0 included).
      const sf::Ordering ord = sf::compare<F>(a, b, true, f);
      fp.add(f);
      fp.keep_de(de_before, nan || (f & sf::Invalid));
      const bool first = op == Arith::Min ? ord == sf::Ordering::Less : ord == sf::Ordering::Greater;
      return first ? a : B(b);
    }
  }
  // A NaN operand, an invalid operation or a division by zero: no denormal exception for the element.
  fp.keep_de(de_before, nan || (f & (sf::Invalid | sf::DivByZero)));
  return fp.out<F>(r, f);  // (f is read after the operation has set it)
}

// The CMPPS predicates 0-7 (imm8 bits 0-2).
template <class F> bool predicate(Fp& fp, unsigned imm, typename F::Bits a, typename F::Bits b) {
  const bool nan = sf::is_nan<F>(a) || sf::is_nan<F>(b);
  const uint32_t de_before = fp.flags & kDE;
  a = fp.in<F>(a);
  b = fp.in<F>(b);
  const unsigned p = imm & 7;
  const bool signaling = p == 1 || p == 2 || p == 5 || p == 6;
  uint32_t f = 0;
  const sf::Ordering ord = sf::compare<F>(a, b, signaling, f);
  fp.add(f);
  fp.keep_de(de_before, nan || (f & sf::Invalid));
  const bool lt = ord == sf::Ordering::Less, eq = ord == sf::Ordering::Equal, un = ord == sf::Ordering::Unordered;
  switch (p) {
    case 0: return eq;
    case 1: return lt;
    case 2: return lt || eq;
    case 3: return un;
    case 4: return !eq;
    case 5: return !lt;
    case 6: return !(lt || eq);
    default: return !un;
  }
}

// Float -> integer of `width` bits: NaN, infinity and out-of-range give the
// integer indefinite (the most negative value).
template <class F> uint64_t to_int(Fp& fp, typename F::Bits a, unsigned width, bool truncate) {
  if (sf::is_subnormal<F>(a) && (fp.mxcsr & kDAZ)) a &= F::sign_mask;
  uint32_t f = 0;
  const sf::IntResult r = sf::to_int<F>(a, width, true, truncate ? sf::Round::TowardZero : fp.rm(), f);
  fp.add(f);
  if (r.invalid) return width == 64 ? 1ull << 63 : 1ull << 31;
  return width == 64 ? r.value : uint32_t(r.value);
}
template <class F> typename F::Bits from_int(Fp& fp, int64_t v) {
  uint32_t f = 0;
  typename F::Bits r = sf::from_i64<F>(v, fp.rm(), f);
  fp.add(f);
  return r;
}
template <class From, class To> typename To::Bits convert(Fp& fp, typename From::Bits a) {
  const bool nan = sf::is_nan<From>(a);
  const uint32_t de_before = fp.flags & kDE;
  a = fp.in<From>(a);
  fp.keep_de(de_before, nan);
  uint32_t f = 0;
  const typename To::Bits r = sf::convert<From, To>(a, fp.rm(), f, sf::kX86Policy);
  return fp.out<To>(r, f);
}

// Packed (all lanes) or scalar (lane 0) arithmetic on lanes of F.
template <class F> void lanes(SseOperands& o, Fp& fp, Arith op, bool scalar) {
  using B = typename F::Bits;
  const unsigned n = scalar ? 1 : 16 / sizeof(B);
  Vec r = o.d;
  for (unsigned i = 0; i < n; i++) r.set<B>(i, arith<F>(fp, op, o.d.get<B>(i), o.s.get<B>(i)));
  o.d = r;
}
template <class F> void compare_lanes(SseOperands& o, Fp& fp, bool scalar) {
  using B = typename F::Bits;
  const unsigned n = scalar ? 1 : 16 / sizeof(B);
  Vec r = o.d;
  for (unsigned i = 0; i < n; i++) r.set<B>(i, predicate<F>(fp, o.a.imm, o.d.get<B>(i), o.s.get<B>(i)) ? B(~B(0)) : B(0));
  o.d = r;
}
// COMIS/UCOMIS: ZF, PF, CF (unordered: all three); the other flags clear.
template <class F> uint64_t compare_flags(Fp& fp, typename F::Bits a, typename F::Bits b, bool signaling) {
  const bool nan = sf::is_nan<F>(a) || sf::is_nan<F>(b);
  const uint32_t de_before = fp.flags & kDE;
  a = fp.in<F>(a);
  b = fp.in<F>(b);
  uint32_t f = 0;
  const sf::Ordering ord = sf::compare<F>(a, b, signaling, f);
  fp.add(f);
  fp.keep_de(de_before, nan || (f & sf::Invalid));
  switch (ord) {
    case sf::Ordering::Unordered: return fl::ZF | fl::PF | fl::CF;
    case sf::Ordering::Less: return fl::CF;
    case sf::Ordering::Equal: return fl::ZF;
    default: return 0;
  }
}
// ADDSUB, HADD, HSUB on lanes of F.
template <class F> void addsub(SseOperands& o, Fp& fp) {
  using B = typename F::Bits;
  const unsigned n = 16 / sizeof(B);
  Vec r;
  for (unsigned i = 0; i < n; i++)
    r.set<B>(i, arith<F>(fp, (i & 1) ? Arith::Add : Arith::Sub, o.d.get<B>(i), o.s.get<B>(i)));
  o.d = r;
}
template <class F> void horizontal(SseOperands& o, Fp& fp, Arith op) {
  using B = typename F::Bits;
  const unsigned n = 16 / sizeof(B);
  Vec r;
  for (unsigned i = 0; i < n / 2; i++) {
    r.set<B>(i, arith<F>(fp, op, o.d.get<B>(2 * i), o.d.get<B>(2 * i + 1)));
    r.set<B>(n / 2 + i, arith<F>(fp, op, o.s.get<B>(2 * i), o.s.get<B>(2 * i + 1)));
  }
  o.d = r;
}

// RCPPS/RSQRTPS: the hardware's approximations (relative error at most
// 1.5 * 2^-12) are not specified bit for bit; Kiln gives the correctly
// rounded reciprocal (of the square root), which is within that bound.
// Denormal inputs read as zero and tiny results are zeros, as on the
// hardware; no exception flags.
uint32_t approximate(uint32_t x, bool rsqrt) {
  const uint32_t sign = x & F32::sign_mask;
  if (sf::is_subnormal<F32>(x)) x = sign;
  if (sf::is_nan<F32>(x)) return x | F32::quiet_bit;
  if (sf::is_zero<F32>(x)) return sign | F32::inf;
  if (rsqrt && sign) return sf::default_nan<F32>(sf::kX86Policy);
  if (sf::is_inf<F32>(x)) return sign;
  uint32_t f = 0;
  const uint32_t one = 0x3f800000;
  const uint32_t r = rsqrt ? sf::div<F32>(one, sf::sqrt<F32>(x, sf::Round::NearestEven, f), sf::Round::NearestEven, f)
                           : sf::div<F32>(one, x, sf::Round::NearestEven, f);
  return sf::is_subnormal<F32>(r) ? (r & F32::sign_mask) : r;
}

Arith arith_of(unsigned op) {
  switch (op) {
    case 0x158: return Arith::Add;
    case 0x159: return Arith::Mul;
    case 0x15C: return Arith::Sub;
    case 0x15D: return Arith::Min;
    case 0x15E: return Arith::Div;
    case 0x15F: return Arith::Max;
    default: return Arith::Sqrt;
  }
}

// The operation itself; false if `key` is not a floating-point one.
bool compute(SseOperands& o, Fp& fp) {
  const SseArgs& a = o.a;
  const unsigned op = a.key & 0x3ff, pfx = a.key >> 10;
  Vec& d = o.d;
  const Vec& s = o.s;
  const bool ps = pfx == kPfxNone, pd = pfx == kPfx66, ss = pfx == kPfxF3, sd = pfx == kPfxF2;
  switch (op) {
    case 0x151: case 0x158: case 0x159: case 0x15C: case 0x15D: case 0x15E: case 0x15F:
      if (ps || ss) lanes<F32>(o, fp, arith_of(op), ss);
      else lanes<F64>(o, fp, arith_of(op), sd);
      return true;
    case 0x152: case 0x153:
      for (unsigned i = 0; i < (ss ? 1u : 4u); i++) d.set<uint32_t>(i, approximate(s.get<uint32_t>(i), op == 0x152));
      return true;
    case 0x1C2:
      if (ps || ss) compare_lanes<F32>(o, fp, ss);
      else compare_lanes<F64>(o, fp, sd);
      return true;
    case 0x12E: case 0x12F:
      o.ret = ps ? compare_flags<F32>(fp, uint32_t(d.q[0]), uint32_t(s.q[0]), op == 0x12F)
                 : compare_flags<F64>(fp, d.q[0], s.q[0], op == 0x12F);
      o.write_dst = false;
      return true;
    case 0x154: d.q[0] &= s.q[0], d.q[1] &= s.q[1]; return true;
    case 0x155: d.q[0] = ~d.q[0] & s.q[0], d.q[1] = ~d.q[1] & s.q[1]; return true;
    case 0x156: d.q[0] |= s.q[0], d.q[1] |= s.q[1]; return true;
    case 0x157: d.q[0] ^= s.q[0], d.q[1] ^= s.q[1]; return true;
    case 0x114: case 0x115: {  // UNPCKLPS/PD, UNPCKHPS/PD
      const bool high = op == 0x115;
      Vec r;
      if (ps) {
        const unsigned b = high ? 2 : 0;
        r.set<uint32_t>(0, d.get<uint32_t>(b)), r.set<uint32_t>(1, s.get<uint32_t>(b));
        r.set<uint32_t>(2, d.get<uint32_t>(b + 1)), r.set<uint32_t>(3, s.get<uint32_t>(b + 1));
      } else {
        r.q[0] = d.q[high], r.q[1] = s.q[high];
      }
      d = r;
      return true;
    }
    case 0x1C6: {  // SHUFPS, SHUFPD
      Vec r;
      if (ps) {
        for (unsigned i = 0; i < 4; i++) r.set<uint32_t>(i, (i < 2 ? d : s).get<uint32_t>(a.imm >> (2 * i) & 3));
      } else {
        r.q[0] = d.q[a.imm & 1], r.q[1] = s.q[a.imm >> 1 & 1];
      }
      d = r;
      return true;
    }
    case 0x150: {  // MOVMSKPS/PD
      o.ret = ps ? (s.q[0] >> 31 & 1) | (s.q[0] >> 62 & 2) | (s.q[1] >> 29 & 4) | (s.q[1] >> 60 & 8)
                 : (s.q[0] >> 63) | (s.q[1] >> 62 & 2);
      o.write_dst = false;
      return true;
    }
    case 0x1D0: if (pd) addsub<F64>(o, fp); else addsub<F32>(o, fp); return true;
    case 0x17C: case 0x17D: {
      const Arith h = op == 0x17C ? Arith::Add : Arith::Sub;
      if (pd) horizontal<F64>(o, fp, h); else horizontal<F32>(o, fp, h);
      return true;
    }
    // ---- conversions
    case 0x12A:
      if (ps) {  // CVTPI2PS
        for (unsigned i = 0; i < 2; i++) d.set<uint32_t>(i, from_int<F32>(fp, s.get<int32_t>(i)));
      } else if (pd) {  // CVTPI2PD
        d = Vec{{from_int<F64>(fp, s.get<int32_t>(0)), from_int<F64>(fp, s.get<int32_t>(1))}};
      } else {  // CVTSI2SS/SD
        const int64_t v = a.wide ? int64_t(s.q[0]) : int64_t(int32_t(s.q[0]));
        if (ss) d.set<uint32_t>(0, from_int<F32>(fp, v));
        else d.q[0] = from_int<F64>(fp, v);
      }
      return true;
    case 0x12C: case 0x12D: {
      const bool t = op == 0x12C;
      if (ss || sd) {  // CVT(T)SS2SI, CVT(T)SD2SI
        const unsigned w = a.wide ? 64 : 32;
        o.ret = ss ? to_int<F32>(fp, uint32_t(s.q[0]), w, t) : to_int<F64>(fp, s.q[0], w, t);
        o.write_dst = false;
      } else if (ps) {  // CVT(T)PS2PI
        Vec r;
        for (unsigned i = 0; i < 2; i++) r.set<uint32_t>(i, uint32_t(to_int<F32>(fp, s.get<uint32_t>(i), 32, t)));
        d = r;
      } else {  // CVT(T)PD2PI
        d = Vec{{to_int<F64>(fp, s.q[0], 32, t) | to_int<F64>(fp, s.q[1], 32, t) << 32, 0}};
      }
      return true;
    }
    case 0x15A:
      if (ps) d = Vec{{convert<F32, F64>(fp, s.get<uint32_t>(0)), convert<F32, F64>(fp, s.get<uint32_t>(1))}};
      else if (pd) d = Vec{{convert<F64, F32>(fp, s.q[0]) | uint64_t(convert<F64, F32>(fp, s.q[1])) << 32, 0}};
      else if (ss) d.q[0] = convert<F32, F64>(fp, s.get<uint32_t>(0));
      else d.set<uint32_t>(0, convert<F64, F32>(fp, s.q[0]));
      return true;
    case 0x15B:
      if (ps) {  // CVTDQ2PS
        for (unsigned i = 0; i < 4; i++) d.set<uint32_t>(i, from_int<F32>(fp, s.get<int32_t>(i)));
      } else {  // CVTPS2DQ, CVTTPS2DQ
        for (unsigned i = 0; i < 4; i++) d.set<uint32_t>(i, uint32_t(to_int<F32>(fp, s.get<uint32_t>(i), 32, ss)));
      }
      return true;
    case 0x1E6:
      if (ss) d = Vec{{from_int<F64>(fp, s.get<int32_t>(0)), from_int<F64>(fp, s.get<int32_t>(1))}};  // CVTDQ2PD
      else d = Vec{{to_int<F64>(fp, s.q[0], 32, pd) | to_int<F64>(fp, s.q[1], 32, pd) << 32, 0}};  // CVT(T)PD2DQ
      return true;
    default: return false;
  }
}

}  // namespace

bool sse_float(SseOperands& o) {
  X86State& st = o.st;
  Fp fp{uint32_t(st.mxcsr)};
  const Vec before = o.d;
  if (!compute(o, fp)) return false;
  st.mxcsr |= fp.flags;
  if (fp.flags & ~(uint32_t(st.mxcsr) >> 7) & 0x3f) {  // an unmasked exception
    o.d = before;
    o.write_dst = false;
    record_fault(&st, (st.cr4 & cr4::OSXMMEXCPT) ? kSimdError : kInvalidOpcode);
  }
  return true;
}

}  // namespace kiln::x86

// IEEE 754 arithmetic on raw bits.  See softfloat.h for the contract.
//
// Method: every finite nonzero operand is unpacked to sign * sig * 2^exp with
// `sig` normalised so its leading 1 sits at bit frac_bits (subnormals are
// normalised too, exp then goes below emin).  Each operation forms its exact
// result, or a 128-bit approximation whose lowest bit is a "sticky" bit that
// is set if any nonzero bits were discarded.  round_pack() then rounds once to
// the destination precision and range.  As long as the sticky bit sits below
// the rounding position's guard bit, the result is the correctly rounded one.
#include "common/softfloat.h"
#include "common/softfloat_internal.h"

#include <initializer_list>
#include <utility>

namespace kiln::sf {
namespace {

using namespace detail;

template <class F> typename F::Bits signed_zero(bool s) { return s ? F::sign_mask : 0; }
template <class F> typename F::Bits signed_inf(bool s) { return signed_zero<F>(s) | F::inf; }

// Result of an overflowing operation: infinity, or the largest finite number
// when the rounding direction points back toward zero.
template <class F> typename F::Bits overflow_result(bool sign, Round rm) {
    const bool to_inf = rm == Round::NearestEven || rm == Round::NearestMaxMag ||
                        (rm == Round::Up && !sign) || (rm == Round::Down && sign);
    return signed_zero<F>(sign) | (to_inf ? F::inf : F::max_finite);
}

// Round sign * sig * 2^exp (sig != 0) to format F, raising flags.
template <class F>
typename F::Bits round_pack(bool sign, int exp, u128 sig, Round rm, uint32_t& flags) {
    using Bits = typename F::Bits;
    constexpr int P = F::frac_bits + 1;  // precision including the hidden bit
    const int top = msb_index(sig);
    const int e = exp + top;  // exponent of the leading bit
    const bool below_normal = e < F::emin;
    // Keep P bits, fewer if the value lies in the subnormal range.
    const int drop = top - (P - 1) + (below_normal ? F::emin - e : 0);
    bool inexact = false;
    const u128 m = round_shift(sig, drop, sign, rm, inexact);

    if (below_normal) {
        // m <= 2^(P-1); m == 2^(P-1) (rounded up to the smallest normal) encodes
        // correctly as biased exponent 1 because the carry lands in the
        // exponent field.
        //
        // Tininess after rounding: the result is tiny unless rounding to P bits
        // with an unbounded exponent already reaches 2^emin, which is only
        // possible from just below it (e == emin - 1).
        bool tiny = true;
        if (e == F::emin - 1) {
            bool unused;
            tiny = (round_shift(sig, top - (P - 1), sign, rm, unused) >> P) == 0;
        }
        if (inexact) flags |= tiny ? (Inexact | Underflow) : uint32_t(Inexact);
        return signed_zero<F>(sign) | Bits(m);
    }

    // m is in [2^(P-1), 2^P]; 2^P means rounding carried into a new binade.
    const int e_final = e + int(m >> P);
    if (e_final > F::emax) {
        flags |= Overflow | Inexact;
        return overflow_result<F>(sign, rm);
    }
    if (inexact) flags |= Inexact;
    // The hidden bit of m adds one to the exponent field (and a carry adds
    // two), hence "e + bias - 1".
    return signed_zero<F>(sign) | ((Bits(e + F::bias - 1) << F::frac_bits) + Bits(m));
}

enum class Kind : uint8_t { Zero, Finite, Inf, NaN };

struct Unpacked {
    Kind kind;
    bool sign;
    int exp;       // finite: value = sig * 2^exp
    uint64_t sig;  // finite: leading 1 at bit frac_bits
};

template <class F> Unpacked unpack(typename F::Bits x) {
    Unpacked u{Kind::Finite, sign_bit<F>(x), 0, 0};
    const int biased = int((x & F::exp_mask) >> F::frac_bits);
    const uint64_t frac = uint64_t(x & F::frac_mask);
    if (biased == F::max_biased_exp) {
        u.kind = frac ? Kind::NaN : Kind::Inf;
    } else if (biased == 0) {
        if (frac == 0) {
            u.kind = Kind::Zero;
        } else {
            const int shift = F::frac_bits - (63 - __builtin_clzll(frac));
            u.sig = frac << shift;
            u.exp = F::emin - F::frac_bits - shift;
        }
    } else {
        u.sig = frac | (uint64_t(1) << F::frac_bits);
        u.exp = biased - F::bias - F::frac_bits;
    }
    return u;
}

template <class F> typename F::Bits quiet(typename F::Bits x) { return x | F::quiet_bit; }

// Result of an operation with at least one NaN operand: Invalid for any
// signaling NaN, then the NaN the policy asks for.
template <class F>
typename F::Bits nan_result(std::initializer_list<typename F::Bits> ops, uint32_t& flags,
                            const Policy& p) {
    for (auto x : ops)
        if (is_snan<F>(x)) flags |= Invalid;
    if (p.nan_rule == NaNRule::PropagateFirst)
        for (auto x : ops)
            if (is_nan<F>(x)) return quiet<F>(x);
    return default_nan<F>(p);
}

template <class F> typename F::Bits invalid_result(uint32_t& flags, const Policy& p) {
    flags |= Invalid;
    return default_nan<F>(p);
}

// Sign of an exact zero sum of operands with different signs (IEEE 6.3).
inline bool zero_sum_sign(Round rm) { return rm == Round::Down; }

// Sum of two finite nonzero values given as sig * 2^exp with sigs normalised
// at the same bit position `top` (<= 125, leaving room for a carry).  The
// operand with the smaller exponent is shifted right with jamming.  When the
// shift is large the larger operand's leading bit moves by at most one place in
// the result, so the jam bit stays far below the rounding position; when it is
// small nothing is lost.  Either way the rounded result is correct.
template <class F>
typename F::Bits add_aligned(bool sx, int ex, u128 mx, bool sy, int ey, u128 my, Round rm,
                             uint32_t& flags) {
    if (ex < ey || (ex == ey && mx < my)) {  // make x the larger magnitude
        std::swap(sx, sy);
        std::swap(ex, ey);
        std::swap(mx, my);
    }
    my = shift_right_jam(my, ex - ey);
    if (sx == sy) return round_pack<F>(sx, ex, mx + my, rm, flags);
    const u128 diff = mx - my;
    if (diff == 0) return signed_zero<F>(zero_sum_sign(rm));
    return round_pack<F>(sx, ex, diff, rm, flags);
}

template <class F>
typename F::Bits add_impl(typename F::Bits a, typename F::Bits b, bool negate_b, Round rm,
                          uint32_t& flags, const Policy& p) {
    Unpacked x = unpack<F>(a), y = unpack<F>(b);
    if (x.kind == Kind::NaN || y.kind == Kind::NaN) return nan_result<F>({a, b}, flags, p);
    y.sign ^= negate_b;
    if (x.kind == Kind::Inf) {
        if (y.kind == Kind::Inf && x.sign != y.sign) return invalid_result<F>(flags, p);
        return signed_inf<F>(x.sign);
    }
    if (y.kind == Kind::Inf) return signed_inf<F>(y.sign);
    if (x.kind == Kind::Zero && y.kind == Kind::Zero)
        return signed_zero<F>(x.sign == y.sign ? x.sign : zero_sum_sign(rm));
    // x + 0 is exactly x: no rounding, no flags (even for subnormal x).
    if (y.kind == Kind::Zero) return a;
    if (x.kind == Kind::Zero) return negate_b ? negate<F>(b) : b;

    constexpr int shift = 125 - F::frac_bits;  // leading bits at 125
    return add_aligned<F>(x.sign, x.exp - shift, u128(x.sig) << shift, y.sign, y.exp - shift,
                          u128(y.sig) << shift, rm, flags);
}

}  // namespace

template <class F>
typename F::Bits add(typename F::Bits a, typename F::Bits b, Round rm, uint32_t& flags,
                     const Policy& p) {
    return add_impl<F>(a, b, false, rm, flags, p);
}

template <class F>
typename F::Bits sub(typename F::Bits a, typename F::Bits b, Round rm, uint32_t& flags,
                     const Policy& p) {
    return add_impl<F>(a, b, true, rm, flags, p);
}

template <class F>
typename F::Bits mul(typename F::Bits a, typename F::Bits b, Round rm, uint32_t& flags,
                     const Policy& p) {
    static_assert(2 * (F::frac_bits + 1) <= 128, "product must fit in 128 bits");
    const Unpacked x = unpack<F>(a), y = unpack<F>(b);
    if (x.kind == Kind::NaN || y.kind == Kind::NaN) return nan_result<F>({a, b}, flags, p);
    const bool sign = x.sign != y.sign;
    if ((x.kind == Kind::Inf && y.kind == Kind::Zero) ||
        (x.kind == Kind::Zero && y.kind == Kind::Inf))
        return invalid_result<F>(flags, p);
    if (x.kind == Kind::Inf || y.kind == Kind::Inf) return signed_inf<F>(sign);
    if (x.kind == Kind::Zero || y.kind == Kind::Zero) return signed_zero<F>(sign);
    return round_pack<F>(sign, x.exp + y.exp, u128(x.sig) * y.sig, rm, flags);  // exact product
}

template <class F>
typename F::Bits div(typename F::Bits a, typename F::Bits b, Round rm, uint32_t& flags,
                     const Policy& p) {
    // Quotient of two normalised sigs is in (1/2, 2); with S extra bits it has
    // at least P+2 bits, so the remainder's sticky bit is below the guard bit.
    constexpr int S = F::frac_bits + 3;
    static_assert(F::frac_bits + 1 + S <= 128, "dividend must fit in 128 bits");
    const Unpacked x = unpack<F>(a), y = unpack<F>(b);
    if (x.kind == Kind::NaN || y.kind == Kind::NaN) return nan_result<F>({a, b}, flags, p);
    const bool sign = x.sign != y.sign;
    if ((x.kind == Kind::Inf && y.kind == Kind::Inf) ||
        (x.kind == Kind::Zero && y.kind == Kind::Zero))
        return invalid_result<F>(flags, p);
    if (x.kind == Kind::Inf) return signed_inf<F>(sign);
    if (y.kind == Kind::Inf) return signed_zero<F>(sign);
    if (y.kind == Kind::Zero) {
        flags |= DivByZero;  // finite nonzero / 0: exact infinite result
        return signed_inf<F>(sign);
    }
    if (x.kind == Kind::Zero) return signed_zero<F>(sign);
    const u128 num = u128(x.sig) << S;
    u128 q = num / y.sig;
    q |= (num % y.sig) != 0;
    return round_pack<F>(sign, x.exp - y.exp - S, q, rm, flags);
}

template <class F>
typename F::Bits sqrt(typename F::Bits a, Round rm, uint32_t& flags, const Policy& p) {
    // Scale by 4^K so the integer root has at least P+2 bits (guard + sticky).
    constexpr int K = (F::frac_bits + 1) / 2 + 2;
    static_assert(F::frac_bits + 2 + 2 * K <= 127, "radicand must fit in 128 bits");
    const Unpacked x = unpack<F>(a);
    if (x.kind == Kind::NaN) return nan_result<F>({a}, flags, p);
    if (x.kind == Kind::Zero) return a;  // sqrt(-0) = -0
    if (x.sign) return invalid_result<F>(flags, p);
    if (x.kind == Kind::Inf) return a;
    uint64_t sig = x.sig;
    int exp = x.exp;
    if (exp & 1) {  // make the exponent even so it halves exactly
        sig <<= 1;
        exp -= 1;
    }
    bool exact;
    u128 root = isqrt(u128(sig) << (2 * K), exact);
    root |= !exact;
    return round_pack<F>(false, (exp - 2 * K) / 2, root, rm, flags);
}

template <class F>
typename F::Bits fma(typename F::Bits a, typename F::Bits b, typename F::Bits c, Round rm,
                     uint32_t& flags, const Policy& p) {
    static_assert(2 * (F::frac_bits + 1) <= 124, "product needs guard room in 128 bits");
    const Unpacked x = unpack<F>(a), y = unpack<F>(b), z = unpack<F>(c);
    const bool inf_times_zero = (x.kind == Kind::Inf && y.kind == Kind::Zero) ||
                                (x.kind == Kind::Zero && y.kind == Kind::Inf);
    if (x.kind == Kind::NaN || y.kind == Kind::NaN || z.kind == Kind::NaN) {
        if (inf_times_zero && p.fma_inf_zero_qnan_invalid) flags |= Invalid;
        return nan_result<F>({a, b, c}, flags, p);
    }
    if (inf_times_zero) return invalid_result<F>(flags, p);
    const bool sp = x.sign != y.sign;  // sign of the product
    if (x.kind == Kind::Inf || y.kind == Kind::Inf) {
        if (z.kind == Kind::Inf && z.sign != sp) return invalid_result<F>(flags, p);
        return signed_inf<F>(sp);
    }
    if (z.kind == Kind::Inf) return c;
    if (x.kind == Kind::Zero || y.kind == Kind::Zero) {
        if (z.kind == Kind::Zero) return signed_zero<F>(sp == z.sign ? sp : zero_sum_sign(rm));
        return c;  // 0 + c is exactly c
    }
    // Exact product; normalise it and c so both have their leading bit at 125.
    // The product has at most 2P bits, so below bit 125-2P+1 there are >= 20
    // zero bits for f64 (many more for f32): small alignment shifts are exact.
    u128 mp = u128(x.sig) * y.sig;
    int ep = x.exp + y.exp;
    if (z.kind == Kind::Zero) return round_pack<F>(sp, ep, mp, rm, flags);
    const int ps = 125 - msb_index(mp);
    mp <<= ps;
    ep -= ps;
    constexpr int cs = 125 - F::frac_bits;
    return add_aligned<F>(sp, ep, mp, z.sign, z.exp - cs, u128(z.sig) << cs, rm, flags);
}

template <class F>
Ordering compare(typename F::Bits a, typename F::Bits b, bool signaling, uint32_t& flags) {
    if (is_nan<F>(a) || is_nan<F>(b)) {
        if (signaling || is_snan<F>(a) || is_snan<F>(b)) flags |= Invalid;
        return Ordering::Unordered;
    }
    if (is_zero<F>(a) && is_zero<F>(b)) return Ordering::Equal;  // -0 == +0
    if (a == b) return Ordering::Equal;
    const bool sa = sign_bit<F>(a), sb = sign_bit<F>(b);
    if (sa != sb) return sa ? Ordering::Less : Ordering::Greater;
    // Same sign: magnitudes order like their bit patterns; negation flips it.
    const bool smaller_mag = abs<F>(a) < abs<F>(b);
    return smaller_mag != sa ? Ordering::Less : Ordering::Greater;
}

template <class From, class To>
typename To::Bits convert(typename From::Bits a, Round rm, uint32_t& flags, const Policy& p) {
    using TB = typename To::Bits;
    const Unpacked x = unpack<From>(a);
    switch (x.kind) {
        case Kind::NaN: {
            if (is_snan<From>(a)) flags |= Invalid;
            if (p.nan_rule == NaNRule::Canonical) return default_nan<To>(p);
            // Keep sign and the most significant payload bits, quieted.
            uint64_t moved = uint64_t(a & From::frac_mask);
            if constexpr (To::frac_bits >= From::frac_bits)
                moved <<= To::frac_bits - From::frac_bits;
            else
                moved >>= From::frac_bits - To::frac_bits;
            return signed_zero<To>(x.sign) | To::inf | To::quiet_bit | (TB(moved) & To::frac_mask);
        }
        case Kind::Inf: return signed_inf<To>(x.sign);
        case Kind::Zero: return signed_zero<To>(x.sign);
        case Kind::Finite: break;
    }
    return round_pack<To>(x.sign, x.exp, x.sig, rm, flags);
}

template <class F>
IntResult to_int(typename F::Bits a, unsigned width, bool is_signed, Round rm, uint32_t& flags) {
    const Unpacked x = unpack<F>(a);
    if (x.kind == Kind::NaN || x.kind == Kind::Inf) {
        flags |= Invalid;
        return {0, true};
    }
    if (x.kind == Kind::Zero) return {0, false};
    // Round |a| to an integer; anything with 2^64 or more is out of range.
    u128 mag;
    bool inexact = false;
    if (x.exp >= 0) {
        if (F::frac_bits + x.exp >= 64) {
            flags |= Invalid;
            return {0, true};
        }
        mag = u128(x.sig) << x.exp;
    } else {
        mag = round_shift(x.sig, -x.exp, x.sign, rm, inexact);
    }
    // Range check after rounding: e.g. -0.5 -> 0 is fine for unsigned types.
    const u128 limit = x.sign ? (is_signed ? u128(1) << (width - 1) : 0)
                              : (is_signed ? (u128(1) << (width - 1)) - 1 : (u128(1) << width) - 1);
    if (mag > limit) {
        flags |= Invalid;
        return {0, true};
    }
    if (inexact) flags |= Inexact;
    const uint64_t m = uint64_t(mag);
    return {x.sign ? 0 - m : m, false};
}

template <class F>
typename F::Bits from_int(uint64_t magnitude, bool negative, Round rm, uint32_t& flags) {
    if (magnitude == 0) return 0;  // integer zero converts to +0
    return round_pack<F>(negative, 0, magnitude, rm, flags);
}

// ---- explicit instantiations ----------------------------------------------

#define KILN_SF_INSTANTIATE(F)                                                                    \
    template F::Bits add<F>(F::Bits, F::Bits, Round, uint32_t&, const Policy&);                   \
    template F::Bits sub<F>(F::Bits, F::Bits, Round, uint32_t&, const Policy&);                   \
    template F::Bits mul<F>(F::Bits, F::Bits, Round, uint32_t&, const Policy&);                   \
    template F::Bits div<F>(F::Bits, F::Bits, Round, uint32_t&, const Policy&);                   \
    template F::Bits sqrt<F>(F::Bits, Round, uint32_t&, const Policy&);                           \
    template F::Bits fma<F>(F::Bits, F::Bits, F::Bits, Round, uint32_t&, const Policy&);          \
    template Ordering compare<F>(F::Bits, F::Bits, bool, uint32_t&);                              \
    template IntResult to_int<F>(F::Bits, unsigned, bool, Round, uint32_t&);                      \
    template F::Bits from_int<F>(uint64_t, bool, Round, uint32_t&);

KILN_SF_INSTANTIATE(F32)
KILN_SF_INSTANTIATE(F64)
#undef KILN_SF_INSTANTIATE

template F64::Bits convert<F32, F64>(F32::Bits, Round, uint32_t&, const Policy&);
template F32::Bits convert<F64, F32>(F64::Bits, Round, uint32_t&, const Policy&);

}  // namespace kiln::sf

// x87 operations with no IEEE counterpart in softfloat.cpp: FRNDINT, FSCALE,
// FXTRACT, FPREM/FPREM1 and packed BCD.  See softfloat80.h for the contract;
// the special-operand tables are those of the SDM Vol. 2 instruction pages.
#include "common/softfloat80.h"

#include "common/softfloat80_internal.h"

namespace kiln::sf::x87 {

using namespace detail;
using sf::detail::msb_index;
using sf::detail::round_shift;

namespace {

// st0 returned as the result when the other operand leaves it as it is
// (FSCALE by +-0, FPREM/FPREM1 by +-infinity): re-encoded, so a
// pseudo-denormal comes back normal, but never an underflow, even unmasked.
// Intel's x87 does this (checked on a Xeon); an AMD x87 treats it as a tiny
// result (#U with the exponent rebiased). Kiln's CPUID says GenuineIntel.
Result pass_through(const Unpacked& x, uint16_t de, Control c) {
    Result r = round_to_register(x.sign, x.exp, x.sig, 64, Control{uint16_t(c.cw | UE)});
    r.status = (r.status & ~(C1 | UE | PE)) | de;
    return r;
}

}  // namespace

Result round_to_int(F80 a, Control c) {
    const Unpacked x = unpack(a);
    Result out;
    if (special_nan_result(a, x, out)) return out;
    const uint16_t de = x.denormal ? DE : 0;
    if (denormal_trap(de, c)) return {a, DE};
    if (x.kind != Kind::Finite) return {a, de};
    if (x.exp >= 0) return {a, de};  // already an integer
    bool inexact, up;
    const u128 m = round_shift(x.sig, -x.exp, x.sign, c.rounding(), inexact, &up);
    const uint16_t st = de | (inexact ? PE : 0) | (up ? C1 : 0);
    return {from_magnitude(x.sign, uint64_t(m)), st};  // m <= 2^63
}

Result scale(F80 st0, F80 st1, Control c) {
    const Unpacked x = unpack(st0), y = unpack(st1);
    Result out;
    if (special_nan_result(st0, x, st1, y, out)) return out;
    const uint16_t de = (x.denormal || y.denormal) ? DE : 0;
    if (denormal_trap(de, c)) return {st0, DE};
    if (y.kind == Kind::Inf) {
        // 0 * 2^+inf and inf * 2^-inf are invalid; otherwise the exponent
        // takes x to zero or infinity.
        if ((x.kind == Kind::Zero && !y.sign) || (x.kind == Kind::Inf && y.sign)) return invalid();
        return {y.sign ? zero(x.sign) : infinity(x.sign), de};
    }
    if (x.kind != Kind::Finite) return {st0, de};
    if (y.kind == Kind::Zero) return pass_through(x, de, c);
    // trunc(st1), clamped at 2^17 where any larger magnitude over/underflows
    // alike (|st1| < 1 scales by 2^0).
    constexpr int kClamp = 1 << 17;
    int n = 0;
    if (y.kind == Kind::Finite && y.exp > -64) {
        n = y.exp >= 17 - 63 ? kClamp : int(y.sig >> -y.exp);
        if (y.sign) n = -n;
    }
    out = round_to_register(x.sign, x.exp + n, x.sig, 64, c);
    out.status |= de;
    return out;
}

Extracted extract(F80 a, Control c) {
    const Unpacked x = unpack(a);
    Result nan;
    if (special_nan_result(a, x, nan)) return {nan.value, nan.value, nan.status};
    switch (x.kind) {
        case Kind::Zero: return {infinity(true), a, ZE};
        case Kind::Inf: return {infinity(false), a, 0};
        default: break;
    }
    if (denormal_trap(x.denormal, c)) return {a, a, DE};
    const F80 significand{x.sig, uint16_t((x.sign ? 0x8000 : 0) | kBias)};
    return {from_int(x.exp + 63), significand, uint16_t(x.denormal ? DE : 0)};
}

namespace {

// FPREM's reduction count when the exponents differ by 64 or more: the SDM
// allows any N in 32..63.  The tests' host (an AMD x87) takes 32 + (d - 64)
// mod 32, so every step but the last removes a multiple of 32 exponent bits
// and the last partial step leaves a difference below 64.
int partial_step(int d) { return 32 + ((d - 64) & 31); }

Result remainder_impl(F80 st0, F80 st1, Control c, bool nearest) {
    const Unpacked x = unpack(st0), y = unpack(st1);
    Result out;
    if (special_nan_result(st0, x, st1, y, out)) return out;
    const uint16_t de = (x.denormal || y.denormal) ? DE : 0;
    if (x.kind == Kind::Inf || y.kind == Kind::Zero) return invalid();
    if (denormal_trap(de, c)) return {st0, DE};
    if (x.kind == Kind::Zero) return {st0, de};
    // A remainder equal to st0 is still re-encoded: a pseudo-denormal st0
    // comes back normal.
    auto unchanged = [&](uint16_t extra) {
        Result r = round_to_register(x.sign, x.exp, x.sig, 64, c);
        r.status = (r.status & ~C1) | de | extra;
        return r;
    };
    if (y.kind == Kind::Inf) return pass_through(x, de, c);
    // Both finite and nonzero.  d is the difference of the leading bits'
    // exponents; a partial step divides by st1 * 2^(d - N) instead.
    const int d = x.exp - y.exp;
    int y_exp = y.exp;
    uint16_t incomplete = 0;
    if (d >= 64) {
        y_exp += d - partial_step(d);
        incomplete = C2;
    }
    const int dd = x.exp - y_exp;
    if (dd < -1) return unchanged(incomplete);
    // In units of 2^(y_exp - 1): x = x.sig * 2^(dd + 1), y = 2 * y.sig.
    const u128 num = u128(x.sig) << (dd + 1), den = u128(y.sig) << 1;
    u128 q = num / den, r = num % den;
    bool sign = x.sign;
    if (nearest && !incomplete && (2 * r > den || (2 * r == den && (q & 1)))) {
        ++q;
        r = den - r;
        sign = !sign;
    }
    uint16_t qbits = 0;
    if (!incomplete) qbits = ((q & 4) ? C0 : 0) | ((q & 2) ? C3 : 0) | ((q & 1) ? C1 : 0);
    if (r == 0) return {zero(x.sign), uint16_t(de | incomplete | qbits)};
    out = round_to_register(sign, y_exp - 1, r, 64, c);  // exact but maybe tiny
    out.status = (out.status & ~C1) | de | incomplete | qbits;
    return out;
}

}  // namespace

Result partial_remainder(F80 st0, F80 st1, Control c) { return remainder_impl(st0, st1, c, false); }
Result ieee_remainder(F80 st0, F80 st1, Control c) { return remainder_impl(st0, st1, c, true); }

// ---- packed BCD ----------------------------------------------------------

Result from_bcd(const Bcd& b) {
    // Digits above 9 simply weigh in (at most ~1.7e18: no overflow).
    uint64_t v = 0;
    for (int i = 8; i >= 0; --i) v = v * 100 + (b.bytes[i] >> 4) * 10 + (b.bytes[i] & 15);
    return {from_magnitude(b.bytes[9] & 0x80, v), 0};
}

BcdResult to_bcd(F80 a, Control c) {
    constexpr Bcd kBcdIndefinite{{0, 0, 0, 0, 0, 0, 0, 0xC0, 0xFF, 0xFF}};
    constexpr uint64_t kLimit = 1000000000000000000ull;  // 10^18
    const Unpacked x = unpack(a);
    if (x.kind != Kind::Finite && x.kind != Kind::Zero) return {kBcdIndefinite, IE};
    uint64_t mag = 0;
    uint16_t st = 0;
    if (x.kind == Kind::Finite) {
        if (x.exp >= 0) return {kBcdIndefinite, IE};
        bool inexact, up;
        const u128 m = round_shift(x.sig, -x.exp, x.sign, c.rounding(), inexact, &up);
        if (m >= kLimit) return {kBcdIndefinite, IE};
        mag = uint64_t(m);
        st |= (inexact ? PE : 0) | (up ? C1 : 0);
    }
    Bcd out{};
    for (int i = 0; i < 9; ++i) {
        const unsigned pair = unsigned(mag % 100);
        mag /= 100;
        out.bytes[i] = uint8_t((pair / 10) << 4 | (pair % 10));
    }
    out.bytes[9] = x.sign ? 0x80 : 0;
    return {out, st};
}

}  // namespace kiln::sf::x87

// x87 double-extended arithmetic: classification, the rounding core, the five
// basic operations, comparison and conversions.  See softfloat80.h for the
// contract.
//
// Method (as in softfloat.cpp): operands are unpacked to sign * sig * 2^exp,
// the exact result (or a 128-bit approximation whose bit 0 is sticky) is
// formed, and round_value() rounds it once.  A 64-bit significand leaves less
// room in 128 bits than binary64 does, so division computes its quotient in
// two 64-bit steps and square root derives the guard bit from the integer
// root's remainder instead of scaling the radicand further.
#include "common/softfloat80.h"

#include "common/softfloat80_internal.h"

namespace kiln::sf::x87 {

using namespace detail;
using sf::detail::isqrt;
using sf::detail::msb_index;
using sf::detail::round_shift;
using sf::detail::shift_right_jam;

Class classify(F80 x) {
    const int e = x.biased_exp();
    const bool integer = x.sig & kIntegerBit;
    const uint64_t frac = x.sig & ~kIntegerBit;
    if (e == 0) return x.sig == 0 ? Class::Zero : integer ? Class::PseudoDenormal : Class::Denormal;
    if (e == kMaxBiasedExp) {
        if (!integer) return frac ? Class::PseudoNaN : Class::PseudoInfinity;
        if (frac == 0) return Class::Infinity;
        return (x.sig & kQuietBit) ? Class::QNaN : Class::SNaN;
    }
    return integer ? Class::Normal : Class::Unnormal;
}

namespace detail {

Unpacked unpack(F80 x) {
    Unpacked u{Kind::Finite, x.sign(), false, 0, x.sig};
    switch (classify(x)) {
        case Class::Zero: u.kind = Kind::Zero; break;
        case Class::Denormal:
        case Class::PseudoDenormal: {
            // Both are read with exponent emin (a pseudo-denormal's integer
            // bit simply counts), then normalised.
            const int shift = __builtin_clzll(x.sig);
            u.denormal = true;
            u.sig = x.sig << shift;
            u.exp = kEmin - 63 - shift;
            break;
        }
        case Class::Normal: u.exp = x.biased_exp() - kBias - 63; break;
        case Class::Infinity: u.kind = Kind::Inf; break;
        case Class::QNaN: u.kind = Kind::QNaN; break;
        case Class::SNaN: u.kind = Kind::SNaN; break;
        case Class::Unnormal:
        case Class::PseudoNaN:
        case Class::PseudoInfinity: u.kind = Kind::Unsupported; break;
    }
    return u;
}

Rounded round_value(bool sign, int exp, u128 sig, int prec, const Target& t, Round rm, Control c) {
    Rounded r{sign, false, 0, 0, 0};
    const int top = msb_index(sig);
    bool inexact, up;
    auto note_rounding = [&] {
        if (inexact) r.status |= PE | (up ? C1 : 0);
    };
    // Round to `prec` bits as if the exponent were unbounded.
    const int drop = top - (prec - 1);
    u128 m = round_shift(sig, drop, sign, rm, inexact, &up);
    int q = exp + drop;
    if (m >> prec) {  // carried into the next binade: m == 2^prec, exact shift
        m >>= 1;
        ++q;
    }
    const int e_rounded = q + prec - 1;  // exponent of the leading bit
    if (e_rounded > t.emax) {
        r.status |= OE;
        if (!c.masked(OE) && e_rounded - kExponentWrap > t.emax) {
            // Out of range even wrapped (only FSCALE gets here): infinity.
            r.inf = true;
            r.status |= PE | C1;
            return r;
        }
        if (!c.masked(OE)) {
            r.m = m;
            r.q = q - kExponentWrap;
            note_rounding();
            return r;
        }
        r.status |= PE;
        const bool to_inf = rm == Round::NearestEven || (rm == Round::Up && !sign) ||
                            (rm == Round::Down && sign);
        if (to_inf) {
            r.inf = true;
            r.status |= C1;
        } else {
            r.m = (u128(1) << prec) - 1;
            r.q = t.emax - (prec - 1);
        }
        return r;
    }
    // The SDM (Vol. 1 §4.9.1.5) detects tininess on the result rounded with
    // an unbounded exponent ("after rounding"), taking precision control into
    // account.
    if (e_rounded < t.emin) {
        if (!c.masked(UE)) {
            r.status |= UE;
            if (e_rounded + kExponentWrap >= t.emin) {
                r.m = m;
                r.q = q + kExponentWrap;
                note_rounding();
                return r;
            }
            // Still tiny after wrapping (only FSCALE gets here): zero.
            r.status |= PE;
            return r;
        }
        // Denormalise.  The last place cannot lie below the smallest
        // denormal *at the precision in use*: with PC = 24 or 53 the x87
        // keeps at most prec - 1 bits below 2^emin, not 63.  A masked
        // underflow is only reported when inexact.
        const int lowest = t.emin - (prec - 1);
        const int drop2 = top - (prec - 1) > lowest - exp ? top - (prec - 1) : lowest - exp;
        r.m = round_shift(sig, drop2, sign, rm, inexact, &up);
        r.q = exp + drop2;
        if (inexact) r.status |= UE;
        note_rounding();
        return r;
    }
    r.m = m;
    r.q = q;
    note_rounding();
    return r;
}

F80 encode(const Rounded& r) {
    if (r.inf) return infinity(r.sign);
    if (r.m == 0) return zero(r.sign);
    const uint16_t s = r.sign ? 0x8000 : 0;
    const int top = msb_index(r.m);
    const int e = r.q + top;
    if (e >= kEmin) return {uint64_t(r.m << (63 - top)), uint16_t(s | (e + kBias))};
    return {uint64_t(r.m << (r.q - (kEmin - 63))), s};
}

Result round_to_register(bool sign, int exp, u128 sig, int prec, Control c) {
    const Rounded r = round_value(sign, exp, sig, prec, kExtended, c.rounding(), c);
    return {encode(r), r.status};
}

namespace {
// SDM Vol. 1 Table 4-7: a NaN beside a non-NaN is returned quieted; an SNaN
// beside a QNaN loses to it; of two NaNs of the same kind the larger
// significand wins, and with equal significands the positive one (as the host
// x87 does; the SDM leaves the tie open).
F80 choose_nan(F80 a, const Unpacked& ua, F80 b, const Unpacked& ub) {
    if (!ua.is_nan()) return quiet(b);
    if (!ub.is_nan()) return quiet(a);
    if (ua.kind != ub.kind) return ua.kind == Kind::QNaN ? a : b;
    const uint64_t sa = a.sig | kQuietBit, sb = b.sig | kQuietBit;
    if (sa != sb) return quiet(sa > sb ? a : b);
    return quiet(a.se < b.se ? a : b);
}
}  // namespace

bool special_nan_result(F80 a, const Unpacked& ua, F80 b, const Unpacked& ub, Result& out) {
    if (ua.kind == Kind::Unsupported || ub.kind == Kind::Unsupported) {
        out = invalid();
        return true;
    }
    if (!ua.is_nan() && !ub.is_nan()) return false;
    out.status = (ua.kind == Kind::SNaN || ub.kind == Kind::SNaN) ? IE : 0;
    out.value = choose_nan(a, ua, b, ub);
    return true;
}

bool special_nan_result(F80 a, const Unpacked& ua, Result& out) {
    if (ua.kind == Kind::Unsupported) {
        out = invalid();
        return true;
    }
    if (!ua.is_nan()) return false;
    out = {quiet(a), uint16_t(ua.kind == Kind::SNaN ? IE : 0)};
    return true;
}

}  // namespace detail

namespace {

uint16_t denormal_flag(const Unpacked& a, const Unpacked& b) {
    return (a.denormal || b.denormal) ? DE : 0;
}

Result add_impl(F80 a, F80 b, bool negate_b, Control c) {
    Unpacked x = unpack(a), y = unpack(b);
    Result out;
    if (special_nan_result(a, x, b, y, out)) return out;
    y.sign ^= negate_b;
    const uint16_t de = denormal_flag(x, y);
    if (denormal_trap(de, c)) return {a, DE};
    const Round rm = c.rounding();
    if (x.kind == Kind::Inf || y.kind == Kind::Inf) {
        if (x.kind == Kind::Inf && y.kind == Kind::Inf && x.sign != y.sign) return invalid();
        return {infinity(x.kind == Kind::Inf ? x.sign : y.sign), de};
    }
    if (x.kind == Kind::Zero && y.kind == Kind::Zero)
        return {zero(x.sign == y.sign ? x.sign : rm == Round::Down), de};
    if (y.kind == Kind::Zero) std::swap(x, y);  // a single zero is now x
    auto finish = [&](Result r) {
        r.status |= de;
        return r;
    };
    // x + 0 still rounds: precision control may shorten y, and a denormal y
    // is renormalised or underflows.
    if (x.kind == Kind::Zero) return finish(round_to_register(y.sign, y.exp, y.sig, c.precision(), c));
    // Leading bits at 125: 62 bits below the last place of a 64-bit result
    // (see softfloat.cpp add_aligned for why the jam bit is harmless).
    int ex = x.exp - 62, ey = y.exp - 62;
    u128 mx = u128(x.sig) << 62, my = u128(y.sig) << 62;
    bool sx = x.sign, sy = y.sign;
    if (ex < ey || (ex == ey && mx < my)) {
        std::swap(sx, sy);
        std::swap(ex, ey);
        std::swap(mx, my);
    }
    my = shift_right_jam(my, ex - ey);
    if (sx == sy) return finish(round_to_register(sx, ex, mx + my, c.precision(), c));
    if (mx == my) return {zero(rm == Round::Down), de};
    return finish(round_to_register(sx, ex, mx - my, c.precision(), c));
}

}  // namespace

Result add(F80 a, F80 b, Control c) { return add_impl(a, b, false, c); }
Result sub(F80 a, F80 b, Control c) { return add_impl(a, b, true, c); }

Result mul(F80 a, F80 b, Control c) {
    const Unpacked x = unpack(a), y = unpack(b);
    Result out;
    if (special_nan_result(a, x, b, y, out)) return out;
    const bool sign = x.sign != y.sign;
    if ((x.kind == Kind::Inf && y.kind == Kind::Zero) || (x.kind == Kind::Zero && y.kind == Kind::Inf))
        return invalid();
    const uint16_t de = denormal_flag(x, y);
    if (denormal_trap(de, c)) return {a, DE};
    if (x.kind == Kind::Inf || y.kind == Kind::Inf) return {infinity(sign), de};
    if (x.kind == Kind::Zero || y.kind == Kind::Zero) return {zero(sign), de};
    out = round_to_register(sign, x.exp + y.exp, u128(x.sig) * y.sig, c.precision(), c);
    out.status |= de;
    return out;
}

Result div(F80 a, F80 b, Control c) {
    const Unpacked x = unpack(a), y = unpack(b);
    Result out;
    if (special_nan_result(a, x, b, y, out)) return out;
    const bool sign = x.sign != y.sign;
    if ((x.kind == Kind::Inf && y.kind == Kind::Inf) || (x.kind == Kind::Zero && y.kind == Kind::Zero))
        return invalid();
    // Division by zero is detected before a denormal dividend.
    if (y.kind == Kind::Zero && x.kind != Kind::Inf) return {infinity(sign), ZE};
    const uint16_t de = denormal_flag(x, y);
    if (denormal_trap(de, c)) return {a, DE};
    if (x.kind == Kind::Inf) return {infinity(sign), de};
    if (y.kind == Kind::Inf) return {zero(sign), de};
    if (x.kind == Kind::Zero) return {zero(sign), de};
    // Long division in two 64-bit steps: (x.sig * 2^63) / y.sig has 63 or 64
    // bits, the remainder's next 64 quotient bits follow, and what is left
    // becomes the sticky bit, far below the last place.
    const u128 num = u128(x.sig) << 63;
    const u128 q1 = num / y.sig, r1 = num % y.sig;
    const u128 q2 = (r1 << 64) / y.sig, r2 = (r1 << 64) % y.sig;
    const u128 q = (q1 << 64) | q2 | u128(r2 != 0);
    out = round_to_register(sign, x.exp - y.exp - 127, q, c.precision(), c);
    out.status |= de;
    return out;
}

Result sqrt(F80 a, Control c) {
    const Unpacked x = unpack(a);
    Result out;
    if (special_nan_result(a, x, out)) return out;
    if (x.kind == Kind::Zero) return {a, 0};  // sqrt(-0) = -0
    if (x.sign) return invalid();
    const uint16_t de = x.denormal ? DE : 0;
    if (denormal_trap(de, c)) return {a, DE};
    if (x.kind == Kind::Inf) return {a, 0};
    // Radicand with an even exponent and 127 or 128 bits, so the integer root
    // has exactly 64.  The root of an integer is an integer or irrational, so
    // the remainder decides both the guard bit (sqrt >= r + 1/2 iff
    // n - r^2 > r) and the sticky bit (remainder != 0), never a tie.
    const bool odd = x.exp & 1;
    const u128 n = u128(x.sig) << (odd ? 63 : 64);
    const int exp = x.exp - (odd ? 63 : 64);
    bool exact;
    const u128 r = isqrt(n, exact);
    const u128 rem = n - r * r;
    const u128 q = (r << 2) | (u128(rem > r) << 1) | u128(rem != 0);
    out = round_to_register(false, exp / 2 - 2, q, c.precision(), c);
    out.status |= de;
    return out;
}

uint16_t compare(F80 a, F80 b, bool quiet) {
    const Unpacked x = unpack(a), y = unpack(b);
    constexpr uint16_t kUnordered = C3 | C2 | C0;
    if (x.kind == Kind::Unsupported || y.kind == Kind::Unsupported) return IE | kUnordered;
    if (x.is_nan() || y.is_nan()) {
        const bool signals = !quiet || x.kind == Kind::SNaN || y.kind == Kind::SNaN;
        return (signals ? IE : 0) | kUnordered;
    }
    const uint16_t de = denormal_flag(x, y);
    // Magnitudes order by (zero < finite < infinity, exponent, significand);
    // normalised significands make that the numeric order.
    auto rank = [](const Unpacked& u) { return u.kind == Kind::Zero ? 0 : u.kind == Kind::Finite ? 1 : 2; };
    int cmp;  // -1, 0, 1 for a <, ==, > b
    if (x.kind == Kind::Zero && y.kind == Kind::Zero) {
        cmp = 0;  // -0 == +0
    } else if (x.sign != y.sign) {
        cmp = x.sign ? -1 : 1;
    } else {
        int mag = rank(x) < rank(y) ? -1 : rank(x) > rank(y) ? 1 : 0;
        if (mag == 0 && x.kind == Kind::Finite) {
            if (x.exp != y.exp) mag = x.exp < y.exp ? -1 : 1;
            else if (x.sig != y.sig) mag = x.sig < y.sig ? -1 : 1;
        }
        cmp = x.sign ? -mag : mag;
    }
    return de | (cmp < 0 ? C0 : cmp == 0 ? C3 : 0);
}

uint16_t examine(F80 a) {
    uint16_t code = 0;  // C3 C2 C0
    switch (classify(a)) {
        case Class::Unnormal:
        case Class::PseudoNaN:
        case Class::PseudoInfinity: code = 0; break;
        case Class::QNaN:
        case Class::SNaN: code = C0; break;
        case Class::Normal: code = C2; break;
        case Class::Infinity: code = C2 | C0; break;
        case Class::Zero: code = C3; break;
        case Class::Denormal:
        case Class::PseudoDenormal: code = C3 | C2; break;
    }
    return code | (a.sign() ? C1 : 0);
}

// ---- conversions ---------------------------------------------------------

F80 detail::from_magnitude(bool sign, uint64_t mag) {
    if (mag == 0) return zero(sign);
    const int shift = __builtin_clzll(mag);
    return {mag << shift, uint16_t((sign ? 0x8000 : 0) | (kBias + 63 - shift))};
}

F80 from_int(int64_t v) { return from_magnitude(v < 0, v < 0 ? 0 - uint64_t(v) : uint64_t(v)); }

IntResult to_int(F80 a, int width, Control c, bool truncate) {
    const Unpacked x = unpack(a);
    const int64_t indefinite = int64_t(~uint64_t(0) << (width - 1));
    if (x.kind != Kind::Finite && x.kind != Kind::Zero) return {indefinite, IE};
    // Stores never report a denormal operand.
    if (x.kind == Kind::Zero) return {0, 0};
    if (x.exp >= 1) return {indefinite, IE};  // >= 2^64
    bool inexact, up;
    const u128 mag = round_shift(x.sig, -x.exp, x.sign, truncate ? Round::TowardZero : c.rounding(),
                                 inexact, &up);
    const u128 limit = (u128(1) << (width - 1)) - (x.sign ? 0 : 1);
    if (mag > limit) return {indefinite, IE};
    const uint16_t st = (inexact ? PE : 0) | (up ? C1 : 0);
    return {x.sign ? -int64_t(uint64_t(mag) - 1) - 1 : int64_t(mag), st};
}

namespace {

template <class F> Result from_ieee(typename F::Bits bits) {
    const bool sign = sign_bit<F>(bits);
    const uint64_t frac = uint64_t(bits & F::frac_mask);
    const int biased = int((bits & F::exp_mask) >> F::frac_bits);
    const uint16_t s = sign ? 0x8000 : 0;
    if (biased == F::max_biased_exp) {
        if (frac == 0) return {infinity(sign), 0};
        const F80 nan{kIntegerBit | kQuietBit | (frac << (63 - F::frac_bits)), uint16_t(s | kMaxBiasedExp)};
        return {nan, uint16_t(is_snan<F>(bits) ? IE : 0)};
    }
    if (biased == 0) {
        if (frac == 0) return {zero(sign), 0};
        const int top = 63 - __builtin_clzll(frac);
        const int e = F::emin - (F::frac_bits - top);  // exponent of the leading bit
        return {{frac << (63 - top), uint16_t(s | (e + kBias))}, DE};
    }
    return {{kIntegerBit | (frac << (63 - F::frac_bits)), uint16_t(s | (biased - F::bias + kBias))}, 0};
}

template <class F> typename F::Bits encode_ieee(const Rounded& r) {
    using B = typename F::Bits;
    const B s = r.sign ? F::sign_mask : 0;
    if (r.inf) return s | F::inf;
    if (r.m == 0) return s;
    const int top = msb_index(r.m);
    const int e = r.q + top;
    if (e >= F::emin)
        return s | (B(e + F::bias) << F::frac_bits) | (B(r.m << (F::frac_bits - top)) & F::frac_mask);
    return s | B(r.m << (r.q - (F::emin - F::frac_bits)));
}

template <class F> std::pair<typename F::Bits, uint16_t> to_ieee(F80 a, Control c) {
    using B = typename F::Bits;
    const Unpacked x = unpack(a);
    const B s = x.sign ? F::sign_mask : 0;
    switch (x.kind) {
        case Kind::Unsupported: return {F::sign_mask | F::canonical_nan, IE};
        case Kind::QNaN:
        case Kind::SNaN: {
            const B frac = B((a.sig & ~kIntegerBit) >> (63 - F::frac_bits));
            return {s | F::inf | F::quiet_bit | frac, uint16_t(x.kind == Kind::SNaN ? IE : 0)};
        }
        case Kind::Inf: return {s | F::inf, 0};
        case Kind::Zero: return {s, 0};
        case Kind::Finite: break;
    }
    constexpr Target t{F::frac_bits + 1, F::emin, F::emax};
    const Rounded r = round_value(x.sign, x.exp, x.sig, t.prec, t, c.rounding(), c);
    const uint16_t st = r.status;
    // An unmasked overflow/underflow leaves memory unwritten; return the
    // masked response (a wrapped exponent does not fit the format anyway).
    // Only OE or UE is then reported (no PE, no C1).
    if (const uint16_t trap = r.status & (OE | UE) & ~c.cw) {
        const Control masked{uint16_t(c.cw | OE | UE)};
        return {encode_ieee<F>(round_value(x.sign, x.exp, x.sig, t.prec, t, c.rounding(), masked)), trap};
    }
    return {encode_ieee<F>(r), st};
}

}  // namespace

Result from_f32(uint32_t bits) { return from_ieee<F32>(bits); }
Result from_f64(uint64_t bits) { return from_ieee<F64>(bits); }
F32Result to_f32(F80 a, Control c) {
    const auto [v, st] = to_ieee<F32>(a, c);
    return {v, st};
}
F64Result to_f64(F80 a, Control c) {
    const auto [v, st] = to_ieee<F64>(a, c);
    return {v, st};
}

}  // namespace kiln::sf::x87

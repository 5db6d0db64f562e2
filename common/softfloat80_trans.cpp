// x87 transcendental instructions (F2XM1, FYL2X, FYL2XP1, FPATAN, FSIN, FCOS,
// FSINCOS, FPTAN) on the 80-bit format.  See softfloat80.h for the contract
// and the accuracy actually achieved against the host x87 of the tests.
//
// Method: the functions are evaluated in a private 128-bit-significand
// format (Wide: sign, exponent, 128-bit significand, truncating arithmetic,
// relative error of a few units in 2^-125 per operation) with classical
// series after argument reduction, and the result is rounded once to the
// 64-bit significand with the x87 rounding core.  So results are the
// correctly rounded value except within about 2^-100 (relative) of a rounding
// boundary.  Like the x87, FSIN/FCOS/FPTAN reduce their argument modulo a
// 66-bit approximation of pi/2 (the one Intel documents; the AMD test host
// agrees), which is what makes large arguments agree with real hardware
// rather than with the true sine.
#include "common/softfloat80.h"

#include "common/softfloat80_internal.h"

namespace kiln::sf::x87 {

using namespace detail;
using sf::detail::isqrt;
using sf::detail::msb_index;

namespace {

// ---- the working format --------------------------------------------------

// sign * sig * 2^exp with bit 127 of sig set, or sig == 0 for zero.
struct Wide {
    bool sign = false;
    int exp = 0;
    u128 sig = 0;
};

Wide normalize(bool sign, int exp, u128 sig) {
    if (sig == 0) return {};
    const int shift = 127 - msb_index(sig);
    return {sign, exp - shift, sig << shift};
}

Wide wide(const Unpacked& u) { return u.kind == Kind::Finite ? normalize(u.sign, u.exp, u.sig) : Wide{}; }
Wide wide(int64_t v) { return normalize(v < 0, 0, v < 0 ? 0 - uint64_t(v) : uint64_t(v)); }
Wide neg(Wide a) {
    a.sign = !a.sign;
    return a;
}
// Exponent of the leading bit (meaningless for zero).
int top_exp(const Wide& a) { return a.exp + 127; }

Wide add(Wide a, Wide b) {
    if (a.sig == 0) return b;
    if (b.sig == 0) return a;
    if (a.exp < b.exp || (a.exp == b.exp && a.sig < b.sig)) std::swap(a, b);
    // One bit of headroom for the carry; the smaller operand is truncated.
    const int d = a.exp - b.exp;
    const u128 x = a.sig >> 1, y = d + 1 >= 128 ? 0 : b.sig >> (d + 1);
    return normalize(a.sign, a.exp + 1, a.sign == b.sign ? x + y : x - y);
}
Wide sub(Wide a, Wide b) { return add(a, neg(b)); }

Wide mul(const Wide& a, const Wide& b) {
    if (a.sig == 0 || b.sig == 0) return {};
    const u128 al = uint64_t(a.sig), ah = a.sig >> 64, bl = uint64_t(b.sig), bh = b.sig >> 64;
    const u128 p0 = al * bl, p1 = al * bh, p2 = ah * bl, p3 = ah * bh;
    const u128 mid = (p0 >> 64) + uint64_t(p1) + uint64_t(p2);
    const u128 hi = p3 + (p1 >> 64) + (p2 >> 64) + (mid >> 64);
    const u128 lo = (mid << 64) | uint64_t(p0);
    const bool top = hi >> 127;
    return {a.sign != b.sign, a.exp + b.exp + 128 - !top, top ? hi : (hi << 1) | (lo >> 127)};
}

// 1/b (b != 0): a 64-bit quotient as the first guess, then one Newton step
// x' = x (2 - b x) doubles its precision to about 125 bits.
Wide reciprocal(const Wide& b) {
    const u128 guess = ~u128(0) / uint64_t(b.sig >> 64);  // ~2^128 / top 64 bits of b
    const Wide x = normalize(b.sign, -(192 + b.exp), guess);
    return mul(x, sub(normalize(false, 0, 2), mul(b, x)));
}

Wide div(const Wide& a, const Wide& b) { return a.sig == 0 ? Wide{} : mul(a, reciprocal(b)); }

// a / d for a small positive integer d: exact long division of the 128-bit
// significand, extended by 64 bits so the quotient keeps a full 128 bits.
Wide div(const Wide& a, uint64_t d) {
    if (a.sig == 0) return {};
    const u128 q_hi = a.sig / d, rem = a.sig % d;
    const u128 q_lo = (rem << 64) / d;  // the next 64 quotient bits
    const int s = 127 - msb_index(q_hi);  // < 64 for d < 2^64
    const u128 q = s == 0 ? q_hi : (q_hi << s) | (q_lo >> (64 - s));
    return {a.sign, a.exp - s, q};
}

Wide half(Wide a) {
    a.exp -= 1;
    return a;
}

Wide sqrt(const Wide& a) {  // a > 0
    // A 64-bit integer root, then one Newton step doubles the precision.
    const bool odd = a.exp & 1;
    bool exact;
    const u128 r0 = isqrt(odd ? a.sig >> 1 : a.sig, exact);
    const Wide g = normalize(false, (a.exp + odd) / 2, r0);
    return half(add(g, div(a, g)));
}

bool less_mag(const Wide& a, const Wide& b) {
    if (a.sig == 0 || b.sig == 0) return b.sig != 0;
    return a.exp != b.exp ? a.exp < b.exp : a.sig < b.sig;
}

// Sum of term(n) for n = 0, 1, ... until terms fall below 2^-132 of the sum.
template <class Term> Wide series(Term term) {
    Wide sum{};
    for (int n = 0; n < 200; ++n) {
        const Wide t = term(n);
        if (t.sig == 0) break;
        if (sum.sig != 0 && top_exp(t) < top_exp(sum) - 132) break;
        sum = add(sum, t);
    }
    return sum;
}

// atanh(s) = s + s^3/3 + s^5/5 + ... for small |s|.
Wide atanh_small(const Wide& s) {
    const Wide s2 = mul(s, s);
    Wide power = s;
    return series([&](int n) {
        if (n > 0) power = mul(power, s2);
        return div(power, uint64_t(2 * n + 1));
    });
}

// atan(t) = t - t^3/3 + t^5/5 - ... for small |t|.
Wide atan_small(const Wide& t) {
    const Wide t2 = neg(mul(t, t));
    Wide power = t;
    return series([&](int n) {
        if (n > 0) power = mul(power, t2);
        return div(power, uint64_t(2 * n + 1));
    });
}

const Wide& ln2() {  // 2 atanh(1/3)
    static const Wide v = [] {
        Wide r = atanh_small(div(wide(1), 3));
        r.exp += 1;
        return r;
    }();
    return v;
}

const Wide& pi() {  // Machin: 16 atan(1/5) - 4 atan(1/239)
    static const Wide v = [] {
        Wide a = atan_small(div(wide(1), 5)), b = atan_small(div(wide(1), 239));
        a.exp += 4;
        b.exp += 2;
        return sub(a, b);
    }();
    return v;
}

// Natural logarithm of x > 0: x = m * 2^e with m in [sqrt(1/2), sqrt(2)),
// log(m) = 2 atanh((m - 1) / (m + 1)).
Wide ln(const Wide& x) {
    int e = top_exp(x);
    Wide m = x;
    m.exp -= e;  // m in [1, 2)
    // sqrt(2) ~ 0xB504F333F9DE6484 * 2^-63.
    if ((m.sig >> 64) > 0xB504F333F9DE6484ull) {
        m.exp -= 1;
        ++e;
    }
    Wide r = atanh_small(div(sub(m, wide(1)), add(m, wide(1))));
    r.exp += 1;
    return add(r, mul(wide(e), ln2()));
}

// e^y - 1 for |y| <= 1: series on y / 2^k, then k doublings
// expm1(2z) = expm1(z) * (expm1(z) + 2).
Wide expm1(Wide y) {
    if (y.sig == 0) return {};
    const int k = top_exp(y) + 12 > 0 ? top_exp(y) + 12 : 0;
    y.exp -= k;
    Wide power = y;
    Wide r = series([&](int n) {
        if (n > 0) power = div(mul(power, y), uint64_t(n + 1));
        return power;
    });
    for (int i = 0; i < k; ++i) r = mul(r, add(r, wide(2)));
    return r;
}

// atan(t) for t >= 0: reduced twice by atan(t) = 2 atan(t / (1 + sqrt(1 + t^2)))
// after folding t > 1 to pi/2 - atan(1/t).
Wide atan(const Wide& t) {
    if (t.sig == 0) return {};
    const bool fold = less_mag(wide(1), t);
    Wide u = fold ? div(wide(1), t) : t;
    for (int i = 0; i < 3; ++i) u = div(u, add(wide(1), sqrt(add(wide(1), mul(u, u)))));
    Wide r = atan_small(u);
    r.exp += 3;
    return fold ? sub(half(pi()), r) : r;
}

// sin and cos of |r| <= pi/4 by their Taylor series.
Wide sin_small(const Wide& r) {
    const Wide r2 = neg(mul(r, r));
    Wide term = r;
    return series([&](int n) {
        if (n > 0) term = div(mul(term, r2), uint64_t(2 * n) * (2 * n + 1));
        return term;
    });
}
Wide cos_small(const Wide& r) {
    const Wide r2 = neg(mul(r, r));
    Wide term = wide(1);
    return series([&](int n) {
        if (n > 0) term = div(mul(term, r2), uint64_t(2 * n - 1) * (2 * n));
        return term;
    });
}

// Rounds an approximation of a transcendental value.  Such values are
// irrational apart from a few arguments (log2 of a power of two, 2^+-1 - 1),
// and for those too the x87 reports PE (its own approximation is not exact),
// so bit 0 always serves as a sticky bit.
Result to_register(const Wide& w, Control c) {
    if (w.sig == 0) return {zero(w.sign), 0};
    return round_to_register(w.sign, w.exp, w.sig | 1, 64, c);
}

// ---- the trigonometric argument ------------------------------------------

// pi/2 as the x87 knows it for argument reduction: its top 66 bits,
// P = 0xC90FDAA22168C234 * 4 + 3, pi/2 ~ P * 2^-65.
constexpr uint64_t kPiHi = 0xC90FDAA22168C234ull;  // top 64 bits
constexpr unsigned kPiLo = 0x3;                    // next 2 bits (0b11 of the C nibble)

// x = q * pi/2 + r exactly, q rounded to nearest, with the 66-bit pi/2;
// returns r and the quotient's low two bits (the quadrant).
Wide reduce(const Unpacked& x, int& quadrant) {
    quadrant = 0;
    Wide w = wide(x);
    const int e = x.exp + 63;  // exponent of the leading bit
    if (e < 0) return w;  // |x| < 1: the series converge without reduction
    // Long division of |x| = X * 2^x.exp by pi/2 = P * 2^-65, keeping an
    // exact 67-bit remainder: |x| / (pi/2) = X * 2^shift / P with
    // shift = x.exp + 65 >= 2; X's bits are shifted in one at a time.
    const u128 P = (u128(kPiHi) << 2) | kPiLo;
    const int shift = x.exp + 65;
    u128 r = 0;
    uint64_t q = 0;
    // Bits of X from the top, then `shift` zero bits.
    for (int i = 63 + shift; i >= 0; --i) {
        const unsigned bit = i >= shift ? unsigned(x.sig >> (i - shift)) & 1 : 0;
        r = (r << 1) | bit;
        q <<= 1;
        if (r >= P) {
            r -= P;
            q |= 1;
        }
    }
    // Nearest quotient: if r > P/2, take one more and go negative.
    bool negative = false;
    if (2 * r > P) {
        r = P - r;
        ++q;
        negative = true;
    }
    quadrant = int(q & 3);
    Wide rw = normalize(negative, -65, r);
    if (x.sign) {
        rw.sign = !rw.sign;
        quadrant = (4 - quadrant) & 3;
    }
    return rw;
}

// Shared front of FSIN/FCOS/FSINCOS/FPTAN.  Returns false (and sets `out`)
// when the result is decided without evaluation.
bool trig_special(F80 a, const Unpacked& x, Control c, Result& out) {
    if (special_nan_result(a, x, out)) return true;
    if (x.kind == Kind::Inf) {
        out = invalid();
        return true;
    }
    if (x.denormal && !c.masked(DE)) {
        out = {a, DE};
        return true;
    }
    if (x.kind == Kind::Finite && x.exp + 63 >= 63) {  // |x| >= 2^63: out of range
        out = {a, C2};
        return true;
    }
    return false;
}

}  // namespace

namespace {

// FSIN/FCOS/FPTAN around `eval`, which maps the reduced argument and its
// quadrant to the value.
template <class Eval> Result trig(F80 a, Control c, F80 at_zero, Eval eval) {
    const Unpacked x = unpack(a);
    Result out;
    if (trig_special(a, x, c, out)) return out;
    if (x.kind == Kind::Zero) return {at_zero, 0};
    int quadrant;
    const Wide r = reduce(x, quadrant);
    out = to_register(eval(r, quadrant), c);
    out.status |= x.denormal ? DE : 0;
    return out;
}

}  // namespace

// sin(q pi/2 + r) = sin r, cos r, -sin r, -cos r for q = 0..3; cos likewise
// one quadrant on; tan(r + pi/2) = -cot r.
Result sine(F80 a, Control c) {
    return trig(a, c, a, [](const Wide& r, int q) {
        const Wide v = (q & 1) ? cos_small(r) : sin_small(r);
        return (q & 2) ? neg(v) : v;
    });
}

Result cosine(F80 a, Control c) {
    return trig(a, c, from_int(1), [](const Wide& r, int q) {
        const Wide v = (q & 1) ? sin_small(r) : cos_small(r);
        return ((q + 1) & 2) ? neg(v) : v;
    });
}

SineCosine sine_cosine(F80 a, Control c) {
    const Result s = sine(a, c), co = cosine(a, c);
    return {s.value, co.value, uint16_t(((s.status | co.status) & ~C1) | (s.status & C1))};
}

Result tangent(F80 a, Control c) {
    return trig(a, c, a, [](const Wide& r, int q) {
        const Wide s = sin_small(r), co = cos_small(r);
        return (q & 1) ? neg(div(co, s)) : div(s, co);
    });
}

F80 load_constant(Constant k, Control c) {
    Wide v;
    switch (k) {
        case Constant::Log2Ten: v = div(ln(wide(10)), ln2()); break;
        case Constant::Log2E: v = reciprocal(ln2()); break;
        case Constant::Pi: v = pi(); break;
        case Constant::Log10Two: v = div(ln2(), ln(wide(10))); break;
        case Constant::LnTwo: v = ln2(); break;
    }
    // All five are irrational: round with a sticky bit, report nothing.
    return to_register(v, Control{uint16_t(c.cw | kExceptionBits)}).value;
}

Result exp2m1(F80 a, Control c) {
    const Unpacked x = unpack(a);
    Result out;
    if (special_nan_result(a, x, out)) return out;
    if (x.kind == Kind::Zero) return {a, 0};
    if (x.kind == Kind::Inf) return {x.sign ? from_int(-1) : a, 0};
    if (denormal_trap(x.denormal, c)) return {a, DE};
    // Outside -1..1 the SDM leaves the result undefined; the test host
    // returns the operand and PE.
    if (x.exp + 63 >= 0 && !(x.sig == kIntegerBit && x.exp == -63)) return {a, PE};
    out = to_register(expm1(mul(wide(x), ln2())), c);
    out.status |= x.denormal ? DE : 0;
    return out;
}

namespace {

// y * log2(x) or y * log2(1 + x) with x finite and the log's argument > 0
// and != 1: the log is computed, then the product rounded once.
Result y_times(const Unpacked& y, const Wide& log2x, Control c) {
    const bool sign = y.sign != log2x.sign;
    if (y.kind == Kind::Inf) return {infinity(sign), 0};
    if (y.kind == Kind::Zero) return {zero(sign), 0};
    return to_register(mul(wide(y), log2x), c);
}

}  // namespace

Result ylog2x(F80 st0, F80 st1, Control c) {
    const Unpacked x = unpack(st0), y = unpack(st1);
    Result out;
    if (special_nan_result(st0, x, st1, y, out)) return out;
    if (x.sign && x.kind != Kind::Zero) return invalid();  // log of a negative
    const uint16_t de = (x.denormal || y.denormal) ? DE : 0;
    if (x.kind == Kind::Zero) {
        // log2(0) = -inf: y * -inf, invalid for y = 0, division by zero for
        // finite y (reported before a denormal y, as FDIV does).
        if (y.kind == Kind::Zero) return invalid();
        return {infinity(!y.sign), y.kind == Kind::Inf ? uint16_t(0) : uint16_t(ZE)};
    }
    if (x.kind == Kind::Inf) {
        if (y.kind == Kind::Zero) return invalid();
        return {infinity(y.sign), de};
    }
    const bool x_is_one = x.sig == kIntegerBit && x.exp == -63;
    if (x_is_one && y.kind == Kind::Inf) return invalid();
    if (denormal_trap(de, c)) return {st1, DE};
    if (x_is_one) return {zero(y.sign), de};
    // log2 of a power of two is the exponent, exactly.
    if (x.sig == kIntegerBit) out = y_times(y, wide(int64_t(x.exp + 63)), c);
    else out = y_times(y, div(ln(wide(x)), ln2()), c);
    out.status |= de;
    return out;
}

Result ylog2xp1(F80 st0, F80 st1, Control c) {
    const Unpacked x = unpack(st0), y = unpack(st1);
    Result out;
    if (special_nan_result(st0, x, st1, y, out)) return out;
    const uint16_t de = (x.denormal || y.denormal) ? DE : 0;
    if (x.kind == Kind::Zero) {
        if (y.kind == Kind::Inf) return invalid();
        if (denormal_trap(de, c)) return {st1, DE};
        return {zero(x.sign != y.sign), de};
    }
    // Outside |x| < 1 - sqrt(2)/2 the SDM leaves the result undefined.  The
    // test host computes y * log2(1 + x) for any x > -1 (+inf as FYL2X does,
    // -inf is invalid) and for finite x <= -1 gives y * x's signs for zero and infinite y and x
    // itself (with PE) otherwise; so does this library.
    if (x.kind == Kind::Inf) return x.sign ? invalid() : ylog2x(st0, st1, c);
    const bool at_or_below_minus_one = x.sign && x.exp + 63 >= 0;
    if (at_or_below_minus_one && y.kind == Kind::Inf) return {infinity(x.sign != y.sign), de};
    if (denormal_trap(de, c)) return {st1, DE};
    if (at_or_below_minus_one) {
        if (y.kind == Kind::Zero) return {zero(x.sign != y.sign), de};
        return {st0, uint16_t(PE | de)};
    }
    // log(1 + x) = 2 atanh(x / (2 + x)), accurate for small x; from |x| = 1/2
    // on, 1 + x is formed exactly enough to take the plain logarithm.
    const Wide wx = wide(x);
    Wide l;
    if (x.exp + 63 >= -1) {
        l = ln(add(wide(1), wx));
    } else {
        l = atanh_small(div(wx, add(wide(2), wx)));
        l.exp += 1;
    }
    out = y_times(y, div(l, ln2()), c);
    out.status |= de;
    return out;
}

Result arctangent(F80 st0, F80 st1, Control c) {
    const Unpacked x = unpack(st0), y = unpack(st1);
    Result out;
    if (special_nan_result(st0, x, st1, y, out)) return out;
    const uint16_t de = (x.denormal || y.denormal) ? DE : 0;
    if (denormal_trap(de, c)) return {st1, DE};
    // atan2(y, x) with IEEE's signed zeros and infinities.
    Wide angle;
    if (y.kind == Kind::Zero) {
        if (!x.sign) return {zero(y.sign), de};
        angle = pi();
    } else if (x.kind == Kind::Zero || (y.kind == Kind::Inf && x.kind != Kind::Inf)) {
        angle = half(pi());
    } else if (y.kind == Kind::Inf) {  // both infinite
        angle = half(half(pi()));
        if (x.sign) angle = sub(pi(), angle);
    } else if (x.kind == Kind::Inf) {
        if (!x.sign) return {zero(y.sign), de};
        angle = pi();
    } else {
        Wide ax = wide(x), ay = wide(y);
        ax.sign = ay.sign = false;
        angle = atan(div(ay, ax));
        if (x.sign) angle = sub(pi(), angle);
    }
    angle.sign = y.sign;
    out = to_register(angle, c);
    out.status |= de;
    return out;
}

}  // namespace kiln::sf::x87

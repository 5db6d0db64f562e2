// Tests for kiln::sf.
//
// The bulk is a differential test against the host's x86-64 SSE unit, which
// implements IEEE 754 with tininess detected after rounding, like kiln::sf.
// For each of the four IEEE rounding modes the host supports, random operands
// biased toward interesting classes are run through both; result bits (NaNs
// only as "both NaN") and the five exception flags must agree.
//
// MUST be compiled with -frounding-math -fno-fast-math (and preferably
// -fno-math-errno, -ffp-contract=off) so GCC neither folds nor moves host
// floating-point operations across fesetround/feclearexcept/fetestexcept.  The
// host operands also pass through volatile for the same reason.
//
// Round-to-nearest-max-magnitude has no host equivalent; it is checked against
// an independent reference that rounds an exactly computed wider result.
#include <catch2/catch.hpp>

#include <algorithm>
#include <bit>
#include <cfenv>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <immintrin.h>
#include <limits>
#include <string>

#include "common/softfloat.h"
#include "diff_test_util.h"

using namespace kiln::sf;

namespace {

#if !defined(__x86_64__)
#error "softfloat_test.cpp compares against the x86-64 SSE unit"
#endif

constexpr int kIters = 200000;

template <class F> struct HostType;
template <> struct HostType<F32> { using T = float; };
template <> struct HostType<F64> { using T = double; };

struct ModePair {
    int host;
    Round ours;
    const char* name;
};
constexpr ModePair kModes[] = {
    {FE_TONEAREST, Round::NearestEven, "RNE"},
    {FE_TOWARDZERO, Round::TowardZero, "RTZ"},
    {FE_DOWNWARD, Round::Down, "RDN"},
    {FE_UPWARD, Round::Up, "RUP"},
};

// Restores round-to-nearest however a test exits.
struct HostRounding {
    explicit HostRounding(int mode) { std::fesetround(mode); }
    ~HostRounding() { std::fesetround(FE_TONEAREST); }
};

uint32_t host_flags() {
    const int e = std::fetestexcept(FE_ALL_EXCEPT);
    uint32_t f = 0;
    if (e & FE_INEXACT) f |= Inexact;
    if (e & FE_UNDERFLOW) f |= Underflow;
    if (e & FE_OVERFLOW) f |= Overflow;
    if (e & FE_DIVBYZERO) f |= DivByZero;
    if (e & FE_INVALID) f |= Invalid;
    return f;
}

// Host operations: operands go through volatiles (no folding), flags are
// cleared right before and read right after the single host instruction.
template <class T, class Fn> __attribute__((noinline)) T host_run(Fn fn, uint32_t& fl) {
    std::feclearexcept(FE_ALL_EXCEPT);
    volatile T r = fn();
    fl = host_flags();
    return r;
}
template <class T> T h_add(T a_, T b_, uint32_t& fl) {
    volatile T a = a_, b = b_;
    return host_run<T>([&] { return a + b; }, fl);
}
template <class T> T h_sub(T a_, T b_, uint32_t& fl) {
    volatile T a = a_, b = b_;
    return host_run<T>([&] { return a - b; }, fl);
}
template <class T> T h_mul(T a_, T b_, uint32_t& fl) {
    volatile T a = a_, b = b_;
    return host_run<T>([&] { return a * b; }, fl);
}
template <class T> T h_div(T a_, T b_, uint32_t& fl) {
    volatile T a = a_, b = b_;
    return host_run<T>([&] { return a / b; }, fl);
}
template <class T> T h_sqrt(T a_, uint32_t& fl) {
    volatile T a = a_;
    return host_run<T>([&] { return std::sqrt(T(a)); }, fl);
}
template <class T> T h_fma(T a_, T b_, T c_, uint32_t& fl) {
    volatile T a = a_, b = b_, c = c_;
    return host_run<T>([&] { return std::fma(T(a), T(b), T(c)); }, fl);
}
template <class To, class From> To h_cast(From a_, uint32_t& fl) {
    volatile From a = a_;
    return host_run<To>([&] { return To(a); }, fl);
}

// cvtss2si / cvtsd2si: convert with the current (MXCSR) rounding mode.
// Out of range / NaN gives the "integer indefinite" 0x80..0 and FE_INVALID.
template <class T> int64_t h_to_i64(T a_, uint32_t& fl) {
    volatile T a = a_;
    return host_run<int64_t>([&] {
        if constexpr (sizeof(T) == 4) return _mm_cvtss_si64(_mm_set_ss(a));
        else return _mm_cvtsd_si64(_mm_set_sd(a));
    }, fl);
}
template <class T> int32_t h_to_i32(T a_, uint32_t& fl) {
    volatile T a = a_;
    return host_run<int32_t>([&] {
        if constexpr (sizeof(T) == 4) return _mm_cvtss_si32(_mm_set_ss(a));
        else return _mm_cvtsd_si32(_mm_set_sd(a));
    }, fl);
}

// ---- operand generation ----------------------------------------------------

template <class F> typename F::Bits pack(bool s, int biased, uint64_t frac) {
    using B = typename F::Bits;
    return (s ? F::sign_mask : 0) | (B(biased) << F::frac_bits) | (B(frac) & F::frac_mask);
}

template <class F> int unbiased_exp(typename F::Bits x) {
    const int biased = int((x & F::exp_mask) >> F::frac_bits);
    return (biased == 0 ? 1 : biased) - F::bias;
}

// One operand, biased toward classes where rounding, range and NaN handling
// are hard.  `te` is a target unbiased exponent and `hint` a value to land
// close to (for cancellation), both supplied by the caller per operation.
template <class F> typename F::Bits gen(Rng& r, int te, typename F::Bits hint) {
    using B = typename F::Bits;
    const bool s = r.next() & 1;
    uint64_t frac = r.next() & F::frac_mask;
    auto clamp_exp = [](int unb) { return std::clamp(unb + F::bias, 1, F::max_biased_exp - 1); };
    auto sparse = [&] {  // few significant bits: exact results and exact ties
        uint64_t f = 0;
        for (int i = r.below(4); i > 0; --i) f |= uint64_t(1) << (F::frac_bits - 1 - r.below(8));
        if (r.below(2)) f |= uint64_t(1) << r.below(F::frac_bits);
        return f;
    };
    switch (r.below(16)) {
        case 0: return pack<F>(s, 0, 0);
        case 1: return pack<F>(s, 0, r.below(3) ? (frac ? frac : 1) : uint64_t(r.range(1, 8)));
        case 2: return pack<F>(s, F::max_biased_exp, 0);
        case 3: {
            frac &= ~uint64_t(F::quiet_bit);
            if (r.below(2)) frac |= F::quiet_bit;
            if (frac == 0) frac = 1;
            return pack<F>(s, F::max_biased_exp, frac);
        }
        case 4: return pack<F>(s, F::max_biased_exp - 1 - r.below(3), frac);
        case 5: return pack<F>(s, 1 + r.below(3), frac);
        case 6: return pack<F>(s, clamp_exp(te + r.range(-2, 2)), frac);
        case 7: return B(hint + B(r.range(-4, 4))) ^ (r.below(2) ? F::sign_mask : 0);
        case 8: return pack<F>(s, clamp_exp(r.range(-30, 30)), sparse());
        case 9: return pack<F>(s, clamp_exp(r.range(-30, 30)), frac);
        case 10: return pack<F>(s, clamp_exp(te + r.range(-1, 1)), F::frac_mask - r.below(4));
        case 11: return pack<F>(s, clamp_exp(te + r.range(-3, 3)), sparse());
        default: return B(r.next());
    }
}

// Target exponents for the second operand of each operation.
template <class F> int mul_target(Rng& r, int ea) {
    switch (r.below(4)) {
        case 0: return F::emin - ea + r.range(-3, 3);  // product near underflow
        case 1: return F::emax - ea + r.range(-3, 3);  // product near overflow
        case 2: return F::emin - F::frac_bits - ea + r.range(-3, 3);  // deep subnormal
        default: return r.range(-40, 40);
    }
}
template <class F> int div_target(Rng& r, int ea) {
    switch (r.below(4)) {
        case 0: return ea - F::emin + r.range(-3, 3);
        case 1: return ea - F::emax + r.range(-3, 3);
        case 2: return ea + r.range(-3, 3);
        default: return r.range(-40, 40);
    }
}

// ---- comparison and reporting ---------------------------------------------

template <class F> bool same_value(typename F::Bits ours, typename F::Bits host) {
    if (is_nan<F>(ours) || is_nan<F>(host)) return is_nan<F>(ours) && is_nan<F>(host);
    return ours == host;
}

template <class F> unsigned long long ull(typename F::Bits x) { return (unsigned long long)x; }

// Binary operation differential run.
enum class Op { Add, Sub, Mul, Div };

template <class F> void diff_binary(Op op, uint64_t seed) {
    using T = typename HostType<F>::T;
    using B = typename F::Bits;
    Failures fails;
    Rng r{seed};
    long checked = 0;
    for (const ModePair& m : kModes) {
        HostRounding hr(m.host);
        for (int i = 0; i < kIters; ++i) {
            const B a = gen<F>(r, r.range(-40, 40), B(r.next()));
            const int ea = unbiased_exp<F>(a);
            int te = ea;
            if (op == Op::Mul) te = mul_target<F>(r, ea);
            if (op == Op::Div) te = div_target<F>(r, ea);
            const B b = gen<F>(r, te, a);
            uint32_t hf = 0, of = 0;
            T hr_;
            B ours;
            switch (op) {
                case Op::Add: hr_ = h_add<T>(std::bit_cast<T>(a), std::bit_cast<T>(b), hf); ours = add<F>(a, b, m.ours, of); break;
                case Op::Sub: hr_ = h_sub<T>(std::bit_cast<T>(a), std::bit_cast<T>(b), hf); ours = sub<F>(a, b, m.ours, of); break;
                case Op::Mul: hr_ = h_mul<T>(std::bit_cast<T>(a), std::bit_cast<T>(b), hf); ours = mul<F>(a, b, m.ours, of); break;
                case Op::Div: hr_ = h_div<T>(std::bit_cast<T>(a), std::bit_cast<T>(b), hf); ours = div<F>(a, b, m.ours, of); break;
            }
            const B host = std::bit_cast<B>(hr_);
            ++checked;
            if (!same_value<F>(ours, host) || of != hf)
                fails.add("%s op%d a=%llx b=%llx: ours=%llx flags=%x host=%llx flags=%x", m.name,
                          int(op), ull<F>(a), ull<F>(b), ull<F>(ours), of, ull<F>(host), hf);
        }
    }
    INFO(fails.text);
    CHECK(checked == 4L * kIters);
    CHECK(fails.count == 0);
}

template <class F> void diff_sqrt(uint64_t seed) {
    using T = typename HostType<F>::T;
    using B = typename F::Bits;
    Failures fails;
    Rng r{seed};
    for (const ModePair& m : kModes) {
        HostRounding hr(m.host);
        for (int i = 0; i < kIters; ++i) {
            B a = gen<F>(r, r.range(-200, 200), B(r.next()));
            if (r.below(4)) a &= ~F::sign_mask;  // mostly non-negative
            uint32_t hf = 0, of = 0;
            const B host = std::bit_cast<B>(h_sqrt<T>(std::bit_cast<T>(a), hf));
            const B ours = sqrt<F>(a, m.ours, of);
            if (!same_value<F>(ours, host) || of != hf)
                fails.add("%s sqrt a=%llx: ours=%llx flags=%x host=%llx flags=%x", m.name,
                          ull<F>(a), ull<F>(ours), of, ull<F>(host), hf);
        }
    }
    INFO(fails.text);
    CHECK(fails.count == 0);
}

// Whether the host flags invalid for fma(0, inf, qNaN) (IEEE leaves it open).
template <class T> bool host_fma_inf_zero_qnan_invalid() {
    uint32_t fl = 0;
    h_fma<T>(T(0), std::numeric_limits<T>::infinity(), std::numeric_limits<T>::quiet_NaN(), fl);
    return (fl & Invalid) != 0;
}

template <class F> void diff_fma(uint64_t seed) {
    using T = typename HostType<F>::T;
    using B = typename F::Bits;
    Policy pol = kRiscvPolicy;
    pol.fma_inf_zero_qnan_invalid = host_fma_inf_zero_qnan_invalid<T>();
    Failures fails;
    Rng r{seed};
    for (const ModePair& m : kModes) {
        HostRounding hr(m.host);
        for (int i = 0; i < kIters; ++i) {
            const B a = gen<F>(r, r.range(-40, 40), B(r.next()));
            const int ea = unbiased_exp<F>(a);
            const B b = gen<F>(r, mul_target<F>(r, ea), a);
            // Addend near the product, often nearly cancelling it.
            uint32_t unused = 0;
            const B prod = mul<F>(a, b, Round::NearestEven, unused);
            const B c = gen<F>(r, ea + unbiased_exp<F>(b), r.below(2) ? negate<F>(prod) : prod);
            uint32_t hf = 0, of = 0;
            const B host = std::bit_cast<B>(
                h_fma<T>(std::bit_cast<T>(a), std::bit_cast<T>(b), std::bit_cast<T>(c), hf));
            const B ours = fma<F>(a, b, c, m.ours, of, pol);
            if (!same_value<F>(ours, host) || of != hf)
                fails.add("%s fma a=%llx b=%llx c=%llx: ours=%llx flags=%x host=%llx flags=%x",
                          m.name, ull<F>(a), ull<F>(b), ull<F>(c), ull<F>(ours), of, ull<F>(host), hf);
        }
    }
    INFO(fails.text);
    CHECK(fails.count == 0);
}

template <class From, class To> void diff_convert(uint64_t seed) {
    using TF = typename HostType<From>::T;
    using TT = typename HostType<To>::T;
    using B = typename From::Bits;
    using BT = typename To::Bits;
    Failures fails;
    Rng r{seed};
    for (const ModePair& m : kModes) {
        HostRounding hr(m.host);
        for (int i = 0; i < kIters; ++i) {
            // Narrowing: aim at the destination's overflow/underflow edges.
            int te = r.range(-30, 30);
            if (r.below(2)) te = r.below(2) ? To::emin - r.range(-2, To::frac_bits + 3)
                                            : To::emax + r.range(-2, 2);
            const B a = gen<From>(r, te, B(r.next()));
            uint32_t hf = 0, of = 0;
            const BT host = std::bit_cast<BT>(h_cast<TT, TF>(std::bit_cast<TF>(a), hf));
            const BT ours = convert<From, To>(a, m.ours, of);
            if (!same_value<To>(ours, host) || of != hf)
                fails.add("%s convert a=%llx: ours=%llx flags=%x host=%llx flags=%x", m.name,
                          (unsigned long long)a, (unsigned long long)ours, of,
                          (unsigned long long)host, hf);
        }
    }
    INFO(fails.text);
    CHECK(fails.count == 0);
}

// Integers biased toward the edges of the float's precision and the type.
uint64_t gen_int(Rng& r) {
    const int bits = r.range(1, 64);
    uint64_t v = bits == 64 ? r.next() : r.next() & ((uint64_t(1) << bits) - 1);
    switch (r.below(6)) {
        case 0: v |= uint64_t(1) << (bits - 1); break;  // full width
        case 1: {  // a run of ones then a tie/near-tie tail
            const int len = r.range(1, 64);
            v = (len == 64 ? ~uint64_t(0) : (uint64_t(1) << len) - 1) << r.below(8);
            break;
        }
        case 2: v = uint64_t(1) << r.below(64) | (uint64_t(1) << r.below(64)); break;
        default: break;
    }
    return v;
}

template <class F> void diff_from_int(uint64_t seed) {
    using T = typename HostType<F>::T;
    using B = typename F::Bits;
    Failures fails;
    Rng r{seed};
    for (const ModePair& m : kModes) {
        HostRounding hr(m.host);
        for (int i = 0; i < kIters; ++i) {
            const uint64_t v = gen_int(r);
            const int kind = r.below(4);
            uint32_t hf = 0, of = 0;
            B host, ours;
            switch (kind) {
                case 0: host = std::bit_cast<B>(h_cast<T, int32_t>(int32_t(v), hf)); ours = from_i32<F>(int32_t(v), m.ours, of); break;
                case 1: host = std::bit_cast<B>(h_cast<T, uint32_t>(uint32_t(v), hf)); ours = from_u32<F>(uint32_t(v), m.ours, of); break;
                case 2: host = std::bit_cast<B>(h_cast<T, int64_t>(int64_t(v), hf)); ours = from_i64<F>(int64_t(v), m.ours, of); break;
                default: host = std::bit_cast<B>(h_cast<T, uint64_t>(v, hf)); ours = from_u64<F>(v, m.ours, of); break;
            }
            if (ours != host || of != hf)
                fails.add("%s from_int kind%d v=%llx: ours=%llx flags=%x host=%llx flags=%x", m.name,
                          kind, (unsigned long long)v, ull<F>(ours), of, ull<F>(host), hf);
        }
    }
    INFO(fails.text);
    CHECK(fails.count == 0);
}

// Float -> integer.  Signed 32/64-bit conversions are compared directly with
// cvts?2si.  Unsigned ones are derived from the host's 64-bit conversion: for
// |x| < 2^63 it rounds exactly like ours, and the range check is simple;
// values in [2^63, 2^64) are integers already (no rounding, no flags).
template <class F> void diff_to_int(uint64_t seed) {
    using T = typename HostType<F>::T;
    using B = typename F::Bits;
    Failures fails;
    Rng r{seed};
    for (const ModePair& m : kModes) {
        HostRounding hr(m.host);
        for (int i = 0; i < kIters; ++i) {
            const B a = gen<F>(r, r.range(-3, 66), B(r.next()));
            const T x = std::bit_cast<T>(a);
            uint32_t hf32 = 0, hf64 = 0;
            const int32_t h32 = h_to_i32<T>(x, hf32);
            const int64_t h64 = h_to_i64<T>(x, hf64);
            const bool h64_invalid = (hf64 & Invalid) != 0;
            auto expect = [&](unsigned width, bool sgn, bool inv, uint64_t val, uint32_t fl) {
                uint32_t of = 0;
                const IntResult res = to_int<F>(a, width, sgn, m.ours, of);
                const bool ok = inv ? (res.invalid && of == Invalid)
                                    : (!res.invalid && res.value == val && of == fl);
                if (!ok)
                    fails.add("%s to_int w%u s%d a=%llx: ours=%llx inv=%d flags=%x expected "
                              "%llx inv=%d flags=%x",
                              m.name, width, int(sgn), ull<F>(a), (unsigned long long)res.value,
                              int(res.invalid), of, (unsigned long long)val, int(inv), fl);
            };
            expect(32, true, (hf32 & Invalid) != 0, uint64_t(int64_t(h32)), hf32);
            expect(64, true, h64_invalid, uint64_t(h64), hf64);
            // Unsigned, from the host's signed 64-bit result.
            const bool big = !is_nan<F>(a) && !sign_bit<F>(a) && x >= T(9223372036854775808.0);
            if (big) {
                const bool fits = x < T(18446744073709551616.0);
                const uint64_t v = fits ? uint64_t(x - T(9223372036854775808.0)) + (uint64_t(1) << 63) : 0;
                expect(64, false, !fits, v, 0);
                expect(32, false, true, 0, 0);
            } else {
                const bool inv64 = h64_invalid || h64 < 0;
                expect(64, false, inv64, uint64_t(h64), hf64);
                expect(32, false, inv64 || h64 > 0xffffffffLL, uint64_t(h64), hf64);
            }
        }
    }
    INFO(fails.text);
    CHECK(fails.count == 0);
}

// ---- round to nearest, ties away: independent reference ---------------------

// Round an exactly known wider value `d` to N with ties away from zero, using
// only the host's truncating conversion and exact wider arithmetic.
template <class N, class W> N rmm_reference(W d, uint32_t& fl) {
    fl = 0;
    if (d == 0) return N(d);
    N lo;
    {
        HostRounding hr(FE_TOWARDZERO);
        volatile W vd = d;
        lo = N(vd);  // |lo| <= |d|; saturates at the largest finite value
    }
    const W rem = std::fabs(d - W(lo));  // exact: the bits of d below lo's last place
    W ulp;
    if (std::fabs(lo) < std::numeric_limits<N>::min()) {
        ulp = W(std::numeric_limits<N>::denorm_min());
    } else {
        int e;
        std::frexp(W(std::fabs(lo)), &e);
        ulp = std::ldexp(W(1), e - std::numeric_limits<N>::digits);
    }
    N res = lo;
    if (rem != 0) fl |= Inexact;
    if (rem >= ulp / 2) {
        const W up = W(lo) + std::copysign(ulp, d);
        if (std::fabs(up) > W(std::numeric_limits<N>::max())) {
            fl |= Overflow | Inexact;
            return std::copysign(std::numeric_limits<N>::infinity(), N(d > 0 ? 1 : -1));
        }
        res = N(up);
    }
    // Tiny after rounding iff below the point from which rounding to full
    // precision (unbounded exponent) reaches the smallest normal.
    const W min_normal = W(std::numeric_limits<N>::min());
    const W tiny_limit = min_normal - std::ldexp(min_normal, -std::numeric_limits<N>::digits - 1);
    if (rem != 0 && std::fabs(d) < tiny_limit) fl |= Underflow;
    return res;
}

template <class F> bool finite_nonnan(typename F::Bits x) { return !is_nan<F>(x) && !is_inf<F>(x); }

}  // namespace

TEST_CASE("softfloat differential: add/sub vs host SSE", "[softfloat][diff]") {
    diff_binary<F32>(Op::Add, 1);
    diff_binary<F64>(Op::Add, 2);
    diff_binary<F32>(Op::Sub, 3);
    diff_binary<F64>(Op::Sub, 4);
}

TEST_CASE("softfloat differential: mul vs host SSE", "[softfloat][diff]") {
    diff_binary<F32>(Op::Mul, 5);
    diff_binary<F64>(Op::Mul, 6);
}

TEST_CASE("softfloat differential: div vs host SSE", "[softfloat][diff]") {
    diff_binary<F32>(Op::Div, 7);
    diff_binary<F64>(Op::Div, 8);
}

TEST_CASE("softfloat differential: sqrt vs host SSE", "[softfloat][diff]") {
    diff_sqrt<F32>(9);
    diff_sqrt<F64>(10);
}

TEST_CASE("softfloat differential: fma vs host fma/fmaf", "[softfloat][diff]") {
    diff_fma<F32>(11);
    diff_fma<F64>(12);
}

TEST_CASE("softfloat differential: f32<->f64 vs host", "[softfloat][diff]") {
    diff_convert<F32, F64>(13);
    diff_convert<F64, F32>(14);
}

TEST_CASE("softfloat differential: int -> float vs host", "[softfloat][diff]") {
    diff_from_int<F32>(15);
    diff_from_int<F64>(16);
}

TEST_CASE("softfloat differential: float -> int vs host", "[softfloat][diff]") {
    diff_to_int<F32>(17);
    diff_to_int<F64>(18);
}

TEST_CASE("softfloat RMM: f32 mul and add vs exact double reference", "[softfloat][rmm]") {
    Failures fails;
    Rng r{19};
    long compared = 0;
    for (int i = 0; i < kIters; ++i) {
        const uint32_t a = gen<F32>(r, r.range(-40, 40), uint32_t(r.next()));
        const int ea = unbiased_exp<F32>(a);
        const bool do_mul = r.below(2);
        const uint32_t b = gen<F32>(r, do_mul ? mul_target<F32>(r, ea) : ea, a);
        if (!finite_nonnan<F32>(a) || !finite_nonnan<F32>(b)) continue;
        const double da = std::bit_cast<float>(a), db = std::bit_cast<float>(b);
        // A product of floats is exact in double; so is a sum whose operands'
        // exponents are close enough for all bits to fit in 53.
        if (!do_mul && da != 0 && db != 0 && std::abs(std::ilogb(da) - std::ilogb(db)) > 28) continue;
        const double exact = do_mul ? da * db : da + db;
        uint32_t rf = 0, of = 0;
        const uint32_t ref = std::bit_cast<uint32_t>(rmm_reference<float, double>(exact, rf));
        const uint32_t ours = do_mul ? mul<F32>(a, b, Round::NearestMaxMag, of)
                                     : add<F32>(a, b, Round::NearestMaxMag, of);
        ++compared;
        // An exact zero sum is +0 (not -0) in every mode but Down.
        if (!(exact == 0 && !do_mul) && (ours != ref || of != rf))
            fails.add("RMM %s a=%x b=%x: ours=%x flags=%x ref=%x flags=%x", do_mul ? "mul" : "add",
                      a, b, ours, of, ref, rf);
    }
    INFO(fails.text);
    CHECK(compared > kIters / 2);
    CHECK(fails.count == 0);
}

TEST_CASE("softfloat RMM: f64 add, f64->f32, int->float vs exact reference", "[softfloat][rmm]") {
    static_assert(std::numeric_limits<long double>::digits == 64, "needs x87 long double");
    Failures fails;
    Rng r{20};
    for (int i = 0; i < kIters; ++i) {
        // f64 + f64 with exponents at most 10 apart is exact in long double.
        {
            const uint64_t a = gen<F64>(r, r.range(-40, 40), r.next());
            const uint64_t b = gen<F64>(r, unbiased_exp<F64>(a), a);
            const long double la = std::bit_cast<double>(a), lb = std::bit_cast<double>(b);
            if (finite_nonnan<F64>(a) && finite_nonnan<F64>(b) && la != 0 && lb != 0 &&
                std::abs(std::ilogb(la) - std::ilogb(lb)) <= 10 && la + lb != 0) {
                uint32_t rf = 0, of = 0;
                const uint64_t ref = std::bit_cast<uint64_t>(rmm_reference<double, long double>(la + lb, rf));
                const uint64_t ours = add<F64>(a, b, Round::NearestMaxMag, of);
                if (ours != ref || of != rf)
                    fails.add("RMM add64 a=%llx b=%llx: ours=%llx flags=%x ref=%llx flags=%x",
                              (unsigned long long)a, (unsigned long long)b,
                              (unsigned long long)ours, of, (unsigned long long)ref, rf);
            }
        }
        // f64 -> f32, all ranges.
        {
            int te = r.below(2) ? F32::emin - r.range(-2, 26) : F32::emax + r.range(-2, 2);
            if (r.below(3) == 0) te = r.range(-30, 30);
            const uint64_t a = gen<F64>(r, te, r.next());
            if (finite_nonnan<F64>(a)) {
                uint32_t rf = 0, of = 0;
                const uint32_t ref = std::bit_cast<uint32_t>(rmm_reference<float, double>(std::bit_cast<double>(a), rf));
                const uint32_t ours = convert<F64, F32>(a, Round::NearestMaxMag, of);
                if (ours != ref || of != rf)
                    fails.add("RMM f64->f32 a=%llx: ours=%x flags=%x ref=%x flags=%x",
                              (unsigned long long)a, ours, of, ref, rf);
            }
        }
        // int64 -> f32 / f64.
        {
            const int64_t v = int64_t(gen_int(r));
            uint32_t rf = 0, of = 0;
            const uint64_t ref64 = std::bit_cast<uint64_t>(rmm_reference<double, long double>((long double)v, rf));
            const uint64_t ours64 = from_i64<F64>(v, Round::NearestMaxMag, of);
            if (ours64 != ref64 || of != rf)
                fails.add("RMM i64->f64 v=%lld: ours=%llx ref=%llx", (long long)v,
                          (unsigned long long)ours64, (unsigned long long)ref64);
            rf = of = 0;
            const uint32_t ref32 = std::bit_cast<uint32_t>(rmm_reference<float, long double>((long double)v, rf));
            const uint32_t ours32 = from_i64<F32>(v, Round::NearestMaxMag, of);
            if (ours32 != ref32 || of != rf)
                fails.add("RMM i64->f32 v=%lld: ours=%x ref=%x", (long long)v, ours32, ref32);
        }
    }
    INFO(fails.text);
    CHECK(fails.count == 0);
}

TEST_CASE("softfloat RMM: sqrt never ties, so it equals RNE", "[softfloat][rmm]") {
    Rng r{21};
    long mismatches = 0;
    for (int i = 0; i < kIters; ++i) {
        const uint64_t a = gen<F64>(r, r.range(-1000, 1000), r.next()) & ~F64::sign_mask;
        uint32_t f1 = 0, f2 = 0;
        if (sqrt<F64>(a, Round::NearestMaxMag, f1) != sqrt<F64>(a, Round::NearestEven, f2) || f1 != f2)
            ++mismatches;
    }
    CHECK(mismatches == 0);
}

// ---- hand-computed cases ----------------------------------------------------

TEST_CASE("softfloat RMM: hand-computed ties", "[softfloat][rmm]") {
    uint32_t fl = 0;
    // 1 + 2^-24 is exactly halfway between 1 and 1 + 2^-23.
    const uint32_t one = 0x3f800000, half_ulp = 0x33800000;  // 2^-24
    CHECK(add<F32>(one, half_ulp, Round::NearestMaxMag, fl) == 0x3f800001);
    CHECK(add<F32>(one, half_ulp, Round::NearestEven, fl) == 0x3f800000);
    CHECK(add<F32>(negate<F32>(one), negate<F32>(half_ulp), Round::NearestMaxMag, fl) == 0xbf800001);
    CHECK(fl == Inexact);
    // 1.5 * 2^-149 (a tie in the subnormal range): ties away gives 2 * 2^-149.
    fl = 0;
    CHECK(mul<F32>(0x00000003, 0x3f000000, Round::NearestMaxMag, fl) == 0x00000002);
    CHECK(fl == (Inexact | Underflow));
    fl = 0;
    CHECK(mul<F32>(0x00000003, 0x3f000000, Round::NearestEven, fl) == 0x00000002);
    fl = 0;  // 2.5 * 2^-149: RNE -> 2, RMM -> 3
    CHECK(mul<F32>(0x00000005, 0x3f000000, Round::NearestEven, fl) == 0x00000002);
    CHECK(mul<F32>(0x00000005, 0x3f000000, Round::NearestMaxMag, fl) == 0x00000003);
    // Integer ties: 2^24 + 1 -> f32 is halfway between 2^24 and 2^24 + 2.
    fl = 0;
    CHECK(from_u32<F32>((1u << 24) + 1, Round::NearestMaxMag, fl) == 0x4b800001);
    CHECK(from_u32<F32>((1u << 24) + 1, Round::NearestEven, fl) == 0x4b800000);
    CHECK(from_i32<F32>(-((1 << 24) + 3), Round::NearestMaxMag, fl) == 0xcb800002);
    CHECK(from_i32<F32>(-((1 << 24) + 3), Round::NearestEven, fl) == 0xcb800002);
    // Float -> int ties: 2.5 -> 3, -2.5 -> -3, 0.5 -> 1 under RMM.
    fl = 0;
    CHECK(to_int<F64>(0x4004000000000000, 32, true, Round::NearestMaxMag, fl).value == 3);
    CHECK(to_int<F64>(0xc004000000000000, 32, true, Round::NearestMaxMag, fl).value == uint64_t(-3));
    CHECK(to_int<F64>(0x4004000000000000, 32, true, Round::NearestEven, fl).value == 2);
    CHECK(to_int<F32>(0x3f000000, 64, false, Round::NearestMaxMag, fl).value == 1);
    CHECK(fl == Inexact);
    // fma tie: 1*1 + 2^-53 (f64).
    fl = 0;
    CHECK(fma<F64>(0x3ff0000000000000, 0x3ff0000000000000, 0x3ca0000000000000, Round::NearestMaxMag, fl) ==
          0x3ff0000000000001);
    // Overflow under RMM goes to infinity.
    fl = 0;
    CHECK(mul<F32>(0x7f7fffff, 0x40000000, Round::NearestMaxMag, fl) == 0x7f800000);
    CHECK(fl == (Overflow | Inexact));
}

TEST_CASE("softfloat: overflow results per rounding mode", "[softfloat]") {
    const uint32_t big = 0x7f7fffff, two = 0x40000000;
    struct Case { Round rm; uint32_t pos, neg; };
    const Case cases[] = {
        {Round::NearestEven, 0x7f800000, 0xff800000},  {Round::NearestMaxMag, 0x7f800000, 0xff800000},
        {Round::TowardZero, 0x7f7fffff, 0xff7fffff},   {Round::Down, 0x7f7fffff, 0xff800000},
        {Round::Up, 0x7f800000, 0xff7fffff},
    };
    for (const Case& c : cases) {
        uint32_t fl = 0;
        CHECK(mul<F32>(big, two, c.rm, fl) == c.pos);
        CHECK(mul<F32>(negate<F32>(big), two, c.rm, fl) == c.neg);
        CHECK(fl == (Overflow | Inexact));
    }
}

TEST_CASE("softfloat: tininess after rounding", "[softfloat]") {
    // (1 - 2^-52) * 2^-1022 * (1 + 2^-52) = 2^-1022 * (1 - 2^-104): below the
    // smallest normal, but rounding to 53 bits with an unbounded exponent
    // (RNE) gives 2^-1022, so it is not tiny after rounding: no underflow.
    const uint64_t min_normal = 0x0010000000000000;
    uint32_t fl = 0;
    CHECK(mul<F64>(0x3feffffffffffffe, 0x0010000000000001, Round::NearestEven, fl) == min_normal);
    CHECK(fl == Inexact);
    fl = 0;  // under RTZ the unbounded result stays below 2^-1022: tiny
    CHECK(mul<F64>(0x3feffffffffffffe, 0x0010000000000001, Round::TowardZero, fl) == 0x000fffffffffffff);
    CHECK(fl == (Inexact | Underflow));
    // (1 - 2^-53) * 2^-1022 = 2^-1022 - 2^-1075 fits in 53 bits, so it is tiny
    // after rounding even though the subnormal rounding (a tie, to even) lands
    // on 2^-1022.
    fl = 0;
    CHECK(mul<F64>(0x3fefffffffffffff, min_normal, Round::NearestEven, fl) == min_normal);
    CHECK(fl == (Inexact | Underflow));
    // Exact subnormal results do not raise underflow.
    fl = 0;
    CHECK(mul<F64>(0x0000000000000002, 0x3fe0000000000000, Round::NearestEven, fl) == 1);
    CHECK(fl == 0);
}

TEST_CASE("softfloat: invalid operations and NaN policies", "[softfloat]") {
    const uint32_t inf = 0x7f800000, zero = 0, one = 0x3f800000, qnan = 0x7fc01234, snan = 0x7f801234;
    uint32_t fl = 0;
    CHECK(sub<F32>(inf, inf, Round::NearestEven, fl) == F32::canonical_nan);
    CHECK(fl == Invalid);
    fl = 0;
    CHECK(mul<F32>(zero, inf, Round::NearestEven, fl) == F32::canonical_nan);
    CHECK(div<F32>(zero, zero, Round::NearestEven, fl) == F32::canonical_nan);
    CHECK(div<F32>(inf, inf, Round::NearestEven, fl) == F32::canonical_nan);
    CHECK(sqrt<F32>(0xbf800000, Round::NearestEven, fl) == F32::canonical_nan);
    CHECK(fl == Invalid);
    fl = 0;
    CHECK(sqrt<F32>(0x80000000, Round::NearestEven, fl) == 0x80000000);  // sqrt(-0) = -0
    CHECK(div<F32>(one, 0x80000000, Round::NearestEven, fl) == 0xff800000);
    CHECK(fl == DivByZero);
    // Quiet NaN operands: no flags; signaling: Invalid.
    fl = 0;
    CHECK(add<F32>(qnan, one, Round::NearestEven, fl) == F32::canonical_nan);
    CHECK(fl == 0);
    CHECK(add<F32>(one, snan, Round::NearestEven, fl) == F32::canonical_nan);
    CHECK(fl == Invalid);
    // x86 policy: first NaN operand, quieted; default NaN negative.
    fl = 0;
    CHECK(add<F32>(one, snan, Round::NearestEven, fl, kX86Policy) == 0x7fc01234);
    CHECK(add<F32>(0xffc00001, snan, Round::NearestEven, fl, kX86Policy) == 0xffc00001);
    CHECK(sub<F32>(inf, inf, Round::NearestEven, fl, kX86Policy) == 0xffc00000);
    CHECK(convert<F32, F64>(0xff812345, Round::NearestEven, fl, kX86Policy) == 0xfff82468a0000000ull);
    CHECK(convert<F64, F32>(0x7ff0000020000000ull, Round::NearestEven, fl, kX86Policy) == 0x7fc00001);
    // fma(0, inf, qNaN): policy decides whether it is invalid.
    fl = 0;
    CHECK(is_nan<F32>(fma<F32>(zero, inf, qnan, Round::NearestEven, fl, kRiscvPolicy)));
    CHECK(fl == Invalid);
    fl = 0;
    CHECK(fma<F32>(inf, zero, qnan, Round::NearestEven, fl, kX86Policy) == 0x7fc01234);
    CHECK(fl == 0);
    // inf*x + (-inf) is invalid.
    fl = 0;
    CHECK(fma<F64>(0x7ff0000000000000, 0x3ff0000000000000, 0xfff0000000000000, Round::NearestEven, fl) ==
          F64::canonical_nan);
    CHECK(fl == Invalid);
}

TEST_CASE("softfloat: signed zeros", "[softfloat]") {
    const uint32_t pz = 0, nz = 0x80000000, one = 0x3f800000;
    uint32_t fl = 0;
    CHECK(add<F32>(one, negate<F32>(one), Round::NearestEven, fl) == pz);
    CHECK(add<F32>(one, negate<F32>(one), Round::Down, fl) == nz);
    CHECK(add<F32>(pz, nz, Round::NearestEven, fl) == pz);
    CHECK(add<F32>(pz, nz, Round::Down, fl) == nz);
    CHECK(add<F32>(nz, nz, Round::Up, fl) == nz);
    CHECK(sub<F32>(pz, pz, Round::Down, fl) == nz);
    CHECK(mul<F32>(nz, one, Round::NearestEven, fl) == nz);
    // fma: exact zero product plus zero addend.
    CHECK(fma<F32>(nz, one, pz, Round::NearestEven, fl) == pz);
    CHECK(fma<F32>(nz, one, nz, Round::NearestEven, fl) == nz);
    CHECK(fma<F32>(one, one, 0xbf800000, Round::Down, fl) == nz);
    CHECK(fl == 0);
}

TEST_CASE("softfloat: comparisons", "[softfloat]") {
    const uint64_t one = 0x3ff0000000000000, two = 0x4000000000000000, qnan = 0x7ff8000000000000,
                   snan = 0x7ff0000000000001, pz = 0, nz = 0x8000000000000000;
    uint32_t fl = 0;
    CHECK(eq<F64>(pz, nz, fl));
    CHECK(le<F64>(nz, pz, fl));
    CHECK_FALSE(lt<F64>(nz, pz, fl));
    CHECK(lt<F64>(negate<F64>(two), negate<F64>(one), fl));
    CHECK_FALSE(lt<F64>(negate<F64>(one), negate<F64>(two), fl));
    CHECK(fl == 0);
    CHECK_FALSE(eq<F64>(qnan, qnan, fl));
    CHECK(fl == 0);  // quiet compare ignores qNaN
    CHECK_FALSE(eq<F64>(snan, one, fl));
    CHECK(fl == Invalid);
    fl = 0;
    CHECK_FALSE(lt<F64>(qnan, one, fl));
    CHECK(fl == Invalid);  // signaling compare flags any NaN
    fl = 0;
    CHECK(compare<F64>(one, qnan, false, fl) == Ordering::Unordered);
    CHECK(fl == 0);
}

TEST_CASE("softfloat: float -> int edges", "[softfloat]") {
    uint32_t fl = 0;
    // -0.5 rounds to 0 under RTZ: valid for unsigned, inexact.
    IntResult r = to_int<F32>(0xbf000000, 32, false, Round::TowardZero, fl);
    CHECK((!r.invalid && r.value == 0 && fl == Inexact));
    fl = 0;  // -1 is out of range for unsigned
    r = to_int<F32>(0xbf800000, 32, false, Round::TowardZero, fl);
    CHECK((r.invalid && fl == Invalid));
    fl = 0;  // -0.5 rounds to -1 under Down: invalid for unsigned, and no NX
    r = to_int<F32>(0xbf000000, 64, false, Round::Down, fl);
    CHECK((r.invalid && fl == Invalid));
    fl = 0;  // -2^31 fits int32; -2^63 fits int64
    r = to_int<F64>(0xc1e0000000000000, 32, true, Round::NearestEven, fl);
    CHECK((!r.invalid && r.value == 0xffffffff80000000ull && fl == 0));
    r = to_int<F64>(0xc3e0000000000000, 64, true, Round::NearestEven, fl);
    CHECK((!r.invalid && r.value == 0x8000000000000000ull && fl == 0));
    // 2^31 - 0.5 rounds up to 2^31 under RNE: out of range after rounding.
    r = to_int<F64>(0x41dfffffffe00000, 32, true, Round::NearestEven, fl);
    CHECK((r.invalid && fl == Invalid));
    fl = 0;
    r = to_int<F64>(0x41dfffffffe00000, 32, true, Round::TowardZero, fl);
    CHECK((!r.invalid && r.value == 0x7fffffff && fl == Inexact));
    fl = 0;  // largest uint64-representable double
    r = to_int<F64>(0x43efffffffffffff, 64, false, Round::NearestEven, fl);
    CHECK((!r.invalid && r.value == 0xfffffffffffff800ull && fl == 0));
    r = to_int<F64>(0x43f0000000000000, 64, false, Round::NearestEven, fl);  // 2^64
    CHECK(r.invalid);
}

// ---- x86 NaN policy, bit-exact ------------------------------------------------
// Inline asm pins the operand order (a compiler may commute a + b, which
// changes which NaN SSE returns).  NaN results do not depend on the rounding
// mode, so round-to-nearest suffices.
namespace {
enum class SseOp { Add, Sub, Mul, Div, Sqrt, Cvt };

uint32_t sse32(SseOp op, uint32_t a, uint32_t b) {
    float x = std::bit_cast<float>(a), y = std::bit_cast<float>(b);
    switch (op) {
        case SseOp::Add: asm volatile("addss %1, %0" : "+x"(x) : "x"(y)); break;
        case SseOp::Sub: asm volatile("subss %1, %0" : "+x"(x) : "x"(y)); break;
        case SseOp::Mul: asm volatile("mulss %1, %0" : "+x"(x) : "x"(y)); break;
        case SseOp::Div: asm volatile("divss %1, %0" : "+x"(x) : "x"(y)); break;
        case SseOp::Sqrt: asm volatile("sqrtss %1, %0" : "=x"(x) : "x"(x)); break;
        case SseOp::Cvt: break;  // conversions are checked separately
    }
    return std::bit_cast<uint32_t>(x);
}
uint64_t sse64(SseOp op, uint64_t a, uint64_t b) {
    double x = std::bit_cast<double>(a), y = std::bit_cast<double>(b);
    switch (op) {
        case SseOp::Add: asm volatile("addsd %1, %0" : "+x"(x) : "x"(y)); break;
        case SseOp::Sub: asm volatile("subsd %1, %0" : "+x"(x) : "x"(y)); break;
        case SseOp::Mul: asm volatile("mulsd %1, %0" : "+x"(x) : "x"(y)); break;
        case SseOp::Div: asm volatile("divsd %1, %0" : "+x"(x) : "x"(y)); break;
        case SseOp::Sqrt: asm volatile("sqrtsd %1, %0" : "=x"(x) : "x"(x)); break;
        case SseOp::Cvt: break;
    }
    return std::bit_cast<uint64_t>(x);
}

template <class F> void x86_nan_check(uint64_t seed) {
    using B = typename F::Bits;
    Failures fails;
    Rng r{seed};
    long nan_results = 0;
    const SseOp ops[] = {SseOp::Add, SseOp::Sub, SseOp::Mul, SseOp::Div, SseOp::Sqrt};
    for (int i = 0; i < kIters; ++i) {
        const B a = gen<F>(r, r.range(-5, 5), B(r.next()));
        const B b = gen<F>(r, r.range(-5, 5), a);
        const SseOp op = ops[r.below(5)];
        uint32_t fl = 0;
        B ours = 0, host;
        if constexpr (sizeof(B) == 4) host = sse32(op, a, b);
        else host = sse64(op, a, b);
        switch (op) {
            case SseOp::Add: ours = add<F>(a, b, Round::NearestEven, fl, kX86Policy); break;
            case SseOp::Sub: ours = sub<F>(a, b, Round::NearestEven, fl, kX86Policy); break;
            case SseOp::Mul: ours = mul<F>(a, b, Round::NearestEven, fl, kX86Policy); break;
            case SseOp::Div: ours = div<F>(a, b, Round::NearestEven, fl, kX86Policy); break;
            case SseOp::Sqrt: ours = sqrt<F>(a, Round::NearestEven, fl, kX86Policy); break;
            case SseOp::Cvt: break;
        }
        nan_results += is_nan<F>(host);
        if (ours != host)
            fails.add("x86 NaN op%d a=%llx b=%llx: ours=%llx host=%llx", int(op), ull<F>(a),
                      ull<F>(b), ull<F>(ours), ull<F>(host));
    }
    // Conversions keep the high payload bits.
    for (int i = 0; i < kIters / 4; ++i) {
        const uint64_t d = gen<F64>(r, 0, r.next());
        const float f = std::bit_cast<float>(uint32_t(gen<F32>(r, 0, uint32_t(r.next()))));
        double wide;
        float narrow;
        asm volatile("cvtss2sd %1, %0" : "=x"(wide) : "x"(f));
        asm volatile("cvtsd2ss %1, %0" : "=x"(narrow) : "x"(std::bit_cast<double>(d)));
        uint32_t fl = 0;
        const uint64_t w = convert<F32, F64>(std::bit_cast<uint32_t>(f), Round::NearestEven, fl, kX86Policy);
        const uint32_t n = convert<F64, F32>(d, Round::NearestEven, fl, kX86Policy);
        if (w != std::bit_cast<uint64_t>(wide) || n != std::bit_cast<uint32_t>(narrow))
            fails.add("x86 NaN cvt f=%x d=%llx: ours %llx %x host %llx %x", std::bit_cast<uint32_t>(f),
                      (unsigned long long)d, (unsigned long long)w, n,
                      (unsigned long long)std::bit_cast<uint64_t>(wide), std::bit_cast<uint32_t>(narrow));
    }
    INFO(fails.text);
    CHECK(nan_results > kIters / 20);
    CHECK(fails.count == 0);
}
}  // namespace

TEST_CASE("softfloat: kX86Policy NaN results match SSE bit for bit", "[softfloat][diff]") {
    x86_nan_check<F32>(22);
    x86_nan_check<F64>(23);
}

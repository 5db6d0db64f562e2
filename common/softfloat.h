// Bit-exact IEEE 754-2008 binary floating point in software.
//
// Every operation takes and returns raw bit patterns, an explicit rounding mode
// and an accumulating flag word, so guest floating point never depends on the
// host FPU's state or on the compiler's treatment of float/double.
//
// Architecture-specific choices (which NaN an operation returns, whether
// 0*inf+qNaN is invalid) are not baked in: they come from a Policy supplied by
// the caller.  Everything else follows IEEE 754 with tininess detected after
// rounding (RISC-V, x86 SSE).
//
// Design for further formats: arithmetic works on an unpacked form (sign,
// exponent, significand in a uint64_t with the leading bit explicit) and
// rounds from a 128-bit intermediate.  A format is described by a small traits
// struct (Format below); only pack/unpack need to know the encoding.  The x87
// 80-bit format, with its explicit integer bit, precision control and x87
// exception responses, has its own library on the same scheme: softfloat80.h.
#pragma once

#include <cstdint>

namespace kiln::sf {

// Same order as RISC-V's rm encodings 0..4, so the arch layer can cast.
enum class Round : uint8_t { NearestEven, TowardZero, Down, Up, NearestMaxMag };

// Exception flags, identical to RISC-V fflags bit positions.
enum Flag : uint32_t {
    Inexact = 1,
    Underflow = 2,
    Overflow = 4,
    DivByZero = 8,
    Invalid = 16,
};

// How an operation that returns a NaN picks that NaN.
enum class NaNRule : uint8_t {
    Canonical,       // always the default NaN (RISC-V, ARM "default NaN" mode)
    PropagateFirst,  // first NaN operand in argument order, quieted (x86 SSE)
};

struct Policy {
    NaNRule nan_rule = NaNRule::Canonical;
    // Sign of the default NaN produced by invalid operations (x86: negative).
    bool default_nan_negative = false;
    // IEEE leaves it to the implementation whether fma(0, inf, qNaN) signals
    // invalid.  RISC-V requires it ("even when the addend is a quiet NaN").
    bool fma_inf_zero_qnan_invalid = true;
};

inline constexpr Policy kRiscvPolicy{NaNRule::Canonical, false, true};
// x86 SSE/AVX: quieted first NaN operand; default NaN ("QNaN floating-point
// indefinite") has the sign bit set.  x86 FMA does not flag 0*inf+qNaN (seen on
// an Intel host through glibc fma; softfloat_test probes the host each run).
inline constexpr Policy kX86Policy{NaNRule::PropagateFirst, true, false};

// Encoding of an IEEE binary interchange format whose bits fit in `B`.
template <typename B, int ExpBits, int FracBits>
struct Format {
    using Bits = B;
    static constexpr int exp_bits = ExpBits;
    static constexpr int frac_bits = FracBits;  // stored fraction, no hidden bit
    static constexpr int bias = (1 << (ExpBits - 1)) - 1;
    static constexpr int emax = bias;
    static constexpr int emin = 1 - bias;
    static constexpr int max_biased_exp = (1 << ExpBits) - 1;  // inf/NaN
    static constexpr B sign_mask = B(1) << (ExpBits + FracBits);
    static constexpr B frac_mask = (B(1) << FracBits) - 1;
    static constexpr B exp_mask = B(max_biased_exp) << FracBits;
    static constexpr B quiet_bit = B(1) << (FracBits - 1);
    static constexpr B inf = exp_mask;
    static constexpr B max_finite = exp_mask - 1;
    static constexpr B canonical_nan = exp_mask | quiet_bit;  // positive quiet NaN
};

using F32 = Format<uint32_t, 8, 23>;
using F64 = Format<uint64_t, 11, 52>;

// ---- classification (no flags) -------------------------------------------

template <class F> constexpr bool sign_bit(typename F::Bits x) { return (x & F::sign_mask) != 0; }
template <class F> constexpr bool is_nan(typename F::Bits x) {
    return (x & F::exp_mask) == F::exp_mask && (x & F::frac_mask) != 0;
}
template <class F> constexpr bool is_snan(typename F::Bits x) {
    return is_nan<F>(x) && (x & F::quiet_bit) == 0;
}
template <class F> constexpr bool is_qnan(typename F::Bits x) {
    return is_nan<F>(x) && (x & F::quiet_bit) != 0;
}
template <class F> constexpr bool is_inf(typename F::Bits x) { return (x & ~F::sign_mask) == F::inf; }
template <class F> constexpr bool is_zero(typename F::Bits x) { return (x & ~F::sign_mask) == 0; }
template <class F> constexpr bool is_subnormal(typename F::Bits x) {
    return (x & F::exp_mask) == 0 && (x & F::frac_mask) != 0;
}
template <class F> constexpr bool is_normal(typename F::Bits x) {
    return (x & F::exp_mask) != 0 && (x & F::exp_mask) != F::exp_mask;
}
template <class F> constexpr typename F::Bits negate(typename F::Bits x) { return x ^ F::sign_mask; }
template <class F> constexpr typename F::Bits abs(typename F::Bits x) { return x & ~F::sign_mask; }

// ---- arithmetic ------------------------------------------------------------
// All are instantiated for F32 and F64 in softfloat.cpp.

template <class F> typename F::Bits add(typename F::Bits a, typename F::Bits b, Round rm,
                                        uint32_t& flags, const Policy& p = kRiscvPolicy);
template <class F> typename F::Bits sub(typename F::Bits a, typename F::Bits b, Round rm,
                                        uint32_t& flags, const Policy& p = kRiscvPolicy);
template <class F> typename F::Bits mul(typename F::Bits a, typename F::Bits b, Round rm,
                                        uint32_t& flags, const Policy& p = kRiscvPolicy);
template <class F> typename F::Bits div(typename F::Bits a, typename F::Bits b, Round rm,
                                        uint32_t& flags, const Policy& p = kRiscvPolicy);
template <class F> typename F::Bits sqrt(typename F::Bits a, Round rm, uint32_t& flags,
                                         const Policy& p = kRiscvPolicy);
// a*b + c with one rounding.  Sign variants: negate inputs with negate<F>().
template <class F> typename F::Bits fma(typename F::Bits a, typename F::Bits b, typename F::Bits c,
                                        Round rm, uint32_t& flags, const Policy& p = kRiscvPolicy);

// ---- comparison ------------------------------------------------------------

enum class Ordering : uint8_t { Less, Equal, Greater, Unordered };

// signaling=true: Invalid on any NaN operand; false: Invalid only on sNaN.
template <class F> Ordering compare(typename F::Bits a, typename F::Bits b, bool signaling,
                                   uint32_t& flags);
// IEEE compareQuietEqual / compareSignalingLess / compareSignalingLessEqual.
template <class F> bool eq(typename F::Bits a, typename F::Bits b, uint32_t& flags) {
    return compare<F>(a, b, false, flags) == Ordering::Equal;
}
template <class F> bool lt(typename F::Bits a, typename F::Bits b, uint32_t& flags) {
    return compare<F>(a, b, true, flags) == Ordering::Less;
}
template <class F> bool le(typename F::Bits a, typename F::Bits b, uint32_t& flags) {
    Ordering o = compare<F>(a, b, true, flags);
    return o == Ordering::Less || o == Ordering::Equal;
}

// ---- conversions -----------------------------------------------------------

// Between formats (widening is exact; narrowing rounds).
template <class From, class To> typename To::Bits convert(typename From::Bits a, Round rm,
                                                          uint32_t& flags,
                                                          const Policy& p = kRiscvPolicy);

// Float -> integer of `width` bits (32 or 64).  The value is rounded to an
// integer first and then range-checked.  On NaN, infinity or out-of-range,
// Invalid is raised, Inexact is not, and `invalid` is set: the architecture
// picks its own result (saturation on RISC-V, "integer indefinite" on x86).
// Otherwise `value` is the result as a two's complement 64-bit pattern
// (sign-extended for signed conversions) and Inexact is raised if rounding
// changed the value.
struct IntResult {
    uint64_t value;
    bool invalid;
};
template <class F> IntResult to_int(typename F::Bits a, unsigned width, bool is_signed, Round rm,
                                    uint32_t& flags);

// Integer -> float.  `magnitude` with a separate sign covers every source type.
template <class F> typename F::Bits from_int(uint64_t magnitude, bool negative, Round rm,
                                             uint32_t& flags);
template <class F> typename F::Bits from_i64(int64_t v, Round rm, uint32_t& flags) {
    return from_int<F>(v < 0 ? 0 - uint64_t(v) : uint64_t(v), v < 0, rm, flags);
}
template <class F> typename F::Bits from_u64(uint64_t v, Round rm, uint32_t& flags) {
    return from_int<F>(v, false, rm, flags);
}
template <class F> typename F::Bits from_i32(int32_t v, Round rm, uint32_t& flags) {
    return from_i64<F>(v, rm, flags);
}
template <class F> typename F::Bits from_u32(uint32_t v, Round rm, uint32_t& flags) {
    return from_int<F>(v, false, rm, flags);
}

// The NaN `p` produces for an invalid operation without NaN operands.
template <class F> constexpr typename F::Bits default_nan(const Policy& p) {
    return F::canonical_nan | (p.default_nan_negative ? F::sign_mask : 0);
}

}  // namespace kiln::sf

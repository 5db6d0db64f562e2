// RISC-V F/D semantics on top of the generic soft-float core.
//
// What is RISC-V specific lives here: NaN-boxing of single-precision values in
// 64-bit registers, the canonical-NaN rule (via sf::kRiscvPolicy), fmin/fmax,
// fclass, sign injection and the saturating float->integer conversions.
#include "cpu/riscv/fpu.h"

#include <cassert>

#include "common/softfloat.h"

namespace kiln::riscv::fpu {
namespace {

using sf::F32;
using sf::F64;
constexpr const sf::Policy& kPolicy = sf::kRiscvPolicy;

// rm encodings 0..4 map 1:1 onto sf::Round.
sf::Round round_mode(unsigned rm) {
    assert(rm <= 4 && "caller must resolve dyn and reject reserved rm");
    return static_cast<sf::Round>(rm);
}

// Register <-> format value.  Singles are NaN-boxed in the 64-bit register.
template <class F> typename F::Bits read(uint64_t reg);
template <> uint32_t read<F32>(uint64_t reg) { return unbox_s(reg); }
template <> uint64_t read<F64>(uint64_t reg) { return reg; }
uint64_t write(uint32_t v) { return box_s(v); }
uint64_t write(uint64_t v) { return v; }

template <class F> uint64_t minmax(uint64_t ra, uint64_t rb, bool want_max, uint32_t& flags) {
    const auto a = read<F>(ra), b = read<F>(rb);
    // Since ISA 2.2 (IEEE 754-2019 minimumNumber/maximumNumber): a single NaN
    // operand, even a signaling one, yields the other operand; NV for any sNaN.
    if (sf::is_snan<F>(a) || sf::is_snan<F>(b)) flags |= sf::Invalid;
    const bool na = sf::is_nan<F>(a), nb = sf::is_nan<F>(b);
    if (na && nb) return write(F::canonical_nan);
    if (na) return write(b);
    if (nb) return write(a);
    // Total order on non-NaN values with -0 < +0.
    const bool sa = sf::sign_bit<F>(a), sb = sf::sign_bit<F>(b);
    bool a_less;
    if (sa != sb)
        a_less = sa;
    else
        a_less = sa ? a > b : a < b;  // same sign: compare magnitudes
    return write((a_less != want_max) ? a : b);
}

template <class F> uint64_t classify(uint64_t reg) {
    const auto x = read<F>(reg);
    const bool neg = sf::sign_bit<F>(x);
    if (sf::is_nan<F>(x)) return sf::is_snan<F>(x) ? kClassSignalingNaN : kClassQuietNaN;
    if (sf::is_inf<F>(x)) return neg ? kClassNegInf : kClassPosInf;
    if (sf::is_zero<F>(x)) return neg ? kClassNegZero : kClassPosZero;
    if (sf::is_subnormal<F>(x)) return neg ? kClassNegSubnormal : kClassPosSubnormal;
    return neg ? kClassNegNormal : kClassPosNormal;
}

enum class SignOp { Copy, Negate, Xor };
template <class F> uint64_t sign_inject(uint64_t ra, uint64_t rb, SignOp op) {
    const auto a = read<F>(ra), b = read<F>(rb);
    auto sign = b & F::sign_mask;
    if (op == SignOp::Negate) sign ^= F::sign_mask;
    if (op == SignOp::Xor) sign ^= a & F::sign_mask;
    return write(typename F::Bits((a & ~F::sign_mask) | sign));
}

// Float -> integer with the RISC-V saturation table: NaN and too-large values
// (including +inf) give the maximum, too-small values (including -inf) the
// minimum, which is 0 for unsigned.  32-bit results, signed or not, are
// sign-extended into the 64-bit destination register.
template <class F>
uint64_t to_int(uint64_t reg, unsigned width, bool is_signed, unsigned rm, uint32_t& flags) {
    const auto a = read<F>(reg);
    const sf::IntResult r = sf::to_int<F>(a, width, is_signed, round_mode(rm), flags);
    uint64_t v = r.value;
    if (r.invalid) {
        const bool low = !sf::is_nan<F>(a) && sf::sign_bit<F>(a);
        const uint64_t umax = width == 64 ? ~uint64_t(0) : (uint64_t(1) << width) - 1;
        if (is_signed)
            v = low ? uint64_t(1) << (width - 1) : umax >> 1;
        else
            v = low ? 0 : umax;
    }
    if (width == 32) v = uint64_t(int64_t(int32_t(uint32_t(v))));
    return v;
}

template <class F> uint64_t fma_variant(uint64_t ra, uint64_t rb, uint64_t rc, bool neg_product,
                                        bool neg_addend, unsigned rm, uint32_t& flags) {
    auto a = read<F>(ra), c = read<F>(rc);
    // Negating an input only flips a sign bit, so NaN-ness and signaling-ness
    // are untouched and -(a*b) == (-a)*b exactly.
    if (neg_product) a = sf::negate<F>(a);
    if (neg_addend) c = sf::negate<F>(c);
    return write(sf::fma<F>(a, read<F>(rb), c, round_mode(rm), flags, kPolicy));
}

}  // namespace

// The S and D instruction sets are identical apart from the format; generate
// both from one list.
#define KILN_RISCV_FP_OPS(SUF, F)                                                                  \
    uint64_t fadd_##SUF(uint64_t a, uint64_t b, unsigned rm, uint32_t& flags) {                    \
        return write(sf::add<F>(read<F>(a), read<F>(b), round_mode(rm), flags, kPolicy));          \
    }                                                                                              \
    uint64_t fsub_##SUF(uint64_t a, uint64_t b, unsigned rm, uint32_t& flags) {                    \
        return write(sf::sub<F>(read<F>(a), read<F>(b), round_mode(rm), flags, kPolicy));          \
    }                                                                                              \
    uint64_t fmul_##SUF(uint64_t a, uint64_t b, unsigned rm, uint32_t& flags) {                    \
        return write(sf::mul<F>(read<F>(a), read<F>(b), round_mode(rm), flags, kPolicy));          \
    }                                                                                              \
    uint64_t fdiv_##SUF(uint64_t a, uint64_t b, unsigned rm, uint32_t& flags) {                    \
        return write(sf::div<F>(read<F>(a), read<F>(b), round_mode(rm), flags, kPolicy));          \
    }                                                                                              \
    uint64_t fsqrt_##SUF(uint64_t a, unsigned rm, uint32_t& flags) {                               \
        return write(sf::sqrt<F>(read<F>(a), round_mode(rm), flags, kPolicy));                     \
    }                                                                                              \
    uint64_t fmadd_##SUF(uint64_t a, uint64_t b, uint64_t c, unsigned rm, uint32_t& flags) {       \
        return fma_variant<F>(a, b, c, false, false, rm, flags);                                   \
    }                                                                                              \
    uint64_t fmsub_##SUF(uint64_t a, uint64_t b, uint64_t c, unsigned rm, uint32_t& flags) {       \
        return fma_variant<F>(a, b, c, false, true, rm, flags);                                    \
    }                                                                                              \
    uint64_t fnmsub_##SUF(uint64_t a, uint64_t b, uint64_t c, unsigned rm, uint32_t& flags) {      \
        return fma_variant<F>(a, b, c, true, false, rm, flags);                                    \
    }                                                                                              \
    uint64_t fnmadd_##SUF(uint64_t a, uint64_t b, uint64_t c, unsigned rm, uint32_t& flags) {      \
        return fma_variant<F>(a, b, c, true, true, rm, flags);                                     \
    }                                                                                              \
    uint64_t fmin_##SUF(uint64_t a, uint64_t b, uint32_t& flags) {                                 \
        return minmax<F>(a, b, false, flags);                                                      \
    }                                                                                              \
    uint64_t fmax_##SUF(uint64_t a, uint64_t b, uint32_t& flags) {                                 \
        return minmax<F>(a, b, true, flags);                                                       \
    }                                                                                              \
    /* feq is a quiet comparison, flt/fle are signaling. */                                        \
    uint64_t feq_##SUF(uint64_t a, uint64_t b, uint32_t& flags) {                                  \
        return sf::eq<F>(read<F>(a), read<F>(b), flags);                                           \
    }                                                                                              \
    uint64_t flt_##SUF(uint64_t a, uint64_t b, uint32_t& flags) {                                  \
        return sf::lt<F>(read<F>(a), read<F>(b), flags);                                           \
    }                                                                                              \
    uint64_t fle_##SUF(uint64_t a, uint64_t b, uint32_t& flags) {                                  \
        return sf::le<F>(read<F>(a), read<F>(b), flags);                                           \
    }                                                                                              \
    uint64_t fclass_##SUF(uint64_t a) { return classify<F>(a); }                                   \
    uint64_t fsgnj_##SUF(uint64_t a, uint64_t b) { return sign_inject<F>(a, b, SignOp::Copy); }    \
    uint64_t fsgnjn_##SUF(uint64_t a, uint64_t b) { return sign_inject<F>(a, b, SignOp::Negate); } \
    uint64_t fsgnjx_##SUF(uint64_t a, uint64_t b) { return sign_inject<F>(a, b, SignOp::Xor); }    \
    uint64_t fcvt_w_##SUF(uint64_t a, unsigned rm, uint32_t& flags) {                              \
        return to_int<F>(a, 32, true, rm, flags);                                                  \
    }                                                                                              \
    uint64_t fcvt_wu_##SUF(uint64_t a, unsigned rm, uint32_t& flags) {                             \
        return to_int<F>(a, 32, false, rm, flags);                                                 \
    }                                                                                              \
    uint64_t fcvt_l_##SUF(uint64_t a, unsigned rm, uint32_t& flags) {                              \
        return to_int<F>(a, 64, true, rm, flags);                                                  \
    }                                                                                              \
    uint64_t fcvt_lu_##SUF(uint64_t a, unsigned rm, uint32_t& flags) {                             \
        return to_int<F>(a, 64, false, rm, flags);                                                 \
    }                                                                                              \
    uint64_t fcvt_##SUF##_w(uint64_t x, unsigned rm, uint32_t& flags) {                            \
        return write(sf::from_i32<F>(int32_t(uint32_t(x)), round_mode(rm), flags));                \
    }                                                                                              \
    uint64_t fcvt_##SUF##_wu(uint64_t x, unsigned rm, uint32_t& flags) {                           \
        return write(sf::from_u32<F>(uint32_t(x), round_mode(rm), flags));                         \
    }                                                                                              \
    uint64_t fcvt_##SUF##_l(uint64_t x, unsigned rm, uint32_t& flags) {                            \
        return write(sf::from_i64<F>(int64_t(x), round_mode(rm), flags));                          \
    }                                                                                              \
    uint64_t fcvt_##SUF##_lu(uint64_t x, unsigned rm, uint32_t& flags) {                           \
        return write(sf::from_u64<F>(x, round_mode(rm), flags));                                   \
    }

KILN_RISCV_FP_OPS(s, F32)
KILN_RISCV_FP_OPS(d, F64)
#undef KILN_RISCV_FP_OPS

uint64_t fcvt_s_d(uint64_t a, unsigned rm, uint32_t& flags) {
    return write(sf::convert<F64, F32>(read<F64>(a), round_mode(rm), flags, kPolicy));
}

uint64_t fcvt_d_s(uint64_t a, unsigned rm, uint32_t& flags) {
    return write(sf::convert<F32, F64>(read<F32>(a), round_mode(rm), flags, kPolicy));
}

// Moves copy bits and never inspect NaN-boxing.
uint64_t fmv_x_w(uint64_t a) { return uint64_t(int64_t(int32_t(uint32_t(a)))); }
uint64_t fmv_w_x(uint64_t x) { return box_s(uint32_t(x)); }
uint64_t fmv_x_d(uint64_t a) { return a; }
uint64_t fmv_d_x(uint64_t x) { return x; }

}  // namespace kiln::riscv::fpu

// RISC-V F and D extension operations on raw f-register contents.
//
// rm is the RESOLVED rounding mode 0..4 (RNE, RTZ, RDN, RUP, RMM): the caller
// has already replaced dyn (7) with frm and rejected 5, 6 and invalid frm.
//
// Single-precision operands are the raw 64-bit register contents: a value that
// is not NaN-boxed (upper 32 bits not all ones) reads as the canonical NaN.
// Single results are returned NaN-boxed.  Double operands/results are plain.
//
// `flags` accumulates fflags bits (NX=1 UF=2 OF=4 DZ=8 NV=16); callers OR it
// into fcsr.  Every NaN result is the canonical NaN (0x7fc00000 /
// 0x7ff8000000000000), as RISC-V does not propagate payloads.
#pragma once

#include <cstdint>

namespace kiln::riscv::fpu {

// ---- single precision ------------------------------------------------------
uint64_t fadd_s(uint64_t a, uint64_t b, unsigned rm, uint32_t& flags);
uint64_t fsub_s(uint64_t a, uint64_t b, unsigned rm, uint32_t& flags);
uint64_t fmul_s(uint64_t a, uint64_t b, unsigned rm, uint32_t& flags);
uint64_t fdiv_s(uint64_t a, uint64_t b, unsigned rm, uint32_t& flags);
uint64_t fsqrt_s(uint64_t a, unsigned rm, uint32_t& flags);
uint64_t fmadd_s(uint64_t a, uint64_t b, uint64_t c, unsigned rm, uint32_t& flags);   //  a*b+c
uint64_t fmsub_s(uint64_t a, uint64_t b, uint64_t c, unsigned rm, uint32_t& flags);   //  a*b-c
uint64_t fnmsub_s(uint64_t a, uint64_t b, uint64_t c, unsigned rm, uint32_t& flags);  // -a*b+c
uint64_t fnmadd_s(uint64_t a, uint64_t b, uint64_t c, unsigned rm, uint32_t& flags);  // -a*b-c
uint64_t fmin_s(uint64_t a, uint64_t b, uint32_t& flags);
uint64_t fmax_s(uint64_t a, uint64_t b, uint32_t& flags);
uint64_t feq_s(uint64_t a, uint64_t b, uint32_t& flags);
uint64_t flt_s(uint64_t a, uint64_t b, uint32_t& flags);
uint64_t fle_s(uint64_t a, uint64_t b, uint32_t& flags);
uint64_t fclass_s(uint64_t a);
uint64_t fsgnj_s(uint64_t a, uint64_t b);
uint64_t fsgnjn_s(uint64_t a, uint64_t b);
uint64_t fsgnjx_s(uint64_t a, uint64_t b);
uint64_t fcvt_w_s(uint64_t a, unsigned rm, uint32_t& flags);
uint64_t fcvt_wu_s(uint64_t a, unsigned rm, uint32_t& flags);
uint64_t fcvt_l_s(uint64_t a, unsigned rm, uint32_t& flags);
uint64_t fcvt_lu_s(uint64_t a, unsigned rm, uint32_t& flags);
uint64_t fcvt_s_w(uint64_t x, unsigned rm, uint32_t& flags);
uint64_t fcvt_s_wu(uint64_t x, unsigned rm, uint32_t& flags);
uint64_t fcvt_s_l(uint64_t x, unsigned rm, uint32_t& flags);
uint64_t fcvt_s_lu(uint64_t x, unsigned rm, uint32_t& flags);
uint64_t fcvt_s_d(uint64_t a, unsigned rm, uint32_t& flags);
uint64_t fmv_x_w(uint64_t a);  // low 32 bits sign-extended, no NaN-box check
uint64_t fmv_w_x(uint64_t x);  // NaN-box the low 32 bits

// ---- double precision ------------------------------------------------------
uint64_t fadd_d(uint64_t a, uint64_t b, unsigned rm, uint32_t& flags);
uint64_t fsub_d(uint64_t a, uint64_t b, unsigned rm, uint32_t& flags);
uint64_t fmul_d(uint64_t a, uint64_t b, unsigned rm, uint32_t& flags);
uint64_t fdiv_d(uint64_t a, uint64_t b, unsigned rm, uint32_t& flags);
uint64_t fsqrt_d(uint64_t a, unsigned rm, uint32_t& flags);
uint64_t fmadd_d(uint64_t a, uint64_t b, uint64_t c, unsigned rm, uint32_t& flags);
uint64_t fmsub_d(uint64_t a, uint64_t b, uint64_t c, unsigned rm, uint32_t& flags);
uint64_t fnmsub_d(uint64_t a, uint64_t b, uint64_t c, unsigned rm, uint32_t& flags);
uint64_t fnmadd_d(uint64_t a, uint64_t b, uint64_t c, unsigned rm, uint32_t& flags);
uint64_t fmin_d(uint64_t a, uint64_t b, uint32_t& flags);
uint64_t fmax_d(uint64_t a, uint64_t b, uint32_t& flags);
uint64_t feq_d(uint64_t a, uint64_t b, uint32_t& flags);
uint64_t flt_d(uint64_t a, uint64_t b, uint32_t& flags);
uint64_t fle_d(uint64_t a, uint64_t b, uint32_t& flags);
uint64_t fclass_d(uint64_t a);
uint64_t fsgnj_d(uint64_t a, uint64_t b);
uint64_t fsgnjn_d(uint64_t a, uint64_t b);
uint64_t fsgnjx_d(uint64_t a, uint64_t b);
uint64_t fcvt_w_d(uint64_t a, unsigned rm, uint32_t& flags);
uint64_t fcvt_wu_d(uint64_t a, unsigned rm, uint32_t& flags);
uint64_t fcvt_l_d(uint64_t a, unsigned rm, uint32_t& flags);
uint64_t fcvt_lu_d(uint64_t a, unsigned rm, uint32_t& flags);
uint64_t fcvt_d_w(uint64_t x, unsigned rm, uint32_t& flags);  // exact; rm unused
uint64_t fcvt_d_wu(uint64_t x, unsigned rm, uint32_t& flags);  // exact; rm unused
uint64_t fcvt_d_l(uint64_t x, unsigned rm, uint32_t& flags);
uint64_t fcvt_d_lu(uint64_t x, unsigned rm, uint32_t& flags);
uint64_t fcvt_d_s(uint64_t a, unsigned rm, uint32_t& flags);  // exact; rm unused
uint64_t fmv_x_d(uint64_t a);
uint64_t fmv_d_x(uint64_t x);

// ---- helpers for other RISC-V code ----------------------------------------
inline constexpr uint64_t kNaNBoxMask = 0xffffffff00000000ull;
inline constexpr uint32_t kCanonicalNaN32 = 0x7fc00000u;
inline constexpr uint64_t kCanonicalNaN64 = 0x7ff8000000000000ull;

// The single-precision value an f register holds (canonical NaN if unboxed).
inline uint32_t unbox_s(uint64_t reg) {
    return (reg & kNaNBoxMask) == kNaNBoxMask ? uint32_t(reg) : kCanonicalNaN32;
}
inline uint64_t box_s(uint32_t v) { return kNaNBoxMask | v; }

// fclass result bits.
enum FClass : uint64_t {
    kClassNegInf = 1u << 0,
    kClassNegNormal = 1u << 1,
    kClassNegSubnormal = 1u << 2,
    kClassNegZero = 1u << 3,
    kClassPosZero = 1u << 4,
    kClassPosSubnormal = 1u << 5,
    kClassPosNormal = 1u << 6,
    kClassPosInf = 1u << 7,
    kClassSignalingNaN = 1u << 8,
    kClassQuietNaN = 1u << 9,
};

}  // namespace kiln::riscv::fpu

// Hand-computed cases for the RISC-V F/D rules in cpu/riscv/fpu.
// (The arithmetic itself is checked bit-for-bit against the host in
// softfloat_test.cpp; here the focus is what RISC-V adds on top.)
#include <catch2/catch.hpp>

#include <cstdint>

#include "cpu/riscv/fpu.h"

using namespace kiln::riscv::fpu;

namespace {

constexpr unsigned RNE = 0, RTZ = 1, RDN = 2, RUP = 3, RMM = 4;
constexpr uint32_t NX = 1, UF = 2, OF = 4, DZ = 8, NV = 16;

constexpr uint64_t S(uint32_t v) { return 0xffffffff00000000ull | v; }  // NaN-boxed single

// Singles
constexpr uint32_t kOne = 0x3f800000, kTwo = 0x40000000, kThree = 0x40400000, kNegOne = 0xbf800000;
constexpr uint32_t kInf = 0x7f800000, kNegInf = 0xff800000, kQNaN = 0x7fc12345, kSNaN = 0x7f812345;
constexpr uint64_t kCanonS = 0xffffffff7fc00000ull;
// Doubles
constexpr uint64_t D1 = 0x3ff0000000000000, D2 = 0x4000000000000000, DNeg1 = 0xbff0000000000000;
constexpr uint64_t DInf = 0x7ff0000000000000, DNegInf = 0xfff0000000000000;
constexpr uint64_t DQNaN = 0x7ff8000000000123, DSNaN = 0x7ff0000000000123;
constexpr uint64_t kCanonD = 0x7ff8000000000000;

}  // namespace

TEST_CASE("riscv fpu: NaN-boxing of single-precision operands", "[riscv][fpu]") {
    uint32_t fl = 0;
    CHECK(fadd_s(S(kOne), S(kTwo), RNE, fl) == S(kThree));
    CHECK(fl == 0);
    // Upper bits not all ones: the operand reads as the canonical (quiet) NaN.
    CHECK(fadd_s(kOne, S(kTwo), RNE, fl) == kCanonS);
    CHECK(fadd_s(0xfffffffe3f800000ull, S(kTwo), RNE, fl) == kCanonS);
    CHECK(fl == 0);  // canonical NaN is quiet: no NV
    CHECK(fmul_s(S(kOne), 0x7fffffff3f800000ull, RNE, fl) == kCanonS);
    CHECK(fsqrt_s(kOne, RNE, fl) == kCanonS);
    CHECK(fmadd_s(S(kOne), S(kOne), kOne, RNE, fl) == kCanonS);
    CHECK(fl == 0);
    CHECK(fcvt_d_s(kOne, RNE, fl) == kCanonD);
    CHECK(fl == 0);
    CHECK(fcvt_w_s(kOne, RTZ, fl) == 0x7fffffff);  // NaN -> max
    CHECK(fl == NV);
    fl = 0;
    CHECK(feq_s(kOne, kOne, fl) == 0);
    CHECK(fl == 0);
    CHECK(flt_s(kOne, S(kOne), fl) == 0);
    CHECK(fl == NV);
    CHECK(fclass_s(0x000000003f800000ull) == kClassQuietNaN);
    CHECK(fclass_s(0x0000000000000000ull) == kClassQuietNaN);  // not +0!
    // Results are boxed.
    fl = 0;
    CHECK(fcvt_s_d(D1, RNE, fl) == S(kOne));
    CHECK(fcvt_s_w(3, RNE, fl) == S(kThree));
    CHECK(fmin_s(S(kOne), S(kTwo), fl) == S(kOne));
    CHECK(fl == 0);
    // Moves never check boxing.
    CHECK(fmv_x_w(0x0000000080000000ull) == 0xffffffff80000000ull);
    CHECK(fmv_x_w(0x123456787f800000ull) == 0x000000007f800000ull);
    CHECK(fmv_w_x(0x12345678abcdef01ull) == 0xffffffffabcdef01ull);
    CHECK(fmv_x_d(0x123456789abcdef0ull) == 0x123456789abcdef0ull);
    CHECK(fmv_d_x(0x123456789abcdef0ull) == 0x123456789abcdef0ull);
}

TEST_CASE("riscv fpu: canonical NaN results", "[riscv][fpu]") {
    uint32_t fl = 0;
    CHECK(fadd_s(S(kQNaN), S(kOne), RNE, fl) == kCanonS);
    CHECK(fadd_s(S(0xffc00001), S(kOne), RNE, fl) == kCanonS);  // negative NaN in, positive out
    CHECK(fl == 0);
    CHECK(fmul_s(S(kOne), S(kSNaN), RNE, fl) == kCanonS);
    CHECK(fl == NV);
    fl = 0;
    CHECK(fadd_d(DQNaN, D1, RNE, fl) == kCanonD);
    CHECK(fdiv_d(0xfff8000000000001, D1, RNE, fl) == kCanonD);
    CHECK(fl == 0);
    CHECK(fsub_d(DInf, DInf, RNE, fl) == kCanonD);
    CHECK(fl == NV);
    fl = 0;
    CHECK(fsqrt_s(S(kNegOne), RNE, fl) == kCanonS);
    CHECK(fl == NV);
    fl = 0;
    CHECK(fdiv_d(0, 0, RNE, fl) == kCanonD);
    CHECK(fl == NV);
    fl = 0;
    CHECK(fcvt_s_d(0xfff0000000000001ull, RNE, fl) == kCanonS);  // sNaN narrowed
    CHECK(fl == NV);
    fl = 0;
    CHECK(fcvt_d_s(S(0xff800001), RNE, fl) == kCanonD);
    CHECK(fl == NV);
    fl = 0;
    CHECK(fcvt_d_s(S(kQNaN), RNE, fl) == kCanonD);  // payload dropped
    CHECK(fl == 0);
}

TEST_CASE("riscv fpu: fmin/fmax", "[riscv][fpu]") {
    uint32_t fl = 0;
    const uint32_t pz = 0, nz = 0x80000000;
    CHECK(fmin_s(S(pz), S(nz), fl) == S(nz));
    CHECK(fmin_s(S(nz), S(pz), fl) == S(nz));
    CHECK(fmax_s(S(pz), S(nz), fl) == S(pz));
    CHECK(fmax_s(S(nz), S(pz), fl) == S(pz));
    CHECK(fmin_d(0, 0x8000000000000000, fl) == 0x8000000000000000);
    CHECK(fmax_d(0x8000000000000000, 0, fl) == 0);
    CHECK(fmin_s(S(kNegOne), S(0xc0000000), fl) == S(0xc0000000));  // -1 vs -2
    CHECK(fmax_s(S(kNegOne), S(0xc0000000), fl) == S(kNegOne));
    CHECK(fmin_s(S(kNegInf), S(kOne), fl) == S(kNegInf));
    CHECK(fmax_d(DNegInf, DInf, fl) == DInf);
    CHECK(fl == 0);
    // One quiet NaN: the other operand, no flag.
    CHECK(fmin_s(S(kQNaN), S(kOne), fl) == S(kOne));
    CHECK(fmax_s(S(kTwo), S(kQNaN), fl) == S(kTwo));
    CHECK(fmin_s(kTwo, S(kOne), fl) == S(kOne));  // unboxed = canonical qNaN
    CHECK(fmax_d(D2, DQNaN, fl) == D2);
    CHECK(fl == 0);
    // One signaling NaN: still the other operand, but NV.
    CHECK(fmin_s(S(kSNaN), S(kOne), fl) == S(kOne));
    CHECK(fl == NV);
    fl = 0;
    CHECK(fmax_d(DSNaN, DNeg1, fl) == DNeg1);
    CHECK(fl == NV);
    // Both NaN: canonical NaN; NV only if one is signaling.
    fl = 0;
    CHECK(fmin_s(S(kQNaN), S(0xffc00000), fl) == kCanonS);
    CHECK(fmax_d(DQNaN, DQNaN, fl) == kCanonD);
    CHECK(fl == 0);
    CHECK(fmax_s(S(kSNaN), S(kQNaN), fl) == kCanonS);
    CHECK(fl == NV);
}

TEST_CASE("riscv fpu: comparisons", "[riscv][fpu]") {
    uint32_t fl = 0;
    CHECK(feq_s(S(0), S(0x80000000), fl) == 1);
    CHECK(fle_s(S(0x80000000), S(0), fl) == 1);
    CHECK(flt_s(S(0x80000000), S(0), fl) == 0);
    CHECK(flt_s(S(kOne), S(kTwo), fl) == 1);
    CHECK(fle_d(D2, D1, fl) == 0);
    CHECK(flt_d(DNegInf, DNeg1, fl) == 1);
    CHECK(fl == 0);
    CHECK(feq_s(S(kQNaN), S(kQNaN), fl) == 0);
    CHECK(feq_d(DQNaN, D1, fl) == 0);
    CHECK(fl == 0);  // quiet comparison
    CHECK(feq_s(S(kSNaN), S(kOne), fl) == 0);
    CHECK(fl == NV);
    fl = 0;
    CHECK(flt_s(S(kQNaN), S(kOne), fl) == 0);
    CHECK(fl == NV);  // signaling comparison
    fl = 0;
    CHECK(fle_d(D1, DQNaN, fl) == 0);
    CHECK(fl == NV);
}

TEST_CASE("riscv fpu: fclass of every class", "[riscv][fpu]") {
    CHECK(fclass_s(S(kNegInf)) == 1u << 0);
    CHECK(fclass_s(S(kNegOne)) == 1u << 1);
    CHECK(fclass_s(S(0x80000001)) == 1u << 2);
    CHECK(fclass_s(S(0x80000000)) == 1u << 3);
    CHECK(fclass_s(S(0x00000000)) == 1u << 4);
    CHECK(fclass_s(S(0x007fffff)) == 1u << 5);
    CHECK(fclass_s(S(0x7f7fffff)) == 1u << 6);
    CHECK(fclass_s(S(kInf)) == 1u << 7);
    CHECK(fclass_s(S(kSNaN)) == 1u << 8);
    CHECK(fclass_s(S(0xff800001)) == 1u << 8);
    CHECK(fclass_s(S(kQNaN)) == 1u << 9);
    CHECK(fclass_s(S(0xffffffff)) == 1u << 9);

    CHECK(fclass_d(DNegInf) == kClassNegInf);
    CHECK(fclass_d(0x8010000000000000) == kClassNegNormal);
    CHECK(fclass_d(0x800fffffffffffff) == kClassNegSubnormal);
    CHECK(fclass_d(0x8000000000000000) == kClassNegZero);
    CHECK(fclass_d(0) == kClassPosZero);
    CHECK(fclass_d(1) == kClassPosSubnormal);
    CHECK(fclass_d(D1) == kClassPosNormal);
    CHECK(fclass_d(DInf) == kClassPosInf);
    CHECK(fclass_d(DSNaN) == kClassSignalingNaN);
    CHECK(fclass_d(DQNaN) == kClassQuietNaN);
}

TEST_CASE("riscv fpu: sign injection", "[riscv][fpu]") {
    CHECK(fsgnj_s(S(kOne), S(0xc0000000)) == S(kNegOne));
    CHECK(fsgnjn_s(S(kOne), S(kOne)) == S(kNegOne));  // fneg.s
    CHECK(fsgnjx_s(S(kNegOne), S(kNegOne)) == S(kOne));  // fabs.s
    CHECK(fsgnjx_s(S(kOne), S(kNegOne)) == S(kNegOne));
    // NaN payloads and signaling-ness pass through untouched.
    CHECK(fsgnj_s(S(kSNaN), S(kNegOne)) == S(0xff812345));
    CHECK(fsgnj_d(DSNaN, DNeg1) == 0xfff0000000000123);
    CHECK(fsgnjn_d(D1, D1) == DNeg1);
    CHECK(fsgnjx_d(DNeg1, DNeg1) == D1);
    // Un-boxed inputs read as the canonical NaN (positive, quiet).
    CHECK(fsgnj_s(kOne, S(kNegOne)) == S(0xffc00000));
    CHECK(fsgnj_s(S(kNegOne), kOne) == S(kOne));        // sign from canonical NaN: +
    CHECK(fsgnjn_s(S(kOne), kOne) == S(kNegOne));
    CHECK(fsgnjx_s(S(kNegOne), 0x00000000bf800000ull) == S(kNegOne));
    CHECK(fsgnjn_s(0x1234, 0x1234) == S(0xffc00000));
}

TEST_CASE("riscv fpu: float -> integer saturation table", "[riscv][fpu]") {
    struct Case {
        uint64_t (*fn)(uint64_t, unsigned, uint32_t&);
        uint64_t in;
        unsigned rm;
        uint64_t out;
        uint32_t flags;
    };
    const uint64_t W_MAX = 0x7fffffff, W_MIN = 0xffffffff80000000ull, ALL = ~uint64_t(0);
    const uint64_t L_MAX = 0x7fffffffffffffff, L_MIN = 0x8000000000000000ull;
    const Case cases[] = {
        // fcvt.w.s
        {fcvt_w_s, S(kQNaN), RNE, W_MAX, NV},
        {fcvt_w_s, S(kSNaN), RNE, W_MAX, NV},
        {fcvt_w_s, S(0xffc00000), RNE, W_MAX, NV},  // negative NaN still -> max
        {fcvt_w_s, S(kInf), RNE, W_MAX, NV},
        {fcvt_w_s, S(kNegInf), RNE, W_MIN, NV},
        {fcvt_w_s, S(0x4f32d05e), RNE, W_MAX, NV},   // 3e9
        {fcvt_w_s, S(0xcf32d05e), RNE, W_MIN, NV},   // -3e9
        {fcvt_w_s, S(0xcf000000), RNE, W_MIN, 0},    // -2^31 exactly
        {fcvt_w_s, S(0x3fc00000), RNE, 2, NX},       // 1.5
        {fcvt_w_s, S(0xbfc00000), RTZ, ALL, NX},     // -1.5 -> -1
        // fcvt.wu.s: 32-bit result, sign-extended to 64
        {fcvt_wu_s, S(kQNaN), RNE, ALL, NV},
        {fcvt_wu_s, S(kInf), RNE, ALL, NV},
        {fcvt_wu_s, S(kNegInf), RNE, 0, NV},
        {fcvt_wu_s, S(kNegOne), RNE, 0, NV},
        {fcvt_wu_s, S(0xbf000000), RTZ, 0, NX},      // -0.5 -> -0 is in range
        {fcvt_wu_s, S(0xbf000000), RDN, 0, NV},      // -0.5 -> -1 is not
        {fcvt_wu_s, S(0x4f32d05e), RNE, 0xffffffffb2d05e00ull, 0},
        {fcvt_wu_s, S(0x4f800000), RNE, ALL, NV},    // 2^32
        // fcvt.l.s / fcvt.lu.s
        {fcvt_l_s, S(kQNaN), RNE, L_MAX, NV},
        {fcvt_l_s, S(kInf), RNE, L_MAX, NV},
        {fcvt_l_s, S(kNegInf), RNE, L_MIN, NV},
        {fcvt_l_s, S(0xdf000000), RNE, L_MIN, 0},    // -2^63
        {fcvt_l_s, S(0x5f000000), RNE, L_MAX, NV},   // 2^63
        {fcvt_lu_s, S(kSNaN), RNE, ALL, NV},
        {fcvt_lu_s, S(kInf), RNE, ALL, NV},
        {fcvt_lu_s, S(kNegInf), RNE, 0, NV},
        {fcvt_lu_s, S(kNegOne), RNE, 0, NV},
        {fcvt_lu_s, S(0x5f000000), RNE, L_MIN, 0},   // 2^63 fits unsigned
        {fcvt_lu_s, S(0x5f800000), RNE, ALL, NV},    // 2^64
        // doubles
        {fcvt_w_d, 0x41dfffffffc00000, RNE, W_MAX, 0},   // 2^31 - 1
        {fcvt_w_d, 0x41e0000000000000, RNE, W_MAX, NV},  // 2^31
        {fcvt_w_d, 0x41dfffffffe00000, RNE, W_MAX, NV},  // 2^31 - 0.5 rounds to 2^31
        {fcvt_w_d, 0x41dfffffffe00000, RTZ, W_MAX, NX},
        {fcvt_w_d, 0xc1e0000000000000, RNE, W_MIN, 0},   // -2^31
        {fcvt_w_d, 0xc1e0000000200000, RNE, W_MIN, NV},  // -2^31 - 1
        {fcvt_w_d, 0xc1e0000000100000, RNE, W_MIN, NX},  // -2^31 - 0.5 ties to even
        {fcvt_w_d, 0xc1e0000000100000, RMM, W_MIN, NV},  // ... or away
        {fcvt_w_d, 0x4004000000000000, RNE, 2, NX},      // 2.5
        {fcvt_w_d, 0x4004000000000000, RMM, 3, NX},
        {fcvt_w_d, 0x4004000000000000, RUP, 3, NX},
        {fcvt_w_d, 0xbff8000000000000, RDN, 0xfffffffffffffffeull, NX},  // -1.5 -> -2
        {fcvt_w_d, 0xbff8000000000000, RUP, ALL, NX},                    // -1.5 -> -1
        {fcvt_w_d, kCanonD, RNE, W_MAX, NV},
        {fcvt_w_d, 0x8000000000000000, RNE, 0, 0},       // -0
        {fcvt_wu_d, 0x41efffffffe00000, RNE, ALL, 0},    // 2^32 - 1
        {fcvt_wu_d, 0x41f0000000000000, RNE, ALL, NV},   // 2^32
        {fcvt_wu_d, 0x41e0000000000000, RNE, 0xffffffff80000000ull, 0},  // 2^31
        {fcvt_wu_d, DNegInf, RNE, 0, NV},
        {fcvt_wu_d, DQNaN, RNE, ALL, NV},
        {fcvt_l_d, DSNaN, RNE, L_MAX, NV},
        {fcvt_l_d, DNegInf, RNE, L_MIN, NV},
        {fcvt_l_d, 0xc3e0000000000000, RNE, L_MIN, 0},   // -2^63
        {fcvt_l_d, 0x43e0000000000000, RNE, L_MAX, NV},  // 2^63
        {fcvt_l_d, 0x3fe0000000000000, RUP, 1, NX},      // 0.5
        {fcvt_lu_d, 0x43efffffffffffff, RNE, 0xfffffffffffff800ull, 0},
        {fcvt_lu_d, 0x43f0000000000000, RNE, ALL, NV},   // 2^64
        {fcvt_lu_d, DInf, RNE, ALL, NV},
        {fcvt_lu_d, DNeg1, RNE, 0, NV},
        {fcvt_lu_d, 0xbfe0000000000000, RNE, 0, NX},     // -0.5 -> -0
        {fcvt_lu_d, 0xbfe0000000000000, RMM, 0, NV},     // -0.5 -> -1
        {fcvt_lu_d, 1, RUP, 1, NX},                      // tiny positive rounds up
    };
    int i = 0;
    for (const Case& c : cases) {
        INFO("case " << i++ << " in=" << std::hex << c.in);
        uint32_t fl = 0;
        CHECK(c.fn(c.in, c.rm, fl) == c.out);
        CHECK(fl == c.flags);
    }
}

TEST_CASE("riscv fpu: integer -> float", "[riscv][fpu]") {
    uint32_t fl = 0;
    CHECK(fcvt_s_w(0x12345678ffffffffull, RNE, fl) == S(kNegOne));  // only low 32 bits
    CHECK(fcvt_s_w(0x80000000, RNE, fl) == S(0xcf000000));
    CHECK(fcvt_s_l(0x8000000000000000ull, RNE, fl) == S(0xdf000000));
    CHECK(fcvt_s_w(0, RNE, fl) == S(0));  // +0, never -0
    CHECK(fcvt_d_w(0xffffffff80000000ull, RNE, fl) == 0xc1e0000000000000);
    CHECK(fcvt_d_wu(0x80000000, RNE, fl) == 0x41e0000000000000);
    CHECK(fcvt_d_wu(0xffffffff00000001ull, RNE, fl) == D1);
    CHECK(fcvt_d_l(~uint64_t(0), RNE, fl) == DNeg1);
    CHECK(fl == 0);
    CHECK(fcvt_s_wu(0x12345678ffffffffull, RNE, fl) == S(0x4f800000));  // 2^32 - 1 -> 2^32
    CHECK(fl == NX);
    fl = 0;
    CHECK(fcvt_s_wu(0xffffffff, RTZ, fl) == S(0x4f7fffff));
    CHECK(fcvt_s_lu(~uint64_t(0), RNE, fl) == S(0x5f800000));
    CHECK(fcvt_d_lu(~uint64_t(0), RNE, fl) == 0x43f0000000000000);
    CHECK(fcvt_d_lu(~uint64_t(0), RDN, fl) == 0x43efffffffffffff);
    CHECK(fcvt_d_l(0x7fffffffffffffff, RTZ, fl) == 0x43dfffffffffffff);
    CHECK(fl == NX);
    // Ties: 2^24 + 1 between 2^24 and 2^24 + 2.
    CHECK(fcvt_s_w(0x01000001, RNE, fl) == S(0x4b800000));
    CHECK(fcvt_s_w(0x01000001, RMM, fl) == S(0x4b800001));
    CHECK(fcvt_s_w(0x01000001, RUP, fl) == S(0x4b800001));
    CHECK(fcvt_s_w(uint32_t(-0x01000001), RMM, fl) == S(0xcb800001));
    CHECK(fcvt_s_w(uint32_t(-0x01000001), RUP, fl) == S(0xcb800000));
}

TEST_CASE("riscv fpu: fused multiply-add variants", "[riscv][fpu]") {
    uint32_t fl = 0;
    // a=2, b=3, c=1
    const uint64_t a = S(kTwo), b = S(kThree), c = S(kOne);
    CHECK(fmadd_s(a, b, c, RNE, fl) == S(0x40e00000));   //  7
    CHECK(fmsub_s(a, b, c, RNE, fl) == S(0x40a00000));   //  5
    CHECK(fnmsub_s(a, b, c, RNE, fl) == S(0xc0a00000));  // -5
    CHECK(fnmadd_s(a, b, c, RNE, fl) == S(0xc0e00000));  // -7
    CHECK(fmadd_d(D2, 0x4008000000000000, D1, RNE, fl) == 0x401c000000000000);
    CHECK(fnmadd_d(D2, 0x4008000000000000, D1, RNE, fl) == 0xc01c000000000000);
    CHECK(fl == 0);
    // Signs of exact zeros: 1*(+0) with addend +0.
    CHECK(fmadd_d(D1, 0, 0, RNE, fl) == 0);
    CHECK(fmsub_d(D1, 0, 0, RNE, fl) == 0);                     // +0 - +0 = +0
    CHECK(fmsub_d(D1, 0, 0, RDN, fl) == 0x8000000000000000);    // ... -0 rounding down
    CHECK(fnmsub_d(D1, 0, 0, RNE, fl) == 0);                    // -0 + +0 = +0
    CHECK(fnmadd_d(D1, 0, 0, RNE, fl) == 0x8000000000000000);   // -0 - +0 = -0
    CHECK(fmadd_s(a, S(kNegOne), a, RNE, fl) == S(0));          // 2*-1 + 2 = +0
    CHECK(fmadd_s(a, S(kNegOne), a, RDN, fl) == S(0x80000000));
    CHECK(fl == 0);
    // Single rounding: 1+2^-23 squared minus (1 + 2^-22) is exactly 2^-46; a
    // separately rounded product would lose it.
    CHECK(fmsub_s(S(0x3f800001), S(0x3f800001), S(0x3f800002), RNE, fl) == S(0x28800000));
    CHECK(fl == 0);
    // 0 * inf + qNaN raises NV on RISC-V.
    CHECK(fmadd_s(S(0), S(kInf), S(kQNaN), RNE, fl) == kCanonS);
    CHECK(fl == NV);
    fl = 0;
    CHECK(fnmadd_d(DInf, 0, DQNaN, RNE, fl) == kCanonD);
    CHECK(fl == NV);
    fl = 0;
    CHECK(fmadd_s(S(0), S(kInf), kOne /*unboxed -> qNaN*/, RNE, fl) == kCanonS);
    CHECK(fl == NV);
    fl = 0;
    CHECK(fmadd_s(S(kQNaN), S(kOne), S(kOne), RNE, fl) == kCanonS);
    CHECK(fl == 0);
    // inf - inf inside fma
    CHECK(fmsub_d(DInf, D1, DInf, RNE, fl) == kCanonD);
    CHECK(fl == NV);
    fl = 0;
    CHECK(fnmsub_d(DInf, D1, DInf, RNE, fl) == kCanonD);  // -inf + inf
    CHECK(fl == NV);
    fl = 0;
    CHECK(fnmadd_d(DInf, D1, DInf, RNE, fl) == DNegInf);  // -inf - inf
    CHECK(fl == 0);
}

TEST_CASE("riscv fpu: exceptions and rounding modes", "[riscv][fpu]") {
    uint32_t fl = 0;
    CHECK(fdiv_s(S(kOne), S(0), RNE, fl) == S(kInf));
    CHECK(fl == DZ);
    fl = 0;
    CHECK(fdiv_d(DNeg1, 0, RNE, fl) == DNegInf);
    CHECK(fl == DZ);
    fl = 0;
    CHECK(fdiv_d(DInf, 0, RNE, fl) == DInf);  // inf / 0 is exact: no DZ
    CHECK(fdiv_d(0, 0x8000000000000000, RNE, fl) == kCanonD);
    CHECK(fl == NV);
    fl = 0;
    CHECK(fsqrt_d(0x8000000000000000, RNE, fl) == 0x8000000000000000);
    CHECK(fsqrt_s(S(0x40800000), RNE, fl) == S(kTwo));
    CHECK(fl == 0);
    CHECK(fmul_d(0x7fefffffffffffff, D2, RTZ, fl) == 0x7fefffffffffffff);
    CHECK(fl == (OF | NX));
    fl = 0;
    CHECK(fmul_s(S(0x00800000), S(0x3f000001), RNE, fl) == S(0x00400000));
    CHECK(fl == (UF | NX));
    fl = 0;
    CHECK(fmul_s(S(0x00800000), S(0x3f000000), RNE, fl) == S(0x00400000));  // exact: no UF
    CHECK(fl == 0);
    // 1 + 2^-24: the halfway point between 1 and its successor.
    struct R { unsigned rm; uint32_t pos, neg; };
    const R rs[] = {{RNE, 0x3f800000, 0xbf800000}, {RTZ, 0x3f800000, 0xbf800000},
                    {RDN, 0x3f800000, 0xbf800001}, {RUP, 0x3f800001, 0xbf800000},
                    {RMM, 0x3f800001, 0xbf800001}};
    for (const R& r : rs) {
        INFO("rm " << r.rm);
        fl = 0;
        CHECK(fadd_s(S(kOne), S(0x33800000), r.rm, fl) == S(r.pos));
        CHECK(fadd_s(S(kNegOne), S(0xb3800000), r.rm, fl) == S(r.neg));
        CHECK(fl == NX);
    }
    // fcvt.s.d rounding and overflow
    fl = 0;
    CHECK(fcvt_s_d(0x3ff0000010000000, RNE, fl) == S(0x3f800000));  // 1 + 2^-24 tie -> even
    CHECK(fcvt_s_d(0x3ff0000010000000, RMM, fl) == S(0x3f800001));
    CHECK(fl == NX);
    fl = 0;
    CHECK(fcvt_s_d(0x47f0000000000000, RNE, fl) == S(kInf));  // 2^128
    CHECK(fl == (OF | NX));
    fl = 0;
    CHECK(fcvt_s_d(0x47f0000000000000, RTZ, fl) == S(0x7f7fffff));
    CHECK(fcvt_d_s(S(0x00000001), RNE, fl) == 0x36a0000000000000);  // 2^-149 widened exactly
    CHECK(fl == (OF | NX));
}

// Bit-exact x87 arithmetic on the 80-bit double-extended format, in software.
//
// The x87 is not plain IEEE: it has an explicit integer bit (so encodings
// exist that IEEE does not have: pseudo-denormals, unnormals, pseudo-NaNs,
// pseudo-infinities), a precision control that rounds significands to 24, 53
// or 64 bits while keeping the 15-bit exponent range, its own NaN selection
// rule (the larger significand wins), a "denormal operand" exception, C1 =
// "rounded up", and unmasked overflow/underflow responses that deliver the
// rounded result with its exponent wrapped by 24576.  This library models all
// of that for one operation at a time; the x87 register stack, tags and
// the status word live with the CPU (the caller).
//
// Every operation takes the guest's control word and returns the value the
// destination receives plus a status word fragment (same bit positions as the
// FSW): the exception bits the operation raised (IE DE ZE OE UE PE) and the
// condition codes it defines (C1 = rounded up for rounding operations; C0 C2 C3
// for comparisons and FPREM).  Callers merge the exception bits into the FSW
// (they are sticky) and replace the condition codes.  When an exception is
// raised that the control word leaves unmasked, x87 semantics say:
//   IE, ZE, DE: the destination is NOT written (the returned value is to be
//               ignored); an unmasked DE stops the operation before anything
//               else is detected, so the status is then DE alone;
//   OE, UE:     a register destination receives the returned value, which is
//               then already the rounded result with its exponent wrapped by
//               -/+24576 (a result out of range even so, which only FSCALE
//               can make, becomes infinity or zero); a memory destination
//               (to_f32/to_f64) is NOT written;
//   PE:         the destination is written normally.
// For any unmasked exception the caller also sets ES and B and raises #MF (or,
// on old boards, FERR#) at the next waiting x87 instruction.
//
// Details the SDM leaves open (NaN ties, FPREM's step size, tininess with
// precision control, denormal-operand ordering, out-of-domain transcendental
// arguments) follow what the test host's x87 does (an AMD EPYC; an Intel x87
// may differ where the SDM says "undefined" or "implementation-dependent"):
// tests/unit/softfloat80_test.cpp compares every operation bit for bit and
// flag for flag with the host's x87 unit in all rounding and precision modes,
// with masked and unmasked exceptions.
#pragma once

#include <cstdint>

#include "common/softfloat.h"

namespace kiln::sf::x87 {

// One 80-bit register or memory operand: significand with its explicit
// integer bit at bit 63, then sign (bit 15) and biased exponent (bits 14..0),
// exactly as the 10 bytes lie in memory (little-endian, sig first).
struct F80 {
    uint64_t sig = 0;
    uint16_t se = 0;
    constexpr bool sign() const { return se & 0x8000; }
    constexpr int biased_exp() const { return se & 0x7FFF; }
    friend constexpr bool operator==(F80 a, F80 b) { return a.sig == b.sig && a.se == b.se; }
};

constexpr int kBias = 16383;
constexpr int kMaxBiasedExp = 0x7FFF;
constexpr uint64_t kIntegerBit = uint64_t(1) << 63;
constexpr uint64_t kQuietBit = uint64_t(1) << 62;
// Unmasked overflow/underflow wrap the exponent by 3 * 2^13.
constexpr int kExponentWrap = 24576;
// The "real indefinite" QNaN, the masked response to invalid operations.
constexpr F80 kIndefinite{0xC000000000000000ull, 0xFFFF};

// Bits of the status word (FSW) this library reports.
enum StatusBit : uint16_t {
    IE = 0x0001,  // invalid operation
    DE = 0x0002,  // denormal operand
    ZE = 0x0004,  // zero divide
    OE = 0x0008,  // overflow
    UE = 0x0010,  // underflow
    PE = 0x0020,  // precision (inexact)
    C0 = 0x0100,
    C1 = 0x0200,
    C2 = 0x0400,
    C3 = 0x4000,
};
constexpr uint16_t kExceptionBits = IE | DE | ZE | OE | UE | PE;
constexpr uint16_t kConditionBits = C0 | C1 | C2 | C3;

// The fields of the control word (FCW) arithmetic depends on: exception masks
// (bits 0..5, set = masked), precision control (bits 8..9) and rounding control
// (bits 10..11).  The power-on value 0x037F masks everything and selects
// 64-bit precision and round to nearest.
struct Control {
    uint16_t cw = 0x037F;
    constexpr bool masked(uint16_t exception) const { return (cw & exception) != 0; }
    constexpr Round rounding() const {
        constexpr Round kByRc[4] = {Round::NearestEven, Round::Down, Round::Up, Round::TowardZero};
        return kByRc[(cw >> 10) & 3];
    }
    // Significand bits kept by FADD/FSUB/FMUL/FDIV/FSQRT: PC 00 -> 24,
    // 10 -> 53, 11 -> 64; the reserved 01 behaves as 64 (as on the test
    // host).
    constexpr int precision() const {
        constexpr int kByPc[4] = {24, 64, 53, 64};
        return kByPc[(cw >> 8) & 3];
    }
};

// The x87 classes of an 80-bit encoding (SDM Vol. 1 §8.2.2, Table 8-3).  The
// last three are "unsupported" encodings: as operands they raise IE.
enum class Class : uint8_t {
    Zero,
    Denormal,        // exponent 0, integer bit 0, fraction != 0
    PseudoDenormal,  // exponent 0, integer bit 1: read as a denormal (DE)
    Normal,
    Infinity,
    QNaN,
    SNaN,
    Unnormal,        // exponent 1..7FFE, integer bit 0
    PseudoNaN,       // exponent 7FFF, integer bit 0, fraction != 0
    PseudoInfinity,  // exponent 7FFF, integer bit 0, fraction 0
};
Class classify(F80 x);
inline bool is_nan(F80 x) { Class c = classify(x); return c == Class::QNaN || c == Class::SNaN; }

struct Result {
    F80 value;
    uint16_t status;  // exception bits raised | condition codes defined
};

// ---- arithmetic (precision control applies) ------------------------------
// status: exceptions | C1 (set iff the result was rounded up in magnitude).
Result add(F80 a, F80 b, Control c);
Result sub(F80 a, F80 b, Control c);  // a - b
Result mul(F80 a, F80 b, Control c);
Result div(F80 a, F80 b, Control c);  // a / b
Result sqrt(F80 a, Control c);

// ---- x87-specific operations (always 64-bit precision) -------------------
Result round_to_int(F80 a, Control c);  // FRNDINT, in the control word's rounding mode
Result scale(F80 st0, F80 st1, Control c);  // FSCALE: st0 * 2^trunc(st1)
// FXTRACT: `exponent` (the unbiased exponent as a value) replaces ST(0), then
// `significand` (same sign, exponent 0) is pushed.  Zero: ZE, exponent -inf.
struct Extracted {
    F80 exponent, significand;
    uint16_t status;
};
Extracted extract(F80 a, Control c);
// FPREM (truncating quotient) and FPREM1 (IEEE remainder, nearest quotient).
// status: exceptions | C2 (reduction incomplete, run again) | the low three
// quotient bits Q2 Q1 Q0 in C0 C3 C1 when complete (all three clear when
// incomplete).  The remainder is exact.
Result partial_remainder(F80 st0, F80 st1, Control c);   // FPREM
Result ieee_remainder(F80 st0, F80 st1, Control c);      // FPREM1

// ---- transcendentals (64-bit precision) ----------------------------------
// Evaluated in 128-bit working precision and rounded once: the correctly
// rounded value except within ~2^-100 (relative) of a rounding boundary
// (3000 random arguments per function, |x| < 1 for the trigonometric ones,
// all matched an mpmath reference in round-to-nearest).  FSIN/FCOS/
// FSINCOS/FPTAN reduce the argument with the x87's own 66-bit pi, so large
// arguments and those near multiples of pi/2 give what hardware gives, not
// the true sine.  A real x87 is itself not correctly rounded: against the
// (AMD) test host, results are bit-identical in ~93% (FSIN, FCOS, F2XM1), 85%
// (FPTAN), 97.5% (FYL2X, FYL2XP1) and 99% (FPATAN) of random in-domain cases
// and one ulp apart otherwise (C1 then follows each side's own rounding);
// special operands and exception flags agree exactly.  PE is always raised
// for a computed result, as the x87 does even when the true value is exact
// (FYL2X of a power of two).  status: exceptions | C1 (rounded up) | C2 for
// the trigonometric ones (|x| >= 2^63: out of range, the operand is returned
// unchanged and nothing else is reported).  Outside an instruction's
// documented domain (F2XM1 beyond +-1, FYL2XP1 beyond 1 - sqrt(2)/2) the SDM
// calls results undefined; the library does what the test host does (see
// softfloat80_trans.cpp).
Result sine(F80 a, Control c);     // FSIN
Result cosine(F80 a, Control c);   // FCOS
Result tangent(F80 a, Control c);  // FPTAN's tangent (the caller then pushes +1.0)
// FSINCOS: the sine replaces ST(0), then the cosine is pushed (not when C2).
// One status word: both operations' exceptions, C1 of the sine.
struct SineCosine {
    F80 sine, cosine;
    uint16_t status;
};
SineCosine sine_cosine(F80 a, Control c);
Result exp2m1(F80 a, Control c);   // F2XM1: 2^x - 1, meant for -1 <= x <= 1
Result ylog2x(F80 st0, F80 st1, Control c);    // FYL2X: st1 * log2(st0)
Result ylog2xp1(F80 st0, F80 st1, Control c);  // FYL2XP1: st1 * log2(st0 + 1)
Result arctangent(F80 st0, F80 st1, Control c);  // FPATAN: atan2(st1, st0)

// FLDL2T, FLDL2E, FLDPI, FLDLG2, FLDLN2: the constant rounded in the control
// word's rounding mode (precision control does not apply; nothing is raised
// and C1 is cleared).  FLD1 and FLDZ are exact: from_int(1), from_int(0).
enum class Constant : uint8_t { Log2Ten, Log2E, Pi, Log10Two, LnTwo };
F80 load_constant(Constant k, Control c);

// ---- comparison ----------------------------------------------------------
// FCOM (quiet=false: any NaN raises IE) and FUCOM (quiet=true: only SNaN does).
// Returns IE/DE | C3 C2 C0 = 000 (a > b), 001 (a < b), 100 (a == b),
// 111 (unordered).  FCOMI/FUCOMI map C3->ZF, C2->PF, C0->CF.  FTST is
// compare(a, +0, false).
uint16_t compare(F80 a, F80 b, bool quiet);
// FXAM: C3 C2 C0 class code and C1 = sign; raises nothing.
uint16_t examine(F80 a);

// ---- conversions ---------------------------------------------------------
// FLD m80 / FSTP m80 need no library: they move the 10 bytes unchanged and
// raise nothing, not even for an SNaN or a denormal.
// FILD: exact.
F80 from_int(int64_t v);
// FIST/FISTP to a `width`-bit integer (16, 32 or 64) in the control word's
// rounding mode (FISTTP: pass truncate=true).  NaN, infinity, unsupported
// encodings and out-of-range values raise IE and give the integer indefinite
// (only the top bit set); inexact results raise PE and set C1 if rounded up.
struct IntResult {
    int64_t value;  // sign-extended from `width` bits
    uint16_t status;
};
IntResult to_int(F80 a, int width, Control c, bool truncate = false);

// FLD m32/m64: exact; a denormal raises DE, an SNaN raises IE and is quieted.
Result from_f32(uint32_t bits);
Result from_f64(uint64_t bits);
// FST/FSTP m32/m64: rounded in the control word's rounding mode to the
// destination format (precision control does not apply).  Stores never
// report DE.  An unmasked OE/UE reports that bit alone (memory is not
// written; `value` is then the masked response).
struct F32Result {
    uint32_t value;
    uint16_t status;
};
struct F64Result {
    uint64_t value;
    uint16_t status;
};
F32Result to_f32(F80 a, Control c);
F64Result to_f64(F80 a, Control c);

// FBLD / FBSTP: 18-digit packed BCD, 10 bytes little-endian, sign in bit 7 of
// byte 9.  Loading is exact and raises nothing (the SDM leaves digits above 9
// undefined; this library computes sum(digit * 10^i) with them, as the test
// host does).  Storing rounds with the control word's mode;
// |value| >= 10^18, NaN, infinity and unsupported encodings raise IE and give
// the packed BCD indefinite (bytes 0..9 = 00 x7, C0, FF, FF).
struct Bcd {
    uint8_t bytes[10];
};
Result from_bcd(const Bcd& b);
struct BcdResult {
    Bcd value;
    uint16_t status;
};
BcdResult to_bcd(F80 a, Control c);

}  // namespace kiln::sf::x87

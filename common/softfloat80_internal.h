// Pieces shared by softfloat80.cpp (arithmetic, comparison, conversions) and
// softfloat80_ops.cpp (FRNDINT, FSCALE, FXTRACT, FPREM, BCD): the unpacked form
// of an operand, the single rounding routine every result goes through, and
// x87 NaN selection.  Internal to common/.
#pragma once

#include "common/softfloat80.h"
#include "common/softfloat_internal.h"

namespace kiln::sf::x87::detail {

using sf::detail::u128;

constexpr int kEmin = 1 - kBias;  // exponent of the smallest normal
constexpr int kEmax = kBias;      // exponent of the largest finite

enum class Kind : uint8_t { Zero, Finite, Inf, QNaN, SNaN, Unsupported };

// Finite nonzero values are sign * sig * 2^exp with sig normalised (bit 63
// set); denormals and pseudo-denormals are normalised too and flagged.
struct Unpacked {
    Kind kind;
    bool sign;
    bool denormal;  // denormal or pseudo-denormal operand (DE)
    int exp;
    uint64_t sig;
    bool is_nan() const { return kind == Kind::QNaN || kind == Kind::SNaN; }
};
Unpacked unpack(F80 x);

// The destination of a rounding: significand bits of the format and its
// normal exponent range.  Precision control may round to fewer bits.
struct Target {
    int prec;
    int emin, emax;
};
constexpr Target kExtended{64, kEmin, kEmax};

// A rounded result sign * m * 2^q (m == 0: zero), or an infinity, with the
// status bits the rounding raised (OE UE PE C1).
struct Rounded {
    bool sign;
    bool inf;
    u128 m;
    int q;
    uint16_t status;
};
// Rounds sign * sig * 2^exp (sig != 0) to `prec` bits in the range of `t`, in
// the control word's rounding mode, with x87 overflow/underflow responses:
// masked ones give infinity/largest finite and denormals; unmasked ones give
// the result rounded to `prec` bits with its exponent wrapped by 24576.
Rounded round_value(bool sign, int exp, u128 sig, int prec, const Target& t, Round rm, Control c);
F80 encode(const Rounded& r);
// round_value + encode for a register destination.
Result round_to_register(bool sign, int exp, u128 sig, int prec, Control c);

constexpr F80 zero(bool sign) { return {0, uint16_t(sign ? 0x8000 : 0)}; }
constexpr F80 infinity(bool sign) { return {kIntegerBit, uint16_t((sign ? 0x8000 : 0) | kMaxBiasedExp)}; }
// The integer sign * mag, exactly.
F80 from_magnitude(bool sign, uint64_t mag);
constexpr F80 quiet(F80 x) { return {x.sig | kQuietBit, x.se}; }

// Result of an operation whose operands include a NaN or an unsupported
// encoding (returns false if there is none): IE for SNaN and unsupported
// operands, then the NaN Table 4-7 selects (or the indefinite).
bool special_nan_result(F80 a, const Unpacked& ua, F80 b, const Unpacked& ub, Result& out);
bool special_nan_result(F80 a, const Unpacked& ua, Result& out);
// An unmasked denormal-operand exception stops the operation before it
// computes anything: the status then holds DE alone.
constexpr bool denormal_trap(uint16_t de, Control c) { return de && !c.masked(DE); }
inline Result invalid() { return {kIndefinite, IE}; }

}  // namespace kiln::sf::x87::detail

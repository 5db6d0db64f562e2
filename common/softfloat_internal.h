// Integer helpers shared by the IEEE (softfloat.cpp) and x87 (softfloat80*.cpp)
// implementations: 128-bit shifts that keep a sticky bit, rounding a 128-bit
// significand to an integer in any rounding mode, and an exact integer square
// root.  Internal to common/; not part of the softfloat API.
#pragma once

#include <cmath>
#include <cstdint>

#include "common/softfloat.h"

namespace kiln::sf::detail {

using u128 = unsigned __int128;

inline int msb_index(u128 x) {  // x != 0
    const uint64_t hi = uint64_t(x >> 64);
    return hi ? 127 - __builtin_clzll(hi) : 63 - __builtin_clzll(uint64_t(x));
}

// Shift right, OR-ing everything shifted out into bit 0 so rounding still
// sees that the value was not exact.
inline u128 shift_right_jam(u128 x, int n) {
    if (n <= 0) return x;
    if (n >= 128) return x != 0;
    return (x >> n) | u128((x << (128 - n)) != 0);
}

// Divide x by 2^n and round to an integer according to rm (n may be <= 0, then
// the shift is exact).  `negative` is the sign of the value x stands for,
// needed by the directed modes.  Sets `inexact` if bits were lost and, when
// asked, `rounded_up` if the magnitude was increased (x87's C1).
inline u128 round_shift(u128 x, int n, bool negative, Round rm, bool& inexact,
                        bool* rounded_up = nullptr) {
    if (rounded_up) *rounded_up = false;
    if (n <= 0) {
        inexact = false;
        return x << -n;
    }
    // Far right shifts: pre-shift with jamming.  The guard bit stays at bit
    // >= 1 so jamming into bit 0 cannot change the rounding decision.
    if (n > 120) {
        x = shift_right_jam(x, n - 120);
        n = 120;
    }
    const u128 rem = x & ((u128(1) << n) - 1);
    const u128 half = u128(1) << (n - 1);
    const u128 q = x >> n;
    inexact = rem != 0;
    bool up = false;
    switch (rm) {
        case Round::NearestEven: up = rem > half || (rem == half && (q & 1)); break;
        case Round::NearestMaxMag: up = rem >= half; break;
        case Round::TowardZero: break;
        case Round::Down: up = negative && rem != 0; break;
        case Round::Up: up = !negative && rem != 0; break;
    }
    if (rounded_up) *rounded_up = up;
    return q + up;
}

// floor(sqrt(n)) for n > 0; `exact` tells whether the remainder is zero.  The
// host's double square root only supplies a starting point; it can be off by
// up to ~2^11 units for 128-bit n (53-bit precision), whatever the host
// rounding mode.  One integer Newton step, r += (n - r*r) / 2r, shrinks that
// error e to about e*e/2r < 1, and the loops fix the last unit, so the result
// is exact and never depends on the host FPU.  The root is below 2^64, so r is
// clamped there to keep r*r inside 128 bits.
inline u128 isqrt(u128 n, bool& exact) {
    constexpr u128 kMaxRoot = ~uint64_t(0);
    auto clamp = [&](u128 r) { return r > kMaxRoot ? kMaxRoot : r; };
    // (Two 64-bit conversions: cheaper than the generic 128-bit one.)
    const double approx = double(uint64_t(n >> 64)) * 0x1p64 + double(uint64_t(n));
    u128 r = clamp(u128(std::sqrt(approx)));
    if (r != 0) {
        const u128 sq = r * r;
        if (sq > n)
            r -= (sq - n) / (2 * r);
        else
            r = clamp(r + (n - sq) / (2 * r));
    }
    while (r * r > n) --r;
    while (r < kMaxRoot && (r + 1) * (r + 1) <= n) ++r;
    exact = r * r == n;
    return r;
}

}  // namespace kiln::sf::detail

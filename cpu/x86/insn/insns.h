// Declarations of every x86 semantics function named in cpu/x86/opcodes.inc,
// and the shapes they share.
#pragma once
#include "cpu/x86/translate.h"

namespace kiln::x86 {

#define ROW(op, reg, NAME, ops, flags) bool NAME(Ctx&);
#define ROWP(op, reg, pfx, NAME, ops, flags, need) bool NAME(Ctx&);
#define ROWF(op, reg, NAME, ops, flags, need) bool NAME(Ctx&);
#include "cpu/x86/opcodes.inc"
#undef ROWF
#undef ROWP
#undef ROW

// Runs `f.template operator()<W>()` with W the IR type of `bits` (8, 16, 32 or 64).
template <class F>
bool by_width(unsigned bits, F&& f) {
  switch (bits) {
    case 8: return f.template operator()<T::I8>();
    case 16: return f.template operator()<T::I16>();
    case 32: return f.template operator()<T::I32>();
    default: return f.template operator()<T::I64>();
  }
}
// The IR type twice as wide as W (for W up to 32 bits).
template <T W> struct Double;
template <> struct Double<T::I8> { static constexpr T type = T::I16; };
template <> struct Double<T::I16> { static constexpr T type = T::I32; };
template <> struct Double<T::I32> { static constexpr T type = T::I64; };

}  // namespace kiln::x86

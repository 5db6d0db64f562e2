// Declarations of every x86 semantics function named in cpu/x86/opcodes.inc,
// and the shapes they share.
#pragma once
#include "cpu/x86/translate.h"

namespace kiln::x86 {

#define ROW(op, reg, NAME, ops, flags) bool NAME(Ctx&);
#include "cpu/x86/opcodes.inc"
#undef ROW

// Runs `f.template operator()<W>()` with W the IR type of `bits` (8 or 16).
template <class F>
bool by_width(unsigned bits, F&& f) {
  if (bits == 8) return f.template operator()<T::I8>();
  return f.template operator()<T::I16>();
}

}  // namespace kiln::x86

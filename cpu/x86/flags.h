// Lazy arithmetic flags (docs/design.md §3, §5). An instruction that sets
// flags stores (kind, operands, result) in the state's cc_* fields; whoever
// needs a flag computes just that one. This header holds the C++ reference of
// every kind (what the materializing helper runs, and what the unit tests
// check the IR readers in cpu/x86/translate.cpp against).
#pragma once
#include <cstdint>

#include "cpu/x86/state.h"

namespace kiln::x86 {

constexpr unsigned cc_width(CcOp op) {
  return op == CcOp::Eflags ? 0 : 8u << ((unsigned(op) - 1) % 4);
}
// The kind for a family (Add8, Sub8, Logic8, Inc8, Dec8, Mul8) at `bits` width.
constexpr CcOp cc_at_width(CcOp family8, unsigned bits) {
  unsigned w = bits == 8 ? 0 : bits == 16 ? 1 : bits == 32 ? 2 : 3;
  return CcOp(unsigned(family8) + w);
}

constexpr bool parity_even(uint64_t v) { return (__builtin_popcountll(v & 0xff) & 1) == 0; }

// CF, PF, AF, ZF, SF and OF of the operation stored as (op, src, src2, dst).
constexpr uint32_t arith_flags(CcOp op, uint64_t src, uint64_t src2, uint64_t dst) {
  if (op == CcOp::Eflags) return uint32_t(src) & fl::kArith;
  const unsigned w = cc_width(op);
  const uint64_t mask = w == 64 ? ~0ull : (1ull << w) - 1;
  const uint64_t a = src & mask, r = dst & mask;
  uint64_t b = src2 & mask;
  auto msb = [&](uint64_t v) { return uint32_t((v >> (w - 1)) & 1); };
  uint32_t f = 0;
  if (parity_even(r)) f |= fl::PF;
  if (r == 0) f |= fl::ZF;
  if (msb(r)) f |= fl::SF;
  const unsigned family = (unsigned(op) - 1) / 4;  // 0 Add, 1 Sub, 2 Logic, 3 Inc, 4 Dec, 5 Mul
  const bool old_cf = src2 & 1;
  if (family == 3 || family == 4) b = 1;
  switch (family) {
    case 0:
    case 3:
      if (family == 0 ? msb((a & b) | ((a | b) & ~r)) : old_cf) f |= fl::CF;
      if (msb((a ^ r) & (b ^ r))) f |= fl::OF;
      if ((a ^ b ^ r) & 0x10) f |= fl::AF;
      break;
    case 1:
    case 4:
      if (family == 1 ? msb((~a & b) | (~(a ^ b) & r)) : old_cf) f |= fl::CF;
      if (msb((a ^ b) & (a ^ r))) f |= fl::OF;
      if ((a ^ b ^ r) & 0x10) f |= fl::AF;
      break;
    case 5:
      f &= ~fl::ZF;
      if (src2 & 1) f |= fl::CF | fl::OF;
      break;
    default:
      break;
  }
  return f;
}

inline uint32_t arith_flags(const X86State& s) { return arith_flags(CcOp(s.cc_op), s.cc_src, s.cc_src2, s.cc_dst); }
// The whole FLAGS register as PUSHF, interrupts and the debugger see it.
inline uint32_t read_flags(const X86State& s) { return (uint32_t(s.flags) & ~fl::kArith) | arith_flags(s); }
// Loads FLAGS (POPF, IRET, SST state): the arithmetic bits become kind Eflags.
void write_flags(X86State& s, uint32_t value);

}  // namespace kiln::x86

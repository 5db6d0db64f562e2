// The meaning of every pure integer op, once: the constant folder and the
// interpreter both call these, so folding can never disagree with execution.
// Values are held zero-extended in uint64_t; `bits` is the operand width.
#pragma once
#include <bit>
#include <cstdint>

#include "ir/ir.h"

namespace kiln::ir::eval {

inline uint64_t mask(unsigned bits) { return bits >= 64 ? ~0ull : (1ull << bits) - 1; }
inline int64_t sx(uint64_t v, unsigned bits) {
  return bits >= 64 ? int64_t(v) : int64_t(v << (64 - bits)) >> (64 - bits);
}

inline uint64_t mulh_u(uint64_t a, uint64_t b, unsigned bits) {
  if (bits == 64) return uint64_t((unsigned __int128)a * b >> 64);
  return (a * b) >> bits;  // operands < 2^32 so the product fits
}
inline uint64_t mulh_s(uint64_t a, uint64_t b, unsigned bits) {
  if (bits == 64) return uint64_t((__int128)int64_t(a) * int64_t(b) >> 64);
  return uint64_t((sx(a, bits) * sx(b, bits)) >> bits);
}
inline uint64_t mulh_su(uint64_t a, uint64_t b, unsigned bits) {
  if (bits == 64) return uint64_t((__int128)int64_t(a) * (unsigned __int128)b >> 64);
  return uint64_t((sx(a, bits) * int64_t(b)) >> bits);
}
inline uint64_t div_s(uint64_t a, uint64_t b, unsigned bits) {
  int64_t x = sx(a, bits), y = sx(b, bits);
  if (y == 0) return ~0ull;
  if (y == -1) return uint64_t(-(uint64_t)x);  // MIN / -1 wraps to MIN
  return uint64_t(x / y);
}
inline uint64_t rem_s(uint64_t a, uint64_t b, unsigned bits) {
  int64_t x = sx(a, bits), y = sx(b, bits);
  if (y == 0) return uint64_t(x);
  if (y == -1) return 0;
  return uint64_t(x % y);
}
inline uint64_t rotl(uint64_t a, uint64_t n, unsigned bits) {
  n &= bits - 1;
  return n == 0 ? a : (a << n) | (a >> (bits - n));
}
inline uint64_t clz(uint64_t a, unsigned bits) {
  return a == 0 ? bits : unsigned(std::countl_zero(a)) - (64 - bits);
}
inline uint64_t bswap(uint64_t a, unsigned bits) {
  return __builtin_bswap64(a) >> (64 - bits);
}

// Binary and unary pure ops; the result is masked to `bits` by the caller.
inline uint64_t binary(Op op, uint64_t a, uint64_t b, unsigned bits) {
  switch (op) {
    case Op::Add: return a + b;
    case Op::Sub: return a - b;
    case Op::Mul: return a * b;
    case Op::MulHS: return mulh_s(a, b, bits);
    case Op::MulHU: return mulh_u(a, b, bits);
    case Op::MulHSU: return mulh_su(a, b, bits);
    case Op::DivS: return div_s(a, b, bits);
    case Op::DivU: return b == 0 ? ~0ull : a / b;
    case Op::RemS: return rem_s(a, b, bits);
    case Op::RemU: return b == 0 ? a : a % b;
    case Op::And: return a & b;
    case Op::Or: return a | b;
    case Op::Xor: return a ^ b;
    case Op::Shl: return a << (b & (bits - 1));
    case Op::ShrL: return a >> (b & (bits - 1));
    case Op::ShrA: return uint64_t(sx(a, bits) >> (b & (bits - 1)));
    case Op::Rotl: return rotl(a, b, bits);
    case Op::Rotr: return rotl(a, bits - (b & (bits - 1)), bits);
    case Op::CmpEq: return a == b;
    case Op::CmpNe: return a != b;
    case Op::CmpLtS: return sx(a, bits) < sx(b, bits);
    case Op::CmpLtU: return a < b;
    case Op::CmpGeS: return sx(a, bits) >= sx(b, bits);
    case Op::CmpGeU: return a >= b;
    default: return 0;
  }
}
inline uint64_t unary(Op op, uint64_t a, unsigned bits) {
  switch (op) {
    case Op::Not: return ~a;
    case Op::Neg: return -a;
    case Op::Clz: return clz(a, bits);
    case Op::Ctz: return a == 0 ? bits : unsigned(std::countr_zero(a));
    case Op::Popcnt: return unsigned(std::popcount(a));
    case Op::Bswap: return bswap(a, bits);
    default: return 0;
  }
}
// Width change from `from` bits to the result's `to` bits.
inline uint64_t convert(Op op, uint64_t a, unsigned from, unsigned to) {
  switch (op) {
    case Op::ZExt: return a;
    case Op::SExt: return uint64_t(sx(a, from)) & mask(to);
    case Op::Trunc: return a & mask(to);
    default: return 0;
  }
}
// The value an AMO stores, given the old memory value and the operand.
inline uint64_t amo(AmoKind k, uint64_t old, uint64_t v, unsigned bits) {
  v &= mask(bits);  // the operand register is wider than a .w access
  int64_t so = sx(old, bits), sv = sx(v, bits);
  switch (k) {
    case AmoKind::Swap: return v;
    case AmoKind::Add: return old + v;
    case AmoKind::And: return old & v;
    case AmoKind::Or: return old | v;
    case AmoKind::Xor: return old ^ v;
    case AmoKind::MinS: return so < sv ? old : v;
    case AmoKind::MaxS: return so > sv ? old : v;
    case AmoKind::MinU: return old < v ? old : v;
    case AmoKind::MaxU: return old > v ? old : v;
  }
  return v;
}

inline bool is_binary(Op op) {
  return (op >= Op::Add && op <= Op::Rotr) || (op >= Op::CmpEq && op <= Op::CmpGeU);
}
inline bool is_unary(Op op) { return op >= Op::Not && op <= Op::Bswap; }
inline bool is_convert(Op op) { return op >= Op::ZExt && op <= Op::Trunc; }

}  // namespace kiln::ir::eval

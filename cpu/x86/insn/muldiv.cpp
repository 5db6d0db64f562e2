// Multiply and divide (Intel SDM Vol. 2: MUL, IMUL, DIV, IDIV; group 3).
// MUL/IMUL set CF = OF = "the upper half is significant"; of the flags the
// manual leaves undefined, SF and PF follow the low half and AF is cleared;
// ZF is cleared from the 386 on (as Intel CPUs do; the 8086 and 286 keep ZF
// of the low half). DIV/IDIV leave all six flags as they were (Intel CPUs
// do too; the manual leaves them undefined). A divide that does not fit raises
// #DE through kDivideCheck before anything changes: the 8086 pushes the
// address of the next instruction, the 286 that of the divide itself.
#include "cpu/x86/helpers.h"
#include "cpu/x86/insn/shapes.h"

namespace kiln::x86 {

namespace {
// The product of two W-bit values as (low, high) halves.
template <T W>
void product(ir::Builder& b, ir::Val<W> x, ir::Val<W> y, bool is_signed, ir::Val<W>* lo, ir::Val<W>* hi) {
  constexpr unsigned w = ir::type_bits(W);
  if constexpr (W == T::I64) {
    *lo = b.mul(x, y);
    *hi = is_signed ? b.mulhs(x, y) : b.mulhu(x, y);
  } else {
    constexpr T D = Double<W>::type;
    ir::Val<D> p = is_signed ? b.mul(b.template sext<D>(x), b.template sext<D>(y))
                             : b.mul(b.template zext<D>(x), b.template zext<D>(y));
    *lo = b.template trunc<W>(p);
    *hi = b.template trunc<W>(b.shrl(p, b.template constant<D>(w)));
  }
}

// (divisor, info: width << 1 | signed): RDX:RAX / divisor, with #DE when the
// quotient does not fit or the divisor is 0; RAX = quotient, RDX = remainder.
uint64_t divide64(void* env, uint64_t divisor, uint64_t info, uint64_t) {
  X86State* s = xs(env);
  const bool is_signed = info & 1;
  const unsigned __int128 n = (unsigned __int128)s->gpr[DX] << 64 | s->gpr[AX];
  if (divisor == 0) {
    record_fault(s, kDivideError);
    return 0;
  }
  if (!is_signed) {
    const unsigned __int128 q = n / divisor;
    if (q >> 64) {
      record_fault(s, kDivideError);
      return 0;
    }
    s->gpr[AX] = uint64_t(q);
    s->gpr[DX] = uint64_t(n % divisor);
    return 0;
  }
  // Signed: on magnitudes (the host's 128-bit signed division would trap on the extremes).
  using U128 = unsigned __int128;
  const bool neg_n = n >> 127, neg_d = int64_t(divisor) < 0;
  const U128 un = neg_n ? U128(0) - n : n;
  const U128 ud = neg_d ? U128(uint64_t(0) - divisor) : U128(divisor);
  const U128 uq = un / ud, ur = un % ud;
  const bool neg_q = neg_n != neg_d;
  if (uq > (neg_q ? (U128(1) << 63) : (U128(1) << 63) - 1)) {
    record_fault(s, kDivideError);
    return 0;
  }
  s->gpr[AX] = neg_q ? uint64_t(0) - uint64_t(uq) : uint64_t(uq);
  s->gpr[DX] = neg_n ? uint64_t(0) - uint64_t(ur) : uint64_t(ur);
  return 0;
}
const ir::Helper kDivide64{"x86_divide64", divide64, ir::kReadsState | ir::kWritesState | ir::kMayFault | ir::kAccessesRegs, 2};

// The flags of a multiply whose low half is `lo`; `wide`: the high half is significant.
template <T W>
U32 mul_flags(Ctx& c, ir::Val<W> lo, B1 wide) {
  ir::Builder& b = c.b;
  U32 f = is_386_or_later(c.model()) ? parity_sign_flags(b, lo) : result_flags(b, lo);
  return b.or_(f, b.or_(flag_bit(b, wide, fl::CF), flag_bit(b, wide, fl::OF)));
}

bool gen_mul(Ctx& c, bool is_signed) {
  return by_width(c.width(0), [&]<T W>() {
    ir::Builder& b = c.b;
    constexpr unsigned w = ir::type_bits(W);
    ir::Val<W> x = c.read<W>(0);
    ir::Val<W> acc = c.reg<W>(AX);
    ir::Val<W> lo, hi;
    product<W>(b, acc, x, is_signed, &lo, &hi);
    if constexpr (W == T::I8) {
      c.set_reg(AX, b.or_(b.zext<T::I16>(lo), b.shl(b.zext<T::I16>(hi), b.constant<T::I16>(8))));
    } else {
      c.set_reg(AX, lo);
      c.set_reg(DX, hi);
    }
    B1 wide = is_signed ? b.ne(hi, b.shra(lo, b.template constant<W>(w - 1))) : b.ne(hi, b.template constant<W>(0));
    c.set_cc_flags(mul_flags(c, lo, wide));
    return true;
  });
}

bool gen_div(Ctx& c, bool is_signed) {
  if (c.width(0) == 64) {
    c.b.call(kDivide64, c.read<T::I64>(0), c.b.c64(64 << 1 | (is_signed ? 1 : 0)));
    return true;
  }
  return by_width(c.width(0), [&]<T W>() {
    if constexpr (W == T::I64) {
      return false;
    } else {
    ir::Builder& b = c.b;
    constexpr T D = Double<W>::type;
    constexpr unsigned w = ir::type_bits(W);
    ir::Val<W> x = c.read<W>(0);
    ir::Val<D> n = [&] {
      if constexpr (W == T::I8) return c.reg<T::I16>(AX);
      else return b.or_(b.template zext<D>(c.reg<W>(AX)), b.shl(b.template zext<D>(c.reg<W>(DX)), b.template constant<D>(w)));
    }();
    const uint64_t fault_ip = c.next_ip();  // used by the 8086 only
    b.call(kDivideCheck, zext64(b, n), zext64(b, x),
           b.c64(uint64_t(fault_ip) << 16 | w << 1 | (is_signed ? 1 : 0)));
    ir::Val<D> d = is_signed ? b.template sext<D>(x) : b.template zext<D>(x);
    ir::Val<W> q = b.template trunc<W>(is_signed ? b.divs(n, d) : b.divu(n, d));
    ir::Val<W> r = b.template trunc<W>(is_signed ? b.rems(n, d) : b.remu(n, d));
    if constexpr (W == T::I8) {
      c.set_reg(AX, q);
      c.b.set(off_gpr(AX) + 1, r);  // AH even with a REX prefix (which would make register 4 SPL)
    } else {
      c.set_reg(AX, q);
      c.set_reg(DX, r);
    }
    return true;
    }
  });
}
}  // namespace

bool MUL(Ctx& c) { return gen_mul(c, false); }
// IMUL: one operand (group 3), or Gv = Ev * immediate (186+): the product
// truncated, CF = OF = it did not fit.
bool IMUL(Ctx& c) {
  if (c.in.row->ops[1].kind == Opnd::None) return gen_mul(c, true);
  // Gv = Ev * I (three operands) or Gv = Gv * Ev (0F AF).
  const bool two = c.in.row->ops[2].kind == Opnd::None;
  return by_width(c.width(0), [&]<T W>() {
    ir::Builder& b = c.b;
    constexpr unsigned w = ir::type_bits(W);
    ir::Val<W> x = two ? c.read<W>(0) : c.read<W>(1);
    ir::Val<W> y = two ? c.read<W>(1) : c.read<W>(2);
    ir::Val<W> lo, hi;
    product<W>(b, x, y, true, &lo, &hi);
    c.write<W>(0, lo);
    B1 wide = b.ne(hi, b.shra(lo, b.template constant<W>(w - 1)));
    c.set_cc_flags(mul_flags(c, lo, wide));
    return true;
  });
}
bool DIV(Ctx& c) { return gen_div(c, false); }
bool IDIV(Ctx& c) { return gen_div(c, true); }

}  // namespace kiln::x86

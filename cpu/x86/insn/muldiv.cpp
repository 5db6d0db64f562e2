// Multiply and divide (Intel SDM Vol. 2: MUL, IMUL, DIV, IDIV; group 3).
// MUL/IMUL set CF = OF = "the upper half is significant"; SF, ZF, PF follow
// the low half (undefined in the manual). A divide that does not fit raises
// #DE through kDivideCheck before anything changes: the 8086 pushes the
// address of the next instruction, the 286 that of the divide itself.
#include "cpu/x86/helpers.h"
#include "cpu/x86/insn/shapes.h"

namespace kiln::x86 {

namespace {
template <T W> struct Double;
template <> struct Double<T::I8> { static constexpr T type = T::I16; };
template <> struct Double<T::I16> { static constexpr T type = T::I32; };

bool gen_mul(Ctx& c, bool is_signed) {
  return by_width(c.width(0), [&]<T W>() {
    ir::Builder& b = c.b;
    constexpr T D = Double<W>::type;
    constexpr unsigned w = ir::type_bits(W);
    ir::Val<W> x = c.read<W>(0);
    ir::Val<W> acc = c.reg<W>(AX);
    ir::Val<D> p = is_signed ? b.mul(b.template sext<D>(acc), b.template sext<D>(x))
                             : b.mul(b.template zext<D>(acc), b.template zext<D>(x));
    ir::Val<W> lo = b.template trunc<W>(p);
    ir::Val<W> hi = b.template trunc<W>(b.shrl(p, b.template constant<D>(w)));
    if constexpr (W == T::I8) {
      c.set_reg(AX, p);
    } else {
      c.set_reg(AX, lo);
      c.set_reg(DX, hi);
    }
    B1 wide = is_signed ? b.ne(hi, b.shra(lo, b.template constant<W>(w - 1))) : b.ne(hi, b.template constant<W>(0));
    U32 f = b.or_(result_flags(b, lo), b.or_(flag_bit(b, wide, fl::CF), flag_bit(b, wide, fl::OF)));
    c.set_cc_flags(f);
    return true;
  });
}

bool gen_div(Ctx& c, bool is_signed) {
  return by_width(c.width(0), [&]<T W>() {
    ir::Builder& b = c.b;
    constexpr T D = Double<W>::type;
    constexpr unsigned w = ir::type_bits(W);
    ir::Val<W> x = c.read<W>(0);
    ir::Val<D> n = [&] {
      if constexpr (W == T::I8) return c.reg<T::I16>(AX);
      else return b.or_(b.zext<T::I32>(c.reg<T::I16>(AX)), b.shl(b.zext<T::I32>(c.reg<T::I16>(DX)), b.c32(16)));
    }();
    const uint16_t fault_ip = c.is_8086() ? c.next_ip() : c.ip;
    b.call(kDivideCheck, b.template zext<T::I64>(n), b.template zext<T::I64>(x),
           b.c64(uint64_t(fault_ip) << 16 | w << 1 | (is_signed ? 1 : 0)));
    ir::Val<D> d = is_signed ? b.template sext<D>(x) : b.template zext<D>(x);
    ir::Val<W> q = b.template trunc<W>(is_signed ? b.divs(n, d) : b.divu(n, d));
    ir::Val<W> r = b.template trunc<W>(is_signed ? b.rems(n, d) : b.remu(n, d));
    if constexpr (W == T::I8) {
      c.set_reg(AX, q);
      c.set_reg(4 /* AH */, r);
    } else {
      c.set_reg(AX, q);
      c.set_reg(DX, r);
    }
    return true;
  });
}
}  // namespace

bool MUL(Ctx& c) { return gen_mul(c, false); }
// IMUL: one operand (group 3), or Gv = Ev * immediate (186+): the product
// truncated, CF = OF = it did not fit.
bool IMUL(Ctx& c) {
  if (c.in.row->ops[2].kind == Opnd::None) return gen_mul(c, true);
  ir::Builder& b = c.b;
  U32 p = b.mul(b.sext<T::I32>(c.read<T::I16>(1)), b.sext<T::I32>(c.read<T::I16>(2)));
  U16 lo = b.trunc<T::I16>(p);
  c.write<T::I16>(0, lo);
  B1 wide = b.ne(p, b.sext<T::I32>(lo));
  c.set_cc_flags(b.or_(result_flags(b, lo), b.or_(flag_bit(b, wide, fl::CF), flag_bit(b, wide, fl::OF))));
  return true;
}
bool DIV(Ctx& c) { return gen_div(c, false); }
bool IDIV(Ctx& c) { return gen_div(c, true); }

}  // namespace kiln::x86

// Decimal adjust (Intel SDM Vol. 2: DAA, DAS, AAA, AAS, AAM, AAD). Where the
// 8086 and the 286 differ (AAA/AAS carry into AH), the model decides. The
// flags the manual leaves undefined are, from the 386 on, what Intel CPUs
// leave (measured on the host; docs/design.md "Undefined flags"): DAA/DAS
// clear OF; AAA/AAS clear OF and SF and set ZF and PF from the new AL; AAM
// sets them as a logic result, AAD as the add that makes AL (all models).
#include "cpu/x86/insn/shapes.h"

namespace kiln::x86 {

namespace {
U8 c8(Ctx& c, uint8_t v) { return c.b.constant<T::I8>(v); }

// DAA/DAS: adjust AL after an 8-bit add or subtract.
bool gen_decimal_adjust(Ctx& c, bool add) {
  ir::Builder& b = c.b;
  U8 al = c.reg<T::I8>(AX);
  B1 af = c.flag(fl::AF), cf = c.flag(fl::CF);
  B1 low = b.ne(b.or_(b.zext<T::I8>(af), b.zext<T::I8>(b.ltu(c8(c, 9), b.and_(al, c8(c, 0x0f))))), c8(c, 0));
  B1 high = b.ne(b.or_(b.zext<T::I8>(cf), b.zext<T::I8>(b.ltu(c8(c, 0x99), al))), c8(c, 0));
  U8 adj = b.or_(b.select(low, c8(c, 0x06), c8(c, 0)), b.select(high, c8(c, 0x60), c8(c, 0)));
  U8 r = add ? b.add(al, adj) : b.sub(al, adj);
  c.set_reg(AX, r);
  // DAS: the low adjustment's borrow sets CF too (AL < 6), as the SDM's pseudo-code has it. DAA's
  // carry from AL + 6 (AL >= 0xFA) comes with the high adjustment anyway.
  if (!add) high = b.ne(b.or_(b.zext<T::I8>(high), b.zext<T::I8>(b.ltu(b.select(low, al, c8(c, 0xff)), c8(c, 6)))), c8(c, 0));
  U32 f = b.or_(result_flags(b, r), b.or_(flag_bit(b, low, fl::AF), flag_bit(b, high, fl::CF)));
  if (!is_386_or_later(c.model())) {
    // OF (undefined; the test vectors mask it) on the 8086 and 286: the overflow of the adjusting add or subtract.
    B1 of = add ? b.lts(b.and_(b.xor_(al, r), b.xor_(adj, r)), c8(c, 0)) : b.lts(b.and_(b.xor_(al, adj), b.xor_(al, r)), c8(c, 0));
    f = b.or_(f, flag_bit(b, of, fl::OF));
  }
  c.set_cc_flags(f);
  return true;
}

// AAA/AAS: adjust AL (and AH) after an unpacked-BCD add or subtract.
bool gen_ascii_adjust(Ctx& c, bool add) {
  ir::Builder& b = c.b;
  U16 ax = c.reg<T::I16>(AX);
  U8 al = b.trunc<T::I8>(ax);
  B1 adjust = b.ne(b.or_(b.zext<T::I8>(c.flag(fl::AF)), b.zext<T::I8>(b.ltu(c8(c, 9), b.and_(al, c8(c, 0x0f))))), c8(c, 0));
  U16 r;
  if (c.is_8086()) {  // AL and AH adjusted separately: no carry from AL into AH
    U8 nal = add ? b.add(al, c8(c, 6)) : b.sub(al, c8(c, 6));
    U8 ah = b.trunc<T::I8>(b.shrl(ax, b.constant<T::I16>(8)));
    U8 nah = add ? b.add(ah, c8(c, 1)) : b.sub(ah, c8(c, 1));
    r = b.or_(b.zext<T::I16>(nal), b.shl(b.zext<T::I16>(nah), b.constant<T::I16>(8)));
  } else {
    r = add ? b.add(ax, b.constant<T::I16>(0x106)) : b.sub(b.sub(ax, b.constant<T::I16>(6)), b.constant<T::I16>(0x100));
  }
  r = b.select(adjust, r, ax);
  r = b.and_(r, b.constant<T::I16>(0xff0f));
  c.set_reg(AX, r);
  // OF SF ZF PF (undefined): kept on the 8086 and 286; from the 386 on those of the new AL as a logic result.
  U32 f = is_386_or_later(c.model()) ? result_flags(b, b.trunc<T::I8>(r))
                                     : b.and_(c.arith_flags(), b.c32(fl::OF | fl::SF | fl::ZF | fl::PF));
  f = b.or_(f, b.or_(flag_bit(b, adjust, fl::AF), flag_bit(b, adjust, fl::CF)));
  c.set_cc_flags(f);
  return true;
}
}  // namespace

bool DAA(Ctx& c) { return gen_decimal_adjust(c, true); }
bool DAS(Ctx& c) { return gen_decimal_adjust(c, false); }
bool AAA(Ctx& c) { return gen_ascii_adjust(c, true); }
bool AAS(Ctx& c) { return gen_ascii_adjust(c, false); }

// AAM Ib: AH = AL / imm, AL = AL % imm; #DE when imm is 0.
bool AAM(Ctx& c) {
  ir::Builder& b = c.b;
  const uint8_t base = uint8_t(c.in.imm);
  if (base == 0) {
    if (c.is_8086()) c.raise_at(kDivideError, c.next_ip());
    else c.fault(kDivideError);
    return true;
  }
  U8 al = c.reg<T::I8>(AX);
  U8 q = b.divu(al, c8(c, base)), r = b.remu(al, c8(c, base));
  c.set_reg(AX, b.or_(b.zext<T::I16>(r), b.shl(b.zext<T::I16>(q), b.constant<T::I16>(8))));
  c.set_cc_flags(result_flags(b, r));
  return true;
}

// AAD Ib: AL = AL + AH * imm, AH = 0. Flags as the 8-bit add that makes AL.
bool AAD(Ctx& c) {
  ir::Builder& b = c.b;
  U8 al = c.reg<T::I8>(AX), ah = c.reg<T::I8>(4);
  U8 prod = b.mul(ah, c8(c, uint8_t(c.in.imm)));
  U8 r = b.add(al, prod);
  c.set_reg(AX, b.zext<T::I16>(r));
  c.set_cc<T::I8>(CcOp::Add8, al, prod, r);
  return true;
}

}  // namespace kiln::x86

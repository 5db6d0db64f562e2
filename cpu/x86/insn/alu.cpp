// Binary arithmetic and logic (Intel SDM Vol. 2: ADD..CMP, TEST, INC, DEC,
// NEG, NOT): each result and the lazy flags it leaves (cpu/x86/flags.h).
#include "cpu/x86/insn/insns.h"

namespace kiln::x86 {

namespace {
enum class Alu { Add, Adc, Sub, Sbb, And, Or, Xor, Cmp, Test };

// op0 = op0 <alu> op1 (CMP and TEST only set flags).
bool gen_alu(Ctx& c, Alu op) {
  return by_width(c.width(0), [&]<T W>() {
    ir::Builder& b = c.b;
    const bool writes = op != Alu::Cmp && op != Alu::Test;
    ir::Val<W> a = c.read<W>(0);
    ir::Val<W> x = c.read<W>(1);
    if (writes) c.prepare_write(0);
    ir::Val<W> carry = b.template constant<W>(0);
    if (op == Alu::Adc || op == Alu::Sbb) carry = b.template zext<W>(c.flag(fl::CF));
    ir::Val<W> r;
    CcOp family = CcOp::Logic8;
    switch (op) {
      case Alu::Add: r = b.add(a, x); family = CcOp::Add8; break;
      case Alu::Adc: r = b.add(b.add(a, x), carry); family = CcOp::Add8; break;
      case Alu::Sub: case Alu::Cmp: r = b.sub(a, x); family = CcOp::Sub8; break;
      case Alu::Sbb: r = b.sub(b.sub(a, x), carry); family = CcOp::Sub8; break;
      case Alu::And: case Alu::Test: r = b.and_(a, x); break;
      case Alu::Or: r = b.or_(a, x); break;
      case Alu::Xor: r = b.xor_(a, x); break;
    }
    if (writes) c.write<W>(0, r);
    c.set_cc<W>(family, a, x, r, op == Alu::Adc || op == Alu::Sbb);
    return true;
  });
}

bool gen_incdec(Ctx& c, bool inc) {
  return by_width(c.width(0), [&]<T W>() {
    ir::Builder& b = c.b;
    ir::Val<W> a = c.read<W>(0);
    c.prepare_write(0);
    ir::Val<W> old_cf = b.template zext<W>(c.flag(fl::CF));
    ir::Val<W> one = b.template constant<W>(1);
    ir::Val<W> r = inc ? b.add(a, one) : b.sub(a, one);
    c.write<W>(0, r);
    c.set_cc<W>(inc ? CcOp::Inc8 : CcOp::Dec8, a, old_cf, r);
    return true;
  });
}
}  // namespace

bool ADD(Ctx& c) { return gen_alu(c, Alu::Add); }
bool ADC(Ctx& c) { return gen_alu(c, Alu::Adc); }
bool SUB(Ctx& c) { return gen_alu(c, Alu::Sub); }
bool SBB(Ctx& c) { return gen_alu(c, Alu::Sbb); }
bool AND(Ctx& c) { return gen_alu(c, Alu::And); }
bool OR(Ctx& c) { return gen_alu(c, Alu::Or); }
bool XOR(Ctx& c) { return gen_alu(c, Alu::Xor); }
bool CMP(Ctx& c) { return gen_alu(c, Alu::Cmp); }
bool TEST(Ctx& c) { return gen_alu(c, Alu::Test); }
bool INC(Ctx& c) { return gen_incdec(c, true); }
bool DEC(Ctx& c) { return gen_incdec(c, false); }

// NEG: 0 - x, flags as that subtraction (CF = x != 0).
bool NEG(Ctx& c) {
  return by_width(c.width(0), [&]<T W>() {
    ir::Val<W> x = c.read<W>(0);
    c.prepare_write(0);
    ir::Val<W> zero = c.b.template constant<W>(0);
    ir::Val<W> r = c.b.sub(zero, x);
    c.write<W>(0, r);
    c.set_cc<W>(CcOp::Sub8, zero, x, r);
    return true;
  });
}

bool NOT(Ctx& c) {
  return by_width(c.width(0), [&]<T W>() {
    ir::Val<W> x = c.read<W>(0);
    c.prepare_write(0);
    c.write<W>(0, c.b.not_(x));
    return true;
  });
}

}  // namespace kiln::x86

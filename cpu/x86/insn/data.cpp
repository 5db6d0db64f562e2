// Data movement and flag instructions (Intel SDM Vol. 2: MOV, XCHG, LEA, PUSH,
// POP, PUSHA/POPA, LDS/LES, CBW/CWD, XLAT, LAHF/SAHF, PUSHF/POPF, CLC..STD, SALC, IN/OUT,
// HLT, WAIT).
#include "cpu/x86/helpers.h"
#include "cpu/x86/insn/insns.h"

namespace kiln::x86 {

namespace {
// A write to CS changes the block's mode (its base is in the translation): end the block.
bool writes_cs(const Ctx& c, unsigned i) {
  const OperandSpec& o = c.in.row->ops[i];
  return (o.kind == Opnd::S && (c.in.reg & 3) == CS) || (o.kind == Opnd::Sreg && o.sreg == CS);
}
void end_if_cs(Ctx& c, unsigned i) {
  if (writes_cs(c, i)) c.b.exit(ir::ExitReason::ModeChange, c.b.add(c.b.get<T::I64>(off_seg_base(CS)), c.b.c64(c.next_ip())));
}
}  // namespace

bool MOV(Ctx& c) {
  for (unsigned i = 0; i < 2; i++)  // the 286 has 4 segment registers (8086: 4-7 alias 0-3); MOV CS is #UD
    if (c.in.row->ops[i].kind == Opnd::S && !c.is_8086() && (c.in.reg > 3 || (i == 0 && c.in.reg == CS))) return false;
  return by_width(c.width(0), [&]<T W>() {
    c.prepare_write(0);
    c.write<W>(0, c.read<W>(1));
    end_if_cs(c, 0);
    return true;
  });
}

bool XCHG(Ctx& c) {
  return by_width(c.width(0), [&]<T W>() {
    ir::Val<W> a = c.read<W>(0), x = c.read<W>(1);
    c.prepare_write(0);
    c.write<W>(0, x);
    c.write<W>(1, a);
    return true;
  });
}

bool LEA(Ctx& c) {
  c.write<T::I16>(0, c.ea_offset());
  return true;
}

namespace {
bool load_far_pointer(Ctx& c, unsigned sreg) {
  U16 off = c.ea_offset();
  unsigned seg = unsigned(c.seg_of_ea());
  U16 o = c.load<T::I16>(seg, off);
  U16 sel = c.load<T::I16>(seg, c.b.add(off, c.b.constant<T::I16>(2)));
  c.write<T::I16>(0, o);
  c.set_sreg(sreg, sel);
  return true;
}
}  // namespace
bool LES(Ctx& c) { return load_far_pointer(c, ES); }
bool LDS(Ctx& c) { return load_far_pointer(c, DS); }

bool PUSH(Ctx& c) {
  const OperandSpec& o = c.in.row->ops[0];
  U16 v = c.read<T::I16>(0);
  // The 8086 pushes SP as decremented; the 286 pushes its value before the push.
  if (o.kind == Opnd::Z && (c.in.opcode & 7) == SP && c.is_8086()) v = c.b.sub(v, c.b.constant<T::I16>(2));
  c.push(v);
  return true;
}

bool POP(Ctx& c) {
  c.prepare_write(0);
  U16 v = c.pop<T::I16>();
  c.write<T::I16>(0, v);
  end_if_cs(c, 0);
  return true;
}

// PUSHA/POPA (186+): AX, CX, DX, BX, the SP before, BP, SI, DI. SP changes
// only once every word is written (or read), so a #GP leaves it as it was.
bool PUSHA(Ctx& c) {
  ir::Builder& b = c.b;
  U16 sp = c.sp();
  for (unsigned r = AX; r <= DI; r++)
    c.store(SS, b.sub(sp, b.constant<T::I16>(2 * (r + 1))), c.reg<T::I16>(r));
  c.set_reg(SP, b.sub(sp, b.constant<T::I16>(16)));
  return true;
}
bool POPA(Ctx& c) {
  ir::Builder& b = c.b;
  U16 sp = c.sp();
  U16 v[8];
  for (unsigned r = AX; r <= DI; r++) v[r] = c.load<T::I16>(SS, b.add(sp, b.constant<T::I16>(14 - 2 * r)));
  for (unsigned r = AX; r <= DI; r++)
    if (r != SP) c.set_reg(r, v[r]);
  c.set_reg(SP, b.add(sp, b.constant<T::I16>(16)));
  return true;
}

bool CBW(Ctx& c) {
  c.set_reg(AX, c.b.sext<T::I16>(c.reg<T::I8>(AX)));
  return true;
}
bool CWD(Ctx& c) {
  c.set_reg(DX, c.b.shra(c.reg<T::I16>(AX), c.b.constant<T::I16>(15)));
  return true;
}

bool XLAT(Ctx& c) {
  ir::Builder& b = c.b;
  U16 off = b.add(c.reg<T::I16>(BX), b.zext<T::I16>(c.reg<T::I8>(AX)));
  c.set_reg(AX, c.load<T::I8>(c.in.seg_override >= 0 ? unsigned(c.in.seg_override) : DS, off));
  return true;
}

bool LAHF(Ctx& c) {
  U32 f = c.all_flags();
  c.set_reg(4 /* AH */, c.b.trunc<T::I8>(c.b.or_(c.b.and_(f, c.b.c32(0xD5)), c.b.c32(0x02))));
  return true;
}
bool SAHF(Ctx& c) {
  ir::Builder& b = c.b;
  U32 ah = b.zext<T::I32>(c.reg<T::I8>(4));
  c.set_cc_flags(b.or_(b.and_(c.arith_flags(), b.c32(fl::OF)), b.and_(ah, b.c32(0xD5))));
  return true;
}
bool PUSHF(Ctx& c) {
  c.push(c.b.trunc<T::I16>(c.all_flags()));
  return true;
}
bool POPF(Ctx& c) {
  c.set_all_flags(c.b.zext<T::I32>(c.pop<T::I16>()));
  c.end_block();  // IF and TF may have changed
  return true;
}

namespace {
void set_arith_bit(Ctx& c, uint32_t bit, int how) {  // how: 0 clear, 1 set, 2 complement
  ir::Builder& b = c.b;
  U32 f = c.arith_flags();
  f = how == 0 ? b.and_(f, b.c32(~bit)) : how == 1 ? b.or_(f, b.c32(bit)) : b.xor_(f, b.c32(bit));
  c.set_cc_flags(f);
}
void set_other_bit(Ctx& c, uint32_t bit, bool on) {
  ir::Builder& b = c.b;
  U64 f = c.other_flags();
  c.set_other_flags(on ? b.or_(f, b.c64(bit)) : b.and_(f, b.c64(~uint64_t(bit))));
}
}  // namespace
bool CLC(Ctx& c) { set_arith_bit(c, fl::CF, 0); return true; }
bool STC(Ctx& c) { set_arith_bit(c, fl::CF, 1); return true; }
bool CMC(Ctx& c) { set_arith_bit(c, fl::CF, 2); return true; }
bool CLD(Ctx& c) { set_other_bit(c, fl::DF, false); return true; }
bool STD(Ctx& c) { set_other_bit(c, fl::DF, true); return true; }
bool CLI(Ctx& c) { set_other_bit(c, fl::IF, false); return true; }
bool STI(Ctx& c) {
  set_other_bit(c, fl::IF, true);
  c.end_block();  // an interrupt may now be taken (after the next instruction: not modelled yet)
  return true;
}

// SALC (undocumented, 8086 and 286): AL = CF ? 0xFF : 0.
bool SALC(Ctx& c) {
  c.set_reg(AX, c.b.select(c.flag(fl::CF), c.b.constant<T::I8>(0xff), c.b.constant<T::I8>(0)));
  return true;
}

bool WAIT(Ctx&) { return true; }  // no FPU: nothing to wait for
// ESC (D8-DF): the coprocessor's instructions. Without one the CPU only
// decodes the operand (the 8086 reads it; nothing in its state changes).
bool ESC(Ctx&) { return true; }

bool HLT(Ctx& c) {
  c.b.exit(ir::ExitReason::Wfi, c.next_pc());
  return true;
}

bool IN(Ctx& c) {
  return by_width(c.width(0), [&]<T W>() {
    U64 port = c.b.zext<T::I64>(c.read<T::I16>(1));
    U64 v = c.b.call(kPortIn, port, c.b.c64(ir::type_bits(W)));
    c.write<W>(0, c.b.template trunc<W>(v));
    return true;
  });
}
bool OUT(Ctx& c) {
  return by_width(c.width(1), [&]<T W>() {
    U64 port = c.b.zext<T::I64>(c.read<T::I16>(0));
    c.b.call(kPortOut, port, c.b.zext<T::I64>(c.read<W>(1)), c.b.c64(ir::type_bits(W)));
    return true;
  });
}

}  // namespace kiln::x86

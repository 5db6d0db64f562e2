// Data movement and flag instructions (Intel SDM Vol. 2: MOV, XCHG, LEA, PUSH,
// POP, PUSHA/POPA, LDS/LES/LSS/LFS/LGS, CBW/CWD and their wider forms, XLAT,
// LAHF/SAHF, PUSHF/POPF, CLC..STD, SALC, IN/OUT, HLT).
#include "cpu/x86/helpers.h"
#include "cpu/x86/insn/insns.h"
#include "cpu/x86/system.h"

namespace kiln::x86 {

namespace {
// A write to CS (the 8086's MOV CS and POP CS) changes the block's mode: end the block.
bool writes_cs(const Ctx& c, unsigned i) {
  const OperandSpec& o = c.in.row->ops[i];
  return (o.kind == Opnd::S && (c.in.reg & 7) == CS) || (o.kind == Opnd::Sreg && o.sreg == CS);
}
void end_if_cs(Ctx& c, unsigned i) {
  if (writes_cs(c, i)) c.b.exit(ir::ExitReason::ModeChange, c.b.add(c.b.get<T::I64>(off_seg_base(CS)), c.b.c64(c.next_ip())));
}
// Segment register numbers that exist: ES..DS on the 286, ES..GS from the 386 on.
bool sreg_exists(const Ctx& c, unsigned r) { return c.model() == Model::I286 ? r < 4 : r < 6; }
}  // namespace

bool MOV(Ctx& c) {
  if (c.in.opcode >= 0x120 && c.in.opcode <= 0x123) return MOV_CR_DR(c, c.in.opcode & 2, c.in.opcode & 1);
  for (unsigned i = 0; i < 2; i++)  // 8086: 4-7 alias 0-3 (decode); MOV CS is #UD from the 286 on
    if (c.in.row->ops[i].kind == Opnd::S && !c.is_8086() && (!sreg_exists(c, c.in.reg & 7) || (i == 0 && (c.in.reg & 7) == CS)))
      return false;
  // MOV Ev,Sw to a register with a 32/64-bit operand size writes the selector zero-extended.
  if (c.in.row->ops[1].kind == Opnd::S && c.in.mod == 3 && c.opsize() > 16) {
    c.set_reg_n(c.in.rm_reg(), c.opsize(), c.b.zext<T::I64>(c.read<T::I16>(1)));
    return true;
  }
  return by_width(c.width(0), [&]<T W>() {
    c.prepare_write(0);
    c.write<W>(0, c.read<W>(1));
    end_if_cs(c, 0);
    return true;
  });
}

bool XCHG(Ctx& c) {
  // 0x90 (without REX.B) is NOP, not XCHG EAX, EAX: in 64-bit mode it must not zero RAX's high half.
  // F3 90 is PAUSE, a spin-wait hint: from the Pentium on (the models that run with other CPUs) it ends
  // the block as a wait that is already over, so the engine lets another CPU run (QEMU's round robin
  // does the same): a spinning CPU must not hold the others off a lock for its whole slice.
  if (c.in.opcode == 0x90 && !(c.in.rex & 1)) {
    if (c.in.rep == 0xF3 && c.model() >= Model::Pentium) c.b.exit(ir::ExitReason::Wfi, c.next_pc());
    return true;
  }
  return by_width(c.width(0), [&]<T W>() {
    ir::Val<W> a = c.read<W>(0), x = c.read<W>(1);
    c.prepare_write(0);
    c.write<W>(0, x);
    c.write<W>(1, a);
    return true;
  });
}

// LEA: the offset of the address size, truncated or zero-extended to the operand size.
bool LEA(Ctx& c) {
  c.set_reg_n(c.in.reg, c.opsize(), c.ea());
  return true;
}

namespace {
// LDS, LES, LSS, LFS, LGS: the offset of the operand size, then the selector.
// The segment register is loaded first: its checks may fault, and then the
// general register must be unchanged.
bool load_far_pointer(Ctx& c, unsigned sreg) {
  U64 off = c.ea();
  unsigned seg = unsigned(c.seg_of_ea());
  U64 o = c.load_n(seg, off, c.opsize());
  U16 sel = c.load<T::I16>(seg, c.off_add(off, c.opsize() / 8));
  c.load_sreg(sreg, sel);
  c.set_reg_n(c.in.reg, c.opsize(), o);
  return true;
}
}  // namespace
bool LES(Ctx& c) { return load_far_pointer(c, ES); }
bool LDS(Ctx& c) { return load_far_pointer(c, DS); }
bool LSS(Ctx& c) { return load_far_pointer(c, SS); }
bool LFS(Ctx& c) { return load_far_pointer(c, FS); }
bool LGS(Ctx& c) { return load_far_pointer(c, GS); }

namespace {
// The size of a stack operation: 64 in 64-bit mode (16 with 0x66), else the operand size.
unsigned stack_op_size(const Ctx& c) { return c.opsize(); }
}  // namespace

bool PUSH(Ctx& c) {
  const OperandSpec& o = c.in.row->ops[0];
  return by_width(stack_op_size(c), [&]<T W>() {
    ir::Val<W> v;
    if (o.kind == Opnd::Sreg) v = resize<W>(c.b, c.sreg(o.sreg));
    else v = c.read<W>(0);
    // The 8086 pushes SP as decremented; the 286 and later push its value before the push.
    if constexpr (W == T::I16) {
      if (o.kind == Opnd::Z && (c.in.opcode & 7) == SP && c.is_8086()) v = c.b.sub(v, c.b.constant<T::I16>(2));
    }
    c.push(v);
    return true;
  });
}

bool POP(Ctx& c) {
  const OperandSpec& o = c.in.row->ops[0];
  if (o.kind == Opnd::Sreg) {
    return by_width(stack_op_size(c), [&]<T W>() {
      U64 s = c.sp();
      U16 sel = resize<T::I16>(c.b, c.load<W>(SS, s));
      c.load_sreg(o.sreg, sel);
      c.set_sp(c.sp_add(s, ir::type_bits(W) / 8));
      end_if_cs(c, 0);
      return true;
    });
  }
  return by_width(stack_op_size(c), [&]<T W>() {
    c.prepare_write(0);
    // POP [ESP+x]: the address is computed with ESP after the pop (SDM "POP").
    U64 s = c.sp();
    ir::Val<W> v = c.load<W>(SS, s);
    c.set_sp(c.sp_add(s, ir::type_bits(W) / 8));
    if (o.kind == Opnd::E && c.in.mod != 3) c.ea_cache = U64{};
    c.write<W>(0, v);
    return true;
  });
}

// PUSHA/POPA (186+; PUSHAD/POPAD with a 32-bit operand size): AX, CX, DX,
// BX, the SP before, BP, SI, DI. SP changes only once every slot is written
// (or read), so a fault leaves it as it was.
bool PUSHA(Ctx& c) {
  return by_width(c.opsize(), [&]<T W>() {
    constexpr int bytes = int(ir::type_bits(W) / 8);
    U64 sp = c.sp();
    for (unsigned r = AX; r <= DI; r++) c.store(SS, c.sp_add(sp, -bytes * int(r + 1)), c.reg<W>(r));
    c.set_sp(c.sp_add(sp, -8 * bytes));
    return true;
  });
}
bool POPA(Ctx& c) {
  return by_width(c.opsize(), [&]<T W>() {
    constexpr int bytes = int(ir::type_bits(W) / 8);
    U64 sp = c.sp();
    ir::Val<W> v[8];
    for (unsigned r = AX; r <= DI; r++) v[r] = c.load<W>(SS, c.sp_add(sp, bytes * int(7 - r)));
    for (unsigned r = AX; r <= DI; r++)
      if (r != SP) c.set_reg(r, v[r]);
    c.set_sp(c.sp_add(sp, 8 * bytes));
    return true;
  });
}

// CBW/CWDE/CDQE: sign-extend the lower half of the accumulator.
bool CBW(Ctx& c) {
  ir::Builder& b = c.b;
  switch (c.opsize()) {
    case 16: c.set_reg(AX, b.sext<T::I16>(c.reg<T::I8>(AX))); break;
    case 32: c.set_reg(AX, b.sext<T::I32>(c.reg<T::I16>(AX))); break;
    default: c.set_reg(AX, b.sext<T::I64>(c.reg<T::I32>(AX))); break;
  }
  return true;
}
// CWD/CDQ/CQO: DX = the sign of AX, repeated.
bool CWD(Ctx& c) {
  return by_width(c.opsize(), [&]<T W>() {
    c.set_reg(DX, c.b.shra(c.reg<W>(AX), c.b.template constant<W>(ir::type_bits(W) - 1)));
    return true;
  });
}

bool XLAT(Ctx& c) {
  ir::Builder& b = c.b;
  U64 off = c.addr_mask(b.add(c.reg_n(BX, c.addrsize()), b.zext<T::I64>(c.reg<T::I8>(AX))));
  c.set_reg(AX, c.load<T::I8>(c.in.seg_override >= 0 ? unsigned(c.in.seg_override) : DS, off));
  return true;
}

bool LAHF(Ctx& c) {
  U32 f = c.all_flags();
  // AH even with a REX prefix (which would make register 4 SPL).
  c.b.set(off_gpr(AX) + 1, c.b.trunc<T::I8>(c.b.or_(c.b.and_(f, c.b.c32(0xD5)), c.b.c32(0x02))));
  return true;
}
bool SAHF(Ctx& c) {
  ir::Builder& b = c.b;
  U32 ah = b.zext<T::I32>(b.trunc<T::I8>(b.shrl(c.reg<T::I64>(AX), b.c64(8))));
  c.set_cc_flags(b.or_(b.and_(c.arith_flags(), b.c32(fl::OF)), b.and_(ah, b.c32(0xD5))));
  return true;
}

namespace {
// PUSHF/POPF in virtual-8086 mode need IOPL 3, and POPF below CPL 0 may not
// change IOPL (nor IF above IOPL): those cases check at run time.
bool needs_iopl_check(const Ctx& c) { return c.m.vm86 || (c.m.pe && c.m.cpl > 0); }
}  // namespace

bool PUSHF(Ctx& c) {
  if (c.m.vm86) c.b.call(kCheckIopl, c.b.c64(0));
  return by_width(c.opsize(), [&]<T W>() {
    c.push(resize<W>(c.b, c.all_flags()));
    return true;
  });
}
bool POPF(Ctx& c) {
  return by_width(c.opsize(), [&]<T W>() {
    ir::Builder& b = c.b;
    U32 v = [&] {
      if constexpr (W == T::I64) return b.trunc<T::I32>(c.pop<W>());
      else return resize<T::I32>(b, c.pop<W>());
    }();
    // What POPF may change (SDM "POPF"): never VM, VIP, VIF; RF is cleared.
    uint32_t writable = fl::kArith | fl::TF | fl::DF | fl::IF | fl::OF | fl::IOPL | fl::NT;
    if (c.model() >= Model::I486 && c.opsize() >= 32) writable |= fl::AC | fl::ID;  // a 386 keeps them 0
    if (c.model() <= Model::I286 && !c.m.pe) writable &= 0x0fff;  // real-mode 286: IOPL and NT stay 0
    if (needs_iopl_check(c)) {
      // At run time: IF only if CPL <= IOPL, IOPL only at CPL 0 (vm86: #GP below IOPL 3).
      U64 allowed = b.call(kPopfMask, b.c64(writable));
      c.set_all_flags(v, 0);  // the arithmetic flags
      U64 other = c.other_flags();
      U64 mask = b.and_(allowed, b.c64(~uint64_t(fl::kArith)));
      c.set_other_flags(b.or_(b.and_(other, b.not_(mask)), b.and_(b.zext<T::I64>(v), mask)));
    } else {
      c.set_all_flags(v, writable);
    }
    c.end_mode_change();  // IF and TF may have changed (AC too, a mode bit at CPL 3): the engine looks at INTR and the mode
    return true;
  });
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
bool CLI(Ctx& c) {
  if (needs_iopl_check(c)) c.b.call(kCheckIopl, c.b.c64(0));
  set_other_bit(c, fl::IF, false);
  return true;
}
bool STI(Ctx& c) {
  if (needs_iopl_check(c)) c.b.call(kCheckIopl, c.b.c64(0));
  // The translator ends the block after the next instruction (the shadow) with a ModeChange exit, where the engine looks at INTR.
  c.b.call(kSti, c.b.c64(c.next_pc()));
  return true;
}

// SALC (undocumented, 8086 and 286): AL = CF ? 0xFF : 0.
bool SALC(Ctx& c) {
  c.set_reg(AX, c.b.select(c.flag(fl::CF), c.b.constant<T::I8>(0xff), c.b.constant<T::I8>(0)));
  return true;
}

bool HLT(Ctx& c) {
  if (!c.require_cpl0()) return true;
  c.b.set(offsetof(X86State, halted), c.b.c64(1));  // until an interrupt (a mode bit: see cpu.cpp)
  c.b.exit(ir::ExitReason::Wfi, c.next_pc());
  return true;
}

namespace {
// Protected mode above IOPL (and virtual-8086 mode): the TSS's I/O permission bitmap decides.
void check_io(Ctx& c, U64 port, unsigned bits) {
  if (c.needs_io_check()) c.b.call(kCheckIo, port, c.b.c64(bits / 8));
}
}  // namespace

bool IN(Ctx& c) {
  return by_width(c.width(0), [&]<T W>() {
    U64 port = c.b.zext<T::I64>(c.read<T::I16>(1));
    check_io(c, port, ir::type_bits(W));
    U64 v = c.b.call(kPortIn, port, c.b.c64(ir::type_bits(W)));
    c.write<W>(0, resize<W>(c.b, v));
    return true;
  });
}
bool OUT(Ctx& c) {
  return by_width(c.width(1), [&]<T W>() {
    U64 port = c.b.zext<T::I64>(c.read<T::I16>(0));
    check_io(c, port, ir::type_bits(W));
    c.b.call(kPortOut, port, zext64(c.b, c.read<W>(1)), c.b.c64(ir::type_bits(W)));
    return true;
  });
}

}  // namespace kiln::x86

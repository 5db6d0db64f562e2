// Control transfer (Intel SDM Vol. 2: Jcc, JMP, CALL, RET, far forms, LOOP*,
// JCXZ, INT/INT3/INTO, IRET, BOUND, ENTER, LEAVE). In real and virtual-8086
// mode a far transfer loads CS with base = selector << 4 in IR; in protected
// mode the descriptor checks run in helpers (cpu/x86/segment.cpp). Either way
// the block ends (CS is part of the mode).
#include "cpu/x86/helpers.h"
#include "cpu/x86/insn/insns.h"
#include "cpu/x86/segment.h"

namespace kiln::x86 {

namespace {
// The ip mask of a near branch: 16-bit operand size truncates the target
// outside 64-bit mode (where Intel CPUs ignore the operand-size prefix).
uint64_t branch_mask(const Ctx& c) {
  if (c.is64()) return ~0ull;
  return c.opsize() == 16 ? 0xffff : 0xffffffff;
}
uint64_t rel_target(const Ctx& c) { return (c.next_ip() + c.in.imm) & branch_mask(c); }
// The width of near-branch operands and return addresses.
unsigned branch_size(const Ctx& c) { return c.is64() ? 64 : c.opsize(); }

// Real and virtual-8086 mode: loads CS:IP and leaves the block for the new code.
void real_far_jump(Ctx& c, U16 sel, U64 ip) {
  ir::Builder& b = c.b;
  c.load_sreg(CS, sel);
  U64 base = b.shl(b.zext<T::I64>(sel), b.c64(4));
  b.exit(ir::ExitReason::ModeChange, b.add(base, ip));
}
// Protected mode: a helper returned the new pc.
void exit_to(Ctx& c, U64 pc) { c.b.exit(ir::ExitReason::ModeChange, pc); }
}  // namespace

bool Jcc(Ctx& c) {
  B1 taken = c.cond(c.in.opcode & 15);
  c.check_near_target(rel_target(c), branch_mask(c), taken);
  c.b.branch(taken, c.pc_of(rel_target(c)), c.next_pc());
  return true;
}

bool JMP(Ctx& c) {
  if (c.in.row->ops[0].kind == Opnd::J) {
    c.check_near_target(rel_target(c), branch_mask(c));
    c.b.goto_(c.pc_of(rel_target(c)));
    return true;
  }
  return by_width(branch_size(c), [&]<T W>() {
    U64 target = zext64(c.b, c.read<W>(0));
    c.check_near_target(target, branch_mask(c));
    c.jump_ip(target);
    return true;
  });
}

bool CALL(Ctx& c) {
  const unsigned size = branch_size(c);
  if (c.in.row->ops[0].kind == Opnd::J) {
    c.check_near_target(rel_target(c), branch_mask(c));  // before the push: a refused CALL pushes nothing
    by_width(size, [&]<T W>() {
      c.push(c.b.template constant<W>(c.next_ip()));
      return true;
    });
    c.b.goto_(c.pc_of(rel_target(c)));
    return true;
  }
  return by_width(size, [&]<T W>() {
    U64 target = zext64(c.b, c.read<W>(0));
    c.check_near_target(target, branch_mask(c));
    c.push(c.b.template constant<W>(c.next_ip()));
    c.jump_ip(target);
    return true;
  });
}

namespace {
// The far pointer operand: immediate (Ap) or in memory (Mp: offset of the operand size, then the selector).
void far_operand(Ctx& c, U16* sel, U64* off) {
  if (c.in.row->ops[0].kind == Opnd::A) {
    *off = c.b.c64(c.in.imm);
    *sel = c.b.constant<T::I16>(c.in.imm2);
    return;
  }
  U64 ea = c.ea();
  unsigned seg = unsigned(c.seg_of_ea());
  *off = c.load_n(seg, ea, c.opsize());
  *sel = c.load<T::I16>(seg, c.off_add(ea, c.opsize() / 8));
}
}  // namespace

bool JMPF(Ctx& c) {
  U16 sel;
  U64 off;
  far_operand(c, &sel, &off);
  if (c.real_or_vm86()) real_far_jump(c, sel, off);
  else exit_to(c, c.b.call(kFarJump, c.b.zext<T::I64>(sel), off, c.b.c64(c.opsize() | c.next_ip() << 8)));
  return true;
}

bool CALLF(Ctx& c) {
  U16 sel;
  U64 off;
  far_operand(c, &sel, &off);
  if (!c.real_or_vm86()) {
    exit_to(c, c.b.call(kFarCall, c.b.zext<T::I64>(sel), off, c.b.c64(c.opsize() | c.next_ip() << 8)));
    return true;
  }
  return by_width(c.opsize(), [&]<T W>() {
    c.push(resize<W>(c.b, c.sreg(CS)));
    c.push(c.b.template constant<W>(c.next_ip()));
    real_far_jump(c, sel, off);
    return true;
  });
}

bool RET(Ctx& c) {
  return by_width(branch_size(c), [&]<T W>() {
    U64 sp = c.sp();
    U64 ip = zext64(c.b, c.load<W>(SS, sp));
    c.check_near_target(ip, branch_mask(c));  // before SP moves
    const uint64_t extra = c.in.row->ops[0].kind == Opnd::I ? c.in.imm & 0xffff : 0;
    c.set_sp(c.sp_add(sp, int64_t(ir::type_bits(W) / 8 + extra)));
    c.jump_ip(ip);
    return true;
  });
}

namespace {
// The `n` slots of `bits` on top of the stack (read before anything changes, so a fault leaves SP as it was).
void top_of_stack(Ctx& c, U64* slots, unsigned n, unsigned bits) {
  U64 s = c.sp();
  for (unsigned i = 0; i < n; i++) slots[i] = c.load_n(SS, c.sp_add(s, int64_t(i * bits / 8)), bits);
}
}  // namespace

bool RETF(Ctx& c) {
  const uint64_t extra = c.in.row->ops[0].kind == Opnd::I ? c.in.imm & 0xffff : 0;
  if (!c.real_or_vm86()) {
    exit_to(c, c.b.call(kFarReturn, c.b.c64(c.opsize() | extra << 8)));
    return true;
  }
  U64 w[2];  // ip, cs
  top_of_stack(c, w, 2, c.opsize());
  c.set_sp(c.sp_add(c.sp(), int64_t(2 * c.opsize() / 8 + extra)));
  real_far_jump(c, c.b.trunc<T::I16>(w[1]), w[0]);
  return true;
}

bool IRET(Ctx& c) {
  if (c.m.pe) {  // protected and virtual-8086 mode
    exit_to(c, c.b.call(kIret, c.b.c64(c.opsize() | c.next_ip() << 8)));
    return true;
  }
  U64 w[3];  // ip, cs, flags
  c.b.call(kNmiUnblock);
  top_of_stack(c, w, 3, c.opsize());
  c.set_sp(c.sp_add(c.sp(), int64_t(3 * c.opsize() / 8)));
  // Real mode: everything but VM and RF (and VIF/VIP); a 16-bit IRET keeps the upper half.
  uint32_t writable = c.opsize() == 16 ? 0xffff : ~uint32_t(fl::VM | fl::VIF | fl::VIP);
  if (c.model() <= Model::I286) writable &= 0x0fff;
  c.set_all_flags(c.b.trunc<T::I32>(w[2]), writable);
  real_far_jump(c, c.b.trunc<T::I16>(w[1]), w[0]);
  return true;
}

namespace {
// CX = CX - 1 (the count register of the address size) and branch if it is
// not 0 and (`zf` < 0: always; else ZF == zf).
bool gen_loop(Ctx& c, int zf) {
  ir::Builder& b = c.b;
  const unsigned bits = c.addrsize();
  U64 cx = b.sub(c.reg_n(CX, bits), b.c64(1));
  if (bits < 64) cx = b.and_(cx, b.c64((1ull << bits) - 1));
  U8 go = b.zext<T::I8>(b.ne(cx, b.c64(0)));
  if (zf >= 0) {
    U8 z = b.zext<T::I8>(c.flag(fl::ZF));
    if (!zf) z = b.xor_(z, b.constant<T::I8>(1));
    go = b.and_(go, z);
  }
  B1 taken = b.ne(go, b.constant<T::I8>(0));
  c.check_near_target(rel_target(c), branch_mask(c), taken);  // before CX changes
  c.set_reg_n(CX, bits, cx);
  b.branch(taken, c.pc_of(rel_target(c)), c.next_pc());
  return true;
}
}  // namespace
bool LOOP(Ctx& c) { return gen_loop(c, -1); }
bool LOOPE(Ctx& c) { return gen_loop(c, 1); }
bool LOOPNE(Ctx& c) { return gen_loop(c, 0); }
bool JCXZ(Ctx& c) {
  B1 taken = c.b.eq(c.reg_n(CX, c.addrsize()), c.b.c64(0));
  c.check_near_target(rel_target(c), branch_mask(c), taken);
  c.b.branch(taken, c.pc_of(rel_target(c)), c.next_pc());
  return true;
}

bool INT(Ctx& c) {
  // In virtual-8086 mode INT n is IOPL-sensitive (the helper checks).
  c.b.call(kRaiseSoft, c.b.c64((c.in.imm & 0xff) | 0x100), c.b.c64(c.next_ip()));
  c.b.exit(ir::ExitReason::Exception, c.b.c64(c.pc_of(c.ip)));
  return true;
}
bool INT3(Ctx& c) {
  c.soft_interrupt(kBreakpoint);
  return true;
}
bool INTO(Ctx& c) {
  c.b.call(kRaiseIf, c.b.zext<T::I64>(c.flag(fl::OF)), c.b.c64(kOverflow), c.b.c64(c.next_ip()));
  c.end_block();
  return true;
}

// BOUND Gv,M (186+): #BR (vector 5) unless lower <= Gv <= upper, signed,
// with the bounds at [M] and [M + operand size]; the frame returns to the BOUND itself.
bool BOUND(Ctx& c) {
  return by_width(c.opsize(), [&]<T W>() {
    ir::Builder& b = c.b;
    U64 ea = c.ea();
    unsigned seg = unsigned(c.seg_of_ea());
    ir::Val<W> lower = c.load<W>(seg, ea);
    ir::Val<W> upper = c.load<W>(seg, c.off_add(ea, ir::type_bits(W) / 8));
    ir::Val<W> v = c.read<W>(0);
    U8 out = b.or_(b.zext<T::I8>(b.lts(v, lower)), b.zext<T::I8>(b.lts(upper, v)));
    b.call(kRaiseIf, b.zext<T::I64>(out), b.c64(kBound), b.c64(kReturnToFaulting));
    return true;
  });
}

// ENTER Iw,Ib (186+): the nesting level is taken modulo 32.
bool ENTER(Ctx& c) {
  return by_width(branch_size(c), [&]<T W>() {
    ir::Builder& b = c.b;
    constexpr unsigned bytes = ir::type_bits(W) / 8;
    const unsigned level = unsigned(c.in.imm2) & 31;
    const unsigned ss = c.stacksize();
    U64 bp = c.reg_n(BP, ss);
    c.push(resize<W>(c.b, c.reg<T::I64>(BP)));
    U64 frame = c.sp();
    for (unsigned i = 1; i < level; i++) {
      bp = c.sp_add(bp, -int64_t(bytes));
      c.push(c.load<W>(SS, bp));
    }
    if (level > 0) c.push(resize<W>(b, frame));
    c.set_reg_n(BP, ss, frame);
    c.set_sp(c.sp_add(c.sp(), -int64_t(c.in.imm & 0xffff)));
    return true;
  });
}

// LEAVE (186+): SP = BP, then POP BP; reads before it writes, so a fault leaves SP as it was.
bool LEAVE(Ctx& c) {
  return by_width(branch_size(c), [&]<T W>() {
    const unsigned ss = c.stacksize();
    U64 bp = c.reg_n(BP, ss);
    ir::Val<W> v = c.load<W>(SS, bp);
    c.set_sp(c.sp_add(bp, ir::type_bits(W) / 8));
    c.set_reg(BP, v);
    return true;
  });
}

}  // namespace kiln::x86

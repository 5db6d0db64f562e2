// Control transfer (Intel SDM Vol. 2: Jcc, JMP, CALL, RET, far forms, LOOP*,
// JCXZ, INT/INT3/INTO, IRET, BOUND, ENTER, LEAVE). Real mode: a far transfer loads
// CS with base = selector << 4 and ends the block (CS is part of the mode).
#include "cpu/x86/helpers.h"
#include "cpu/x86/insn/insns.h"

namespace kiln::x86 {

namespace {
uint16_t rel_target(const Ctx& c) {
  int64_t rel = c.in.row->ops[0].size == 'b' ? int8_t(c.in.imm) : int16_t(c.in.imm);
  return uint16_t(c.next_ip() + rel);
}
// Loads CS:IP and leaves the block for the new code.
void far_jump(Ctx& c, U16 sel, U16 ip) {
  ir::Builder& b = c.b;
  c.set_sreg(CS, sel);
  U64 base = b.shl(b.zext<T::I64>(sel), b.c64(4));
  b.exit(ir::ExitReason::ModeChange, b.add(base, b.zext<T::I64>(ip)));
}
U16 c16(Ctx& c, uint64_t v) { return c.b.constant<T::I16>(v); }
}  // namespace

bool Jcc(Ctx& c) {
  c.b.branch(c.cond(c.in.opcode & 15), c.cs_base + rel_target(c), c.next_pc());
  return true;
}

bool JMP(Ctx& c) {
  if (c.in.row->ops[0].kind == Opnd::J) c.b.goto_(c.cs_base + rel_target(c));
  else c.jump_ip(c.read<T::I16>(0));
  return true;
}

bool CALL(Ctx& c) {
  if (c.in.row->ops[0].kind == Opnd::J) {
    c.push(c16(c, c.next_ip()));
    c.b.goto_(c.cs_base + rel_target(c));
  } else {
    U16 target = c.read<T::I16>(0);
    c.push(c16(c, c.next_ip()));
    c.jump_ip(target);
  }
  return true;
}

namespace {
// The far pointer operand: immediate (Ap) or in memory (Mp).
void far_operand(Ctx& c, U16* sel, U16* off) {
  if (c.in.row->ops[0].kind == Opnd::A) {
    *off = c16(c, c.in.imm);
    *sel = c16(c, c.in.imm2);
    return;
  }
  U16 ea = c.ea_offset();
  unsigned seg = unsigned(c.seg_of_ea());
  *off = c.load<T::I16>(seg, ea);
  *sel = c.load<T::I16>(seg, c.b.add(ea, c16(c, 2)));
}
}  // namespace

bool JMPF(Ctx& c) {
  U16 sel, off;
  far_operand(c, &sel, &off);
  far_jump(c, sel, off);
  return true;
}

bool CALLF(Ctx& c) {
  U16 sel, off;
  far_operand(c, &sel, &off);
  c.push(c.sreg(CS));
  c.push(c16(c, c.next_ip()));
  far_jump(c, sel, off);
  return true;
}

bool RET(Ctx& c) {
  U16 ip = c.pop<T::I16>();
  if (c.in.row->ops[0].kind == Opnd::I) c.set_reg(SP, c.b.add(c.sp(), c16(c, c.in.imm)));
  c.jump_ip(ip);
  return true;
}

namespace {
// The `n` words on top of the stack (read before anything changes, so a fault leaves SP as it was).
void top_of_stack(Ctx& c, U16* words, unsigned n) {
  U16 s = c.sp();
  for (unsigned i = 0; i < n; i++) words[i] = c.load<T::I16>(SS, c.b.add(s, c16(c, 2 * i)));
}
}  // namespace

bool RETF(Ctx& c) {
  U16 w[2];  // ip, cs
  top_of_stack(c, w, 2);
  uint64_t extra = c.in.row->ops[0].kind == Opnd::I ? c.in.imm : 0;
  c.set_reg(SP, c.b.add(c.sp(), c16(c, 4 + extra)));
  far_jump(c, w[1], w[0]);
  return true;
}

bool IRET(Ctx& c) {
  U16 w[3];  // ip, cs, flags
  top_of_stack(c, w, 3);
  c.set_reg(SP, c.b.add(c.sp(), c16(c, 6)));
  c.set_all_flags(c.b.zext<T::I32>(w[2]));
  far_jump(c, w[1], w[0]);
  return true;
}

namespace {
// CX = CX - 1 and branch if CX != 0 and (`zf` < 0: always; else ZF == zf).
bool gen_loop(Ctx& c, int zf) {
  ir::Builder& b = c.b;
  U16 cx = b.sub(c.reg<T::I16>(CX), c16(c, 1));
  c.set_reg(CX, cx);
  U8 go = b.zext<T::I8>(b.ne(cx, c16(c, 0)));
  if (zf >= 0) {
    U8 z = b.zext<T::I8>(c.flag(fl::ZF));
    if (!zf) z = b.xor_(z, b.constant<T::I8>(1));
    go = b.and_(go, z);
  }
  b.branch(b.ne(go, b.constant<T::I8>(0)), c.cs_base + rel_target(c), c.next_pc());
  return true;
}
}  // namespace
bool LOOP(Ctx& c) { return gen_loop(c, -1); }
bool LOOPE(Ctx& c) { return gen_loop(c, 1); }
bool LOOPNE(Ctx& c) { return gen_loop(c, 0); }
bool JCXZ(Ctx& c) {
  c.b.branch(c.b.eq(c.reg<T::I16>(CX), c16(c, 0)), c.cs_base + rel_target(c), c.next_pc());
  return true;
}

bool INT(Ctx& c) {
  c.raise(unsigned(c.in.imm & 0xff), c.next_ip());
  return true;
}
bool INT3(Ctx& c) {
  c.raise(kBreakpoint, c.next_ip());
  return true;
}
bool INTO(Ctx& c) {
  c.b.call(kRaiseIf, c.b.zext<T::I64>(c.flag(fl::OF)), c.b.c64(kOverflow), c.b.c64(c.next_ip()));
  c.end_block();
  return true;
}

// BOUND Gv,M (186+): #BR (vector 5) unless lower <= Gv <= upper, signed,
// with the bounds at [M] and [M+2]; the frame returns to the BOUND itself.
bool BOUND(Ctx& c) {
  ir::Builder& b = c.b;
  U16 ea = c.ea_offset();
  unsigned seg = unsigned(c.seg_of_ea());
  U16 lower = c.load<T::I16>(seg, ea);
  U16 upper = c.load<T::I16>(seg, b.add(ea, c16(c, 2)));
  U16 v = c.read<T::I16>(0);
  U8 out = b.or_(b.zext<T::I8>(b.lts(v, lower)), b.zext<T::I8>(b.lts(upper, v)));
  b.call(kRaiseIf, b.zext<T::I64>(out), b.c64(kBound), b.c64(c.ip));
  return true;
}

// ENTER Iw,Ib (186+): the nesting level is taken modulo 32.
bool ENTER(Ctx& c) {
  ir::Builder& b = c.b;
  const unsigned level = unsigned(c.in.imm2) & 31;
  U16 bp = c.reg<T::I16>(BP);
  c.push(bp);
  U16 frame = c.sp();
  for (unsigned i = 1; i < level; i++) {
    bp = b.sub(bp, c16(c, 2));
    c.push(c.load<T::I16>(SS, bp));
  }
  if (level > 0) c.push(frame);
  c.set_reg(BP, frame);
  c.set_reg(SP, b.sub(c.sp(), c16(c, c.in.imm & 0xffff)));
  return true;
}

// LEAVE (186+): SP = BP, then POP BP; reads before it writes, so a fault leaves SP as it was.
bool LEAVE(Ctx& c) {
  U16 bp = c.reg<T::I16>(BP);
  U16 v = c.load<T::I16>(SS, bp);
  c.set_reg(SP, c.b.add(bp, c16(c, 2)));
  c.set_reg(BP, v);
  return true;
}

}  // namespace kiln::x86

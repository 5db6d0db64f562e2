// String instructions (Intel SDM Vol. 2: MOVS, CMPS, STOS, LODS, SCAS; INS
// and OUTS from the 186 on) with REP/REPE/REPNE, in IR. One element is
// ordinary IR: its loads and stores through the segments, SI/DI stepped by
// the operand size (backwards with DF set), CMPS/SCAS setting the flags of a
// subtraction. A REP prefix wraps the element in the IR's forward labels:
//
//   if CX == 0: skip to done
//   one element; CX -= 1
//   if CX != 0 (and, for CMPS/SCAS, ZF as REPE/REPNE want): leave to this pc
//   done: leave to the next instruction
//
// so the REP instruction ends its block and every element is one trip through
// the engine's dispatch (where interrupts and stop requests are seen) or, once
// compiled, one iteration of a native loop (a block exiting to its own pc).
// The registers are written after the element's memory accesses, so a fault
// leaves CX/SI/DI at the faulting element and the instruction restarts there.
// On the 8086 both F2 and F3 repeat MOVS/STOS/LODS/INS/OUTS alike.
#include "cpu/x86/flags.h"
#include "cpu/x86/helpers.h"
#include "cpu/x86/insn/insns.h"

namespace kiln::x86 {

namespace {
enum StrOp : unsigned { kMovs, kCmps, kStos, kLods, kScas, kIns, kOuts };

// One element at width W; returns ZF of the comparison for CMPS/SCAS (else nothing).
template <T W>
B1 string_element(Ctx& c, StrOp op) {
  ir::Builder& b = c.b;
  const unsigned src_seg = c.in.seg_override >= 0 ? unsigned(c.in.seg_override) : DS;
  const uint64_t size = ir::type_bits(W) / 8;
  U16 si = c.reg<T::I16>(SI), di = c.reg<T::I16>(DI);
  auto port_width = [&] { return b.c64(ir::type_bits(W)); };
  B1 zf{};
  switch (op) {
    case kMovs: c.store<W>(ES, di, c.load<W>(src_seg, si)); break;
    case kCmps: {
      ir::Val<W> a = c.load<W>(src_seg, si), x = c.load<W>(ES, di);
      c.set_cc<W>(CcOp::Sub8, a, x, b.sub(a, x));
      zf = b.eq(a, x);
      break;
    }
    case kStos: c.store<W>(ES, di, c.reg<W>(AX)); break;
    case kLods: c.set_reg<W>(AX, c.load<W>(src_seg, si)); break;
    case kScas: {
      ir::Val<W> a = c.reg<W>(AX), x = c.load<W>(ES, di);
      c.set_cc<W>(CcOp::Sub8, a, x, b.sub(a, x));
      zf = b.eq(a, x);
      break;
    }
    case kIns: {
      U64 port = b.zext<T::I64>(c.reg<T::I16>(DX));
      c.store<W>(ES, di, b.template trunc<W>(b.call(kPortIn, port, port_width())));
      break;
    }
    case kOuts: {
      ir::Val<W> v = c.load<W>(src_seg, si);
      b.call(kPortOut, b.zext<T::I64>(c.reg<T::I16>(DX)), b.zext<T::I64>(v), port_width());
      break;
    }
  }
  // The step: +size, or -size with DF set.
  B1 down = b.ne(b.and_(c.other_flags(), b.c64(fl::DF)), b.c64(0));
  U16 step = b.select(down, b.constant<T::I16>(-size), b.constant<T::I16>(size));
  if (op == kMovs || op == kCmps || op == kLods || op == kOuts) c.set_reg(SI, b.add(si, step));
  if (op != kLods && op != kOuts) c.set_reg(DI, b.add(di, step));
  return zf;
}

bool gen_string(Ctx& c, StrOp op) {
  const OperandSpec* ops = c.in.row->ops;
  const bool word = ops[0].size == 'v' || ops[1].size == 'v';  // (DX, a port, is 'w' but not the data)
  auto element = [&] { return word ? string_element<T::I16>(c, op) : string_element<T::I8>(c, op); };
  if (!c.in.rep) {
    element();
    return true;
  }
  ir::Builder& b = c.b;
  U16 cx = c.reg<T::I16>(CX);
  ir::Builder::Label done = b.new_label();
  b.skip_if(b.eq(cx, b.constant<T::I16>(0)), done);
  B1 zf = element();
  U16 left = b.sub(cx, b.constant<T::I16>(1));
  c.set_reg(CX, left);
  B1 more = b.ne(left, b.constant<T::I16>(0));
  if (op == kCmps || op == kScas) {  // REPE (F3) goes on while equal, REPNE (F2) while not
    B1 go_on = c.in.rep == 0xF3 ? zf : b.eq(b.zext<T::I8>(zf), b.constant<T::I8>(0));
    more = b.select(go_on, more, b.c1(false));
  }
  b.branch(more, c.cs_base + c.ip, c.next_pc());
  b.place(done);
  c.flags = BlockFlags{};  // what the element set is not known on the CX == 0 way
  c.end_block();
  return true;
}
}  // namespace

bool MOVS(Ctx& c) { return gen_string(c, kMovs); }
bool CMPS(Ctx& c) { return gen_string(c, kCmps); }
bool STOS(Ctx& c) { return gen_string(c, kStos); }
bool LODS(Ctx& c) { return gen_string(c, kLods); }
bool SCAS(Ctx& c) { return gen_string(c, kScas); }
bool INS(Ctx& c) { return gen_string(c, kIns); }
bool OUTS(Ctx& c) { return gen_string(c, kOuts); }

}  // namespace kiln::x86

// The x87 rows (D8-DF, WAIT) and FXSAVE/FXRSTOR/LDMXCSR/STMXCSR (0F AE /0-/3):
// translation only. Each instruction becomes one helper call (insn/x87.h)
// after the checks that come before its memory operand (#NM, #MF) and that
// operand's segment checks; the helper does the register stack and the
// arithmetic (common/softfloat80.h) and reads or writes the operand itself, so
// a fault leaves the FPU state untouched. The 8086 and 286 models have no FPU
// in Kiln: there the escapes only decode their operand (ESC) and WAIT waits
// for nothing.
#include "cpu/x86/insn/x87.h"

#include "cpu/x86/insn/insns.h"

namespace kiln::x86 {

namespace {
using namespace x87::code;

bool has_fpu(const Ctx& c) { return c.has(Feature::Fpu); }  // the 386 model too, as with a 387
bool p6(const Ctx& c) { return c.has(Feature::Cmov); }       // FCMOVcc, FCOMI (CPUID: CMOV and FPU)
bool sse3(const Ctx& c) { return c.has(Feature::Pni); }      // FISTTP

// The memory operand of escape `esc` with ModR/M reg `reg`: its size in
// bytes (0: no such instruction) and whether it is written.
struct MemShape {
  unsigned bytes;
  bool write;
};
MemShape mem_shape(const Ctx& c, unsigned esc, unsigned reg) {
  const unsigned env = c.opsize() == 16 ? 14 : 28, save = env + 80;
  switch (esc) {
    case 0: return {4, false};
    case 1: {
      static constexpr MemShape kD9[8] = {{4, false}, {0, false}, {4, true}, {4, true},
                                          {0, false}, {2, false}, {0, true}, {2, true}};
      if (reg == 4 || reg == 6) return {env, reg == 6};
      return kD9[reg];
    }
    case 2: return {4, false};
    case 3: {
      static constexpr MemShape kDB[8] = {{4, false}, {4, true}, {4, true}, {4, true},
                                          {0, false}, {10, false}, {0, false}, {10, true}};
      if (reg == 1 && !sse3(c)) return {0, false};
      return kDB[reg];
    }
    case 4: return {8, false};
    case 5: {
      static constexpr MemShape kDD[8] = {{8, false}, {8, true}, {8, true}, {8, true},
                                          {0, false}, {0, false}, {0, true}, {2, true}};
      if (reg == 4 || reg == 6) return {save, reg == 6};
      if (reg == 1 && !sse3(c)) return {0, false};
      return kDD[reg];
    }
    case 6: return {2, false};
    case 7: {
      static constexpr MemShape kDF[8] = {{2, false}, {2, true}, {2, true}, {2, true},
                                          {10, false}, {8, false}, {10, true}, {8, true}};
      if (reg == 1 && !sse3(c)) return {0, false};
      return kDF[reg];
    }
    default: {  // 0F AE /0-/3
      static constexpr MemShape kAE[4] = {{512, true}, {512, false}, {4, false}, {4, true}};
      return kAE[reg & 3];
    }
  }
}

// The alignment #AC wants for an x87 memory operand (Intel SDM Vol. 3 "Interrupt
// 17", Table 6-7): its size for 2, 4 and 8 bytes, 8 for 80-bit values, 2 or 4
// for the 16- and 32-bit FSTENV/FSAVE areas; FXSAVE's 512 bytes have their own
// rule (#GP unless 16-byte aligned), so 1: no check.
unsigned alignment_of(unsigned bytes) {
  switch (bytes) {
    case 10: return 8;
    case 14: case 94: return 2;
    case 28: case 108: return 4;
    case 512: return 1;
    default: return bytes;
  }
}

// Register forms (mod 3) that exist on the model.
bool reg_form_valid(const Ctx& c, unsigned esc, unsigned modrm) {
  const unsigned reg = (modrm >> 3) & 7;
  switch (esc) {
    case 1:
      if (reg == 2) return modrm == 0xd0;  // FNOP
      if (reg == 4) return modrm != 0xe2 && modrm != 0xe3 && modrm != 0xe6 && modrm != 0xe7;
      if (reg == 5) return modrm != 0xef;
      return true;
    case 2: return reg < 4 ? p6(c) : modrm == 0xe9;            // FCMOVcc, FUCOMPP
    case 3:
      if (reg < 4) return p6(c);                                 // FCMOVNcc
      if (reg == 4) return modrm <= 0xe4;                        // FENI FDISI FNCLEX FNINIT FSETPM
      return (reg == 5 || reg == 6) && p6(c);                    // FUCOMI, FCOMI
    case 5: return reg != 7;                                     // DD F8-FF: none
    case 6: return reg != 3 || modrm == 0xd9;                    // FCOMPP
    case 7:
      if (reg == 4) return modrm == 0xe0;                        // FNSTSW AX
      if (reg == 5 || reg == 6) return p6(c);                    // FUCOMIP, FCOMIP
      return reg != 7;
    default: return true;
  }
}

uint64_t pack(Ctx& c, uint64_t esc) {
  const unsigned modrm = unsigned(c.in.mod) << 6 | (c.in.reg & 7) << 3 | c.in.rm;
  uint64_t code = esc | uint64_t(modrm) << kModrmShift | c.ip << kIpShift;
  if (c.opsize() >= 32) code |= kOp32;
  if (c.in.rex & 8) code |= kRexW;
  if (c.is64()) code |= kCode64;
  return code;
}

// The helper call, with the memory operand's checks before it.
U64 emit(Ctx& c, uint64_t esc, U64 extra = {}) {
  uint64_t code = pack(c, esc);
  if (c.in.mod == 3) {
    U64 v = c.b.c64(code);
    if (extra.id != ir::kNoValue) v = c.b.or_(v, extra);
    return c.b.call(x87::kExec, v, c.b.c64(0), c.b.c64(0));
  }
  const MemShape shape = mem_shape(c, unsigned(esc), c.in.reg & 7);
  const unsigned seg = unsigned(c.seg_of_ea());
  code |= uint64_t(seg) << kSegShift;
  c.b.call(x87::kCheck, c.b.c64(code));
  U64 off = c.ea();
  if (shape.bytes <= 255) {
    c.check_segment(seg, off, shape.bytes, shape.write);
  } else {  // the segment check helper takes at most 255 bytes: check both ends
    c.check_segment(seg, off, 1, shape.write);
    c.check_segment(seg, c.off_add(off, shape.bytes - 1), 1, shape.write);
  }
  c.check_alignment(c.linear(seg, off), alignment_of(shape.bytes));
  return c.b.call(x87::kExec, c.b.c64(code), c.linear(seg, off), off);
}

// Without a coprocessor the CPU still makes its CR0 checks first: #NM under
// CR0.EM (how an OS emulating the FPU, or a 486SX's, gets each instruction)
// or CR0.TS; past them the instruction does nothing (its operand is decoded).
bool no_fpu(Ctx& c, uint64_t esc) {
  c.b.call(x87::kCheck, c.b.c64(pack(c, esc)));
  return true;
}

bool escape(Ctx& c, unsigned esc) {
  if (!has_fpu(c)) return no_fpu(c, esc);
  const unsigned modrm = unsigned(c.in.mod) << 6 | (c.in.reg & 7) << 3 | c.in.rm;
  if (c.in.mod != 3) {
    if (mem_shape(c, esc, c.in.reg & 7).bytes == 0) return false;
    emit(c, esc);
    return true;
  }
  if (!reg_form_valid(c, esc, modrm)) return false;
  if ((esc == 2 || esc == 3) && (c.in.reg & 7) < 4) {  // FCMOVcc: B E BE U, then NB NE NBE NU
    static constexpr Cond kCond[4] = {kB, kE, kBE, kP};
    const unsigned cc = kCond[c.in.reg & 3] ^ (esc == 3 ? 1 : 0);
    emit(c, esc, c.b.shl(c.b.zext<T::I64>(c.cond(cc)), c.b.c64(15)));
    return true;
  }
  U64 v = emit(c, esc);
  if (esc == 7 && modrm == 0xe0) c.set_reg<T::I16>(AX, c.b.trunc<T::I16>(v));  // FNSTSW AX
  if ((esc == 3 || esc == 7) && ((c.in.reg & 7) == 5 || (c.in.reg & 7) == 6))  // FCOMI, FUCOMI(P)
    c.set_cc_flags(c.b.trunc<T::I32>(v));
  return true;
}

bool group15(Ctx& c) {
  if (c.in.mod == 3) return false;  // (the rows need FXSR or SSE)
  emit(c, kGroup15);
  return true;
}
}  // namespace

// ESC (D8-DF): the x87 instructions, or, without an FPU, an escape to a
// coprocessor that is not there (the 8086 reads the operand; nothing changes).
bool ESC(Ctx& c) { return escape(c, c.in.opcode - 0xd8); }

// WAIT/FWAIT: #NM with CR0.TS and MP, #MF for a pending unmasked exception (none
// without a coprocessor: its status word stays clear).
bool WAIT(Ctx& c) {
  c.b.call(x87::kCheck, c.b.c64(pack(c, kWait)));
  return true;
}

bool FXSAVE(Ctx& c) { return group15(c); }
bool FXRSTOR(Ctx& c) { return group15(c); }
bool LDMXCSR(Ctx& c) { return group15(c); }
bool STMXCSR(Ctx& c) { return group15(c); }

}  // namespace kiln::x86

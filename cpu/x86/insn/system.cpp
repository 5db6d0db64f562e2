// System instructions (Intel SDM Vol. 2 and Vol. 3): control and debug
// registers, descriptor-table registers, LLDT/LTR and the descriptor queries
// (LAR, LSL, VERR, VERW), CPUID, RDTSC/RDTSCP, RDMSR/WRMSR, INVLPG, the cache
// instructions, SYSCALL/SYSRET, SYSENTER/SYSEXIT, SWAPGS. The work that
// checks or changes the mode runs in helpers (system_helpers.cpp); an
// instruction that may change the mode bits ends its block.
#include "cpu/x86/insn/insns.h"
#include "cpu/x86/insn/shapes.h"
#include "cpu/x86/system.h"

namespace kiln::x86 {

namespace {
// Protected-mode only instructions (#UD in real and virtual-8086 mode).
bool protected_only(const Ctx& c) { return !c.real_or_vm86(); }

// LGDT/LIDT m: a 16-bit limit, then the base (24 bits with a 16-bit operand
// size, 32 bits, 64 bits in 64-bit mode).
bool gen_load_table(Ctx& c, size_t table) {
  if (!c.require_cpl0()) return true;
  ir::Builder& b = c.b;
  const unsigned seg = unsigned(c.seg_of_ea());
  U64 at = c.ea();
  U16 limit = c.load<T::I16>(seg, at);
  U64 base = c.is64() ? c.load<T::I64>(seg, c.off_add(at, 2)) : b.zext<T::I64>(c.load<T::I32>(seg, c.off_add(at, 2)));
  if (c.opsize() == 16) base = b.and_(base, b.c64(0xffffff));
  b.set(table + offsetof(TableReg, base), base);
  b.set(table + offsetof(TableReg, limit), b.zext<T::I32>(limit));
  return true;
}
// SGDT/SIDT m: the limit, then the base (the 286 stores 0xFF as the fourth base byte).
bool gen_store_table(Ctx& c, size_t table) {
  ir::Builder& b = c.b;
  const unsigned seg = unsigned(c.seg_of_ea());
  U64 at = c.ea();
  U64 base = b.get<T::I64>(table + offsetof(TableReg, base));
  c.store(seg, at, b.trunc<T::I16>(b.get<T::I32>(table + offsetof(TableReg, limit))));
  if (c.is64()) {
    c.store(seg, c.off_add(at, 2), base);
  } else {
    U32 b32 = b.trunc<T::I32>(base);
    if (c.model() == Model::I286) b32 = b.or_(b.and_(b32, b.c32(0xffffff)), b.c32(0xff000000u));
    c.store(seg, c.off_add(at, 2), b32);
  }
  return true;
}
// SLDT/STR Ew: a register destination gets the selector zero-extended to the operand size.
bool gen_store_selector(Ctx& c, size_t field) {
  U16 sel = c.b.get<T::I16>(field);
  if (c.in.mod == 3) c.set_reg_n(c.in.rm_reg(), c.opsize(), c.b.zext<T::I64>(sel));
  else c.write<T::I16>(0, sel);
  return true;
}
}  // namespace

// MOV Ry,Cd / Cd,Ry / Ry,Dd / Dd,Ry (CPL 0). The register operand is 32 bits
// wide outside 64-bit mode whatever the operand size.
bool MOV_CR_DR(Ctx& c, bool to_cr, bool debug) {
  if (!c.require_cpl0()) return true;
  ir::Builder& b = c.b;
  const unsigned n = c.in.reg;
  const unsigned bits = c.is64() ? 64 : 32;
  if (to_cr) {
    b.call(debug ? kWriteDr : kWriteCr, b.c64(n), c.reg_n(c.in.rm_reg(), bits));
    c.end_mode_change();
  } else {
    c.set_reg_n(c.in.rm_reg(), bits, b.call(debug ? kReadDr : kReadCr, b.c64(n)));
  }
  return true;
}

bool SGDT(Ctx& c) { return gen_store_table(c, offsetof(X86State, gdtr)); }
bool SIDT(Ctx& c) { return gen_store_table(c, offsetof(X86State, idtr)); }
bool LGDT(Ctx& c) { return gen_load_table(c, offsetof(X86State, gdtr)); }
bool LIDT(Ctx& c) { return gen_load_table(c, offsetof(X86State, idtr)); }

// SMSW Ew: the low 16 bits of CR0 (a register destination gets the operand size's worth).
bool SMSW(Ctx& c) {
  U64 cr0 = c.b.get<T::I64>(offsetof(X86State, cr0));
  if (c.in.mod == 3) c.set_reg_n(c.in.rm_reg(), c.opsize(), cr0);
  else c.write<T::I16>(0, c.b.trunc<T::I16>(cr0));
  return true;
}
// LMSW Ew: PE, MP, EM, TS from the operand; PE can be set but not cleared.
bool LMSW(Ctx& c) {
  if (!c.require_cpl0()) return true;
  ir::Builder& b = c.b;
  U64 v = b.zext<T::I64>(c.read<T::I16>(0));
  U64 cr0 = b.get<T::I64>(offsetof(X86State, cr0));
  U64 merged = b.or_(b.and_(cr0, b.c64(~uint64_t(0xe))), b.or_(b.and_(v, b.c64(0xf)), b.and_(cr0, b.c64(1))));
  b.call(kWriteCr, b.c64(0), merged);
  c.end_mode_change();
  return true;
}
bool CLTS(Ctx& c) {
  if (!c.require_cpl0()) return true;
  U64 cr0 = c.b.get<T::I64>(offsetof(X86State, cr0));
  c.b.set(offsetof(X86State, cr0), c.b.and_(cr0, c.b.c64(~cr0::TS)));
  return true;
}

bool SLDT(Ctx& c) {
  if (!protected_only(c)) return false;
  return gen_store_selector(c, offsetof(X86State, ldtr) + offsetof(Segment, selector));
}
bool STR(Ctx& c) {
  if (!protected_only(c)) return false;
  return gen_store_selector(c, offsetof(X86State, tr) + offsetof(Segment, selector));
}
bool LLDT(Ctx& c) {
  if (!protected_only(c)) return false;
  if (!c.require_cpl0()) return true;
  c.b.call(kLoadSystemSegment, c.b.c64(0), c.b.zext<T::I64>(c.read<T::I16>(0)));
  return true;
}
bool LTR(Ctx& c) {
  if (!protected_only(c)) return false;
  if (!c.require_cpl0()) return true;
  c.b.call(kLoadSystemSegment, c.b.c64(1), c.b.zext<T::I64>(c.read<T::I16>(0)));
  return true;
}

namespace {
// LAR/LSL/VERR/VERW: the helper answers (valid << 32 | value); ZF = valid.
bool gen_query(Ctx& c, unsigned kind, bool writes_result) {
  if (!protected_only(c)) return false;
  ir::Builder& b = c.b;
  U64 r = b.call(kDescriptorQuery, b.c64(kind), b.zext<T::I64>(c.read<T::I16>(writes_result ? 1 : 0)));
  B1 valid = b.ne(b.shrl(r, b.c64(32)), b.c64(0));
  if (writes_result) {
    U64 old = c.reg_n(c.in.reg, c.opsize());
    c.set_reg_n(c.in.reg, c.opsize(), b.select(valid, b.and_(r, b.c64(0xffffffff)), old));
  }
  c.set_cc_flags(b.or_(b.and_(c.arith_flags(), b.c32(~fl::ZF)), flag_bit(b, valid, fl::ZF)));
  return true;
}
}  // namespace
bool LAR(Ctx& c) { return gen_query(c, kQueryLar, true); }
bool LSL(Ctx& c) { return gen_query(c, kQueryLsl, true); }
bool VERR(Ctx& c) { return gen_query(c, kQueryVerr, false); }
bool VERW(Ctx& c) { return gen_query(c, kQueryVerw, false); }

bool CPUID(Ctx& c) {
  c.b.call(kCpuid);
  return true;
}
bool RDTSC(Ctx& c) {
  c.b.call(kRdtsc, c.b.c64(0));
  return true;
}
bool RDMSR(Ctx& c) {
  if (!c.require_cpl0()) return true;
  c.b.call(kRdmsr);
  return true;
}
bool WRMSR(Ctx& c) {
  if (!c.require_cpl0()) return true;
  c.b.call(kWrmsr);
  c.end_mode_change();  // EFER, the FS base...
  return true;
}

// 0F 01 /7: INVLPG m; with a register operand SWAPGS (rm 0, 64-bit mode) or RDTSCP (rm 1).
bool INVLPG(Ctx& c) {
  if (c.in.mod == 3) {
    if (c.in.rm == 0) {
      if (!c.is64()) return false;
      if (!c.require_cpl0()) return true;
      ir::Builder& b = c.b;
      U64 gs = b.get<T::I64>(off_seg_base(GS));
      b.set(off_seg_base(GS), b.get<T::I64>(offsetof(X86State, kernel_gs_base)));
      b.set(offsetof(X86State, kernel_gs_base), gs);
      return true;
    }
    if (c.in.rm == 1 && c.has(Feature::Rdtscp)) {
      c.b.call(kRdtsc, c.b.c64(1));
      return true;
    }
    return false;
  }
  if (!c.require_cpl0()) return true;
  c.b.call(kInvlpg, c.linear(unsigned(c.seg_of_ea()), c.ea()));  // no segment checks (SDM "INVLPG")
  c.end_mode_change();
  return true;
}
bool INVD(Ctx& c) { return c.require_cpl0(), true; }
bool WBINVD(Ctx& c) { return c.require_cpl0(), true; }

bool SYSCALL(Ctx& c) {
  c.b.exit(ir::ExitReason::ModeChange, c.b.call(kSyscall, c.b.c64(c.next_ip())));
  return true;
}
bool SYSRET(Ctx& c) {
  c.b.exit(ir::ExitReason::ModeChange, c.b.call(kSysret, c.b.c64(c.opsize())));
  return true;
}
bool SYSENTER(Ctx& c) {
  c.b.exit(ir::ExitReason::ModeChange, c.b.call(kSysenter));
  return true;
}
bool SYSEXIT(Ctx& c) {
  c.b.exit(ir::ExitReason::ModeChange, c.b.call(kSysexit, c.b.c64(c.opsize())));
  return true;
}

}  // namespace kiln::x86

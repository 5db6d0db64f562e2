// The helpers of the system instructions (cpu/x86/system.h), after the Intel
// SDM Vol. 2 pseudo-code and Vol. 3 (§2.5 control registers, §9 MSRs, §5.8
// fast system calls). Each records its fault (#GP, #UD, #NP, #TS) and leaves
// the state unchanged when it refuses.
#include <chrono>

#include "common/clock.h"
#include "cpu/x86/apic_link.h"
#include "cpu/x86/cpuid.h"
#include "cpu/x86/flags.h"
#include "cpu/x86/segment.h"
#include "cpu/x86/system.h"

namespace kiln::x86 {

namespace {
uint64_t gp(X86State* s) {
  record_fault(s, kGeneralProtection, 0);
  return 0;
}
uint64_t ud(X86State* s) {
  record_fault(s, kInvalidOpcode);
  return 0;
}

uint64_t write_cr(void* env, uint64_t n, uint64_t v, uint64_t) {
  X86State* s = xs(env);
  const uint64_t old = n == 0 ? s->cr0 : n == 4 ? s->cr4 : 0;
  switch (n) {
    case 0: {
      if (v >> 32) return gp(s);
      v |= cr0::ET;
      if ((v & cr0::PG) && !(v & cr0::PE)) return gp(s);
      if ((v & cr0::NW) && !(v & cr0::CD)) return gp(s);
      const bool pg_on = (v & cr0::PG) && !(old & cr0::PG), pg_off = !(v & cr0::PG) && (old & cr0::PG);
      if (pg_on && (s->efer & efer::LME)) {
        if (!(s->cr4 & cr4::PAE)) return gp(s);
        s->efer |= efer::LMA;
      }
      if (pg_off && long_mode(*s)) {
        if (code64(*s)) return gp(s);  // paging can be turned off only from compatibility mode
        s->efer &= ~efer::LMA;
      }
      s->cr0 = v;
      if ((old ^ v) & (cr0::PG | cr0::WP | cr0::PE)) flush_all_translations(*s);
      return 0;
    }
    case 2: s->cr2 = v; return 0;
    case 3:
      if (long_mode(*s) && (v >> 52)) return gp(s);
      s->cr3 = long_mode(*s) ? v : v & 0xffffffffull;
      flush_for_cr3(*s);
      return 0;
    case 4: {
      const uint64_t allowed = cr4::VME | cr4::PVI | cr4::TSD | cr4::DE | cr4::PSE | cr4::PAE | cr4::MCE |
                               cr4::PGE | cr4::PCE | cr4::OSFXSR | cr4::OSXMMEXCPT;
      if (v & ~allowed) return gp(s);
      if ((v & cr4::PGE) && !s->features.has(Feature::Pge)) return gp(s);  // global pages: CPUID.PGE
      if ((v & cr4::PSE) && !s->features.has(Feature::Pse)) return gp(s);  // 4 MiB pages: CPUID.PSE
      if ((v & cr4::PAE) && !s->features.has(Feature::Pae)) return gp(s);  // PAE paging: CPUID.PAE
      if (long_mode(*s) && !(v & cr4::PAE)) return gp(s);
      s->cr4 = v;
      if ((old ^ v) & (cr4::PSE | cr4::PAE | cr4::PGE)) flush_all_translations(*s);
      return 0;
    }
    case 8:
      if (!code64(*s) || (v >> 4)) return gp(s);
      s->cr8 = v;
      if (s->apic) s->apic->write_cr8(uint8_t(v));  // the TPR: an interrupt it held off may now be due
      return 0;
    default: return ud(s);
  }
}
uint64_t read_cr(void* env, uint64_t n, uint64_t, uint64_t) {
  X86State* s = xs(env);
  switch (n) {
    case 0: return s->cr0;
    case 2: return s->cr2;
    case 3: return s->cr3;
    case 4: return s->cr4;
    case 8: if (code64(*s)) return s->apic ? s->apic->cr8() : s->cr8; [[fallthrough]];
    default: return ud(s);
  }
}
// DR4/DR5 alias DR6/DR7 unless CR4.DE makes them #UD.
int debug_index(X86State* s, uint64_t n) {
  if (n == 4 || n == 5) {
    if (s->cr4 & cr4::DE) return -1;
    return int(n + 2);
  }
  return n < 8 ? int(n) : -1;
}
// DR7.GD: a MOV to or from a debug register is a #DB fault (DR6.BD), and GD clears for the handler.
bool general_detect(X86State* s) {
  if (!(s->dr[7] & (1u << 13))) return false;
  s->dr[6] |= 1u << 13;
  s->dr[7] &= ~(1ull << 13);
  record_fault(s, kDebug);
  return true;
}
uint64_t write_dr(void* env, uint64_t n, uint64_t v, uint64_t) {
  X86State* s = xs(env);
  const int i = debug_index(s, n);
  if (i < 0) return ud(s);
  if (general_detect(s)) return 0;
  if (i != 6) {  // the breakpoints changed: recomputed at the end of this block
    s->dr_dirty = 1;
    s->exit_request = 1;
  }
  if (i == 6) v = (v & 0xf00f) | 0xffff0ff0;
  if (i == 7) v = (v & ~0xd800ull) | 0x400;
  s->dr[i] = v;
  return 0;
}
uint64_t read_dr(void* env, uint64_t n, uint64_t, uint64_t) {
  X86State* s = xs(env);
  const int i = debug_index(s, n);
  if (i < 0) return ud(s);
  if (general_detect(s)) return 0;
  return s->dr[i];
}

// The descriptor of `sel` in the GDT or LDT without faulting when it lies
// outside its table (LAR and friends only clear ZF then).
bool peek_descriptor(X86State* s, uint16_t sel, uint64_t* desc) {
  if ((sel & 0xfffc) == 0) return false;
  const bool ldt = sel & 4;
  if (ldt && !(s->ldtr.attr & attr::kPresent)) return false;
  const uint64_t base = ldt ? s->ldtr.base : s->gdtr.base;
  const uint32_t limit = ldt ? s->ldtr.limit : s->gdtr.limit;
  if (uint64_t(sel & ~7u) + 7 > limit) return false;
  return sys_read(*s, base + (sel & ~7u), 8, desc);
}

uint64_t load_system_segment(void* env, uint64_t which, uint64_t sel64, uint64_t) {
  X86State* s = xs(env);
  const uint16_t sel = uint16_t(sel64);
  Segment& target = which == 0 ? s->ldtr : s->tr;
  if ((sel & 0xfffc) == 0) {
    if (which == 1) return gp(s);  // LTR needs a TSS
    s->ldtr = Segment{0, 0, sel, 0};
    return 0;
  }
  if (sel & 4) {
    record_fault(s, kGeneralProtection, sel & 0xfffc);
    return 0;
  }
  uint64_t desc, upper = 0;
  if (!read_descriptor(*s, sel, &desc)) return 0;
  const unsigned type = unsigned(desc >> 40) & 0x1f;  // with S
  const bool ok = which == 0 ? type == 2 : (type == 9 || (type == 1 && !long_mode(*s)));
  if (!ok) {
    record_fault(s, kGeneralProtection, sel & 0xfffc);
    return 0;
  }
  if (!(desc & (1ull << 47))) {
    record_fault(s, kSegmentNotPresent, sel & 0xfffc);
    return 0;
  }
  if (long_mode(*s) && !sys_read(*s, s->gdtr.base + (sel & ~7u) + 8, 8, &upper)) return 0;
  if (which == 1 && !sys_write(*s, s->gdtr.base + (sel & ~7u) + 5, 1, ((desc >> 40) & 0xff) | 2)) return 0;  // busy
  target = segment_of(sel, desc);
  target.base |= (upper & 0xffffffffull) << 32;
  if (which == 1) target.attr |= 2;
  return 0;
}

uint64_t descriptor_query(void* env, uint64_t kind, uint64_t sel64, uint64_t) {
  X86State* s = xs(env);
  const uint16_t sel = uint16_t(sel64);
  uint64_t desc;
  if (!peek_descriptor(s, sel, &desc)) return 0;
  const uint32_t hi = uint32_t(desc >> 32);
  const unsigned type = (hi >> 8) & 15, dpl = (hi >> 13) & 3, rpl = sel & 3;
  const bool sbit = hi & (1u << 12), code = sbit && (type & 8), conforming = code && (type & 4);
  const bool privileged_ok = conforming || (dpl >= s->cpl && dpl >= rpl);
  bool valid = false;
  uint64_t value = 0;
  switch (kind) {
    case kQueryLar:
      if (sbit) valid = privileged_ok;
      else if (long_mode(*s)) valid = (type == 2 || type == 9 || type == 11 || type == 12) && privileged_ok;
      else valid = (type == 1 || type == 2 || type == 3 || type == 4 || type == 5 || type == 9 || type == 11 || type == 12) && privileged_ok;
      value = hi & 0x00f0ff00u;
      break;
    case kQueryLsl:
      if (sbit) valid = privileged_ok;
      else valid = (type == 2 || type == 9 || type == 11 || (!long_mode(*s) && (type == 1 || type == 3))) && privileged_ok;
      value = segment_of(sel, desc).limit;
      break;
    case kQueryVerr: valid = sbit && (!code || (type & 2)) && privileged_ok; break;
    default: valid = sbit && !code && (type & 2) && privileged_ok; break;
  }
  return valid ? (1ull << 32) | (value & 0xffffffffull) : 0;
}

uint64_t cpuid_helper(void* env, uint64_t, uint64_t, uint64_t) {
  X86State* s = xs(env);
  const uint32_t apic_id = s->apic ? uint32_t(s->apic->id()) : 0;
  CpuidResult r = cpuid(s->model, s->features, uint32_t(s->gpr[AX]), uint32_t(s->gpr[CX]), apic_id);
  // The local APIC: the APIC bit while IA32_APIC_BASE enables it (as the SDM says), x2APIC where the
  // CPU has it. Without a local APIC, neither bit.
  if (uint32_t(s->gpr[AX]) == 1 && s->apic) {
    if (s->apic->base_msr() & (1u << 11)) r.edx |= mask_of(Feature::Apic);
    if (s->features.has(Feature::X2apic)) r.ecx |= mask_of(Feature::X2apic);
  }
  s->gpr[AX] = r.eax;
  s->gpr[BX] = r.ebx;
  s->gpr[CX] = r.ecx;
  s->gpr[DX] = r.edx;
  return 0;
}

// The time-stamp counter: a 1 GHz count of the board's virtual clock, so it
// keeps step with the PIT, the APIC timer and the PM timer (a kernel
// calibrates it against them), plus the guest's offset.
uint64_t tsc(const X86State* s) {
  if (s->clock) return s->clock->now_ns() + s->tsc_offset;
  const auto ns = std::chrono::steady_clock::now().time_since_epoch();
  return uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(ns).count()) + s->tsc_offset;
}
uint64_t rdtsc(void* env, uint64_t with_aux, uint64_t, uint64_t) {
  X86State* s = xs(env);
  if ((s->cr4 & cr4::TSD) && s->cpl != 0 && protected_mode(*s)) return gp(s);
  const uint64_t t = tsc(s);
  s->gpr[AX] = uint32_t(t);
  s->gpr[DX] = t >> 32;
  if (with_aux) s->gpr[CX] = uint32_t(s->tsc_aux);
  return 0;
}

// The MSR's storage, or nullptr if the model has no such MSR.
uint64_t* msr_slot(X86State* s, uint32_t msr) {
  const bool x64 = s->model >= Model::X64, p6 = s->model >= Model::Pentium3;
  const bool sep = s->features.has(Feature::Sep), mtrr = s->features.has(Feature::Mtrr);
  switch (msr) {
    case 0x1b: return p6 && !s->apic ? &s->apic_base : nullptr;  // with a local APIC: rdmsr/wrmsr ask it
    case 0x174: return sep ? &s->sysenter_cs : nullptr;
    case 0x175: return sep ? &s->sysenter_esp : nullptr;
    case 0x176: return sep ? &s->sysenter_eip : nullptr;
    case 0x1a0: return p6 ? &s->misc_enable : nullptr;
    case 0x277: return s->features.has(Feature::Pat) ? &s->pat : nullptr;
    case 0x2ff: return mtrr ? &s->mtrr_def_type : nullptr;
    case 0xc0000081: return x64 ? &s->star : nullptr;
    case 0xc0000082: return x64 ? &s->lstar : nullptr;
    case 0xc0000083: return x64 ? &s->cstar : nullptr;
    case 0xc0000084: return x64 ? &s->sfmask : nullptr;
    case 0xc0000100: return x64 ? &s->seg[FS].base : nullptr;
    case 0xc0000101: return x64 ? &s->seg[GS].base : nullptr;
    case 0xc0000102: return x64 ? &s->kernel_gs_base : nullptr;
    case 0xc0000103: return s->features.has(Feature::Rdtscp) ? &s->tsc_aux : nullptr;
  }
  if (mtrr && msr >= 0x200 && msr < 0x210) return &s->mtrr_var[msr - 0x200];
  if (mtrr && (msr == 0x250 || msr == 0x258 || msr == 0x259)) return &s->mtrr_fixed[msr == 0x250 ? 0 : msr - 0x257];
  if (mtrr && msr >= 0x268 && msr < 0x270) return &s->mtrr_fixed[3 + msr - 0x268];
  return nullptr;
}

// Whether `msr` is the local APIC's (cpu/x86/apic_link.h), which says what it means.
bool apic_msr(const X86State* s, uint32_t msr) {
  if (!s->apic) return false;
  return msr == ApicLink::kBaseMsr ||
         (s->features.has(Feature::X2apic) && msr >= ApicLink::kX2apicFirst && msr <= ApicLink::kX2apicLast);
}

uint64_t rdmsr(void* env, uint64_t, uint64_t, uint64_t) {
  X86State* s = xs(env);
  const uint32_t msr = uint32_t(s->gpr[CX]);
  uint64_t v;
  if (msr == 0x10 && s->features.has(Feature::Tsc)) v = tsc(s);
  else if (msr == 0xfe && s->features.has(Feature::Mtrr)) v = 0x508;  // MTRRCAP: 8 variable ranges, fixed ranges, WC
  else if (msr == 0x8b && s->model >= Model::Pentium3) v = 0;  // BIOS_SIGN_ID: microcode revision 0 (none loaded)
  else if (msr == 0x17 && s->model >= Model::Pentium3) v = 0;  // PLATFORM_ID (read-only): platform 0
  else if (msr == 0xc0000080 && s->model >= Model::X64) v = s->efer;
  else if (apic_msr(s, msr)) {
    if (!s->apic->read_msr(msr, &v)) return gp(s);
  }
  else if (uint64_t* p = msr_slot(s, msr)) v = *p;
  else return gp(s);
  s->gpr[AX] = uint32_t(v);
  s->gpr[DX] = v >> 32;
  return 0;
}

bool canonical(uint64_t v) { return uint64_t(int64_t(v << 16) >> 16) == v; }

uint64_t wrmsr(void* env, uint64_t, uint64_t, uint64_t) {
  X86State* s = xs(env);
  const uint32_t msr = uint32_t(s->gpr[CX]);
  const uint64_t v = uint32_t(s->gpr[AX]) | s->gpr[DX] << 32;
  if (msr == 0x10 && s->features.has(Feature::Tsc)) {
    s->tsc_offset += v - tsc(s);
    return 0;
  }
  if (msr == 0xc0000080 && s->model >= Model::X64) {
    // Each bit with its feature: SYSCALL, long mode, NX (-cpu qemu64,-nx makes NXE reserved).
    const uint64_t writable = (s->features.has(Feature::Syscall) ? efer::SCE : 0) |
                              (s->features.has(Feature::Lm) ? efer::LME : 0) | (s->features.has(Feature::Nx) ? efer::NXE : 0);
    if (v & ~(writable | efer::LMA)) return gp(s);
    if (((v ^ s->efer) & efer::LME) && (s->cr0 & cr0::PG)) return gp(s);
    const uint64_t old = s->efer;
    s->efer = (s->efer & efer::LMA) | (v & writable);
    if ((old ^ s->efer) & efer::NXE) flush_all_translations(*s);
    return 0;
  }
  if (apic_msr(s, msr)) {
    if (msr == ApicLink::kBaseMsr && (v & ApicLink::kBaseX2apic) && !s->features.has(Feature::X2apic)) return gp(s);
    return s->apic->write_msr(msr, v) ? 0 : gp(s);
  }
  // BIOS_SIGN_ID: software writes 0 before CPUID to read the revision back; there is nothing to load.
  if (msr == 0x8b && s->model >= Model::Pentium3) return 0;
  uint64_t* p = msr_slot(s, msr);
  if (!p) return gp(s);
  if ((msr >= 0xc0000100 && msr <= 0xc0000102) || msr == 0xc0000082 || msr == 0xc0000083 || msr == 0x175 || msr == 0x176) {
    if (!canonical(v)) return gp(s);
  }
  *p = v;
  return 0;
}

uint64_t invlpg(void* env, uint64_t linear, uint64_t, uint64_t) {
  flush_page_translation(*xs(env), linear);
  return 0;
}

// A flat segment as the fast system calls load it (the descriptors are not read).
Segment flat(uint16_t sel, bool code, bool l, unsigned dpl) {
  uint16_t a = attr::kPresent | attr::kS | attr::kAccessed | uint16_t(dpl << 5) | attr::kG;
  a |= code ? (attr::kCode | attr::kReadable | (l ? attr::kL : attr::kDB)) : (attr::kWritable | attr::kDB);
  return Segment{0, 0xffffffffu, sel, a};
}

uint64_t syscall(void* env, uint64_t next_ip, uint64_t, uint64_t) {
  X86State* s = xs(env);
  if (!(s->efer & efer::SCE) || !protected_mode(*s)) return ud(s);
  const uint16_t cs = uint16_t(s->star >> 32) & 0xfffc;
  const uint32_t flags = read_flags(*s);
  if (long_mode(*s)) {
    const bool from64 = code64(*s);
    s->gpr[CX] = next_ip;
    s->gpr[11] = flags & ~uint32_t(fl::RF);
    s->seg[CS] = flat(cs, true, true, 0);
    s->seg[SS] = flat(uint16_t(cs + 8), false, false, 0);
    s->cpl = 0;
    write_flags(*s, flags & ~uint32_t(s->sfmask) & ~uint32_t(fl::RF));
    return from64 ? s->lstar : s->cstar;
  }
  s->gpr[CX] = uint32_t(next_ip);
  s->seg[CS] = flat(cs, true, false, 0);
  s->seg[SS] = flat(uint16_t(cs + 8), false, false, 0);
  s->cpl = 0;
  write_flags(*s, flags & ~uint32_t(fl::VM | fl::IF | fl::RF));
  return uint32_t(s->star);
}

uint64_t sysret(void* env, uint64_t opsize, uint64_t, uint64_t) {
  X86State* s = xs(env);
  if (!(s->efer & efer::SCE)) return ud(s);
  if (!protected_mode(*s) || s->cpl != 0) return gp(s);
  const uint16_t base = uint16_t(s->star >> 48);
  uint64_t pc;
  if (long_mode(*s) && opsize == 64) {
    if (!canonical(s->gpr[CX])) return gp(s);
    s->seg[CS] = flat(uint16_t((base + 16) | 3), true, true, 3);
    pc = s->gpr[CX];
  } else {
    s->seg[CS] = flat(uint16_t(base | 3), true, false, 3);
    pc = uint32_t(s->gpr[CX]);
  }
  s->seg[SS] = flat(uint16_t((base + 8) | 3), false, false, 3);
  s->cpl = 3;
  if (long_mode(*s)) write_flags(*s, (uint32_t(s->gpr[11]) & ~uint32_t(fl::RF | fl::VM)) | 2);
  else write_flags(*s, read_flags(*s) | fl::IF);
  return pc;
}

uint64_t sysenter(void* env, uint64_t, uint64_t, uint64_t) {
  X86State* s = xs(env);
  const uint16_t cs = uint16_t(s->sysenter_cs) & 0xfffc;
  if (!protected_mode(*s) || cs == 0) return gp(s);
  const bool lm = long_mode(*s);
  s->seg[CS] = flat(cs, true, lm, 0);
  s->seg[SS] = flat(uint16_t(cs + 8), false, false, 0);
  s->cpl = 0;
  write_flags(*s, read_flags(*s) & ~uint32_t(fl::VM | fl::IF | fl::RF));
  s->gpr[SP] = lm ? s->sysenter_esp : uint32_t(s->sysenter_esp);
  return lm ? s->sysenter_eip : uint32_t(s->sysenter_eip);
}

uint64_t sysexit(void* env, uint64_t opsize, uint64_t, uint64_t) {
  X86State* s = xs(env);
  const uint16_t cs = uint16_t(s->sysenter_cs) & 0xfffc;
  if (!protected_mode(*s) || cs == 0 || s->cpl != 0) return gp(s);
  const bool to64 = opsize == 64;
  s->seg[CS] = flat(uint16_t((cs + (to64 ? 32 : 16)) | 3), true, to64, 3);
  s->seg[SS] = flat(uint16_t((cs + (to64 ? 40 : 24)) | 3), false, false, 3);
  s->cpl = 3;
  s->gpr[SP] = to64 ? s->gpr[CX] : uint32_t(s->gpr[CX]);
  return to64 ? s->gpr[DX] : uint32_t(s->gpr[DX]);
}

constexpr unsigned kState = ir::kReadsState | ir::kWritesState | ir::kMayFault;
constexpr unsigned kStateMem = kState | ir::kMemRead | ir::kMemWrite;
constexpr unsigned kStateRegs = kState | ir::kAccessesRegs;  // reads or writes the general registers
}  // namespace

const ir::Helper kWriteCr{"x86_write_cr", write_cr, kState, 2};
const ir::Helper kReadCr{"x86_read_cr", read_cr, kState, 1};
const ir::Helper kWriteDr{"x86_write_dr", write_dr, kState, 2};
const ir::Helper kReadDr{"x86_read_dr", read_dr, kState, 1};
const ir::Helper kLoadSystemSegment{"x86_load_system_segment", load_system_segment, kStateMem, 2};
const ir::Helper kDescriptorQuery{"x86_descriptor_query", descriptor_query, kStateMem, 2};
const ir::Helper kCpuid{"x86_cpuid", cpuid_helper, kStateRegs, 0};
const ir::Helper kRdtsc{"x86_rdtsc", rdtsc, kStateRegs, 1};
const ir::Helper kRdmsr{"x86_rdmsr", rdmsr, kStateRegs, 0};
const ir::Helper kWrmsr{"x86_wrmsr", wrmsr, kStateRegs, 0};
const ir::Helper kInvlpg{"x86_invlpg", invlpg, kState, 1};
const ir::Helper kSyscall{"x86_syscall", syscall, kStateRegs, 1};
const ir::Helper kSysret{"x86_sysret", sysret, kStateRegs, 1};
const ir::Helper kSysenter{"x86_sysenter", sysenter, kStateRegs, 0};
const ir::Helper kSysexit{"x86_sysexit", sysexit, kStateRegs, 1};

}  // namespace kiln::x86

// x86 CPU state. Everything the IR reads or writes is a field here, at a fixed
// offset from the StateHeader base ("env"), so Get/Set name it by offsetof.
// General registers are 64-bit slots; segment registers hold their selector
// and the hidden descriptor cache (base, limit, attributes), which is what
// every access uses, in every mode ("unreal" mode falls out of that).
// Arithmetic flags are lazy (docs/design.md §3, §5): the last flag-setting
// operation is stored as (kind, operands, result) in cc_*, and `flags` holds
// only the bits no operation computes lazily (TF, IF, DF, IOPL, NT, RF, VM,
// AC, ID and the fixed bits).
#pragma once
#include <cstddef>
#include <cstdint>

#include "cpu/common/state.h"
#include "cpu/x86/features.h"

namespace kiln {
class Clock;
}
namespace kiln::mem {
class PortSpace;
}

namespace kiln::x86 {

class ApicLink;  // cpu/x86/apic_link.h

// The chip generation. Real-mode behaviours that differ between the 8086 and
// the 286 are modelled per model; from the 386 on the model decides which
// instructions and modes exist (the CPUID a -cpu model reports is separate).
// X64 is QEMU's qemu64; Max is `-cpu max`: X64 and the extensions qemu64
// lacks (MOVBE).
enum class Model : uint8_t { I8086, I286, I386, I486, Pentium, Pentium3, X64, Max };
constexpr bool is_386_or_later(Model m) { return m >= Model::I386; }

enum Reg : unsigned { AX, CX, DX, BX, SP, BP, SI, DI };
enum SegReg : unsigned { ES, CS, SS, DS, FS, GS };

// EFLAGS bits
namespace fl {
constexpr uint32_t CF = 1u << 0, PF = 1u << 2, AF = 1u << 4, ZF = 1u << 6, SF = 1u << 7, TF = 1u << 8,
                   IF = 1u << 9, DF = 1u << 10, OF = 1u << 11, IOPL = 3u << 12, NT = 1u << 14, RF = 1u << 16,
                   VM = 1u << 17, AC = 1u << 18, VIF = 1u << 19, VIP = 1u << 20, ID = 1u << 21;
constexpr uint32_t kArith = CF | PF | AF | ZF | SF | OF;  // the flags kept lazily
}  // namespace fl

// CR0, CR4 and EFER bits
namespace cr0 {
constexpr uint64_t PE = 1u << 0, MP = 1u << 1, EM = 1u << 2, TS = 1u << 3, ET = 1u << 4, NE = 1u << 5,
                   WP = 1u << 16, AM = 1u << 18, NW = 1u << 29, CD = 1u << 30, PG = 1u << 31;
}
namespace cr4 {
constexpr uint64_t VME = 1u << 0, PVI = 1u << 1, TSD = 1u << 2, DE = 1u << 3, PSE = 1u << 4, PAE = 1u << 5,
                   MCE = 1u << 6, PGE = 1u << 7, PCE = 1u << 8, OSFXSR = 1u << 9, OSXMMEXCPT = 1u << 10;
}
namespace efer {
constexpr uint64_t SCE = 1u << 0, LME = 1u << 8, LMA = 1u << 10, NXE = 1u << 11;
}

// Exception vectors.
enum Vector : uint8_t {
  kDivideError = 0, kDebug = 1, kNmi = 2, kBreakpoint = 3, kOverflow = 4, kBound = 5, kInvalidOpcode = 6,
  kDeviceNotAvailable = 7, kDoubleFault = 8, kInvalidTss = 10, kSegmentNotPresent = 11, kStackFault = 12,
  kGeneralProtection = 13, kPageFault = 14, kFpuError = 16, kAlignmentCheck = 17, kSimdError = 19,
};

// What produced the arithmetic flags (cc_op). The width is part of the kind;
// see cpu/x86/flags.h for how each one yields CF..OF.
enum class CcOp : uint8_t {
  Eflags = 0,  // cc_src holds the arithmetic flags themselves
  Add8, Add16, Add32, Add64,     // dst = src + src2 (+ carry in): carries come from the bits
  Sub8, Sub16, Sub32, Sub64,     // dst = src - src2 (- borrow in)
  Logic8, Logic16, Logic32, Logic64,  // dst = result; CF = OF = AF = 0
  Inc8, Inc16, Inc32, Inc64,     // dst = src + 1; src2 = the CF before
  Dec8, Dec16, Dec32, Dec64,     // dst = src - 1; src2 = the CF before
  Mul8, Mul16, Mul32, Mul64,     // 386+ MUL/IMUL: dst = the low half (PF, SF); src2 = 1 if it did not fit (CF = OF); ZF = AF = 0
};

// Descriptor attribute bits as the cache holds them: bits 8-15 of the
// descriptor's high dword in bits 0-7 (type, S, DPL, P) and bits 20-23 in
// bits 12-15 (AVL, L, D/B, G), as LAR reports them shifted right by 8.
namespace attr {
constexpr uint16_t kAccessed = 1u << 0, kWritable = 1u << 1, kReadable = 1u << 1, kExpandDown = 1u << 2,
                   kConforming = 1u << 2, kCode = 1u << 3, kS = 1u << 4, kPresent = 1u << 7, kL = 1u << 13,
                   kDB = 1u << 14, kG = 1u << 15;
constexpr unsigned dpl(uint16_t a) { return (a >> 5) & 3; }
// What a real-mode (or reset) segment looks like: present, writable data, accessed.
constexpr uint16_t kRealData = kPresent | kS | kWritable | kAccessed;
constexpr uint16_t kRealCode = kPresent | kS | kCode | kReadable | kAccessed;
}  // namespace attr

struct Segment {
  uint64_t base = 0;
  uint32_t limit = 0xffff;
  uint16_t selector = 0;
  uint16_t attr = attr::kRealData;
};

// A descriptor table register (GDTR, IDTR).
struct TableReg {
  uint64_t base = 0;
  uint32_t limit = 0xffff;
};

// The virtual ranges covering the large pages the softTLB has cached (QEMU
// keeps one such range; a few keep a kernel's large-page direct map and text
// from covering user space and vmalloc, whose pages INVLPG flushes one by one:
// the amd64 kernel's boot flushed its whole TLB 70000 times with one).
struct LargePageRanges {
  static constexpr unsigned kRanges = 4;
  uint64_t lo[kRanges] = {}, hi[kRanges] = {};  // [lo, hi)
  unsigned count = 0;
  bool covers(uint64_t va) const {
    for (unsigned i = 0; i < count; i++)
      if (va >= lo[i] && va < hi[i]) return true;
    return false;
  }
  // A large page at `base` of `size` bytes: widens the nearest range (or one it touches) or starts one.
  void add(uint64_t base, uint64_t size) {
    const uint64_t end = base + size;
    unsigned best = 0;
    uint64_t best_gap = ~0ull;
    for (unsigned i = 0; i < count; i++) {
      const uint64_t gap = end < lo[i] ? lo[i] - end : base > hi[i] ? base - hi[i] : 0;
      if (gap < best_gap) best = i, best_gap = gap;
    }
    if (best_gap != 0 && count < kRanges) {
      lo[count] = base, hi[count] = end;
      count++;
      return;
    }
    if (base < lo[best]) lo[best] = base;
    if (end > hi[best]) hi[best] = end;
  }
  void clear() { count = 0; }
};

struct X86State : cpu::StateHeader {
  uint64_t gpr[16] = {};
  // Lazy arithmetic flags
  uint64_t cc_op = uint64_t(CcOp::Eflags);
  uint64_t cc_src = 0, cc_src2 = 0, cc_dst = 0;
  uint64_t flags = 0x2;  // non-arithmetic EFLAGS bits (the arithmetic ones are in cc_*)
  // The instruction pointer is not stored: pc (StateHeader) is the linear
  // address cs.base + ip, so ip = pc - cs.base.
  Segment seg[6];
  Segment ldtr, tr;
  TableReg gdtr, idtr;
  uint64_t cr0 = 0x60000010, cr2 = 0, cr3 = 0, cr4 = 0, cr8 = 0, efer = 0;
  uint64_t dr[8] = {0, 0, 0, 0, 0, 0, 0xffff0ff0, 0x400};
  // The current privilege level (CS.DPL after a transfer; kept apart so a
  // conforming CS does not change it).
  uint64_t cpl = 0;
  // Physical address mask: A20 (the 8086 wraps at 1 MiB) and the bus width.
  uint64_t a20_mask = ~0ull;
  // MSRs an OS writes
  uint64_t star = 0, lstar = 0, cstar = 0, sfmask = 0, kernel_gs_base = 0;
  uint64_t sysenter_cs = 0, sysenter_esp = 0, sysenter_eip = 0;
  uint64_t apic_base = 0xfee00900, pat = 0x0007040600070406ull, tsc_offset = 0, tsc_aux = 0;
  uint64_t misc_enable = 1, mtrr_def_type = 0, mtrr_var[16] = {}, mtrr_fixed[11] = {};
  // x87 FPU (SDM Vol. 1 ch. 8): physical registers R0-R7 as 80-bit values
  // (significand with its explicit integer bit; sign and 15-bit exponent, as
  // common/softfloat80.h's F80), the control word, the status word (TOP in
  // bits 11-13), the full tag word (2 bits per physical register: 0 valid,
  // 1 zero, 2 special, 3 empty), the last instruction's opcode and its
  // instruction and data pointers. MMX registers MM0-MM7 are the significands
  // of R0-R7.
  struct Fpu {
    uint64_t sig[8] = {};
    uint16_t se[8] = {};
    uint16_t fcw = 0x037f, fsw = 0, ftw = 0xffff, fop = 0, fcs = 0, fds = 0;
    uint64_t fip = 0, fdp = 0;
  } fpu;
  // SSE: XMM0-XMM15 (low and high quadword) and MXCSR.
  alignas(16) uint64_t xmm[16][2] = {};
  uint64_t mxcsr = 0x1f80;
  // The exception recorded while StateHeader::fault is set: its vector, the
  // ip the interrupt frame returns to (kReturnToFaulting: the instruction
  // that faulted, whose pc the tier left in StateHeader::pc), and its error
  // code (kNoErrorCode if it has none).
  uint64_t pending_vector = 0, pending_return_ip = 0, pending_error = 0;
  // INT n / INT3 / INTO (software interrupts check the gate's DPL; faults do not).
  uint64_t pending_soft = 0;
  // Debug (cpu/x86/debug.cpp): a single-step trap is due after the block
  // running now (armed by blocks translated with TF set); DR0-DR3 or DR7
  // changed, so the instruction breakpoints are recomputed.
  uint64_t step_pending = 0, dr_dirty = 0;
  // DR0-DR3 data breakpoints the running instruction hit (DR6's B0-B3 bits), reported after it.
  uint64_t data_hits = 0;
  // External interrupts (cpu/x86/interrupt.cpp): the INTR pin's level (an
  // interrupt controller drives it); HLT is waiting for an interrupt (a mode
  // bit: blocks translated while halted only wait); interrupts are held off
  // while the pc is irq_shadow_pc, the instruction after STI (IF was 0), MOV SS
  // or POP SS (~0: none).
  uint64_t intr = 0, halted = 0;
  uint64_t irq_shadow_pc = ~0ull;
  // NMI (cpu/x86/interrupt.cpp): one is latched (from the local APIC) and
  // waits while another's handler runs, from its delivery to the next IRET.
  uint64_t nmi_pending = 0, nmi_blocked = 0;
  // Where the softTLB may hold entries of 4 MiB, 2 MiB or 1 GiB pages (its
  // slots do not say which): INVLPG of an address there flushes everything,
  // elsewhere only its 4 KiB page; cleared by full flushes.
  LargePageRanges tlb_large;
  Model model = Model::I8086;
  // What the CPU has (features.h): the model's set as -cpu edited it. Fixed for the CPU's life, so
  // blocks may bake it in (it is not part of the mode bits).
  Features features;
  mem::PortSpace* ports = nullptr;  // the board's I/O port bus; none: every port reads as all ones
  // The board's local APIC (IA32_APIC_BASE, CR8, CPUID's APIC bit and ID); none: apic_base is a plain MSR.
  ApicLink* apic = nullptr;
  // The board's virtual clock, which the TSC counts (as its timers do); none: host time.
  const Clock* clock = nullptr;
};

constexpr uint64_t kReturnToFaulting = ~0ull;
constexpr uint64_t kNoErrorCode = ~0ull;

constexpr size_t off_gpr(unsigned r) { return offsetof(X86State, gpr) + 8 * r; }
constexpr size_t off_seg(unsigned s) { return offsetof(X86State, seg) + sizeof(Segment) * s; }
constexpr size_t off_seg_base(unsigned s) { return off_seg(s) + offsetof(Segment, base); }
constexpr size_t off_seg_sel(unsigned s) { return off_seg(s) + offsetof(Segment, selector); }
constexpr size_t off_seg_limit(unsigned s) { return off_seg(s) + offsetof(Segment, limit); }

inline X86State* xs(void* env) { return static_cast<X86State*>(static_cast<cpu::StateHeader*>(env)); }

// Records a guest exception from a helper: the tier sees env->fault and
// returns to the engine with the faulting instruction's pc.
inline void record_exception(X86State* s, unsigned vector, uint64_t return_ip = kReturnToFaulting,
                             uint64_t error = kNoErrorCode) {
  if (s->fault) return;  // the first one recorded is the one taken
  s->pending_vector = vector;
  s->pending_return_ip = return_ip;
  s->pending_error = error;
  s->pending_soft = 0;
  s->fault = 1;
}
inline void record_fault(X86State* s, unsigned vector, uint64_t error = kNoErrorCode) {
  record_exception(s, vector, kReturnToFaulting, error);
}

// Translation flushes (Intel SDM Vol. 3 §4.10.4): everything, global pages
// included (CR0.PG, CR4.PGE/PAE/PSE changes); a CR3 load (global pages stay
// while CR4.PGE is set); INVLPG (the page, or everything if a cached large page may hold it).
inline void flush_all_translations(X86State& s) {
  s.mem.flush_tlb();
  s.tlb_large.clear();
}
inline void flush_for_cr3(X86State& s) {
  if (s.cr4 & cr4::PGE) s.mem.flush_non_global();
  else flush_all_translations(s);
}
inline void flush_page_translation(X86State& s, uint64_t linear) {
  if (s.tlb_large.covers(linear)) flush_all_translations(s);
  else s.mem.flush_page(linear);
}

// The MMU indices (softTLB modes): no paging (real mode, or CR0.PG clear),
// supervisor (CPL 0-2, and implicit supervisor accesses such as descriptor
// table reads) and user (CPL 3) with paging.
constexpr unsigned kMmuPhys = 0, kMmuSuper = 1, kMmuUser = 2;
constexpr unsigned kMmuReal = kMmuPhys;

// Protected mode, virtual-8086 mode, long mode, from the state.
inline bool protected_mode(const X86State& s) { return s.cr0 & cr0::PE; }
inline bool vm86(const X86State& s) { return protected_mode(s) && (s.flags & fl::VM); }
inline bool long_mode(const X86State& s) { return s.efer & efer::LMA; }
inline bool code64(const X86State& s) { return long_mode(s) && (s.seg[CS].attr & attr::kL); }
// The MMU index data accesses at the current privilege use.
inline unsigned data_mmu(const X86State& s) {
  if (!(s.cr0 & cr0::PG)) return kMmuPhys;
  return s.cpl == 3 ? kMmuUser : kMmuSuper;
}

}  // namespace kiln::x86

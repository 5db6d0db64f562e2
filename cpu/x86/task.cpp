// The hardware task switch of 16- and 32-bit protected mode (Intel SDM Vol. 3
// ch. 7): JMP or CALL to a TSS descriptor or through a task gate, a task gate
// in the IDT, and IRET with NT set back to the task in the back link. The
// current state is saved in the current TSS, the busy bits and the back link
// are kept, and the new task's state is loaded from its TSS: CR3, LDTR,
// EFLAGS, EIP, the general registers and the segment registers (the checks of
// those loads happen in the new task: their #TS/#NP/#SS return to its first
// instruction). Long mode has no task switches (the callers give #GP).
#include "cpu/x86/flags.h"
#include "cpu/x86/segment.h"

namespace kiln::x86 {

namespace {
// Where a TSS keeps each piece of state (32-bit TSS, or the 286's 16-bit one).
struct TssLayout {
  unsigned width;       // bytes per register slot
  unsigned ip, flags, gpr, seg, ldt, cr3;
  unsigned nsegs;       // ES, CS, SS, DS (and FS, GS in a 32-bit TSS)
  uint32_t min_limit;
};
constexpr TssLayout kTss32{4, 0x20, 0x24, 0x28, 0x48, 0x60, 0x1c, 6, 0x67};
constexpr TssLayout kTss16{2, 0x0e, 0x10, 0x12, 0x22, 0x2a, 0, 4, 0x2b};
const TssLayout& layout_of(uint16_t attr) { return (attr & 8) ? kTss32 : kTss16; }

bool fault(X86State& s, unsigned vector, uint16_t sel) {
  record_fault(&s, vector, sel & 0xfffc);
  return false;
}
// A fault in the new task, after the switch committed: it returns to the new task's first instruction.
bool fault_in_new_task(X86State& s, unsigned vector, uint16_t sel, uint64_t new_ip) {
  record_exception(&s, vector, new_ip, sel & 0xfffc);
  return false;
}

// Sets or clears the busy bit of the TSS descriptor `sel` in the GDT.
bool set_busy(X86State& s, uint16_t sel, bool busy) {
  const uint64_t at = s.gdtr.base + (sel & ~7u) + 5;
  uint64_t byte5;
  if (!sys_read(s, at, 1, &byte5)) return false;
  return sys_write(s, at, 1, busy ? (byte5 | 2) : (byte5 & ~2ull));
}

// Saves the outgoing task's state into the current TSS.
bool save_state(X86State& s, uint64_t ip, uint32_t flags) {
  const TssLayout& l = layout_of(s.tr.attr);
  const uint64_t base = s.tr.base;
  if (s.tr.limit < l.min_limit) return fault(s, kInvalidTss, s.tr.selector);
  bool ok = sys_write(s, base + l.ip, l.width, ip) && sys_write(s, base + l.flags, l.width, flags);
  for (unsigned r = 0; ok && r < 8; r++) ok = sys_write(s, base + l.gpr + l.width * r, l.width, s.gpr[r]);
  for (unsigned g = 0; ok && g < l.nsegs; g++) ok = sys_write(s, base + l.seg + l.width * g, 2, s.seg[g].selector);
  return ok;
}

// The checks a task switch makes on a segment register of the new task (SDM
// Vol. 3 §7.3 step 13 and Table 7-1); `cpl` is the new CS's RPL.
bool check_task_segment(X86State& s, unsigned seg, uint16_t sel, unsigned cpl, uint64_t new_ip) {
  if ((sel & 0xfffc) == 0) {
    if (seg == CS || seg == SS) return fault_in_new_task(s, kInvalidTss, sel, new_ip);
    s.seg[seg] = Segment{0, 0, sel, 0};
    return true;
  }
  uint64_t desc;
  if (!read_descriptor(s, sel, &desc, kInvalidTss)) {
    s.pending_return_ip = new_ip;
    return false;
  }
  const Segment g = segment_of(sel, desc);
  const unsigned dpl = attr::dpl(g.attr), rpl = sel & 3;
  const bool code = g.attr & attr::kCode, conforming = code && (g.attr & attr::kConforming);
  bool ok;
  if (seg == CS) ok = (g.attr & attr::kS) && code && (conforming ? dpl <= rpl : dpl == rpl);
  else if (seg == SS) ok = (g.attr & attr::kS) && !code && (g.attr & attr::kWritable) && rpl == cpl && dpl == cpl;
  else ok = (g.attr & attr::kS) && (!code || (g.attr & attr::kReadable)) && (conforming || (dpl >= cpl && dpl >= rpl));
  if (!ok) return fault_in_new_task(s, kInvalidTss, sel, new_ip);
  if (!(g.attr & attr::kPresent)) return fault_in_new_task(s, seg == SS ? kStackFault : kSegmentNotPresent, sel, new_ip);
  if (!mark_accessed(s, sel, desc)) return false;
  if (seg == CS) set_code_segment(s, sel, desc, cpl);
  else s.seg[seg] = segment_of(sel, desc | (1ull << 40));
  return true;
}

// Loads the incoming task's state from the TSS now in TR; the new pc, or 0 after a fault.
uint64_t load_state(X86State& s, bool set_nt) {
  const TssLayout& l = layout_of(s.tr.attr);
  const uint64_t base = s.tr.base;
  uint64_t ip, flags, cr3 = 0, ldt, gpr[8], sel[6];
  bool ok = sys_read(s, base + l.ip, l.width, &ip) && sys_read(s, base + l.flags, l.width, &flags) &&
            sys_read(s, base + l.ldt, 2, &ldt);
  if (ok && l.cr3 && (s.cr0 & cr0::PG)) ok = sys_read(s, base + l.cr3, 4, &cr3);
  for (unsigned r = 0; ok && r < 8; r++) ok = sys_read(s, base + l.gpr + l.width * r, l.width, &gpr[r]);
  for (unsigned g = 0; ok && g < l.nsegs; g++) ok = sys_read(s, base + l.seg + l.width * g, 2, &sel[g]);
  if (!ok) return 0;
  if (l.cr3 && (s.cr0 & cr0::PG)) {
    s.cr3 = cr3;
    flush_for_cr3(s);
  }
  if (set_nt) flags |= fl::NT;
  if (l.width == 2) flags = (read_flags(s) & 0xffff0000u) | (flags & 0xffff);
  write_flags(s, uint32_t(flags));
  for (unsigned r = 0; r < 8; r++)
    s.gpr[r] = l.width == 4 ? gpr[r] : (s.gpr[r] & ~0xffffull) | gpr[r];
  // The selectors first, without their descriptors, so that a fault below leaves them visible.
  s.ldtr = Segment{0, 0, uint16_t(ldt), 0};
  for (unsigned g = 0; g < l.nsegs; g++) s.seg[g] = Segment{0, 0, uint16_t(sel[g]), 0};
  if (vm86(s)) {  // a task in virtual-8086 mode (only a 32-bit TSS holds VM)
    for (unsigned g = 0; g < 6; g++) load_real_segment(s, g, uint16_t(sel[g]));
    s.cpl = 3;
  } else {
    s.seg[CS].attr = attr::kS | attr::kCode | attr::kPresent;  // until checked below
    s.cpl = sel[CS] & 3;
  }
  // The LDT, then CS, SS and the data segments.
  if ((ldt & 0xfffc) != 0) {
    uint64_t desc;
    if (ldt & 4) return fault_in_new_task(s, kInvalidTss, uint16_t(ldt), ip), 0;
    if (!read_descriptor(s, uint16_t(ldt), &desc, kInvalidTss)) return s.pending_return_ip = ip, 0;
    const Segment g = segment_of(uint16_t(ldt), desc);
    if ((g.attr & 0x1f) != 2) return fault_in_new_task(s, kInvalidTss, uint16_t(ldt), ip), 0;
    if (!(g.attr & attr::kPresent)) return fault_in_new_task(s, kInvalidTss, uint16_t(ldt), ip), 0;
    s.ldtr = g;
  }
  if (vm86(s)) return s.seg[CS].base + (ip & 0xffff);
  const unsigned cpl = unsigned(s.cpl);
  for (unsigned g : {CS, SS, DS, ES, FS, GS}) {
    if (g >= l.nsegs && (g == FS || g == GS)) continue;  // a 16-bit TSS holds no FS, GS
    if (!check_task_segment(s, g, s.seg[g].selector, cpl, ip)) return 0;
  }
  if (ip > s.seg[CS].limit) return fault_in_new_task(s, kGeneralProtection, 0, ip), 0;
  return (s.seg[CS].base + ip) & 0xffffffffull;
}
}  // namespace

uint64_t task_switch(X86State& s, uint16_t sel, TaskReason why, uint64_t return_ip, uint64_t error) {
  const bool nesting = why == TaskReason::Call || why == TaskReason::Interrupt;
  // The new TSS descriptor: in the GDT, available (busy for IRET), present, large enough.
  const unsigned bad = why == TaskReason::Iret ? kInvalidTss : kGeneralProtection;
  if ((sel & 4) || (sel & 0xfffc) == 0) return fault(s, bad, sel), 0;
  uint64_t desc;
  if (!read_descriptor(s, sel, &desc, bad)) return 0;
  Segment tss = segment_of(sel, desc);
  const unsigned type = tss.attr & 0x1f;  // S included
  const bool busy = type == 3 || type == 11;
  if (!(type == 1 || type == 9 || busy) || busy != (why == TaskReason::Iret)) return fault(s, bad, sel), 0;
  if (!(tss.attr & attr::kPresent)) return fault(s, kSegmentNotPresent, sel), 0;
  if (tss.limit < layout_of(tss.attr).min_limit) return fault(s, kInvalidTss, sel), 0;

  // Save the outgoing task; its busy bit goes unless it nests.
  const Segment old_tr = s.tr;
  uint32_t flags = read_flags(s);
  if (why == TaskReason::Iret) flags &= ~fl::NT;
  if (!save_state(s, return_ip, flags)) return 0;
  if (!nesting && !set_busy(s, old_tr.selector, false)) return 0;
  if (nesting && !sys_write(s, tss.base, 2, old_tr.selector)) return 0;  // the back link
  if (why != TaskReason::Iret && !set_busy(s, sel, true)) return 0;
  // Commit: TR, CR0.TS, then the new task's state.
  tss.attr |= 2;
  s.tr = tss;
  s.cr0 |= cr0::TS;
  if (why == TaskReason::Iret) s.flags &= ~uint64_t(fl::NT);
  const uint64_t pc = load_state(s, nesting);
  if (s.fault) return 0;
  if (error != kNoErrorCode) {  // an exception's error code goes on the new task's stack
    const unsigned bytes = layout_of(tss.attr).width;
    const bool big = s.seg[SS].attr & attr::kDB;
    const uint64_t sp = (s.gpr[SP] - bytes) & (big ? 0xffffffffull : 0xffff);
    if (!sys_write(s, (s.seg[SS].base + sp) & 0xffffffffull, bytes, error)) return 0;
    s.gpr[SP] = big ? sp : (s.gpr[SP] & ~0xffffull) | sp;
  }
  return pc;
}

}  // namespace kiln::x86

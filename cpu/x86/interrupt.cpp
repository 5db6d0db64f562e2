// Interrupt and exception delivery (Intel SDM Vol. 3 ch. 6): through the IVT
// in real mode; through the IDT's interrupt and trap gates in protected mode
// (16- and 32-bit gates, a stack switch from the TSS when the handler is more
// privileged, from virtual-8086 mode too) and in long mode (64-bit gates,
// RSPn or IST stacks, the frame always holding SS:RSP). Exception classes
// decide double faults; a fault while delivering #DF shuts the CPU down.
#include "cpu/x86/cpu.h"
#include "cpu/x86/flags.h"
#include "cpu/x86/segment.h"

namespace kiln::x86 {

namespace {
bool contributory(unsigned v) { return v == 0 || (v >= 10 && v <= 13); }
bool gp(X86State& s, uint32_t error) {
  record_fault(&s, kGeneralProtection, error);
  return false;
}
}  // namespace

bool X86Cpu::deliver_real(unsigned vector, uint64_t return_ip) {
  X86State& st = *state_;
  auto push = [&](uint16_t v) {
    const uint16_t sp = uint16_t(st.gpr[SP] - 2);
    // Byte by byte: a word at SS:FFFF wraps within the segment on every real-mode CPU's push.
    for (unsigned i = 0; i < 2; i++)
      if (!helper_store(st, (st.seg[SS].base + uint16_t(sp + i)) & 0xffffffff, 1, kMmuPhys, (v >> (8 * i)) & 0xff))
        return false;
    st.gpr[SP] = (st.gpr[SP] & ~0xffffull) | sp;
    return true;
  };
  if (uint64_t(vector) * 4 + 3 > st.idtr.limit) return gp(st, 0);
  uint64_t off = 0, sel = 0;
  if (!mem::load(st.mem, st.idtr.base + vector * 4, 2, kMmuPhys, false, &off) ||
      !mem::load(st.mem, st.idtr.base + vector * 4 + 2, 2, kMmuPhys, false, &sel))
    return false;
  if (!push(uint16_t(read_flags(st))) || !push(st.seg[CS].selector) || !push(uint16_t(return_ip))) return false;
  st.flags &= ~uint64_t(fl::IF | fl::TF | fl::AC | fl::RF);
  set_cs_ip(uint16_t(sel), uint16_t(off));
  return true;
}

bool X86Cpu::deliver_protected(unsigned vector, uint64_t return_ip, uint64_t error, bool soft) {
  X86State& st = *state_;
  const bool lm = long_mode(st);
  const unsigned gate_bytes = lm ? 16 : 8;
  const uint32_t idt_error = vector * 8 + 2;  // IDT bit; EXT is not tracked
  if (uint64_t(vector) * gate_bytes + gate_bytes - 1 > st.idtr.limit) return gp(st, idt_error);
  uint64_t gate = 0, gate_hi = 0;
  if (!sys_read(st, st.idtr.base + vector * gate_bytes, 8, &gate)) return false;
  if (lm && !sys_read(st, st.idtr.base + vector * gate_bytes + 8, 8, &gate_hi)) return false;
  const unsigned type = unsigned(gate >> 40) & 0x1f;  // S bit included: must be 0
  const bool is32 = type == 0xE || type == 0xF;
  if (!(is32 || (!lm && (type == 5 || type == 6 || type == 7)))) return gp(st, idt_error);
  const unsigned gate_dpl = unsigned(gate >> 45) & 3;
  if (soft && gate_dpl < st.cpl) return gp(st, idt_error);
  if (!(gate & (1ull << 47))) {
    record_fault(&st, kSegmentNotPresent, idt_error);
    return false;
  }
  if (type == 5) {  // a task gate: the handler is a task of its own
    const uint64_t pc = task_switch(st, uint16_t(gate >> 16), TaskReason::Interrupt, return_ip, error);
    // A fault in the new task (after the switch) is delivered there; one before it is a fault while delivering.
    if (st.fault) return st.pending_return_ip != kReturnToFaulting;
    st.pc = pc;
    return true;
  }
  const bool trap = type & 1;
  const uint16_t sel = uint16_t(gate >> 16);
  uint64_t target = (gate & 0xffff) | (is32 ? (gate >> 32) & 0xffff0000u : 0);
  if (lm) target |= gate_hi << 32;
  if ((sel & 0xfffc) == 0) return gp(st, 0);
  uint64_t desc;
  if (!read_descriptor(st, sel, &desc)) return false;
  const Segment cs = segment_of(sel, desc);
  const unsigned dpl = attr::dpl(cs.attr);
  if (!(cs.attr & attr::kS) || !(cs.attr & attr::kCode) || dpl > st.cpl) return gp(st, sel & 0xfffc);
  if (!(cs.attr & attr::kPresent)) {
    record_fault(&st, kSegmentNotPresent, sel & 0xfffc);
    return false;
  }
  if (lm && (!(cs.attr & attr::kL) || (cs.attr & attr::kDB))) return gp(st, sel & 0xfffc);
  const bool from_vm86 = vm86(st);
  const bool inner = !(cs.attr & attr::kConforming) && dpl < st.cpl;
  if (from_vm86 && dpl != 0) return gp(st, sel & 0xfffc);
  const unsigned ist = lm ? unsigned(gate >> 32) & 7 : 0;
  const uint32_t old_flags = read_flags(st);
  const Segment old_ss = st.seg[SS];
  const uint64_t old_sp = st.gpr[SP];
  const uint16_t old_cs = st.seg[CS].selector;
  const unsigned old_cpl = unsigned(st.cpl);

  // The new stack.
  uint64_t sp;
  unsigned stack_width;  // of the new stack pointer
  Segment ss = old_ss;
  if (inner || ist) {
    uint16_t new_ss = 0;
    uint64_t new_sp = 0;
    if (ist) {
      if (!sys_read(st, st.tr.base + 0x24 + 8 * (ist - 1), 8, &new_sp)) return false;
      new_ss = inner ? uint16_t(dpl) : old_ss.selector;
    } else if (!tss_stack(st, dpl, &new_ss, &new_sp)) {
      return false;
    }
    if (lm) {
      if (inner) ss = Segment{0, 0, uint16_t(dpl), uint16_t((dpl << 5) | attr::kS | attr::kWritable | attr::kPresent)};
    } else {
      uint64_t ss_desc;
      if ((new_ss & 0xfffc) == 0) {
        record_fault(&st, kInvalidTss, 0);
        return false;
      }
      if (!read_descriptor(st, new_ss, &ss_desc, kInvalidTss)) return false;
      ss = segment_of(new_ss, ss_desc);
      if ((new_ss & 3) != dpl || attr::dpl(ss.attr) != dpl || (ss.attr & attr::kCode) || !(ss.attr & attr::kWritable)) {
        record_fault(&st, kInvalidTss, new_ss & 0xfffc);
        return false;
      }
      if (!(ss.attr & attr::kPresent)) {
        record_fault(&st, kStackFault, new_ss & 0xfffc);
        return false;
      }
    }
    sp = new_sp;
  } else {
    sp = old_sp;
  }
  stack_width = lm ? 64 : (ss.attr & attr::kDB) ? 32 : 16;
  if (lm) sp &= ~0xfull;  // 64-bit frames are 16-byte aligned
  else if (stack_width == 16) sp &= 0xffff;
  else sp &= 0xffffffff;
  const unsigned bytes = lm ? 8 : is32 ? 4 : 2;
  auto push = [&](uint64_t v) {
    sp -= bytes;
    if (stack_width == 16) sp &= 0xffff;
    else if (stack_width == 32) sp &= 0xffffffff;
    const uint64_t at = lm ? sp : (ss.base + sp) & 0xffffffff;
    return sys_write(st, at, bytes, v);
  };
  bool ok = true;
  if (from_vm86) {
    for (unsigned seg : {GS, FS, DS, ES}) ok = ok && push(st.seg[seg].selector);
  }
  if (inner || lm || ist) ok = ok && push(old_ss.selector) && push(old_sp);
  ok = ok && push(old_flags) && push(old_cs) && push(return_ip);
  if (error != kNoErrorCode) ok = ok && push(error);
  if (!ok) return false;
  // Commit: SS:SP, CS:IP, flags.
  if (inner || ist) st.seg[SS] = ss;
  if (stack_width == 16) st.gpr[SP] = (st.gpr[SP] & ~0xffffull) | sp;
  else st.gpr[SP] = sp;
  if (from_vm86) {
    for (unsigned seg : {GS, FS, DS, ES}) st.seg[seg] = Segment{0, 0, 0, 0};
  }
  set_code_segment(st, sel, desc, inner ? dpl : old_cpl);
  st.flags &= ~uint64_t(fl::TF | fl::NT | fl::RF | fl::VM);
  if (!trap) st.flags &= ~uint64_t(fl::IF);
  st.pc = lm && (cs.attr & attr::kL) ? target : (cs.base + (is32 ? target : target & 0xffff)) & 0xffffffff;
  return true;
}

bool X86Cpu::deliver(unsigned vector, uint64_t return_ip, uint64_t error, bool soft) {
  X86State& st = *state_;
  // Real mode pushes no error code.
  if (!protected_mode(st)) return deliver_real(vector, return_ip);
  return deliver_protected(vector, return_ip, error, soft);
}

void X86Cpu::interrupt(unsigned vector, uint64_t return_ip, uint64_t error, bool soft) {
  X86State& st = *state_;
  for (;;) {
    st.fault = 0;
    log_interrupt(vector, error, soft ? "int" : delivering_irq_ ? "irq" : "exception");
    delivering_irq_ = false;
    if (deliver(vector, return_ip, error, soft)) {
      if (!st.fault) return;
      // A task gate switched tasks and the new task faulted: an exception of its own.
      vector = unsigned(st.pending_vector);
      return_ip = st.pending_return_ip;
      error = st.pending_error;
      soft = false;
      continue;
    }
    // A fault while delivering: the classes decide (SDM Vol. 3 Table 6-5).
    const unsigned second = unsigned(st.pending_vector);
    const uint64_t second_error = st.pending_error;
    st.fault = 0;
    if (vector == kDoubleFault) {
      shutdown_ = true;  // triple fault
      st.halted = 1;     // nothing runs until a reset
      (void)second;  // the board reports the shutdown (X86Cpu::shutdown())
      return;
    }
    const bool first_pf = vector == kPageFault, first_contrib = contributory(vector);
    if ((first_contrib && contributory(second)) || (first_pf && (contributory(second) || second == kPageFault))) {
      vector = kDoubleFault;
      error = 0;
    } else {
      vector = second;
      error = second_error;
    }
    return_ip = ip();  // a fault returns to the instruction that caused the first one
    soft = false;
  }
}

void X86Cpu::take_exception() {
  X86State& st = *state_;
  st.fault = 0;
  st.step_pending = st.data_hits = 0;  // a faulting (or INT n) instruction completes no single step
  const uint64_t ret = st.pending_return_ip == kReturnToFaulting ? ip() : st.pending_return_ip;
  interrupt(unsigned(st.pending_vector), ret, st.pending_error, st.pending_soft != 0);
}

// External interrupts (SDM Vol. 3 §6.3, §6.8.3): INTR is sampled at an
// instruction boundary, here a block boundary the engine reaches with
// exit_request raised (set_intr, STI and POPF raise it when INTR is pending).
// The instruction after STI (IF was 0), MOV SS or POP SS runs before an
// interrupt: when a block ends before it, the first look is refused and the
// next boundary, at least one instruction later, takes it.
bool X86Cpu::take_interrupt() {
  X86State& st = *state_;
  if (init_pending_) {  // (a SIPI sent right after the INIT, as SeaBIOS does, waits for it)
    const bool bsp = init_bsp_;
    const int sipi = sipi_vector_;
    reset();
    if (bsp) return true;
    wait_for_sipi();
    sipi_vector_ = sipi;
    if (sipi < 0) return true;
  }
  if (sipi_vector_ >= 0) {
    const uint8_t v = uint8_t(sipi_vector_);
    sipi_vector_ = -1;
    if (!wait_sipi_) return false;  // a second SIPI finds the CPU running: ignored
    wait_sipi_ = false;
    st.halted = 0;
    set_cs_ip(uint16_t(v << 8), 0);
    return true;
  }
  if (wait_sipi_) return false;
  if (take_debug_trap()) {
    st.halted = 0;
    return true;
  }
  if (shutdown_) return false;
  if (st.nmi_pending && !st.nmi_blocked) {
    st.nmi_pending = 0;
    st.nmi_blocked = 1;
    st.halted = 0;
    interrupt(kNmi, ip());
    return true;
  }
  if (!st.intr || !(st.flags & fl::IF)) return false;
  if (st.pc == st.irq_shadow_pc) {
    st.irq_shadow_pc = ~0ull;
    st.exit_request = 1;
    return false;
  }
  st.irq_shadow_pc = ~0ull;
  const unsigned vector = inta_ ? inta_() : 0;
  st.halted = 0;
  delivering_irq_ = true;  // for -d int; a fault while delivering it is an exception again
  interrupt(vector, ip());
  delivering_irq_ = false;
  return true;
}

bool X86Cpu::wakeup_pending() const {
  const X86State& st = *state_;
  if (init_pending_ || (wait_sipi_ && sipi_vector_ >= 0)) return true;
  if (shutdown_ || wait_sipi_) return false;
  if (!st.halted) return true;  // running (a PAUSE's wait is over at once)
  return (st.nmi_pending && !st.nmi_blocked) || (st.intr && (st.flags & fl::IF));
}

void X86Cpu::init(bool bsp) {
  init_pending_ = true;
  init_bsp_ = bsp;
  state_->exit_request = 1;
}

void X86Cpu::startup(uint8_t vector) {
  if (init_pending_ ? init_bsp_ : !wait_sipi_) return;  // a running CPU ignores it; after an INIT, the AP takes it
  sipi_vector_ = vector;
  state_->exit_request = 1;
}

void X86Cpu::nmi() {
  if (wait_sipi_) return;
  state_->nmi_pending = 1;
  state_->exit_request = 1;
}

void X86Cpu::wait_for_sipi() {
  X86State& st = *state_;
  wait_sipi_ = true;
  st.halted = 1;
}

void X86Cpu::set_intr(bool level) {
  state_->intr = level;
  if (level) state_->exit_request = 1;
}

}  // namespace kiln::x86

// Protected-mode segmentation (cpu/x86/segment.h): descriptor reads, segment
// loads and the far transfers, after the pseudo-code of the Intel SDM Vol. 2
// (MOV, JMP, CALL, RET, IRET) and Vol. 3 §5.
#include "cpu/x86/segment.h"

#include "cpu/x86/debug_traps.h"
#include "cpu/x86/flags.h"
#include "cpu/x86/helpers.h"

namespace kiln::x86 {

namespace {
unsigned sys_mmu(const X86State& s) { return (s.cr0 & cr0::PG) ? kMmuSuper : kMmuPhys; }
uint64_t wrap(const X86State& s, uint64_t linear) { return long_mode(s) ? linear : linear & 0xffffffffull; }
uint16_t sel_error(uint16_t sel) { return sel & 0xfffc; }
bool gp(X86State& s, uint16_t error) {
  record_fault(&s, kGeneralProtection, error);
  return false;
}
uint32_t desc_hi(uint64_t d) { return uint32_t(d >> 32); }
unsigned desc_dpl(uint64_t d) { return (desc_hi(d) >> 13) & 3; }
bool desc_present(uint64_t d) { return desc_hi(d) & (1u << 15); }
bool desc_s(uint64_t d) { return desc_hi(d) & (1u << 12); }
unsigned desc_type(uint64_t d) { return (desc_hi(d) >> 8) & 15; }
bool desc_code(uint64_t d) { return desc_s(d) && (desc_type(d) & 8); }
bool desc_conforming(uint64_t d) { return desc_code(d) && (desc_type(d) & 4); }
bool desc_long(uint64_t d) { return desc_hi(d) & (1u << 21); }

// The stack of the current SS as the CPU itself pushes and pops it.
struct Stack {
  X86State& s;
  uint64_t sp;
  unsigned width;  // 16, 32 or 64 (the stack-pointer size)
  // `width` 0: the current one (64 in 64-bit code, else SS's B bit decides).
  explicit Stack(X86State& st, unsigned w = 0)
      : s(st), sp(st.gpr[SP]), width(w ? w : code64(st) ? 64 : (st.seg[SS].attr & attr::kDB) ? 32 : 16) {
    sp = mask(sp);
  }
  uint64_t mask(uint64_t v) const { return width == 64 ? v : v & ((1ull << width) - 1); }
  uint64_t addr(uint64_t off) const { return width == 64 ? off : wrap(s, s.seg[SS].base + off); }
  bool read(uint64_t off, unsigned bytes, uint64_t* v) { return sys_read(s, addr(mask(off)), bytes, v); }
  bool push(unsigned bytes, uint64_t v) {
    uint64_t nsp = mask(sp - bytes);
    if (!sys_write(s, addr(nsp), bytes, v)) return false;
    sp = nsp;
    return true;
  }
  void commit() {
    if (width == 16) s.gpr[SP] = (s.gpr[SP] & ~0xffffull) | sp;
    else s.gpr[SP] = sp;  // a 32-bit stack pointer write zeroes bits 32-63, as any 32-bit write does
  }
};

// Which EFLAGS bits IRET/POPF may change at privilege `cpl` (IOPL from the current flags).
uint32_t writable_flags(const X86State& s, unsigned cpl, unsigned opsize) {
  uint32_t w = fl::kArith | fl::TF | fl::DF | fl::NT;
  if (opsize >= 32) w |= fl::AC | fl::ID | fl::RF;
  const unsigned iopl = (s.flags >> 12) & 3;
  if (cpl <= iopl) w |= fl::IF;
  if (cpl == 0) w |= fl::IOPL;
  if (opsize == 16) w &= 0xffff;
  return w;
}
void set_flags(X86State& s, uint32_t value, uint32_t writable) {
  const uint32_t old = read_flags(s);
  write_flags(s, (old & ~writable) | (value & writable));
}
}  // namespace

bool sys_read(X86State& s, uint64_t linear, unsigned size, uint64_t* value) {
  return mem::load(s.mem, wrap(s, linear), size, sys_mmu(s), false, value);
}
bool sys_write(X86State& s, uint64_t linear, unsigned size, uint64_t value) {
  return helper_store(s, wrap(s, linear), size, sys_mmu(s), value);
}

bool helper_store(X86State& s, uint64_t va, unsigned size, unsigned mmu, uint64_t value) {
  if (mem::store(s.mem, va, size, mmu, false, value)) return true;
  if (s.mem.rerun_alone) s.fault = 1;
  return false;
}

bool read_descriptor(X86State& s, uint16_t sel, uint64_t* desc, unsigned vector) {
  uint64_t base;
  uint32_t limit;
  if (sel & 4) {
    if (!(s.ldtr.attr & attr::kPresent) || (s.ldtr.selector & 0xfffc) == 0) {
      record_fault(&s, vector, sel_error(sel));
      return false;
    }
    base = s.ldtr.base;
    limit = s.ldtr.limit;
  } else {
    base = s.gdtr.base;
    limit = s.gdtr.limit;
  }
  const uint32_t index = sel & ~7u;
  if (uint64_t(index) + 7 > limit) {
    record_fault(&s, vector, sel_error(sel));
    return false;
  }
  return sys_read(s, base + index, 8, desc);
}

Segment segment_of(uint16_t sel, uint64_t desc) {
  const uint32_t lo = uint32_t(desc), hi = desc_hi(desc);
  Segment g;
  g.selector = sel;
  g.base = (lo >> 16) | ((hi & 0xff) << 16) | (hi & 0xff000000u);
  g.limit = (lo & 0xffff) | (hi & 0xf0000);
  if (hi & (1u << 23)) g.limit = (g.limit << 12) | 0xfff;
  g.attr = uint16_t((hi >> 8) & 0xf0ff);
  return g;
}

bool mark_accessed(X86State& s, uint16_t sel, uint64_t desc) {
  if (desc & (1ull << 40)) return true;
  const uint64_t base = (sel & 4) ? s.ldtr.base : s.gdtr.base;
  uint64_t byte5 = (desc >> 40) & 0xff;
  return sys_write(s, base + (sel & ~7u) + 5, 1, byte5 | 1);
}

void load_real_segment(X86State& s, unsigned seg, uint16_t sel) {
  Segment& g = s.seg[seg];
  g.selector = sel;
  g.base = uint64_t(sel) << 4;
  if (vm86(s)) {
    g.limit = 0xffff;
    g.attr = attr::kRealData | (3u << 5) | (seg == CS ? attr::kCode : 0);
  }
}

bool load_data_segment(X86State& s, unsigned seg, uint16_t sel) {
  const unsigned cpl = unsigned(s.cpl), rpl = sel & 3;
  if ((sel & 0xfffc) == 0) {
    // A null selector: fine in DS..GS (a later access faults); in SS only in 64-bit mode below CPL 3.
    if (seg == SS && !(code64(s) && cpl != 3 && rpl == cpl)) return gp(s, 0);
    s.seg[seg] = Segment{0, 0, sel, uint16_t(seg == SS ? (cpl << 5) | attr::kS | attr::kWritable : 0)};
    return true;
  }
  uint64_t desc;
  if (!read_descriptor(s, sel, &desc)) return false;
  const unsigned dpl = desc_dpl(desc);
  if (seg == SS) {
    if (rpl != cpl || !desc_s(desc) || desc_code(desc) || !(desc_type(desc) & 2) || dpl != cpl) return gp(s, sel_error(sel));
    if (!desc_present(desc)) {
      record_fault(&s, kStackFault, sel_error(sel));
      return false;
    }
  } else {
    if (!desc_s(desc) || (desc_code(desc) && !(desc_type(desc) & 2))) return gp(s, sel_error(sel));
    if (!desc_conforming(desc) && (rpl > dpl || cpl > dpl)) return gp(s, sel_error(sel));
    if (!desc_present(desc)) {
      record_fault(&s, kSegmentNotPresent, sel_error(sel));
      return false;
    }
  }
  if (!mark_accessed(s, sel, desc)) return false;
  s.seg[seg] = segment_of(sel, desc | (1ull << 40));
  return true;
}

void set_code_segment(X86State& s, uint16_t sel, uint64_t desc, unsigned cpl) {
  s.seg[CS] = segment_of(uint16_t((sel & 0xfffc) | cpl), desc | (1ull << 40));
  s.cpl = cpl;
}

void invalidate_inner_segments(X86State& s) {
  for (unsigned seg : {ES, DS, FS, GS}) {
    Segment& g = s.seg[seg];
    const bool data_or_nonconforming = !(g.attr & attr::kCode) || !(g.attr & attr::kConforming);
    if (data_or_nonconforming && attr::dpl(g.attr) < s.cpl) {
      g.selector = 0;
      g.attr &= ~attr::kPresent;
    }
  }
}

bool tss_stack(X86State& s, unsigned dpl, uint16_t* ss, uint64_t* sp) {
  const unsigned type = s.tr.attr & 15;
  const uint16_t err = sel_error(s.tr.selector);
  if (long_mode(s)) {
    const uint64_t at = 4 + 8 * dpl;
    if (at + 7 > s.tr.limit) {
      record_fault(&s, kInvalidTss, err);
      return false;
    }
    *ss = uint16_t(dpl);
    return sys_read(s, s.tr.base + at, 8, sp);
  }
  const bool tss32 = type & 8;
  const uint64_t at = tss32 ? 4 + 8 * dpl : 2 + 4 * dpl;
  const unsigned bytes = tss32 ? 4 : 2;
  if (at + 2 * bytes - 1 > s.tr.limit) {
    record_fault(&s, kInvalidTss, err);
    return false;
  }
  uint64_t v_sp, v_ss;
  if (!sys_read(s, s.tr.base + at, bytes, &v_sp) || !sys_read(s, s.tr.base + at + bytes, 2, &v_ss)) return false;
  *sp = v_sp;
  *ss = uint16_t(v_ss);
  return true;
}

namespace {
// The checks JMP and CALL make on a code-segment target (SDM "JMP": "IF segment
// type is conforming/non-conforming"); the CPL does not change.
bool check_direct_code(X86State& s, uint16_t sel, uint64_t desc) {
  const unsigned cpl = unsigned(s.cpl), dpl = desc_dpl(desc), rpl = sel & 3;
  if (!desc_code(desc)) return gp(s, sel_error(sel));
  if (desc_conforming(desc) ? dpl > cpl : (rpl > cpl || dpl != cpl)) return gp(s, sel_error(sel));
  if (long_mode(s) && desc_long(desc) && (desc_hi(desc) & (1u << 22))) return gp(s, sel_error(sel));
  if (!desc_present(desc)) {
    record_fault(&s, kSegmentNotPresent, sel_error(sel));
    return false;
  }
  return true;
}
// The new pc for CS:off once CS is loaded (#GP(0) when off is past the limit).
uint64_t enter_code(X86State& s, uint64_t off) {
  if (code64(s)) return off;
  if (off > s.seg[CS].limit) {
    record_fault(&s, kGeneralProtection, 0);
    return 0;
  }
  return (s.seg[CS].base + off) & 0xffffffffull;
}

// Where a far JMP/CALL goes once its selector is resolved.
struct FarTarget {
  uint16_t sel = 0;     // the code segment (for a gate: the gate's)
  uint64_t off = 0;
  uint64_t desc = 0;    // the code segment's descriptor
  unsigned gate_bytes = 0;  // through a call gate: its push size (2, 4, 8); 0 for a direct transfer
  unsigned params = 0;  // the gate's parameter count (16- and 32-bit gates)
  bool inner = false;   // a call to a more privileged non-conforming segment (stack switch)
  uint16_t task = 0;    // a task switch to this TSS (through a TSS descriptor or a task gate)
};

// A call or jump through a call gate (SDM "CALL": "call gate"): the target
// code segment's checks. A CALL to a more privileged non-conforming segment
// switches stacks; a JMP may not change the privilege level.
bool through_gate(X86State& s, uint16_t gate_sel, uint64_t gate, bool call, FarTarget* t) {
  const unsigned cpl = unsigned(s.cpl);
  const bool lm = long_mode(s);
  if (lm && desc_type(gate) != 12) return gp(s, sel_error(gate_sel));  // only 64-bit call gates in long mode
  if (desc_dpl(gate) < cpl || desc_dpl(gate) < (gate_sel & 3)) return gp(s, sel_error(gate_sel));
  if (!desc_present(gate)) {
    record_fault(&s, kSegmentNotPresent, sel_error(gate_sel));
    return false;
  }
  t->sel = uint16_t(gate >> 16);
  t->off = (gate & 0xffff) | ((desc_type(gate) & 8) ? (gate >> 32) & 0xffff0000u : 0);
  t->gate_bytes = lm ? 8 : (desc_type(gate) & 8) ? 4 : 2;
  t->params = lm ? 0 : unsigned(gate >> 32) & 31;
  if (lm) {  // the gate's upper half: offset bits 63-32, and a type field that must be 0
    uint64_t upper;
    if (!read_descriptor(s, uint16_t(gate_sel + 8), &upper)) return false;
    if (((upper >> 40) & 0x1f) != 0) return gp(s, sel_error(gate_sel));
    t->off |= upper << 32;
  }
  if ((t->sel & 0xfffc) == 0) return gp(s, 0);
  if (!read_descriptor(s, t->sel, &t->desc)) return false;
  const unsigned dpl = desc_dpl(t->desc);
  if (!desc_code(t->desc) || dpl > cpl) return gp(s, sel_error(t->sel));
  if (lm && (!desc_long(t->desc) || (desc_hi(t->desc) & (1u << 22)))) return gp(s, sel_error(t->sel));
  t->inner = !desc_conforming(t->desc) && dpl < cpl;
  if (t->inner && !call) return gp(s, sel_error(t->sel));
  if (!desc_present(t->desc)) {
    record_fault(&s, kSegmentNotPresent, sel_error(t->sel));
    return false;
  }
  return true;
}

// Resolves a far JMP/CALL target: a code segment, or a call gate to one.
bool far_target(X86State& s, uint16_t sel, bool call, FarTarget* t) {
  t->sel = sel;
  if ((sel & 0xfffc) == 0) return gp(s, 0);
  if (!read_descriptor(s, sel, &t->desc)) return false;
  if (desc_s(t->desc)) return check_direct_code(s, sel, t->desc);
  const unsigned type = desc_type(t->desc);
  if (type == 4 || type == 12) return through_gate(s, sel, t->desc, call, t);
  if (long_mode(s) || !(type == 1 || type == 9 || type == 5)) return gp(s, sel_error(sel));  // no task switches in long mode
  // A TSS or a task gate: its DPL against CPL and RPL (task_switch checks the TSS itself).
  if (desc_dpl(t->desc) < s.cpl || desc_dpl(t->desc) < (sel & 3)) return gp(s, sel_error(sel));
  if (!desc_present(t->desc)) {
    record_fault(&s, kSegmentNotPresent, sel_error(sel));
    return false;
  }
  t->task = type == 5 ? uint16_t(t->desc >> 16) : sel;
  return true;
}

// Loads CS from a checked target at privilege `cpl`; the new pc, or 0 after a fault (CS restored).
uint64_t load_target(X86State& s, const FarTarget& t, unsigned cpl) {
  const Segment old = s.seg[CS];
  const uint64_t old_cpl = s.cpl;
  if (!mark_accessed(s, t.sel, t.desc)) return 0;
  set_code_segment(s, t.sel, t.desc, cpl);
  uint64_t pc = enter_code(s, t.off);
  if (s.fault) {
    s.seg[CS] = old;
    s.cpl = old_cpl;
  }
  return pc;
}

uint64_t far_jump(void* env, uint64_t sel64, uint64_t off, uint64_t info) {
  X86State& s = *xs(env);
  FarTarget t;
  t.off = off;
  if (!far_target(s, uint16_t(sel64), false, &t)) return 0;
  if (t.task) return task_switch(s, t.task, TaskReason::Jump, info >> 8);
  return load_target(s, t, unsigned(s.cpl));
}

// The inner stack of a call through a gate to privilege `dpl` (SDM "CALL":
// "MORE-PRIVILEGE"): SS:SP from the TSS with its checks (#TS, #SS).
bool inner_stack(X86State& s, unsigned dpl, Segment* ss, uint64_t* sp) {
  uint16_t sel;
  if (!tss_stack(s, dpl, &sel, sp)) return false;
  if (long_mode(s)) {  // a null SS whose RPL is the new CPL
    *ss = Segment{0, 0, uint16_t(dpl), uint16_t((dpl << 5) | attr::kS | attr::kWritable | attr::kPresent)};
    return true;
  }
  if ((sel & 0xfffc) == 0) {
    record_fault(&s, kInvalidTss, 0);
    return false;
  }
  uint64_t desc;
  if (!read_descriptor(s, sel, &desc, kInvalidTss)) return false;
  if ((sel & 3) != dpl || desc_dpl(desc) != dpl || !desc_s(desc) || desc_code(desc) || !(desc_type(desc) & 2)) {
    record_fault(&s, kInvalidTss, sel_error(sel));
    return false;
  }
  if (!desc_present(desc)) {
    record_fault(&s, kStackFault, sel_error(sel));
    return false;
  }
  if (!mark_accessed(s, sel, desc)) return false;
  *ss = segment_of(sel, desc | (1ull << 40));
  return true;
}

// CALL through a gate to an inner level: the new stack gets the old SS:SP,
// the gate's parameters copied from the old stack, CS and the return ip.
uint64_t call_inner(X86State& s, const FarTarget& t, uint64_t next_ip) {
  const unsigned dpl = desc_dpl(t.desc), bytes = t.gate_bytes;
  Segment ss;
  uint64_t sp;
  if (!inner_stack(s, dpl, &ss, &sp)) return 0;
  Stack old(s);
  uint64_t params[31];
  for (unsigned i = 0; i < t.params; i++)
    if (!old.read(old.sp + i * bytes, bytes, &params[i])) return 0;
  const Segment old_ss = s.seg[SS];
  const uint64_t old_sp = s.gpr[SP];
  const uint16_t old_cs = s.seg[CS].selector;
  s.seg[SS] = ss;
  s.gpr[SP] = sp;
  Stack ns(s, long_mode(s) ? 64 : (ss.attr & attr::kDB) ? 32 : 16);
  bool ok = ns.push(bytes, old_ss.selector) && ns.push(bytes, old.sp);
  for (unsigned i = t.params; ok && i-- > 0;) ok = ns.push(bytes, params[i]);
  ok = ok && ns.push(bytes, old_cs) && ns.push(bytes, next_ip);
  uint64_t pc = ok ? load_target(s, t, dpl) : 0;
  if (s.fault) {
    s.seg[SS] = old_ss;
    s.gpr[SP] = old_sp;
    return 0;
  }
  ns.commit();
  return pc;
}

uint64_t far_call(void* env, uint64_t sel64, uint64_t off, uint64_t info) {
  X86State& s = *xs(env);
  const unsigned opsize = unsigned(info & 0xff);
  const uint64_t next_ip = info >> 8;
  FarTarget t;
  t.off = off;
  if (!far_target(s, uint16_t(sel64), true, &t)) return 0;
  if (t.task) return task_switch(s, t.task, TaskReason::Call, next_ip);
  if (t.inner) return call_inner(s, t, next_ip);
  // The same level: a gate's size decides the size of the pushes (64-bit gates push 8 bytes).
  const unsigned bytes = t.gate_bytes ? t.gate_bytes : opsize / 8;
  Stack st(s, t.gate_bytes == 8 ? 64 : 0);
  if (!st.push(bytes, s.seg[CS].selector) || !st.push(bytes, next_ip)) return 0;
  uint64_t pc = load_target(s, t, unsigned(s.cpl));
  if (s.fault) return 0;
  st.commit();
  return pc;
}
// The checks RET and IRET make on the CS they return to (SDM "RET": return
// to the same or an outer privilege level).
bool check_return_code(X86State& s, uint16_t sel, uint64_t* desc) {
  if ((sel & 0xfffc) == 0) return gp(s, 0);
  if (!read_descriptor(s, sel, desc)) return false;
  const unsigned rpl = sel & 3, dpl = desc_dpl(*desc);
  if (!desc_code(*desc) || rpl < s.cpl) return gp(s, sel_error(sel));
  if (desc_conforming(*desc) ? dpl > rpl : dpl != rpl) return gp(s, sel_error(sel));
  if (!desc_present(*desc)) {
    record_fault(&s, kSegmentNotPresent, sel_error(sel));
    return false;
  }
  return true;
}

// Loads SS:SP for a return to the outer level `rpl` (the SS checks of "RET").
bool outer_stack(X86State& s, uint16_t ss_sel, unsigned rpl, uint64_t* ss_desc) {
  if ((ss_sel & 0xfffc) == 0) {
    if (long_mode(s) && rpl != 3) return true;  // a null SS is allowed in 64-bit mode below CPL 3
    return gp(s, 0);
  }
  if (!read_descriptor(s, ss_sel, ss_desc)) return false;
  if ((ss_sel & 3) != rpl || !desc_s(*ss_desc) || desc_code(*ss_desc) || !(desc_type(*ss_desc) & 2) ||
      desc_dpl(*ss_desc) != rpl)
    return gp(s, sel_error(ss_sel));
  if (!desc_present(*ss_desc)) {
    record_fault(&s, kStackFault, sel_error(ss_sel));
    return false;
  }
  return true;
}

// The common tail of RET and IRET once CS:IP (and flags) are read: same level,
// or outer level with SS:SP popped from above them. `popped` bytes held CS:IP
// (and the flags); `release` more are given back (RET imm16).
uint64_t finish_return(X86State& s, Stack& st, uint16_t cs, uint64_t ip, uint64_t cs_desc, unsigned bytes,
                       unsigned popped, unsigned release, bool always_pop_ss) {
  const unsigned rpl = cs & 3;
  if (rpl == s.cpl && !always_pop_ss) {
    set_code_segment(s, cs, cs_desc, rpl);
    uint64_t pc = enter_code(s, ip);
    if (s.fault) return 0;
    st.sp = st.mask(st.sp + popped + release);
    st.commit();
    return pc;
  }
  uint64_t new_sp, new_ss;
  if (!st.read(st.sp + popped + release, bytes, &new_sp) || !st.read(st.sp + popped + release + bytes, bytes, &new_ss))
    return 0;
  uint64_t ss_desc = 0;
  if (!outer_stack(s, uint16_t(new_ss), rpl, &ss_desc)) return 0;
  if (!mark_accessed(s, cs, cs_desc)) return 0;
  set_code_segment(s, cs, cs_desc, rpl);
  uint64_t pc = enter_code(s, ip);
  if (s.fault) return 0;
  if ((new_ss & 0xfffc) == 0) s.seg[SS] = Segment{0, 0, uint16_t(new_ss), uint16_t((rpl << 5) | attr::kS | attr::kWritable | attr::kPresent | attr::kDB)};
  else s.seg[SS] = segment_of(uint16_t(new_ss), ss_desc | (1ull << 40));
  Stack ns(s);
  ns.sp = ns.mask(new_sp + release);
  ns.commit();
  invalidate_inner_segments(s);
  return pc;
}

uint64_t far_return(void* env, uint64_t info, uint64_t, uint64_t) {
  X86State& s = *xs(env);
  const unsigned opsize = unsigned(info & 0xff), release = unsigned(info >> 8);
  const unsigned bytes = opsize / 8;
  Stack st(s);
  uint64_t ip, cs;
  if (!st.read(st.sp, bytes, &ip) || !st.read(st.sp + bytes, bytes, &cs)) return 0;
  uint64_t desc;
  if (!check_return_code(s, uint16_t(cs), &desc)) return 0;
  return finish_return(s, st, uint16_t(cs), ip, desc, bytes, 2 * bytes, release, false);
}

// IRET back to virtual-8086 mode (from CPL 0, a 32-bit frame with VM set):
// the frame continues with ESP, SS, ES, DS, FS, GS.
uint64_t iret_to_vm86(X86State& s, Stack& st, uint64_t ip, uint64_t cs, uint64_t flags) {
  uint64_t v[6];
  for (unsigned i = 0; i < 6; i++)
    if (!st.read(st.sp + 12 + 4 * i, 4, &v[i])) return 0;
  write_flags(s, uint32_t(flags));
  s.cpl = 3;
  load_real_segment(s, CS, uint16_t(cs));
  const unsigned segs[5] = {SS, ES, DS, FS, GS};
  for (unsigned i = 0; i < 5; i++) load_real_segment(s, segs[i], uint16_t(v[i + 1]));
  s.gpr[SP] = uint32_t(v[0]);
  return s.seg[CS].base + (ip & 0xffff);
}

// IRET ends an NMI handler's blocking of NMIs (real-mode IRET calls this alone).
uint64_t nmi_unblock(void* env, uint64_t, uint64_t, uint64_t) {
  X86State& s = *xs(env);
  if (s.nmi_blocked && s.nmi_pending) s.exit_request = 1;  // the latched NMI is taken at the next boundary
  s.nmi_blocked = 0;
  return 0;
}

uint64_t iret(void* env, uint64_t info, uint64_t, uint64_t) {
  X86State& s = *xs(env);
  nmi_unblock(env, 0, 0, 0);  // even an IRET that faults ends the NMI handler's blocking
  const unsigned opsize = unsigned(info & 0xff), bytes = opsize / 8;
  if (s.flags & fl::NT) {
    if (long_mode(s)) return gp(s, 0), 0;
    if (!vm86(s)) {  // back to the task in the back link
      uint64_t link;
      if (!sys_read(s, s.tr.base, 2, &link)) return 0;
      return task_switch(s, uint16_t(link), TaskReason::Iret, info >> 8);
    }
  }
  Stack st(s);
  uint64_t ip, cs, flags;
  if (!st.read(st.sp, bytes, &ip) || !st.read(st.sp + bytes, bytes, &cs) || !st.read(st.sp + 2 * bytes, bytes, &flags))
    return 0;
  if (vm86(s)) {  // a real-mode style return at IOPL 3; below it the monitor emulates IRET (#GP(0))
    if (((s.flags >> 12) & 3) != 3) return gp(s, 0), 0;
    set_flags(s, uint32_t(flags), writable_flags(s, 3, opsize));
    load_real_segment(s, CS, uint16_t(cs));
    st.sp = st.mask(st.sp + 3 * bytes);
    st.commit();
    return s.seg[CS].base + (ip & 0xffff);
  }
  if (opsize == 32 && (flags & fl::VM) && s.cpl == 0 && !long_mode(s)) return iret_to_vm86(s, st, ip, cs, flags);
  uint64_t desc;
  if (!check_return_code(s, uint16_t(cs), &desc)) return 0;
  const unsigned old_cpl = unsigned(s.cpl);
  const uint32_t writable = writable_flags(s, old_cpl, opsize);
  uint64_t pc = finish_return(s, st, uint16_t(cs), ip, desc, bytes, 3 * bytes, 0, code64(s));
  if (s.fault) return 0;
  set_flags(s, uint32_t(flags), writable);
  // RF suppresses one instruction breakpoint, the one IRET returns to; elsewhere it has nothing to hold off.
  if (!exec_breakpoints_at(s, pc)) s.flags &= ~uint64_t(fl::RF);
  return pc;
}
}  // namespace

// (A far JMP to a TSS or task gate switches tasks: every register changes.)
const ir::Helper kFarJump{"x86_far_jump", far_jump, ir::kReadsState | ir::kWritesState | ir::kMemRead | ir::kMemWrite | ir::kMayFault | ir::kAccessesRegs, 3};
const ir::Helper kFarCall{"x86_far_call", far_call, ir::kReadsState | ir::kWritesState | ir::kMemRead | ir::kMemWrite | ir::kMayFault | ir::kAccessesRegs, 3};
const ir::Helper kFarReturn{"x86_far_return", far_return, ir::kReadsState | ir::kWritesState | ir::kMemRead | ir::kMemWrite | ir::kMayFault | ir::kAccessesRegs, 1};
const ir::Helper kNmiUnblock{"x86_nmi_unblock", nmi_unblock, ir::kReadsState | ir::kWritesState, 0};
const ir::Helper kIret{"x86_iret", iret, ir::kReadsState | ir::kWritesState | ir::kMemRead | ir::kMemWrite | ir::kMayFault | ir::kAccessesRegs, 1};

namespace {
uint64_t load_segment_helper(void* env, uint64_t seg, uint64_t sel, uint64_t) {
  X86State& s = *xs(env);
  if (vm86(s)) load_real_segment(s, unsigned(seg), uint16_t(sel));
  else load_data_segment(s, unsigned(seg), uint16_t(sel));
  return 0;
}
}  // namespace
const ir::Helper kLoadSegment{"x86_load_segment", load_segment_helper, ir::kReadsState | ir::kWritesState | ir::kMemRead | ir::kMemWrite | ir::kMayFault, 2};

}  // namespace kiln::x86

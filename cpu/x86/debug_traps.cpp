// Debug traps and breakpoints (cpu/x86/debug_traps.h), on the engine's mechanisms:
// a block translated with TF set (TF is in the mode bits) runs one
// instruction and first arms the trap (step_pending, and exit_request so the
// engine leaves after the block on either tier); the engine then calls
// take_interrupt(), which delivers #DB with DR6.BS and the ip execution
// continues at as the return address (a trap). A fault in the instruction
// disarms it (take_exception). DR0-DR3 execute breakpoints enabled in DR7
// become the engine's exec triggers (cpu/common/cpu.h), recomputed after a
// MOV to DR0-DR3/DR7; reaching one is a #DB fault (DR6.Bn) unless EFLAGS.RF
// says the instruction was already reported.
#include "cpu/x86/debug_traps.h"

#include <unordered_set>

#include "cpu/x86/cpu.h"

namespace kiln::x86 {

namespace {
uint64_t arm_step(void* env, uint64_t, uint64_t, uint64_t) {
  X86State* s = xs(env);
  s->step_pending = 1;
  s->exit_request = 1;
  return 0;
}
// DR7: breakpoint n enabled (L or G) with R/W 00 (instruction execution).
bool exec_breakpoint(const X86State& s, unsigned n) {
  const uint64_t dr7 = s.dr[7];
  return ((dr7 >> (2 * n)) & 3) != 0 && ((dr7 >> (16 + 4 * n)) & 3) == 0;
}
uint64_t linear_of(const X86State& s, unsigned n) { return long_mode(s) ? s.dr[n] : s.dr[n] & 0xffffffffull; }
// (linear, bytes | write << 8): the data breakpoints the access overlaps. LEN 00/01/11/10 is 1/2/4/8
// bytes at an address aligned to it; R/W 01 takes writes, 11 reads and writes.
uint64_t data_breakpoint(void* env, uint64_t linear, uint64_t info, uint64_t) {
  X86State* s = xs(env);
  const uint64_t bytes = info & 0xff, dr7 = s->dr[7];
  const bool write = info >> 8;
  static constexpr uint64_t kLen[4] = {1, 2, 8, 4};
  for (unsigned n = 0; n < 4; n++) {
    const unsigned rw = (dr7 >> (16 + 4 * n)) & 3, len = kLen[(dr7 >> (18 + 4 * n)) & 3];
    if (!((dr7 >> (2 * n)) & 3) || !(rw == 3 || (rw == 1 && write))) continue;
    const uint64_t at = linear_of(*s, n) & ~(len - 1);
    if (linear < at + len && at < linear + bytes) {
      s->data_hits |= 1u << n;
      s->exit_request = 1;
    }
  }
  return 0;
}
}  // namespace

const ir::Helper kDataBreakpoint{"x86_data_breakpoint", data_breakpoint, ir::kReadsState | ir::kWritesState, 2};
const ir::Helper kArmStep{"x86_arm_step", arm_step, ir::kReadsState | ir::kWritesState, 0};

unsigned exec_breakpoints_at(const X86State& s, uint64_t pc) {
  unsigned hits = 0;
  for (unsigned n = 0; n < 4; n++)
    if (exec_breakpoint(s, n) && linear_of(s, n) == pc) hits |= 1u << n;
  return hits;
}

bool shadows_next(const Insn& in) { return in.opcode == 0x17 || (in.opcode == 0x8e && (in.reg & 7) == SS); }
bool holds_off_interrupts(const Insn& in) { return in.opcode == 0xfb || shadows_next(in); }

bool X86Cpu::take_debug_trap() {
  X86State& st = *state_;
  if (st.dr_dirty) {
    st.dr_dirty = 0;
    std::unordered_set<uint64_t> pcs;
    for (unsigned n = 0; n < 4; n++)
      if (exec_breakpoint(st, n)) pcs.insert(linear_of(st, n));
    set_exec_triggers(std::move(pcs));
  }
  if (!st.step_pending && !st.data_hits) return false;
  st.dr[6] = (st.dr[6] & ~(st.data_hits ? 0xfull : 0)) | st.data_hits | (st.step_pending ? 1u << 14 : 0);  // Bn, BS
  st.step_pending = st.data_hits = 0;
  interrupt(kDebug, ip());
  return true;
}

bool X86Cpu::exec_trigger_fires() {
  X86State& st = *state_;
  if (st.flags & fl::RF) {  // the instruction here was reported already (its handler's IRET set RF)
    st.flags &= ~uint64_t(fl::RF);
    return false;
  }
  const unsigned hits = exec_breakpoints_at(st, st.pc);
  if (!hits) return false;
  st.dr[6] = (st.dr[6] & ~0xfull) | hits;
  record_fault(&st, kDebug);
  return true;
}

}  // namespace kiln::x86

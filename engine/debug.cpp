// The engine's debugger hooks: breakpoints checked before each block (and
// blocks cut short so none runs over one, which keeps every other block's
// translated and native code valid), watchpoints through the softTLB's slow
// path (a hit stops before the access), and exact single steps of one
// uncached, interpreted instruction (also how a store that may stop the CPU
// runs: MemContext::rerun_alone).
#include <algorithm>
#include <cinttypes>

#include "engine/engine.h"
#include "ir/passes/passes.h"

namespace kiln::engine {

void Engine::set_debug(DebugState* d) {
  debug_ = d;
  debug_mode_ = cpu_.debug_mode();
  watchpoints_changed();
}

bool Engine::debug_check() {
  cpu::StateHeader& st = cpu_.state();
  DebugStop why = DebugStop::None;
  if (debug_->watch.hit) {
    why = DebugStop::Watchpoint;
  } else if (debug_->interrupt.load(std::memory_order_relaxed)) {
    why = DebugStop::Interrupted;
  } else if (!debug_->breakpoints.empty() && debug_->breakpoints.count(st.pc)) {
    why = DebugStop::Breakpoint;
  } else if (debug_->stop_on_mode_switch) {
    uint64_t m = cpu_.debug_mode();
    if (m != debug_mode_) why = DebugStop::ModeSwitch;
    debug_mode_ = m;
  }
  debug_stop_ = why;
  return why != DebugStop::None;
}

// A breakpoint after the block's first instruction: translate again, ending
// just before it, so the engine sees that pc before running it.
void Engine::debug_trim(ir::Block& ir) {
  unsigned n = 0;
  for (const ir::Inst& in : ir.insts) {
    if (in.op != ir::Op::InsnStart) continue;
    if (n > 0 && breakpoint_at(in.imm)) {
      ir::Block shorter;
      shorter.pc = ir.pc;
      shorter.phys_pc = ir.phys_pc;
      shorter.mode = ir.mode;
      cpu_.translate_block(shorter, n);
      ir = std::move(shorter);
      return;
    }
    n++;
  }
}

// The debugger's breakpoints and the CPU's own execute triggers: both must be
// seen by the engine before their instruction runs.
bool Engine::breakpoint_at(uint64_t pc) const {
  return (debug_ && debug_->breakpoints.count(pc)) || (!cpu_.exec_triggers().empty() && cpu_.exec_triggers().count(pc));
}

// Before running what is at the pc: a CPU trigger there that fires is taken
// as the exception it records, instead of the instruction.
bool Engine::exec_trigger_fired() {
  cpu::StateHeader& st = cpu_.state();
  const std::unordered_set<uint64_t>& t = cpu_.exec_triggers();
  if (t.empty() || !t.count(st.pc) || !cpu_.exec_trigger_fires()) return false;
  st.fault = 0;
  stats_.exceptions++;
  cpu_.take_exception();
  return true;
}

// Drops the blocks covering `va`, and every block on their pages: a JIT region
// (all on its head's page) may hold a covering block as a member, and a
// region, a link or an indirect-jump entry must never reach a breakpoint's pc
// without the engine seeing it (link(), compile_region() and run_for() keep
// such pcs out from now on).
void Engine::breakpoint_changed(uint64_t va) {
  std::vector<uint64_t> pages;
  for (auto& [key, b] : cache_)
    if (va >= b->pc && va - b->pc < std::max<uint32_t>(b->guest_bytes, 1)) {
      pages.push_back(b->first_page);
      pages.push_back(b->last_page);
    }
  std::vector<CachedBlock*> drop;
  for (uint64_t page : pages) {
    auto it = page_blocks_.find(page);
    if (it == page_blocks_.end()) continue;
    for (CachedBlock* b : it->second)
      if (std::find(drop.begin(), drop.end(), b) == drop.end()) drop.push_back(b);
  }
  for (CachedBlock* b : drop) drop_block(b);
  forget_vpc();
}

void Engine::watchpoints_changed() {
  mem::MemContext& m = cpu_.state().mem;
  m.watch = debug_ && !debug_->watch.ranges.empty() ? &debug_->watch : nullptr;
  m.flush_tlb();  // entries for newly watched pages must go; unwatched ones refill fast
}

DebugStop Engine::step(bool interrupts) {
  cpu::StateHeader& st = cpu_.state();
  free_retired();
  if (interrupts && st.exit_request.load(std::memory_order_relaxed)) {
    st.exit_request = 0;
    if (events_) events_->run_due();
    if (cpu_.take_interrupt()) return DebugStop::None;  // the step ends at the handler's first instruction
  }
  if (exec_trigger_fired()) return DebugStop::None;  // the step ends at the handler's first instruction
  return run_alone(interrupts);
}

DebugStop Engine::run_alone(bool interrupts) {
  cpu::StateHeader& st = cpu_.state();
  mem::Watchpoints* w = debug_ ? &debug_->watch : nullptr;
  if (w) w->hit = false;
  uint64_t pa;
  if (!cpu_.code_address(st.pc, &pa)) {  // the fetch traps: that is the whole step
    st.fault = 0;
    stats_.exceptions++;
    cpu_.take_exception();
    return DebugStop::None;
  }
  ir::Block ir;
  ir.pc = st.pc;
  ir.phys_pc = pa;
  ir.mode = cpu_.mode_bits();
  cpu_.translate_block(ir, 1);
  std::string err = ir::run_passes(ir, opts_.verify_ir);
  auto code = err.empty() ? interp::compile(ir) : nullptr;
  if (!code) {
    log_.printf("kiln: internal error: single step at 0x%" PRIx64 ": %s\n", ir.pc, err.c_str());
    std::abort();
  }
  st.mem.single_insn = true;  // a write that may stop the CPU happens here
  cpu::BlockExit x = interp::run(*code, &st);
  st.mem.single_insn = false;
  // Stopped before a watched access: the instruction has not happened.
  if (x.reason == ir::ExitReason::Exception && w && w->hit) {
    st.fault = 0;  // set by a helper whose access stopped (sc); no guest exception is pending
    return DebugStop::Watchpoint;
  }
  stats_.blocks_executed++;
  st.insns_retired += x.insns;
  st.pc = x.next_pc;
  switch (x.reason) {
    case ir::ExitReason::Exception:
      st.fault = 0;
      stats_.exceptions++;
      cpu_.take_exception();
      break;
    case ir::ExitReason::ModeChange:
      if (interrupts) cpu_.take_interrupt();
      break;
    case ir::ExitReason::Halt:
      request_stop(0);
      break;
    default:  // None, FlushCode, Wfi: the instruction is done
      break;
  }
  debug_mode_ = cpu_.debug_mode();
  return DebugStop::None;
}

}  // namespace kiln::engine

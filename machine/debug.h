// The machine under a debugger: cpu::DebugSystem over the board's harts and
// engines, in all-stop mode. resume() runs every hart in turn (as the board's
// own loop does) until one stops for the debugger; step() runs one
// instruction of one hart. Boards make one on demand (Machine::debug()), so a
// run without a debugger never pays for the hooks.
#pragma once
#include <functional>
#include <memory>
#include <vector>

#include "cpu/common/debug.h"
#include "engine/engine.h"
#include "jit/jit.h"

namespace kiln::machine {

struct DebugHart {
  cpu::Cpu* cpu;
  engine::Engine* engine;
  std::unique_ptr<cpu::DebugTarget> target;
};

class MachineDebug final : public cpu::DebugSystem {
 public:
  // `switch_hart(i)` runs after hart i's slice when several harts share the thread.
  // `all_idle()`, when given, runs when every hart waits: a status >= 0 ends
  // the run with it (a board on which nothing can wake them), -1 runs them again.
  MachineDebug(std::vector<DebugHart> harts, engine::EventLoop& events, const jit::Jit* jit,
               std::function<void(unsigned)> switch_hart, std::function<int()> all_idle = nullptr);
  ~MachineDebug() override;

  // `enter(i)` runs before hart i runs or steps (a board whose devices serve
  // the running hart, as the x86 local APIC page, sets which one that is).
  void set_enter_hart(std::function<void(unsigned)> enter) { enter_hart_ = std::move(enter); }

  unsigned cpu_count() const override { return unsigned(harts_.size()); }
  cpu::DebugTarget& cpu(unsigned index) override { return *harts_[index].target; }
  Status insert_breakpoint(uint64_t addr) override;
  Status remove_breakpoint(uint64_t addr) override;
  Status insert_watchpoint(uint64_t addr, uint64_t len, cpu::WatchKind kind) override;
  Status remove_watchpoint(uint64_t addr, uint64_t len, cpu::WatchKind kind) override;
  void remove_all() override;
  cpu::StopEvent resume() override;
  cpu::StopEvent step(unsigned step_cpu) override;
  void interrupt() override;
  void set_step_interrupts(bool on) override { step_interrupts_ = on; }
  void set_stop_on_mode_switch(bool on) override { state_.stop_on_mode_switch = on; }
  std::string stats() const override;

 private:
  cpu::StopEvent stopped(unsigned i);
  cpu::StopEvent watch_stop(unsigned i);
  void watchpoints_changed();

  std::vector<DebugHart> harts_;
  engine::EventLoop& events_;
  const jit::Jit* jit_;
  std::function<void(unsigned)> switch_hart_;
  std::function<int()> all_idle_;
  std::function<void(unsigned)> enter_hart_;
  engine::DebugState state_;
  bool step_interrupts_ = false;
};

}  // namespace kiln::machine

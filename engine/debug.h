// The debugger's state that every hart's engine shares (gdb breakpoints and
// watchpoints are machine-wide), and why an engine stopped for it.
#pragma once
#include <atomic>
#include <cstdint>
#include <unordered_set>

#include "mem/tlb.h"

namespace kiln::engine {

struct DebugState {
  std::unordered_set<uint64_t> breakpoints;  // virtual pcs
  mem::Watchpoints watch;
  std::atomic<bool> interrupt{false};  // Ctrl-C or a new client: stop at the next block boundary
  bool stop_on_mode_switch = false;
};

enum class DebugStop { None, Breakpoint, Watchpoint, Interrupted, ModeSwitch };

}  // namespace kiln::engine

#include "machine/debug.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>

namespace kiln::machine {

MachineDebug::MachineDebug(std::vector<DebugHart> harts, engine::EventLoop& events, const jit::Jit* jit,
                           std::function<void(unsigned)> switch_hart, std::function<int()> all_idle)
    : harts_(std::move(harts)), events_(events), jit_(jit), switch_hart_(std::move(switch_hart)),
      all_idle_(std::move(all_idle)) {
  for (DebugHart& h : harts_) h.engine->set_debug(&state_);
}

MachineDebug::~MachineDebug() {
  for (DebugHart& h : harts_) h.engine->set_debug(nullptr);
}

Status MachineDebug::insert_breakpoint(uint64_t addr) {
  if (state_.breakpoints.insert(addr).second)
    for (DebugHart& h : harts_) h.engine->breakpoint_changed(addr);
  return {};
}

Status MachineDebug::remove_breakpoint(uint64_t addr) {
  if (state_.breakpoints.erase(addr))  // blocks cut short at it may grow again
    for (DebugHart& h : harts_) h.engine->breakpoint_changed(addr);
  return {};
}

void MachineDebug::watchpoints_changed() {
  for (DebugHart& h : harts_) h.engine->watchpoints_changed();
}

Status MachineDebug::insert_watchpoint(uint64_t addr, uint64_t len, cpu::WatchKind kind) {
  if (len == 0 || addr + len < addr) return make_error("bad watchpoint range");
  state_.watch.ranges.push_back({addr, len, uint8_t(kind)});
  watchpoints_changed();
  return {};
}

Status MachineDebug::remove_watchpoint(uint64_t addr, uint64_t len, cpu::WatchKind kind) {
  auto& r = state_.watch.ranges;
  for (auto it = r.begin(); it != r.end(); ++it)
    if (it->va == addr && it->len == len && it->kinds == uint8_t(kind)) {
      r.erase(it);
      watchpoints_changed();
      return {};
    }
  return make_error("no such watchpoint");
}

void MachineDebug::remove_all() {
  std::vector<uint64_t> bps(state_.breakpoints.begin(), state_.breakpoints.end());
  for (uint64_t a : bps) (void)remove_breakpoint(a);
  state_.watch.ranges.clear();
  state_.stop_on_mode_switch = false;
  watchpoints_changed();
}

void MachineDebug::interrupt() {
  state_.interrupt = true;
  for (DebugHart& h : harts_) h.cpu->state().exit_request = 1;
  events_.post([] {});  // wakes a machine whose harts all wait for interrupts
}

// Hart i stopped before an access to a watched address. Where gdb expects
// the stop after the access, execute the instruction (unwatched) first.
cpu::StopEvent MachineDebug::watch_stop(unsigned i) {
  cpu::StopEvent ev{cpu::StopEvent::Watchpoint, i, state_.watch.hit_addr,
                    state_.watch.hit_kind == 1 ? cpu::WatchKind::Write : cpu::WatchKind::Read};
  state_.watch.hit = false;
  if (harts_[i].target->description().watch_stops_before_access) return ev;
  state_.watch.suppressed = true;
  if (enter_hart_) enter_hart_(i);
  harts_[i].engine->step(false);
  state_.watch.suppressed = false;
  if (harts_[i].engine->stop_requested()) return {cpu::StopEvent::Exited, i, 0, {}, harts_[i].engine->stop_code()};
  return ev;
}

cpu::StopEvent MachineDebug::stopped(unsigned i) {
  switch (harts_[i].engine->debug_stop()) {
    case engine::DebugStop::Breakpoint: return {cpu::StopEvent::Breakpoint, i};
    case engine::DebugStop::Watchpoint: return watch_stop(i);
    case engine::DebugStop::ModeSwitch: return {cpu::StopEvent::ModeSwitch, i};
    default:
      state_.interrupt = false;
      return {cpu::StopEvent::Interrupted, i};
  }
}

cpu::StopEvent MachineDebug::resume() {
  const uint64_t slice = harts_.size() == 1 ? 0 : 2000;
  std::vector<bool> idle(harts_.size(), false);
  for (;;) {
    bool all_idle = true;
    for (unsigned i = 0; i < harts_.size(); i++) {
      DebugHart& h = harts_[i];
      if (idle[i] && !h.cpu->wakeup_pending() && !state_.interrupt && !h.engine->stop_requested()) continue;
      if (enter_hart_) enter_hart_(i);
      engine::Engine::SliceEnd e = h.engine->run_for(slice);
      if (e == engine::Engine::SliceEnd::Stopped) return {cpu::StopEvent::Exited, i, 0, {}, h.engine->stop_code()};
      if (e == engine::Engine::SliceEnd::Debug) return stopped(i);
      idle[i] = e == engine::Engine::SliceEnd::Idle;
      if (!idle[i]) all_idle = false;
      if (harts_.size() > 1 && switch_hart_) switch_hart_(i);
    }
    if (all_idle) {
      if (state_.interrupt) {
        state_.interrupt = false;
        return {cpu::StopEvent::Interrupted, 0};
      }
      if (all_idle_) {
        if (int code = all_idle_(); code >= 0) return {cpu::StopEvent::Exited, 0, 0, {}, code};
        std::fill(idle.begin(), idle.end(), false);
        continue;
      }
      events_.wait_for_event(10'000'000);
      events_.run_due();
    }
  }
}

cpu::StopEvent MachineDebug::step(unsigned i) {
  DebugHart& h = harts_[i];
  state_.watch.hit = false;
  if (enter_hart_) enter_hart_(i);
  engine::DebugStop r = h.engine->step(step_interrupts_);
  if (h.engine->stop_requested()) return {cpu::StopEvent::Exited, i, 0, {}, h.engine->stop_code()};
  if (r == engine::DebugStop::Watchpoint) return watch_stop(i);
  return {cpu::StopEvent::Step, i};
}

std::string MachineDebug::stats() const {
  std::string out;
  char line[160];
  for (unsigned i = 0; i < harts_.size(); i++) {
    const engine::Stats& s = harts_[i].engine->stats();
    std::snprintf(line, sizeof line,
                  "hart %u: %zu blocks cached, %" PRIu64 " translated, %" PRIu64 " executed (%" PRIu64
                  " as native code), %" PRIu64 " invalidations, %" PRIu64 " exceptions\n",
                  i, harts_[i].engine->cached_blocks(), s.blocks_translated, s.blocks_executed, s.native_executed,
                  s.invalidations, s.exceptions);
    out += line;
  }
  if (jit_) {
    jit::Stats j = jit_->stats();
    std::snprintf(line, sizeof line,
                  "jit: %" PRIu64 " blocks compiled, %" PRIu64 " failed, %" PRIu64 " queued, %.3f s compiling\n",
                  j.compiled, j.failed, j.queued, j.compile_seconds);
    out += line;
  } else {
    out += "jit: off (-accel interp)\n";
  }
  return out;
}

}  // namespace kiln::machine

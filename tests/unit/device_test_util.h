// Shared pieces for device unit tests: a virtual clock the test moves by hand
// (timers run in deadline order, each with now_ns() at its deadline; posted
// work runs at the end of every advance), an IrqLine that records what it
// was driven to, and the access sizes a device's rules accept.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "devices/irq.h"
#include "mem/physmap.h"

namespace kiln::test {

class FakeClock final : public Clock {
 public:
  uint64_t now_ns() const override { return now_; }
  TimerId schedule(uint64_t deadline_ns, Callback fn) override {
    TimerId id = ++next_id_;
    timers_.emplace(id, Timer{deadline_ns, std::move(fn)});
    return id;
  }
  void cancel(TimerId id) override { timers_.erase(id); }
  void post(Callback fn) override { posted_.push_back(std::move(fn)); }

  // Moves time forward to `t`, running every timer that falls due on the way.
  void advance_to(uint64_t t) {
    for (;;) {
      auto due = timers_.end();
      for (auto it = timers_.begin(); it != timers_.end(); ++it)
        if (it->second.deadline <= t && (due == timers_.end() || it->second.deadline < due->second.deadline))
          due = it;
      if (due == timers_.end()) break;
      if (due->second.deadline > now_) now_ = due->second.deadline;
      Callback fn = std::move(due->second.fn);
      timers_.erase(due);
      fn();
    }
    if (t > now_) now_ = t;
    std::vector<Callback> posted;
    posted.swap(posted_);
    for (auto& fn : posted) fn();
  }
  void advance(uint64_t dt) { advance_to(now_ + dt); }
  // Time passes with no timer run (Kiln's thread not scheduled): the due ones run late, at the next advance.
  void jump_to(uint64_t t) {
    if (t > now_) now_ = t;
  }

  size_t pending_timers() const { return timers_.size(); }
  std::optional<uint64_t> next_deadline() const {
    std::optional<uint64_t> d;
    for (auto& [id, t] : timers_)
      if (!d || t.deadline < *d) d = t.deadline;
    return d;
  }

 private:
  struct Timer {
    uint64_t deadline;
    Callback fn;
  };
  uint64_t now_ = 0;
  TimerId next_id_ = 0;
  std::map<TimerId, Timer> timers_;
  std::vector<Callback> posted_;
};

class RecordingIrq final : public devices::IrqLine {
 public:
  void set_level(bool high) override {
    if (high && !level) rises++;
    if (!high && level) falls++;
    level = high;
    calls++;
  }
  bool level = false;
  int rises = 0, falls = 0, calls = 0;
};

// The sizes (of 1, 2, 4, 8) of the accesses at `offset` that `dev` accepts.
inline std::vector<unsigned> accepted_sizes(const mem::MmioDevice& dev, uint64_t offset) {
  std::vector<unsigned> sizes;
  for (unsigned size : {1u, 2u, 4u, 8u})
    if (dev.rules(offset).allows(offset, size)) sizes.push_back(size);
  return sizes;
}
using Sizes = std::vector<unsigned>;

}  // namespace kiln::test

// The virtual clock and event queue (common/clock.h) behind every board.
// Time is host time since start, less the time the CPU thread spent
// translating guest code (exclude()): on hardware, code run for the first
// time costs the guest no more time than code run again, so a kernel timing
// a loop against the PIT must not see Kiln's translator in it. A helper thread sleeps until the earliest
// deadline (or a post()) and then raises the CPUs' exit_request; the engine
// runs the due callbacks on the CPU thread between blocks, so devices never
// race the guest. wait_for_event() lets an idle CPU (WFI) sleep instead of spin.
#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "common/clock.h"

namespace kiln::engine {

class EventLoop final : public Clock {
 public:
  EventLoop();
  ~EventLoop() override;
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Flags to raise when something is due (one per CPU).
  void add_exit_flag(std::atomic<uint32_t>* flag);
  // Before the flag's memory goes away (a CPU's state): the timer thread stops raising it.
  void remove_exit_flag(std::atomic<uint32_t>* flag);

  uint64_t now_ns() const override;
  // CPU thread: `ns` of host time just spent were not the guest's (translating its code).
  void exclude(uint64_t ns) { excluded_ns_.fetch_add(ns, std::memory_order_relaxed); }
  TimerId schedule(uint64_t deadline_ns, Callback fn) override;
  void cancel(TimerId id) override;
  void post(Callback fn) override;

  // CPU thread: runs every posted callback and every timer now due.
  void run_due();
  // CPU thread: sleeps until a timer is due or something is posted (or `max_ns` passes).
  void wait_for_event(uint64_t max_ns);

 private:
  void thread_main();
  void raise_flags();

  const std::chrono::steady_clock::time_point start_;
  // Host time not counted (exclude()). The helper thread may read now_ns()
  // during a translation and see a time later than the CPU will: it then
  // raises the exit flag early, and run_due() on the CPU thread finds nothing due.
  std::atomic<uint64_t> excluded_ns_{0};
  mutable std::mutex mu_;
  std::condition_variable timer_cv_;  // wakes the helper thread
  std::condition_variable idle_cv_;   // wakes a CPU in wait_for_event
  std::multimap<uint64_t, std::pair<TimerId, Callback>> timers_;  // by deadline
  std::vector<Callback> posted_;
  std::vector<std::atomic<uint32_t>*> flags_;
  TimerId next_id_ = 1;
  bool quit_ = false;
  std::thread thread_;
};

}  // namespace kiln::engine

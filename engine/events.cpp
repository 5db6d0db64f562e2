#include "engine/events.h"

#include <algorithm>

namespace kiln::engine {

EventLoop::EventLoop() : start_(std::chrono::steady_clock::now()), thread_([this] { thread_main(); }) {}

EventLoop::~EventLoop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    quit_ = true;
  }
  timer_cv_.notify_all();
  thread_.join();
}

void EventLoop::add_exit_flag(std::atomic<uint32_t>* flag) {
  std::lock_guard<std::mutex> lock(mu_);
  flags_.push_back(flag);
}

void EventLoop::remove_exit_flag(std::atomic<uint32_t>* flag) {
  std::lock_guard<std::mutex> lock(mu_);
  std::erase(flags_, flag);
}

uint64_t EventLoop::now_ns() const {
  const uint64_t host = uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start_).count());
  return host - excluded_ns_.load(std::memory_order_relaxed);
}

Clock::TimerId EventLoop::schedule(uint64_t deadline_ns, Callback fn) {
  std::lock_guard<std::mutex> lock(mu_);
  TimerId id = next_id_++;
  bool earliest = timers_.empty() || deadline_ns < timers_.begin()->first;
  timers_.emplace(deadline_ns, std::make_pair(id, std::move(fn)));
  if (earliest) timer_cv_.notify_all();
  return id;
}

void EventLoop::cancel(TimerId id) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = timers_.begin(); it != timers_.end(); ++it)
    if (it->second.first == id) {
      timers_.erase(it);
      return;
    }
}

void EventLoop::post(Callback fn) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    posted_.push_back(std::move(fn));
    raise_flags();
  }
  idle_cv_.notify_all();
}

// With mu_ held: a CPU may be removing its flag (its state is going away).
void EventLoop::raise_flags() {
  for (auto* f : flags_) f->store(1, std::memory_order_relaxed);
}

void EventLoop::run_due() {
  std::vector<Callback> run;
  {
    std::lock_guard<std::mutex> lock(mu_);
    run.swap(posted_);
    uint64_t now = now_ns();
    while (!timers_.empty() && timers_.begin()->first <= now) {
      run.push_back(std::move(timers_.begin()->second.second));
      timers_.erase(timers_.begin());
    }
  }
  for (Callback& fn : run) fn();  // outside the lock: callbacks may schedule
}

void EventLoop::wait_for_event(uint64_t max_ns) {
  std::unique_lock<std::mutex> lock(mu_);
  uint64_t now = now_ns();
  uint64_t until = now + std::min<uint64_t>(max_ns, 1'000'000'000);
  if (!timers_.empty() && timers_.begin()->first < until) until = timers_.begin()->first;
  if (!posted_.empty() || until <= now) return;
  idle_cv_.wait_for(lock, std::chrono::nanoseconds(until - now), [&] { return !posted_.empty(); });
}

void EventLoop::thread_main() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!quit_) {
    if (timers_.empty()) {
      timer_cv_.wait(lock);
      continue;
    }
    uint64_t deadline = timers_.begin()->first, now = now_ns();
    if (deadline > now) {
      // At most a second at a time, so a far-off deadline cannot overflow the wait.
      uint64_t wait = std::min<uint64_t>(deadline - now, 1'000'000'000);
      timer_cv_.wait_for(lock, std::chrono::nanoseconds(wait));
      continue;  // re-check: an earlier timer may have been added, or quit set
    }
    // Due: tell the CPUs, then wait until the CPU thread has run it (or something changes).
    raise_flags();
    idle_cv_.notify_all();
    timer_cv_.wait_for(lock, std::chrono::milliseconds(1));
  }
}

}  // namespace kiln::engine

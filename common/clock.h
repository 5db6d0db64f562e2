// The virtual clock devices see: the current time and events scheduled on it.
// Callbacks always run on the CPU thread, between guest blocks, so a device
// never races the guest. post() may be called from any thread (an input
// reader, a socket) to get work onto the CPU thread.
#pragma once
#include <cstdint>
#include <functional>

namespace kiln {

class Clock {
 public:
  using Callback = std::function<void()>;
  using TimerId = uint64_t;
  virtual ~Clock() = default;
  // Nanoseconds of virtual time since the machine started.
  virtual uint64_t now_ns() const = 0;
  // Runs fn once now_ns() >= deadline_ns. Only from the CPU thread.
  virtual TimerId schedule(uint64_t deadline_ns, Callback fn) = 0;
  virtual void cancel(TimerId id) = 0;
  // Thread-safe: runs fn on the CPU thread at the next block boundary.
  virtual void post(Callback fn) = 0;
};

}  // namespace kiln

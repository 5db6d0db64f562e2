// SIGTERM, SIGINT and SIGHUP end Kiln the way a guest power-off does: the
// guest stops at a block boundary (never in the middle of a device request),
// then the machine is destroyed in order, so disk images are synced and
// closed and the terminal leaves raw mode. The signals are blocked in every
// thread and taken by one thread of their own with sigwaitinfo(), which asks
// the current machine to stop: no work is done in a signal handler.
#pragma once
#include <signal.h>

#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace kiln::apps {

class StopSignals {
 public:
  // Blocks the signals: construct before any other thread starts (threads inherit the mask).
  StopSignals();
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  // What a signal calls from now on, with Kiln's exit status (128 + the signal),
  // from the watching thread: ask the machine (and the gdb stub) to stop.
  // Empty: nothing (while a machine is rebuilt); a signal that came meanwhile
  // calls the next one at once.
  void watch(std::function<void(int)> stop);
  // The signal that asked Kiln to stop, 0 if none.
  int caught();
  // "terminating on signal 15 from pid 1234", for the one line Kiln prints.
  std::string describe();

 private:
  void wait_loop();

  sigset_t set_;
  std::mutex mu_;
  std::function<void(int)> stop_;
  int caught_ = 0;
  pid_t sender_ = 0;
  bool done_ = false;
  std::thread thread_;
};

}  // namespace kiln::apps

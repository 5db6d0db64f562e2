// The host side of the guest's serial console: bytes typed on stdin go to the
// guest's UART (through the event loop, so on the CPU thread). On a terminal,
// stdin is put in raw mode for the run and Ctrl-A x quits, as in QEMU
// (Ctrl-A Ctrl-A sends a Ctrl-A). Guest output goes straight to stdout.
#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <thread>

#include "common/clock.h"

struct termios;

namespace kiln::machine {

class Console {
 public:
  Console(Clock& events, std::function<void(uint8_t)> to_guest, std::function<void()> quit);
  ~Console();
  Console(const Console&) = delete;
  Console& operator=(const Console&) = delete;

 private:
  void reader();
  Clock& events_;
  std::function<void(uint8_t)> to_guest_;
  std::function<void()> quit_;
  int wake_[2] = {-1, -1};  // a pipe that ends the reader thread
  std::unique_ptr<termios> saved_;  // the terminal settings to restore (raw mode is on)
  std::thread thread_;
};

}  // namespace kiln::machine

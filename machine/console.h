// The input side of the guest's serial console: bytes read from the serial
// port's host descriptor (machine/chardev.h: stdin, a pty, a socket) go to the
// guest's UART (through the event loop, so on the CPU thread). When it is stdin
// on a terminal, the terminal is put in raw mode for the run and Ctrl-A x quits,
// as in QEMU (Ctrl-A Ctrl-A sends a Ctrl-A). Guest output goes to the chardev's
// stream directly.
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
  // in_fd: where input comes from (-1: none); terminal: in_fd is the user's
  // terminal, so raw mode and the Ctrl-A escapes apply when it is a tty.
  Console(Clock& events, int in_fd, bool terminal, std::function<void(uint8_t)> to_guest, std::function<void()> quit);
  ~Console();
  Console(const Console&) = delete;
  Console& operator=(const Console&) = delete;

 private:
  void reader();
  Clock& events_;
  std::function<void(uint8_t)> to_guest_;
  std::function<void()> quit_;
  int in_fd_;
  int wake_[2] = {-1, -1};  // a pipe that ends the reader thread
  std::unique_ptr<termios> saved_;  // the terminal settings to restore (raw mode is on)
  std::thread thread_;
};

}  // namespace kiln::machine

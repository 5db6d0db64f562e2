// A PS/2 (MF2) keyboard as the 8042 sees it: it takes command bytes and their
// arguments from the controller and queues its replies and scan codes for the
// controller to take. Commands: reset 0xFF (ACK, then 0xAA: self-test
// passed), set LEDs 0xED, echo 0xEE, scan code set 0xF0 (0 asks which),
// identify 0xF2 (0xAB 0x83; 0xAB 0x41 when the controller translates),
// typematic rate 0xF3, enable 0xF4, disable 0xF5, defaults 0xF6, the set-3
// key modes 0xF7-0xFD (acknowledged); anything else gets 0xFE (resend).
//
// Key input comes later from the host's side (key_bytes): the scan codes of
// the current set, queued while scanning is on.
#pragma once
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>

namespace kiln::devices {

class Ps2Keyboard {
 public:
  static constexpr uint8_t kAck = 0xfa, kResend = 0xfe, kSelfTestPassed = 0xaa, kEcho = 0xee;
  static constexpr size_t kQueueBytes = 16;  // the keyboard's own buffer; more is dropped

  // A byte from the controller (a command, or the argument one waits for).
  void write(uint8_t byte);
  bool has_output() const { return !out_.empty(); }
  uint8_t take_output();
  // Power-on state: scanning, scan code set 2, LEDs off, nothing queued.
  void reset();
  // The controller's translation to set 1 changes how the keyboard's ID and set number read.
  void set_translated(bool on) { translated_ = on; }
  // Called when bytes arrive without a controller write (key input), so the controller takes them.
  void set_output_ready(std::function<void()> fn) { output_ready_ = std::move(fn); }

  // Scan code bytes from the host keyboard; dropped while scanning is off.
  void key_bytes(const uint8_t* bytes, size_t n);

  uint8_t leds() const { return leds_; }
  unsigned scan_code_set() const { return scan_set_; }
  bool scanning() const { return scanning_; }

 private:
  void queue(uint8_t b);

  std::deque<uint8_t> out_;
  uint8_t pending_ = 0;  // a command waiting for its argument (0xED, 0xF0, 0xF3), or 0
  uint8_t leds_ = 0;
  unsigned scan_set_ = 2;
  bool scanning_ = true;
  bool translated_ = false;
  std::function<void()> output_ready_;
};

}  // namespace kiln::devices

// The 8042 keyboard controller (as in the PIIX3's super I/O and QEMU's
// i8042): the data port 0x60 and the status/command port 0x64, a PS/2
// keyboard behind it (devices/pc/ps2_keyboard.h), IRQ1 for keyboard bytes
// and IRQ12 for bytes from the auxiliary port. Its output port carries the
// A20 gate (bit 1) and the CPU's reset line (bit 0: low resets).
//
// Status (0x64 read): output buffer full (0), system flag (2, set by a
// self-test or from the command byte), last write was a command (3), not
// inhibited (4), the byte is the aux port's (5); the input buffer is never
// busy (commands take effect at once). Controller commands: read/write the
// command byte 0x20/0x60, aux disable/enable/test 0xA7/0xA8/0xA9, self-test
// 0xAA (0x55), keyboard interface test 0xAB (0x00), keyboard disable/enable
// 0xAD/0xAE, output port read/write 0xD0/0xD1, a byte into the output buffer
// as the keyboard's or the aux port's 0xD2/0xD3, a byte to the aux device
// 0xD4 (no mouse yet: dropped), A20 off/on 0xDD/0xDF, and the pulses
// 0xF0-0xFF (bit 0 clear, e.g. 0xFE, resets the CPU). A byte written to 0x60
// with no command waiting goes to the keyboard (and re-enables it, as QEMU's).
// Translation to scan code set 1 (command byte bit 6) changes the keyboard's
// ID and set replies; key input itself comes with the host keyboard.
#pragma once
#include <cstdint>
#include <deque>
#include <functional>

#include "devices/irq.h"
#include "devices/pc/ps2_keyboard.h"
#include "mem/port_space.h"

namespace kiln::devices {

class I8042 {
 public:
  static constexpr uint32_t kDataPort = 0x60, kCommandPort = 0x64;
  static constexpr uint8_t kStatOutputFull = 0x01, kStatSystem = 0x04, kStatCommand = 0x08, kStatUnlocked = 0x10,
                           kStatAuxData = 0x20;
  // The command byte.
  static constexpr uint8_t kModeKbdInt = 0x01, kModeAuxInt = 0x02, kModeSystem = 0x04, kModeDisableKbd = 0x10,
                           kModeDisableAux = 0x20, kModeTranslate = 0x40;
  // The output port: bits 2-3 and 6-7 (keyboard clock and data) read as ones, 4-5 mirror the buffer.
  static constexpr uint8_t kOutReset = 0x01, kOutA20 = 0x02, kOutKbdFull = 0x10, kOutAuxFull = 0x20, kOutOnes = 0xcc;
  static constexpr uint8_t kSelfTestOk = 0x55, kInterfaceOk = 0x00;

  // What the output port drives on the board: the A20 gate (read a20()) and the CPU's reset.
  struct Hooks {
    std::function<void()> a20_changed;
    std::function<void()> reset;
  };
  I8042(IrqLine& kbd_irq, IrqLine& aux_irq, Hooks hooks);
  I8042(const I8042&) = delete;
  I8042& operator=(const I8042&) = delete;

  // The two ports (one byte each, not adjacent), for the board's port bus.
  mem::PortDevice& data_port() { return data_; }
  mem::PortDevice& command_port() { return command_; }

  // A system reset: command byte 0x03 (both interrupts on), output port with
  // reset high and A20 on (QEMU's), nothing buffered, the keyboard reset.
  void reset();
  bool a20() const { return outport_ & kOutA20; }
  uint8_t command_byte() const { return mode_; }
  Ps2Keyboard& keyboard() { return kbd_; }

 private:
  // One of the ports. A write may reset the CPU or move A20, so it runs as an
  // instruction of its own (nothing after it runs first).
  class Port final : public mem::PortDevice {
   public:
    Port(I8042& c, bool command) : c_(c), command_(command) {}
    mem::AccessRules rules(uint64_t) const override { return {.min_size = 1, .max_size = 1, .write_may_stop = true}; }
    uint64_t read(uint64_t, unsigned) override { return command_ ? c_.status() : c_.read_data(); }
    void write(uint64_t, unsigned, uint64_t v) override { command_ ? c_.command(uint8_t(v)) : c_.write_data(uint8_t(v)); }

   private:
    I8042& c_;
    bool command_;
  };

  uint8_t status() const;
  uint8_t read_data();
  void write_data(uint8_t v);
  void command(uint8_t cmd);
  void set_outport(uint8_t v);
  void reply(uint8_t b, bool aux = false);
  // Fills an empty output buffer: the controller's replies first, then the keyboard's bytes.
  void refill();
  void update_irq();

  IrqLine& kbd_irq_;
  IrqLine& aux_irq_;
  Hooks hooks_;
  Ps2Keyboard kbd_;
  Port data_{*this, false}, command_{*this, true};
  struct Reply {
    uint8_t byte;
    bool aux;
  };
  std::deque<Reply> replies_;
  uint8_t outbuf_ = 0;
  bool full_ = false, aux_ = false;  // the output buffer holds a byte; it is the aux port's
  uint8_t mode_ = kModeKbdInt | kModeAuxInt;
  uint8_t outport_ = kOutReset | kOutA20 | kOutOnes;
  uint8_t pending_ = 0;  // a command waiting for its data byte on 0x60, or 0
  bool system_ = false, last_was_command_ = true;
};

}  // namespace kiln::devices

// The PC's real-time clock and CMOS RAM, a Motorola MC146818A (as in the
// PIIX3 and QEMU's mc146818rtc) at ports 0x70 (index; bit 7 masks NMI) and
// 0x71 (data). 128 bytes: the time, alarm and control registers 0x00-0x0D,
// then battery-backed RAM the BIOS owns (the board fills the bytes a BIOS
// reads; the century byte 0x32 counts with the clock, as on PC chipsets).
//
// Time: kept as seconds since 1970 of the clock's own broken-down time (UTC or
// local time, as the board says), read and written in BCD or binary and 12- or
// 24-hour format as register B says. The divider (register A, DV = 010 runs
// it) ticks the seconds at boundaries of the virtual clock; UIP (register A
// bit 7) reads 1 in the 244 us before each update; SET (register B bit 7)
// holds updates; leaving a divider reset starts the first update 500 ms later.
// Interrupts (IRQ8): periodic (register A's rate), alarm (registers 1/3/5,
// 0xC0-0xFF matches any value), update-ended; register C's flags, read to
// clear. Register D reads 0x80 (valid RAM and time).
//
// Not modelled: the square-wave output, daylight saving (DSE is kept, never
// acted on), the day of week as a register of its own (it follows the date:
// writes are ignored), format changes converting nothing on the real chip
// (here the time reads in the new format at once).
#pragma once
#include <cstdint>

#include "common/clock.h"
#include "devices/irq.h"
#include "mem/port_space.h"

namespace kiln::devices {

class Mc146818 final : public mem::PortDevice {
 public:
  static constexpr uint32_t kBase = 0x70, kPorts = 2;  // index, data
  static constexpr unsigned kCmosBytes = 128;
  enum Reg : uint8_t {
    kSeconds = 0x00, kSecondsAlarm = 0x01, kMinutes = 0x02, kMinutesAlarm = 0x03, kHours = 0x04,
    kHoursAlarm = 0x05, kDayOfWeek = 0x06, kDayOfMonth = 0x07, kMonth = 0x08, kYear = 0x09,
    kRegA = 0x0a, kRegB = 0x0b, kRegC = 0x0c, kRegD = 0x0d, kCentury = 0x32,
  };
  // Register A: update in progress, divider (DV, bits 6-4), rate select (RS, bits 3-0).
  static constexpr uint8_t kUip = 0x80, kDvMask = 0x70, kDvRunning = 0x20, kRsMask = 0x0f;
  // Register B.
  static constexpr uint8_t kSet = 0x80, kPie = 0x40, kAie = 0x20, kUie = 0x10, kSqwe = 0x08, kBinary = 0x04,
                           k24Hour = 0x02, kDse = 0x01;
  // Register C.
  static constexpr uint8_t kIrqf = 0x80, kPf = 0x40, kAf = 0x20, kUf = 0x10;
  static constexpr uint8_t kValidRam = 0x80;  // register D
  static constexpr uint64_t kUipNs = 244141;  // 8 cycles of the 32.768 kHz time base

  // `start_ns`: the time it shows now, in ns since 1970 of its broken-down
  // time (the seconds tick at the fraction's boundaries). Power-on state: register A 0x26 (divider running,
  // 1024 Hz rate), B 0x02 (24-hour BCD), the RAM zero.
  Mc146818(Clock& clock, IrqLine& irq, int64_t start_ns);
  ~Mc146818() override;
  Mc146818(const Mc146818&) = delete;
  Mc146818& operator=(const Mc146818&) = delete;

  mem::AccessRules rules(uint64_t) const override { return {.min_size = 1, .max_size = 1}; }
  uint64_t read(uint64_t offset, unsigned size) override;
  void write(uint64_t offset, unsigned size, uint64_t value) override;

  // The RESET pin (a system reset): PIE, AIE, UIE, SQWE and register C's flags
  // clear; the time and the RAM stay.
  void reset();
  // The board's view of the RAM (0x0E-0x7F; the century byte is the clock's).
  uint8_t cmos(unsigned index) const { return ram_[index % kCmosBytes]; }
  void set_cmos(unsigned index, uint8_t value) { ram_[index % kCmosBytes] = value; }
  bool nmi_masked() const { return nmi_masked_; }
  // The clock's time now, seconds since 1970 (tests).
  int64_t seconds();

 private:
  uint8_t read_register(unsigned index);
  void write_register(unsigned index, uint8_t value);
  bool running() const { return (reg_a_ & kDvMask) == kDvRunning; }
  bool updating() const { return running() && !(reg_b_ & kSet); }
  int64_t now() const { return int64_t(clock_.now_ns()); }
  // The divider: 32.768 kHz ticks and whole seconds since phase_ns_.
  uint64_t ticks(int64_t t) const;
  int64_t boundary(int64_t t) const;
  uint64_t period_ticks() const;
  // Brings the time and register C's flags up to now, and the IRQ line with them.
  void advance();
  bool alarm_matches(int64_t seconds) const;
  void update_irq();
  // Schedules the next event that would raise IRQ8 (none while it is raised).
  void arm();
  uint8_t to_reg(unsigned v) const;
  unsigned from_reg(uint8_t v) const;
  uint8_t encode(unsigned index, int64_t seconds) const;

  Clock& clock_;
  IrqLine& irq_;
  uint8_t ram_[kCmosBytes] = {};
  uint8_t index_ = 0;
  bool nmi_masked_ = false;
  uint8_t reg_a_ = 0x26, reg_b_ = k24Hour, flags_ = 0;  // flags_: register C's PF, AF, UF
  bool irq_level_ = false;  // IRQF: what IRQ8 is driven to
  int64_t seconds_;      // the time as of second boundary `boundary_`
  int64_t phase_ns_;     // Clock time of a second boundary (the divider's phase)
  int64_t boundary_ = 0; // the last boundary the time has counted
  uint64_t tick_ = 0;    // the last 32.768 kHz tick the periodic flag has seen
  bool timer_armed_ = false;
  Clock::TimerId timer_ = 0;
};

}  // namespace kiln::devices

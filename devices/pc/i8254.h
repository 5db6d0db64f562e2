// The PC's 8254 programmable interval timer (Intel 8254 data sheet) at ports
// 0x40-0x43, clocked at 1.193182 MHz from the machine's virtual clock, and
// the PC's port 0x61 ("port B") beside it. Three channels: 0 drives IRQ0,
// 1 (DRAM refresh) drives nothing, 2's gate is port 0x61 bit 0 and its OUT
// reads back at bit 5 (bit 4 is the refresh toggle, every 15.085 us, that
// BIOS delay loops poll). Modes 0-5, binary or BCD counts, LSB/MSB/both
// access with the read and write flip-flops, counter latch and read-back
// (count and status) commands, gates for channel 2 (modes 0/4 pause, 2/3
// restart, 1/5 trigger).
//
// Nothing counts by clock ticks: a channel remembers when its count was
// loaded (or triggered), and its count and OUT are functions of the time since.
// For IRQ0 a Clock timer is set at OUT's next rising edge; each run drives
// the line to OUT now, after a low-high pulse if OUT rose since the last run
// (a late timer coalesces edges, as the 8259A's request latch would). Not modelled: the one-clock delay between
// a count write and its load, and a new count in modes 2/3 waiting for the end
// of the current period (it restarts at once, as in QEMU).
#pragma once
#include "devices/pc/lost_ticks.h"
#include <array>
#include <cstdint>

#include "common/clock.h"
#include "devices/irq.h"
#include "mem/port_space.h"

namespace kiln::devices {

class I8254 final : public mem::PortDevice {
 public:
  static constexpr uint64_t kHz = 1'193'182;
  static constexpr uint32_t kPorts = 0x40, kPortB = 0x61;
  static constexpr uint64_t kRefreshNs = 15'085;  // half a period of port B's bit 4
  // Timers for IRQ0 no closer than this: a count of a few ticks cannot flood the host.
  static constexpr uint64_t kMinTimerNs = 10'000;
  // Periodic IRQ0 edges (modes 2 and 3) a late timer missed are owed (lost_ticks.h).
  static constexpr uint64_t kCatchupNs = lost_ticks::kCatchupNs;

  I8254(Clock& clock, IrqLine& irq0);
  ~I8254() override;
  I8254(const I8254&) = delete;
  I8254& operator=(const I8254&) = delete;

  mem::AccessRules rules(uint64_t) const override { return {.min_size = 1, .max_size = 1}; }
  uint64_t read(uint64_t offset, unsigned size) override;
  void write(uint64_t offset, unsigned size, uint64_t value) override;

  // Port 0x61 (one port).
  mem::PortDevice& port_b() { return port_b_; }
  // Channel n's OUT now.
  bool out(unsigned n) const;
  // Channel n's GATE (only channel 2's is wired: port 0x61 bit 0; 0 and 1 are tied high).
  void set_gate(unsigned n, bool level);

 private:
  struct Channel {
    unsigned mode = 0, mode_field = 0;  // the mode (6, 7 read as 2, 3), and as written (for read-back)
    bool bcd = false;
    unsigned rw = 3;        // 1: LSB only, 2: MSB only, 3: LSB then MSB
    uint16_t count = 0;     // as written (0 is 65536, or 10000 in BCD)
    bool loaded = false;    // a count was written since the control word
    bool running = false;   // counting (modes 1/5: triggered)
    bool paused = false;    // gate low (modes 0, 2, 3, 4)
    bool gate = true;
    bool null_count = true;
    uint64_t start = 0;     // the tick counting began at
    uint64_t frozen = 0;    // ticks counted before the gate paused it
    bool write_msb = false, read_msb = false;  // the flip-flops of LSB-then-MSB access
    uint8_t write_lsb = 0;
    uint16_t latch = 0;
    unsigned latch_bytes = 0;  // bytes of the latched count still to read
    bool status_latched = false;
    uint8_t status = 0;
    // IRQ0 only
    IrqLine* irq = nullptr;
    uint64_t rises_seen = 0;
    uint64_t owed = 0;  // periodic edges missed by a late timer, still to deliver
    bool timer_armed = false;
    Clock::TimerId timer = 0;
  };

  class PortB final : public mem::PortDevice {
   public:
    explicit PortB(I8254& pit) : pit_(pit) {}
    mem::AccessRules rules(uint64_t) const override { return {.min_size = 1, .max_size = 1}; }
    uint64_t read(uint64_t offset, unsigned size) override;
    void write(uint64_t offset, unsigned size, uint64_t value) override;

   private:
    I8254& pit_;
    uint8_t bits_ = 0;  // bits 0-3 as written
  };

  uint64_t now_ticks() const;
  void control(uint8_t v);
  void write_count(Channel& c, uint8_t v);
  void load(Channel& c);
  void start(Channel& c, uint64_t t);
  uint8_t read_count(Channel& c);
  // Ticks counted since the count was loaded (or triggered), pauses excluded.
  uint64_t elapsed(const Channel& c, uint64_t t) const;
  uint64_t period(const Channel& c) const;
  uint16_t current_count(const Channel& c, uint64_t t) const;
  bool out_at(const Channel& c, uint64_t t) const;
  // Rising edges of OUT within `d` ticks of the start; the tick of the next one after `d` (~0: none).
  uint64_t rises_upto(const Channel& c, uint64_t d) const;
  uint64_t next_rise(const Channel& c, uint64_t d) const;
  // IRQ0: drives the line to OUT and sets the timer for OUT's next rising
  // edge (IRQ0 is edge triggered: between edges the level matters to nobody).
  // `catchup`: the timer came to deliver an owed edge (if no edge is due).
  void update_irq(Channel& c, bool catchup = false);
  uint8_t status_of(const Channel& c, uint64_t t) const;

  Clock& clock_;
  std::array<Channel, 3> ch_;
  PortB port_b_;
};

}  // namespace kiln::devices

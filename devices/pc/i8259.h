// The PC's two 8259A programmable interrupt controllers (Intel 8259A data
// sheet; PIIX3's ELCR): the master at ports 0x20-0x21 with the slave's INT on
// its IR2, the slave at 0xA0-0xA1 (IRQ 8-15), and the edge/level control
// registers at 0x4D0-0x4D1. Each chip: ICW1-ICW4 initialisation, OCW1 (the
// mask), OCW2 (non-specific, specific and rotating EOIs, set priority),
// OCW3 (IRR/ISR reads, poll, special mask mode), auto-EOI (with rotation),
// special fully nested mode, and the spurious IR7 when a request vanished
// before the acknowledge. Inputs are edge triggered unless the ELCR says
// level (ICW1's LTIM is ignored, as on the PIIX). The master's INT drives the
// CPU's INTR; acknowledge() is the INTA cycle and returns the vector.
#pragma once
#include <array>
#include <cstdint>

#include "devices/irq.h"
#include "mem/port_space.h"

namespace kiln::devices {

class I8259Pair {
 public:
  static constexpr uint32_t kMasterPorts = 0x20, kSlavePorts = 0xa0, kElcrPorts = 0x4d0;
  static constexpr unsigned kCascadeIrq = 2;

  // `intr`: the CPU's INTR pin.
  explicit I8259Pair(IrqLine& intr);
  I8259Pair(const I8259Pair&) = delete;
  I8259Pair& operator=(const I8259Pair&) = delete;

  // The line of IRQ `n` (0-15), for devices to drive. IRQ2 is the cascade: nothing else drives it.
  IrqLine& irq(unsigned n) { return inputs_[n]; }
  // The INTA cycle: the vector of the highest-priority request, now in
  // service (or IR7's/IR15's vector if the request went away: spurious).
  uint8_t acknowledge();
  // Whether some input can still reach INTR: the master initialised, and an
  // input unmasked on it (through IR2: on the slave too). A CPU halted with
  // IF set while this is false waits for nothing.
  bool may_interrupt() const;

  // The port devices: two ports per chip, two ELCR bytes.
  mem::PortDevice& master() { return chips_[0]; }
  mem::PortDevice& slave() { return chips_[1]; }
  mem::PortDevice& elcr() { return elcr_; }

 private:
  class Chip final : public mem::PortDevice {
   public:
    Chip(I8259Pair& pair, uint8_t elcr_mask, bool master) : elcr_mask(elcr_mask), master(master), pair_(pair) {}
    mem::AccessRules rules(uint64_t) const override { return {.min_size = 1, .max_size = 1}; }
    uint64_t read(uint64_t offset, unsigned size) override;
    void write(uint64_t offset, unsigned size, uint64_t value) override;

    void set_input(unsigned line, bool level);
    // The request INT would present: the highest-priority unmasked IRR bit
    // that nothing in service of higher priority holds off; -1 if none.
    int pending() const;
    // INTA on this chip: the line taken into service, or -1 (spurious).
    int take();
    uint8_t vector(int line) const { return uint8_t((icw2 & 0xf8) | (line < 0 ? 7 : line)); }
    bool initialised() const { return init_step == 0 && icw2_done; }

    uint8_t irr = 0, isr = 0, imr = 0xff, levels = 0, elcr = 0;
    const uint8_t elcr_mask;  // the ELCR bits that exist (PIIX: not IRQ 0, 1, 2, 8, 13)
    const bool master;
    bool single = false;  // ICW1 SNGL: no cascade

   private:
    void icw1(uint8_t v);
    void ocw2(uint8_t v);
    void ocw3(uint8_t v);
    void eoi(int line, bool rotate);
    // The lines by priority, highest first: the one after `lowest`, around to it.
    int line_at(unsigned rank) const { return int((lowest + 1 + rank) & 7); }
    int highest_in_service() const;
    I8259Pair& pair_;
    uint8_t icw2 = 0;
    uint8_t lowest = 7;  // the line with the lowest priority (rotation moves it)
    unsigned init_step = 0;  // 0: initialised; 2, 3, 4: the ICW expected next
    bool icw2_done = false, need_icw4 = false, auto_eoi = false, rotate_in_aeoi = false;
    bool sfnm = false;  // special fully nested mode (master: a slave's request nests within its own)
    bool read_isr = false, poll = false, special_mask = false;
  };

  class Input final : public IrqLine {
   public:
    void set_level(bool high) override { pair->set_irq(n, high); }
    I8259Pair* pair = nullptr;
    unsigned n = 0;
  };

  class Elcr final : public mem::PortDevice {
   public:
    explicit Elcr(I8259Pair& pair) : pair_(pair) {}
    mem::AccessRules rules(uint64_t) const override { return {.min_size = 1, .max_size = 1}; }
    uint64_t read(uint64_t offset, unsigned size) override;
    void write(uint64_t offset, unsigned size, uint64_t value) override;

   private:
    I8259Pair& pair_;
  };

  void set_irq(unsigned n, bool level);
  // Recomputes the slave's INT (the master's IR2) and the master's INT (INTR).
  void update();

  std::array<Chip, 2> chips_;
  Elcr elcr_;
  std::array<Input, 16> inputs_;
  IrqLine& intr_;
  bool intr_level_ = false;
};

}  // namespace kiln::devices

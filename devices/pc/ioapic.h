// The I/O APIC (Intel 82093AA data sheet) at 0xFEC00000: IOREGSEL at 0x00
// and IOWIN at 0x10; registers ID (0), version (1: 0x20, 24 entries) and
// arbitration ID (2), and 24 redirection entries (0x10 + 2n: vector,
// delivery mode, destination mode, delivery status, polarity, remote IRR,
// trigger mode, mask; 0x11 + 2n: the destination in bits 31:24). Each pin is
// an IrqLine; an unmasked edge-triggered entry sends a message to the APIC
// bus on each asserting edge, a level-triggered one while the pin is
// asserted and no remote IRR is set (the local APIC's EOI of the vector clears it).
#pragma once
#include <array>
#include <cstdint>

#include "devices/irq.h"
#include "devices/pc/lapic.h"
#include "mem/physmap.h"

namespace kiln::devices {

class IoApic final : public mem::MmioDevice {
 public:
  static constexpr uint64_t kBase = 0xfec00000, kSize = 0x1000;
  static constexpr unsigned kPins = 24;
  static constexpr uint32_t kVersionValue = (kPins - 1) << 16 | 0x20;
  static constexpr uint32_t kMasked = 1u << 16, kRemoteIrr = 1u << 14, kLevel = 1u << 15, kActiveLow = 1u << 13;

  // Listens for the bus's EOI broadcasts.
  explicit IoApic(ApicBus& bus);
  IoApic(const IoApic&) = delete;
  IoApic& operator=(const IoApic&) = delete;

  IrqLine& pin(unsigned n) { return pins_[n]; }
  // A local APIC's EOI of a level-triggered `vector`.
  void eoi(uint8_t vector);
  void reset();
  // Whether some pin is unmasked (a halted CPU may still be woken through it).
  bool may_interrupt() const;

  // mem::MmioDevice: IOREGSEL and IOWIN are dwords (IOREGSEL's low byte may be written alone).
  mem::AccessRules rules(uint64_t) const override { return {.min_size = 1, .max_size = 4}; }
  uint64_t read(uint64_t offset, unsigned size) override;
  void write(uint64_t offset, unsigned size, uint64_t value) override;

 private:
  class Pin final : public IrqLine {
   public:
    void set_level(bool high) override { ioapic->set_pin(n, high); }
    IoApic* ioapic = nullptr;
    unsigned n = 0;
  };

  void set_pin(unsigned n, bool level);
  bool asserted(unsigned n) const { return levels_[n] != bool(redir_[n] & kActiveLow); }
  // Sends entry n's message if it is due (level: asserted, unmasked, no remote IRR).
  void service_level(unsigned n);
  void send(unsigned n);
  uint32_t read_reg(uint8_t index) const;
  void write_reg(uint8_t index, uint32_t v);

  ApicBus& bus_;
  std::array<Pin, kPins> pins_;
  std::array<bool, kPins> levels_{};
  std::array<uint64_t, kPins> redir_{};
  uint8_t select_ = 0;
  uint8_t id_ = 0;
};

}  // namespace kiln::devices

// The PIIX3 PCI-to-ISA bridge (8086:7000) at 01.0, as far as firmware sees
// it: its header (a multi-function device) and PCI interrupt routing (Intel
// 82371SB datasheet §2.2.9). A function's INTx pin reaches PIRQ[(slot + pin
// - 1) mod 4] (pin 0 = INTA#: the rotation SeaBIOS and QEMU's ACPI tables
// assume), the PIRQs are wired-OR, and PIRQRC[A-D] (0x60-0x63) route each to
// an ISA IRQ: bit 7 set disables the route (the reset value 0x80), bits 3-0
// name the IRQ (3-7, 9-12, 14, 15; the rest are reserved and route nowhere).
// An ISA IRQ is driven high while any PIRQ routed to it is asserted.
#pragma once
#include <array>
#include <cstdint>

#include "devices/irq.h"
#include "devices/pci/bus.h"
#include "devices/pci/device.h"

namespace kiln::devices::pci {

class Piix3Isa final : public Device, public IntxRouter {
 public:
  static constexpr unsigned kPirqRc = 0x60, kPirqs = 4;
  static constexpr uint8_t kRouteDisabled = 0x80;

  // `isa_irqs[n]`: the line of ISA IRQ n (each must outlive the bridge).
  explicit Piix3Isa(const std::array<IrqLine*, 16>& isa_irqs);

  void set_intx(uint8_t devfn, unsigned pin, bool level) override;
  // Which PIRQ a function's pin (0-3) reaches.
  static unsigned pirq_of(uint8_t devfn, unsigned pin) { return ((devfn >> 3) + pin - 1) & 3; }

 private:
  void config_written(unsigned offset, unsigned size) override;
  int routed_irq(unsigned pirq) const;  // the ISA IRQ PIRQ n goes to, or -1
  void drive_isa_lines();

  std::array<IrqLine*, 16> isa_irqs_;
  std::array<bool, 256 * 4> intx_{};    // each function's pins as driven
  std::array<unsigned, kPirqs> asserted_{};  // how many pins drive each PIRQ
  std::array<bool, 16> driven_{};       // each ISA line as this bridge last drove it
};

}  // namespace kiln::devices::pci

#include "devices/pci/piix3_isa.h"

namespace kiln::devices::pci {

Piix3Isa::Piix3Isa(const std::array<IrqLine*, 16>& isa_irqs) : Device({0x8086, 0x7000, 0x00, 0x060100}), isa_irqs_(isa_irqs) {
  for (unsigned i = 0; i < kPirqs; i++) {
    cfg_.set(kPirqRc + i, 1, kRouteDisabled);
    cfg_.set_writable(kPirqRc + i, 1, 0x8f);
  }
}

void Piix3Isa::set_intx(uint8_t devfn, unsigned pin, bool level) {
  bool& was = intx_[devfn * 4u + pin];
  if (was == level) return;
  was = level;
  unsigned& n = asserted_[pirq_of(devfn, pin)];
  n = level ? n + 1 : n - 1;
  drive_isa_lines();
}

int Piix3Isa::routed_irq(unsigned pirq) const {
  const uint8_t rc = uint8_t(cfg_.read(kPirqRc + pirq, 1));
  const unsigned irq = rc & 0xf;
  constexpr uint16_t kRoutable = 0xdef8;  // IRQs 3-7, 9-12, 14, 15
  return (rc & kRouteDisabled) || !(kRoutable & (1u << irq)) ? -1 : int(irq);
}

// Only lines whose level changes are driven, so a route to an IRQ never
// lowers a line this bridge did not raise.
void Piix3Isa::drive_isa_lines() {
  std::array<bool, 16> level{};
  for (unsigned p = 0; p < kPirqs; p++)
    if (int irq = routed_irq(p); irq >= 0 && asserted_[p]) level[irq] = true;
  for (unsigned irq = 0; irq < 16; irq++) {
    if (level[irq] == driven_[irq]) continue;
    driven_[irq] = level[irq];
    if (isa_irqs_[irq]) isa_irqs_[irq]->set_level(level[irq]);
  }
}

void Piix3Isa::config_written(unsigned offset, unsigned size) {
  if (touches(offset, size, kPirqRc, kPirqs)) drive_isa_lines();
}

}  // namespace kiln::devices::pci

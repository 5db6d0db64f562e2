#include "machine/pc_pci.h"

namespace kiln::machine {

namespace pci = devices::pci;

PcPci::PcPci(const pci::AddressSpaces& spaces, std::span<const uint8_t> bios, const Clock& clock,
             const std::array<devices::IrqLine*, 16>& isa_irqs, mem::PortDevice* port_cf9, std::function<void()> power_off)
    : bus_(spaces),
      config_ports_(bus_, port_cf9),
      host_(spaces, bios),
      isa_(isa_irqs),
      pm_(clock, *isa_irqs[kSciIrq], std::move(power_off)) {}

Result<std::unique_ptr<PcPci>> PcPci::create(mem::PhysMap& memory, mem::PortSpace& io, std::span<const uint8_t> bios,
                                             std::function<void(uint64_t, uint64_t)> memory_changed, const Clock& clock,
                                             const std::array<devices::IrqLine*, 16>& isa_irqs, mem::PortDevice* port_cf9,
                                             std::function<void()> power_off) {
  const pci::AddressSpaces spaces{&memory, &io, std::move(memory_changed)};
  std::unique_ptr<PcPci> p(new PcPci(spaces, bios, clock, isa_irqs, port_cf9, std::move(power_off)));
  if (Status s = p->host_.map_windows(); !s) return make_error("PCI: " + s.error());
  if (Status s = io.add("pci-config", pci::ConfigMechanism1::kBase, pci::ConfigMechanism1::kPorts, &p->config_ports_); !s)
    return make_error(s.error());
  for (auto [dev, fn] : {std::pair<pci::Device*, uint8_t>{&p->host_, pci::devfn(0, 0)}, {&p->isa_, pci::devfn(1, 0)},
                         {&p->ide_, pci::devfn(1, 1)}, {&p->pm_, pci::devfn(1, 3)}})
    if (Status s = p->bus_.add(dev, fn); !s) return make_error(s.error());
  p->bus_.set_router(&p->isa_);
  return p;
}

void PcPci::set_up_without_firmware(uint16_t pm_base, const uint8_t (&pirq_irqs)[4]) {
  for (unsigned i = 0; i < pci::Piix3Isa::kPirqs; i++) isa_.config_write(pci::Piix3Isa::kPirqRc + i, 1, pirq_irqs[i]);
  pm_.config_write(pci::Piix4Pm::kPmBase, 4, pm_base | 1u);
  pm_.config_write(pci::Piix4Pm::kPmRegMisc, 1, 1);
  constexpr uint8_t kReadWriteDram = 0x3;  // PAM0's high field: 0xF0000-0xFFFFF
  host_.config_write(pci::I440fx::kPam0, 1, kReadWriteDram << 4);
}

}  // namespace kiln::machine

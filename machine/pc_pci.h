// The `pc` board's PCI side (-M pc): bus 0 reached through configuration
// mechanism #1 at ports 0xCF8-0xCFF, with QEMU's i440FX/PIIX3 layout: the
// i440FX host bridge at 00.0 (its PAM registers own 0xC0000-0xFFFFF: shadow
// RAM or the BIOS), the PIIX3 ISA bridge at 01.0 (PCI interrupt routing),
// the PIIX3 IDE function at 01.1 and the PIIX4 PM function at 01.3; the
// board adds the VGA (02.0) and -device's PCI devices (03.0 on) through add().
#pragma once
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>

#include "common/clock.h"
#include "common/result.h"
#include "devices/irq.h"
#include "devices/pci/bus.h"
#include "devices/pci/i440fx.h"
#include "devices/pci/piix3_ide.h"
#include "devices/pci/piix3_isa.h"
#include "devices/pci/piix4_pm.h"

namespace kiln::machine {

class PcPci {
 public:
  // `bios`: the whole -bios image (its tail is what the PCI side shows below
  // 1 MiB). `memory_changed` drops TLB entries and translated code over a
  // range whose mapping changed (PAM, BARs). `clock` drives the ACPI PM timer.
  // `isa_irqs`: the ISA IRQ lines PCI interrupts are routed to (the PICs'
  // inputs). `port_cf9`: the reset control register, which sits inside the
  // configuration ports (nullptr: none). `power_off`: the guest's ACPI
  // soft-off (the PIIX4 PM's SCI is ISA IRQ 9).
  static Result<std::unique_ptr<PcPci>> create(mem::PhysMap& memory, mem::PortSpace& io, std::span<const uint8_t> bios,
                                               std::function<void(uint64_t, uint64_t)> memory_changed, const Clock& clock,
                                               const std::array<devices::IrqLine*, 16>& isa_irqs, mem::PortDevice* port_cf9,
                                               std::function<void()> power_off);
  static constexpr unsigned kSciIrq = 9;

  devices::pci::Bus& bus() { return bus_; }
  devices::pci::Piix3Ide& ide() { return ide_; }  // its bus master serves the board's IDE channels

  // What firmware would have done before a directly booted kernel runs: the
  // PM registers at `pm_base`, PIRQA-D routed to `pirq_irqs`, and
  // 0xF0000-0xFFFFF as shadow RAM (readable and writable), where the loader
  // puts the ACPI tables.
  void set_up_without_firmware(uint16_t pm_base, const uint8_t (&pirq_irqs)[4]);

  // A device the board adds (the VGA at 02.0, -device ones after it) as
  // function 0 of `slot`; the board owns it and keeps it alive as long as this.
  Status add(devices::pci::Device* dev, unsigned slot) { return bus_.add(dev, devices::pci::devfn(slot, 0)); }

 private:
  PcPci(const devices::pci::AddressSpaces& spaces, std::span<const uint8_t> bios, const Clock& clock,
        const std::array<devices::IrqLine*, 16>& isa_irqs, mem::PortDevice* port_cf9, std::function<void()> power_off);

  devices::pci::Bus bus_;
  devices::pci::ConfigMechanism1 config_ports_;
  devices::pci::I440fx host_;
  devices::pci::Piix3Isa isa_;
  devices::pci::Piix3Ide ide_;
  devices::pci::Piix4Pm pm_;
};

}  // namespace kiln::machine

// QEMU's pci-testdev as far as firmware sees it: 1B36:0005, class FF00
// (unassigned), BAR 0 (4 KiB of memory) and BAR 1 (256 I/O ports) that size
// and hold an address with nothing behind them yet (QEMU's test registers
// for guest exits are not there), and the expansion ROM from romfile=F. It
// is here to carry an option ROM of ours (roms/x86/pci_optionrom.asm) for
// the firmware's PCI ROM scan.
#pragma once
#include <cstdint>
#include <vector>

#include "devices/pci/device.h"

namespace kiln::devices::pci {

class PciTestdev final : public Device {
 public:
  static constexpr uint64_t kMemoryBarBytes = 4096;
  static constexpr uint32_t kIoBarPorts = 256;
  explicit PciTestdev(std::vector<uint8_t> rom);
};

}  // namespace kiln::devices::pci

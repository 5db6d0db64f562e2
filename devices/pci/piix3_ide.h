// The PIIX3 IDE function (8086:7010) at 01.1: configuration space only, for
// firmware's PCI scan (the ATA controller behind it comes with the disks).
// Legacy mode (programming interface 0x80: the fixed ports 0x1F0/0x170 and
// IRQs 14/15, bus-master capable), no INTx pin, the bus-master BAR 4 (16 I/O
// ports, sizing and holding an address with nothing behind it yet) and the
// IDE timing registers 0x40-0x43 (SeaBIOS sets their decode-enable bits).
#pragma once
#include "devices/pci/device.h"

namespace kiln::devices::pci {

class Piix3Ide final : public Device {
 public:
  static constexpr unsigned kBusMasterBar = 4, kBusMasterPorts = 16, kIdeTim = 0x40;
  Piix3Ide();
};

}  // namespace kiln::devices::pci

#include "devices/pci/pci_testdev.h"

namespace kiln::devices::pci {

PciTestdev::PciTestdev(std::vector<uint8_t> rom) : Device({0x1b36, 0x0005, 0x00, 0xff0000}) {
  add_memory_bar(0, kMemoryBarBytes, nullptr, false, false);
  add_io_bar(1, kIoBarPorts, nullptr);
  if (!rom.empty()) set_rom(std::move(rom));
}

}  // namespace kiln::devices::pci

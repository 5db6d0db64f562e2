#include "devices/pci/piix3_ide.h"

namespace kiln::devices::pci {

Piix3Ide::Piix3Ide() : Device({0x8086, 0x7010, 0x00, 0x010180}) {
  add_io_bar(kBusMasterBar, kBusMasterPorts, nullptr);
  cfg_.set_writable(kIdeTim, 4, 0xffffffff);  // primary and secondary IDETIM
}

}  // namespace kiln::devices::pci

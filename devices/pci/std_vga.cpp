#include "devices/pci/std_vga.h"

namespace kiln::devices::pci {

StdVga::StdVga(std::vector<uint8_t> rom) : Device({0x1234, 0x1111, 0x02, 0x030000}) {
  add_ram_bar(kFramebufferBar, Vga::kVramBytes, vga_.vram(), true);
  add_memory_bar(kMmioBar, kMmioBytes, &mmio_, false, false);
  if (!rom.empty()) set_rom(std::move(rom));
}

// The VGA ports by byte (wider accesses: one port per byte, as the port bus
// splits them); the DISPI registers by 16-bit word (a byte reads or writes
// the register's whole value, as QEMU's). Elsewhere: reads 0, writes dropped.
uint64_t StdVga::Mmio::read(uint64_t offset, unsigned size) {
  if (offset >= kMmioVgaPorts && offset + size <= kMmioVgaPorts + 0x20) {
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++) v |= uint64_t(vga.read_port(uint32_t(0x3c0 + offset - kMmioVgaPorts + i))) << (8 * i);
    return v;
  }
  if (offset >= kMmioDispi && offset < kMmioDispi + 2 * Vga::kDispiRegs && size <= 2) {
    vga.write_dispi(0, uint16_t((offset - kMmioDispi) / 2));
    return vga.read_dispi(1);
  }
  return 0;
}

void StdVga::Mmio::write(uint64_t offset, unsigned size, uint64_t value) {
  if (offset >= kMmioVgaPorts && offset + size <= kMmioVgaPorts + 0x20) {
    for (unsigned i = 0; i < size; i++) vga.write_port(uint32_t(0x3c0 + offset - kMmioVgaPorts + i), uint8_t(value >> (8 * i)));
    return;
  }
  if (offset >= kMmioDispi && offset < kMmioDispi + 2 * Vga::kDispiRegs && size <= 2) {
    vga.write_dispi(0, uint16_t((offset - kMmioDispi) / 2));
    vga.write_dispi(1, uint16_t(value));
  }
}

}  // namespace kiln::devices::pci

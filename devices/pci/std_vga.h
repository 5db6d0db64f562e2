// QEMU's standard VGA as a PCI function ("-vga std", "-device VGA"):
// 1234:1111, class 0300 (VGA-compatible display), with the VGA core of
// devices/pc/vga.h behind its legacy ports and memory window (which decode
// at their fixed addresses, as a PC's VGA does, whatever the BARs say), BAR 0
// the linear framebuffer (all 16 MiB of video memory, prefetchable), BAR 2
// QEMU's 4 KiB MMIO block (0x400-0x41F: the VGA ports 0x3C0-0x3DF; 0x500-
// 0x515: the DISPI registers, 16-bit, index n at 0x500 + 2n; bochs-drm uses
// it, SeaVGABIOS does not), and the VGA BIOS as its expansion ROM.
#pragma once
#include <cstdint>
#include <vector>

#include "devices/pc/vga.h"
#include "devices/pci/device.h"

namespace kiln::devices::pci {

class StdVga final : public Device {
 public:
  static constexpr unsigned kFramebufferBar = 0, kMmioBar = 2;
  static constexpr uint64_t kMmioBytes = 4096;
  static constexpr uint64_t kMmioVgaPorts = 0x400, kMmioDispi = 0x500;

  // `rom`: the VGA BIOS image (empty: no expansion ROM).
  explicit StdVga(std::vector<uint8_t> rom);

  Vga& vga() { return vga_; }

 private:
  struct Mmio final : mem::MmioDevice {
    explicit Mmio(Vga& v) : vga(v) {}
    mem::AccessRules rules(uint64_t) const override { return {.min_size = 1, .max_size = 4}; }
    uint64_t read(uint64_t offset, unsigned size) override;
    void write(uint64_t offset, unsigned size, uint64_t value) override;
    Vga& vga;
  };
  Vga vga_;
  Mmio mmio_{vga_};
};

}  // namespace kiln::devices::pci

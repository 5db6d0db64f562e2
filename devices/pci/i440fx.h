// The i440FX host bridge (PMC, 8086:1237) at 00.0, as far as firmware sees
// it: its configuration header, the PAM registers and SMRAM (Intel 82441FX
// datasheet §3.2). PAM0-PAM6 (0x59-0x5F) decide, per segment of 0xC0000-
// 0xFFFFF (twelve of 16 KiB up to 0xEFFFF, and 0xF0000-0xFFFFF as one), where
// reads and writes go: bit 0 of a segment's field sends reads to DRAM (else
// to the PCI side), bit 1 writes (else to the PCI side, where ROM ignores
// them). The PCI side shows the BIOS image's last 128 KiB at the top of
// 1 MiB and all ones below it (no option ROM lives there); DRAM is shadow RAM
// of the bridge's own, zero at power-on. Reset leaves every segment on the
// PCI side, so the CPU's first fetches find the BIOS; SeaBIOS copies itself
// into shadow RAM and write-protects it with PAM. SMRAM (0x72) keeps its bits
// and its lock (D_LCK freezes the register and closes D_OPEN); the CPU has no
// SMM, so it changes no mapping: 0xA0000-0xBFFFF stays RAM until a VGA device
// claims the window.
#pragma once
#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "common/result.h"
#include "devices/pci/device.h"

namespace kiln::devices::pci {

class I440fx final : public Device {
 public:
  static constexpr uint64_t kShadowBase = 0xc0000, kShadowBytes = 0x40000;
  static constexpr unsigned kPam0 = 0x59, kPamRegs = 7, kSmram = 0x72;
  static constexpr unsigned kSegments = 13;  // PAM0's high field, then PAM1-PAM6's two each
  static constexpr uint8_t kSmramDOpen = 0x40, kSmramDLock = 0x10;

  // `bios_tail`: the image's last bytes (128 KiB at most), shown at the top of
  // 1 MiB on the PCI side.
  I440fx(AddressSpaces spaces, std::span<const uint8_t> bios_tail);
  // Puts the segments' windows into the physical map (at reset: PCI side).
  Status map_windows();

  // Where segment i starts and how long it is (0: 0xF0000, 64 KiB; 1-12:
  // 0xC0000 upwards in 16 KiB steps).
  static uint64_t segment_base(unsigned i) { return i == 0 ? 0xf0000 : kShadowBase + (i - 1) * 0x4000; }
  static uint64_t segment_bytes(unsigned i) { return i == 0 ? 0x10000 : 0x4000; }
  // The segment's two-bit field: bit 0 reads DRAM, bit 1 writes DRAM.
  uint8_t segment_mode(unsigned i) const;

 private:
  void config_written(unsigned offset, unsigned size) override;
  void point_segment(unsigned i);
  static std::string window_name(unsigned i);

  AddressSpaces spaces_;
  std::vector<uint8_t> shadow_ram_, pci_side_;
  std::array<uint8_t, kSegments> applied_{};  // each segment's mode as mapped now
};

}  // namespace kiln::devices::pci

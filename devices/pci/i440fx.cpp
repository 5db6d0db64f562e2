#include "devices/pci/i440fx.h"

#include <algorithm>
#include <cstdio>

namespace kiln::devices::pci {

I440fx::I440fx(AddressSpaces spaces, std::span<const uint8_t> bios_tail)
    : Device({0x8086, 0x1237, 0x02, 0x060000}),
      spaces_(std::move(spaces)),
      shadow_ram_(kShadowBytes, 0),
      pci_side_(kShadowBytes, 0xff) {
  const size_t n = std::min<size_t>(bios_tail.size(), 0x20000);
  std::copy(bios_tail.end() - n, bios_tail.end(), pci_side_.end() - n);
  cfg_.set_writable(kPam0, 1, 0x30);
  for (unsigned r = kPam0 + 1; r < kPam0 + kPamRegs; r++) cfg_.set_writable(r, 1, 0x33);
  cfg_.set(kSmram, 1, 0x02);  // C_BASE_SEG: the window at 0xA0000, read-only
  cfg_.set_writable(kSmram, 1, 0x78);
}

std::string I440fx::window_name(unsigned i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "pam %05llx", (unsigned long long)segment_base(i));
  return buf;
}

uint8_t I440fx::segment_mode(unsigned i) const {
  if (i == 0) return (cfg_.read(kPam0, 1) >> 4) & 3;
  const uint8_t pam = uint8_t(cfg_.read(kPam0 + 1 + (i - 1) / 2, 1));
  return ((i - 1) % 2 ? pam >> 4 : pam) & 3;
}

Status I440fx::map_windows() {
  for (unsigned i = 0; i < kSegments; i++) {
    uint8_t* pci = pci_side_.data() + (segment_base(i) - kShadowBase);
    if (Status s = spaces_.memory->add_window(window_name(i), segment_base(i), segment_bytes(i), pci, nullptr); !s)
      return s;
  }
  return {};
}

void I440fx::point_segment(unsigned i) {
  const uint8_t mode = segment_mode(i);
  if (mode == applied_[i]) return;
  applied_[i] = mode;
  const uint64_t at = segment_base(i) - kShadowBase;
  uint8_t* ram = shadow_ram_.data() + at;
  uint8_t* pci = pci_side_.data() + at;
  (void)spaces_.memory->retarget_window(window_name(i), mode & 1 ? ram : pci, mode & 2 ? ram : nullptr);
  if (spaces_.memory_changed) spaces_.memory_changed(segment_base(i), segment_bytes(i));
}

void I440fx::config_written(unsigned offset, unsigned size) {
  if (touches(offset, size, kPam0, kPamRegs))
    for (unsigned i = 0; i < kSegments; i++) point_segment(i);
  if (touches(offset, size, kSmram) && (cfg_.read(kSmram, 1) & kSmramDLock)) {
    cfg_.set(kSmram, 1, cfg_.read(kSmram, 1) & ~kSmramDOpen);
    cfg_.set_writable(kSmram, 1, 0);
  }
}

}  // namespace kiln::devices::pci

#include "devices/pci/config_space.h"

namespace kiln::devices::pci {

uint32_t ConfigSpace::gather(const std::array<uint8_t, kConfigBytes>& a, unsigned offset, unsigned size) {
  uint32_t v = 0;
  for (unsigned i = 0; i < size && offset + i < kConfigBytes; i++) v |= uint32_t(a[offset + i]) << (8 * i);
  return v;
}

void ConfigSpace::scatter(std::array<uint8_t, kConfigBytes>& a, unsigned offset, unsigned size, uint32_t value) {
  for (unsigned i = 0; i < size && offset + i < kConfigBytes; i++) a[offset + i] = uint8_t(value >> (8 * i));
}

uint32_t ConfigSpace::read(unsigned offset, unsigned size) const { return gather(bytes_, offset, size); }

void ConfigSpace::write(unsigned offset, unsigned size, uint32_t value) {
  for (unsigned i = 0; i < size && offset + i < kConfigBytes; i++) {
    const unsigned at = offset + i;
    const uint8_t v = uint8_t(value >> (8 * i));
    uint8_t b = uint8_t((bytes_[at] & ~writable_[at]) | (v & writable_[at]));
    bytes_[at] = uint8_t(b & ~(v & write1_clear_[at]));
  }
}

void ConfigSpace::set(unsigned offset, unsigned size, uint32_t value) { scatter(bytes_, offset, size, value); }
void ConfigSpace::set_writable(unsigned offset, unsigned size, uint32_t mask) { scatter(writable_, offset, size, mask); }
void ConfigSpace::set_write1_clear(unsigned offset, unsigned size, uint32_t mask) {
  scatter(write1_clear_, offset, size, mask);
}
uint32_t ConfigSpace::writable(unsigned offset, unsigned size) const { return gather(writable_, offset, size); }

}  // namespace kiln::devices::pci

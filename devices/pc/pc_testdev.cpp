#include "devices/pc/pc_testdev.h"

namespace kiln::devices {

PcTestdev::PcTestdev(std::array<IrqLine*, kIrqLines> irqs) : irq_(irqs) {}

// Bytes offset.. of the register; an access running past byte 3 sees only the bytes up to it.
uint64_t PcTestdev::Data::read(uint64_t offset, unsigned size) {
  const unsigned shift = 8 * unsigned(offset & 3);
  const uint64_t mask = size >= 4 ? 0xffffffffull : (1ull << (8 * size)) - 1;
  return (reg_ >> shift) & mask;
}

void PcTestdev::Data::write(uint64_t offset, unsigned size, uint64_t value) {
  const unsigned shift = 8 * unsigned(offset & 3);
  const uint64_t mask = (size >= 4 ? 0xffffffffull : (1ull << (8 * size)) - 1) << shift;
  reg_ = uint32_t((reg_ & ~mask) | ((value << shift) & mask));
}

void PcTestdev::Irq::write(uint64_t offset, unsigned, uint64_t value) {
  if (offset < lines_.size() && lines_[offset]) lines_[offset]->set_level((value & 0xff) != 0);
}

uint64_t PcTestdev::Iomem::read(uint64_t offset, unsigned size) {
  uint64_t v = 0;
  for (unsigned i = 0; i < size && offset + i < bytes_.size(); i++) v |= uint64_t(bytes_[offset + i]) << (8 * i);
  return v;
}

void PcTestdev::Iomem::write(uint64_t offset, unsigned size, uint64_t value) {
  for (unsigned i = 0; i < size && offset + i < bytes_.size(); i++) bytes_[offset + i] = uint8_t(value >> (8 * i));
}

}  // namespace kiln::devices

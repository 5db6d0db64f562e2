#include "devices/pci/device.h"

#include <cstdio>

#include "devices/pci/bus.h"

namespace kiln::devices::pci {

namespace {
constexpr uint64_t kUnmapped = ~0ull;
constexpr uint64_t k4GiB = 1ull << 32;
constexpr unsigned kBarCount = 6;
constexpr uint32_t kBarIo = 0x1, kBarMem64 = 0x4, kBarPrefetch = 0x8;
constexpr uint32_t kRomEnable = 0x1, kRomAddressMask = 0xfffff800;
constexpr uint64_t kMinRomBytes = 4096;

uint64_t pow2_at_least(uint64_t n, uint64_t floor) {
  uint64_t p = floor;
  while (p < n) p <<= 1;
  return p;
}
}  // namespace

Device::Device(const Ids& ids) {
  cfg_.set(reg::kVendorId, 2, ids.vendor);
  cfg_.set(reg::kDeviceId, 2, ids.device);
  cfg_.set(reg::kRevision, 1, ids.revision);
  cfg_.set(reg::kProgIf, 1, ids.class_code & 0xff);
  cfg_.set(reg::kClass, 2, ids.class_code >> 8);
  cfg_.set_writable(reg::kCommand, 2, cmd::kIo | cmd::kMemory | cmd::kMaster | cmd::kParity | cmd::kSerr | cmd::kIntxDisable);
  cfg_.set_write1_clear(reg::kStatus, 2, status::kErrors);
  cfg_.set_writable(reg::kCacheLineSize, 1, 0xff);
  cfg_.set_writable(reg::kLatencyTimer, 1, 0xff);
  cfg_.set_writable(reg::kInterruptLine, 1, 0xff);
}

void Device::attach(Bus* bus, uint8_t devfn) {
  bus_ = bus;
  devfn_ = devfn;
  char buf[32];
  std::snprintf(buf, sizeof buf, "pci 00:%02x.%x", devfn >> 3, devfn & 7);
  name_ = buf;
}

const AddressSpaces& Device::spaces() const { return bus_->spaces(); }

void Device::add_io_bar(unsigned index, uint32_t size, mem::PortDevice* target) {
  bars_[index] = {BarKind::Io, size, target, nullptr, false, 0};
  cfg_.set(reg::kBar0 + 4 * index, 4, kBarIo);
  cfg_.set_writable(reg::kBar0 + 4 * index, 4, ~(size - 1) & ~3u);
}

void Device::add_memory_bar(unsigned index, uint64_t size, mem::MmioDevice* target, bool is64, bool prefetchable) {
  const unsigned at = reg::kBar0 + 4 * index;
  bars_[index] = {is64 ? BarKind::Memory64 : BarKind::Memory32, size, target, nullptr, false, 0};
  cfg_.set(at, 4, (is64 ? kBarMem64 : 0) | (prefetchable ? kBarPrefetch : 0));
  const uint64_t mask = ~(size - 1);
  cfg_.set_writable(at, 4, uint32_t(mask) & ~0xfu);
  if (is64) cfg_.set_writable(at + 4, 4, uint32_t(mask >> 32));
}

void Device::add_ram_bar(unsigned index, uint64_t size, uint8_t* memory, bool prefetchable) {
  add_memory_bar(index, size, nullptr, false, prefetchable);
  bars_[index].memory = memory;
}

void Device::set_rom(std::vector<uint8_t> image) {
  rom_ = std::move(image);
  rom_.resize(pow2_at_least(rom_.size(), kMinRomBytes), 0xff);
  cfg_.set_writable(reg::kRomBar, 4, (~uint32_t(rom_.size() - 1) & kRomAddressMask) | kRomEnable);
}

void Device::set_interrupt_pin(uint8_t pin) { cfg_.set(reg::kInterruptPin, 1, pin); }

void Device::config_write(unsigned offset, unsigned size, uint32_t value) {
  cfg_.write(offset, size, value);
  if (touches(offset, size, reg::kCommand, 2) || touches(offset, size, reg::kBar0, 4 * kBarCount) ||
      touches(offset, size, reg::kRomBar, 4))
    update_mappings();
  if (touches(offset, size, reg::kCommand, 2)) update_intx();
  config_written(offset, size);
}

// QEMU's rules (pci_bar_address): no decoding while the command register
// disables it; address 0 and any range reaching the top of the BAR's address
// space (where sizing's all ones put it) are not mapped.
uint64_t Device::bar_address(unsigned index) const {
  const Bar& b = bars_[index];
  const uint16_t command = uint16_t(cfg_.read(reg::kCommand, 2));
  const uint32_t low = cfg_.read(reg::kBar0 + 4 * index, 4);
  if (b.kind == BarKind::Io) {
    const uint64_t base = low & ~uint32_t(b.size - 1) & ~3u;
    return (command & cmd::kIo) && base != 0 && base + b.size <= mem::PortSpace::kPorts ? base : kUnmapped;
  }
  if (!(command & cmd::kMemory)) return kUnmapped;
  uint64_t base = low & ~0xfull;
  if (b.kind == BarKind::Memory64) base |= uint64_t(cfg_.read(reg::kBar0 + 4 * index + 4, 4)) << 32;
  base &= ~(b.size - 1);
  const uint64_t limit = b.kind == BarKind::Memory64 ? kUnmapped : k4GiB - 1;
  return base != 0 && base + b.size - 1 > base && base + b.size - 1 < limit ? base : kUnmapped;
}

void Device::update_mappings() {
  for (unsigned i = 0; i < kBarCount; i++) {
    Bar& b = bars_[i];
    if (b.kind == BarKind::None || (!b.target && !b.memory)) continue;
    const uint64_t want = bar_address(i);
    if (b.mapped && b.base != want) unmap_bar(i);
    if (!b.mapped && want != kUnmapped) map_bar(i, want);
  }
  if (rom_.empty()) return;
  const uint32_t rom_bar = cfg_.read(reg::kRomBar, 4);
  const uint64_t base = rom_bar & kRomAddressMask & ~uint32_t(rom_.size() - 1);
  const bool on = (cfg_.read(reg::kCommand, 2) & cmd::kMemory) && (rom_bar & kRomEnable) && base != 0 &&
                  base + rom_.size() - 1 < k4GiB - 1;
  const uint64_t want = on ? base : kUnmapped;
  if (rom_mapped_ && rom_base_ != want) unmap_rom();
  if (!rom_mapped_ && want != kUnmapped) map_rom(want);
}

// A BAR the maps refuse (over another device's range, a ROM over RAM) stays
// unmapped, as a decode conflict a guest made; it never stops the board.
void Device::map_bar(unsigned index, uint64_t base) {
  Bar& b = bars_[index];
  const AddressSpaces& as = bus_->spaces();
  const std::string region = name_ + " bar" + std::to_string(index);
  if (b.kind == BarKind::Io) {
    b.mapped = as.io && as.io->add(region, uint32_t(base), uint32_t(b.size), b.target);
  } else if (b.memory) {
    b.mapped = as.memory && as.memory->add_window(region, base, b.size, b.memory, b.memory);
    if (b.mapped && as.memory_changed) as.memory_changed(base, b.size);
  } else {
    b.mapped = as.memory && as.memory->add_mmio(region, base, b.size, b.target);
    if (b.mapped && as.memory_changed) as.memory_changed(base, b.size);
  }
  b.base = base;
}

void Device::unmap_bar(unsigned index) {
  Bar& b = bars_[index];
  const AddressSpaces& as = bus_->spaces();
  if (b.kind == BarKind::Io) {
    (void)as.io->remove(uint32_t(b.base), b.target);
  } else {
    (void)as.memory->remove(name_ + " bar" + std::to_string(index), b.base);
    if (as.memory_changed) as.memory_changed(b.base, b.size);
  }
  b.mapped = false;
}

void Device::map_rom(uint64_t base) {
  const AddressSpaces& as = bus_->spaces();
  rom_mapped_ = as.memory && as.memory->add_window(name_ + " rom", base, rom_.size(), rom_.data(), nullptr);
  rom_base_ = base;
  if (rom_mapped_ && as.memory_changed) as.memory_changed(base, rom_.size());
}

void Device::unmap_rom() {
  const AddressSpaces& as = bus_->spaces();
  (void)as.memory->remove(name_ + " rom", rom_base_);
  if (as.memory_changed) as.memory_changed(rom_base_, rom_.size());
  rom_mapped_ = false;
}

void Device::set_intx(bool level) {
  intx_level_ = level;
  update_intx();
}

void Device::update_intx() {
  const uint16_t st = uint16_t(cfg_.read(reg::kStatus, 2));
  cfg_.set(reg::kStatus, 2, intx_level_ ? st | status::kInterrupt : st & ~status::kInterrupt);
  const uint8_t pin = uint8_t(cfg_.read(reg::kInterruptPin, 1));
  const bool out = intx_level_ && pin >= 1 && pin <= 4 && !(cfg_.read(reg::kCommand, 2) & cmd::kIntxDisable);
  if (out == intx_out_) return;
  intx_out_ = out;
  if (bus_) bus_->set_intx(devfn_, pin - 1, out);
}

}  // namespace kiln::devices::pci

#include "devices/pci/bus.h"

namespace kiln::devices::pci {

Status Bus::add(Device* dev, uint8_t fn) {
  if (functions_[fn]) return make_error(dev->name() + ": PCI function " + std::to_string(fn) + " is taken");
  functions_[fn] = dev;
  dev->attach(this, fn);
  const uint8_t first = fn & ~7u;
  bool others = false;
  for (unsigned f = first + 1u; f < first + 8u; f++) others |= functions_[f] != nullptr;  // unsigned: slot 31 ends at 256
  if (others && functions_[first]) functions_[first]->mark_multifunction();
  return {};
}

uint32_t Bus::config_read(uint8_t fn, unsigned offset, unsigned size) const {
  const Device* d = functions_[fn];
  return d ? d->config_read(offset, size) : 0xffffffffu >> (32 - 8 * size);
}

void Bus::config_write(uint8_t fn, unsigned offset, unsigned size, uint32_t value) {
  if (Device* d = functions_[fn]) d->config_write(offset, size, value);
}

mem::AccessRules ConfigMechanism1::rules(uint64_t offset) const {
  if (offset == 1 && port_cf9_) {  // a byte there is 0xCF9's (a dword at 0xCF8 is checked at offset 0)
    mem::AccessRules r = port_cf9_->rules(0);
    r.min_size = r.max_size = 1;
    return r;
  }
  if (offset < 4) return {.min_size = 4, .max_size = 4};
  return {.min_size = 1, .max_size = 4};
}

// The address register keeps the enable bit, bus, device, function and the
// dword's register number; its reserved bits 30-24 and 1-0 read as 0.
uint64_t ConfigMechanism1::read(uint64_t offset, unsigned size) {
  if (offset == 1 && size == 1) return port_cf9_->read(0, 1);
  if (offset < 4) return address_;
  if (!selects_bus0()) return 0xffffffffu >> (32 - 8 * size);
  return bus_.config_read(uint8_t(address_ >> 8), (address_ & 0xfc) + unsigned(offset - 4), size);
}

void ConfigMechanism1::write(uint64_t offset, unsigned size, uint64_t value) {
  if (offset == 1 && size == 1) return port_cf9_->write(0, 1, value);
  if (offset < 4) {
    address_ = uint32_t(value) & 0x80fffffc;
    return;
  }
  if (selects_bus0()) bus_.config_write(uint8_t(address_ >> 8), (address_ & 0xfc) + unsigned(offset - 4), size, uint32_t(value));
}

}  // namespace kiln::devices::pci

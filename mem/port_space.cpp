// The x86 I/O port space (mem/port_space.h).
#include "mem/port_space.h"

#include <cstdio>

namespace kiln::mem {

namespace {
std::string hex(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%x", v);
  return buf;
}
}  // namespace

Status PortSpace::add(const std::string& name, uint32_t base, uint32_t count, PortDevice* dev) {
  if (count == 0 || base >= kPorts || count > kPorts - base)
    return make_error(name + ": ports " + hex(base) + " to " + hex(base + count - 1) + " are outside the port space (0 to 0xffff)");
  for (const Range& r : ranges_)
    if (base < r.base + r.count && r.base < base + count)
      return make_error(name + ": ports " + hex(base) + " to " + hex(base + count - 1) + " overlap " + r.name + " (" +
                        hex(r.base) + " to " + hex(r.base + r.count - 1) + ")");
  ranges_.push_back({name, base, count, dev});
  return {};
}

Status PortSpace::remove(uint32_t base, PortDevice* dev) {
  for (auto it = ranges_.begin(); it != ranges_.end(); ++it)
    if (it->base == base && it->dev == dev) {
      ranges_.erase(it);
      return {};
    }
  return make_error("no device claims ports from " + hex(base));
}

const PortSpace::Range* PortSpace::find(uint32_t port) const {
  for (const Range& r : ranges_)
    if (port >= r.base && port - r.base < r.count) return &r;
  return nullptr;
}

const PortSpace::Range* PortSpace::whole(uint32_t port, unsigned size) const {
  const Range* r = find(port);
  if (!r || size > r->count - (port - r->base)) return nullptr;
  return r->dev->rules(port - r->base).allows(port - r->base, size) ? r : nullptr;
}

uint32_t PortSpace::read(uint32_t port, unsigned size) {
  if (const Range* r = whole(port, size)) return uint32_t(r->dev->read(port - r->base, size));
  uint32_t value = 0;
  for (unsigned i = 0; i < size; i++) {
    const Range* r = whole(port + i, 1);
    uint32_t byte = r ? uint32_t(r->dev->read(port + i - r->base, 1)) & 0xff : 0xff;
    value |= byte << (8 * i);
  }
  return value;
}

void PortSpace::write(uint32_t port, unsigned size, uint32_t value) {
  if (const Range* r = whole(port, size)) return r->dev->write(port - r->base, size, value);
  for (unsigned i = 0; i < size; i++)
    if (const Range* r = whole(port + i, 1)) r->dev->write(port + i - r->base, 1, (value >> (8 * i)) & 0xff);
}

bool PortSpace::write_may_stop(uint32_t port, unsigned size) const {
  if (const Range* r = whole(port, size)) return r->dev->rules(port - r->base).write_may_stop;
  for (unsigned i = 0; i < size; i++)
    if (const Range* r = find(port + i); r && r->dev->rules(port + i - r->base).write_may_stop) return true;
  return false;
}

}  // namespace kiln::mem

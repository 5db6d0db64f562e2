#include "mem/physmap.h"

#include <sys/mman.h>

#include <cinttypes>
#include <cstdio>
#include <cstring>

namespace kiln::mem {

PhysMap::~PhysMap() {
  for (auto& r : regions_)
    if (r->host && r->owns_host) munmap(r->host, r->size);
}

Status PhysMap::check_overlap(uint64_t base, uint64_t size, bool mmio) const {
  if (size == 0 || base + size < base) return make_error("region '" + std::to_string(base) + "' has a bad size");
  for (auto& r : regions_) {
    bool r_mmio = r->kind == RegionKind::Mmio;
    if (mmio != r_mmio) continue;  // MMIO may overlay RAM; like kinds may not overlap
    if (base < r->base + r->size && r->base < base + size) return make_error("region overlaps '" + r->name + "'");
  }
  return {};
}

static uint8_t* map_host(uint64_t size) {
  void* p = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  return p == MAP_FAILED ? nullptr : static_cast<uint8_t*>(p);
}

Status PhysMap::add_ram(const std::string& name, uint64_t base, uint64_t size) {
  if ((base | size) & (kPageSize - 1)) return make_error("RAM '" + name + "' is not page-aligned");
  if (Status s = check_overlap(base, size, false); !s) return s;
  uint8_t* host = map_host(size);
  if (!host) return make_error("cannot allocate " + std::to_string(size >> 20) + " MiB of guest RAM");
  auto r = std::make_unique<Region>();
  *r = Region{name, base, size, RegionKind::Ram, host, nullptr, std::vector<bool>((size + kPageSize - 1) >> kPageBits)};
  r->under_mmio = overlaps_mmio(base, size);
  regions_.push_back(std::move(r));
  return {};
}

Status PhysMap::add_rom(const std::string& name, uint64_t base, const void* data, uint64_t size) {
  if (Status s = check_overlap(base, size, false); !s) return s;
  uint64_t mapped = (size + kPageSize - 1) & kPageMask;
  uint8_t* host = map_host(mapped);
  if (!host) return make_error("cannot allocate ROM '" + name + "'");
  std::memcpy(host, data, size);
  auto r = std::make_unique<Region>();
  *r = Region{name, base, mapped, RegionKind::Rom, host, nullptr, std::vector<bool>(mapped >> kPageBits)};
  r->under_mmio = overlaps_mmio(base, mapped);
  regions_.push_back(std::move(r));
  return {};
}

Status PhysMap::add_mmio(const std::string& name, uint64_t base, uint64_t size, MmioDevice* dev) {
  if (Status s = check_overlap(base, size, true); !s) return s;
  auto r = std::make_unique<Region>();
  *r = Region{name, base, size, RegionKind::Mmio, nullptr, dev, {}};
  for (auto& below : regions_)
    if (below->kind != RegionKind::Mmio && base < below->base + below->size && below->base < base + size)
      below->under_mmio = true;
  // MMIO first, so find() sees overlays before the RAM beneath them.
  regions_.insert(regions_.begin(), std::move(r));
  return {};
}

namespace {
void point_window(Region& r, uint8_t* read, uint8_t* write) {
  r.host = read;
  r.kind = read == write ? RegionKind::Ram : RegionKind::Rom;
  r.write_host = read == write ? nullptr : write;
}
}  // namespace

Status PhysMap::add_window(const std::string& name, uint64_t base, uint64_t size, uint8_t* read, uint8_t* write) {
  if ((base | size) & (kPageSize - 1)) return make_error("window '" + name + "' is not page-aligned");
  if (!read) return make_error("window '" + name + "' has no memory to read");
  if (Status s = check_overlap(base, size, false); !s) return s;
  auto r = std::make_unique<Region>();
  *r = Region{name, base, size, RegionKind::Ram, nullptr, nullptr, std::vector<bool>(size >> kPageBits)};
  r->owns_host = false;
  point_window(*r, read, write);
  r->under_mmio = overlaps_mmio(base, size);
  regions_.push_back(std::move(r));
  return {};
}

Status PhysMap::retarget_window(const std::string& name, uint8_t* read, uint8_t* write) {
  for (auto& r : regions_)
    if (r->name == name && r->kind != RegionKind::Mmio && !r->owns_host) {
      if (!read) return make_error("window '" + name + "' has no memory to read");
      point_window(*r, read, write);
      return {};
    }
  return make_error("no window '" + name + "'");
}

Status PhysMap::remove(const std::string& name, uint64_t base) {
  for (auto it = regions_.begin(); it != regions_.end(); ++it) {
    const Region& gone = **it;
    if ((gone.kind != RegionKind::Mmio && gone.owns_host) || gone.name != name || gone.base != base) continue;
    regions_.erase(it);
    for (auto& r : regions_)
      if (r->kind != RegionKind::Mmio) r->under_mmio = overlaps_mmio(r->base, r->size);
    return {};
  }
  return make_error("no MMIO region or window '" + name + "'");
}

namespace {
class OpenBus final : public MmioDevice {
 public:
  AccessRules rules(uint64_t) const override { return {.min_size = 1, .max_size = 8, .unaligned = true, .atomics = true}; }
  uint64_t read(uint64_t, unsigned size) override { return size == 8 ? ~0ull : (1ull << (8 * size)) - 1; }
  void write(uint64_t, unsigned, uint64_t) override {}
};
}  // namespace

void PhysMap::set_open_bus(bool on) {
  if (!on) {
    open_bus_.reset();
    return;
  }
  open_bus_device_ = std::make_unique<OpenBus>();
  open_bus_ = std::make_unique<Region>();
  *open_bus_ = Region{"open bus", 0, ~0ull, RegionKind::Mmio, nullptr, open_bus_device_.get(), {}};
}

const Region* PhysMap::find(uint64_t pa) const {
  for (auto& r : regions_)
    if (r->contains(pa)) return r.get();
  return open_bus_.get();
}
Region* PhysMap::find(uint64_t pa) {
  return const_cast<Region*>(static_cast<const PhysMap*>(this)->find(pa));
}

bool PhysMap::page_has_mmio(uint64_t pa) const {
  uint64_t page = pa & kPageMask;
  for (auto& r : regions_)
    if (r->kind == RegionKind::Mmio && r->base < page + kPageSize && page < r->base + r->size) return true;
  return false;
}

bool PhysMap::overlaps_mmio(uint64_t pa, uint64_t len) const {
  for (auto& r : regions_) {
    if (r->kind != RegionKind::Mmio) break;  // MMIO regions come first
    if (pa < r->base + r->size && r->base < pa + len) return true;
  }
  return false;
}

uint8_t* PhysMap::host_ptr(uint64_t pa, uint64_t len) {
  Region* r = find(pa);
  if (!r || !r->host || len > r->size - (pa - r->base)) return nullptr;
  if (r->under_mmio && overlaps_mmio(pa, len)) return nullptr;  // spike's HTIF words inside RAM
  return r->host + (pa - r->base);
}

uint8_t* PhysMap::ram_ptr(uint64_t pa, uint64_t len) {
  const Region* r = find(pa);
  return r && r->kind == RegionKind::Ram ? host_ptr(pa, len) : nullptr;
}

bool PhysMap::write(uint64_t pa, const void* src, uint64_t len) {
  uint8_t* p = ram_ptr(pa, len);
  if (!p && len) return false;
  if (len) std::memcpy(p, src, len);
  return true;
}

bool PhysMap::read(uint64_t pa, void* dst, uint64_t len) {
  uint8_t* p = host_ptr(pa, len);
  if (!p && len) return false;
  if (len) std::memcpy(dst, p, len);
  return true;
}

bool PhysMap::is_code_page(uint64_t pa) const {
  const Region* r = find(pa);
  return r && r->kind != RegionKind::Mmio && r->code_pages[(pa - r->base) >> kPageBits];
}

void PhysMap::set_code_page(uint64_t pa, bool has_code) {
  Region* r = find(pa);
  if (r && r->kind != RegionKind::Mmio) r->code_pages[(pa - r->base) >> kPageBits] = has_code;
}

}  // namespace kiln::mem

// The guest's physical address space: RAM, ROM and MMIO regions, and which RAM
// pages hold translated code (for self-modifying-code detection). MMIO regions
// take precedence over RAM where they overlap (the spike board's HTIF words sit
// inside RAM). Guest RAM is one host mapping per region; nothing outside a
// region's bounds is ever reachable from a guest address.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"

namespace kiln::mem {

constexpr unsigned kPageBits = 12;
constexpr uint64_t kPageSize = 1ull << kPageBits;
constexpr uint64_t kPageMask = ~(kPageSize - 1);

// A memory-mapped device. Accesses arrive with the offset inside the region and
// a size of 1, 2, 4 or 8 bytes that the device declared acceptable.
class MmioDevice {
 public:
  virtual ~MmioDevice() = default;
  virtual uint64_t read(uint64_t offset, unsigned size) = 0;
  virtual void write(uint64_t offset, unsigned size, uint64_t value) = 0;
};

enum class RegionKind : uint8_t { Ram, Rom, Mmio };

struct Region {
  std::string name;
  uint64_t base = 0;
  uint64_t size = 0;
  RegionKind kind = RegionKind::Ram;
  uint8_t* host = nullptr;      // RAM/ROM backing
  MmioDevice* device = nullptr; // MMIO
  std::vector<bool> code_pages; // RAM/ROM: page holds translated code
  bool contains(uint64_t pa) const { return pa >= base && pa - base < size; }
};

class PhysMap {
 public:
  PhysMap() = default;
  ~PhysMap();
  PhysMap(const PhysMap&) = delete;
  PhysMap& operator=(const PhysMap&) = delete;

  Status add_ram(const std::string& name, uint64_t base, uint64_t size);
  Status add_rom(const std::string& name, uint64_t base, const void* data, uint64_t size);
  Status add_mmio(const std::string& name, uint64_t base, uint64_t size, MmioDevice* dev);

  // The region holding `pa` (MMIO first), or nullptr.
  const Region* find(uint64_t pa) const;
  Region* find(uint64_t pa);
  // True if any MMIO region intersects the page holding `pa`.
  bool page_has_mmio(uint64_t pa) const;
  // Host pointer to `len` bytes of RAM/ROM at `pa` within one region, or nullptr.
  uint8_t* host_ptr(uint64_t pa, uint64_t len);

  // Whole-buffer copies for loaders and DMA; false if any byte is not RAM/ROM.
  bool write(uint64_t pa, const void* src, uint64_t len);
  bool read(uint64_t pa, void* dst, uint64_t len);

  // Code-page tracking (RAM/ROM pages only; other addresses are ignored).
  bool is_code_page(uint64_t pa) const;
  void set_code_page(uint64_t pa, bool has_code);

  const std::vector<std::unique_ptr<Region>>& regions() const { return regions_; }

 private:
  Status check_overlap(uint64_t base, uint64_t size, bool mmio) const;
  std::vector<std::unique_ptr<Region>> regions_;
};

}  // namespace kiln::mem

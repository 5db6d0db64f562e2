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

// The accesses a device accepts, as QEMU's MemoryRegionOps.valid states them.
// Any other access never reaches the device: the CPU raises its
// architecture's access fault instead (RISC-V: load access fault 5,
// store/AMO access fault 7, tval = the address), and so does an access that
// runs past the end of the device's region.
struct AccessRules {
  unsigned min_size = 1, max_size = 8;  // bytes
  bool unaligned = false;  // accesses that are not naturally aligned
  bool atomics = false;    // AMOs (each a read, then a write, of the same bytes)
  // A write may power off, reset or end the run. The CPU performs such a
  // store as an instruction of its own (see MemContext::single_insn), so that
  // nothing after it runs once the write has asked to stop.
  bool write_may_stop = false;

  bool allows(uint64_t offset, unsigned size) const {
    return size >= min_size && size <= max_size && (unaligned || (offset & (size - 1)) == 0);
  }
};

// A memory-mapped device. Accesses arrive with the offset inside the region,
// wholly inside it, and of a size (1, 2, 4 or 8 bytes) and alignment that
// rules(offset) accepts.
class MmioDevice {
 public:
  virtual ~MmioDevice() = default;
  // What may be done at `offset` (most devices: the same everywhere).
  virtual AccessRules rules(uint64_t offset) const = 0;
  virtual uint64_t read(uint64_t offset, unsigned size) = 0;
  virtual void write(uint64_t offset, unsigned size, uint64_t value) = 0;
};

enum class RegionKind : uint8_t { Ram, Rom, Mmio };

struct Region {
  std::string name;
  uint64_t base = 0;
  uint64_t size = 0;
  RegionKind kind = RegionKind::Ram;
  uint8_t* host = nullptr;      // RAM/ROM backing (what reads see)
  MmioDevice* device = nullptr; // MMIO
  std::vector<bool> code_pages; // RAM/ROM: page holds translated code
  bool under_mmio = false;      // RAM/ROM: some MMIO region lies over part of it
  // ROM only: where writes go instead of being ignored (a window whose reads
  // and writes reach different memory: PAM's write-only shadow RAM). Such
  // writes always take the slow path.
  uint8_t* write_host = nullptr;
  bool owns_host = true;        // false for a window onto memory the board owns
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
  // A window onto host memory the caller owns and keeps alive while it is
  // mapped (the PC's shadow RAM and BIOS copy below 1 MiB): reads come from
  // `read`; writes go to the same memory (RAM), to `write` through the slow
  // path (another buffer), or nowhere (nullptr: ROM).
  Status add_window(const std::string& name, uint64_t base, uint64_t size, uint8_t* read, uint8_t* write);
  // Points window `name` at other memory, as add_window. TLB entries and
  // translated code over it are stale now: the caller drops them.
  Status retarget_window(const std::string& name, uint8_t* read, uint8_t* write);
  // Removes the MMIO region or window `name` at `base` (a PCI BAR or ROM
  // being moved or disabled); the caller drops TLB entries over it.
  Status remove(const std::string& name, uint64_t base);

  // With the open bus on, an address no region claims is served by a device
  // that reads all ones and ignores writes (a PC: nothing answers, the bus
  // floats high), so find() never fails; otherwise such accesses fault.
  void set_open_bus(bool on);

  // The region holding `pa` (MMIO first), or nullptr.
  const Region* find(uint64_t pa) const;
  Region* find(uint64_t pa);
  // True if any MMIO region intersects the page holding `pa`.
  bool page_has_mmio(uint64_t pa) const;
  // True if any MMIO region intersects [pa, pa + len).
  bool overlaps_mmio(uint64_t pa, uint64_t len) const;
  // Host pointer to the `len` bytes at `pa` if they all lie in one RAM or ROM
  // region with no MMIO over any of them, else nullptr.
  uint8_t* host_ptr(uint64_t pa, uint64_t len);
  // The same for RAM only: the memory a device may write.
  uint8_t* ram_ptr(uint64_t pa, uint64_t len);

  // Whole-buffer copies for loaders, page walks and device DMA. A write
  // reaches RAM only (never ROM or a device), a read RAM or ROM; false, and
  // nothing copied, if any byte is elsewhere.
  bool write(uint64_t pa, const void* src, uint64_t len);
  bool read(uint64_t pa, void* dst, uint64_t len);

  // Code-page tracking (RAM/ROM pages only; other addresses are ignored).
  bool is_code_page(uint64_t pa) const;
  void set_code_page(uint64_t pa, bool has_code);

  const std::vector<std::unique_ptr<Region>>& regions() const { return regions_; }

 private:
  Status check_overlap(uint64_t base, uint64_t size, bool mmio) const;
  std::vector<std::unique_ptr<Region>> regions_;
  std::unique_ptr<MmioDevice> open_bus_device_;
  std::unique_ptr<Region> open_bus_;  // all of the address space, behind every region
};

}  // namespace kiln::mem

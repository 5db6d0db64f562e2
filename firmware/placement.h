// A board's placement table: every piece it puts into guest memory before the
// first instruction (firmware, kernel segments, initrd, device tree, boot info
// blocks) is recorded here before it is written. A piece that overlaps one
// already placed, or that is not wholly inside one of the board's memories, is
// one error naming both (as QEMU's "rom: requested regions overlap" does), so
// a kernel can never silently overwrite the firmware or a device tree land
// outside RAM. All arithmetic is overflow-safe: sizes come from files.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"

namespace kiln::firmware {

class Placement {
 public:
  struct Range {
    std::string name;
    uint64_t base = 0, size = 0;
  };

  // A memory pieces may be placed in ("guest RAM", or a ROM the board fills).
  void add_memory(const std::string& name, uint64_t base, uint64_t size);
  // Records `name` at [base, base + size); an error if it is empty, wraps
  // around the address space, lies outside every memory or overlaps a piece
  // already placed.
  Status add(const std::string& name, uint64_t base, uint64_t size);
  const std::vector<Range>& placed() const { return placed_; }

 private:
  std::vector<Range> memories_, placed_;
};

// "[0x80000000-0x8001ffff]": a range as the errors show it (inclusive end).
std::string describe_range(uint64_t base, uint64_t size);
// "0x80000000".
std::string hex(uint64_t v);

}  // namespace kiln::firmware

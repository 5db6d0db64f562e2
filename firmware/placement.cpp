#include "firmware/placement.h"

#include <cinttypes>
#include <cstdio>

namespace kiln::firmware {

namespace {
// True if [base, base + size) lies inside [mbase, mbase + msize); no sum is formed.
bool inside(uint64_t base, uint64_t size, uint64_t mbase, uint64_t msize) {
  return base >= mbase && base - mbase <= msize && size <= msize - (base - mbase);
}
// Both ranges are non-empty and do not wrap, so their last bytes are representable.
bool overlaps(uint64_t a, uint64_t asize, uint64_t b, uint64_t bsize) {
  return a <= b + (bsize - 1) && b <= a + (asize - 1);
}
}  // namespace

std::string hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%" PRIx64, v);
  return buf;
}

std::string describe_range(uint64_t base, uint64_t size) {
  uint64_t last = size ? base + (size - 1) : base;  // wraps only for ranges that are refused anyway
  return "[" + hex(base) + "-" + hex(last) + "]";
}

void Placement::add_memory(const std::string& name, uint64_t base, uint64_t size) {
  memories_.push_back({name, base, size});
}

Status Placement::add(const std::string& name, uint64_t base, uint64_t size) {
  if (size == 0) return make_error(name + " is empty");
  if (size - 1 > ~0ull - base)
    return make_error(name + " at " + hex(base) + " (" + hex(size) + " bytes) wraps around the address space");
  bool in_memory = false;
  for (const Range& m : memories_) in_memory |= inside(base, size, m.base, m.size);
  if (!in_memory) {
    std::string where;
    for (const Range& m : memories_) where += (where.empty() ? "" : " or ") + m.name + " " + describe_range(m.base, m.size);
    return make_error(name + " " + describe_range(base, size) + " lies outside " + (where.empty() ? "guest memory" : where));
  }
  for (const Range& p : placed_)
    if (overlaps(base, size, p.base, p.size))
      return make_error(name + " " + describe_range(base, size) + " overlaps " + p.name + " " + describe_range(p.base, p.size));
  placed_.push_back({name, base, size});
  return {};
}

}  // namespace kiln::firmware

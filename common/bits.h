// Small bit-manipulation helpers shared by every layer (sign extension, field
// extraction, masks). constexpr so decode tables can use them at compile time.
#pragma once
#include <cstdint>

namespace kiln {

constexpr uint64_t bits(uint64_t v, unsigned hi, unsigned lo) {
  return (v >> lo) & ((hi - lo + 1 >= 64) ? ~0ull : ((1ull << (hi - lo + 1)) - 1));
}
constexpr uint64_t bit(uint64_t v, unsigned n) { return (v >> n) & 1; }
constexpr int64_t sext(uint64_t v, unsigned width) {
  return width >= 64 ? int64_t(v) : int64_t(v << (64 - width)) >> (64 - width);
}
constexpr uint64_t mask_of_width(unsigned width) {
  return width >= 64 ? ~0ull : (1ull << width) - 1;
}

}  // namespace kiln

// firmware::Placement: a board's boot pieces may not overlap each other or lie
// outside its memories, and no size taken from a file can wrap the arithmetic
// into looking valid. Every refusal names both regions involved.
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <utility>
#include <vector>

#include "firmware/placement.h"

using namespace kiln;

namespace {

constexpr uint64_t kRam = 0x80000000, kRamSize = 2ull << 20;

firmware::Placement board() {
  firmware::Placement p;
  p.add_memory("guest RAM", kRam, kRamSize);
  p.add_memory("mrom", 0x1000, 0xf000);
  return p;
}


}  // namespace

TEST_CASE("pieces that fit and do not overlap are placed", "[placement]") {
  firmware::Placement p = board();
  REQUIRE(p.add("fw_dynamic info", 0x1000, 48));
  REQUIRE(p.add("firmware", kRam, 0x20000));
  REQUIRE(p.add("kernel", kRam + 0x20000, 0x1000));      // touching, not overlapping
  REQUIRE(p.add("device tree", kRam + kRamSize - 0x1000, 0x1000));  // ends exactly at the end of RAM
  CHECK(p.placed().size() == 4);
}

TEST_CASE("an overlap names both pieces", "[placement]") {
  firmware::Placement p = board();
  REQUIRE(p.add("firmware 'fw.bin'", kRam, 0x20000));
  Status s = p.add("kernel 'k.elf' segment 0", kRam + 0x1f000, 0x2000);
  REQUIRE_FALSE(s);
  CHECK_THAT(s.error(), Catch::Contains("kernel 'k.elf' segment 0 [0x8001f000-0x80020fff] overlaps firmware 'fw.bin' [0x80000000-0x8001ffff]"));
  SECTION("one inside the other") { CHECK_FALSE(p.add("dt", kRam + 0x100, 1)); }
  SECTION("one around the other") { CHECK_FALSE(p.add("dt", kRam, kRamSize)); }
  SECTION("the last byte") { CHECK_FALSE(p.add("dt", kRam + 0x1ffff, 1)); }
  CHECK(p.placed().size() == 1);
}

TEST_CASE("a piece outside every memory is refused", "[placement]") {
  firmware::Placement p = board();
  SECTION("below RAM") {
    Status s = p.add("device tree", kRam - 0x1000, 0x100);
    REQUIRE_FALSE(s);
    CHECK_THAT(s.error(), Catch::Contains("device tree [0x7ffff000-0x7ffff0ff] lies outside guest RAM [0x80000000-0x801fffff] or mrom"));
  }
  SECTION("running off the end of RAM") { CHECK_FALSE(p.add("kernel", kRam + kRamSize - 0x10, 0x11)); }
  SECTION("straddling two memories' gap") { CHECK_FALSE(p.add("kernel", 0x1000, kRam)); }
  SECTION("empty") { CHECK_THAT(p.add("initrd", kRam, 0).error(), Catch::Contains("initrd is empty")); }
}

TEST_CASE("sizes from files cannot wrap into a fit", "[placement]") {
  firmware::Placement p = board();
  // An Image header's image_size of 2^64-1 at DRAM + 2 MiB: base + size wraps below the base.
  Status s = p.add("kernel 'Image'", kRam + 0x200000, ~0ull);
  REQUIRE_FALSE(s);
  CHECK_THAT(s.error(), Catch::Contains("wraps"));
  CHECK_FALSE(p.add("kernel", kRam, ~0ull - kRam + 2));  // ends at 2^64 + 1
  CHECK_FALSE(p.add("kernel", ~0ull, 2));
  CHECK_FALSE(p.add("kernel", kRam, ~0ull - kRam + 1));  // ends exactly at 2^64: outside RAM, no wrap
  CHECK(p.placed().empty());
  // A piece placed at the very top of the address space does not wrap the overlap test.
  firmware::Placement top;
  top.add_memory("top", ~0ull - 0xfff, 0x1000);
  REQUIRE(top.add("a", ~0ull - 0xfff, 0x800));
  REQUIRE(top.add("b", ~0ull - 0x7ff, 0x800));
  CHECK_FALSE(top.add("c", ~0ull, 1));
}

TEST_CASE("placement agrees with 128-bit arithmetic on random ranges", "[placement][fuzz]") {
  // Bases and sizes near the edges of the address space, where 64-bit sums wrap.
  std::mt19937_64 rng(0x706c6163);  // "plac"
  auto pick = [&]() -> uint64_t {
    static const uint64_t edges[] = {0, 1, 0x1000, kRam, kRam + kRamSize, ~0ull, ~0ull - 0xfff, 1ull << 63};
    uint64_t e = edges[rng() % 8];
    return rng() % 3 == 0 ? rng() : e + (rng() % 0x3000) - 0x1800;
  };
  using u128 = unsigned __int128;
  unsigned placed = 0;
  for (int round = 0; round < 200; round++) {
    firmware::Placement p = board();
    std::vector<std::pair<u128, u128>> model;  // [base, end) of what was placed
    for (int i = 0; i < 20; i++) {
      uint64_t base = pick(), size = rng() % 2 ? pick() : rng() % 0x4000;
      u128 end = u128(base) + size;
      bool fits = size != 0 && ((base >= kRam && end <= u128(kRam) + kRamSize) || (base >= 0x1000 && end <= 0x10000));
      for (auto& m : model) fits = fits && (end <= m.first || m.second <= base);
      INFO("base " << base << " size " << size);
      CHECK(bool(p.add("x", base, size)) == fits);
      if (fits) model.push_back({base, end});
      placed += fits;
    }
  }
  CHECK(placed > 100);  // the edges are hit, not only refusals
}

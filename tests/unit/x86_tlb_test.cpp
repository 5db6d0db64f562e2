// INVLPG and the softTLB (cpu/x86/state.h): an address inside a large page the
// TLB may hold flushes everything (its slots do not say which page size filled
// them); any other address flushes only its 4 KiB page, so a kernel's
// large-page direct map does not turn every INVLPG of a user page into a full
// flush (the amd64 Debian kernel's boot did 70000 of them).
#include <catch2/catch.hpp>

#include "cpu/x86/cpu.h"
#include "mem/physmap.h"
#include "mem/tlb.h"

using namespace kiln;
using namespace kiln::x86;

TEST_CASE("x86 large-page ranges: nearby pages widen a range, distant ones start another", "[x86][tlb]") {
  LargePageRanges r;
  CHECK(!r.covers(0));
  r.add(0xc0000000, 4 << 20);
  r.add(0xc0400000, 4 << 20);  // touches the first: the same range
  CHECK(r.count == 1);
  CHECK(r.covers(0xc07fffff));
  CHECK(!r.covers(0xc0800000));
  CHECK(!r.covers(0xbfffffff));
  r.add(0x00400000, 4 << 20);
  CHECK(r.count == 2);
  CHECK(!r.covers(0x00800000));
  for (uint64_t i = 0; i < LargePageRanges::kRanges; i++) r.add(0x10000000 * (i + 4), 2 << 20);
  CHECK(r.count == LargePageRanges::kRanges);  // full: later pages widen the nearest range
  for (uint64_t i = 0; i < LargePageRanges::kRanges; i++) CHECK(r.covers(0x10000000 * (i + 4)));
  CHECK(r.covers(0xc0000000));
  CHECK(r.covers(0x00400000));
  r.clear();
  CHECK(!r.covers(0xc0000000));
}

TEST_CASE("x86 INVLPG: a full flush only inside a cached large page", "[x86][tlb]") {
  // 32-bit paging with PSE: 0xc0000000 is a 4 MiB page over physical 0, 0x08000000 a 4 KiB page.
  mem::PhysMap map;
  REQUIRE(map.add_ram("ram", 0, 16 << 20));
  const uint32_t pd = 0x100000, pt = 0x101000;
  const uint32_t pde_large = 0x00000000 | 0x80 | 0x7, pde_table = pt | 0x7, pte = 0x200000 | 0x7;
  REQUIRE(map.write(pd + (0xc0000000 >> 22) * 4, &pde_large, 4));
  REQUIRE(map.write(pd + (0x08000000 >> 22) * 4, &pde_table, 4));
  REQUIRE(map.write(pt + ((0x08000000 >> 12) & 0x3ff) * 4, &pte, 4));
  X86Cpu cpu(map, Model::Pentium3);
  X86State& s = cpu.s();
  s.cr0 |= cr0::PE | cr0::PG;
  s.cr4 |= cr4::PSE;
  s.cr3 = pd;
  flush_all_translations(s);
  uint64_t v = 0;
  for (uint64_t va : {0xc0001000ull, 0x08000000ull}) REQUIRE(mem::load(s.mem, va, 4, kMmuSuper, false, &v));
  const mem::MemContext::FlushCounts before = s.mem.flush_counts;
  flush_page_translation(s, 0x08000000);  // a 4 KiB page: its entry alone
  CHECK(s.mem.flush_counts.page == before.page + 1);
  CHECK(s.mem.flush_counts.full == before.full);
  CHECK(mem::tlb_entry(s.mem, kMmuSuper, 0xc0001000).addr_read == 0xc0001000);  // the large page's entry stays
  flush_page_translation(s, 0xc03ff000);  // inside the large page: everything
  CHECK(s.mem.flush_counts.full == before.full + 1);
  CHECK(mem::tlb_entry(s.mem, kMmuSuper, 0xc0001000).addr_read != 0xc0001000);
}

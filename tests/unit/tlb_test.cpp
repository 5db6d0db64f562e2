// The softTLB's fill log: flushing and code-page protection visit only the
// entries filled since the last flush, and when that log overflows (an entry
// filled again counts again), one full scan logs the valid entries anew.
// Global entries surviving flush_non_global, and flush_page.
#include <catch2/catch.hpp>

#include <memory>

#include "mem/physmap.h"
#include "mem/tlb.h"

using namespace kiln;

namespace {

constexpr uint64_t kRam = 0x80000000;
constexpr uint64_t kRamSize = 1 << 20;

// Every virtual page maps to the RAM page at the same offset modulo the RAM size.
struct AliasTranslator : mem::Translator {
  unsigned prot = mem::kProtRead | mem::kProtWrite | mem::kProtExec;  // what every page may cache
  bool translate(uint64_t va, unsigned, mem::AccessType, unsigned, uint64_t* pa, unsigned* p) override {
    *pa = kRam + (va & (kRamSize - 1));
    *p = prot;
    return true;
  }
  void raise_fault(uint64_t, mem::AccessType, mem::FaultKind) override {}
};

struct CountingWatcher : mem::CodeWatcher {
  unsigned writes = 0;
  void code_written(uint64_t, unsigned) override { writes++; }
};

// The virtual address of the n-th page that shares softTLB index `index` (each refills it).
uint64_t conflicting_va(unsigned index, unsigned n) {
  return (uint64_t(n) * mem::kTlbEntries + index) * mem::kPageSize;
}

bool writes_fast(mem::MemContext& m, uint64_t va) {
  mem::TlbEntry& e = mem::tlb_entry(m, 0, va);
  return (e.addr_write & ~mem::kPageMask) == 0 && (e.addr_write & mem::kPageMask) == (va & mem::kPageMask);
}

// 1 MiB of RAM behind the alias translator, and an empty softTLB.
struct Fixture {
  mem::PhysMap map;
  AliasTranslator translator;
  std::unique_ptr<mem::MemContext> m = std::make_unique<mem::MemContext>();
  Fixture() {
    REQUIRE(map.add_ram("ram", kRam, kRamSize));
    m->map = &map;
    m->translator = &translator;
    m->flush_tlb();
  }
};

}  // namespace

TEST_CASE("softTLB: code-page protection after the fill log overflowed", "[mem][tlb]") {
  Fixture f;
  mem::MemContext* m = f.m.get();
  REQUIRE(m->fill_count == 0);

  // Eight entries, each refilled until the log overflows.
  const unsigned rounds = mem::kTlbFillLog / 8 + 2;
  for (unsigned n = 0; n < rounds; n++)
    for (unsigned index = 0; index < 8; index++)
      REQUIRE(mem::store_slow(*m, conflicting_va(index, n), 8, 0, false, n));
  REQUIRE(m->fill_count > mem::kTlbFillLog);
  const unsigned last = rounds - 1;
  for (unsigned index = 0; index < 8; index++) REQUIRE(writes_fast(*m, conflicting_va(index, last)));

  // The page entry 0 maps becomes code: found by the full scan, which logs the eight valid entries.
  uint64_t pa0 = kRam + (conflicting_va(0, last) & (kRamSize - 1));
  m->protect_code_page(pa0);
  CHECK_FALSE(writes_fast(*m, conflicting_va(0, last)));
  CHECK(m->fill_count == 8);
  for (unsigned index = 1; index < 8; index++) CHECK(writes_fast(*m, conflicting_va(index, last)));

  // Filled before that scan, entry 5 is still found through the log.
  uint64_t pa5 = kRam + (conflicting_va(5, last) & (kRamSize - 1));
  m->protect_code_page(pa5);
  CHECK_FALSE(writes_fast(*m, conflicting_va(5, last)));
  CHECK(writes_fast(*m, conflicting_va(4, last)));

  // A flush through the log empties every entry.
  m->flush_tlb();
  for (unsigned index = 0; index < 8; index++) {
    const mem::TlbEntry& e = mem::tlb_entry(*m, 0, conflicting_va(index, last));
    CHECK_FALSE(e.filled());
  }
}

// The fast path compares the page and the access's low alignment bits with
// the tag in one go; no misaligned access may match a tag's flag bits.
TEST_CASE("softTLB: a misaligned access never matches a flagged tag", "[mem][tlb]") {
  Fixture f;
  mem::PhysMap& map = f.map;
  AliasTranslator& translator = f.translator;
  mem::MemContext* m = f.m.get();

  SECTION("an entry without write access, at virtual page 0") {
    translator.prot = mem::kProtRead;  // cached for reads only: the write tag is invalid
    uint64_t v;
    REQUIRE(mem::load_slow(*m, 0, 8, 0, false, &v));
    uint64_t misses = m->tlb_misses;
    for (unsigned size : {4u, 8u}) {
      REQUIRE(mem::store(*m, 3, size, 0, false, 0x55));  // low bits 3: the old invalid tag
      CHECK(m->tlb_misses == ++misses);                  // went the slow way
    }
  }
  SECTION("a code page, stored to 4 bytes into a doubleword") {
    CountingWatcher watcher;
    m->code_watcher = &watcher;
    const uint64_t va = 0x5000;
    REQUIRE(mem::store_slow(*m, va, 8, 0, false, 1));
    map.find(kRam)->code_pages[(va & (kRamSize - 1)) >> mem::kPageBits] = true;
    m->protect_code_page(kRam + (va & (kRamSize - 1)));
    REQUIRE(mem::store(*m, va + 4, 8, 0, false, 2));  // low bits 4: the old code flag
    CHECK(watcher.writes == 1);
  }
}

TEST_CASE("softTLB: flush_non_global keeps global entries that still hold their translation; flush_page drops one page", "[mem][tlb]") {
  Fixture f;
  mem::MemContext* m = f.m.get();
  auto cached = [&](unsigned mode, uint64_t va) { return mem::tlb_entry(*m, mode, va).addr_read == (va & mem::kPageMask); };
  uint64_t v;
  const uint64_t global = 0x10000, local = 0x11000, refilled = 0x12000, coded = 0x13000;
  f.translator.prot = mem::kProtRead | mem::kProtWrite | mem::kProtGlobal;
  for (uint64_t va : {global, refilled, coded}) REQUIRE(mem::load_slow(*m, va, 4, 1, false, &v));
  f.translator.prot = mem::kProtRead | mem::kProtWrite;
  REQUIRE(mem::load_slow(*m, local, 4, 1, false, &v));
  REQUIRE(mem::load_slow(*m, refilled + mem::kTlbEntries * mem::kPageSize, 4, 1, false, &v));  // same slot, not global
  m->protect_code_page(kRam + coded);  // the code bit on the write tag does not stop it being kept
  const uint64_t gen = m->generation;
  m->flush_non_global();
  CHECK(m->generation != gen);
  CHECK(cached(1, global));
  CHECK(cached(1, coded));
  CHECK_FALSE(cached(1, local));
  CHECK_FALSE(cached(1, refilled));
  // The kept entries are logged again: the next full flush clears them.
  m->flush_non_global();
  CHECK(cached(1, global));
  m->flush_tlb();
  CHECK_FALSE(cached(1, global));
  CHECK(m->global_count == 0);

  // flush_page: one page in every mode, the others stay.
  for (unsigned mode : {1u, 2u}) {
    REQUIRE(mem::load_slow(*m, global, 4, mode, false, &v));
    REQUIRE(mem::load_slow(*m, local, 4, mode, false, &v));
  }
  m->flush_page(global + 0x123);
  for (unsigned mode : {1u, 2u}) {
    CHECK_FALSE(cached(mode, global));
    CHECK(cached(mode, local));
  }
}

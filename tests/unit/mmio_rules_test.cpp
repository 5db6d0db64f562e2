// The physical map keeps every access inside the rules: the softTLB slow path
// gives a device only the accesses its AccessRules accept, wholly inside its
// region, and raises an access fault (tval = the address) for the rest;
// misaligned accesses that cross into a device fault before touching
// anything; a store to a device whose writes may stop the CPU is abandoned
// until its instruction runs alone; and PhysMap's copies (loaders, page walks,
// device DMA) write RAM only and never read or write through a device.
#include <catch2/catch.hpp>

#include <vector>

#include "mem/physmap.h"
#include "mem/tlb.h"
#include "tests/unit/test_cpu.h"

using namespace kiln;

namespace {

constexpr uint64_t kDev = 0x10000000, kDevSize = 0x100;
constexpr uint64_t kLowRam = 0x10001000;   // one page of RAM, then a device on the next page
constexpr uint64_t kNextDev = 0x10002000;
constexpr uint64_t kWord = test::kRamBase + 0x100;  // an 8-byte device lying on RAM (as HTIF's words do)
constexpr uint64_t kRom = 0x1000;

struct Access {
  bool write;
  uint64_t offset;
  unsigned size;
};

class RecordingDevice : public mem::MmioDevice {
 public:
  mem::AccessRules r;
  std::vector<Access> log;
  mem::AccessRules rules(uint64_t) const override { return r; }
  uint64_t read(uint64_t offset, unsigned size) override {
    log.push_back({false, offset, size});
    return 0x1122334455667788ull;
  }
  void write(uint64_t offset, unsigned size, uint64_t) override { log.push_back({true, offset, size}); }
};

struct Rig {
  test::TestMachine m;
  RecordingDevice dev, next, word;
  mem::MemContext& mc = m.st->mem;

  Rig() {
    REQUIRE(m.map.add_mmio("dev", kDev, kDevSize, &dev));
    REQUIRE(m.map.add_ram("low", kLowRam, mem::kPageSize));
    REQUIRE(m.map.add_mmio("next", kNextDev, 0x1000, &next));
    REQUIRE(m.map.add_mmio("word", kWord, 8, &word));
    std::vector<uint8_t> rom(mem::kPageSize, 0xab);
    REQUIRE(m.map.add_rom("rom", kRom, rom.data(), rom.size()));
  }
  bool load(uint64_t va, unsigned size, uint64_t* v) { return mem::load(mc, va, size, 0, false, v); }
  bool store(uint64_t va, unsigned size, uint64_t v) { return mem::store(mc, va, size, 0, false, v); }
  void expect_fault(mem::AccessType type, uint64_t tval) {
    CHECK(m.tr.faults == 1);
    CHECK(m.tr.fault_kind == mem::FaultKind::Access);
    CHECK(m.tr.fault_type == type);
    CHECK(m.tr.fault_va == tval);
  }
};

}  // namespace

TEST_CASE("mmio rules: accepted accesses reach the device", "[mem][rules]") {
  Rig r;
  r.dev.r = {.min_size = 1, .max_size = 8};
  uint64_t v = 0;
  CHECK(r.load(kDev + 8, 8, &v));
  CHECK(v == 0x1122334455667788ull);
  CHECK(r.store(kDev + 0xfc, 4, 1));
  CHECK(r.load(kDev + 0xff, 1, &v));
  REQUIRE(r.dev.log.size() == 3);
  CHECK(r.dev.log[1].write);
  CHECK(r.dev.log[1].offset == 0xfc);
  CHECK(r.dev.log[2].offset == 0xff);
  CHECK(r.m.tr.faults == 0);
}

TEST_CASE("mmio rules: a size the device does not accept is an access fault", "[mem][rules]") {
  Rig r;
  r.dev.r = {.min_size = 4, .max_size = 4};
  uint64_t v = 0;
  SECTION("load too narrow") {
    CHECK_FALSE(r.load(kDev + 4, 1, &v));
    r.expect_fault(mem::AccessType::Read, kDev + 4);
  }
  SECTION("load too wide") {
    CHECK_FALSE(r.load(kDev + 8, 8, &v));
    r.expect_fault(mem::AccessType::Read, kDev + 8);
  }
  SECTION("store too narrow") {
    CHECK_FALSE(r.store(kDev + 6, 2, 0));
    r.expect_fault(mem::AccessType::Write, kDev + 6);
  }
  CHECK(r.dev.log.empty());
}

TEST_CASE("mmio rules: misaligned accesses fault unless the device allows them", "[mem][rules]") {
  Rig r;
  uint64_t v = 0;
  SECTION("aligned only") {
    CHECK_FALSE(r.load(kDev + 2, 4, &v));
    r.expect_fault(mem::AccessType::Read, kDev + 2);
    CHECK(r.dev.log.empty());
  }
  SECTION("unaligned allowed") {
    r.dev.r.unaligned = true;
    CHECK(r.store(kDev + 3, 4, 0));
    CHECK(r.dev.log.size() == 1);
  }
}

TEST_CASE("mmio rules: an access running past the region's end faults", "[mem][rules]") {
  Rig r;
  r.dev.r.unaligned = true;  // so that only the end stops it
  uint64_t v = 0;
  SECTION("load") {
    CHECK_FALSE(r.load(kDev + 0xfc, 8, &v));  // the 'ld at UART + 0xfc' of a 0x100-byte window
    r.expect_fault(mem::AccessType::Read, kDev + 0xfc);
  }
  SECTION("store") {
    CHECK_FALSE(r.store(kDev + 0xfe, 4, 0));
    r.expect_fault(mem::AccessType::Write, kDev + 0xfe);
  }
  CHECK(r.dev.log.empty());
}

TEST_CASE("mmio rules: a misaligned access crossing from RAM into a device faults, touching nothing",
          "[mem][rules]") {
  Rig r;
  r.next.r = {.min_size = 1, .max_size = 8, .unaligned = true};
  uint64_t v = 0;
  uint64_t before = 0x0102030405060708ull, after = 0;
  REQUIRE(r.m.map.write(kNextDev - 8, &before, 8));
  SECTION("load") {
    CHECK_FALSE(r.load(kNextDev - 4, 8, &v));
    r.expect_fault(mem::AccessType::Read, kNextDev);  // the second page's first byte
  }
  SECTION("store") {
    CHECK_FALSE(r.store(kNextDev - 4, 8, ~0ull));
    r.expect_fault(mem::AccessType::Write, kNextDev);
  }
  CHECK(r.next.log.empty());
  REQUIRE(r.m.map.read(kNextDev - 8, &after, 8));
  CHECK(after == before);
}

TEST_CASE("mmio rules: RAM under a device is not reached around it", "[mem][rules]") {
  Rig r;
  uint64_t v = 0;
  CHECK(r.load(kWord - 8, 8, &v));  // the RAM before it
  CHECK(r.load(kWord + 8, 8, &v));  // and after it
  CHECK(r.m.tr.faults == 0);
  SECTION("a misaligned load overlapping it") {
    CHECK_FALSE(r.load(kWord - 4, 8, &v));
    r.expect_fault(mem::AccessType::Read, kWord - 4);
  }
  SECTION("a misaligned store overlapping it") {
    CHECK_FALSE(r.store(kWord + 4, 8, 0));
    r.expect_fault(mem::AccessType::Write, kWord + 4);
  }
  CHECK(r.word.log.empty());
}

TEST_CASE("mmio rules: AMOs reach only devices that accept atomics", "[mem][rules]") {
  Rig r;
  SECTION("refused") {
    CHECK_FALSE(mem::probe_write(r.mc, kDev, 4, 0));
    r.expect_fault(mem::AccessType::Write, kDev);
  }
  SECTION("accepted") {
    r.dev.r = {.min_size = 4, .max_size = 4, .atomics = true};
    CHECK(mem::probe_write(r.mc, kDev, 4, 0));
    CHECK_FALSE(mem::probe_write(r.mc, kDev + 8, 8, 0));  // sizes still apply
    r.expect_fault(mem::AccessType::Write, kDev + 8);
  }
  CHECK(mem::probe_write(r.mc, test::kRamBase, 8, 0));  // memory takes AMOs
  CHECK(r.dev.log.empty());
}

TEST_CASE("mmio rules: a write that may stop the CPU waits for its instruction to run alone", "[mem][rules]") {
  Rig r;
  r.dev.r.write_may_stop = true;
  uint64_t v = 0;
  CHECK(r.load(kDev, 4, &v));  // reads are not held back
  CHECK_FALSE(r.store(kDev, 4, 0x5555));
  CHECK(r.mc.rerun_alone);
  CHECK(r.m.tr.faults == 0);  // no guest exception
  CHECK(r.m.st->fault == 0);
  CHECK(r.dev.log.size() == 1);
  r.mc.rerun_alone = false;
  r.mc.single_insn = true;
  CHECK(r.store(kDev, 4, 0x5555));
  CHECK_FALSE(r.mc.rerun_alone);
  REQUIRE(r.dev.log.size() == 2);
  CHECK(r.dev.log[1].write);
}

TEST_CASE("mmio rules: probe_store says what a store would do, doing nothing", "[mem][rules]") {
  Rig r;
  r.dev.r = {.min_size = 4, .max_size = 4};
  CHECK(mem::probe_store(r.mc, test::kRamBase, 4, 0));
  CHECK(mem::probe_store(r.mc, kDev, 4, 0));
  CHECK_FALSE(mem::probe_store(r.mc, kDev + 8, 8, 0));  // a size the device refuses: the store's fault
  r.expect_fault(mem::AccessType::Write, kDev + 8);
  r.dev.r.write_may_stop = true;  // a store store_slow would abandon: rerun alone, no guest exception
  CHECK_FALSE(mem::probe_store(r.mc, kDev, 4, 0));
  CHECK(r.mc.rerun_alone);
  CHECK(r.m.tr.faults == 1);
  r.mc.rerun_alone = false;
  r.mc.single_insn = true;
  CHECK(mem::probe_store(r.mc, kDev, 4, 0));
  CHECK_FALSE(r.mc.rerun_alone);
  CHECK(r.dev.log.empty());
}

TEST_CASE("physmap copies: writes reach RAM only, nothing goes through a device", "[mem][rules][dma]") {
  Rig r;
  uint8_t buf[16] = {1, 2, 3};
  CHECK(r.m.map.write(test::kRamBase, buf, sizeof buf));
  CHECK_FALSE(r.m.map.write(kRom, buf, sizeof buf));          // ROM
  CHECK_FALSE(r.m.map.write(kDev, buf, 4));                   // a device
  CHECK_FALSE(r.m.map.write(kWord - 8, buf, sizeof buf));     // RAM with a device over part of it
  CHECK_FALSE(r.m.map.write(kLowRam + 0xff8, buf, sizeof buf));  // running off the end of RAM
  CHECK_FALSE(r.m.map.write(0x40000000, buf, 1));             // nothing there
  CHECK(r.m.map.read(kRom, buf, sizeof buf));                 // ROM reads
  CHECK(buf[0] == 0xab);
  CHECK_FALSE(r.m.map.read(kDev, buf, 4));
  CHECK_FALSE(r.m.map.read(kWord, buf, 8));
  CHECK(r.m.map.ram_ptr(kWord + 8, 8) != nullptr);
  CHECK(r.m.map.ram_ptr(kRom, 8) == nullptr);
  CHECK(r.m.map.host_ptr(kRom, 8) != nullptr);
  CHECK(r.dev.log.empty());
  CHECK(r.word.log.empty());
  uint8_t rom[16];
  REQUIRE(r.m.map.read(kRom, rom, sizeof rom));
  for (uint8_t b : rom) CHECK(b == 0xab);
}

// CLINT (devices/riscv/clint.h): msip per hart, mtime at 10 MHz from the
// virtual clock, mtimecmp as one 64-bit or two 32-bit accesses, and the timer
// that raises MTIP when mtime reaches mtimecmp.
#include <catch2/catch.hpp>

#include <memory>

#include "devices/riscv/clint.h"
#include "tests/unit/device_test_util.h"

using namespace kiln;

namespace {

struct Rig {
  test::FakeClock clock;
  test::RecordingIrq msip[2], mtip[2];
  std::unique_ptr<devices::Clint> clint =
      std::make_unique<devices::Clint>(clock, std::vector<devices::Clint::HartLines>{{&msip[0], &mtip[0]}, {&msip[1], &mtip[1]}});
  uint64_t cmp(unsigned h) { return 0x4000 + 8 * h; }
};

}  // namespace

TEST_CASE("clint access rules: msip 32-bit, mtimecmp and mtime 32- or 64-bit, AMOs allowed", "[clint][rules]") {
  Rig r;
  CHECK(test::accepted_sizes(*r.clint, 0) == test::Sizes{4});
  CHECK(test::accepted_sizes(*r.clint, 4) == test::Sizes{4});
  CHECK(test::accepted_sizes(*r.clint, r.cmp(1)) == test::Sizes{4, 8});
  CHECK(test::accepted_sizes(*r.clint, r.cmp(1) + 4) == test::Sizes{4});
  CHECK(test::accepted_sizes(*r.clint, 0xbff8) == test::Sizes{4, 8});
  CHECK(test::accepted_sizes(*r.clint, 0xbff9).empty());
  CHECK(r.clint->rules(0).atomics);
  CHECK(r.clint->rules(0xbff8).atomics);
}

TEST_CASE("clint mtime counts at 10 MHz", "[clint]") {
  Rig r;
  CHECK(r.clint->mtime() == 0);
  r.clock.advance(12'345);
  CHECK(r.clint->mtime() == 123);
  CHECK(r.clint->read(0xbff8, 8) == 123);
  r.clock.advance_to(1'000'000'000ull * 1000);  // 1000 s: past 2^32 ticks
  uint64_t t = r.clint->mtime();
  CHECK(t == 10'000'000'000ull);
  CHECK(r.clint->read(0xbff8, 4) == (t & 0xffffffff));
  CHECK(r.clint->read(0xbffc, 4) == t >> 32);
}

TEST_CASE("clint msip drives the hart's software interrupt line", "[clint]") {
  Rig r;
  r.clint->write(0x4, 4, 1);
  CHECK(r.msip[1].level);
  CHECK_FALSE(r.msip[0].level);
  CHECK(r.clint->read(0x4, 4) == 1);
  r.clint->write(0x4, 4, 0xfffffffe);  // only bit 0 exists
  CHECK_FALSE(r.msip[1].level);
  CHECK(r.clint->read(0x4, 4) == 0);
  r.clint->write(0x8, 4, 1);  // hart 2 does not exist
  CHECK(r.clint->read(0x8, 4) == 0);
}

TEST_CASE("clint mtimecmp raises MTIP when mtime reaches it", "[clint]") {
  Rig r;
  CHECK(r.clint->read(r.cmp(0), 8) == ~0ull);
  r.clint->write(r.cmp(0), 8, 1000);  // 100 us
  CHECK_FALSE(r.mtip[0].level);
  CHECK(r.clock.pending_timers() == 1);
  CHECK(r.clock.next_deadline() == 100'000u);
  r.clock.advance_to(99'999);
  CHECK_FALSE(r.mtip[0].level);
  r.clock.advance_to(100'000);
  CHECK(r.mtip[0].level);
  CHECK_FALSE(r.mtip[1].level);
  CHECK(r.clock.pending_timers() == 0);

  SECTION("a new compare value in the future lowers MTIP") {
    r.clint->write(r.cmp(0), 8, 5000);
    CHECK_FALSE(r.mtip[0].level);
    r.clock.advance_to(500'000);
    CHECK(r.mtip[0].level);
  }
  SECTION("~0 (the usual 'no timer') lowers MTIP and sets no timer") {
    r.clint->write(r.cmp(0), 8, ~0ull);
    CHECK_FALSE(r.mtip[0].level);
    CHECK(r.clock.pending_timers() == 0);
  }
}

TEST_CASE("clint rewriting mtimecmp cancels the earlier timer", "[clint]") {
  Rig r;
  r.clint->write(r.cmp(1), 8, 1000);
  r.clint->write(r.cmp(1), 8, 3000);
  CHECK(r.clock.pending_timers() == 1);
  r.clock.advance_to(150'000);
  CHECK_FALSE(r.mtip[1].level);
  r.clock.advance_to(300'000);
  CHECK(r.mtip[1].level);
}

TEST_CASE("clint mtimecmp in 32-bit halves", "[clint]") {
  Rig r;
  // The RV32 sequence: high to all ones, low, then the real high.
  r.clint->write(r.cmp(0) + 4, 4, 0xffffffff);
  r.clint->write(r.cmp(0), 4, 2000);
  r.clint->write(r.cmp(0) + 4, 4, 0);
  CHECK(r.clint->read(r.cmp(0), 8) == 2000);
  CHECK(r.clint->read(r.cmp(0), 4) == 2000);
  CHECK(r.clint->read(r.cmp(0) + 4, 4) == 0);
  CHECK(r.clock.pending_timers() == 1);
  r.clock.advance_to(200'000);
  CHECK(r.mtip[0].level);
  r.clint->write(r.cmp(1) + 4, 4, 7);  // only the high half of hart 1's value changes
  CHECK(r.clint->read(r.cmp(1), 8) == (7ull << 32 | 0xffffffff));
}

TEST_CASE("clint a compare value already passed raises MTIP at once", "[clint]") {
  Rig r;
  r.clock.advance(1'000'000);
  r.clint->write(r.cmp(0), 8, 5);
  CHECK(r.mtip[0].level);
  CHECK(r.clock.pending_timers() == 0);
}

TEST_CASE("clint writes to mtime move it and re-aim timers", "[clint]") {
  Rig r;
  r.clint->write(r.cmp(0), 8, 10'000);
  r.clock.advance(100);  // mtime 1
  r.clint->write(0xbff8, 8, 9'990);
  CHECK(r.clint->mtime() == 9'990);
  CHECK_FALSE(r.mtip[0].level);
  r.clock.advance(1'000);  // +10 ticks
  CHECK(r.clint->mtime() == 10'000);
  CHECK(r.mtip[0].level);
  r.clint->write(0xbff8, 8, 0);  // back in time
  CHECK_FALSE(r.mtip[0].level);
  CHECK(r.clock.pending_timers() == 1);
}

TEST_CASE("clint destruction cancels its timers", "[clint]") {
  Rig r;
  r.clint->write(r.cmp(0), 8, 1000);
  r.clint->write(r.cmp(1), 8, 2000);
  CHECK(r.clock.pending_timers() == 2);
  r.clint.reset();
  CHECK(r.clock.pending_timers() == 0);
}

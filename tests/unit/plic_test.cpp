// PLIC (devices/riscv/plic.h) with the 32-bit accesses Linux and OpenSBI
// make: priorities, pending bits, per-context enables and thresholds, the
// claim/complete handshake with level-triggered sources, and the output line
// of each context (2h = M-mode, 2h+1 = S-mode of hart h).
#include <catch2/catch.hpp>

#include "devices/riscv/plic.h"
#include "tests/unit/device_test_util.h"

using namespace kiln;

namespace {

struct Rig {
  test::RecordingIrq ctx[4];  // hart 0 M, hart 0 S, hart 1 M, hart 1 S
  devices::Plic plic{devices::Plic::kVirtSources, {&ctx[0], &ctx[1], &ctx[2], &ctx[3]}};

  uint32_t rd(uint64_t off) { return uint32_t(plic.read(off, 4)); }
  void wr(uint64_t off, uint32_t v) { plic.write(off, 4, v); }
  void priority(unsigned src, uint32_t p) { wr(4 * src, p); }
  void enable(unsigned c, unsigned src, bool on = true) {
    uint64_t off = 0x2000 + 0x80 * c + 4 * (src / 32);
    uint32_t w = rd(off);
    wr(off, on ? w | (1u << (src % 32)) : w & ~(1u << (src % 32)));
  }
  void threshold(unsigned c, uint32_t t) { wr(0x200000 + 0x1000 * c, t); }
  uint32_t claim(unsigned c) { return rd(0x200004 + 0x1000 * c); }
  void complete(unsigned c, uint32_t id) { wr(0x200004 + 0x1000 * c, id); }
  bool pending(unsigned src) { return (rd(0x1000 + 4 * (src / 32)) >> (src % 32)) & 1; }
};

}  // namespace

TEST_CASE("plic window size and register defaults", "[plic]") {
  CHECK(devices::Plic::mmio_size(2) == 0x202000);
  Rig r;
  CHECK(r.plic.num_sources() == 95);
  CHECK(r.plic.num_contexts() == 4);
  for (unsigned s : {0u, 1u, 10u, 95u}) CHECK(r.rd(4 * s) == 0);
  CHECK(r.rd(0x1000) == 0);
  CHECK(r.rd(0x2000) == 0);
  CHECK(r.rd(0x200000) == 0);
  CHECK(r.claim(1) == 0);
}

TEST_CASE("plic priority, enable and pending registers", "[plic]") {
  Rig r;
  r.priority(10, 7);
  CHECK(r.rd(4 * 10) == 7);
  r.priority(10, 0xff);  // 3 bits
  CHECK(r.rd(4 * 10) == 7);
  r.priority(0, 5);  // source 0 does not exist
  CHECK(r.rd(0) == 0);
  r.wr(0x2000 + 0x80 * 1, 0xffffffff);
  CHECK(r.rd(0x2000 + 0x80 * 1) == 0xfffffffe);  // bit 0 hardwired to 0
  r.wr(0x2000 + 0x80 * 1 + 8, 0xffffffff);        // sources 64..95
  CHECK(r.rd(0x2000 + 0x80 * 1 + 8) == 0xffffffff);
  r.wr(0x1000, 0xffffffff);  // pending is read-only
  CHECK(r.rd(0x1000) == 0);
  r.plic.source(33).set_level(true);
  CHECK(r.pending(33));
  CHECK(r.plic.is_pending(33));
  CHECK(r.rd(0x1004) == 2);
}

TEST_CASE("plic routes an enabled source above the threshold to its context", "[plic]") {
  Rig r;
  r.plic.source(10).set_level(true);
  CHECK(r.pending(10));
  CHECK_FALSE(r.ctx[1].level);  // priority 0 never interrupts
  r.priority(10, 1);
  CHECK_FALSE(r.ctx[1].level);  // not enabled
  r.enable(1, 10);
  CHECK(r.ctx[1].level);
  CHECK_FALSE(r.ctx[0].level);
  CHECK_FALSE(r.ctx[2].level);
  r.threshold(1, 1);
  CHECK_FALSE(r.ctx[1].level);  // priority must exceed the threshold
  CHECK(r.claim(1) == 0);
  r.threshold(1, 0);
  CHECK(r.ctx[1].level);
  r.plic.source(10).set_level(false);  // level-triggered: a dropped line is no longer pending
  CHECK_FALSE(r.pending(10));
  CHECK_FALSE(r.ctx[1].level);
}

TEST_CASE("plic claim and complete with a level-triggered source", "[plic]") {
  Rig r;
  r.priority(7, 3);
  r.enable(1, 7);
  r.plic.source(7).set_level(true);
  REQUIRE(r.ctx[1].level);
  CHECK(r.claim(1) == 7);
  CHECK_FALSE(r.pending(7));
  CHECK_FALSE(r.ctx[1].level);
  CHECK(r.claim(1) == 0);  // nothing else

  SECTION("still high at completion: pending again") {
    r.plic.source(7).set_level(true);  // in flight: no new request
    CHECK_FALSE(r.pending(7));
    r.complete(1, 7);
    CHECK(r.pending(7));
    CHECK(r.ctx[1].level);
    CHECK(r.claim(1) == 7);
  }
  SECTION("lowered before completion: done") {
    r.plic.source(7).set_level(false);
    r.complete(1, 7);
    CHECK_FALSE(r.pending(7));
    CHECK_FALSE(r.ctx[1].level);
  }
  SECTION("a completion from a context the source is not enabled for is ignored") {
    r.complete(0, 7);
    CHECK_FALSE(r.pending(7));
    r.complete(1, 7);
    CHECK(r.pending(7));
  }
  SECTION("completing an id that is not claimed, or out of range, does nothing") {
    r.complete(1, 8);
    r.complete(1, 0);
    r.complete(1, 1000);
    CHECK_FALSE(r.pending(7));
  }
}

TEST_CASE("plic claims the highest priority first, the lowest id on ties", "[plic]") {
  Rig r;
  for (unsigned s : {3u, 5u, 9u, 40u}) {
    r.enable(1, s);
    r.plic.source(s).set_level(true);
  }
  r.priority(5, 2);
  r.priority(3, 2);
  r.priority(9, 5);
  r.priority(40, 1);
  CHECK(r.claim(1) == 9);
  CHECK(r.claim(1) == 3);
  CHECK(r.claim(1) == 5);
  r.threshold(1, 1);
  CHECK(r.claim(1) == 0);  // 40's priority does not exceed the threshold
  CHECK_FALSE(r.ctx[1].level);
  r.threshold(1, 0);
  CHECK(r.ctx[1].level);
  CHECK(r.claim(1) == 40);
}

TEST_CASE("plic contexts of two harts share sources but not claims", "[plic]") {
  Rig r;
  r.priority(1, 1);
  r.enable(1, 1);  // hart 0 S
  r.enable(2, 1);  // hart 1 M
  r.plic.source(1).set_level(true);
  CHECK(r.ctx[1].level);
  CHECK(r.ctx[2].level);
  CHECK(r.claim(2) == 1);
  CHECK_FALSE(r.ctx[1].level);  // claimed by hart 1: gone for everyone
  CHECK(r.claim(1) == 0);
  r.complete(2, 1);
  CHECK(r.ctx[1].level);
  CHECK(r.ctx[2].level);
}

TEST_CASE("plic out-of-range sources, contexts and odd accesses are harmless", "[plic]") {
  Rig r;
  r.plic.source(0).set_level(true);
  r.plic.source(96).set_level(true);
  r.plic.source(100000).set_level(true);
  CHECK(r.rd(0x1000) == 0);
  CHECK(r.rd(0x100c) == 0);
  CHECK(r.rd(0x2000 + 0x80 * 4) == 0);  // context 4 does not exist
  r.wr(0x200000 + 0x1000 * 4, 1);
  CHECK(r.rd(0x200004 + 0x1000 * 4) == 0);
  r.plic.write(0x1001, 1, 0xff);  // unaligned
  CHECK(r.plic.read(0x3, 1) == 0);
  r.priority(2, 1);
  r.enable(3, 2);
  r.plic.source(2).set_level(true);
  CHECK(r.rd(0x203004) == 2);
}

TEST_CASE("plic access rules: 32-bit registers only, no AMOs", "[plic][rules]") {
  Rig r;
  for (uint64_t off : {0x4ull, 0x1000ull, 0x2080ull, 0x200004ull}) {
    mem::AccessRules rules = r.plic.rules(off);
    CHECK(rules.allows(off, 4));
    CHECK_FALSE(rules.allows(off, 1));
    CHECK_FALSE(rules.allows(off, 2));
    CHECK_FALSE(rules.allows(off, 8));  // a claim and a threshold in one access: refused
    CHECK_FALSE(rules.allows(off + 2, 4));
    CHECK_FALSE(rules.atomics);
  }
}

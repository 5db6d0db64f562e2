// The local APIC of -M pc (devices/pc/lapic.h) on a hand-moved clock: reset
// state, the timer's modes and divider, priorities (TPR, PPR, ISR nesting),
// EOI with its broadcast, self IPIs, ExtINT pass-through, the base MSR.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "devices/pc/lapic.h"
#include "tests/unit/device_test_util.h"

using namespace kiln;
using devices::LocalApic;

namespace {

struct Rig {
  test::FakeClock clock;
  test::RecordingIrq intr;
  devices::ApicBus bus;
  LocalApic apic{clock, intr, 0, true, &bus};
  uint8_t pic_vector = 0x08;
  int pic_acks = 0;
  Rig() {
    apic.set_extint_ack([this] {
      pic_acks++;
      return pic_vector;
    });
  }
  uint32_t rd(uint32_t reg) { return uint32_t(apic.read(reg, 4)); }
  void wr(uint32_t reg, uint32_t v) { apic.write(reg, 4, v); }
  void enable() { wr(LocalApic::kSvr, 0x1ff); }
  void self_ipi(uint8_t vector) { wr(LocalApic::kIcrLow, 1u << 18 | vector); }
};

}  // namespace

TEST_CASE("lapic reset state: enabled by the MSR, software-disabled, LINT0 virtual wire", "[lapic]") {
  Rig r;
  CHECK(r.apic.base_msr() == 0xfee00900);
  CHECK(r.rd(LocalApic::kVersion) == 0x00050014);
  CHECK(r.rd(LocalApic::kSvr) == 0xff);
  CHECK(r.rd(LocalApic::kDfr) == 0xffffffff);
  CHECK(r.rd(LocalApic::kLvtLint0) == 0x700);
  CHECK(r.rd(LocalApic::kLvtTimer) == LocalApic::kLvtMasked);
  CHECK(r.rd(LocalApic::kLvtLint1) == LocalApic::kLvtMasked);
  // Software-disabled: an LVT mask cannot be cleared.
  r.wr(LocalApic::kLvtTimer, 0x40);
  CHECK(r.rd(LocalApic::kLvtTimer) == (LocalApic::kLvtMasked | 0x40));
  // An application processor's LINT0 starts masked too.
  test::RecordingIrq intr2;
  LocalApic ap{r.clock, intr2, 1, false};
  CHECK(ap.base_msr() == 0xfee00800);
  CHECK(uint32_t(ap.read(LocalApic::kLvtLint0, 4)) == LocalApic::kLvtMasked);
  CHECK(uint32_t(ap.read(LocalApic::kId, 4)) == 0x01000000);
}

TEST_CASE("lapic ExtINT: LINT0 passes the 8259A's INTR and INTA through", "[lapic]") {
  Rig r;
  r.apic.lint0().set_level(true);
  CHECK(r.intr.level);
  r.pic_vector = 0x20;
  CHECK(r.apic.acknowledge() == 0x20);
  CHECK(r.pic_acks == 1);
  r.apic.lint0().set_level(false);
  CHECK(!r.intr.level);
  SECTION("masked LINT0 blocks it") {
    r.enable();
    r.wr(LocalApic::kLvtLint0, 0x10700);
    r.apic.lint0().set_level(true);
    CHECK(!r.intr.level);
    CHECK(!r.apic.may_interrupt(true, false));  // nothing left to wake a halted CPU
    CHECK(r.apic.may_interrupt(false, true));   // the IOAPIC may send something
    r.wr(LocalApic::kLvtTimer, 0x30);
    r.wr(LocalApic::kInitialCount, 10);
    CHECK(r.apic.may_interrupt(false, false));  // the timer will
    r.clock.advance(100);
    r.wr(LocalApic::kTpr, 0x30);
    CHECK(!r.apic.may_interrupt(false, false));  // 0x30 waits in the IRR under a TPR of its class
    r.wr(LocalApic::kTpr, 0x20);
    CHECK(r.apic.may_interrupt(false, false));
  }
  SECTION("a globally disabled APIC is a wire whatever LINT0 says") {
    r.enable();
    r.wr(LocalApic::kLvtLint0, 0x10700);
    REQUIRE(r.apic.write_base_msr(0xfee00100));
    r.apic.lint0().set_level(true);
    CHECK(r.intr.level);
    CHECK(r.apic.acknowledge() == 0x20);
    CHECK(r.apic.may_interrupt(true, false));
    CHECK(!r.apic.may_interrupt(false, false));
  }
}

TEST_CASE("lapic base MSR: reserved bits refused, BSP read-only, disabling clears SVR enable", "[lapic]") {
  Rig r;
  CHECK(!r.apic.write_base_msr(0xfee00000 | 1u << 10));  // x2APIC
  CHECK(!r.apic.write_base_msr(0xfee00001));
  CHECK(r.apic.write_base_msr(0xfee00800));  // the BSP bit stays
  CHECK(r.apic.base_msr() == 0xfee00900);
  r.enable();
  CHECK(r.apic.write_base_msr(0xfee00100));
  CHECK(!r.apic.enabled());
  CHECK((r.rd(LocalApic::kSvr) & LocalApic::kSvrEnable) == 0);
}

TEST_CASE("lapic priorities: the highest IRR above the PPR class, TPR and ISR nesting, EOI", "[lapic]") {
  Rig r;
  r.self_ipi(0x45);  // software-disabled: dropped
  CHECK(!r.intr.level);
  r.enable();
  r.self_ipi(0x45);
  r.self_ipi(0x61);
  CHECK(r.intr.level);
  CHECK(r.rd(LocalApic::kIrr + 0x20) == 1u << 5);  // 0x45: dword 2 holds 0x40-0x5f
  CHECK(r.rd(LocalApic::kIrr + 0x30) == 1u << 1);
  // TPR class 6 holds off 0x61 and 0x45.
  r.wr(LocalApic::kTpr, 0x60);
  CHECK(!r.intr.level);
  CHECK(r.rd(LocalApic::kPpr) == 0x60);
  CHECK(r.apic.acknowledge() == 0xff);  // spurious: nothing above the PPR
  r.apic.write_cr8(5);
  CHECK(r.rd(LocalApic::kTpr) == 0x50);
  CHECK(r.apic.cr8() == 5);
  CHECK(r.intr.level);  // 0x61's class 6 > 5
  CHECK(r.apic.acknowledge() == 0x61);
  CHECK(r.rd(LocalApic::kIsr + 0x30) == 1u << 1);
  r.wr(LocalApic::kTpr, 0);
  CHECK(r.rd(LocalApic::kPpr) == 0x60);  // in service now
  CHECK(!r.intr.level);                  // 0x45 waits for the EOI
  r.self_ipi(0x70);                      // a higher class nests
  CHECK(r.apic.acknowledge() == 0x70);
  r.wr(LocalApic::kEoi, 0);  // clears 0x70
  CHECK(r.rd(LocalApic::kIsr + 0x30) == 1u << 1);
  CHECK(!r.intr.level);
  r.wr(LocalApic::kEoi, 0);  // clears 0x61
  CHECK(r.rd(LocalApic::kPpr) == 0);
  CHECK(r.intr.level);
  CHECK(r.apic.acknowledge() == 0x45);
  r.wr(LocalApic::kEoi, 0);
  CHECK(!r.intr.level);
}

TEST_CASE("lapic EOI of a level-triggered vector is broadcast; illegal vectors set ESR", "[lapic]") {
  Rig r;
  std::vector<int> eois;
  r.bus.on_eoi([&](uint8_t v) { eois.push_back(v); });
  r.enable();
  r.apic.accept(devices::ApicDelivery::Fixed, 0x50, true);
  r.apic.accept(devices::ApicDelivery::Fixed, 0x40, false);
  CHECK(r.rd(LocalApic::kTmr + 0x20) == 1u << 16);
  CHECK(r.apic.acknowledge() == 0x50);
  r.wr(LocalApic::kEoi, 0);
  CHECK(r.apic.acknowledge() == 0x40);
  r.wr(LocalApic::kEoi, 0);
  CHECK(eois == std::vector<int>{0x50});
  r.self_ipi(3);
  r.apic.accept(devices::ApicDelivery::Fixed, 5, false);
  CHECK(r.rd(LocalApic::kEsr) == 0);  // readable after a write
  r.wr(LocalApic::kEsr, 0);
  CHECK(r.rd(LocalApic::kEsr) == 0x60);
  r.wr(LocalApic::kEsr, 0);
  CHECK(r.rd(LocalApic::kEsr) == 0);
}

TEST_CASE("lapic IPIs by destination: physical, flat and cluster logical, all-but-self", "[lapic]") {
  Rig r;
  test::RecordingIrq intr2;
  LocalApic ap{r.clock, intr2, 1, false, &r.bus};
  r.enable();
  ap.write(LocalApic::kSvr, 4, 0x1ff);
  r.wr(LocalApic::kIcrHigh, 0x01000000);
  r.wr(LocalApic::kIcrLow, 0x41);  // fixed, physical, to APIC 1
  CHECK(!r.intr.level);
  CHECK(intr2.level);
  CHECK(ap.acknowledge() == 0x41);
  ap.write(LocalApic::kEoi, 4, 0);
  ap.write(LocalApic::kLdr, 4, 0x02000000);
  r.wr(LocalApic::kLdr, 0x01000000);
  r.wr(LocalApic::kIcrHigh, 0x03000000);
  r.wr(LocalApic::kIcrLow, 0x800 | 0x42);  // logical, flat: both
  CHECK(r.apic.acknowledge() == 0x42);
  CHECK(ap.acknowledge() == 0x42);
  ap.write(LocalApic::kEoi, 4, 0);
  r.wr(LocalApic::kIcrLow, 3u << 18 | 0x43);  // all excluding self
  CHECK(!r.intr.level);
  CHECK(ap.acknowledge() == 0x43);
  CHECK(!ap.matches(0x11, true));  // flat: LDR bit 1 only
  ap.write(LocalApic::kDfr, 4, 0x0fffffff);  // cluster model
  ap.write(LocalApic::kLdr, 4, 0x12000000);
  CHECK(ap.matches(0x12, true));
  CHECK(ap.matches(0x13, true));
  CHECK(!ap.matches(0x22, true));
}

TEST_CASE("lapic timer: one-shot, periodic, divide, current count, mask", "[lapic][timer]") {
  Rig r;
  r.enable();
  r.wr(LocalApic::kDivide, 0xb);  // divide by 1: one count per ns
  r.wr(LocalApic::kLvtTimer, 0x30);
  r.wr(LocalApic::kInitialCount, 100'000);
  r.clock.advance(40'000);
  CHECK(r.rd(LocalApic::kCurrentCount) == 60'000);
  CHECK(!r.intr.level);
  r.clock.advance(60'000);
  CHECK(r.intr.level);
  CHECK(r.rd(LocalApic::kCurrentCount) == 0);
  CHECK(r.apic.acknowledge() == 0x30);
  r.wr(LocalApic::kEoi, 0);
  r.clock.advance(1'000'000);
  CHECK(!r.intr.level);  // one-shot: once
  CHECK(r.clock.pending_timers() == 0);

  SECTION("periodic, divide by 16") {
    r.wr(LocalApic::kDivide, 3);
    r.wr(LocalApic::kLvtTimer, 0x20031);
    r.wr(LocalApic::kInitialCount, 1000);  // 16 us
    r.clock.advance(8'000);
    CHECK(r.rd(LocalApic::kCurrentCount) == 500);
    int ticks = 0;
    for (int i = 0; i < 10; i++) {
      r.clock.advance(16'000);
      if (r.intr.level) {
        ticks++;
        CHECK(r.apic.acknowledge() == 0x31);
        r.wr(LocalApic::kEoi, 0);
      }
    }
    CHECK(ticks == 10);
    CHECK(r.rd(LocalApic::kCurrentCount) == 500);
    r.wr(LocalApic::kInitialCount, 0);  // stops it
    CHECK(r.clock.pending_timers() == 0);
    CHECK(r.rd(LocalApic::kCurrentCount) == 0);
  }
  SECTION("masked: counts without interrupting") {
    r.wr(LocalApic::kLvtTimer, 0x10030);
    r.wr(LocalApic::kInitialCount, 500);
    r.clock.advance(600);
    CHECK(!r.intr.level);
    CHECK(r.rd(LocalApic::kIrr + 0x10) == 0);
  }
  SECTION("divide by 2 (the reset value)") {
    r.wr(LocalApic::kDivide, 0);
    r.wr(LocalApic::kInitialCount, 500);
    r.clock.advance(999);
    CHECK(r.rd(LocalApic::kCurrentCount) == 1);
    CHECK(!r.intr.level);
    r.clock.advance(1);
    CHECK(r.intr.level);
  }
}

TEST_CASE("lapic registers: narrow reads, dropped narrow writes, read-only ones", "[lapic]") {
  Rig r;
  CHECK(r.apic.read(LocalApic::kVersion + 2, 1) == 0x05);
  r.apic.write(LocalApic::kTpr, 1, 0x30);
  CHECK(r.rd(LocalApic::kTpr) == 0);
  r.wr(LocalApic::kVersion, 0);
  CHECK(r.rd(LocalApic::kVersion) == 0x00050014);
  r.wr(LocalApic::kId, 0x05000000);
  CHECK(r.apic.id() == 5);
  r.apic.reset();
  CHECK(r.apic.id() == 0);
}

TEST_CASE("lapic NMI, INIT, INIT de-assert and Startup IPIs reach the CPU; lowest priority", "[lapic][smp]") {
  Rig r;
  test::RecordingIrq intr2, intr3;
  LocalApic ap{r.clock, intr2, 1, false, &r.bus}, ap2{r.clock, intr3, 2, false, &r.bus};
  std::vector<std::string> seen;
  auto signals = [&seen](const std::string& who) {
    return LocalApic::CpuSignals{.nmi = [&seen, who] { seen.push_back(who + " nmi"); },
                                 .init = [&seen, who](bool bsp) { seen.push_back(who + " init " + (bsp ? "bsp" : "ap")); },
                                 .startup = [&seen, who](uint8_t v) { seen.push_back(who + " sipi " + std::to_string(v)); }};
  };
  r.apic.set_cpu_signals(signals("bsp"));
  ap.set_cpu_signals(signals("ap1"));
  ap2.set_cpu_signals(signals("ap2"));
  r.enable();
  // Software-disabled APs (their reset state) take INIT and SIPI; the INIT resets all but the ID.
  ap.write(LocalApic::kId, 4, 0x05000000);
  ap.write(LocalApic::kTpr, 4, 0x20);
  r.wr(LocalApic::kIcrLow, 3u << 18 | 0x4500);  // INIT, all but self
  CHECK(seen == std::vector<std::string>{"ap1 init ap", "ap2 init ap"});
  CHECK(uint32_t(ap.read(LocalApic::kId, 4)) == 0x05000000);
  CHECK(uint32_t(ap.read(LocalApic::kTpr, 4)) == 0);
  seen.clear();
  r.wr(LocalApic::kIcrLow, 3u << 18 | 0x8500);  // INIT level de-assert: nothing
  CHECK(seen.empty());
  r.wr(LocalApic::kIcrLow, 3u << 18 | 0x4600 | 0x9a);  // Startup
  CHECK(seen == std::vector<std::string>{"ap1 sipi 154", "ap2 sipi 154"});
  CHECK((r.rd(LocalApic::kIcrLow) & (1u << 12)) == 0);  // delivery status: idle at once
  seen.clear();
  r.wr(LocalApic::kIcrHigh, 0x02000000);
  r.wr(LocalApic::kIcrLow, 0x400);  // NMI to APIC 2
  CHECK(seen == std::vector<std::string>{"ap2 nmi"});
  seen.clear();
  r.wr(LocalApic::kIcrLow, 1u << 18 | 0x4500);  // INIT to itself: the BSP restarts from the reset vector
  CHECK(seen == std::vector<std::string>{"bsp init bsp"});
  // A globally disabled APIC takes nothing.
  seen.clear();
  CHECK(ap2.write_base_msr(0xfee00000));
  r.wr(LocalApic::kIcrLow, 3u << 18 | 0x4500);
  CHECK(seen == std::vector<std::string>{"ap1 init ap"});
  // Lowest priority: the lowest PPR, the lowest index on a tie.
  r.enable();
  ap.write(LocalApic::kSvr, 4, 0x1ff);
  CHECK(ap2.write_base_msr(0xfee00800));
  ap2.write(LocalApic::kSvr, 4, 0x1ff);
  ap.write(LocalApic::kLdr, 4, 0x02000000);
  ap2.write(LocalApic::kLdr, 4, 0x04000000);
  r.wr(LocalApic::kIcrHigh, 0x06000000);
  r.wr(LocalApic::kIcrLow, 0x800 | 0x100 | 0x50);
  CHECK(intr2.level);
  CHECK(!intr3.level);
  CHECK(ap.acknowledge() == 0x50);  // now in service: AP 1's PPR is 0x50
  r.wr(LocalApic::kIcrLow, 0x800 | 0x100 | 0x51);
  CHECK(intr3.level);
  CHECK(ap2.acknowledge() == 0x51);
}

// The 8254 PIT of -M pc (devices/pc/i8254.h) on a hand-moved clock: the
// modes' OUT and counts, binary and BCD, access modes with their flip-flops,
// the latch and read-back commands, IRQ0's edges and timers, and port 0x61
// (channel 2's gate and OUT, the refresh toggle).
#include <catch2/catch.hpp>

#include "devices/pc/i8254.h"
#include "tests/unit/device_test_util.h"

using namespace kiln;

namespace {

// The first nanosecond of `ticks` PIT ticks.
uint64_t ns(uint64_t ticks) { return (ticks * 1'000'000'000 + devices::I8254::kHz - 1) / devices::I8254::kHz; }

struct Rig {
  test::FakeClock clock;
  test::RecordingIrq irq0;
  devices::I8254 pit{clock, irq0};
  void control(uint8_t v) { pit.write(3, 1, v); }
  void count(unsigned ch, uint16_t v) {  // LSB then MSB
    pit.write(ch, 1, v & 0xff);
    pit.write(ch, 1, v >> 8);
  }
  uint16_t read16(unsigned ch) {
    uint16_t lo = uint16_t(pit.read(ch, 1));
    return uint16_t(lo | pit.read(ch, 1) << 8);
  }
  uint16_t latched(unsigned ch) {
    control(uint8_t(ch << 6));
    return read16(ch);
  }
  uint8_t port_b() { return uint8_t(pit.port_b().read(0, 1)); }
  void at(uint64_t ticks) { clock.advance_to(ns(ticks)); }
};

}  // namespace

TEST_CASE("i8254 ports take bytes only", "[i8254][rules]") {
  Rig r;
  CHECK(test::accepted_sizes(r.pit, 0) == test::Sizes{1});
  CHECK(test::accepted_sizes(r.pit.port_b(), 0) == test::Sizes{1});
}

TEST_CASE("i8254 mode 0: OUT low until the terminal count, one IRQ0 edge", "[i8254]") {
  Rig r;
  r.control(0x30);  // channel 0, LSB then MSB, mode 0, binary
  CHECK_FALSE(r.pit.out(0));
  r.count(0, 1000);
  CHECK(r.latched(0) == 1000);
  CHECK(r.clock.next_deadline() == ns(1000));
  r.at(400);
  CHECK(r.latched(0) == 600);
  CHECK_FALSE(r.irq0.level);
  r.at(1000);
  CHECK(r.irq0.level);
  CHECK(r.irq0.rises == 1);
  CHECK(r.pit.out(0));
  CHECK(r.clock.pending_timers() == 0);  // one-shot
  r.at(1010);
  CHECK(r.latched(0) == 65526);  // the count goes on past 0
  CHECK(r.irq0.rises == 1);
}

TEST_CASE("i8254 mode 0: the first byte of a two-byte count stops counting", "[i8254]") {
  Rig r;
  r.control(0x30);
  r.count(0, 100);
  r.at(50);
  r.pit.write(0, 1, 0x20);
  CHECK(r.clock.pending_timers() == 0);
  r.at(500);
  CHECK_FALSE(r.irq0.level);
  r.pit.write(0, 1, 0x00);  // 0x0020: counting again from 32
  r.at(531);
  CHECK_FALSE(r.irq0.level);
  r.at(532);
  CHECK(r.irq0.level);
}

TEST_CASE("i8254 mode 2: a rate generator, one IRQ0 edge per period", "[i8254]") {
  Rig r;
  r.control(0x34);  // mode 2
  CHECK(r.pit.out(0));
  r.count(0, 100);
  const int rises = r.irq0.rises;
  CHECK(r.latched(0) == 100);
  r.at(30);
  CHECK(r.latched(0) == 70);
  r.at(99);
  CHECK_FALSE(r.pit.out(0));  // low for the one tick before the reload
  r.at(100);
  CHECK(r.pit.out(0));
  CHECK(r.irq0.rises == rises + 1);
  CHECK(r.latched(0) == 100);
  r.at(1000);
  CHECK(r.irq0.rises == rises + 10);
  CHECK(r.irq0.level);
}

TEST_CASE("i8254 mode 3: a square wave, high for the larger half", "[i8254]") {
  Rig r;
  r.control(0x36);
  r.count(0, 5);
  CHECK(r.pit.out(0));
  r.at(2);
  CHECK(r.pit.out(0));
  r.at(3);
  CHECK_FALSE(r.pit.out(0));
  r.at(5);
  CHECK(r.pit.out(0));
  r.control(0x36);
  r.count(0, 0);  // 65536: 18.2 Hz
  CHECK(r.clock.next_deadline() == ns(5 + 65536));
}

TEST_CASE("i8254 mode 4: a software strobe, low for one tick at the terminal count", "[i8254]") {
  Rig r;
  r.control(0x38);
  r.count(0, 100);
  const int rises = r.irq0.rises;
  r.at(99);
  CHECK(r.pit.out(0));
  r.at(100);
  CHECK_FALSE(r.pit.out(0));
  r.at(101);
  CHECK(r.pit.out(0));
  CHECK(r.irq0.rises == rises + 1);
  r.at(1000);
  CHECK(r.irq0.rises == rises + 1);
}

TEST_CASE("i8254 BCD counts", "[i8254]") {
  Rig r;
  r.control(0x31);  // mode 0, BCD
  r.count(0, 0x1234);
  r.at(34);
  CHECK(r.latched(0) == 0x1200);
  r.at(1234);
  CHECK(r.irq0.level);
  r.control(0x35);  // mode 2, BCD, count 0 = 10000
  r.count(0, 0);
  CHECK(r.clock.next_deadline() == ns(1234 + 10000));
}

TEST_CASE("i8254 access modes: LSB only, MSB only, and the read flip-flop", "[i8254]") {
  Rig r;
  r.control(0x10);  // channel 0, LSB only, mode 0
  r.pit.write(0, 1, 0x80);
  CHECK(r.pit.read(0, 1) == 0x80);
  r.control(0x20);  // MSB only
  r.pit.write(0, 1, 0x02);
  CHECK(r.pit.read(0, 1) == 0x02);
  r.at(0x100);
  CHECK(r.pit.read(0, 1) == 0x01);  // 0x0100 left
  r.control(0x30);
  r.count(0, 0x1234);
  CHECK(r.pit.read(0, 1) == 0x34);
  r.control(0x00);  // a latch between the two reads keeps the flip-flop where it was
  CHECK(r.pit.read(0, 1) == 0x12);
  CHECK(r.pit.read(0, 1) == 0x34);
}

TEST_CASE("i8254 latch: the count at the command, until read; a second latch is ignored", "[i8254]") {
  Rig r;
  r.control(0x74);  // channel 1, mode 2
  r.count(1, 1000);
  r.at(100);
  r.control(0x40);
  r.at(200);
  r.control(0x40);
  CHECK(r.read16(1) == 900);
  CHECK(r.read16(1) == 800);  // live again
}

TEST_CASE("i8254 read-back: status and count, several channels at once", "[i8254]") {
  Rig r;
  r.control(0x30);
  r.control(0xb6);  // channel 2, mode 3
  r.control(0xe4);  // the status of channel 1 only, never programmed
  CHECK(r.pit.read(1, 1) == 0x70);  // OUT low, null count, LSB/MSB, mode 0
  r.control(0xca);  // status and count of channels 0 and 2: the status reads first
  CHECK(r.pit.read(0, 1) == 0x70);  // null count: no count yet
  CHECK(r.read16(0) == 0);
  CHECK(r.pit.read(2, 1) == 0xf6);  // OUT high, null count, LSB/MSB, mode 3
  CHECK(r.read16(2) == 0);
  r.count(0, 500);
  r.control(0xe2);  // status of channel 0
  CHECK(r.pit.read(0, 1) == 0x30);
  r.at(20);
  r.control(0xd2);  // count of channel 0
  r.at(40);
  CHECK(r.read16(0) == 480);
  CHECK(r.read16(0) == 460);
}

TEST_CASE("i8254 port 0x61: channel 2's gate and OUT, the refresh toggle", "[i8254][port61]") {
  Rig r;
  CHECK(r.port_b() == 0x00);
  r.control(0xb0);  // channel 2, mode 0
  r.count(2, 100);
  r.at(200);
  CHECK((r.port_b() & 0x20) == 0);  // gate low: not counting
  r.pit.port_b().write(0, 1, 0x01);
  CHECK((r.port_b() & 0x0f) == 0x01);
  r.at(299);
  CHECK((r.port_b() & 0x20) == 0);
  r.at(300);
  CHECK(r.port_b() & 0x20);
  r.pit.port_b().write(0, 1, 0xff);
  CHECK((r.port_b() & 0xcf) == 0x0f);  // bits 6, 7 read 0; 4, 5 are not stored
  // mode 2 restarts on a rising gate; mode 1 is triggered by it
  r.pit.port_b().write(0, 1, 0x00);
  r.control(0xb2);  // mode 1
  r.count(2, 50);
  CHECK(r.port_b() & 0x20);  // waiting for its trigger
  r.at(1000);
  CHECK(r.port_b() & 0x20);
  r.pit.port_b().write(0, 1, 0x01);
  CHECK_FALSE(r.port_b() & 0x20);
  r.at(1049);
  CHECK_FALSE(r.port_b() & 0x20);
  r.at(1050);
  CHECK(r.port_b() & 0x20);
  // the refresh bit toggles every 15.085 us
  const uint8_t before = r.port_b() & 0x10;
  r.clock.advance(devices::I8254::kRefreshNs);
  CHECK((r.port_b() & 0x10) != before);
}

TEST_CASE("i8254 gate low pauses modes 0 and 4 (channel 2)", "[i8254]") {
  Rig r;
  r.pit.port_b().write(0, 1, 0x01);
  r.control(0xb0);
  r.count(2, 100);
  r.at(60);
  r.pit.port_b().write(0, 1, 0x00);
  r.at(500);
  CHECK(r.latched(2) == 40);
  r.pit.port_b().write(0, 1, 0x01);
  r.at(539);
  CHECK_FALSE(r.pit.out(2));
  r.at(540);
  CHECK(r.pit.out(2));
}

TEST_CASE("i8254 periodic IRQ0 edges a late timer missed are owed and delivered, not dropped", "[i8254]") {
  Rig r;
  r.control(0x34);  // mode 2
  r.count(0, 1193);  // about 1 ms (1000 Hz)
  const int rises = r.irq0.rises;
  r.at(1193);
  CHECK(r.irq0.rises == rises + 1);
  r.clock.jump_to(ns(6 * 1193 + 50));  // Kiln did not run for 5 periods
  r.clock.advance(0);
  CHECK(r.irq0.rises == rises + 2);  // the late timer: one edge now, four owed
  r.clock.advance(devices::I8254::kCatchupNs - 1);
  CHECK(r.irq0.rises == rises + 2);
  r.clock.advance(1);
  CHECK(r.irq0.rises == rises + 3);  // then one each kCatchupNs
  r.at(7 * 1193 - 1);
  CHECK(r.irq0.rises == rises + 6);
  r.at(7 * 1193);
  CHECK(r.irq0.rises == rises + 7);  // every period has its edge
  r.at(9 * 1193);
  CHECK(r.irq0.rises == rises + 9);  // and then one a period again
  SECTION("a new count voids the debt") {
    r.clock.jump_to(ns(20 * 1193 + 50));
    r.clock.advance(0);
    CHECK(r.irq0.rises == rises + 10);
    r.count(0, 1193);
    const int now = r.irq0.rises;
    r.clock.advance(devices::I8254::kCatchupNs * 4);
    CHECK(r.irq0.rises == now);
  }
  SECTION("at most a second's worth is owed") {
    r.clock.jump_to(ns(9 * 1193) + 5'000'000'000);
    r.clock.advance(0);
    const int now = r.irq0.rises;
    r.clock.advance(2'000'000'000);  // 2000 periods pass while the owed are paid
    CHECK(r.irq0.rises - now >= 1000 + 2000 - 1);  // the owed 1000 (not all 5000) and the 2000
    CHECK(r.irq0.rises - now <= 1000 + 2000 + 1);
  }
}

TEST_CASE("i8254 IRQ0 timers come no closer than kMinTimerNs", "[i8254]") {
  Rig r;
  r.control(0x34);
  r.count(0, 2);
  const int rises = r.irq0.rises;
  CHECK(r.clock.next_deadline() == devices::I8254::kMinTimerNs);
  r.clock.advance(1'000'000);
  CHECK(r.irq0.rises == rises + 100);  // an edge per timer: the 600 periods coalesce
}

// The MC146818 RTC/CMOS of -M pc (devices/pc/mc146818.h) at register level:
// the index port, the time in BCD/binary and 12/24-hour formats, the update
// cycle (UIP before each second, SET holding it, the divider reset's 500 ms),
// register C's flags and IRQ8 for the periodic, alarm and update-ended
// interrupts, register D, the RAM and the RESET pin.
#include <catch2/catch.hpp>

#include "devices/pc/mc146818.h"
#include "tests/unit/device_test_util.h"

using namespace kiln;
using R = devices::Mc146818;

namespace {

constexpr int64_t kNs = 1'000'000'000;
// 2024-02-29 23:59:58.5 UTC (a Thursday): the next second is at Clock time 0.5 s,
// the next day (Friday, March 1st) at 1.5 s.
constexpr int64_t kStartSeconds = 1709251198;
constexpr int64_t kStart = kStartSeconds * kNs + kNs / 2;

struct Rig {
  test::FakeClock clock;
  test::RecordingIrq irq;
  R rtc{clock, irq, kStart};

  uint8_t get(uint8_t index) {
    rtc.write(0, 1, index);
    return uint8_t(rtc.read(1, 1));
  }
  void set(uint8_t index, uint8_t v) {
    rtc.write(0, 1, index);
    rtc.write(1, 1, v);
  }
};

}  // namespace

TEST_CASE("mc146818: byte ports, power-on registers, write-only index", "[rtc][pc]") {
  Rig r;
  CHECK(test::accepted_sizes(r.rtc, 0) == test::Sizes{1});
  CHECK(r.rtc.read(0, 1) == 0xff);
  CHECK(r.get(R::kRegA) == 0x26);
  CHECK(r.get(R::kRegB) == 0x02);
  CHECK(r.get(R::kRegC) == 0x00);
  CHECK(r.get(R::kRegD) == 0x80);
  r.rtc.write(0, 1, 0x80 | R::kRegD);  // bit 7 masks NMI; the index is the low 7 bits
  CHECK(r.rtc.nmi_masked());
  CHECK(r.rtc.read(1, 1) == 0x80);
  r.rtc.write(0, 1, R::kRegD);
  CHECK_FALSE(r.rtc.nmi_masked());
}

TEST_CASE("mc146818: the time in BCD, 24-hour, with the century byte", "[rtc][pc]") {
  Rig r;
  CHECK(r.get(R::kSeconds) == 0x58);
  CHECK(r.get(R::kMinutes) == 0x59);
  CHECK(r.get(R::kHours) == 0x23);
  CHECK(r.get(R::kDayOfWeek) == 5);  // Thursday (Sunday is 1)
  CHECK(r.get(R::kDayOfMonth) == 0x29);
  CHECK(r.get(R::kMonth) == 0x02);
  CHECK(r.get(R::kYear) == 0x24);
  CHECK(r.get(R::kCentury) == 0x20);
  r.clock.advance_to(kNs / 2 - 1);
  CHECK(r.get(R::kSeconds) == 0x58);
  r.clock.advance_to(kNs / 2);
  CHECK(r.get(R::kSeconds) == 0x59);
  r.clock.advance_to(kNs + kNs / 2);  // leap day -> March 1st, a Friday
  CHECK(r.get(R::kSeconds) == 0x00);
  CHECK(r.get(R::kHours) == 0x00);
  CHECK(r.get(R::kDayOfMonth) == 0x01);
  CHECK(r.get(R::kMonth) == 0x03);
  CHECK(r.get(R::kDayOfWeek) == 6);
  CHECK(r.rtc.seconds() == kStartSeconds + 2);
}

TEST_CASE("mc146818: binary and 12-hour formats, read and written", "[rtc][pc]") {
  Rig r;
  r.set(R::kRegB, R::kBinary | R::k24Hour);
  CHECK(r.get(R::kSeconds) == 58);
  CHECK(r.get(R::kHours) == 23);
  CHECK(r.get(R::kYear) == 24);
  CHECK(r.get(R::kCentury) == 20);
  r.set(R::kRegB, 0);  // BCD, 12-hour: 11 PM
  CHECK(r.get(R::kHours) == (0x80 | 0x11));
  r.set(R::kHours, 0x12);  // 12 AM is midnight
  CHECK(r.get(R::kHours) == 0x12);
  r.set(R::kRegB, R::k24Hour);
  CHECK(r.get(R::kHours) == 0x00);
  r.set(R::kRegB, 0);
  r.set(R::kHours, 0x80 | 0x12);  // 12 PM is noon
  r.set(R::kRegB, R::k24Hour);
  CHECK(r.get(R::kHours) == 0x12);
  r.set(R::kRegB, R::kBinary);  // binary 12-hour: 1 PM
  r.set(R::kHours, 0x80 | 1);
  r.set(R::kRegB, R::kBinary | R::k24Hour);
  CHECK(r.get(R::kHours) == 13);
  // A date written field by field, the century too.
  r.set(R::kRegB, R::kSet | R::k24Hour);
  r.set(R::kYear, 0x99);
  r.set(R::kCentury, 0x19);
  r.set(R::kMonth, 0x12);
  r.set(R::kDayOfMonth, 0x31);
  r.set(R::kHours, 0x23);
  r.set(R::kMinutes, 0x59);
  r.set(R::kSeconds, 0x59);
  r.set(R::kDayOfWeek, 1);  // follows the date: ignored
  CHECK(r.get(R::kDayOfWeek) == 6);  // 1999-12-31 was a Friday
  r.set(R::kRegB, R::k24Hour);
  r.clock.advance_to(kNs / 2);
  CHECK(r.get(R::kSeconds) == 0x00);
  CHECK(r.get(R::kYear) == 0x00);
  CHECK(r.get(R::kCentury) == 0x20);
  CHECK(r.get(R::kMonth) == 0x01);
}

TEST_CASE("mc146818: UIP in the 244 us before each update; SET holds updates", "[rtc][pc]") {
  Rig r;
  const int64_t update = kNs / 2;
  r.clock.advance_to(update - R::kUipNs - 1);
  CHECK((r.get(R::kRegA) & R::kUip) == 0);
  r.clock.advance_to(update - R::kUipNs);
  CHECK((r.get(R::kRegA) & R::kUip) != 0);
  CHECK(r.get(R::kSeconds) == 0x58);  // not updated yet
  r.clock.advance_to(update);
  CHECK((r.get(R::kRegA) & R::kUip) == 0);
  CHECK(r.get(R::kSeconds) == 0x59);
  CHECK((r.get(R::kRegA) & 0x7f) == 0x26);  // UIP is read-only
  r.set(R::kRegA, 0xa6);
  CHECK((r.get(R::kRegA) & 0x7f) == 0x26);

  r.set(R::kRegB, R::kSet | R::k24Hour | R::kUie);
  CHECK(r.get(R::kRegB) == (R::kSet | R::k24Hour));  // SET clears UIE
  r.clock.advance_to(update + 3 * kNs - 100'000);
  CHECK((r.get(R::kRegA) & R::kUip) == 0);  // no updates while SET
  CHECK(r.get(R::kSeconds) == 0x59);
  r.set(R::kSeconds, 0x10);
  r.set(R::kRegB, R::k24Hour);
  r.clock.advance_to(update + 3 * kNs);
  CHECK(r.get(R::kSeconds) == 0x11);
}

TEST_CASE("mc146818: out of a divider reset the first update is 500 ms later", "[rtc][pc]") {
  Rig r;
  r.set(R::kRegA, 0x70);  // divider reset: the time stands
  r.clock.advance_to(3 * kNs);
  CHECK(r.get(R::kSeconds) == 0x58);
  CHECK((r.get(R::kRegA) & R::kUip) == 0);
  r.set(R::kRegA, 0x26);
  r.clock.advance_to(3 * kNs + kNs / 2 - 1);
  CHECK(r.get(R::kSeconds) == 0x58);
  r.clock.advance_to(3 * kNs + kNs / 2);
  CHECK(r.get(R::kSeconds) == 0x59);
  r.set(R::kRegA, 0x26);  // rewriting the running divider keeps its phase
  r.clock.advance_to(4 * kNs + kNs / 2);
  CHECK(r.get(R::kSeconds) == 0x00);
}

TEST_CASE("mc146818: periodic interrupt at the rate register A selects", "[rtc][pc]") {
  Rig r;
  // Polled: PF sets without PIE, and IRQ8 stays low.
  r.clock.advance_to(2'000'000);
  CHECK(r.get(R::kRegC) == R::kPf);
  CHECK(r.get(R::kRegC) == 0);  // read to clear
  CHECK(r.irq.rises == 0);
  // 1024 Hz (RS 6): edges every 976562.5 ns of the divider, which ticks with the start time's seconds.
  r.set(R::kRegB, R::k24Hour | R::kPie);
  r.clock.advance_to(2'929'687);  // the third edge: 2929687.5 ns
  CHECK(r.irq.rises == 0);
  r.clock.advance_to(2'929'688);
  CHECK(r.irq.level);
  CHECK(r.get(R::kRegC) == (R::kIrqf | R::kPf));
  CHECK_FALSE(r.irq.level);
  // 2 Hz (RS 15): the next edge is at the next half second of the divider.
  r.set(R::kRegA, 0x2f);
  r.clock.advance_to(kNs / 2 - 1);
  CHECK_FALSE(r.irq.level);
  r.clock.advance_to(kNs / 2);
  CHECK(r.irq.level);
  CHECK(r.get(R::kRegC) == (R::kIrqf | R::kPf | R::kUf));  // the update's flag sets too, without UIE
}

TEST_CASE("mc146818: update-ended and alarm interrupts", "[rtc][pc]") {
  Rig r;
  r.set(R::kRegA, 0x20);  // no periodic flag in the way
  r.set(R::kRegB, R::k24Hour | R::kUie);
  r.clock.advance_to(kNs / 2 - 1);
  CHECK_FALSE(r.irq.level);
  r.clock.advance_to(kNs / 2);
  CHECK(r.irq.level);
  CHECK((r.get(R::kRegC) & (R::kIrqf | R::kUf)) == (R::kIrqf | R::kUf));
  CHECK_FALSE(r.irq.level);

  // An alarm at midnight: not at 23:59:59, at 00:00:00.
  r.set(R::kRegB, R::k24Hour | R::kAie);
  r.set(R::kSecondsAlarm, 0x00);
  r.set(R::kMinutesAlarm, 0x00);
  r.set(R::kHoursAlarm, 0x00);
  r.clock.advance_to(kNs + kNs / 2 - 1);
  CHECK_FALSE(r.irq.level);
  r.clock.advance_to(kNs + kNs / 2);
  CHECK(r.irq.level);
  CHECK(r.get(R::kRegC) == (R::kIrqf | R::kAf | R::kUf));
  // 0xC0-0xFF matches anything: every second.
  r.set(R::kSecondsAlarm, 0xc0);
  r.set(R::kMinutesAlarm, 0xff);
  r.set(R::kHoursAlarm, 0xc5);
  r.clock.advance_to(2 * kNs + kNs / 2);
  CHECK(r.irq.level);
  CHECK(r.get(R::kRegC) == (R::kIrqf | R::kAf | R::kUf));
  // Unread for two days: the alarm at 12:00:00 has matched meanwhile.
  r.set(R::kRegB, R::k24Hour);
  r.set(R::kSecondsAlarm, 0x00);
  r.set(R::kMinutesAlarm, 0x00);
  r.set(R::kHoursAlarm, 0x12);
  r.clock.advance(2 * 86400 * kNs);
  CHECK((r.get(R::kRegC) & R::kAf) != 0);
  // An alarm no time can match never fires.
  r.set(R::kSecondsAlarm, 0x61);
  r.clock.advance(2 * 86400 * kNs);
  CHECK((r.get(R::kRegC) & R::kAf) == 0);
}

TEST_CASE("mc146818: enabling an interrupt whose flag is set raises IRQ8 at once", "[rtc][pc]") {
  Rig r;
  r.set(R::kRegA, 0x20);
  r.clock.advance_to(kNs / 2);
  r.set(R::kRegB, R::k24Hour | R::kUie);
  CHECK(r.irq.level);
  r.set(R::kRegB, R::k24Hour);
  CHECK_FALSE(r.irq.level);
}

TEST_CASE("mc146818: CMOS RAM, read-only C and D, the RESET pin", "[rtc][pc]") {
  Rig r;
  for (unsigned i = 0x0e; i < 0x80; i++)
    if (i != R::kCentury) r.set(uint8_t(i), uint8_t(i ^ 0x5a));
  for (unsigned i = 0x0e; i < 0x80; i++)
    if (i != R::kCentury) CHECK(r.get(uint8_t(i)) == (i ^ 0x5a));
  CHECK(r.rtc.cmos(0x40) == (0x40 ^ 0x5a));
  r.rtc.set_cmos(0x41, 0x77);
  CHECK(r.get(0x41) == 0x77);
  r.set(R::kRegC, 0xff);
  r.set(R::kRegD, 0x00);
  CHECK(r.get(R::kRegC) == 0);
  CHECK(r.get(R::kRegD) == 0x80);

  r.set(R::kRegB, R::k24Hour | R::kPie | R::kAie | R::kUie | R::kSqwe | R::kBinary);
  r.clock.advance_to(kNs / 2);
  CHECK(r.irq.level);
  r.rtc.reset();
  CHECK_FALSE(r.irq.level);
  CHECK(r.get(R::kRegB) == (R::k24Hour | R::kBinary));
  CHECK(r.get(R::kRegC) == 0);
  CHECK(r.get(R::kSeconds) == 59);  // the time and the RAM stay
  CHECK(r.get(0x41) == 0x77);
  r.clock.advance_to(10 * kNs);  // nothing armed any more
  CHECK(r.clock.pending_timers() == 0);
}

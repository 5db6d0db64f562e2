// The Goldfish RTC (devices/rtc/goldfish_rtc.h) driven as rtc-goldfish does:
// TIME_LOW then TIME_HIGH reads, setting the time (TIME_HIGH then TIME_LOW),
// and the alarm (ALARM_HIGH then ALARM_LOW) with its interrupt.
#include <catch2/catch.hpp>

#include "devices/rtc/goldfish_rtc.h"
#include "tests/unit/device_test_util.h"

using namespace kiln;
using R = devices::GoldfishRtc;

namespace {

constexpr uint64_t kEpoch = 1'700'000'000ull * 1'000'000'000ull;  // Nov 2023, in ns

struct Rig {
  test::FakeClock clock;
  test::RecordingIrq irq;
  R rtc{clock, irq, kEpoch};

  uint64_t time() {
    uint64_t lo = rtc.read(R::kTimeLow, 4);
    return lo | rtc.read(R::kTimeHigh, 4) << 32;
  }
  void set_alarm(uint64_t t) {
    rtc.write(R::kAlarmHigh, 4, t >> 32);
    rtc.write(R::kAlarmLow, 4, t & 0xffffffff);
  }
};

}  // namespace

TEST_CASE("goldfish rtc access rules: 32-bit registers only, no AMOs", "[rtc][rules]") {
  Rig r;
  CHECK(test::accepted_sizes(r.rtc, R::kTimeLow) == test::Sizes{4});
  CHECK(test::accepted_sizes(r.rtc, R::kClearInterrupt) == test::Sizes{4});
  CHECK(test::accepted_sizes(r.rtc, R::kTimeHigh + 2).empty());
  CHECK_FALSE(r.rtc.rules(0).atomics);
}

TEST_CASE("goldfish rtc time is the epoch plus the virtual clock", "[rtc]") {
  Rig r;
  CHECK(r.time() == kEpoch);
  r.clock.advance(2'500'000'000);
  CHECK(r.time() == kEpoch + 2'500'000'000);
  CHECK(r.rtc.now() == kEpoch + 2'500'000'000);
  uint64_t host = R::host_epoch_ns();
  CHECK(host > kEpoch);  // the host clock is after 2023
}

TEST_CASE("goldfish rtc TIME_LOW latches TIME_HIGH", "[rtc]") {
  test::FakeClock clock;
  test::RecordingIrq irq;
  R rtc(clock, irq, 0xffffff00ull);  // the low word is about to wrap
  uint64_t lo = rtc.read(R::kTimeLow, 4);
  clock.advance(0x200);
  CHECK(rtc.read(R::kTimeHigh, 4) == 0);  // the instant of the TIME_LOW read
  CHECK(lo == 0xffffff00ull);
  CHECK(rtc.read(R::kTimeLow, 4) == 0x100);
  CHECK(rtc.read(R::kTimeHigh, 4) == 1);
}

TEST_CASE("goldfish rtc set time", "[rtc]") {
  Rig r;
  const uint64_t t = 0x0123456789abcdefull;
  r.rtc.write(R::kTimeHigh, 4, t >> 32);
  r.rtc.write(R::kTimeLow, 4, t & 0xffffffff);
  CHECK(r.time() == t);
  r.clock.advance(1000);
  CHECK(r.time() == t + 1000);
}

TEST_CASE("goldfish rtc alarm", "[rtc]") {
  Rig r;
  r.rtc.write(R::kIrqEnabled, 4, 1);
  CHECK(r.rtc.read(R::kIrqEnabled, 4) == 1);
  const uint64_t at = kEpoch + 5'000'000'000ull;
  r.set_alarm(at);
  CHECK(r.rtc.read(R::kAlarmLow, 4) == (at & 0xffffffff));
  CHECK(r.rtc.read(R::kAlarmHigh, 4) == at >> 32);
  CHECK(r.rtc.read(R::kAlarmStatus, 4) == 1);
  CHECK(r.clock.pending_timers() == 1);
  r.clock.advance(4'999'999'999);
  CHECK_FALSE(r.irq.level);
  r.clock.advance(1);
  CHECK(r.irq.level);
  CHECK(r.rtc.read(R::kAlarmStatus, 4) == 0);
  r.rtc.write(R::kClearInterrupt, 4, 1);
  CHECK_FALSE(r.irq.level);

  SECTION("an alarm in the past fires at once") {
    r.set_alarm(kEpoch);
    CHECK(r.irq.level);
    CHECK(r.clock.pending_timers() == 0);
  }
  SECTION("CLEAR_ALARM cancels it") {
    r.set_alarm(r.rtc.now() + 1000);
    r.rtc.write(R::kClearAlarm, 4, 1);
    CHECK(r.rtc.read(R::kAlarmStatus, 4) == 0);
    CHECK(r.clock.pending_timers() == 0);
    r.clock.advance(10'000);
    CHECK_FALSE(r.irq.level);
  }
  SECTION("with the interrupt disabled the alarm is remembered, not signalled") {
    r.rtc.write(R::kIrqEnabled, 4, 0);
    r.set_alarm(r.rtc.now() + 1000);
    r.clock.advance(1000);
    CHECK_FALSE(r.irq.level);
    r.rtc.write(R::kIrqEnabled, 4, 1);
    CHECK(r.irq.level);
  }
  SECTION("an alarm beyond the clock's range never fires") {
    r.set_alarm(~0ull);
    CHECK(r.rtc.read(R::kAlarmStatus, 4) == 1);
    r.clock.advance(1'000'000'000'000ull);
    CHECK_FALSE(r.irq.level);
  }
}

TEST_CASE("goldfish rtc destruction cancels the alarm", "[rtc]") {
  test::FakeClock clock;
  test::RecordingIrq irq;
  {
    R rtc(clock, irq, kEpoch);
    rtc.write(R::kAlarmHigh, 4, (kEpoch + 100) >> 32);
    rtc.write(R::kAlarmLow, 4, (kEpoch + 100) & 0xffffffff);
    CHECK(clock.pending_timers() == 1);
  }
  CHECK(clock.pending_timers() == 0);
}

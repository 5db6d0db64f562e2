#include "devices/rtc/goldfish_rtc.h"

#include <chrono>

namespace kiln::devices {

uint64_t GoldfishRtc::host_epoch_ns() {
  auto d = std::chrono::system_clock::now().time_since_epoch();
  return uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(d).count());
}

GoldfishRtc::GoldfishRtc(Clock& clock, IrqLine& irq, uint64_t epoch_ns)
    : clock_(clock), irq_(irq), offset_(int64_t(epoch_ns)) {}

GoldfishRtc::~GoldfishRtc() { cancel_alarm(); }

uint64_t GoldfishRtc::now() const { return clock_.now_ns() + uint64_t(offset_); }

// All registers are 32-bit; Linux reads and writes them with 32-bit accesses.
uint64_t GoldfishRtc::read(uint64_t offset, unsigned size) {
  switch (offset) {
    case kTimeLow: {
      uint64_t t = now();
      time_high_latch_ = uint32_t(t >> 32);  // a following TIME_HIGH read sees the same instant
      return uint32_t(t);
    }
    case kTimeHigh:
      return time_high_latch_;
    case kAlarmLow:
      return uint32_t(alarm_);
    case kAlarmHigh:
      return uint32_t(alarm_ >> 32);
    case kIrqEnabled:
      return irq_enabled_;
    case kAlarmStatus:
      return alarm_armed_;
    default:
      return 0;
  }
}

void GoldfishRtc::write(uint64_t offset, unsigned size, uint64_t value) {
  uint32_t v = uint32_t(value);
  switch (offset) {
    case kTimeLow:
    case kTimeHigh: {
      // Setting the time: each half replaces its half of the current time
      // (the driver writes TIME_HIGH, then TIME_LOW).
      uint64_t t = now();
      t = offset == kTimeLow ? (t & ~0xffffffffull) | v : (t & 0xffffffffull) | (uint64_t(v) << 32);
      offset_ = int64_t(t - clock_.now_ns());
      if (alarm_armed_) arm_alarm();  // the alarm is in guest time: re-aim it
      return;
    }
    case kAlarmHigh:
      alarm_ = (alarm_ & 0xffffffffull) | (uint64_t(v) << 32);
      return;
    case kAlarmLow:
      alarm_ = (alarm_ & ~0xffffffffull) | v;
      arm_alarm();
      return;
    case kIrqEnabled:
      irq_enabled_ = v & 1;
      update_irq();
      return;
    case kClearAlarm:
      cancel_alarm();
      return;
    case kClearInterrupt:
      irq_pending_ = false;
      update_irq();
      return;
    default:
      return;
  }
}

void GoldfishRtc::arm_alarm() {
  cancel_alarm();
  uint64_t t = now();
  if (alarm_ <= t) {
    fire();
    return;
  }
  alarm_armed_ = true;  // ALARM_STATUS reads 1 until it fires or is cleared
  uint64_t now_ns = clock_.now_ns(), delta = alarm_ - t;
  if (delta > ~0ull - now_ns) return;  // beyond the clock's range: never fires
  alarm_scheduled_ = true;
  alarm_timer_ = clock_.schedule(now_ns + delta, [this] {
    alarm_scheduled_ = false;
    alarm_armed_ = false;
    fire();
  });
}

void GoldfishRtc::cancel_alarm() {
  if (alarm_scheduled_) clock_.cancel(alarm_timer_);
  alarm_scheduled_ = false;
  alarm_armed_ = false;
}

void GoldfishRtc::fire() {
  irq_pending_ = true;
  update_irq();
}

void GoldfishRtc::update_irq() { irq_.set_level(irq_pending_ && irq_enabled_); }

}  // namespace kiln::devices

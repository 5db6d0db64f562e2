// The Goldfish real-time clock of QEMU's `virt` board, as Linux's
// rtc-goldfish driver uses it: a 64-bit nanosecond UNIX time read as
// TIME_LOW (which latches TIME_HIGH) then TIME_HIGH, settable by writing
// TIME_HIGH then TIME_LOW; a one-shot alarm (ALARM_HIGH, then ALARM_LOW arms
// it) raising the IrqLine when IRQ_ENABLED; CLEAR_ALARM, ALARM_STATUS and
// CLEAR_INTERRUPT. Time = wall clock at construction + the virtual clock.
#pragma once
#include <cstdint>

#include "common/clock.h"
#include "devices/irq.h"
#include "mem/physmap.h"

namespace kiln::devices {

class GoldfishRtc final : public mem::MmioDevice {
 public:
  static constexpr uint64_t kMmioSize = 0x1000;
  enum Reg : uint64_t {
    kTimeLow = 0x00, kTimeHigh = 0x04, kAlarmLow = 0x08, kAlarmHigh = 0x0c,
    kIrqEnabled = 0x10, kClearAlarm = 0x14, kAlarmStatus = 0x18, kClearInterrupt = 0x1c,
  };

  // The host's wall clock now, in ns since the UNIX epoch.
  static uint64_t host_epoch_ns();
  // `epoch_ns`: the UNIX time (ns) at Clock time 0.
  GoldfishRtc(Clock& clock, IrqLine& irq, uint64_t epoch_ns = host_epoch_ns());
  ~GoldfishRtc() override;
  GoldfishRtc(const GoldfishRtc&) = delete;
  GoldfishRtc& operator=(const GoldfishRtc&) = delete;

  // 32-bit registers, accessed as such (QEMU's goldfish_rtc: valid 4..4). No
  // AMOs: reading TIME_LOW latches TIME_HIGH.
  mem::AccessRules rules(uint64_t) const override { return {.min_size = 4, .max_size = 4}; }
  uint64_t read(uint64_t offset, unsigned size) override;
  void write(uint64_t offset, unsigned size, uint64_t value) override;

  // The guest-visible time, ns since the UNIX epoch.
  uint64_t now() const;

 private:
  void arm_alarm();
  void cancel_alarm();
  void fire();
  void update_irq();

  Clock& clock_;
  IrqLine& irq_;
  int64_t offset_;  // guest time - clock.now_ns()
  uint32_t time_high_latch_ = 0;
  uint64_t alarm_ = 0;
  bool alarm_armed_ = false;     // ALARM_STATUS
  bool alarm_scheduled_ = false; // alarm_timer_ is live
  Clock::TimerId alarm_timer_ = 0;
  bool irq_enabled_ = false, irq_pending_ = false;
};

}  // namespace kiln::devices

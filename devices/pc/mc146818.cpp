#include "devices/pc/mc146818.h"

#include <algorithm>
#include <ctime>
#include <limits>

namespace kiln::devices {

namespace {

constexpr int64_t kNsPerSecond = 1'000'000'000;
constexpr int64_t kSecondsPerDay = 86400;
constexpr uint64_t kTimeBaseHz = 32768;

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

std::tm broken_down(int64_t seconds) {
  std::tm tm{};
  const std::time_t t = std::time_t(seconds);
  if (!gmtime_r(&t, &tm)) tm = std::tm{};  // a year past int's range: only a guest's garbage gets there
  return tm;
}

}  // namespace

Mc146818::Mc146818(Clock& clock, IrqLine& irq, int64_t start_ns)
    : clock_(clock), irq_(irq), seconds_(floor_div(start_ns, kNsPerSecond)) {
  // The divider's phase follows the start time's fraction of a second, so the
  // seconds tick when the host's do.
  phase_ns_ = now() - (start_ns - seconds_ * kNsPerSecond);
  boundary_ = boundary(now());
  tick_ = ticks(now());
}

Mc146818::~Mc146818() {
  if (timer_armed_) clock_.cancel(timer_);
}

uint64_t Mc146818::read(uint64_t offset, unsigned) {
  if (offset == 0) return 0xff;  // the index register is write-only
  return read_register(index_);
}

void Mc146818::write(uint64_t offset, unsigned, uint64_t value) {
  if (offset == 0) {
    index_ = value & 0x7f;
    nmi_masked_ = value & 0x80;
    return;
  }
  write_register(index_, uint8_t(value));
}

void Mc146818::reset() {
  advance();
  reg_b_ &= uint8_t(~(kPie | kAie | kUie | kSqwe));
  flags_ = 0;
  update_irq();
  arm();
}

int64_t Mc146818::seconds() {
  advance();
  return seconds_;
}

uint8_t Mc146818::read_register(unsigned index) {
  switch (index) {
    case kSeconds: case kMinutes: case kHours: case kDayOfWeek: case kDayOfMonth: case kMonth: case kYear:
    case kCentury:
      advance();
      return encode(index, seconds_);
    case kRegA: {
      advance();
      const uint64_t into_second = uint64_t(now() - phase_ns_) % kNsPerSecond;
      return reg_a_ | (updating() && into_second >= kNsPerSecond - kUipNs ? kUip : 0);
    }
    case kRegB:
      return reg_b_;
    case kRegC: {
      advance();
      const uint8_t c = flags_ | (irq_level_ ? kIrqf : 0);
      flags_ = 0;
      update_irq();
      arm();
      return c;
    }
    case kRegD:
      return kValidRam;
    default:
      return ram_[index];
  }
}

void Mc146818::write_register(unsigned index, uint8_t value) {
  switch (index) {
    case kSeconds: case kMinutes: case kHours: case kDayOfMonth: case kMonth: case kYear: case kCentury: {
      advance();
      std::tm tm = broken_down(seconds_);
      const int year = tm.tm_year + 1900;
      const int century = year >= 0 ? year / 100 : (year - 99) / 100;
      switch (index) {
        case kSeconds: tm.tm_sec = int(from_reg(value)); break;
        case kMinutes: tm.tm_min = int(from_reg(value)); break;
        case kHours:
          if (reg_b_ & k24Hour) tm.tm_hour = int(from_reg(value));
          else tm.tm_hour = int(from_reg(value & 0x7f) % 12) + (value & 0x80 ? 12 : 0);
          break;
        case kDayOfMonth: tm.tm_mday = int(from_reg(value)); break;
        case kMonth: tm.tm_mon = int(from_reg(value)) - 1; break;
        case kYear: tm.tm_year = century * 100 + int(from_reg(value)) - 1900; break;
        default: tm.tm_year = int(from_reg(value)) * 100 + (year - century * 100) - 1900; break;  // the century
      }
      tm.tm_isdst = 0;
      seconds_ = int64_t(timegm(&tm));  // out-of-range fields roll over, as the date arithmetic says
      return;
    }
    case kDayOfWeek:
      return;  // follows the date
    case kRegA: {
      advance();
      const bool was_running = running();
      reg_a_ = value & uint8_t(~kUip);
      if (!was_running && running()) {
        // Out of a divider reset the first update comes 500 ms later (MC146818A data sheet).
        phase_ns_ = now() - kNsPerSecond / 2;
        boundary_ = boundary(now());
        tick_ = ticks(now());
      }
      arm();
      return;
    }
    case kRegB:
      advance();
      if (value & kSet) value &= uint8_t(~kUie);  // the chip clears UIE when SET goes high
      reg_b_ = value;
      update_irq();
      arm();
      return;
    case kRegC:
    case kRegD:
      return;  // read-only
    default:
      ram_[index] = value;
  }
}

uint64_t Mc146818::ticks(int64_t t) const {
  return uint64_t((unsigned __int128)uint64_t(t - phase_ns_) * kTimeBaseHz / uint64_t(kNsPerSecond));
}

int64_t Mc146818::boundary(int64_t t) const { return floor_div(t - phase_ns_, kNsPerSecond); }

// RS 1 and 2 are 256 Hz and 128 Hz, RS 3-15 32768 Hz >> (RS - 1), in time-base ticks.
uint64_t Mc146818::period_ticks() const {
  const unsigned rs = reg_a_ & kRsMask;
  if (rs == 0) return 0;
  return rs <= 2 ? 1u << (rs + 6) : 1u << (rs - 1);
}

void Mc146818::advance() {
  const int64_t t = now();
  const int64_t k = boundary(t);
  if (k > boundary_) {
    const int64_t n = k - boundary_;
    boundary_ = k;
    if (updating()) {
      flags_ |= kUf;
      // Each update compares the alarm; the last day's updates cover every value it can hold.
      for (int64_t i = std::max<int64_t>(1, n - kSecondsPerDay + 1); i <= n && !(flags_ & kAf); i++)
        if (alarm_matches(seconds_ + i)) flags_ |= kAf;
      seconds_ += n;
    }
  }
  const uint64_t tk = ticks(t);
  const uint64_t period = period_ticks();
  if (running() && period && tk / period > tick_ / period) flags_ |= kPf;
  tick_ = tk;
  update_irq();
}

// 0xC0-0xFF in an alarm register matches any value.
bool Mc146818::alarm_matches(int64_t seconds) const {
  static constexpr std::pair<uint8_t, uint8_t> kPairs[] = {{kSecondsAlarm, kSeconds}, {kMinutesAlarm, kMinutes}, {kHoursAlarm, kHours}};
  for (auto [alarm, time] : kPairs)
    if ((ram_[alarm] & 0xc0) != 0xc0 && ram_[alarm] != encode(time, seconds)) return false;
  return true;
}

void Mc146818::update_irq() {
  irq_level_ = ((flags_ & kPf) && (reg_b_ & kPie)) || ((flags_ & kAf) && (reg_b_ & kAie)) ||
               ((flags_ & kUf) && (reg_b_ & kUie));
  irq_.set_level(irq_level_);
}

void Mc146818::arm() {
  if (timer_armed_) {
    clock_.cancel(timer_);
    timer_armed_ = false;
  }
  if (irq_level_ || !running()) return;  // raised already: the next event changes nothing until C is read
  int64_t deadline = std::numeric_limits<int64_t>::max();
  if (const uint64_t period = period_ticks(); period && (reg_b_ & kPie)) {
    const uint64_t edge = (tick_ / period + 1) * period;
    const uint64_t ns = uint64_t(((unsigned __int128)edge * uint64_t(kNsPerSecond) + kTimeBaseHz - 1) / kTimeBaseHz);
    deadline = phase_ns_ + int64_t(ns);
  }
  if ((reg_b_ & (kUie | kAie)) && !(reg_b_ & kSet))
    deadline = std::min(deadline, phase_ns_ + (boundary_ + 1) * kNsPerSecond);
  if (deadline == std::numeric_limits<int64_t>::max()) return;
  timer_ = clock_.schedule(uint64_t(std::max(deadline, now())), [this] {
    timer_armed_ = false;
    advance();
    arm();
  });
  timer_armed_ = true;
}

uint8_t Mc146818::to_reg(unsigned v) const {
  if (reg_b_ & kBinary) return uint8_t(v);
  return uint8_t(((v / 10) % 10) << 4 | (v % 10));
}

unsigned Mc146818::from_reg(uint8_t v) const {
  if (reg_b_ & kBinary) return v;
  return (v >> 4) * 10 + (v & 0x0f);
}

uint8_t Mc146818::encode(unsigned index, int64_t seconds) const {
  const std::tm tm = broken_down(seconds);
  const int year = tm.tm_year + 1900;
  const unsigned yy = unsigned(((year % 100) + 100) % 100), cc = unsigned(year >= 0 ? year / 100 : 0);
  switch (index) {
    case kSeconds: return to_reg(unsigned(tm.tm_sec));
    case kMinutes: return to_reg(unsigned(tm.tm_min));
    case kHours: {
      const unsigned h = unsigned(tm.tm_hour);
      if (reg_b_ & k24Hour) return to_reg(h);
      return uint8_t(to_reg(h % 12 == 0 ? 12 : h % 12) | (h >= 12 ? 0x80 : 0));
    }
    case kDayOfWeek: return to_reg(unsigned(tm.tm_wday) + 1);  // Sunday is 1
    case kDayOfMonth: return to_reg(unsigned(tm.tm_mday));
    case kMonth: return to_reg(unsigned(tm.tm_mon) + 1);
    case kYear: return to_reg(yy);
    default: return to_reg(cc);  // the century
  }
}

}  // namespace kiln::devices

#include "devices/pc/i8254.h"

#include <algorithm>

namespace kiln::devices {

namespace {
constexpr uint64_t kNever = ~0ull;
constexpr uint64_t kNsPerSecond = 1'000'000'000;

uint16_t from_bcd(uint16_t v) { return uint16_t((v >> 12 & 15) * 1000 + (v >> 8 & 15) * 100 + (v >> 4 & 15) * 10 + (v & 15)); }
uint16_t to_bcd(uint16_t v) {
  return uint16_t((v / 1000 % 10) << 12 | (v / 100 % 10) << 8 | (v / 10 % 10) << 4 | v % 10);
}
// The first nanosecond at which `tick` has begun.
uint64_t tick_ns(uint64_t tick) {
  return uint64_t((unsigned __int128)tick * kNsPerSecond / I8254::kHz + ((unsigned __int128)tick * kNsPerSecond % I8254::kHz != 0));
}
}  // namespace

I8254::I8254(Clock& clock, IrqLine& irq0) : clock_(clock), port_b_(*this) {
  ch_[0].irq = &irq0;
  ch_[2].gate = false;  // port 0x61 bit 0 starts clear
}

I8254::~I8254() {
  for (Channel& c : ch_)
    if (c.timer_armed) clock_.cancel(c.timer);
}

uint64_t I8254::now_ticks() const { return uint64_t((unsigned __int128)clock_.now_ns() * kHz / kNsPerSecond); }

uint64_t I8254::period(const Channel& c) const {
  if (c.count == 0) return c.bcd ? 10000 : 65536;
  return c.bcd ? from_bcd(c.count) : c.count;
}

uint64_t I8254::elapsed(const Channel& c, uint64_t t) const {
  if (!c.running) return 0;
  return c.paused ? c.frozen : t - c.start;
}

bool I8254::out_at(const Channel& c, uint64_t t) const {
  if (!c.running || (c.paused && (c.mode == 2 || c.mode == 3)))
    return c.mode != 0;  // mode 0 starts low, every other mode high
  const uint64_t n = period(c), d = elapsed(c, t);
  switch (c.mode) {
    case 0:
    case 1: return d >= n;
    case 2: return n <= 1 || d % n != n - 1;  // low for the tick before each reload
    case 3: return d % n < (n + 1) / 2;       // high for the first (larger) half
    default: return d != n;                    // 4, 5: low for one tick at the terminal count
  }
}

uint64_t I8254::rises_upto(const Channel& c, uint64_t d) const {
  const uint64_t n = period(c);
  switch (c.mode) {
    case 0:
    case 1: return d >= n;
    case 2: return n <= 1 ? 0 : d / n;
    case 3: return n <= 1 ? 0 : d / n;
    default: return d >= n + 1;
  }
}

uint64_t I8254::next_rise(const Channel& c, uint64_t d) const {
  const uint64_t n = period(c);
  switch (c.mode) {
    case 0:
    case 1: return d < n ? n : kNever;
    case 2:
    case 3: return n <= 1 ? kNever : d - d % n + n;
    default: return d <= n ? n + 1 : kNever;
  }
}

uint16_t I8254::current_count(const Channel& c, uint64_t t) const {
  if (!c.running) return c.count;
  const uint64_t n = period(c), d = elapsed(c, t), wrap = c.bcd ? 10000 : 65536;
  uint64_t v;
  switch (c.mode) {
    case 2: v = n - d % n; break;
    case 3: v = n - (2 * d) % n; break;  // counts down by two, twice per period
    default: v = (n + wrap - d % wrap) % wrap; break;  // on past 0 (0, 1, 4, 5)
  }
  v %= wrap;
  return c.bcd ? to_bcd(uint16_t(v)) : uint16_t(v);
}

bool I8254::out(unsigned n) const { return out_at(ch_[n], now_ticks()); }

uint8_t I8254::status_of(const Channel& c, uint64_t t) const {
  return uint8_t(out_at(c, t) << 7 | c.null_count << 6 | c.rw << 4 | c.mode_field << 1 | c.bcd);
}

void I8254::start(Channel& c, uint64_t t) {
  c.running = true;
  c.start = t;
  c.frozen = 0;
  c.rises_seen = 0;
  c.owed = 0;  // a new count: what the old one owed is void
  c.paused = !c.gate && c.mode != 1 && c.mode != 5;
}

void I8254::load(Channel& c) {
  c.loaded = true;
  c.null_count = false;
  if (c.mode == 1 || c.mode == 5) return;  // waits for a rising gate
  start(c, now_ticks());
}

void I8254::control(uint8_t v) {
  const unsigned sc = v >> 6, rw = (v >> 4) & 3;
  const uint64_t t = now_ticks();
  if (sc == 3) {  // read-back: bit 5 clear latches counts, bit 4 clear latches status, bits 1-3 pick channels
    for (unsigned n = 0; n < 3; n++) {
      if (!(v & (2u << n))) continue;
      Channel& c = ch_[n];
      if (!(v & 0x20) && !c.latch_bytes) {
        c.latch = current_count(c, t);
        c.latch_bytes = c.rw == 3 ? 2 : 1;
      }
      if (!(v & 0x10) && !c.status_latched) {
        c.status = status_of(c, t);
        c.status_latched = true;
      }
    }
    return;
  }
  Channel& c = ch_[sc];
  if (rw == 0) {  // counter latch command (a second one before the read does nothing)
    if (!c.latch_bytes) {
      c.latch = current_count(c, t);
      c.latch_bytes = c.rw == 3 ? 2 : 1;
    }
    return;
  }
  c.rw = rw;
  c.mode_field = (v >> 1) & 7;
  c.mode = c.mode_field > 5 ? c.mode_field - 4 : c.mode_field;
  c.bcd = v & 1;
  c.loaded = c.running = c.paused = false;
  c.null_count = true;
  c.write_msb = c.read_msb = false;
  c.latch_bytes = 0;
  c.status_latched = false;
  update_irq(c);
}

void I8254::write_count(Channel& c, uint8_t v) {
  switch (c.rw) {
    case 1: c.count = v; break;
    case 2: c.count = uint16_t(v << 8); break;
    default:
      if (!c.write_msb) {
        c.write_lsb = v;
        c.write_msb = true;
        if (c.mode == 0) c.running = false;  // mode 0: the first byte stops the count
        update_irq(c);
        return;
      }
      c.write_msb = false;
      c.count = uint16_t(c.write_lsb | v << 8);
      break;
  }
  load(c);
  update_irq(c);
}

uint8_t I8254::read_count(Channel& c) {
  if (c.status_latched) {
    c.status_latched = false;
    return c.status;
  }
  const uint16_t v = c.latch_bytes ? c.latch : current_count(c, now_ticks());
  if (c.latch_bytes) c.latch_bytes--;
  bool msb = c.rw == 2;
  if (c.rw == 3) {
    msb = c.read_msb;
    c.read_msb = !c.read_msb;
  }
  return uint8_t(msb ? v >> 8 : v);
}

uint64_t I8254::read(uint64_t offset, unsigned) {
  if (offset == 3) return 0xff;  // the control word register cannot be read
  return read_count(ch_[offset]);
}

void I8254::write(uint64_t offset, unsigned, uint64_t value) {
  if (offset == 3)
    control(uint8_t(value));
  else
    write_count(ch_[offset], uint8_t(value));
}

void I8254::set_gate(unsigned n, bool level) {
  Channel& c = ch_[n];
  if (level == c.gate) return;
  c.gate = level;
  const uint64_t t = now_ticks();
  if (level) {
    if (c.loaded && (c.mode == 1 || c.mode == 5 || c.mode == 2 || c.mode == 3))
      start(c, t);  // a trigger (1, 5) or a restart (2, 3)
    else if (c.running && c.paused)
      c.start = t - c.frozen, c.paused = false;  // 0, 4: counting resumes
  } else if (c.running && c.mode != 1 && c.mode != 5) {
    c.frozen = elapsed(c, t);
    c.paused = true;
  }
  update_irq(c);
}

void I8254::update_irq(Channel& c, bool catchup) {
  if (!c.irq) return;
  if (c.timer_armed) {
    clock_.cancel(c.timer);
    c.timer_armed = false;
  }
  const uint64_t t = now_ticks();
  const bool level = out_at(c, t);
  const uint64_t d = elapsed(c, t);
  const uint64_t rises = c.running ? rises_upto(c, d) : 0;
  const bool edge = rises > c.rises_seen;  // an edge the level alone would not show
  if (edge && (c.mode == 2 || c.mode == 3)) c.owed = lost_ticks::owe(c.owed, rises - c.rises_seen - 1, tick_ns(period(c)));
  const bool pay = !edge && catchup && c.owed > 0;
  if (edge || pay) {  // pulse it
    c.irq->set_level(false);
    c.irq->set_level(true);
  }
  if (pay) c.owed--;
  c.rises_seen = rises;
  c.irq->set_level(level);
  if (!c.running || c.paused) return;
  const uint64_t next = next_rise(c, d);
  if (next == kNever) return;
  uint64_t deadline = std::max(tick_ns(c.start + next), clock_.now_ns() + kMinTimerNs);
  if (c.owed) deadline = std::min(deadline, clock_.now_ns() + lost_ticks::catchup_ns(tick_ns(period(c))));
  c.timer = clock_.schedule(deadline, [this, &c] {
    c.timer_armed = false;
    update_irq(c, true);
  });
  c.timer_armed = true;
}

// ---- port 0x61

uint64_t I8254::PortB::read(uint64_t, unsigned) {
  const bool refresh = (pit_.clock_.now_ns() / kRefreshNs) & 1;
  return bits_ | uint8_t(refresh) << 4 | uint8_t(pit_.out(2)) << 5;
}

void I8254::PortB::write(uint64_t, unsigned, uint64_t value) {
  bits_ = uint8_t(value) & 0x0f;
  pit_.set_gate(2, bits_ & 1);
}

}  // namespace kiln::devices

#include "devices/riscv/clint.h"

namespace kiln::devices {

namespace {
constexpr uint64_t kNsPerTick = 1'000'000'000 / Clint::kTimebaseHz;

// Replaces the `size` bytes at byte `shift` of `word` with `value`.
uint64_t deposit(uint64_t word, unsigned shift, unsigned size, uint64_t value) {
  uint64_t mask = (size >= 8 ? ~0ull : (1ull << (8 * size)) - 1) << (8 * shift);
  return (word & ~mask) | ((value << (8 * shift)) & mask);
}
uint64_t extract(uint64_t word, unsigned shift, unsigned size) {
  word >>= 8 * shift;
  return size >= 8 ? word : word & ((1ull << (8 * size)) - 1);
}
}  // namespace

Clint::Clint(Clock& clock, std::vector<HartLines> harts) : clock_(clock) {
  for (const HartLines& l : harts) {
    Hart h;
    h.lines = l;
    harts_.push_back(h);
  }
}

Clint::~Clint() {
  for (Hart& h : harts_)
    if (h.timer_armed) clock_.cancel(h.timer);
}

uint64_t Clint::mtime() const { return clock_.now_ns() / kNsPerTick + uint64_t(offset_); }

uint64_t Clint::read(uint64_t offset, unsigned size) {
  if (offset < kMtimecmpBase) {
    uint64_t h = (offset - kMsipBase) / 4;
    return h < harts_.size() && offset % 4 == 0 ? harts_[h].msip : 0;
  }
  if (offset >= kMtimeOffset && offset < kMtimeOffset + 8)
    return extract(mtime(), unsigned(offset - kMtimeOffset), size);
  uint64_t h = (offset - kMtimecmpBase) / 8;
  if (h < harts_.size()) return extract(harts_[h].mtimecmp, unsigned(offset % 8), size);
  return 0;
}

void Clint::write(uint64_t offset, unsigned size, uint64_t value) {
  if (offset < kMtimecmpBase) {
    uint64_t h = (offset - kMsipBase) / 4;
    if (h >= harts_.size() || offset % 4) return;
    Hart& hart = harts_[h];
    hart.msip = value & 1;
    if (hart.lines.msip) hart.lines.msip->set_level(hart.msip);
    return;
  }
  if (offset >= kMtimeOffset && offset < kMtimeOffset + 8) {
    set_mtime(deposit(mtime(), unsigned(offset - kMtimeOffset), size, value));
    return;
  }
  uint64_t h = (offset - kMtimecmpBase) / 8;
  if (h < harts_.size()) set_mtimecmp(unsigned(h), deposit(harts_[h].mtimecmp, unsigned(offset % 8), size, value));
}

void Clint::set_mtimecmp(unsigned h, uint64_t v) {
  harts_[h].mtimecmp = v;
  update_timer(h);
}

void Clint::set_mtime(uint64_t v) {
  offset_ = int64_t(v - clock_.now_ns() / kNsPerTick);
  for (unsigned h = 0; h < harts_.size(); h++) update_timer(h);
}

// Drives MTIP from the comparison now and, if the compare value is still
// ahead, arms a timer for the moment it is reached.
void Clint::update_timer(unsigned h) {
  Hart& hart = harts_[h];
  if (hart.timer_armed) {
    clock_.cancel(hart.timer);
    hart.timer_armed = false;
  }
  bool due = mtime() >= hart.mtimecmp;
  if (hart.lines.mtip) hart.lines.mtip->set_level(due);
  if (due) return;
  // mtime = now_ns / kNsPerTick + offset reaches mtimecmp at this many ns.
  __int128 ticks = __int128(hart.mtimecmp) - offset_;
  __int128 deadline = ticks * kNsPerTick;
  if (deadline > __int128(~0ull)) return;  // beyond the clock's range: never
  hart.timer = clock_.schedule(uint64_t(deadline), [this, h] {
    harts_[h].timer_armed = false;
    update_timer(h);
  });
  hart.timer_armed = true;
}

}  // namespace kiln::devices

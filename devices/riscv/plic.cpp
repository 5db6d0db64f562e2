#include "devices/riscv/plic.h"

namespace kiln::devices {

namespace {
constexpr uint32_t kPriorityMask = 7;  // 3 priority bits, as on QEMU's virt board
inline bool bit(const std::vector<uint32_t>& v, unsigned n) { return (v[n / 32] >> (n % 32)) & 1; }
inline void set_bit(std::vector<uint32_t>& v, unsigned n, bool on) {
  if (on) {
    v[n / 32] |= 1u << (n % 32);
  } else {
    v[n / 32] &= ~(1u << (n % 32));
  }
}
}  // namespace

Plic::Plic(unsigned num_sources, std::vector<IrqLine*> contexts)
    : num_sources_(num_sources > 1023 ? 1023 : num_sources), words_((num_sources_ + 1 + 31) / 32) {
  priority_.assign(num_sources_ + 1, 0);
  pending_.assign(words_, 0);
  claimed_.assign(words_, 0);
  level_.assign(words_, 0);
  for (IrqLine* out : contexts) {
    Context c;
    c.out = out;
    c.enable.assign(words_, 0);
    contexts_.push_back(std::move(c));
  }
  sources_.resize(num_sources_ + 1);
  for (unsigned n = 0; n <= num_sources_; n++) {
    sources_[n].plic = this;
    sources_[n].id = n;
  }
  nowhere_.plic = this;
  nowhere_.id = 0;  // source 0 does not exist: its level is ignored
}

IrqLine& Plic::source(unsigned n) { return n >= 1 && n <= num_sources_ ? sources_[n] : nowhere_; }

void Plic::source_level(unsigned id, bool high) {
  if (id == 0 || id > num_sources_) return;
  set_bit(level_, id, high);
  // The gateway forwards the level while the source is not in flight.
  if (!bit(claimed_, id)) set_pending(id, high);
  update();
}

void Plic::set_pending(unsigned id, bool p) { set_bit(pending_, id, p); }

unsigned Plic::best(const Context& c) const {
  unsigned best_id = 0;
  uint32_t best_prio = c.threshold;
  for (unsigned w = 0; w < words_; w++) {
    uint32_t cand = pending_[w] & c.enable[w];
    while (cand) {
      unsigned n = w * 32 + unsigned(__builtin_ctz(cand));
      cand &= cand - 1;
      if (priority_[n] > best_prio) {  // strictly greater: the lowest id wins ties
        best_prio = priority_[n];
        best_id = n;
      }
    }
  }
  return best_id;
}

uint32_t Plic::claim(Context& c) {
  unsigned id = best(c);
  if (id) {
    set_pending(id, false);
    set_bit(claimed_, id, true);
    update();
  }
  return id;
}

void Plic::complete(unsigned id) {
  if (id == 0 || id > num_sources_ || !bit(claimed_, id)) return;
  set_bit(claimed_, id, false);
  if (bit(level_, id)) set_pending(id, true);  // still asserted: pending again
  update();
}

void Plic::update() {
  for (Context& c : contexts_) {
    bool level = best(c) != 0;
    if (level != c.level) {
      c.level = level;
      if (c.out) c.out->set_level(level);
    }
  }
}

// Registers are 32-bit; an 8-byte access is two of them, low word first.
// rules() keeps every access 32-bit and aligned.
uint64_t Plic::read(uint64_t offset, unsigned size) {
  if (offset < kPendingBase) {
    uint64_t n = offset / 4;
    return n <= num_sources_ ? priority_[n] : 0;
  }
  if (offset < kEnableBase) {
    uint64_t w = (offset - kPendingBase) / 4;
    return w < words_ ? pending_[w] : 0;
  }
  if (offset < kContextBase) {
    uint64_t ctx = (offset - kEnableBase) / kEnableStride, w = (offset - kEnableBase) % kEnableStride / 4;
    return ctx < contexts_.size() && w < words_ ? contexts_[ctx].enable[w] : 0;
  }
  uint64_t ctx = (offset - kContextBase) / kContextStride, reg = (offset - kContextBase) % kContextStride;
  if (ctx >= contexts_.size()) return 0;
  if (reg == 0) return contexts_[ctx].threshold;
  if (reg == 4) return claim(contexts_[ctx]);
  return 0;
}

void Plic::write(uint64_t offset, unsigned size, uint64_t value) {
  uint32_t v = uint32_t(value);
  if (offset < kPendingBase) {
    uint64_t n = offset / 4;
    if (n >= 1 && n <= num_sources_) {
      priority_[n] = v & kPriorityMask;
      update();
    }
    return;
  }
  if (offset < kEnableBase) return;  // pending bits are read-only
  if (offset < kContextBase) {
    uint64_t ctx = (offset - kEnableBase) / kEnableStride, w = (offset - kEnableBase) % kEnableStride / 4;
    if (ctx >= contexts_.size() || w >= words_) return;
    if (w == 0) v &= ~1u;  // source 0 does not exist
    if (w == words_ - 1 && (num_sources_ + 1) % 32) v &= (1u << ((num_sources_ + 1) % 32)) - 1;
    contexts_[ctx].enable[w] = v;
    update();
    return;
  }
  uint64_t ctx = (offset - kContextBase) / kContextStride, reg = (offset - kContextBase) % kContextStride;
  if (ctx >= contexts_.size()) return;
  if (reg == 0) {
    contexts_[ctx].threshold = v & kPriorityMask;
    update();
  } else if (reg == 4) {
    // Completion by a context for which the source is not enabled is ignored.
    if (v >= 1 && v <= num_sources_ && bit(contexts_[ctx].enable, v)) complete(v);
  }
}

}  // namespace kiln::devices

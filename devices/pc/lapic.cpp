#include "devices/pc/lapic.h"

#include <algorithm>
#include <bit>

namespace kiln::devices {

namespace {
// ESR bits (SDM Vol. 3 §11.5.3).
constexpr uint32_t kEsrSendIllegalVector = 0x20, kEsrReceiveIllegalVector = 0x40;
// The LVT bits software may write, per entry (timer, thermal, perf, LINT0, LINT1, error): the
// vector, the delivery mode (not the timer's or error's), polarity and trigger (LINTs), the mask, the timer mode.
constexpr uint32_t kLvtWritable[] = {0x300ff, 0x107ff, 0x107ff, 0x1a7ff, 0x1a7ff, 0x100ff};
constexpr uint32_t kLvtLevel = 1u << 15;
constexpr uint32_t kTimerPeriodic = 1u << 17;
constexpr uint64_t kBaseAddressMask = 0xff'ffff'f000ull;  // 40 physical address bits

ApicDelivery delivery_of(uint32_t v) { return ApicDelivery((v >> 8) & 7); }
bool test(const std::array<uint32_t, 8>& b, unsigned v) { return b[v >> 5] >> (v & 31) & 1; }
void set(std::array<uint32_t, 8>& b, unsigned v, bool on) {
  if (on)
    b[v >> 5] |= 1u << (v & 31);
  else
    b[v >> 5] &= ~(1u << (v & 31));
}
}  // namespace

// ---- the bus

void ApicBus::send(const ApicMessage& m, const LocalApic* except) {
  if (m.mode == ApicDelivery::Lowest) {  // the matching APIC with the lowest PPR (the first attached, the lowest index, on a tie)
    LocalApic* pick = nullptr;
    for (LocalApic* a : apics_)
      if (a != except && a->matches(m) && (!pick || a->ppr() < pick->ppr())) pick = a;
    if (pick) pick->accept(m.mode, m.vector, m.level);
    return;
  }
  for (LocalApic* a : apics_)
    if (a != except && a->matches(m)) a->accept(m.mode, m.vector, m.level);
}

void ApicBus::broadcast_eoi(uint8_t vector) {
  for (auto& fn : eoi_listeners_) fn(vector);
}

// ---- the local APIC

LocalApic::LocalApic(Clock& clock, IrqLine& intr, uint8_t id, bool bsp, ApicBus* bus)
    : clock_(clock), intr_(intr), bus_(bus), initial_id_(id), bsp_(bsp) {
  for (unsigned n = 0; n < 2; n++) lint_[n].apic = this, lint_[n].n = n;
  if (bus_) bus_->attach(*this);
  reset();
}

LocalApic::~LocalApic() { cancel_timer(); }

void LocalApic::reset() {
  base_msr_ = kDefaultBase | kBaseEnable | (bsp_ ? kBaseBsp : 0);
  id_ = initial_id_;
  init();
}

void LocalApic::init() {
  cancel_timer();
  tpr_ = ldr_ = esr_ = esr_pending_ = icr_low_ = icr_high_ = 0;
  dfr_ = 0xf0000000;
  svr_ = 0xff;
  lvt_.fill(kLvtMasked);
  if (bsp_) lvt_[kLint0] = uint32_t(ApicDelivery::ExtInt) << 8;  // virtual wire: the 8259A reaches the CPU (as QEMU)
  isr_ = tmr_ = irr_ = Bits{};
  initial_count_ = divide_conf_ = 0;
  timer_running_ = false;
  extint_message_ = false;
  update();
}

bool LocalApic::write_base_msr(uint64_t v) {
  if (v & ~(kBaseAddressMask | kBaseBsp | kBaseEnable | kBaseX2apic)) return false;
  // SDM §11.12.5: EXTD without EN is invalid, and x2APIC mode is left only for disabled.
  const bool to_x2apic = (v & kBaseX2apic) != 0, to_enabled = (v & kBaseEnable) != 0;
  if (to_x2apic && !to_enabled) return false;
  if (x2apic() && to_enabled && !to_x2apic) return false;
  if (to_x2apic && !x2apic()) id_ = initial_id_;  // the x2APIC ID is the initial one, read-only
  base_msr_ = (v & ~kBaseBsp) | (base_msr_ & kBaseBsp);
  if (!enabled()) svr_ &= ~kSvrEnable;  // re-enabling finds the APIC software-disabled
  update();
  return true;
}

void LocalApic::write_cr8(uint8_t v) {
  tpr_ = uint32_t(v & 15) << 4;
  update();
}

int LocalApic::highest(const Bits& b) {
  for (int i = 7; i >= 0; i--)
    if (b[i]) return i * 32 + 31 - std::countl_zero(b[i]);
  return -1;
}

uint8_t LocalApic::ppr() const {
  const int isrv = std::max(highest(isr_), 0);
  return (tpr_ >> 4) >= unsigned(isrv >> 4) ? uint8_t(tpr_) : uint8_t(isrv & 0xf0);
}

bool LocalApic::extint_pending() const {
  if (extint_message_) return true;
  if (!lint_level_[0]) return false;
  return !enabled() || (!(lvt_[kLint0] & kLvtMasked) && delivery_of(lvt_[kLint0]) == ApicDelivery::ExtInt);
}

void LocalApic::update() {
  const int irrv = highest(irr_);
  const bool fixed = enabled() && (svr_ & kSvrEnable) && irrv >= 0 && (irrv >> 4) > (ppr() >> 4);
  const bool level = fixed || extint_pending();
  if (level == intr_level_) return;
  intr_level_ = level;
  intr_.set_level(level);
}

bool LocalApic::may_interrupt(bool pic_may, bool messages_may) const {
  const bool wire = !enabled() || (!(lvt_[kLint0] & kLvtMasked) && delivery_of(lvt_[kLint0]) == ApicDelivery::ExtInt);
  if (pic_may && wire) return true;
  if (!enabled() || !(svr_ & kSvrEnable)) return false;
  const int irrv = highest(irr_);
  if (messages_may || (irrv >= 0 && (irrv >> 4) > (ppr() >> 4))) return true;
  if (timer_running_ && !(lvt_[kTimer] & kLvtMasked)) return true;
  for (Lvt n : {kLint0, kLint1})
    if (!(lvt_[n] & kLvtMasked) && delivery_of(lvt_[n]) == ApicDelivery::Fixed) return true;
  return false;
}

uint8_t LocalApic::acknowledge() {
  if (extint_pending()) {  // ExtINT bypasses the priorities: the 8259A says the vector
    extint_message_ = false;
    const uint8_t v = extint_ack_ ? extint_ack_() : uint8_t(svr_);
    update();
    return v;
  }
  const int irrv = highest(irr_);
  if (!enabled() || !(svr_ & kSvrEnable) || irrv < 0 || (irrv >> 4) <= (ppr() >> 4)) {
    update();
    return uint8_t(svr_);  // the request went away (a TPR raise, say): spurious
  }
  set(irr_, unsigned(irrv), false);
  set(isr_, unsigned(irrv), true);
  update();
  return uint8_t(irrv);
}

bool LocalApic::matches(const ApicMessage& m) const {
  if (m.dest == (m.x2apic ? 0xffffffffu : 0xffu)) return true;
  if (x2apic()) {  // cluster in bits 31:16, a bit per APIC in 15:0
    if (!m.logical) return m.dest == id_;
    const uint32_t ldr = x2apic_ldr();
    return (m.dest >> 16) == (ldr >> 16) && (m.dest & ldr & 0xffff);
  }
  const uint8_t dest = uint8_t(m.dest);
  if (!m.logical) return dest == id_;
  const uint8_t ldr = uint8_t(ldr_ >> 24);
  if ((dfr_ >> 28) == 0xf) return ldr & dest;  // flat model: a bit per APIC
  return (ldr >> 4) == (dest >> 4) && (ldr & dest & 0xf);  // cluster model
}

void LocalApic::accept(ApicDelivery mode, uint8_t vector, bool level) {
  if (!enabled() && mode != ApicDelivery::ExtInt) return;  // globally disabled: a wire for the 8259A only
  switch (mode) {
    case ApicDelivery::Fixed:
    case ApicDelivery::Lowest:
      if (enabled() && (svr_ & kSvrEnable)) set_irr(vector, level);  // a software-disabled APIC takes none
      break;
    case ApicDelivery::ExtInt:
      extint_message_ = true;
      update();
      break;
    case ApicDelivery::Nmi:
      if (signals_.nmi) signals_.nmi();
      break;
    case ApicDelivery::Init:
      init();
      if (signals_.init) signals_.init(base_msr_ & kBaseBsp);
      break;
    case ApicDelivery::Startup:
      if (signals_.startup) signals_.startup(vector);
      break;
    default:  // SMI: no SMM
      break;
  }
}

void LocalApic::set_irr(uint8_t vector, bool level) {
  if (vector < 16) {
    error(kEsrReceiveIllegalVector);
    return;
  }
  set(irr_, vector, true);
  set(tmr_, vector, level);
  update();
}

void LocalApic::error(uint32_t bit) {
  esr_pending_ |= bit;
  const uint32_t lvt = lvt_[kError];
  if (!(lvt & kLvtMasked) && (lvt & 0xff) >= 16) set_irr(uint8_t(lvt), false);
}

void LocalApic::local_deliver(Lvt n) {
  const uint32_t lvt = lvt_[n];
  if (lvt & kLvtMasked) return;
  const bool fixed = n == kTimer || n == kError || delivery_of(lvt) == ApicDelivery::Fixed;
  if (fixed) set_irr(uint8_t(lvt), (n == kLint0 || n == kLint1) && (lvt & kLvtLevel));
  else if (delivery_of(lvt) == ApicDelivery::Nmi && signals_.nmi) signals_.nmi();
  // ExtINT is extint_pending()'s; SMI and INIT through an LVT: not taken.
}

void LocalApic::set_lint(unsigned n, bool level) {
  const bool rose = level && !lint_level_[n];
  lint_level_[n] = level;
  if (rose && enabled()) local_deliver(n == 0 ? kLint0 : kLint1);
  update();
}

void LocalApic::eoi() {
  const int v = highest(isr_);
  if (v < 0) return;
  set(isr_, unsigned(v), false);
  if (test(tmr_, unsigned(v)) && bus_) bus_->broadcast_eoi(uint8_t(v));
  update();
}

void LocalApic::send_ipi() {
  ApicMessage m{.dest = x2apic() ? icr_high_ : icr_high_ >> 24, .logical = bool(icr_low_ & (1u << 11)),
                .x2apic = x2apic(), .mode = delivery_of(icr_low_), .vector = uint8_t(icr_low_),
                .level = bool(icr_low_ & kLvtLevel)};
  if ((m.mode == ApicDelivery::Fixed || m.mode == ApicDelivery::Lowest) && m.vector < 16) {
    error(kEsrSendIllegalVector);
    return;
  }
  // INIT level de-assert (level trigger, level bit 14 clear): only synchronises arbitration IDs.
  if (m.mode == ApicDelivery::Init && m.level && !(icr_low_ & (1u << 14))) return;
  switch ((icr_low_ >> 18) & 3) {
    case 1: accept(m.mode, m.vector, m.level); return;  // self
    case 2:  // all including self
      m.dest = 0xff, m.logical = false, m.x2apic = false;
      if (bus_) bus_->send(m); else accept(m.mode, m.vector, m.level);
      return;
    case 3:  // all excluding self
      m.dest = 0xff, m.logical = false, m.x2apic = false;
      if (bus_) bus_->send(m, this);
      return;
    default:
      if (bus_) bus_->send(m); else if (matches(m)) accept(m.mode, m.vector, m.level);
      return;
  }
}

// ---- the timer

uint64_t LocalApic::divide() const {
  const uint32_t v = (divide_conf_ & 3) | (divide_conf_ >> 1 & 4);
  return v == 7 ? 1 : 2u << v;
}

uint32_t LocalApic::current_count() const {
  if (!timer_running_) return 0;
  const uint64_t ticks = (clock_.now_ns() - timer_start_ns_) / divide();
  if (lvt_[kTimer] & kTimerPeriodic) return uint32_t(initial_count_ - ticks % initial_count_);
  return ticks >= initial_count_ ? 0 : uint32_t(initial_count_ - ticks);
}

void LocalApic::cancel_timer() {
  if (timer_armed_) clock_.cancel(timer_);
  timer_armed_ = false;
}

// Sets the clock's timer for the end of the current count (periodic: of the current period).
void LocalApic::arm_timer() {
  cancel_timer();
  timer_owed_ = 0;  // reprogrammed: what the old count owed is void
  if (!timer_running_) return;
  const uint64_t period = uint64_t(initial_count_) * divide();
  uint64_t end = timer_start_ns_ + period;
  const uint64_t now = clock_.now_ns();
  if ((lvt_[kTimer] & kTimerPeriodic) && end <= now) end += (now - end) / period * period + period;
  timer_ = clock_.schedule(std::max(end, now + (end > now ? 0 : kMinTimerNs)), [this] {
    timer_armed_ = false;
    timer_fired();
  });
  timer_armed_ = true;
}

void LocalApic::timer_fired(bool catchup) {
  const uint64_t period = uint64_t(initial_count_) * divide(), now = clock_.now_ns();
  if (!(lvt_[kTimer] & kTimerPeriodic)) {
    local_deliver(kTimer);
    timer_running_ = false;
    return;
  }
  const uint64_t ended = (now - timer_start_ns_) / period;  // periods ended since the current one began
  const uint8_t vector = uint8_t(lvt_[kTimer]);
  if (ended > 0) {
    local_deliver(kTimer);  // the IRR is a latch: one interrupt however late
    if (!(lvt_[kTimer] & kLvtMasked)) timer_owed_ = lost_ticks::owe(timer_owed_, ended - 1, period);
    timer_start_ns_ += ended * period;  // the period running now began here
  } else if (catchup && timer_owed_ && !(irr_[vector >> 5] >> (vector & 31) & 1)) {
    local_deliver(kTimer);
    timer_owed_--;
  }
  uint64_t next = std::max(timer_start_ns_ + period, now + kMinTimerNs);
  if (timer_owed_) next = std::min(next, now + std::max(kMinTimerNs, lost_ticks::catchup_ns(period)));
  timer_ = clock_.schedule(next, [this] {
    timer_armed_ = false;
    timer_fired(true);
  });
  timer_armed_ = true;
}

// ---- registers

uint32_t LocalApic::read_reg(uint32_t reg) {
  if (reg >= kIsr && reg < kIsr + 0x80) return isr_[(reg - kIsr) >> 4];
  if (reg >= kTmr && reg < kTmr + 0x80) return tmr_[(reg - kTmr) >> 4];
  if (reg >= kIrr && reg < kIrr + 0x80) return irr_[(reg - kIrr) >> 4];
  if (reg >= kLvtTimer && reg <= kLvtError) return lvt_[(reg - kLvtTimer) >> 4];
  switch (reg) {
    case kId: return x2apic() ? id_ : uint32_t(id_) << 24;
    case kVersion: return kVersionValue;
    case kTpr: return tpr_;
    case kApr: {
      const int irrv = std::max(highest(irr_), 0), isrv = std::max(highest(isr_), 0);
      const int top = std::max(irrv, isrv) & 0xf0;
      return (tpr_ & 0xf0) >= uint32_t(top) ? tpr_ : uint32_t(top);
    }
    case kPpr: return ppr();
    case kLdr: return x2apic() ? x2apic_ldr() : ldr_;
    case kDfr: return dfr_ | 0x0fffffff;
    case kSvr: return svr_;
    case kEsr: return esr_;
    case kIcrLow: return icr_low_;  // delivery status (bit 12) always idle: messages arrive at once
    case kIcrHigh: return icr_high_;
    case kInitialCount: return initial_count_;
    case kCurrentCount: return current_count();
    case kDivide: return divide_conf_;
    default: return 0;
  }
}

void LocalApic::write_reg(uint32_t reg, uint32_t v) {
  if (reg >= kLvtTimer && reg <= kLvtError) {
    const unsigned n = (reg - kLvtTimer) >> 4;
    lvt_[n] = (v & kLvtWritable[n]) | (lvt_[n] & ~kLvtWritable[n] & ~kLvtMasked);
    if (!(svr_ & kSvrEnable)) lvt_[n] |= kLvtMasked;  // software-disabled: the masks stay set
    if (n == kTimer) arm_timer();
    update();
    return;
  }
  switch (reg) {
    case kId: id_ = uint8_t(v >> 24); break;
    case kTpr:
      tpr_ = v & 0xff;
      update();
      break;
    case kEoi: eoi(); break;
    case kLdr: ldr_ = v & 0xff000000; break;
    case kDfr: dfr_ = v & 0xf0000000; break;
    case kSvr:
      svr_ = v & 0x3ff;
      if (!(svr_ & kSvrEnable))
        for (uint32_t& l : lvt_) l |= kLvtMasked;
      update();
      break;
    case kEsr:  // a write makes the errors since the last one readable
      esr_ = esr_pending_;
      esr_pending_ = 0;
      break;
    case kIcrLow:
      icr_low_ = v & 0xccfff;
      send_ipi();
      break;
    case kIcrHigh: icr_high_ = v & 0xff000000; break;
    case kInitialCount:
      initial_count_ = v;
      timer_start_ns_ = clock_.now_ns();
      timer_running_ = v != 0;
      arm_timer();
      break;
    case kDivide:
      if (timer_running_) {  // the count so far stays; the rest runs at the new rate
        const uint64_t done = initial_count_ - current_count();
        divide_conf_ = v & 0xb;
        timer_start_ns_ = clock_.now_ns() - done * divide();
        arm_timer();
      } else {
        divide_conf_ = v & 0xb;
      }
      break;
    default: break;  // read-only and reserved registers
  }
}

// ---- x2APIC MSRs (SDM Vol. 3 Table 11-6)

namespace {
enum class X2Access { None, ReadOnly, WriteOnly, ReadWrite };
// The access an x2APIC MSR allows, by its xAPIC register offset: no APR, RRD, DFR or ICR high half, no CMCI LVT.
X2Access x2apic_access(uint32_t reg) {
  using R = LocalApic::Reg;
  if (reg >= R::kIsr && reg < R::kIrr + 0x80) return X2Access::ReadOnly;  // ISR, TMR, IRR
  if (reg >= R::kLvtTimer && reg <= R::kLvtError) return X2Access::ReadWrite;
  switch (reg) {
    case R::kId: case R::kVersion: case R::kPpr: case R::kLdr: case R::kCurrentCount: return X2Access::ReadOnly;
    case R::kEoi: case 0x3f0: return X2Access::WriteOnly;  // 0x3F0: SELF IPI
    case R::kTpr: case R::kSvr: case R::kEsr: case R::kIcrLow: case R::kInitialCount: case R::kDivide:
      return X2Access::ReadWrite;
    default: return X2Access::None;
  }
}
}  // namespace

bool LocalApic::read_msr(uint32_t msr, uint64_t* v) {
  if (msr == kBaseMsr) {
    *v = base_msr_;
    return true;
  }
  const uint32_t reg = (msr - kX2apicMsrs) << 4;
  if (!x2apic() || msr < kX2apicMsrs || reg >= kSize) return false;
  const X2Access a = x2apic_access(reg);
  if (a != X2Access::ReadOnly && a != X2Access::ReadWrite) return false;
  *v = read_reg(reg);
  if (reg == kIcrLow) *v |= uint64_t(icr_high_) << 32;
  return true;
}

bool LocalApic::write_msr(uint32_t msr, uint64_t v) {
  if (msr == kBaseMsr) return write_base_msr(v);
  const uint32_t reg = (msr - kX2apicMsrs) << 4;
  if (!x2apic() || msr < kX2apicMsrs || reg >= kSize) return false;
  const X2Access a = x2apic_access(reg);
  if (a != X2Access::WriteOnly && a != X2Access::ReadWrite) return false;
  if (reg != kIcrLow && (v >> 32)) return false;  // bits 63:32 are reserved but in the ICR
  if ((reg == kEoi || reg == kEsr) && v) return false;  // EOI and ESR take only 0
  if (msr == kSelfIpiMsr) {
    if (v >> 8) return false;  // bits 31:8 reserved
    if (v < 16) error(kEsrSendIllegalVector);
    else accept(ApicDelivery::Fixed, uint8_t(v), false);  // a fixed, edge IPI to itself
    return true;
  }
  if (reg == kIcrLow) icr_high_ = uint32_t(v >> 32);  // before the low half sends
  write_reg(reg, uint32_t(v));
  return true;
}

uint64_t LocalApic::read(uint64_t offset, unsigned size) {
  if (x2apic()) return size == 4 ? 0xffffffffu : (1ull << (8 * size)) - 1;  // the page is not decoded: open bus
  if ((offset & 0xf) + size > 4) return 0;  // beyond a register's dword
  const uint64_t v = read_reg(uint32_t(offset & 0xff0)) >> (8 * (offset & 3));
  return size == 4 ? v : v & ((1ull << (8 * size)) - 1);
}

void LocalApic::write(uint64_t offset, unsigned size, uint64_t value) {
  if (x2apic()) return;  // the page is not decoded in x2APIC mode
  if (size == 4 && (offset & 0xf) == 0) write_reg(uint32_t(offset & 0xff0), uint32_t(value));
}

}  // namespace kiln::devices

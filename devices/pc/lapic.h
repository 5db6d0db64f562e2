// The local APIC of one x86 CPU in xAPIC mode (Intel SDM Vol. 3 ch. 11):
// 32-bit registers every 16 bytes in a 4 KiB page at IA32_APIC_BASE. ID,
// version (0x14, six LVT entries), TPR/APR/PPR, EOI, LDR/DFR, SVR, the
// 256-bit ISR/TMR/IRR, ESR, ICR, the LVT (timer, thermal, perf, LINT0,
// LINT1, error) and the timer (one-shot and periodic, the divide
// configuration; a 1 GHz bus clock, as QEMU's, so one count per ns at
// divide-by-1). Its output is the CPU's INTR pin; acknowledge() is the INTA
// cycle. LINT0 in ExtINT mode (the BSP's reset state, as QEMU's "virtual
// wire") passes the 8259A's INTR through and INTA on to the 8259A; so does a
// globally disabled APIC (IA32_APIC_BASE bit 11 clear). Fixed and
// lowest-priority interrupts (from the timer, LVTs, IPIs, the IOAPIC) wait
// in the IRR; the highest one above the PPR's class is delivered. EOI
// clears the highest ISR bit and, if it was level-triggered, broadcasts the
// vector (the IOAPIC clears its remote IRR).
//
// NMI, INIT and Startup messages (IPIs, LINT in NMI mode) go to the CPU
// through CpuSignals; INIT also resets this APIC but for its ID. A software-
// disabled APIC still takes them (SDM §10.4.7.2), a globally disabled one
// nothing. Messages arrive at once, so the ICR's delivery status reads idle.
// Lowest priority goes to the matching APIC with the lowest PPR, the lowest
// index (APIC ID) on a tie; no focus processor.
//
// x2APIC mode (SDM §11.12), on models whose CPU lets IA32_APIC_BASE.EXTD be
// set (CPUID.X2APIC, cpu/x86/features.h): the registers as MSRs 0x800-0x8FF (MSR
// = 0x800 + offset / 16), the ID the full 32-bit initial APIC ID and read-
// only, the LDR derived from it (cluster << 16 | 1 << (ID & 15)), no DFR,
// APR or ICR high half (one 64-bit ICR, a 32-bit destination), SELF IPI at
// 0x83F; the MMIO page reads all ones and drops writes. Transitions go
// disabled <-> xAPIC, xAPIC or disabled -> x2APIC -> disabled (as QEMU);
// x2APIC -> xAPIC, and EXTD without EN, are #GP.
//
// Not modelled: the TSC-deadline timer mode (CPUID does not report
// it), SMI (no SMM), relocating the register page (the base MSR keeps the new
// base, the registers stay at 0xFEE00000).
#pragma once
#include "devices/pc/lost_ticks.h"
#include <array>
#include <cstdint>
#include <functional>
#include <vector>

#include "common/clock.h"
#include "devices/irq.h"
#include "mem/physmap.h"

namespace kiln::devices {

class LocalApic;

// Delivery modes (ICR, LVT and IOAPIC redirection entries, bits 8-10).
enum class ApicDelivery : uint8_t { Fixed = 0, Lowest = 1, Smi = 2, Nmi = 4, Init = 5, Startup = 6, ExtInt = 7 };

// One interrupt message on the APIC bus.
struct ApicMessage {
  uint32_t dest = 0;     // APIC ID (physical) or MDA (logical); 0xFF (x2APIC format: 0xFFFFFFFF): all
  bool logical = false;  // destination mode
  bool x2apic = false;   // the destination is in x2APIC format (32 bits; from an x2APIC-mode ICR)
  ApicDelivery mode = ApicDelivery::Fixed;
  uint8_t vector = 0;
  bool level = false;    // trigger mode: level (the EOI is broadcast back)
};

// The APIC bus: the local APICs (one per CPU) and the listeners of EOI
// broadcasts (the IOAPIC). Messages go to every matching local APIC; a
// lowest-priority message to the matching one with the lowest PPR.
class ApicBus {
 public:
  void attach(LocalApic& apic) { apics_.push_back(&apic); }
  void on_eoi(std::function<void(uint8_t vector)> fn) { eoi_listeners_.push_back(std::move(fn)); }
  // `except`: a sender excluding itself (ICR shorthand "all but self").
  void send(const ApicMessage& m, const LocalApic* except = nullptr);
  void broadcast_eoi(uint8_t vector);

 private:
  std::vector<LocalApic*> apics_;
  std::vector<std::function<void(uint8_t)>> eoi_listeners_;
};

class LocalApic final : public mem::MmioDevice {
 public:
  static constexpr uint64_t kDefaultBase = 0xfee00000, kSize = 0x1000;
  static constexpr uint64_t kBaseBsp = 1u << 8, kBaseX2apic = 1u << 10, kBaseEnable = 1u << 11;
  static constexpr uint32_t kBaseMsr = 0x1b, kX2apicMsrs = 0x800, kSelfIpiMsr = 0x83f;
  // Registers (offsets in the page).
  enum Reg : uint32_t {
    kId = 0x20, kVersion = 0x30, kTpr = 0x80, kApr = 0x90, kPpr = 0xa0, kEoi = 0xb0, kRrd = 0xc0, kLdr = 0xd0,
    kDfr = 0xe0, kSvr = 0xf0, kIsr = 0x100, kTmr = 0x180, kIrr = 0x200, kEsr = 0x280, kIcrLow = 0x300,
    kIcrHigh = 0x310, kLvtTimer = 0x320, kLvtThermal = 0x330, kLvtPerf = 0x340, kLvtLint0 = 0x350,
    kLvtLint1 = 0x360, kLvtError = 0x370, kInitialCount = 0x380, kCurrentCount = 0x390, kDivide = 0x3e0,
  };
  static constexpr uint32_t kLvtMasked = 1u << 16, kSvrEnable = 1u << 8;
  static constexpr uint32_t kVersionValue = 0x00050014;  // version 0x14, max LVT entry 5
  // Timers no closer than this (a periodic count of a few ns cannot flood the host).
  static constexpr uint64_t kMinTimerNs = 10'000;
  // Periods of the periodic timer a late timer missed are owed (lost_ticks.h),
  // each delivered once the last has left the IRR.
  static constexpr uint64_t kCatchupNs = lost_ticks::kCatchupNs;

  // `intr`: the CPU's INTR pin. `bus`: where IPIs go (nullptr: only to itself).
  LocalApic(Clock& clock, IrqLine& intr, uint8_t id, bool bsp, ApicBus* bus = nullptr);
  ~LocalApic() override;
  LocalApic(const LocalApic&) = delete;
  LocalApic& operator=(const LocalApic&) = delete;

  // What this APIC's CPU does with NMI, INIT (`bsp`: the BSP bit of
  // IA32_APIC_BASE) and Startup (the vector) messages.
  struct CpuSignals {
    std::function<void()> nmi;
    std::function<void(bool bsp)> init;
    std::function<void(uint8_t vector)> startup;
  };
  void set_cpu_signals(CpuSignals s) { signals_ = std::move(s); }
  // The INTA cycle of an ExtINT interrupt: the 8259A's acknowledge.
  void set_extint_ack(std::function<uint8_t()> ack) { extint_ack_ = std::move(ack); }
  // LINT0 (the 8259A's INTR) and LINT1.
  IrqLine& lint0() { return lint_[0]; }
  IrqLine& lint1() { return lint_[1]; }

  // The CPU's INTA cycle: the vector now in service (ExtINT: the 8259A's),
  // or the spurious vector when nothing deliverable is left.
  uint8_t acknowledge();
  // A message from the bus for this APIC (the bus matched the destination).
  void accept(ApicDelivery mode, uint8_t vector, bool level);
  bool matches(const ApicMessage& m) const;

  // IA32_APIC_BASE. write_base_msr is false for reserved bits set or a transition the SDM forbids (#GP).
  uint64_t base_msr() const { return base_msr_; }
  bool write_base_msr(uint64_t v);
  bool enabled() const { return base_msr_ & kBaseEnable; }
  bool x2apic() const { return base_msr_ & kBaseX2apic; }
  // The APIC's MSRs: IA32_APIC_BASE and the x2APIC registers (0x800-0x8FF,
  // x2APIC mode only). False: the access raises #GP.
  bool read_msr(uint32_t msr, uint64_t* v);
  bool write_msr(uint32_t msr, uint64_t v);
  // CR8: TPR bits 7:4.
  uint8_t cr8() const { return uint8_t(tpr_ >> 4); }
  void write_cr8(uint8_t v);
  uint8_t id() const { return id_; }
  uint8_t initial_id() const { return initial_id_; }  // what CPUID reports
  uint8_t ppr() const;
  // Whether an interrupt may still come to wake a halted CPU: ExtINT passes
  // `pic_may` (the 8259A has an unmasked input) through, or the software-enabled
  // APIC has a deliverable IRR vector, a running unmasked timer, an unmasked
  // LINT in fixed mode, or `messages_may` (the IOAPIC has an unmasked pin).
  bool may_interrupt(bool pic_may, bool messages_may) const;
  // Power-on / RESET state (the base MSR too).
  void reset();
  // INIT: the RESET state but for the ID and IA32_APIC_BASE.
  void init();

  // mem::MmioDevice: dword registers; narrower reads see part of one, other writes are dropped.
  mem::AccessRules rules(uint64_t) const override { return {.min_size = 1, .max_size = 4}; }
  uint64_t read(uint64_t offset, unsigned size) override;
  void write(uint64_t offset, unsigned size, uint64_t value) override;

 private:
  using Bits = std::array<uint32_t, 8>;  // a 256-bit vector register
  class Lint final : public IrqLine {
   public:
    void set_level(bool high) override { apic->set_lint(n, high); }
    LocalApic* apic = nullptr;
    unsigned n = 0;
  };
  enum Lvt { kTimer, kThermal, kPerf, kLint0, kLint1, kError, kLvtCount };

  uint32_t read_reg(uint32_t reg);
  uint32_t x2apic_ldr() const { return uint32_t(id_ >> 4) << 16 | 1u << (id_ & 15); }
  void write_reg(uint32_t reg, uint32_t v);
  void set_lint(unsigned n, bool level);
  // An LVT entry fires (the timer, LINT in fixed mode, an error).
  void local_deliver(Lvt n);
  void set_irr(uint8_t vector, bool level);
  void eoi();
  void send_ipi();
  void error(uint32_t bit);
  bool extint_pending() const;
  // The highest vector set in `b`, or -1.
  static int highest(const Bits& b);
  // Drives INTR: a deliverable IRR vector or ExtINT.
  void update();
  // The timer.
  uint64_t divide() const;
  uint32_t current_count() const;
  void arm_timer();
  // `catchup`: the timer came to deliver an owed period (if none ended).
  void timer_fired(bool catchup = false);
  void cancel_timer();

  Clock& clock_;
  IrqLine& intr_;
  ApicBus* bus_;
  const uint8_t initial_id_;
  const bool bsp_;
  std::function<uint8_t()> extint_ack_;
  CpuSignals signals_;
  std::array<Lint, 2> lint_;
  bool lint_level_[2] = {};
  bool intr_level_ = false;
  bool extint_message_ = false;  // an ExtINT message (the IOAPIC's) waits for its INTA

  uint64_t base_msr_ = 0;
  uint8_t id_ = 0;
  uint32_t tpr_ = 0, ldr_ = 0, dfr_ = 0, svr_ = 0, esr_ = 0, esr_pending_ = 0, icr_low_ = 0;
  uint32_t icr_high_ = 0;  // xAPIC: the destination in bits 31:24; x2APIC: all 32 bits
  std::array<uint32_t, kLvtCount> lvt_{};
  Bits isr_{}, tmr_{}, irr_{};
  uint32_t initial_count_ = 0, divide_conf_ = 0;
  uint64_t timer_owed_ = 0;  // periodic interrupts a late timer missed, still to deliver
  uint64_t timer_start_ns_ = 0;  // when the count was loaded (periodic: the current period's start)
  bool timer_running_ = false, timer_armed_ = false;
  Clock::TimerId timer_ = 0;
};

}  // namespace kiln::devices

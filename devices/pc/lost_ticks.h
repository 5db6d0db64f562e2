// Periodic timer interrupts that fell due while Kiln's thread did not run (the
// host busy elsewhere, so one late timer saw several periods end) are owed,
// not dropped, as KVM's PIT reinjects lost ticks: a guest counting ticks
// (Linux's jiffies before it has a clocksource) then keeps time with the TSC
// and the ACPI PM timer, which read the clock. The 8254 (i8254.h) and the
// local APIC's timer (lapic.h) both pay them one at a time, catchup_ns() apart.
#pragma once
#include <algorithm>
#include <cstdint>

namespace kiln::devices::lost_ticks {

constexpr uint64_t kCatchupNs = 200'000;        // between two owed interrupts (at most half a period)
constexpr uint64_t kMinOwedPeriodNs = 100'000;  // shorter periods are not a tick rate: nothing is owed

// The owed count after `missed` more periods of `period_ns`: at most a second's worth.
inline uint64_t owe(uint64_t owed, uint64_t missed, uint64_t period_ns) {
  if (period_ns < kMinOwedPeriodNs) return owed;
  return std::min(owed + missed, 1'000'000'000 / period_ns);
}

inline uint64_t catchup_ns(uint64_t period_ns) { return std::min(kCatchupNs, period_ns / 2); }

}  // namespace kiln::devices::lost_ticks

// What the CPU asks of its local APIC, a board device (devices/pc/lapic.h):
// the IA32_APIC_BASE MSR, CR8 (the TPR's priority class) and the APIC ID
// CPUID reports. A CPU without one (X86State::apic null) has neither.
#pragma once
#include <cstdint>

namespace kiln::x86 {

class ApicLink {
 public:
  virtual ~ApicLink() = default;
  virtual uint64_t base_msr() const = 0;
  // False if `v` sets reserved bits (WRMSR raises #GP).
  virtual bool write_base_msr(uint64_t v) = 0;
  virtual uint8_t cr8() const = 0;
  virtual void write_cr8(uint8_t v) = 0;
  virtual uint8_t id() const = 0;
};

}  // namespace kiln::x86

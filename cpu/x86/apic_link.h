// What the CPU asks of its local APIC, a board device (devices/pc/lapic.h):
// its MSRs (IA32_APIC_BASE and the x2APIC registers), CR8 (the TPR's
// priority class) and the APIC ID CPUID reports. A CPU without one
// (X86State::apic null) has none of them.
#pragma once
#include <cstdint>

namespace kiln::x86 {

class ApicLink {
 public:
  virtual ~ApicLink() = default;
  // IA32_APIC_BASE, for CPUID's APIC bit.
  virtual uint64_t base_msr() const = 0;
  // The APIC's MSRs: IA32_APIC_BASE (0x1B) and, on models with x2APIC
  // (CPUID.X2APIC in the CPU's features; the CPU checks), 0x800-0x8FF. The APIC says what
  // each means; false: RDMSR/WRMSR raise #GP.
  static constexpr uint32_t kBaseMsr = 0x1b, kX2apicFirst = 0x800, kX2apicLast = 0x8ff;
  static constexpr uint64_t kBaseX2apic = 1u << 10;  // IA32_APIC_BASE.EXTD
  virtual bool read_msr(uint32_t msr, uint64_t* v) = 0;
  virtual bool write_msr(uint32_t msr, uint64_t v) = 0;
  virtual uint8_t cr8() const = 0;
  virtual void write_cr8(uint8_t v) = 0;
  virtual uint8_t id() const = 0;
};

}  // namespace kiln::x86

// The PIIX4 power-management function (8086:7113) at 01.3, QEMU's companion
// to the PIIX3 on `pc`: configuration space as SeaBIOS programs it (Intel
// 82371AB datasheet §3.4) and the ACPI PM timer. PMBA (0x40: the 64 ports of
// the PM registers, bit 0 reads 1 for I/O), PMREGMISC (0x80: bit 0 maps
// them), SMBBA (0x90: the SMBus ports, bit 0 reads 1) and SMBHSTCFG (0xD2:
// bit 0 enables them). DEVACTB's APMC_EN (bit 25, byte 0x5B bit 1) reads as
// set from reset, as QEMU does without SMM: SeaBIOS then takes SMM as set up
// already and never raises an SMI (the CPU has no SMM).
// Behind PMBA: PMTMR (offset 8), the 24-bit ACPI PM timer counting at
// 3.579545 MHz of virtual time, which SeaBIOS and Linux keep time with. The
// other PM registers (PM1 status, enable and control: SCI, sleep and power
// off) read 0 and ignore writes for now, and nothing answers at SMBBA yet.
#pragma once
#include <cstdint>

#include "common/clock.h"
#include "devices/pci/device.h"

namespace kiln::devices::pci {

class Piix4Pm final : public Device {
 public:
  static constexpr unsigned kPmBase = 0x40, kDevActB = 0x58, kPmRegMisc = 0x80, kSmbBase = 0x90, kSmbHostCfg = 0xd2;
  static constexpr uint32_t kApmcEnable = 1u << 25;
  static constexpr uint32_t kPmPorts = 64, kPmTimer = 8;
  static constexpr uint64_t kPmTimerHz = 3579545;

  explicit Piix4Pm(const Clock& clock);
  // The PM registers' and the SMBus's port bases while enabled, or -1.
  int pm_ports() const;
  int smbus_ports() const;

 private:
  // The 64 ports at PMBA.
  class PmRegisters final : public mem::PortDevice {
   public:
    explicit PmRegisters(const Clock& clock) : clock_(clock) {}
    mem::AccessRules rules(uint64_t) const override { return {.min_size = 1, .max_size = 4}; }
    uint64_t read(uint64_t offset, unsigned size) override;
    void write(uint64_t, unsigned, uint64_t) override {}

   private:
    const Clock& clock_;
  };

  void config_written(unsigned offset, unsigned size) override;

  PmRegisters pm_;
  int pm_mapped_ = -1;  // the port base PmRegisters sit at, or -1
};

}  // namespace kiln::devices::pci

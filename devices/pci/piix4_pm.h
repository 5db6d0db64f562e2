// The PIIX4 power-management function (8086:7113) at 01.3, QEMU's companion
// to the PIIX3 on `pc`: configuration space as SeaBIOS programs it (Intel
// 82371AB datasheet §3.4) and the ACPI PM timer. PMBA (0x40: the 64 ports of
// the PM registers, bit 0 reads 1 for I/O), PMREGMISC (0x80: bit 0 maps
// them), SMBBA (0x90: the SMBus ports, bit 0 reads 1) and SMBHSTCFG (0xD2:
// bit 0 enables them). DEVACTB's APMC_EN (bit 25, byte 0x5B bit 1) reads as
// set from reset, as QEMU does without SMM: SeaBIOS then takes SMM as set up
// already and never raises an SMI (the CPU has no SMM).
// Behind PMBA, the ACPI fixed hardware (datasheet §7.2): PMSTS (0, PM1
// status, write 1 to clear), PMEN (2, PM1 enable), PMCNTRL (4, PM1 control),
// PMTMR (8: the 24-bit ACPI PM timer counting at 3.579545 MHz of virtual
// time, which SeaBIOS and Linux keep time with), GPSTS (0xC) and GPEN (0xE),
// the general-purpose event block. SCI_EN reads as set (no SMI_CMD: the
// board is always in ACPI mode); the SCI, a level on its IRQ line, is
// raised while a status bit and its enable are both set. Writing SUS_EN with
// SUS_TYP = kSleepTypeSoftOff powers off (the board ends the run); other
// sleep states are ignored. Nothing sets the status bits yet (no timer
// overflow, power button or general-purpose events are generated), and
// nothing answers at SMBBA.
#pragma once
#include <cstdint>
#include <functional>

#include "common/clock.h"
#include "devices/irq.h"
#include "devices/pci/device.h"

namespace kiln::devices::pci {

class Piix4Pm final : public Device {
 public:
  static constexpr unsigned kPmBase = 0x40, kDevActB = 0x58, kPmRegMisc = 0x80, kSmbBase = 0x90, kSmbHostCfg = 0xd2;
  static constexpr uint32_t kApmcEnable = 1u << 25;
  static constexpr uint32_t kPmPorts = 64;
  // The PM registers' offsets from PMBA.
  static constexpr uint32_t kPmStatus = 0, kPmEnable = 2, kPmControl = 4, kPmTimer = 8, kGpStatus = 0xc, kGpEnable = 0xe;
  static constexpr uint16_t kPmEvents = 1u << 0 | 1u << 5 | 1u << 8 | 1u << 10;  // timer overflow, global, power button, RTC
  static constexpr uint16_t kSciEnable = 1u << 0, kSleepEnable = 1u << 13, kControlWritable = 0x1c06;
  static constexpr unsigned kSleepTypeShift = 10;
  static constexpr uint8_t kSleepTypeSoftOff = 0;  // SUS_TYP 000: soft off (S5)
  static constexpr uint64_t kPmTimerHz = 3579545;

  // `sci`: the SCI's line (IRQ 9); `power_off`: a guest's soft-off request.
  Piix4Pm(const Clock& clock, IrqLine& sci, std::function<void()> power_off);
  // The PM registers' and the SMBus's port bases while enabled, or -1.
  int pm_ports() const;
  int smbus_ports() const;

 private:
  // The 64 ports at PMBA.
  class PmRegisters final : public mem::PortDevice {
   public:
    PmRegisters(const Clock& clock, IrqLine& sci, std::function<void()> power_off)
        : clock_(clock), sci_(sci), power_off_(std::move(power_off)) {}
    mem::AccessRules rules(uint64_t) const override { return {.min_size = 1, .max_size = 4}; }
    uint64_t read(uint64_t offset, unsigned size) override;
    void write(uint64_t offset, unsigned size, uint64_t value) override;

   private:
    uint8_t read_byte(unsigned offset, uint32_t timer) const;
    void write_byte(unsigned offset, uint8_t v);
    void update_sci();

    const Clock& clock_;
    IrqLine& sci_;
    std::function<void()> power_off_;
    uint16_t status_ = 0, enable_ = 0, control_ = 0, gp_status_ = 0, gp_enable_ = 0;
    bool sci_level_ = false;
  };

  void config_written(unsigned offset, unsigned size) override;

  PmRegisters pm_;
  int pm_mapped_ = -1;  // the port base PmRegisters sit at, or -1
};

}  // namespace kiln::devices::pci

// The PIIX3's reset control register at 0xCF9: writing bit 2 (reset CPU)
// resets the system, whatever bit 1 (hard or soft reset) says: Kiln's reset is
// the one the board has (CPU and devices; RAM kept). Linux's reboot=pci writes
// 0x02, then 0x06. Bit 1 reads back; the register is 0 after a reset. Byte
// accesses only: 0xCF9 lies inside the PCI configuration address at 0xCF8,
// whose host bridge must pass byte accesses at 0xCF9 here once it exists.
#pragma once
#include <cstdint>
#include <functional>

#include "mem/port_space.h"

namespace kiln::devices {

class ResetControl final : public mem::PortDevice {
 public:
  static constexpr uint32_t kPort = 0xcf9;
  static constexpr uint8_t kHardReset = 0x02, kResetCpu = 0x04;

  explicit ResetControl(std::function<void()> reset) : reset_(std::move(reset)) {}

  // A write may reset the CPU: it runs as an instruction of its own.
  mem::AccessRules rules(uint64_t) const override { return {.min_size = 1, .max_size = 1, .write_may_stop = true}; }
  uint64_t read(uint64_t, unsigned) override { return value_; }
  void write(uint64_t, unsigned, uint64_t value) override {
    if (value & kResetCpu) {
      reset_();
      return;
    }
    value_ = uint8_t(value) & kHardReset;
  }
  void reset() { value_ = 0; }

 private:
  std::function<void()> reset_;
  uint8_t value_ = 0;
};

}  // namespace kiln::devices

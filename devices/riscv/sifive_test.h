// SiFive's test finisher ("sifive,test0") at 0x100000 on QEMU's `virt` board:
// one 32-bit register at offset 0. Writing 0x5555 powers off (code 0),
// (code << 16) | 0x3333 exits with `code` (a failure), 0x7777 resets. Other
// values are ignored; reads return 0. Linux uses it through syscon-poweroff
// and syscon-reboot; OpenSBI for system reset.
#pragma once
#include <cstdint>
#include <functional>

#include "mem/physmap.h"

namespace kiln::devices {

class SifiveTest final : public mem::MmioDevice {
 public:
  static constexpr uint64_t kMmioSize = 0x1000;
  static constexpr uint32_t kFail = 0x3333, kPass = 0x5555, kReset = 0x7777;

  enum class Kind { PowerOff, Exit, Reset };
  using ReportFn = std::function<void(Kind kind, int code)>;

  explicit SifiveTest(ReportFn report);

  // 2 or 4 bytes, aligned (QEMU's sifive_test: valid 2..4); no AMOs. A write
  // may end the run, so the CPU performs it as an instruction of its own.
  mem::AccessRules rules(uint64_t) const override {
    return {.min_size = 2, .max_size = 4, .write_may_stop = true};
  }
  uint64_t read(uint64_t offset, unsigned size) override;
  void write(uint64_t offset, unsigned size, uint64_t value) override;

 private:
  ReportFn report_;
};

}  // namespace kiln::devices

// System control port A at 0x92 ("fast A20" of PS/2 machines and the PIIX3):
// bit 1 drives the A20 gate (the board ORs it with the 8042's), a 0-to-1
// change of bit 0 resets the CPU. Reads give back what was written; a system
// reset clears bit 0 only (QEMU's), so the A20 bit outlives it.
#pragma once
#include <cstdint>
#include <functional>

#include "mem/port_space.h"

namespace kiln::devices {

class Port92 final : public mem::PortDevice {
 public:
  static constexpr uint32_t kPort = 0x92;
  static constexpr uint8_t kReset = 0x01, kA20 = 0x02;

  // `a20_changed`: read a20(); `reset`: the CPU's reset.
  Port92(std::function<void()> a20_changed, std::function<void()> reset)
      : a20_changed_(std::move(a20_changed)), reset_(std::move(reset)) {}

  // A write may reset the CPU or move A20: it runs as an instruction of its own.
  mem::AccessRules rules(uint64_t) const override { return {.min_size = 1, .max_size = 1, .write_may_stop = true}; }
  uint64_t read(uint64_t, unsigned) override { return value_; }
  void write(uint64_t offset, unsigned size, uint64_t value) override;

  void reset() { value_ &= uint8_t(~kReset); }
  bool a20() const { return value_ & kA20; }

 private:
  std::function<void()> a20_changed_, reset_;
  uint8_t value_ = 0;
};

}  // namespace kiln::devices

// The POST diagnostic port 0x80: firmware writes its progress codes there (a
// debug card would show them) and Linux writes to it as an I/O delay. Writes
// are dropped; reads give 0xFF, as QEMU's.
#pragma once
#include <cstdint>

#include "mem/port_space.h"

namespace kiln::devices {

class PostPort final : public mem::PortDevice {
 public:
  static constexpr uint32_t kPort = 0x80;

  mem::AccessRules rules(uint64_t) const override { return {.min_size = 1, .max_size = 1}; }
  uint64_t read(uint64_t, unsigned) override { return 0xff; }
  void write(uint64_t, unsigned, uint64_t) override {}
};

}  // namespace kiln::devices

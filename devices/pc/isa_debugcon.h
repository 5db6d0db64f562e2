// QEMU's isa-debugcon (Bochs's "port E9 hack"): each byte written to its one
// port goes to a host character device; a read returns 0xE9 (QEMU's
// "readback" default), which is how firmware detects the console. Byte
// accesses only: a wider one is split by the port bus, so `out dx, ax` prints
// AL and AH goes to the next port. -device isa-debugcon,iobase=N,chardev=ID
// places one (any number, at any ports); -debugcon CHARDEV is one at 0xE9.
#pragma once
#include <cstdint>
#include <cstdio>

#include "mem/port_space.h"

namespace kiln::devices {

class IsaDebugcon final : public mem::PortDevice {
 public:
  static constexpr uint8_t kReadback = 0xe9;

  // `out`: where the bytes go (the board's Chardev owns it).
  explicit IsaDebugcon(std::FILE* out) : out_(out) {}

  mem::AccessRules rules(uint64_t) const override { return {.min_size = 1, .max_size = 1}; }
  uint64_t read(uint64_t offset, unsigned size) override;
  void write(uint64_t offset, unsigned size, uint64_t value) override;

 private:
  std::FILE* out_;
};

}  // namespace kiln::devices

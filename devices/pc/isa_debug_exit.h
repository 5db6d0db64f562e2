// QEMU's isa-debug-exit: a write of any value v to its ports makes the emulator
// exit with status (v << 1) | 1, so a test ROM can report pass or fail through
// the exit status (the odd statuses; the shell sees the low 8 bits). Reads
// return 0. Accesses of 1 to 4 bytes, as QEMU's; -device
// isa-debug-exit[,iobase=N][,iosize=N] places it (QEMU's defaults: 0x501, 2).
#pragma once
#include <cstdint>
#include <functional>

#include "mem/port_space.h"

namespace kiln::devices {

class IsaDebugExit final : public mem::PortDevice {
 public:
  using ExitFn = std::function<void(int status)>;

  explicit IsaDebugExit(ExitFn exit) : exit_(std::move(exit)) {}

  // A write ends the run, so the CPU performs it as an instruction of its own.
  mem::AccessRules rules(uint64_t) const override { return {.min_size = 1, .max_size = 4, .unaligned = true, .write_may_stop = true}; }
  uint64_t read(uint64_t offset, unsigned size) override;
  void write(uint64_t offset, unsigned size, uint64_t value) override;

 private:
  ExitFn exit_;
};

}  // namespace kiln::devices

// A PC's serial port (COM1 at 0x3F8): the same 16550A as the virt board's
// (devices/uart/ns16550a.h) on the I/O port bus instead of in memory. The ISA
// bus moves bytes, so the port space splits a wider IN/OUT into byte accesses
// (each its own register) rather than handing the UART a wide one.
#pragma once
#include <cstdint>

#include "devices/uart/ns16550a.h"
#include "mem/port_space.h"

namespace kiln::devices {

class IsaSerial final : public mem::PortDevice {
 public:
  static constexpr uint32_t kCom1 = 0x3f8, kPorts = 8;
  static constexpr unsigned kCom1Irq = 4;

  IsaSerial(IrqLine& irq, std::FILE* out) : uart_(irq, out) {}
  Ns16550a& uart() { return uart_; }

  mem::AccessRules rules(uint64_t) const override { return {.min_size = 1, .max_size = 1}; }
  uint64_t read(uint64_t offset, unsigned size) override { return uart_.read(offset, size); }
  void write(uint64_t offset, unsigned size, uint64_t value) override { uart_.write(offset, size, value); }

 private:
  Ns16550a uart_;
};

}  // namespace kiln::devices

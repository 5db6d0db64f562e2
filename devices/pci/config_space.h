// A PCI function's 256-byte configuration space (PCI Local Bus Spec 3.0 §6):
// the bytes, and per bit whether a guest write may change it (writable) or
// clears it by writing 1 (write-1-to-clear, the status register's error
// bits). Everything else is read-only to the guest; the device sets it up
// through set(). The standard header's offsets and bits are named here.
#pragma once
#include <array>
#include <cstdint>

namespace kiln::devices::pci {

constexpr unsigned kConfigBytes = 256;

// Type 0 header registers (offsets).
namespace reg {
constexpr unsigned kVendorId = 0x00, kDeviceId = 0x02, kCommand = 0x04, kStatus = 0x06, kRevision = 0x08,
                   kProgIf = 0x09, kClass = 0x0a, kCacheLineSize = 0x0c, kLatencyTimer = 0x0d, kHeaderType = 0x0e,
                   kBar0 = 0x10, kSubsystemVendorId = 0x2c, kRomBar = 0x30, kInterruptLine = 0x3c,
                   kInterruptPin = 0x3d;
}  // namespace reg

// Command register bits.
namespace cmd {
constexpr uint16_t kIo = 1 << 0, kMemory = 1 << 1, kMaster = 1 << 2, kParity = 1 << 6, kSerr = 1 << 8,
                   kIntxDisable = 1 << 10;
}  // namespace cmd

// Status register bits.
namespace status {
constexpr uint16_t kInterrupt = 1 << 3;
// The error bits software clears by writing 1: master data parity error,
// signaled/received target abort, received master abort, signaled system
// error, detected parity error.
constexpr uint16_t kErrors = 0xf900;
}  // namespace status

constexpr uint8_t kHeaderMultiFunction = 0x80;

class ConfigSpace {
 public:
  // `size` bytes (1, 2 or 4) at `offset`, little-endian; the access lies
  // inside the 256 bytes (the mechanism #1 port handler guarantees it).
  uint32_t read(unsigned offset, unsigned size) const;
  // A guest write: writable bits take the value, write-1-to-clear bits clear
  // where it has a 1, the rest stay.
  void write(unsigned offset, unsigned size, uint32_t value);

  // The device's own view, no masks: set-up and side effects.
  void set(unsigned offset, unsigned size, uint32_t value);
  void set_writable(unsigned offset, unsigned size, uint32_t mask);
  void set_write1_clear(unsigned offset, unsigned size, uint32_t mask);
  uint32_t writable(unsigned offset, unsigned size) const;

 private:
  static uint32_t gather(const std::array<uint8_t, kConfigBytes>& a, unsigned offset, unsigned size);
  static void scatter(std::array<uint8_t, kConfigBytes>& a, unsigned offset, unsigned size, uint32_t value);
  std::array<uint8_t, kConfigBytes> bytes_{}, writable_{}, write1_clear_{};
};

}  // namespace kiln::devices::pci

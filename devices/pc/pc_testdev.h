// QEMU's pc-testdev (hw/misc/pc-testdev.c), the ISA device kvm-unit-tests'
// x86 tests drive (-device pc-testdev):
//  0xE0-0xE3   a 32-bit scratch register: an access of 1 to 4 bytes at port
//              0xE0 + k reads or writes its bytes from k on (string I/O tests);
//  0xE4-0xE7   "flush page": a dword write of a physical address. QEMU drops
//              and restores the host mapping of that page, which the guest
//              cannot see; here the write is taken and does nothing;
//  0xE8-0xEB   the same scratch register, which QEMU splits into byte
//              accesses: the same bytes change, so it is the same window;
//  0x2000+n    (n < 24) a byte write sets ISA IRQ line n to (value != 0):
//              lines 0-15 reach the 8259A and the IOAPIC, 16-23 the IOAPIC;
//  0xFF000000  64 KiB of scratch memory behind MMIO (the emulator tests'
//              MMIO operands), little-endian, reset to zeros.
// Reads of the flush and IRQ ports return 0.
#pragma once
#include <array>
#include <cstdint>
#include <vector>

#include "devices/irq.h"
#include "mem/physmap.h"
#include "mem/port_space.h"

namespace kiln::devices {

class PcTestdev {
 public:
  static constexpr uint32_t kDataPort = 0xe0, kFlushPort = 0xe4, kDataBytePort = 0xe8, kIrqPorts = 0x2000;
  static constexpr unsigned kIrqLines = 24;
  static constexpr uint64_t kIomemBase = 0xff000000, kIomemSize = 0x10000;

  // `irqs[n]`: ISA IRQ line n (nullptr: not wired; the port is then ignored).
  explicit PcTestdev(std::array<IrqLine*, kIrqLines> irqs);

  // The windows to map: ports 0xE0 and 0xE8 (4 each: data), 0xE4 (4), 0x2000 (24); MMIO at 0xFF000000.
  mem::PortDevice& data() { return data_; }
  mem::PortDevice& flush() { return flush_; }
  mem::PortDevice& irq() { return irq_; }
  mem::MmioDevice& iomem() { return iomem_; }

 private:
  class Data final : public mem::PortDevice {
   public:

    mem::AccessRules rules(uint64_t) const override { return {.min_size = 1, .max_size = 4, .unaligned = true}; }
    uint64_t read(uint64_t offset, unsigned size) override;
    void write(uint64_t offset, unsigned size, uint64_t value) override;

   private:
    uint32_t reg_ = 0;
  };
  class Flush final : public mem::PortDevice {
   public:
    mem::AccessRules rules(uint64_t) const override { return {.min_size = 4, .max_size = 4}; }
    uint64_t read(uint64_t, unsigned) override { return 0; }
    void write(uint64_t, unsigned, uint64_t) override {}
  };
  class Irq final : public mem::PortDevice {
   public:
    explicit Irq(const std::array<IrqLine*, kIrqLines>& lines) : lines_(lines) {}
    mem::AccessRules rules(uint64_t) const override { return {.min_size = 1, .max_size = 1}; }
    uint64_t read(uint64_t, unsigned) override { return 0; }
    void write(uint64_t offset, unsigned, uint64_t value) override;

   private:
    std::array<IrqLine*, kIrqLines> lines_;
  };
  class Iomem final : public mem::MmioDevice {
   public:
    Iomem() : bytes_(kIomemSize) {}
    mem::AccessRules rules(uint64_t) const override { return {.min_size = 1, .max_size = 8, .unaligned = true}; }
    uint64_t read(uint64_t offset, unsigned size) override;
    void write(uint64_t offset, unsigned size, uint64_t value) override;

   private:
    std::vector<uint8_t> bytes_;
  };

  Data data_;
  Flush flush_;
  Irq irq_;
  Iomem iomem_;
};

}  // namespace kiln::devices

// The PIIX3 IDE function (8086:7010) at 01.1 in legacy mode (programming
// interface 0x80: the fixed ports 0x1F0/0x170 and IRQs 14/15 of the channels
// in devices/pc/ide.h, bus-master capable), no INTx pin, the IDE timing
// registers 0x40-0x43 (firmware sets their decode-enable bits; ata_piix
// checks them) and the bus-master BAR 4: 16 I/O ports, 8 per channel
// (primary, then secondary), each block (the 82371SB datasheet's BMICx, BMISx, BMIDTPx):
//   +0 command: bit 0 start/stop, bit 3 direction (1: into memory);
//   +2 status: bit 0 ACTIVE (read-only), bit 1 ERROR and bit 2 INTERRUPT
//      (write 1 to clear), bits 5-6 the drives' DMA-capable flags (firmware's
//      scratch bits, read/write);
//   +4 the PRD table's address (dword-aligned).
// A physical region descriptor is 8 bytes: the buffer's address (bit 0
// ignored), its byte count (bit 0 ignored, 0 meaning 64 KiB) and bit 15 of
// the last word, end of table (EOT).
//
// Start (a 0-to-1 write of bit 0, with bus mastering enabled in the command
// register) sets ACTIVE, rewinds to the table's first entry and runs the
// selected drive's pending transfer, if any (else the drive's DMA command
// runs it when it comes). At its end, as on the PIIX: the drive's IRQ sets
// INTERRUPT; ACTIVE clears if the table was used up exactly and stays set
// if the table was longer than the transfer; a table shorter than the
// transfer (or an entry outside RAM) sets ERROR and clears ACTIVE, and the
// drive ends its command with an error. Stop (writing 0) clears ACTIVE.
// The direction bit is not checked: the drive's command says which way.
// Guest memory is reached through devices/dma.h (RAM only, code pages
// reported to the engine).
#pragma once
#include <array>
#include <cstdint>

#include "devices/pc/ide.h"
#include "devices/pci/device.h"
#include "mem/tlb.h"

namespace kiln::devices::pci {

class Piix3Ide final : public Device {
 public:
  static constexpr unsigned kBusMasterBar = 4, kBusMasterPorts = 16, kIdeTim = 0x40;
  Piix3Ide();

  // The board's two channels (primary, secondary) and who to tell about DMA into pages holding code.
  void connect(IdeChannel* primary, IdeChannel* secondary, mem::CodeWatcher* watcher);
  void reset();

 private:
  // One channel's 8 bus-master registers.
  class BusMaster final : public IdeBusMaster {
   public:
    enum : uint8_t { kStart = 0x01, kToMemory = 0x08 };
    enum : uint8_t { kActive = 0x01, kError = 0x02, kInterrupt = 0x04, kDrivesCapable = 0x60 };
    explicit BusMaster(Piix3Ide& fn) : fn_(fn) {}
    uint8_t read(unsigned offset) const;
    void write(unsigned offset, uint8_t v);
    void reset();
    void set_channel(IdeChannel* ch) { channel_ = ch; }

    bool dma_running() const override;
    uint64_t dma_move(uint8_t* buf, uint64_t len, bool to_memory) override;
    void dma_done() override;
    void device_interrupt() override { status_ |= kInterrupt; }

   private:
    bool next_region();

    Piix3Ide& fn_;
    IdeChannel* channel_ = nullptr;
    uint8_t command_ = 0, status_ = 0;
    uint32_t prd_table_ = 0;
    // Where the walk is: the next descriptor, the current region's address and bytes left, the EOT seen.
    uint32_t next_prd_ = 0, region_addr_ = 0, region_left_ = 0;
    bool last_region_ = false, failed_ = false;
  };

  // BAR 4's 16 ports, byte by byte into the two blocks.
  class Ports final : public mem::PortDevice {
   public:
    explicit Ports(Piix3Ide& fn) : fn_(fn) {}
    mem::AccessRules rules(uint64_t) const override { return {.min_size = 1, .max_size = 4}; }
    uint64_t read(uint64_t offset, unsigned size) override;
    void write(uint64_t offset, unsigned size, uint64_t value) override;

   private:
    Piix3Ide& fn_;
  };

  std::array<BusMaster, 2> bm_{BusMaster(*this), BusMaster(*this)};
  Ports ports_{*this};
  mem::CodeWatcher* watcher_ = nullptr;
};

}  // namespace kiln::devices::pci

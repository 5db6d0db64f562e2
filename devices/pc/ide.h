// One channel of the PIIX3's IDE controller in its legacy ISA mode: the
// command block at 8 ports (primary 0x1F0, secondary 0x170), the control
// block's device-control/alternate-status port (0x3F6, 0x376) and one IRQ
// line (14, 15), with a master and a slave, each an ATA disk or an ATAPI
// CD-ROM on a block::DiskImage (ATA/ATAPI-6, T13/1410D; MMC for the packets).
//
// PIO, and DMA through a bus master (IdeBusMaster below, the PIIX3's PCI
// function) for READ/WRITE DMA (+EXT) and PACKET with its DMA bit. Each PIO
// command completes as it is written (BSY is never seen set): a guest that polls
// sees DRQ or the final status at once, and the IRQ is raised where the spec
// raises it (each read block before its data, each written block after it,
// the end of a non-data command) unless nIEN masks it. Reading the status
// register (not the alternate one) or writing a command clears it.
//
// The task-file registers are per device, and register writes reach both
// (as on the cable): the device bit selects whose registers and status are
// read and who takes a command. The data port takes 1-, 2- and 4-byte
// accesses, each moving that many bytes of the sector buffer.
// A DMA command leaves the device with DRQ set and its transfer pending; it
// runs, whole, as soon as the bus master is started (at once if it already
// is), then the device ends the command and raises its IRQ as for a
// non-data command.
// ATAPI commands live in ide_atapi.cpp.
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "devices/block/disk_image.h"
#include "devices/irq.h"
#include "mem/port_space.h"

namespace kiln::devices {

// The bus master a channel's DMA transfers go through (the PIIX3's,
// devices/pci/piix3_ide.h): it walks its PRD table and tells the channel
// when it has been started.
class IdeBusMaster {
 public:
  virtual ~IdeBusMaster() = default;
  // Started (and allowed to master the bus): a pending transfer may run.
  virtual bool dma_running() const = 0;
  // Moves up to `len` bytes between `buf` and guest memory along the PRD
  // table (into memory if `to_memory`); returns how many it moved: fewer
  // when the table ended or an address was not RAM.
  virtual uint64_t dma_move(uint8_t* buf, uint64_t len, bool to_memory) = 0;
  // The device's transfer is over (whole, or cut short by a dma_move that fell short or a device error).
  virtual void dma_done() = 0;
  // The channel raised its IRQ (the bus master's INTERRUPT status bit).
  virtual void device_interrupt() = 0;
};

class IdeChannel final : public mem::PortDevice {
 public:
  static constexpr uint32_t kPrimaryBase = 0x1F0, kPrimaryControl = 0x3F6;
  static constexpr uint32_t kSecondaryBase = 0x170, kSecondaryControl = 0x376;
  static constexpr unsigned kPrimaryIrq = 14, kSecondaryIrq = 15;
  static constexpr uint32_t kPorts = 8;  // the command block; the control block is one port
  static constexpr unsigned kMaxMultiple = 16;  // sectors per READ/WRITE MULTIPLE block at most
  static constexpr uint64_t kCdSectorSize = 2048;

  // Status and error bits, and the task-file offsets (within the command block).
  enum : uint8_t { kErr = 0x01, kDrq = 0x08, kDsc = 0x10, kDf = 0x20, kDrdy = 0x40, kBsy = 0x80 };
  enum : uint8_t { kAbrt = 0x04, kIdnf = 0x10, kUnc = 0x40 };
  enum : uint8_t { kData = 0, kError = 1, kFeature = 1, kSectorCount = 2, kSector = 3, kCylLow = 4, kCylHigh = 5,
                   kDeviceHead = 6, kStatus = 7, kCommand = 7 };
  // The device-control register's bits.
  enum : uint8_t { kNien = 0x02, kSrst = 0x04, kHob = 0x80 };

  struct Chs {
    uint16_t cylinders, heads, sectors;
  };
  // QEMU's and the BIOSes' guess for a disk without a partition table to go
  // by: 16 heads, 63 sectors, 2 to 16383 cylinders.
  static Chs default_geometry(uint64_t sectors);

  explicit IdeChannel(IrqLine& irq);

  // Unit 0 is the master, 1 the slave.
  void attach_disk(unsigned unit, std::unique_ptr<block::DiskImage> image);
  void attach_cdrom(unsigned unit, std::unique_ptr<block::DiskImage> image);
  // A disk's default CHS geometry (the board's CMOS bytes), none for a CD-ROM or no device.
  std::optional<Chs> disk_geometry(unsigned unit) const;

  // The command block.
  mem::AccessRules rules(uint64_t offset) const override {
    return {.min_size = 1, .max_size = offset == kData ? 4u : 1u};
  }
  uint64_t read(uint64_t offset, unsigned size) override;
  void write(uint64_t offset, unsigned size, uint64_t value) override;
  // The control block's one port: alternate status (read), device control (write).
  mem::PortDevice& control_port() { return control_; }

  // A hardware reset (the board's): both devices to their power-on state with their signatures.
  void reset();

  // DMA: the bus master (nullptr: none, DMA commands abort), and its start: run a pending transfer.
  void set_bus_master(IdeBusMaster* bm) { bm_ = bm; }
  void dma_started();

 private:
  enum class Kind : uint8_t { None, Disk, Cdrom };
  // What the data port is doing for a device.
  // DmaRead/DmaWrite (ATA) and AtapiDma: a DMA transfer waiting for the bus master.
  enum class Transfer : uint8_t { None, AtaRead, AtaWrite, Identify, Packet, AtapiIn, DmaRead, DmaWrite, AtapiDma };

  struct Device {
    Kind kind = Kind::None;
    std::unique_ptr<block::DiskImage> image;
    Chs geometry{};         // the default geometry
    Chs current{};          // CHS translation (INITIALIZE DEVICE PARAMETERS)
    unsigned multiple = 0;  // the READ/WRITE MULTIPLE block (SET MULTIPLE MODE); 0: disabled
    uint8_t dma_mode = 0;   // the DMA mode SET FEATURES selected (0x20-0x22 MWDMA, 0x40-0x45 UDMA); 0: none

    // The task file; hob_* hold the previous write of each (LBA48's high bytes).
    uint8_t feature = 0, count = 0, sector = 0, cyl_low = 0, cyl_high = 0, device_head = 0;
    uint8_t hob_feature = 0, hob_count = 0, hob_sector = 0, hob_cyl_low = 0, hob_cyl_high = 0;
    uint8_t error = 0, status = 0;
    bool irq_pending = false;

    // The data port's buffer and what its end means.
    Transfer transfer = Transfer::None;
    std::vector<uint8_t> buf;
    size_t pos = 0;
    uint64_t lba = 0;         // ATA: the next sector to move
    uint64_t remaining = 0;   // ATA: sectors still to move; ATAPI: bytes still to send
    unsigned block = 1;       // ATA: sectors per DRQ block
    bool lba48 = false;

    // ATAPI
    uint64_t atapi_source = 0;  // where the next data-in bytes come from: an image offset, or an index into reply
    bool atapi_from_image = false;
    std::vector<uint8_t> reply;
    uint16_t byte_limit = 0;    // the PACKET command's byte count limit
    bool atapi_dma = false;     // the PACKET command's data goes by DMA
    uint8_t sense_key = 0, asc = 0;
  };

  class ControlPort final : public mem::PortDevice {
   public:
    explicit ControlPort(IdeChannel& ch) : ch_(ch) {}
    mem::AccessRules rules(uint64_t) const override { return {.min_size = 1, .max_size = 1}; }
    uint64_t read(uint64_t, unsigned) override { return ch_.alt_status(); }
    void write(uint64_t, unsigned, uint64_t value) override { ch_.write_control(uint8_t(value)); }

   private:
    IdeChannel& ch_;
  };

  Device& selected() { return dev_[(dev_[0].device_head >> 4) & 1]; }
  bool empty() const { return dev_[0].kind == Kind::None && dev_[1].kind == Kind::None; }
  uint8_t alt_status();
  void write_control(uint8_t v);
  uint8_t read_register(Device& d, unsigned reg);
  void update_irq();
  void raise(Device& d);
  void signature(Device& d);
  void soft_reset_device(Device& d);

  // ATA commands (ide.cpp).
  void command(Device& d, uint8_t cmd);
  void abort(Device& d);
  void finish(Device& d, bool irq = true);
  void identify(Device& d);
  // The command's sector count (0 means 256, or 65536 with LBA48).
  static uint64_t sector_count(const Device& d) {
    const unsigned n = d.lba48 ? unsigned(d.count | d.hob_count << 8) : d.count;
    return n ? n : d.lba48 ? 65536 : 256;
  }
  bool begin_transfer(Device& d, bool lba48, bool write);
  void start_rw(Device& d, bool lba48, unsigned block, bool write);
  void read_block(Device& d);
  void write_block(Device& d);
  bool address(Device& d, uint64_t* lba);
  void set_address(Device& d, uint64_t lba);
  uint64_t sectors(const Device& d) const { return d.image->size_bytes() / block::DiskImage::kSectorSize; }
  uint32_t data_read(Device& d, unsigned size);
  void data_write(Device& d, unsigned size, uint32_t v);
  void buffer_done(Device& d);
  void start_dma(Device& d, bool lba48, bool write);
  void run_dma(Device& d);
  void run_ata_dma(Device& d);
  // The DMA transfer-mode bits of IDENTIFY's words 63 and 88 (supported modes, the selected one).
  void put_dma_modes(const Device& d, std::array<uint16_t, 256>& w) const;

  // ATA strings (two characters a word, the first in the high byte, space-padded).
  static void put_ata_string(uint16_t* words, unsigned nwords, const char* text);
  // An identify block out through the data port (word 255 gets its checksum): DRQ and the IRQ.
  void send_identify(Device& d, std::array<uint16_t, 256> words);

  // ATAPI (ide_atapi.cpp).
  void start_packet(Device& d);
  void packet(Device& d);
  void atapi_reply(Device& d, std::vector<uint8_t> data, size_t alloc);
  void atapi_read(Device& d, uint64_t lba, uint64_t count);
  void atapi_next_chunk(Device& d);
  void atapi_ok(Device& d);
  void atapi_check(Device& d, uint8_t key, uint8_t asc);
  void identify_packet(Device& d);
  void run_atapi_dma(Device& d);

  IrqLine& irq_;
  IdeBusMaster* bm_ = nullptr;
  ControlPort control_{*this};
  std::array<Device, 2> dev_;
  uint8_t control_reg_ = 0;
  bool irq_level_ = false;
};

}  // namespace kiln::devices

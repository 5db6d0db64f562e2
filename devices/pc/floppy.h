// The PC's floppy disk controller, an Intel 82077AA in AT mode (82077AA data
// sheet; the command set SeaBIOS and Linux's floppy driver use), at ports
// 0x3F0-0x3F5 and 0x3F7 (0x3F6 is the IDE control port) on IRQ 6, moving data
// through ISA DMA channel 2 (devices/pc/i8237.h), with drives A: and B: whose
// disks are raw images: 720K, 1.2M, 1.44M or 2.88M, told apart by size.
//
// Registers: DOR (drive select, reset, DMA/IRQ gate, motors), TDR, MSR (read)
// and DSR (write: software reset, data rate), the FIFO, DIR (read: the
// selected drive's disk-change line) and CCR (write: data rate). SRA/SRB are
// PS/2-mode registers and read as an absent port here.
//
// Commands: READ DATA and WRITE DATA (multi-track, implied seeks with
// CONFIGURE's EIS), READ ID, FORMAT TRACK, RECALIBRATE, SEEK and RELATIVE
// SEEK, SENSE INTERRUPT STATUS, SENSE DRIVE STATUS, SPECIFY, CONFIGURE,
// VERSION, DUMPREG, LOCK/UNLOCK, PERPENDICULAR MODE; anything else is an
// invalid command (ST0 0x80 as the one result byte), which is how Linux tells
// a post-1991 82077AA (PART ID is invalid on it). Data moves by DMA, or in
// the non-DMA mode SPECIFY's ND selects through the FIFO.
//
// In non-DMA mode INT is the data request: raised when the execution phase
// starts and again after each byte the guest moves, so a guest may take one
// interrupt per byte or poll MSR. Without TC the transfer runs on to the end
// of the track (ST1 EN), or ends in an overrun (ST1 OR) when the guest stops
// moving bytes: for kOverrunNs after a whole sector (Linux's pseudo-DMA stops
// after the sectors it wants and reads how far the controller got from the
// result), for kStallNs inside one. The clock is the host's by default, so
// the wait inside a sector is long enough for a JIT compile to pass unseen.
//
// Timing: heads settle at once. A seek or recalibrate interrupts as its last
// command byte is written; a data command's execution phase raises DREQ and
// runs, whole, as soon as the DMA channel may run (at once if the guest set
// it up first, as SeaBIOS and Linux do), then interrupts with its result. It
// ends at the DMA's TC (normal termination) or, without TC, at the end of the
// track (or of the cylinder with MT): abnormal termination with ST1's EN, as
// on the chip (the track ends at EOT or at its last sector, see
// transfer_sectors). Sectors are checked against the medium: a data rate that does
// not match it is a missing address mark (SeaBIOS finds the medium that way),
// a cylinder other than the head's a wrong cylinder, a sector past the track's
// last "no data", a write to a read-only image "not writable".
//
// The disk-change line of a drive is set at power-on and cleared by a step
// (a seek or recalibrate that moves the head), as Linux expects.
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "common/clock.h"
#include "devices/block/disk_image.h"
#include "devices/irq.h"
#include "devices/pc/i8237.h"
#include "mem/port_space.h"

namespace kiln::devices {

// A floppy medium the controller knows, by image size.
struct FloppyFormat {
  uint64_t bytes;
  uint8_t cmos_type;  // the CMOS drive type of the drive holding it (QEMU's and SeaBIOS's numbering)
  uint8_t cylinders, heads, sectors;
  uint8_t rate;       // the data rate field (DSR/CCR bits 1-0): 0 500K, 1 300K, 2 250K, 3 1M
  const char* name;
};

class FloppyController {
 public:
  static constexpr uint32_t kBase = 0x3f0;      // 0x3F0-0x3F5 here, 0x3F6 is IDE's,
  static constexpr uint32_t kLowPorts = 6;      // then
  static constexpr uint32_t kDirPort = 0x3f7;   // DIR/CCR
  static constexpr unsigned kIrq = 6, kDmaChannel = 2;
  static constexpr unsigned kDrives = 2;        // A: and B:
  static constexpr uint64_t kSectorSize = 512;

  // Register offsets from kBase, and their bits.
  enum : uint8_t { kSra = 0, kSrb = 1, kDor = 2, kTdr = 3, kMsr = 4, kDsr = 4, kFifo = 5, kDir = 7, kCcr = 7 };
  enum : uint8_t { kDorNotReset = 0x04, kDorDmaGate = 0x08 };
  enum : uint8_t { kMsrRqm = 0x80, kMsrDio = 0x40, kMsrNdma = 0x20, kMsrBusy = 0x10 };
  enum : uint8_t { kDsrReset = 0x80 };
  enum : uint8_t { kDirDiskChange = 0x80 };
  // Status register bits.
  enum : uint8_t { kSt0Abnormal = 0x40, kSt0Invalid = 0x80, kSt0Polled = 0xc0, kSt0SeekEnd = 0x20, kSt0EquipCheck = 0x10 };
  enum : uint8_t { kSt1MissingAm = 0x01, kSt1NotWritable = 0x02, kSt1NoData = 0x04, kSt1EndOfCylinder = 0x80 };
  enum : uint8_t { kSt2BadCylinder = 0x02, kSt2WrongCylinder = 0x10 };
  enum : uint8_t { kSt3WriteProtect = 0x40, kSt3Track0 = 0x10, kSt3Ones = 0x28 };
  static constexpr uint8_t kVersion = 0x90;  // VERSION's answer: an enhanced controller (82077AA)

  // The medium of an image of `bytes` bytes, or null if no format has that size.
  static const FloppyFormat* format_for_size(uint64_t bytes);
  // "737280 (720K), ..." for an error message.
  static const char* sizes_text();

  // A non-DMA transfer the guest stops serving ends this long after its last
  // byte (ST1 OR): after a whole sector (or format ID), and inside one.
  static constexpr uint64_t kOverrunNs = 20'000'000, kStallNs = 2'000'000'000;

  FloppyController(IrqLine& irq, I8237Pair& dma, Clock& clock);
  ~FloppyController();
  FloppyController(const FloppyController&) = delete;
  FloppyController& operator=(const FloppyController&) = delete;

  // Puts a disk in drive `unit` (0: A:, 1: B:); the image's size must be one format_for_size() knows.
  void attach(unsigned unit, std::unique_ptr<block::DiskImage> image);
  // The CMOS drive type of drive `unit` (0: no drive).
  uint8_t cmos_type(unsigned unit) const { return drive_[unit].format ? drive_[unit].format->cmos_type : 0; }

  // Ports 0x3F0-0x3F5 and 0x3F7.
  mem::PortDevice& low_ports() { return low_; }
  mem::PortDevice& dir_port() { return dir_; }

  // A hardware reset (the board's): DOR 0x0C, as QEMU and the BIOSes leave it.
  void reset();

 private:
  enum class Phase : uint8_t { Command, Execution, Result };
  enum class Op : uint8_t { Read, Write, Format };
  enum class Command : uint8_t { ReadData, WriteData, ReadId, FormatTrack, Recalibrate, SenseInterrupt, Specify,
                                 SenseDrive, Seek, RelativeSeek, Configure, Version, Dumpreg, Lock, Perpendicular };
  struct CommandShape {
    uint8_t mask, value, length;  // a first byte b is this command if (b & mask) == value
    Command command;
  };
  static const CommandShape* find_command(uint8_t first);

  struct Drive {
    std::unique_ptr<block::DiskImage> image;
    const FloppyFormat* format = nullptr;
    uint8_t cylinder = 0;     // where the head is (the PCN)
    uint8_t next_sector = 1;  // the sector coming under the head next (READ ID)
    bool disk_changed = true;
  };

  class LowPorts final : public mem::PortDevice {
   public:
    explicit LowPorts(FloppyController& c) : c_(c) {}
    mem::AccessRules rules(uint64_t) const override { return {.min_size = 1, .max_size = 1}; }
    uint64_t read(uint64_t offset, unsigned) override { return c_.read_port(unsigned(offset)); }
    void write(uint64_t offset, unsigned, uint64_t v) override { c_.write_port(unsigned(offset), uint8_t(v)); }

   private:
    FloppyController& c_;
  };
  class DirPort final : public mem::PortDevice {
   public:
    explicit DirPort(FloppyController& c) : c_(c) {}
    mem::AccessRules rules(uint64_t) const override { return {.min_size = 1, .max_size = 1}; }
    uint64_t read(uint64_t, unsigned) override { return c_.read_port(kDir); }
    void write(uint64_t, unsigned, uint64_t v) override { c_.write_port(kCcr, uint8_t(v)); }

   private:
    FloppyController& c_;
  };

  uint8_t read_port(unsigned reg);
  void write_port(unsigned reg, uint8_t v);
  uint8_t msr() const;
  void write_dor(uint8_t v);
  // A software or hardware reset ends (the controller runs again): polling statuses and an interrupt.
  void leave_reset();
  void soft_reset();
  void update_lines();
  void raise_irq();
  void lower_irq();

  // The command phase: bytes in; the command runs when the last arrives.
  void fifo_write(uint8_t v);
  uint8_t fifo_read();
  void execute();
  void result(std::vector<uint8_t> bytes, bool irq);
  void to_command_phase();
  void invalid() { result({kSt0Invalid}, false); }

  void seek_done(unsigned unit, uint8_t st0);
  void step_to(Drive& d, unsigned cylinder);
  void sense_interrupt();
  void sense_drive();
  void dumpreg();
  void read_id();
  // READ DATA, WRITE DATA, FORMAT TRACK: check, then wait for the DMA.
  void start_transfer(Op op);
  void dma_service();
  void transfer_sectors();
  void format_track();
  bool format_sector(const std::array<uint8_t, 4>& id);
  bool load_sector();
  bool store_sector();
  bool next_sector();
  // Non-DMA mode: the data through the FIFO, and the overrun when the guest stops moving it.
  uint8_t pio_read();
  void pio_write(uint8_t v);
  void pio_byte_done();
  uint64_t overrun_limit() const { return buf_pos_ == 0 && pio_units_ > 0 ? kOverrunNs : kStallNs; }
  void arm_overrun(uint64_t deadline_ns);
  void cancel_overrun();
  // The sector (cylinder c, head h, sector r) of drive d's medium can be read; else the ST1/ST2 bits saying why.
  uint16_t sector_error(const Drive& d, unsigned c, unsigned h, unsigned r, unsigned n) const;
  void end_transfer(uint8_t st0, uint8_t st1, uint8_t st2);
  uint64_t image_offset(const Drive& d, unsigned c, unsigned h, unsigned r) const {
    const FloppyFormat& f = *d.format;
    return ((uint64_t(c) * f.heads + h) * f.sectors + (r - 1)) * kSectorSize;
  }
  uint8_t unit_bits() const { return uint8_t((head_ << 2) | unit_); }

  IrqLine& irq_;
  I8237Pair& dma_;
  Clock& clock_;
  LowPorts low_{*this};
  DirPort dir_{*this};
  std::array<Drive, kDrives> drive_;

  uint8_t dor_ = kDorNotReset | kDorDmaGate, tdr_ = 0, rate_ = 2, dsr_ = 2;
  Phase phase_ = Phase::Command;
  std::vector<uint8_t> cmd_;       // the command bytes so far
  const CommandShape* command_ = nullptr;  // what they are
  std::vector<uint8_t> reply_;     // the result bytes, read from reply_pos_
  size_t reply_pos_ = 0;
  bool reply_irq_ = false;         // the result phase came with an interrupt, which its first byte clears
  bool irq_pending_ = false, dreq_ = false;
  // Seek/recalibrate/reset statuses waiting for SENSE INTERRUPT STATUS, per drive 0-3.
  std::array<std::optional<uint8_t>, 4> sense_{};
  uint8_t busy_drives_ = 0;        // MSR bits 0-3: a seek not yet sensed

  // Parameters the guest set (DUMPREG shows them).
  uint8_t specify1_ = 0, specify2_ = 0;  // SRT/HUT, HLT/ND
  uint8_t config_ = 0x20, pretrk_ = 0;   // CONFIGURE: EIS, EFIFO, POLL, FIFOTHR; precompensation track
  uint8_t perpendicular_ = 0;            // D3-D0, GAP, WGATE
  bool lock_ = false;
  uint8_t last_eot_ = 0;

  // The data command under way: drive, position, and what has moved.
  Op op_ = Op::Read;
  unsigned unit_ = 0, head_ = 0;
  uint8_t c_ = 0, h_ = 0, r_ = 0, n_ = 0, eot_ = 0;
  bool multi_track_ = false;
  uint8_t st0_seek_ = 0;            // SE when an implied seek ran
  uint8_t format_sectors_ = 0, format_fill_ = 0;
  std::array<uint8_t, kSectorSize> buf_{};  // the sector being moved
  size_t buf_pos_ = 0;
  bool pio_ = false;                // non-DMA mode (SPECIFY's ND): the bytes go through the FIFO
  unsigned pio_units_ = 0;          // non-DMA: sectors (FORMAT TRACK: IDs) moved so far
  uint64_t last_pio_ns_ = 0;        // when the guest last moved a byte in non-DMA mode
  Clock::TimerId overrun_timer_ = 0;  // 0: none armed
};

}  // namespace kiln::devices

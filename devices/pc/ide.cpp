#include "devices/pc/ide.h"

#include <algorithm>
#include <cstring>

namespace kiln::devices {

namespace {

constexpr uint64_t kSectorBytes = block::DiskImage::kSectorSize;  // not IdeChannel::kSector, the register
constexpr uint64_t kLba28Max = 0x0FFFFFFF;  // sectors an LBA28 command can reach
constexpr uint64_t kDmaChunkSectors = 128;  // how much a DMA transfer reads or writes of the image at a time

// ATA commands (ATA/ATAPI-6 §8).
enum : uint8_t {
  kNop = 0x00, kDeviceReset = 0x08, kRecalibrate = 0x10, kReadSectors = 0x20, kReadSectorsNoRetry = 0x21,
  kReadSectorsExt = 0x24, kReadMultipleExt = 0x29, kWriteSectors = 0x30, kWriteSectorsNoRetry = 0x31,
  kWriteSectorsExt = 0x34, kWriteMultipleExt = 0x39, kReadVerify = 0x40, kReadVerifyNoRetry = 0x41,
  kReadVerifyExt = 0x42, kSeek = 0x70, kExecuteDiagnostic = 0x90, kInitializeParams = 0x91, kPacket = 0xA0,
  kIdentifyPacket = 0xA1, kReadMultiple = 0xC4, kWriteMultiple = 0xC5, kSetMultiple = 0xC6,
  kReadDma = 0xC8, kReadDmaNoRetry = 0xC9, kWriteDma = 0xCA, kWriteDmaNoRetry = 0xCB, kReadDmaExt = 0x25,
  kWriteDmaExt = 0x35, kStandbyImmediate = 0xE0, kIdleImmediate = 0xE1, kStandby = 0xE2, kIdle = 0xE3, kCheckPowerMode = 0xE5,
  kFlushCache = 0xE7, kIdentify = 0xEC, kFlushCacheExt = 0xEA, kSetFeatures = 0xEF,
};
// SET FEATURES subcommands Kiln accepts: the transfer mode, and the write cache and
// read look-ahead switches (there is no cache to switch: writes reach the file at once).
constexpr uint8_t kFeatureTransferMode = 0x03, kFeatureWriteCacheOn = 0x02, kFeatureWriteCacheOff = 0x82,
                  kFeatureLookAheadOff = 0x55, kFeatureLookAheadOn = 0xAA, kFeatureDefaultsOff = 0x66,
                  kFeatureDefaultsOn = 0xCC;
// SET FEATURES transfer modes (the sector count): PIO default (0x00, 0x01), PIO flow control 0-4,
// multiword DMA 0-2, Ultra DMA 0-5 (what IDENTIFY advertises).
constexpr uint8_t kModePioFlow = 0x08, kModePio4 = 0x0C, kModeMwdma = 0x20, kModeMwdma2 = 0x22, kModeUdma = 0x40,
                  kModeUdma5 = 0x45;

}  // namespace

void IdeChannel::put_ata_string(uint16_t* words, unsigned nwords, const char* text) {
  const size_t len = std::strlen(text);
  for (unsigned i = 0; i < nwords * 2; i++) {
    const uint8_t c = i < len ? uint8_t(text[i]) : uint8_t(' ');
    words[i / 2] = uint16_t(i % 2 ? (words[i / 2] & 0xff00) | c : (words[i / 2] & 0x00ff) | c << 8);
  }
}

void IdeChannel::send_identify(Device& d, std::array<uint16_t, 256> w) {
  w[255] = 0x00A5;  // the signature, then the checksum that makes the 512 bytes sum to 0
  uint8_t sum = 0;
  for (uint16_t v : w) sum = uint8_t(sum + (v & 0xff) + (v >> 8));
  w[255] = uint16_t(uint8_t(-sum) << 8 | 0xA5);
  d.buf.resize(512);
  for (unsigned i = 0; i < 256; i++) {
    d.buf[2 * i] = uint8_t(w[i]);
    d.buf[2 * i + 1] = uint8_t(w[i] >> 8);
  }
  d.pos = 0;
  d.transfer = Transfer::Identify;
  d.error = 0;
  d.status = kDrdy | kDsc | kDrq;
  raise(d);
}

IdeChannel::Chs IdeChannel::default_geometry(uint64_t sectors) {
  const uint64_t cylinders = std::clamp<uint64_t>(sectors / (16 * 63), 2, 16383);
  return {uint16_t(cylinders), 16, 63};
}

IdeChannel::IdeChannel(IrqLine& irq) : irq_(irq) {}

void IdeChannel::attach_disk(unsigned unit, std::unique_ptr<block::DiskImage> image) {
  Device& d = dev_[unit & 1];
  d.kind = Kind::Disk;
  d.geometry = d.current = default_geometry(image->size_bytes() / kSectorBytes);
  d.image = std::move(image);
  signature(d);
}

void IdeChannel::attach_cdrom(unsigned unit, std::unique_ptr<block::DiskImage> image) {
  Device& d = dev_[unit & 1];
  d.kind = Kind::Cdrom;
  d.image = std::move(image);
  signature(d);
}

std::optional<IdeChannel::Chs> IdeChannel::disk_geometry(unsigned unit) const {
  const Device& d = dev_[unit & 1];
  if (d.kind != Kind::Disk) return std::nullopt;
  return d.geometry;
}

void IdeChannel::reset() {
  control_reg_ = 0;
  for (Device& d : dev_) {
    d.multiple = 0;
    d.dma_mode = 0;
    d.current = d.geometry;
    d.sense_key = d.asc = 0;
    signature(d);
  }
  update_irq();
}

// What a device shows after a reset or EXECUTE DEVICE DIAGNOSTIC: the
// signature in the task file (an ATAPI device's 0x14/0xEB tells drivers to
// use IDENTIFY PACKET DEVICE), error 1 (passed), and, for a disk, DRDY.
void IdeChannel::signature(Device& d) {
  d.transfer = Transfer::None;
  d.count = d.sector = 1;
  d.cyl_low = d.kind == Kind::Cdrom ? 0x14 : 0;
  d.cyl_high = d.kind == Kind::Cdrom ? 0xEB : 0;
  d.hob_count = d.hob_sector = d.hob_cyl_low = d.hob_cyl_high = d.hob_feature = 0;
  d.device_head = 0;
  d.error = 0x01;
  d.status = d.kind == Kind::Disk ? kDrdy | kDsc : 0;
  d.irq_pending = false;
}

void IdeChannel::update_irq() {
  const Device& d = selected();
  const bool level = d.kind != Kind::None && d.irq_pending && !(control_reg_ & kNien);
  if (level == irq_level_) return;
  irq_level_ = level;
  irq_.set_level(level);
  if (level && bm_) bm_->device_interrupt();  // the bus master watches the line (its INTERRUPT bit)
}

void IdeChannel::raise(Device& d) {
  d.irq_pending = true;
  update_irq();
}

uint8_t IdeChannel::alt_status() {
  if (empty()) return 0xFF;  // nothing drives the bus: it floats high
  Device& d = selected();
  return d.kind == Kind::None ? 0 : d.status;
}

// SRST high holds both devices in reset (BSY); its falling edge ends the
// reset with the signatures. nIEN masks the selected device's INTRQ.
void IdeChannel::write_control(uint8_t v) {
  const bool was_reset = control_reg_ & kSrst;
  control_reg_ = v;
  if ((v & kSrst) && !was_reset) {
    for (Device& d : dev_) {
      d.transfer = Transfer::None;
      d.irq_pending = false;
      if (d.kind != Kind::None) d.status = kBsy;
    }
  } else if (!(v & kSrst) && was_reset) {
    for (Device& d : dev_) signature(d);
  }
  update_irq();
}

uint8_t IdeChannel::read_register(Device& d, unsigned reg) {
  const bool hob = control_reg_ & kHob;
  switch (reg) {
    case kError: return hob ? d.hob_feature : d.error;
    case kSectorCount: return hob ? d.hob_count : d.count;
    case kSector: return hob ? d.hob_sector : d.sector;
    case kCylLow: return hob ? d.hob_cyl_low : d.cyl_low;
    case kCylHigh: return hob ? d.hob_cyl_high : d.cyl_high;
    case kDeviceHead: return uint8_t(d.device_head | 0xA0);  // bits 7 and 5 are obsolete ones
    default: {  // the status register: reading it acknowledges the interrupt
      const uint8_t s = d.status;
      d.irq_pending = false;
      update_irq();
      return s;
    }
  }
}

uint64_t IdeChannel::read(uint64_t offset, unsigned size) {
  if (empty()) return offset == kData ? (size == 4 ? 0xFFFFFFFFu : size == 2 ? 0xFFFFu : 0xFFu) : 0xFF;
  Device& d = selected();
  if (d.kind == Kind::None) return 0;  // an absent slave beside a master: the master answers 0 for it
  if (offset == kData) return data_read(d, size);
  return read_register(d, unsigned(offset));
}

void IdeChannel::write(uint64_t offset, unsigned size, uint64_t value) {
  const uint8_t v = uint8_t(value);
  if (offset == kData) {
    Device& d = selected();
    if (d.kind != Kind::None) data_write(d, size, uint32_t(value));
    return;
  }
  if (offset == kCommand) {
    Device& d = selected();
    // A device busy in reset, or an absent one, ignores commands (DEVICE RESET reaches a busy ATAPI device).
    if (d.kind == Kind::None || ((d.status & kBsy) && v != kDeviceReset)) return;
    d.irq_pending = false;
    update_irq();
    command(d, v);
    return;
  }
  control_reg_ &= uint8_t(~kHob);  // a write to the command block clears HOB
  for (Device& d : dev_) {
    switch (offset) {
      case kFeature: d.hob_feature = d.feature; d.feature = v; break;
      case kSectorCount: d.hob_count = d.count; d.count = v; break;
      case kSector: d.hob_sector = d.sector; d.sector = v; break;
      case kCylLow: d.hob_cyl_low = d.cyl_low; d.cyl_low = v; break;
      case kCylHigh: d.hob_cyl_high = d.cyl_high; d.cyl_high = v; break;
      case kDeviceHead: d.device_head = v; break;
    }
  }
  if (offset == kDeviceHead) update_irq();  // INTRQ is the selected device's
}

// ---- ATA commands ----

void IdeChannel::abort(Device& d) {
  d.transfer = Transfer::None;
  d.error = kAbrt;
  d.status = kDrdy | kDsc | kErr;
  raise(d);
}

// The end of a command without (more) data: ready, and the IRQ.
void IdeChannel::finish(Device& d, bool irq) {
  d.transfer = Transfer::None;
  d.error = 0;
  d.status = kDrdy | kDsc;
  if (irq) raise(d);
}

void IdeChannel::command(Device& d, uint8_t cmd) {
  const bool cd = d.kind == Kind::Cdrom;
  // What an ATAPI device takes besides PACKET: the rest aborts, IDENTIFY DEVICE
  // with the signature in place, which is how drivers tell it from a disk.
  if (cd) {
    switch (cmd) {
      case kPacket: start_packet(d); return;
      case kIdentifyPacket: identify_packet(d); return;
      case kDeviceReset:
        signature(d);
        return;  // no interrupt
      case kExecuteDiagnostic: break;
      case kSetFeatures: case kCheckPowerMode: case kIdleImmediate: case kStandbyImmediate: case kNop: break;
      default:
        abort(d);
        if (cmd == kIdentify) {
          d.count = d.sector = 1;
          d.cyl_low = 0x14;
          d.cyl_high = 0xEB;
        }
        return;
    }
  }
  switch (cmd) {
    case kIdentify: identify(d); return;
    case kReadSectors: case kReadSectorsNoRetry:
      start_rw(d, false, 1, false);
      return;
    case kReadSectorsExt: start_rw(d, true, 1, false); return;
    case kReadDma: case kReadDmaNoRetry: start_dma(d, false, false); return;
    case kReadDmaExt: start_dma(d, true, false); return;
    case kWriteDma: case kWriteDmaNoRetry: start_dma(d, false, true); return;
    case kWriteDmaExt: start_dma(d, true, true); return;
    case kWriteSectors: case kWriteSectorsNoRetry: start_rw(d, false, 1, true); return;
    case kWriteSectorsExt: start_rw(d, true, 1, true); return;
    case kReadMultiple: case kReadMultipleExt: case kWriteMultiple: case kWriteMultipleExt:
      if (d.multiple == 0) return abort(d);  // SET MULTIPLE MODE first
      start_rw(d, cmd == kReadMultipleExt || cmd == kWriteMultipleExt, d.multiple,
               cmd == kWriteMultiple || cmd == kWriteMultipleExt);
      return;
    case kSetMultiple:
      // A power of two up to kMaxMultiple; 0 disables the multiple commands.
      if (d.count > kMaxMultiple || (d.count & (d.count - 1))) return abort(d);
      d.multiple = d.count;
      return finish(d);
    case kReadVerify: case kReadVerifyNoRetry: case kReadVerifyExt: {
      d.lba48 = cmd == kReadVerifyExt;
      uint64_t lba;
      const uint64_t n = sector_count(d);
      if (!address(d, &lba) || lba + n > sectors(d)) {
        d.transfer = Transfer::None;
        d.error = kIdnf;
        d.status = kDrdy | kDsc | kErr;
        return raise(d);
      }
      set_address(d, lba + n - 1);
      return finish(d);
    }
    case kFlushCache: case kFlushCacheExt:
      if (!d.image->flush()) {
        d.error = kAbrt;
        d.status = kDrdy | kDsc | kErr | kDf;
        return raise(d);
      }
      return finish(d);
    case kSetFeatures:
      switch (d.feature) {
        case kFeatureTransferMode: {
          // A PIO mode is accepted (every one works); a DMA mode is recorded for IDENTIFY's words 63 and 88.
          const uint8_t mode = d.count;
          if (mode >= kModeMwdma && mode <= kModeMwdma2) d.dma_mode = mode;
          else if (mode >= kModeUdma && mode <= kModeUdma5) d.dma_mode = mode;
          else if (mode > 0x01 && (mode < kModePioFlow || mode > kModePio4)) return abort(d);
          return finish(d);
        }
        case kFeatureWriteCacheOn: case kFeatureWriteCacheOff: case kFeatureLookAheadOff: case kFeatureLookAheadOn:
        case kFeatureDefaultsOff: case kFeatureDefaultsOn:
          return finish(d);
        default: return abort(d);
      }
    case kInitializeParams: {
      // The CHS translation from now on: the sectors per track in the count, the heads in the device register.
      const uint16_t heads = uint16_t((d.device_head & 0x0F) + 1), spt = d.count;
      if (spt == 0) return abort(d);
      const uint64_t cyl = std::min<uint64_t>(sectors(d) / (uint64_t(heads) * spt), 65535);
      d.current = {uint16_t(cyl), heads, spt};
      return finish(d);
    }
    case kExecuteDiagnostic:
      // Both devices show their signatures (device 0 selected) and device 0 interrupts.
      for (Device& o : dev_)
        if (o.kind != Kind::None) signature(o);
      return raise(dev_[0].kind != Kind::None ? dev_[0] : d);
    case kCheckPowerMode:
      d.count = 0xFF;  // active or idle
      return finish(d);
    case kRecalibrate: case kSeek: case kStandbyImmediate: case kIdleImmediate: case kStandby: case kIdle:
      return finish(d);
    case kNop:
      return abort(d);  // NOP always aborts (ATA-6 8.20)
    default:
      if (cmd > kRecalibrate && cmd <= kRecalibrate + 0x0F) return finish(d);  // the obsolete RECALIBRATE codes
      return abort(d);
  }
}

void IdeChannel::identify(Device& d) {
  std::array<uint16_t, 256> w{};
  const uint64_t total = sectors(d);
  w[0] = 0x0040;  // a fixed, non-removable ATA device
  w[1] = d.geometry.cylinders;
  w[3] = d.geometry.heads;
  w[6] = d.geometry.sectors;
  put_ata_string(&w[10], 10, "KILN0001");
  put_ata_string(&w[23], 4, "1.0");
  put_ata_string(&w[27], 20, "KILN HARDDISK");
  w[47] = 0x8000 | kMaxMultiple;
  w[49] = 0x0200;  // LBA (DMA: put_dma_modes)
  w[50] = 0x4000;
  w[51] = 0x0200;  // PIO mode 2 timing
  w[53] = 0x0003;  // words 54-58 and 64-70 are valid
  w[54] = d.current.cylinders;
  w[55] = d.current.heads;
  w[56] = d.current.sectors;
  const uint32_t chs_capacity = uint32_t(d.current.cylinders) * d.current.heads * d.current.sectors;
  w[57] = uint16_t(chs_capacity);
  w[58] = uint16_t(chs_capacity >> 16);
  w[59] = d.multiple ? uint16_t(0x0100 | d.multiple) : 0;
  const uint64_t lba28 = std::min(total, kLba28Max);
  w[60] = uint16_t(lba28);
  w[61] = uint16_t(lba28 >> 16);
  w[64] = 0x0003;  // PIO modes 3 and 4
  w[65] = w[66] = w[67] = w[68] = 120;  // cycle times (ns)
  w[80] = 0x00F0;  // ATA/ATAPI-4 to -7
  w[82] = 0x4000;  // NOP
  w[83] = 0x4000 | 0x2000 | 0x1000 | 0x0400;  // FLUSH CACHE EXT, FLUSH CACHE, 48-bit addresses
  w[84] = 0x4000;
  w[85] = 0x4000;
  w[86] = 0x2000 | 0x1000 | 0x0400;
  w[87] = 0x4000;
  for (unsigned i = 0; i < 4; i++) w[100 + i] = uint16_t(total >> (16 * i));
  put_dma_modes(d, w);
  send_identify(d, w);
}

// The command's starting sector from the task file: LBA (28 or 48 bits) or CHS
// through the current translation. False for a CHS address outside it.
bool IdeChannel::address(Device& d, uint64_t* lba) {
  if (d.device_head & 0x40) {
    if (d.lba48)
      *lba = uint64_t(d.hob_cyl_high) << 40 | uint64_t(d.hob_cyl_low) << 32 | uint64_t(d.hob_sector) << 24 |
             uint64_t(d.cyl_high) << 16 | uint64_t(d.cyl_low) << 8 | d.sector;
    else
      *lba = uint64_t(d.device_head & 0x0F) << 24 | uint64_t(d.cyl_high) << 16 | uint64_t(d.cyl_low) << 8 | d.sector;
    return true;
  }
  const unsigned cyl = d.cyl_high << 8 | d.cyl_low, head = d.device_head & 0x0F, sec = d.sector;
  if (d.lba48 || sec == 0 || sec > d.current.sectors || head >= d.current.heads || cyl >= d.current.cylinders) return false;
  *lba = (uint64_t(cyl) * d.current.heads + head) * d.current.sectors + (sec - 1);
  return true;
}

// The task file after a transfer stops: the address of the last sector moved (or the one that failed).
void IdeChannel::set_address(Device& d, uint64_t lba) {
  if (d.device_head & 0x40) {
    d.sector = uint8_t(lba);
    d.cyl_low = uint8_t(lba >> 8);
    d.cyl_high = uint8_t(lba >> 16);
    if (d.lba48) {
      d.hob_sector = uint8_t(lba >> 24);
      d.hob_cyl_low = uint8_t(lba >> 32);
      d.hob_cyl_high = uint8_t(lba >> 40);
    } else {
      d.device_head = uint8_t((d.device_head & 0xF0) | ((lba >> 24) & 0x0F));
    }
    return;
  }
  const uint64_t per_cyl = uint64_t(d.current.heads) * d.current.sectors;
  if (per_cyl == 0) return;
  const uint64_t cyl = lba / per_cyl, rest = lba % per_cyl;
  d.cyl_low = uint8_t(cyl);
  d.cyl_high = uint8_t(cyl >> 8);
  d.device_head = uint8_t((d.device_head & 0xF0) | (rest / d.current.sectors));
  d.sector = uint8_t(rest % d.current.sectors + 1);
}

// The start of a read or write (PIO or DMA): its first sector and count from
// the task file into d.lba and d.remaining; or IDNF (outside the disk) or ABRT
// (a write to a read-only disk) with the IRQ, and false.
bool IdeChannel::begin_transfer(Device& d, bool lba48, bool write) {
  d.lba48 = lba48;
  const uint64_t n = sector_count(d);
  uint64_t lba;
  if (!address(d, &lba) || lba + n > sectors(d) || (write && d.image->read_only())) {
    d.transfer = Transfer::None;
    d.error = write && d.image->read_only() ? kAbrt : kIdnf;
    d.status = kDrdy | kDsc | kErr;
    raise(d);
    return false;
  }
  d.lba = lba;
  d.remaining = n;
  return true;
}

void IdeChannel::start_rw(Device& d, bool lba48, unsigned block, bool write) {
  if (!begin_transfer(d, lba48, write)) return;
  const uint64_t n = d.remaining;
  d.block = block;
  if (write) {
    // The first block goes without an interrupt: the host polls for DRQ.
    d.transfer = Transfer::AtaWrite;
    d.buf.assign(std::min<uint64_t>(block, n) * kSectorBytes, 0);
    d.pos = 0;
    d.error = 0;
    d.status = kDrdy | kDsc | kDrq;
  } else {
    read_block(d);
  }
}

// The next block into the buffer, DRQ and the IRQ; or the error at the sector the host file failed on.
void IdeChannel::read_block(Device& d) {
  const uint64_t n = std::min<uint64_t>(d.block, d.remaining);
  d.buf.resize(n * kSectorBytes);
  if (!d.image->read(d.lba * kSectorBytes, d.buf.data(), n * kSectorBytes)) {
    set_address(d, d.lba);
    d.transfer = Transfer::None;
    d.error = kUnc;
    d.status = kDrdy | kDsc | kErr;
    return raise(d);
  }
  d.transfer = Transfer::AtaRead;
  d.pos = 0;
  d.lba += n;
  d.remaining -= n;
  set_address(d, d.lba - 1);
  d.error = 0;
  d.status = kDrdy | kDsc | kDrq;
  raise(d);
}

// A full write block to the image; then DRQ for the next one, or the end.
void IdeChannel::write_block(Device& d) {
  const uint64_t n = d.buf.size() / kSectorBytes;
  if (!d.image->write(d.lba * kSectorBytes, d.buf.data(), n * kSectorBytes)) {
    set_address(d, d.lba);
    d.transfer = Transfer::None;
    d.error = kAbrt;
    d.status = kDrdy | kDsc | kErr | kDf;
    return raise(d);
  }
  d.lba += n;
  d.remaining -= n;
  set_address(d, d.lba - 1);
  if (d.remaining == 0) return finish(d);
  d.buf.assign(std::min<uint64_t>(d.block, d.remaining) * kSectorBytes, 0);
  d.pos = 0;
  d.status = kDrdy | kDsc | kDrq;
  raise(d);
}

uint32_t IdeChannel::data_read(Device& d, unsigned size) {
  if (d.transfer != Transfer::AtaRead && d.transfer != Transfer::Identify && d.transfer != Transfer::AtapiIn) return 0;
  uint32_t v = 0;
  for (unsigned i = 0; i < size && d.pos < d.buf.size(); i++) v |= uint32_t(d.buf[d.pos++]) << (8 * i);
  if (d.pos >= d.buf.size()) buffer_done(d);
  return v;
}

void IdeChannel::data_write(Device& d, unsigned size, uint32_t v) {
  if (d.transfer != Transfer::AtaWrite && d.transfer != Transfer::Packet) return;
  for (unsigned i = 0; i < size && d.pos < d.buf.size(); i++) d.buf[d.pos++] = uint8_t(v >> (8 * i));
  if (d.pos >= d.buf.size()) buffer_done(d);
}

// The host has moved the whole buffer.
void IdeChannel::buffer_done(Device& d) {
  switch (d.transfer) {
    case Transfer::Identify: return finish(d, false);  // its IRQ came before the data
    case Transfer::AtaRead:
      if (d.remaining == 0) return finish(d, false);
      return read_block(d);
    case Transfer::AtaWrite: return write_block(d);
    case Transfer::Packet: return packet(d);
    case Transfer::AtapiIn: return atapi_next_chunk(d);
    case Transfer::None: case Transfer::DmaRead: case Transfer::DmaWrite: case Transfer::AtapiDma: return;
  }
}

// ---- DMA ----

// Every DMA mode works at any speed, so the device offers them all: the
// multiword DMA 0-2 and Ultra DMA 0-5 bits, and the one SET FEATURES chose.
void IdeChannel::put_dma_modes(const Device& d, std::array<uint16_t, 256>& w) const {
  w[49] |= 0x0100;  // DMA supported
  w[53] |= 0x0004;  // word 88 is valid
  w[63] = 0x0007;
  w[88] = 0x003F;
  if (d.dma_mode >= kModeMwdma && d.dma_mode <= kModeMwdma2) w[63] |= uint16_t(0x0100 << (d.dma_mode - kModeMwdma));
  if (d.dma_mode >= kModeUdma && d.dma_mode <= kModeUdma5) w[88] |= uint16_t(0x0100 << (d.dma_mode - kModeUdma));
}

// READ/WRITE DMA (+EXT): the checks of the PIO commands, then DRQ and the
// transfer pending until the bus master runs it.
void IdeChannel::start_dma(Device& d, bool lba48, bool write) {
  if (!bm_) return abort(d);
  if (!begin_transfer(d, lba48, write)) return;
  d.transfer = write ? Transfer::DmaWrite : Transfer::DmaRead;
  d.error = 0;
  d.status = kDrdy | kDsc | kDrq;
  run_dma(d);
}

void IdeChannel::dma_started() {
  if (!empty()) run_dma(selected());
}

void IdeChannel::run_dma(Device& d) {
  if (!bm_ || !bm_->dma_running()) return;
  if (d.transfer == Transfer::DmaRead || d.transfer == Transfer::DmaWrite) run_ata_dma(d);
  else if (d.transfer == Transfer::AtapiDma) run_atapi_dma(d);
}

// The whole transfer, a chunk at a time, then the end of the command. A PRD
// table shorter than the transfer (or one pointing outside RAM) stops it with
// ABRT at the first sector not moved; the bus master shows its ERROR bit.
void IdeChannel::run_ata_dma(Device& d) {
  const bool write = d.transfer == Transfer::DmaWrite;
  std::vector<uint8_t> buf;
  auto fail = [&](uint8_t error, uint8_t status) {
    set_address(d, d.lba);
    d.transfer = Transfer::None;
    d.error = error;
    d.status = status;
    bm_->dma_done();
    raise(d);
  };
  while (d.remaining) {
    const uint64_t n = std::min(d.remaining, kDmaChunkSectors), bytes = n * kSectorBytes;
    buf.resize(bytes);
    if (!write && !d.image->read(d.lba * kSectorBytes, buf.data(), bytes)) return fail(kUnc, kDrdy | kDsc | kErr);
    const uint64_t moved = bm_->dma_move(buf.data(), bytes, !write);
    if (moved < bytes) {
      d.lba += moved / kSectorBytes;  // (a write's partial chunk does not reach the image)
      return fail(kAbrt, kDrdy | kDsc | kErr);
    }
    if (write && !d.image->write(d.lba * kSectorBytes, buf.data(), bytes)) return fail(kAbrt, kDrdy | kDsc | kErr | kDf);
    d.lba += n;
    d.remaining -= n;
  }
  set_address(d, d.lba - 1);
  bm_->dma_done();
  finish(d);
}

}  // namespace kiln::devices

// The ATAPI side of devices/pc/ide.h: a CD-ROM of 2048-byte sectors. PACKET
// takes a 12-byte command packet through the data port; data goes back in
// chunks of at most the byte count limit, each announced by DRQ, the
// interrupt reason (sector count: CoD, IO) and its length in the cylinder
// registers, and an IRQ. The commands are those SeaBIOS, isolinux (through
// the BIOS) and Linux's sr driver ask (MMC-3 spellings): TEST UNIT READY,
// REQUEST SENSE, INQUIRY, READ CAPACITY, READ(10)/(12), MODE SENSE (the
// capabilities page), START STOP UNIT, PREVENT ALLOW MEDIUM REMOVAL, READ
// TOC (one data track), GET CONFIGURATION (the CD-ROM profile), GET EVENT
// STATUS NOTIFICATION (polled; the medium is always there). Anything else
// is CHECK CONDITION with ILLEGAL REQUEST. The medium never changes, so
// there is no UNIT ATTENTION.
#include <algorithm>

#include "devices/pc/ide.h"

namespace kiln::devices {

namespace {

// Interrupt reason bits (the sector count register during PACKET).
constexpr uint8_t kCoD = 0x01, kIo = 0x02;

// SCSI/MMC operation codes.
enum : uint8_t {
  kTestUnitReady = 0x00, kRequestSense = 0x03, kInquiry = 0x12, kModeSense6 = 0x1A, kStartStopUnit = 0x1B,
  kPreventAllow = 0x1E, kReadCapacity = 0x25, kRead10 = 0x28, kReadToc = 0x43, kGetConfiguration = 0x46,
  kGetEventStatus = 0x4A, kModeSense10 = 0x5A, kRead12 = 0xA8,
};
// Sense keys and additional sense codes.
constexpr uint8_t kMediumError = 0x03, kIllegalRequest = 0x05, kAbortedCommand = 0x0B;
constexpr uint8_t kUnrecoveredRead = 0x11, kInvalidOpcode = 0x20, kLbaOutOfRange = 0x21, kInvalidField = 0x24;
constexpr uint8_t kPageCapabilities = 0x2A, kPageAll = 0x3F;

uint32_t be32(const uint8_t* p) { return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3]; }
uint16_t be16(const uint8_t* p) { return uint16_t(p[0] << 8 | p[1]); }
void put_be32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; i++) p[i] = uint8_t(v >> (24 - 8 * i));
}
void put_be16(uint8_t* p, uint16_t v) {
  p[0] = uint8_t(v >> 8);
  p[1] = uint8_t(v);
}
// An address for READ TOC: an LBA, or with MSF set minutes/seconds/frames (75 a second, from -150).
void put_address(uint8_t* p, uint32_t lba, bool msf) {
  if (!msf) return put_be32(p, lba);
  const uint32_t f = lba + 150;
  p[0] = 0;
  p[1] = uint8_t(f / (75 * 60));
  p[2] = uint8_t(f / 75 % 60);
  p[3] = uint8_t(f % 75);
}

}  // namespace

void IdeChannel::identify_packet(Device& d) {
  std::array<uint16_t, 256> w{};
  w[0] = 0x85C0;  // ATAPI, CD-ROM (5), removable, DRQ within 50 us, 12-byte packets
  put_ata_string(&w[10], 10, "KILN0002");
  put_ata_string(&w[23], 4, "1.0");
  put_ata_string(&w[27], 20, "KILN CD-ROM");
  w[49] = 0x0200;  // LBA (DMA: put_dma_modes)
  w[53] = 0x0003;
  w[64] = 0x0003;  // PIO modes 3 and 4
  w[65] = w[66] = w[67] = w[68] = 120;
  w[80] = 0x0070;  // ATA/ATAPI-4 to -6
  w[82] = 0x4010;  // the PACKET feature set
  w[85] = 0x4010;
  put_dma_modes(d, w);
  send_identify(d, w);
}

// PACKET: the byte count limit is the cylinder registers' value now; DRQ for
// the 12 command bytes, no IRQ (IDENTIFY PACKET DEVICE says: DRQ within 50 us).
// With the DMA feature bit the command's data-in goes through the bus master.
void IdeChannel::start_packet(Device& d) {
  d.atapi_dma = d.feature & 0x01;
  if (d.atapi_dma && !bm_) return abort(d);
  d.byte_limit = uint16_t(d.cyl_high << 8 | d.cyl_low);
  d.buf.assign(12, 0);
  d.pos = 0;
  d.transfer = Transfer::Packet;
  d.count = kCoD;
  d.error = 0;
  d.status = kDrdy | kDsc | kDrq;
}

// The command's good end: status ready, reason "command done", the IRQ.
void IdeChannel::atapi_ok(Device& d) {
  d.sense_key = d.asc = 0;
  d.transfer = Transfer::None;
  d.count = kCoD | kIo;
  d.error = 0;
  d.status = kDrdy | kDsc;
  raise(d);
}

// CHECK CONDITION: the sense key in the error register's high nibble, kept for REQUEST SENSE.
void IdeChannel::atapi_check(Device& d, uint8_t key, uint8_t asc) {
  d.sense_key = key;
  d.asc = asc;
  d.transfer = Transfer::None;
  d.count = kCoD | kIo;
  d.error = uint8_t(key << 4 | kAbrt);
  d.status = kDrdy | kDsc | kErr;
  raise(d);
}

// Data-in from a reply of the command's making, cut to the host's allocation length.
void IdeChannel::atapi_reply(Device& d, std::vector<uint8_t> data, size_t alloc) {
  if (data.size() > alloc) data.resize(alloc);
  if (data.empty()) return atapi_ok(d);
  d.sense_key = d.asc = 0;
  d.reply = std::move(data);
  d.atapi_from_image = false;
  d.atapi_source = 0;
  d.remaining = d.reply.size();
  atapi_next_chunk(d);
}

// Data-in of `count` CD sectors from `lba`.
void IdeChannel::atapi_read(Device& d, uint64_t lba, uint64_t count) {
  const uint64_t capacity = d.image->size_bytes() / kCdSectorSize;
  if (lba > capacity || count > capacity - lba) return atapi_check(d, kIllegalRequest, kLbaOutOfRange);
  if (count == 0) return atapi_ok(d);
  d.sense_key = d.asc = 0;
  d.atapi_from_image = true;
  d.atapi_source = lba * kCdSectorSize;
  d.remaining = count * kCdSectorSize;
  atapi_next_chunk(d);
}

// The next chunk into the buffer (at most the byte count limit, even), its
// length in the cylinder registers, DRQ and the IRQ; or, with nothing left, the end.
void IdeChannel::atapi_next_chunk(Device& d) {
  if (d.remaining == 0) return atapi_ok(d);
  if (d.atapi_dma) {  // all of it at once, when the bus master runs
    d.transfer = Transfer::AtapiDma;
    d.count = kIo;
    d.status = kDrdy | kDsc | kDrq;
    return run_dma(d);
  }
  uint64_t limit = d.byte_limit == 0 || d.byte_limit == 0xFFFF ? 0xFFFE : d.byte_limit;
  if (limit < d.remaining) limit &= ~uint64_t(1);  // only the last chunk may be odd
  if (limit == 0) limit = 2;
  const uint64_t n = std::min(limit, d.remaining);
  d.buf.resize(n);
  if (d.atapi_from_image) {
    if (!d.image->read(d.atapi_source, d.buf.data(), n)) return atapi_check(d, kMediumError, kUnrecoveredRead);
  } else {
    std::copy_n(d.reply.begin() + std::ptrdiff_t(d.atapi_source), n, d.buf.begin());
  }
  d.atapi_source += n;
  d.remaining -= n;
  d.pos = 0;
  d.transfer = Transfer::AtapiIn;
  d.count = kIo;
  d.cyl_low = uint8_t(n);
  d.cyl_high = uint8_t(n >> 8);
  d.status = kDrdy | kDsc | kDrq;
  raise(d);
}

// A DMA data-in: the whole of it to the bus master, then the command's end;
// a PRD table too short for it is CHECK CONDITION, ABORTED COMMAND.
void IdeChannel::run_atapi_dma(Device& d) {
  std::vector<uint8_t> buf;
  while (d.remaining) {
    const uint64_t n = std::min<uint64_t>(d.remaining, 0x10000);
    buf.resize(n);
    if (d.atapi_from_image) {
      if (!d.image->read(d.atapi_source, buf.data(), n)) {
        bm_->dma_done();
        return atapi_check(d, kMediumError, kUnrecoveredRead);
      }
    } else {
      std::copy_n(d.reply.begin() + std::ptrdiff_t(d.atapi_source), n, buf.begin());
    }
    d.atapi_source += n;
    d.remaining -= n;
    if (bm_->dma_move(buf.data(), n, true) < n) {
      bm_->dma_done();
      return atapi_check(d, kAbortedCommand, 0);
    }
  }
  bm_->dma_done();
  atapi_ok(d);
}

// The 12 command bytes are in: run the command.
void IdeChannel::packet(Device& d) {
  const std::vector<uint8_t> cdb = d.buf;
  const uint64_t capacity = d.image->size_bytes() / kCdSectorSize;
  switch (cdb[0]) {
    case kTestUnitReady: case kStartStopUnit: case kPreventAllow:
      return atapi_ok(d);
    case kRequestSense: {
      std::vector<uint8_t> r(18, 0);
      r[0] = 0x70;  // current error, fixed format
      r[2] = d.sense_key;
      r[7] = 10;
      r[12] = d.asc;
      return atapi_reply(d, std::move(r), cdb[4]);  // atapi_reply clears the sense: it is reported once
    }
    case kInquiry: {
      std::vector<uint8_t> r(36, ' ');
      r[0] = 0x05;  // CD/DVD device
      r[1] = 0x80;  // removable
      r[2] = 0x00;
      r[3] = 0x21;  // ATAPI version 2, response format 1
      r[4] = 31;
      r[5] = r[6] = r[7] = 0;
      const char* vendor = "KILN    ";
      const char* product = "KILN CD-ROM     ";
      const char* revision = "1.0 ";
      std::copy_n(vendor, 8, r.begin() + 8);
      std::copy_n(product, 16, r.begin() + 16);
      std::copy_n(revision, 4, r.begin() + 32);
      return atapi_reply(d, std::move(r), be16(&cdb[3]));
    }
    case kReadCapacity: {
      std::vector<uint8_t> r(8);
      put_be32(&r[0], uint32_t(capacity ? capacity - 1 : 0));
      put_be32(&r[4], uint32_t(kCdSectorSize));
      return atapi_reply(d, std::move(r), 8);
    }
    case kRead10: return atapi_read(d, be32(&cdb[2]), be16(&cdb[7]));
    case kRead12: return atapi_read(d, be32(&cdb[2]), be32(&cdb[6]));
    case kModeSense6: case kModeSense10: {
      const uint8_t page = cdb[2] & 0x3F;
      if (page != kPageCapabilities && page != kPageAll) return atapi_check(d, kIllegalRequest, kInvalidField);
      const bool ten = cdb[0] == kModeSense10;
      const size_t header = ten ? 8 : 4;
      std::vector<uint8_t> r(header + 20, 0);
      uint8_t* p = &r[header];  // the CD capabilities and mechanical status page
      p[0] = kPageCapabilities;
      p[1] = 18;
      p[2] = 0x03;   // reads CD-R and CD-RW
      p[4] = 0x71;   // audio play, composite, digital ports, multi-session
      p[5] = 0x60;   // CD-DA stream accurate
      p[6] = 0x29;   // tray loading, eject, lock
      put_be16(&p[8], 706);   // 4x in kB/s
      put_be16(&p[10], 2);    // volume levels
      put_be16(&p[12], 512);  // buffer (KiB)
      put_be16(&p[14], 706);
      if (ten) {
        put_be16(&r[0], uint16_t(r.size() - 2));
        r[2] = 0x01;  // medium type: a 120 mm data disc
      } else {
        r[0] = uint8_t(r.size() - 1);
        r[1] = 0x01;  // medium type
      }
      return atapi_reply(d, std::move(r), ten ? be16(&cdb[7]) : cdb[4]);
    }
    case kReadToc: {
      const bool msf = cdb[1] & 0x02;
      const unsigned format = (cdb[2] & 0x0F) ? (cdb[2] & 0x0F) : cdb[9] >> 6;  // MMC's field, or the old one in the control byte
      const unsigned start = cdb[6];
      std::vector<uint8_t> r;
      if (format == 0) {  // the TOC: track 1 (data) and the lead-out
        if (start > 1 && start != 0xAA) return atapi_check(d, kIllegalRequest, kInvalidField);
        r.assign(4, 0);
        r[2] = r[3] = 1;
        auto track = [&](uint8_t number, uint32_t lba) {
          const size_t at = r.size();
          r.resize(at + 8, 0);
          r[at + 1] = 0x14;  // ADR 1, a data track
          r[at + 2] = number;
          put_address(&r[at + 4], lba, msf);
        };
        if (start <= 1) track(1, 0);
        track(0xAA, uint32_t(capacity));
      } else if (format == 1) {  // session information: one session, track 1 at 0
        r.assign(12, 0);
        r[2] = r[3] = 1;
        r[5] = 0x14;
        r[6] = 1;
        put_address(&r[8], 0, msf);
      } else {
        return atapi_check(d, kIllegalRequest, kInvalidField);
      }
      put_be16(&r[0], uint16_t(r.size() - 2));
      return atapi_reply(d, std::move(r), be16(&cdb[7]));
    }
    case kGetConfiguration: {
      // The feature header (current profile: CD-ROM) and the profile list feature with that one profile.
      std::vector<uint8_t> r(16, 0);
      put_be32(&r[0], uint32_t(r.size() - 4));
      put_be16(&r[6], 0x0008);
      r[10] = 0x03;  // persistent, current
      r[11] = 4;
      put_be16(&r[12], 0x0008);
      r[14] = 0x01;  // current
      return atapi_reply(d, std::move(r), be16(&cdb[7]));
    }
    case kGetEventStatus: {
      if (!(cdb[1] & 0x01)) return atapi_check(d, kIllegalRequest, kInvalidField);  // polled only
      std::vector<uint8_t> r(8, 0);
      put_be16(&r[0], 6);
      r[2] = 0x04;  // the media class
      r[3] = 0x10;  // the classes supported: media
      r[5] = 0x02;  // no event, media present
      return atapi_reply(d, std::move(r), be16(&cdb[7]));
    }
    default:
      return atapi_check(d, kIllegalRequest, kInvalidOpcode);
  }
}

}  // namespace kiln::devices

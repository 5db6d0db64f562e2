#include "devices/pc/floppy.h"

#include <algorithm>

namespace kiln::devices {

namespace {

// The media by image size, with the CMOS drive type that holds each (SeaBIOS's table).
constexpr FloppyFormat kFormats[] = {
    {737280, 3, 80, 2, 9, 2, "720K"},
    {1228800, 2, 80, 2, 15, 0, "1.2M"},
    {1474560, 4, 80, 2, 18, 0, "1.44M"},
    {2949120, 5, 80, 2, 36, 3, "2.88M"},
};

// Command-byte fields.
constexpr uint8_t kMultiTrack = 0x80;   // READ/WRITE: go on to head 1 after head 0's EOT
constexpr uint8_t kStepIn = 0x40;       // RELATIVE SEEK: towards higher cylinders
constexpr uint8_t kLockBit = 0x80;      // LOCK (set) or UNLOCK
constexpr uint8_t kSpecifyNoDma = 0x01; // SPECIFY's ND: non-DMA mode
constexpr uint8_t kOverwrite = 0x80;    // PERPENDICULAR MODE's OW: the drive bits are written too
// CONFIGURE's bits.
constexpr uint8_t kConfigEis = 0x40, kConfigFifoOff = 0x20, kConfigNoPoll = 0x10, kConfigThreshold = 0x0f;
constexpr uint8_t kConfigDefault = kConfigFifoOff;
constexpr uint8_t kSt1Overrun = 0x10, kSt1DataError = 0x20;  // the host stopped serving; the image file failed
constexpr uint8_t kSizeCode512 = 2;  // N for 512-byte sectors, the only size the images hold

}  // namespace

const FloppyFormat* FloppyController::format_for_size(uint64_t bytes) {
  for (const FloppyFormat& f : kFormats)
    if (f.bytes == bytes) return &f;
  return nullptr;
}

const char* FloppyController::sizes_text() {
  return "737280 (720K), 1228800 (1.2M), 1474560 (1.44M) or 2949120 (2.88M) bytes";
}

const FloppyController::CommandShape* FloppyController::find_command(uint8_t first) {
  using C = Command;
  static constexpr CommandShape kCommands[] = {
      {0x1f, 0x06, 9, C::ReadData},      {0x3f, 0x05, 9, C::WriteData},    {0xbf, 0x0a, 2, C::ReadId},
      {0xbf, 0x0d, 6, C::FormatTrack},   {0xff, 0x07, 2, C::Recalibrate},  {0xff, 0x08, 1, C::SenseInterrupt},
      {0xff, 0x03, 3, C::Specify},       {0xff, 0x04, 2, C::SenseDrive},   {0xff, 0x0f, 3, C::Seek},
      {0xbf, 0x8f, 3, C::RelativeSeek},  {0xff, 0x13, 4, C::Configure},    {0xff, 0x10, 1, C::Version},
      {0xff, 0x0e, 1, C::Dumpreg},       {0x7f, 0x14, 1, C::Lock},         {0xff, 0x12, 2, C::Perpendicular},
  };
  for (const CommandShape& c : kCommands)
    if ((first & c.mask) == c.value) return &c;
  return nullptr;
}

FloppyController::FloppyController(IrqLine& irq, I8237Pair& dma, Clock& clock) : irq_(irq), dma_(dma), clock_(clock) {
  dma_.connect(kDmaChannel, [this] { dma_service(); });
}

FloppyController::~FloppyController() {
  cancel_overrun();
  dma_.connect(kDmaChannel, nullptr);
}

void FloppyController::attach(unsigned unit, std::unique_ptr<block::DiskImage> image) {
  Drive& d = drive_[unit];
  d.format = format_for_size(image->size_bytes());
  d.image = std::move(image);
}

void FloppyController::reset() {
  dor_ = kDorNotReset | kDorDmaGate;
  tdr_ = 0;
  rate_ = dsr_ = 2;
  lock_ = false;
  specify1_ = specify2_ = 0;
  soft_reset();  // with LOCK clear: the configuration to its defaults too
  last_eot_ = 0;
  update_lines();
}

// ---- Registers ----

uint8_t FloppyController::read_port(unsigned reg) {
  switch (reg) {
    case kDor: return dor_;
    case kTdr: return tdr_;
    case kMsr: return msr();
    case kFifo: return fifo_read();
    case kDir: {
      const unsigned unit = dor_ & 3;
      const bool changed = unit >= kDrives || !drive_[unit].format || drive_[unit].disk_changed;
      return changed ? kDirDiskChange : 0;
    }
    default: return 0xff;  // SRA/SRB: PS/2 mode only
  }
}

void FloppyController::write_port(unsigned reg, uint8_t v) {
  switch (reg) {
    case kDor:
      write_dor(v);
      break;
    case kTdr:
      tdr_ = v & 3;
      break;
    case kDsr:
      dsr_ = v & 0x7f;
      rate_ = v & 3;
      if ((v & kDsrReset) && (dor_ & kDorNotReset)) {  // self-clearing: in and out of reset at once
        soft_reset();
        leave_reset();
      }
      break;
    case kFifo:
      fifo_write(v);
      break;
    case kCcr:
      rate_ = v & 3;
      break;
    default:
      break;
  }
}

uint8_t FloppyController::msr() const {
  if (!(dor_ & kDorNotReset)) return 0;
  switch (phase_) {
    case Phase::Command: return uint8_t(kMsrRqm | (cmd_.empty() ? 0 : kMsrBusy) | busy_drives_);
    case Phase::Execution:
      if (pio_) return uint8_t(kMsrRqm | kMsrNdma | (op_ == Op::Read ? kMsrDio : 0) | kMsrBusy | busy_drives_);
      return uint8_t(kMsrBusy | busy_drives_);
    case Phase::Result: return uint8_t(kMsrRqm | kMsrDio | kMsrBusy | busy_drives_);
  }
  return 0;
}

void FloppyController::write_dor(uint8_t v) {
  const bool was_reset = !(dor_ & kDorNotReset);
  dor_ = v;
  if (!(v & kDorNotReset)) {
    if (!was_reset) soft_reset();
  } else if (was_reset) {
    leave_reset();
  }
  update_lines();
}

// Entering reset: the command under way is dropped, the statuses with it;
// the configuration goes back to its defaults unless LOCK keeps the FIFO
// settings and the precompensation track.
void FloppyController::soft_reset() {
  phase_ = Phase::Command;
  cmd_.clear();
  reply_.clear();
  reply_pos_ = 0;
  dreq_ = irq_pending_ = reply_irq_ = pio_ = false;
  cancel_overrun();
  sense_ = {};
  busy_drives_ = 0;
  if (lock_) {
    config_ &= kConfigFifoOff | kConfigThreshold;
  } else {
    config_ = kConfigDefault;
    pretrk_ = 0;
  }
  perpendicular_ &= 0x3c;  // GAP and WGATE clear; the drive bits stay
  update_lines();
}

// Out of reset the controller polls the drives: one ready-change status per
// drive (drive 0 only with polling off) waits for SENSE INTERRUPT STATUS.
void FloppyController::leave_reset() {
  const unsigned polled = config_ & kConfigNoPoll ? 1 : 4;
  for (unsigned i = 0; i < polled; i++) sense_[i] = uint8_t(kSt0Polled | i);
  raise_irq();
}

// INT and DRQ reach the bus only through the DOR's DMA gate (AT mode), and not in reset.
void FloppyController::update_lines() {
  const bool on = (dor_ & kDorDmaGate) && (dor_ & kDorNotReset);
  irq_.set_level(on && irq_pending_);
  dma_.set_dreq(kDmaChannel, on && dreq_);  // may run the transfer at once (dma_service)
}

void FloppyController::raise_irq() {
  irq_pending_ = true;
  update_lines();
}

void FloppyController::lower_irq() {
  irq_pending_ = false;
  update_lines();
}

// ---- Command and result phases ----

void FloppyController::fifo_write(uint8_t v) {
  if ((dor_ & kDorNotReset) && phase_ == Phase::Execution && pio_) return pio_write(v);
  if (!(dor_ & kDorNotReset) || phase_ != Phase::Command) return;  // not asking for a byte: dropped
  if (cmd_.empty()) {
    command_ = find_command(v);
    if (!command_) return invalid();
  }
  cmd_.push_back(v);
  if (cmd_.size() == command_->length) execute();
}

uint8_t FloppyController::fifo_read() {
  if ((dor_ & kDorNotReset) && phase_ == Phase::Execution && pio_) return pio_read();
  if (!(dor_ & kDorNotReset) || phase_ != Phase::Result) return 0;
  const uint8_t v = reply_[reply_pos_++];
  if (reply_pos_ == 1 && reply_irq_) lower_irq();
  if (reply_pos_ == reply_.size()) to_command_phase();
  return v;
}

void FloppyController::result(std::vector<uint8_t> bytes, bool irq) {
  if (pio_ && irq_pending_) lower_irq();  // the non-DMA data request ends: the result is an interrupt of its own
  cmd_.clear();
  pio_ = false;
  cancel_overrun();
  reply_ = std::move(bytes);
  reply_pos_ = 0;
  reply_irq_ = irq;
  phase_ = Phase::Result;
  dreq_ = false;
  if (irq) raise_irq();
  else update_lines();
}

void FloppyController::to_command_phase() {
  cmd_.clear();
  reply_.clear();
  reply_pos_ = 0;
  phase_ = Phase::Command;
}

void FloppyController::execute() {
  const std::vector<uint8_t>& c = cmd_;
  switch (command_->command) {
    case Command::ReadData: return start_transfer(Op::Read);
    case Command::WriteData: return start_transfer(Op::Write);
    case Command::FormatTrack: return start_transfer(Op::Format);
    case Command::ReadId: return read_id();
    case Command::Recalibrate: {
      const unsigned unit = c[1] & 3;
      if (unit >= kDrives || !drive_[unit].format)  // no drive: no track 0 signal after the steps
        return seek_done(unit, uint8_t(kSt0Abnormal | kSt0SeekEnd | kSt0EquipCheck | unit));
      step_to(drive_[unit], 0);
      return seek_done(unit, uint8_t(kSt0SeekEnd | unit));
    }
    case Command::Seek:
    case Command::RelativeSeek: {
      const unsigned unit = c[1] & 3, head = (c[1] >> 2) & 1;
      if (unit < kDrives) {
        Drive& d = drive_[unit];
        int target = c[2];
        if (command_->command == Command::RelativeSeek) target = std::clamp(d.cylinder + (c[0] & kStepIn ? target : -target), 0, 255);
        step_to(d, unsigned(target));
      }
      return seek_done(unit, uint8_t(kSt0SeekEnd | head << 2 | unit));
    }
    case Command::SenseInterrupt: return sense_interrupt();
    case Command::SenseDrive: return sense_drive();
    case Command::Specify:
      specify1_ = c[1];
      specify2_ = c[2];
      return to_command_phase();
    case Command::Configure:
      config_ = c[2] & 0x7f;
      pretrk_ = c[3];
      return to_command_phase();
    case Command::Version: return result({kVersion}, false);
    case Command::Dumpreg: return dumpreg();
    case Command::Lock:
      lock_ = c[0] & kLockBit;
      return result({uint8_t(lock_ ? 0x10 : 0)}, false);
    case Command::Perpendicular:
      perpendicular_ = uint8_t(c[1] & kOverwrite ? c[1] & 0x3f : (perpendicular_ & 0x3c) | (c[1] & 3));
      return to_command_phase();
  }
}

// ---- Seeks and status ----

// A step pulse reaches the drive only if the head moves; with a disk in, it clears the disk-change line.
void FloppyController::step_to(Drive& d, unsigned cylinder) {
  if (cylinder != d.cylinder && d.format) d.disk_changed = false;
  d.cylinder = uint8_t(cylinder);
}

void FloppyController::seek_done(unsigned unit, uint8_t st0) {
  sense_[unit] = st0;
  busy_drives_ |= uint8_t(1u << unit);
  to_command_phase();
  raise_irq();
}

// The lowest drive with a status waiting (a seek's end, or the polling after
// a reset), with its cylinder; none waiting: an invalid command.
void FloppyController::sense_interrupt() {
  auto it = std::find_if(sense_.begin(), sense_.end(), [](const std::optional<uint8_t>& s) { return s.has_value(); });
  if (it == sense_.end()) return invalid();
  const unsigned unit = unsigned(it - sense_.begin());
  const uint8_t st0 = **it;
  it->reset();
  busy_drives_ &= uint8_t(~(1u << unit));
  irq_pending_ = false;
  result({st0, uint8_t(unit < kDrives ? drive_[unit].cylinder : 0)}, false);
}

void FloppyController::sense_drive() {
  const unsigned unit = cmd_[1] & 3, head = (cmd_[1] >> 2) & 1;
  uint8_t st3 = uint8_t(kSt3Ones | head << 2 | unit);
  if (unit < kDrives && drive_[unit].format) {
    if (drive_[unit].image->read_only()) st3 |= kSt3WriteProtect;
    if (drive_[unit].cylinder == 0) st3 |= kSt3Track0;
  }
  result({st3}, false);
}

void FloppyController::dumpreg() {
  result({drive_[0].cylinder, drive_[1].cylinder, 0, 0, specify1_, specify2_, last_eot_,
          uint8_t((lock_ ? 0x80 : 0) | perpendicular_), config_, pretrk_},
         false);
}

void FloppyController::read_id() {
  unit_ = cmd_[1] & 3;
  head_ = (cmd_[1] >> 2) & 1;
  st0_seek_ = 0;
  Drive* d = unit_ < kDrives && drive_[unit_].format ? &drive_[unit_] : nullptr;
  c_ = d ? d->cylinder : 0;
  h_ = uint8_t(head_);
  r_ = 0;
  n_ = kSizeCode512;
  if (!d || rate_ != d->format->rate || d->cylinder >= d->format->cylinders)
    return end_transfer(kSt0Abnormal, kSt1MissingAm, 0);  // nothing readable passes the head
  r_ = d->next_sector;
  d->next_sector = uint8_t(r_ % d->format->sectors + 1);
  end_transfer(0, 0, 0);
}

// ---- Data commands ----

void FloppyController::start_transfer(Op op) {
  const std::vector<uint8_t>& c = cmd_;
  op_ = op;
  unit_ = c[1] & 3;
  head_ = (c[1] >> 2) & 1;
  multi_track_ = op != Op::Format && (c[0] & kMultiTrack);
  st0_seek_ = 0;
  if (op == Op::Format) {
    c_ = unit_ < kDrives ? drive_[unit_].cylinder : 0;
    h_ = uint8_t(head_);
    r_ = 1;
    n_ = c[2];
    format_sectors_ = c[3];
    format_fill_ = c[5];
  } else {
    c_ = c[2];
    h_ = c[3];
    r_ = c[4];
    n_ = c[5];
    eot_ = last_eot_ = c[6];
  }
  if (unit_ >= kDrives || !drive_[unit_].format || rate_ != drive_[unit_].format->rate)
    return end_transfer(kSt0Abnormal, kSt1MissingAm, 0);
  Drive& d = drive_[unit_];
  if (op != Op::Format && (config_ & kConfigEis) && c_ != d.cylinder) {  // implied seek
    step_to(d, c_);
    st0_seek_ = kSt0SeekEnd;
  }
  if (op != Op::Read && d.image->read_only()) return end_transfer(kSt0Abnormal, kSt1NotWritable, 0);
  phase_ = Phase::Execution;
  pio_ = specify2_ & kSpecifyNoDma;
  if (pio_) {  // the guest moves the bytes through the FIFO
    buf_pos_ = pio_units_ = 0;
    if (op == Op::Format && format_sectors_ == 0) return end_transfer(0, 0, 0);
    if (op != Op::Format && !load_sector()) return;
    last_pio_ns_ = clock_.now_ns();
    arm_overrun(last_pio_ns_ + overrun_limit());
    raise_irq();
    return;
  }
  dreq_ = true;
  update_lines();  // the DMA runs the transfer now if it can, else when the guest lets it
}

void FloppyController::dma_service() {
  if (phase_ != Phase::Execution) return;
  if (op_ == Op::Format) format_track();
  else transfer_sectors();
}

uint16_t FloppyController::sector_error(const Drive& d, unsigned c, unsigned h, unsigned r, unsigned n) const {
  const FloppyFormat& f = *d.format;
  if (d.cylinder >= f.cylinders) return kSt1MissingAm;  // past the last formatted track
  if (c != d.cylinder) return uint16_t(kSt1NoData | (c == 0xff ? kSt2BadCylinder : kSt2WrongCylinder) << 8);
  if (h != head_ || n != kSizeCode512 || r < 1 || r > f.sectors) return kSt1NoData;
  return 0;
}

// Sector by sector from (c_, h_, r_) until TC or the end of the track (of the
// cylinder with MT); the registers end at the sector after the last one moved.
// The track ends at EOT or at its last sector, whichever comes first: on the
// chip an EOT past the last sector runs into "no data", but SeaBIOS's INT 13h
// asks for EOT = first sector + count - 1 and relies on the wrap (as QEMU has it).
void FloppyController::transfer_sectors() {
  for (;;) {
    if (!load_sector()) return;
    I8237Pair::Moved m;
    if (op_ == Op::Read) {
      m = dma_.to_memory(kDmaChannel, buf_.data(), buf_.size());
    } else {
      m = dma_.from_memory(kDmaChannel, buf_.data(), buf_.size());  // TC inside the sector: the rest stays zeros
      if (!store_sector()) return;
    }
    const bool track_end = next_sector();
    if (m.tc) return end_transfer(0, 0, 0);
    if (m.bytes < buf_.size()) return end_transfer(kSt0Abnormal, kSt1Overrun, 0);  // the channel stopped serving
    if (track_end) return end_transfer(kSt0Abnormal, kSt1EndOfCylinder, 0);
  }
}

// The sector at (c_, h_, r_) into buf_ (a read), or buf_ cleared for one to
// be written; false, with the result phase entered, if it cannot be reached.
bool FloppyController::load_sector() {
  Drive& d = drive_[unit_];
  buf_pos_ = 0;
  if (uint16_t e = sector_error(d, c_, h_, r_, n_)) {
    end_transfer(kSt0Abnormal, uint8_t(e), uint8_t(e >> 8));
    return false;
  }
  if (op_ != Op::Read) {
    buf_.fill(0);
    return true;
  }
  if (d.image->read(image_offset(d, c_, h_, r_), buf_.data(), buf_.size())) return true;
  end_transfer(kSt0Abnormal, kSt1DataError, 0);
  return false;
}

bool FloppyController::store_sector() {
  Drive& d = drive_[unit_];
  if (d.image->write(image_offset(d, c_, h_, r_), buf_.data(), buf_.size())) return true;
  end_transfer(kSt0Abnormal, kSt1DataError, 0);
  return false;
}

// After a sector moved: on to the next one (head 1's first with MT at the
// end of head 0). True if it was the last of the track (of the cylinder with MT).
bool FloppyController::next_sector() {
  Drive& d = drive_[unit_];
  d.next_sector = uint8_t(r_ % d.format->sectors + 1);
  if (r_ != eot_ && r_ != d.format->sectors) {
    r_++;
    return false;
  }
  r_ = 1;
  if (multi_track_ && head_ == 0) {
    h_ ^= 1;
    head_ = 1;
    return false;
  }
  c_++;
  if (multi_track_) h_ ^= 1;
  return true;
}

// ---- Non-DMA mode: the execution phase's bytes through the FIFO, MSR
// showing RQM and NDMA (and DIO for a read) while the controller wants one.

uint8_t FloppyController::pio_read() {
  if (op_ != Op::Read) return 0;
  const uint8_t v = buf_[buf_pos_++];
  if (buf_pos_ == buf_.size()) {
    pio_units_++;
    if (next_sector()) {
      end_transfer(kSt0Abnormal, kSt1EndOfCylinder, 0);
      return v;
    }
    if (!load_sector()) return v;
  }
  pio_byte_done();
  return v;
}

void FloppyController::pio_write(uint8_t v) {
  if (op_ == Op::Read) return;
  buf_[buf_pos_++] = v;
  if (op_ == Op::Format) {
    if (buf_pos_ == 4) {
      buf_pos_ = 0;
      if (!format_sector({buf_[0], buf_[1], buf_[2], buf_[3]})) return;
      if (++pio_units_ == format_sectors_) return end_transfer(0, 0, 0);
    }
  } else if (buf_pos_ == buf_.size()) {
    pio_units_++;
    if (!store_sector()) return;
    if (next_sector()) return end_transfer(kSt0Abnormal, kSt1EndOfCylinder, 0);
    if (!load_sector()) return;
  }
  pio_byte_done();
}

// The byte is taken: the request drops and rises again for the next one (a
// new edge). A sector's end brings the overrun check in to the shorter wait.
void FloppyController::pio_byte_done() {
  last_pio_ns_ = clock_.now_ns();
  if (buf_pos_ == 0) {
    cancel_overrun();
    arm_overrun(last_pio_ns_ + overrun_limit());
  }
  lower_irq();
  raise_irq();
}

// The overrun check: one timer, moved on until the guest has moved no byte for overrun_limit().
void FloppyController::arm_overrun(uint64_t deadline_ns) {
  overrun_timer_ = clock_.schedule(deadline_ns, [this] {
    overrun_timer_ = 0;
    if (phase_ != Phase::Execution || !pio_) return;
    const uint64_t due = last_pio_ns_ + overrun_limit();
    if (clock_.now_ns() >= due) end_transfer(kSt0Abnormal, kSt1Overrun, 0);
    else arm_overrun(due);
  });
}

void FloppyController::cancel_overrun() {
  if (overrun_timer_) clock_.cancel(overrun_timer_);
  overrun_timer_ = 0;
}

// FORMAT TRACK by DMA: four ID bytes per sector.
void FloppyController::format_track() {
  for (unsigned i = 0; i < format_sectors_; i++) {
    std::array<uint8_t, 4> id{};
    const I8237Pair::Moved m = dma_.from_memory(kDmaChannel, id.data(), id.size());
    if (m.bytes < id.size()) break;
    if (!format_sector(id)) return;
    if (m.tc) break;
  }
  end_transfer(0, 0, 0);
}

// One sector's ID (C, H, R, N) of FORMAT TRACK: the sector gets the fill
// byte if the ID fits the medium's layout (an image holds no other layout);
// false, with the result phase entered, on an error.
bool FloppyController::format_sector(const std::array<uint8_t, 4>& id) {
  Drive& d = drive_[unit_];
  const FloppyFormat& f = *d.format;
  if (d.cylinder >= f.cylinders) {
    end_transfer(kSt0Abnormal, kSt1MissingAm, 0);
    return false;
  }
  c_ = id[0];
  h_ = id[1];
  r_ = id[2];
  n_ = id[3];
  if (c_ != d.cylinder || h_ != head_ || n_ != kSizeCode512 || r_ < 1 || r_ > f.sectors) return true;
  std::array<uint8_t, kSectorSize> fill;
  fill.fill(format_fill_);
  if (d.image->write(image_offset(d, c_, head_, r_), fill.data(), fill.size())) return true;
  end_transfer(kSt0Abnormal, kSt1DataError, 0);
  return false;
}

// The result phase of a data command or READ ID, with its interrupt.
void FloppyController::end_transfer(uint8_t st0, uint8_t st1, uint8_t st2) {
  result({uint8_t(st0 | st0_seek_ | unit_bits()), st1, st2, c_, h_, r_, n_}, true);
}

}  // namespace kiln::devices

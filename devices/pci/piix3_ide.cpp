#include "devices/pci/piix3_ide.h"

#include <algorithm>

#include "devices/dma.h"

namespace kiln::devices::pci {

namespace {
constexpr unsigned kBlockPorts = 8;  // one channel's bus-master registers
enum : unsigned { kCommandReg = 0, kStatusReg = 2, kPrdReg = 4 };
constexpr uint32_t kPrdBytes = 8, kPrdEot = 0x80000000u, kRegionMax = 0x10000;
}  // namespace

Piix3Ide::Piix3Ide() : Device({0x8086, 0x7010, 0x00, 0x010180}) {
  add_io_bar(kBusMasterBar, kBusMasterPorts, &ports_);
  cfg_.set_writable(kIdeTim, 4, 0xffffffff);  // primary and secondary IDETIM
}

void Piix3Ide::connect(IdeChannel* primary, IdeChannel* secondary, mem::CodeWatcher* watcher) {
  watcher_ = watcher;
  bm_[0].set_channel(primary);
  bm_[1].set_channel(secondary);
  if (primary) primary->set_bus_master(&bm_[0]);
  if (secondary) secondary->set_bus_master(&bm_[1]);
}

void Piix3Ide::reset() {
  for (BusMaster& b : bm_) b.reset();
}

uint64_t Piix3Ide::Ports::read(uint64_t offset, unsigned size) {
  uint64_t v = 0;
  for (unsigned i = 0; i < size && offset + i < kBusMasterPorts; i++) {
    const uint64_t at = offset + i;
    v |= uint64_t(fn_.bm_[at / kBlockPorts].read(unsigned(at % kBlockPorts))) << (8 * i);
  }
  return v;
}

void Piix3Ide::Ports::write(uint64_t offset, unsigned size, uint64_t value) {
  for (unsigned i = 0; i < size && offset + i < kBusMasterPorts; i++) {
    const uint64_t at = offset + i;
    fn_.bm_[at / kBlockPorts].write(unsigned(at % kBlockPorts), uint8_t(value >> (8 * i)));
  }
}

// ---- one channel's bus master ----

void Piix3Ide::BusMaster::reset() {
  command_ = status_ = 0;
  prd_table_ = next_prd_ = region_addr_ = region_left_ = 0;
  last_region_ = failed_ = false;
}

uint8_t Piix3Ide::BusMaster::read(unsigned offset) const {
  switch (offset) {
    case kCommandReg: return command_ & (kStart | kToMemory);
    case kStatusReg: return status_;
    case kPrdReg: case kPrdReg + 1: case kPrdReg + 2: case kPrdReg + 3:
      return uint8_t(prd_table_ >> (8 * (offset - kPrdReg)));
    default: return 0;
  }
}

void Piix3Ide::BusMaster::write(unsigned offset, uint8_t v) {
  switch (offset) {
    case kCommandReg: {
      const bool was_started = command_ & kStart;
      command_ = v & (kStart | kToMemory);
      if (!(v & kStart)) {
        status_ &= uint8_t(~kActive);
      } else if (!was_started) {
        status_ |= kActive;
        next_prd_ = prd_table_;
        region_left_ = 0;
        last_region_ = failed_ = false;
        if (channel_) channel_->dma_started();
      }
      return;
    }
    case kStatusReg:
      status_ = uint8_t((status_ & ~(kDrivesCapable | (v & (kError | kInterrupt)))) | (v & kDrivesCapable));
      return;
    case kPrdReg: case kPrdReg + 1: case kPrdReg + 2: case kPrdReg + 3: {
      const unsigned shift = 8 * (offset - kPrdReg);
      prd_table_ = (prd_table_ & ~(0xFFu << shift)) | uint32_t(v) << shift;
      prd_table_ &= ~3u;  // dword-aligned
      return;
    }
    default: return;
  }
}

bool Piix3Ide::BusMaster::dma_running() const {
  return (status_ & kActive) && (command_ & kStart) && (fn_.cfg_.read(reg::kCommand, 2) & cmd::kMaster);
}

// The next descriptor into the current region; false after the EOT one or if
// the table is not in RAM.
bool Piix3Ide::BusMaster::next_region() {
  if (last_region_) return false;
  uint32_t prd[2];
  if (!fn_.spaces().memory->read(next_prd_, prd, sizeof prd)) return false;
  next_prd_ += kPrdBytes;
  region_addr_ = prd[0] & ~1u;
  region_left_ = (prd[1] & 0xFFFE) ? (prd[1] & 0xFFFE) : kRegionMax;
  last_region_ = prd[1] & kPrdEot;
  return true;
}

uint64_t Piix3Ide::BusMaster::dma_move(uint8_t* buf, uint64_t len, bool to_memory) {
  mem::PhysMap& map = *fn_.spaces().memory;
  uint64_t moved = 0;
  while (moved < len && !failed_) {
    if (region_left_ == 0 && !next_region()) {
      failed_ = true;
      break;
    }
    const uint32_t n = uint32_t(std::min<uint64_t>(region_left_, len - moved));
    const bool ok = to_memory ? dma_write(map, fn_.watcher_, region_addr_, buf + moved, n)
                              : map.read(region_addr_, buf + moved, n);
    if (!ok) {
      failed_ = true;
      break;
    }
    moved += n;
    region_addr_ += n;
    region_left_ -= n;
  }
  return moved;
}

void Piix3Ide::BusMaster::dma_done() {
  if (failed_) status_ = uint8_t((status_ | kError) & ~kActive);
  else if (region_left_ == 0 && last_region_) status_ &= uint8_t(~kActive);
}

}  // namespace kiln::devices::pci

#include "devices/pc/i8237.h"

#include <algorithm>
#include <cstring>

#include "devices/dma.h"

namespace kiln::devices {

namespace {

// Each channel's page register as an offset from port 0x81 (the AT's
// scrambled order: 0x87, 0x83, 0x81, 0x82 for channels 0-3, 0x8F for the
// cascade, 0x8B, 0x89, 0x8A for 5-7).
constexpr std::array<uint8_t, 8> kPageOffset = {6, 2, 0, 1, 14, 10, 8, 9};

// The registers of one controller, by their index (controller 1's port; controller 2's port / 2).
enum : int { kStatusCommand = 8, kRequest = 9, kSingleMask = 10, kMode = 11, kClearFlipFlop = 12,
             kTempMasterClear = 13, kClearMask = 14, kAllMask = 15 };
// Command register: bit 2 disables the controller.
constexpr uint8_t kCommandDisable = 0x04;
// Mode register fields.
constexpr uint8_t kModeAutoInit = 0x10, kModeDecrement = 0x20;

}  // namespace

I8237Pair::I8237Pair(mem::PhysMap& map, mem::CodeWatcher* watcher) : map_(map), watcher_(watcher) {}

void I8237Pair::set_up_cascade() {
  ctl_[1].write(kMode << 1, 1, 0xc0);  // controller 2's registers are a word apart
  ctl_[1].write(kSingleMask << 1, 1, 0x00);
}

int I8237Pair::Controller::reg(uint64_t offset) const {
  if (index_ == 0) return int(offset);
  return offset & 1 ? -1 : int(offset >> 1);
}

uint64_t I8237Pair::Controller::read(uint64_t offset, unsigned) {
  const int r = reg(offset);
  if (r < 0) return 0xff;
  if (r < 8) {  // address (even) or count (odd) of channel r / 2, low byte first
    const Channel& c = ch[unsigned(r) / 2];
    const uint16_t v = r & 1 ? c.cur_count : c.cur_addr;
    const bool high = flip_flop;
    flip_flop = !flip_flop;
    return high ? v >> 8 : v & 0xff;
  }
  switch (r) {
    case kStatusCommand: {  // TC bits (cleared by this read), then the requests
      uint8_t req = request;
      for (unsigned i = 0; i < 4; i++)
        if (ch[i].dreq) req |= uint8_t(1u << i);
      const uint8_t v = uint8_t((status & 0x0f) | req << 4);
      status = 0;
      return v;
    }
    case kTempMasterClear:
      return 0;  // the temporary register: memory-to-memory only
    case kAllMask:
      return 0xf0 | mask;  // as the PIIX3 reads it back
    default:
      return 0xff;
  }
}

void I8237Pair::Controller::write(uint64_t offset, unsigned, uint64_t value) {
  const int r = reg(offset);
  if (r < 0) return;
  const uint8_t v = uint8_t(value);
  if (r < 8) {  // base and current together
    Channel& c = ch[unsigned(r) / 2];
    uint16_t& base = r & 1 ? c.base_count : c.base_addr;
    base = flip_flop ? uint16_t((base & 0x00ff) | v << 8) : uint16_t((base & 0xff00) | v);
    (r & 1 ? c.cur_count : c.cur_addr) = base;
    flip_flop = !flip_flop;
    return;
  }
  switch (r) {
    case kStatusCommand:
      command = v;
      break;
    case kRequest:
      request = uint8_t(v & 4 ? request | 1u << (v & 3) : request & ~(1u << (v & 3)));
      return;  // a software request has no device to serve: it only shows in the status
    case kSingleMask:
      mask = uint8_t(v & 4 ? mask | 1u << (v & 3) : mask & ~(1u << (v & 3)));
      break;
    case kMode:
      ch[v & 3].mode = v;
      return;
    case kClearFlipFlop:
      flip_flop = false;
      return;
    case kTempMasterClear:
      master_clear();
      return;
    case kClearMask:
      mask = 0;
      break;
    case kAllMask:
      mask = v & 0x0f;
      break;
    default:
      return;
  }
  pair_.run_requests();  // the guest may just have let a waiting channel run
}

void I8237Pair::Controller::master_clear() {
  command = status = request = 0;
  mask = 0x0f;
  flip_flop = false;
}

void I8237Pair::reset() {
  for (Controller& c : ctl_) c.master_clear();
}

uint8_t I8237Pair::page(unsigned ch) const { return pages_.bytes[kPageOffset[ch]]; }

bool I8237Pair::may_run(unsigned ch) const {
  const Controller& c = ctl_[ch / 4];
  if ((c.command & kCommandDisable) || (c.mask & (1u << (ch % 4)))) return false;
  return ch >= 4 || may_run(kCascadeChannel);  // controller 1 reaches the bus through channel 4
}

void I8237Pair::set_dreq(unsigned ch, bool high) {
  chan(ch).dreq = high;
  if (high) run_requests();
}

// Each waiting channel's service runs once: a device moves all it can in
// one call, so one that still asks afterwards waits for the next change (a
// service that never lowered DREQ must not hang the guest here).
void I8237Pair::run_requests() {
  if (running_) return;  // a service's own DREQ or register changes: the loop below is already running
  running_ = true;
  for (unsigned ch = 0; ch < kChannels; ch++)
    if (ch != kCascadeChannel && chan(ch).dreq && may_run(ch) && service_[ch]) service_[ch]();
  running_ = false;
}

void I8237Pair::terminal_count(unsigned ch) {
  Controller& c = ctl_[ch / 4];
  Channel& x = chan(ch);
  c.status |= uint8_t(1u << (ch % 4));
  c.request &= uint8_t(~(1u << (ch % 4)));
  if (x.mode & kModeAutoInit) {
    x.cur_addr = x.base_addr;
    x.cur_count = x.base_count;
  } else {
    c.mask |= uint8_t(1u << (ch % 4));
  }
}

I8237Pair::Moved I8237Pair::to_memory(unsigned ch, const uint8_t* src, uint64_t len) {
  return transfer(ch, const_cast<uint8_t*>(src), len, true);
}

I8237Pair::Moved I8237Pair::from_memory(unsigned ch, uint8_t* dst, uint64_t len) {
  return transfer(ch, dst, len, false);
}

// Moves whole units (bytes on controller 1, words on controller 2) until
// `len` bytes or TC, a run at a time: as far as the next wrap of the 16-bit
// address (incrementing), or one unit (decrementing: memory is walked
// backwards while the device's bytes go forwards).
I8237Pair::Moved I8237Pair::transfer(unsigned ch, uint8_t* buf, uint64_t len, bool device_gives) {
  Moved m;
  if (!may_run(ch)) return m;
  Channel& x = chan(ch);
  const unsigned unit = ch >= 4 ? 2 : 1;
  const unsigned type = (x.mode >> 2) & 3;
  const bool down = x.mode & kModeDecrement;
  const uint64_t page_base = ch >= 4 ? uint64_t(page(ch) & 0xfe) << 16 : uint64_t(page(ch)) << 16;
  while (m.bytes + unit <= len && !m.tc) {
    uint64_t units = std::min<uint64_t>((len - m.bytes) / unit, uint64_t(x.cur_count) + 1);
    if (down) units = 1;
    else units = std::min<uint64_t>(units, 0x10000u - x.cur_addr);
    const uint64_t pa = page_base + uint64_t(x.cur_addr) * unit, n = units * unit;
    uint8_t* at = buf + m.bytes;
    if (device_gives && type == kWrite) dma_write(map_, watcher_, pa, at, n);  // not RAM: the bytes are lost
    else if (!device_gives && (type != kRead || !map_.read(pa, at, n))) std::memset(at, type == kRead ? 0xff : 0, n);
    m.bytes += n;
    x.cur_addr = uint16_t(down ? x.cur_addr - units : x.cur_addr + units);
    const bool out = x.cur_count < units;  // counting down through zero: TC
    x.cur_count = uint16_t(x.cur_count - units);
    if (out) {
      m.tc = true;
      terminal_count(ch);
    }
  }
  return m;
}

}  // namespace kiln::devices

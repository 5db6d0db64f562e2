#include "devices/pci/e1000.h"

#include <cstring>

#include "devices/dma.h"

namespace kiln::devices::pci {

namespace {

// CTRL, EECD, EERD and MDIC bits.
constexpr uint32_t kCtrlReset = 1u << 26, kCtrlDefault = 0x00000240;  // SLU, 1000 Mb/s
constexpr uint32_t kStatusFullDuplex = 1 << 0, kStatusLinkUp = 1 << 1, kStatusSpeed1000 = 2 << 6;
constexpr uint32_t kEecdSk = 1 << 0, kEecdCs = 1 << 1, kEecdDi = 1 << 2, kEecdDo = 1 << 3, kEecdReq = 1 << 6,
                   kEecdGnt = 1 << 7, kEecdPresent = 1 << 8, kEecdWritable = 0x77;  // SK, CS, DI, FWE, REQ (not DO)
constexpr uint32_t kEerdStart = 1 << 0, kEerdDone = 1 << 4;
constexpr uint32_t kMdicOpWrite = 1, kMdicOpRead = 2, kMdicReady = 1u << 28, kMdicInterrupt = 1u << 29,
                   kMdicError = 1u << 30;
constexpr uint32_t kTctlEnable = 1 << 1;
constexpr uint32_t kPbaDefault = 0x00100030;  // 48 KiB receive, 16 KiB transmit packet buffer

// The Microwire command: start bit, opcode 10 (READ), 6 address bits.
constexpr unsigned kEeCommandBits = 9, kEeReadCommand = 0b110, kEeChecksumWord = 0x3f;
constexpr uint16_t kEeChecksumSum = 0xbaba;
constexpr uint16_t kSubsystemVendor = 0x8086, kSubsystemId = 0x0000;

// Transmit descriptors (legacy, and extended with DEXT): 16 bytes, the
// command byte at 11 and the status byte at 12 in every format.
constexpr unsigned kDescBytes = 16, kDescCmd = 11, kDescStatus = 12;
constexpr uint8_t kCmdEop = 0x01, kCmdRs = 0x08, kCmdDext = 0x20, kStatusDd = 0x01;
constexpr unsigned kDtypData = 1;
constexpr size_t kMaxFrameBytes = 256 << 10;  // a TCP segmentation payload at most (64 KiB) with room to spare

// The M88E1011 PHY's registers at power-on (MII and Marvell-specific ones).
enum : unsigned {
  kBmcr = 0, kBmsr = 1, kPhyId1 = 2, kPhyId2 = 3, kAnar = 4, kAnlpar = 5, kAner = 6, kGbCtrl = 9, kGbStatus = 10,
  kExtStatus = 15, kM88Control = 16, kM88Status = 17,
};
constexpr uint16_t kBmcrReset = 1 << 15, kBmcrRestartAn = 1 << 9;
constexpr uint32_t kPhyReadOnly = 1u << kBmsr | 1u << kPhyId1 | 1u << kPhyId2 | 1u << kAnlpar | 1u << kAner |
                                  1u << kGbStatus | 1u << kExtStatus | 1u << kM88Status;

uint32_t le32(const uint8_t* p) { return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24; }

}  // namespace

E1000::E1000(Mac mac, std::vector<uint8_t> rom, std::function<void(const std::vector<uint8_t>&)> transmit)
    : Device({0x8086, 0x100e, 0x03, 0x020000}), transmit_(std::move(transmit)) {
  cfg_.set(reg::kSubsystemVendorId, 2, kSubsystemVendor);
  cfg_.set(reg::kSubsystemVendorId + 2, 2, kSubsystemId);
  add_memory_bar(0, kRegisterBytes, &registers_, false, false);
  add_io_bar(1, kIoPorts, &io_window_);
  if (!rom.empty()) set_rom(std::move(rom));
  set_interrupt_pin(1);

  for (unsigned i = 0; i < 3; i++) eeprom_[i] = uint16_t(mac[2 * i] | mac[2 * i + 1] << 8);
  eeprom_[0x0a] = 0x4000;  // initialization control 1: signature 01b in bits 15:14
  eeprom_[0x0b] = kSubsystemId;
  eeprom_[0x0c] = kSubsystemVendor;
  eeprom_[0x0d] = 0x100e;
  eeprom_[0x0e] = 0x8086;
  uint16_t sum = 0;
  for (unsigned i = 0; i < kEeChecksumWord; i++) sum = uint16_t(sum + eeprom_[i]);
  eeprom_[kEeChecksumWord] = uint16_t(kEeChecksumSum - sum);
  reset();
}

void E1000::reset() {
  std::fill(regs_.begin(), regs_.end(), 0);
  reg(kCtrl) = kCtrlDefault;
  reg(0x1000) = kPbaDefault;
  // What the EEPROM load puts in receive address 0: the MAC, address valid (bit 31).
  reg(kRal0) = uint32_t(eeprom_[0]) | uint32_t(eeprom_[1]) << 16;
  reg(kRah0) = eeprom_[2] | 1u << 31;
  phy_ = {};
  phy_[kBmcr] = 0x1140;      // autonegotiation on, full duplex, 1000 Mb/s
  phy_[kBmsr] = 0x796d;      // 10/100 abilities, extended status, autonegotiation complete, link up
  phy_[kPhyId1] = 0x0141;    // Marvell
  phy_[kPhyId2] = 0x0c20;    // 88E1011
  phy_[kAnar] = 0x01e1;      // 10/100 half and full duplex
  phy_[kAnlpar] = 0x41e1;    // the partner: the same, acknowledged
  phy_[kAner] = 0x0001;      // the partner autonegotiates
  phy_[kGbCtrl] = 0x0300;    // advertise 1000 half and full duplex
  phy_[kGbStatus] = 0x3c00;  // receivers OK, the partner does 1000 half and full
  phy_[kExtStatus] = 0x3000;
  phy_[kM88Control] = 0x0060;  // automatic MDI/MDI-X crossover
  phy_[kM88Status] = 0xac00;   // 1000 Mb/s, full duplex, resolved, link up
  ee_bits_in_ = ee_shift_ = 0;
  ee_reading_ = ee_do_ = false;
  ee_address_ = ee_bit_out_ = 0;
  frame_.clear();
  frame_failed_ = false;
  update_irq();
}

uint32_t E1000::read_register(uint32_t offset) {
  offset &= (kRegisterBytes - 1) & ~3u;
  switch (offset) {
    case kStatus: return kStatusFullDuplex | kStatusLinkUp | kStatusSpeed1000;
    case kEecd: {
      const uint32_t v = reg(kEecd);
      return v | kEecdPresent | ((v & kEecdReq) ? kEecdGnt : 0) | (ee_do_ ? kEecdDo : 0);
    }
    case kIcr: {
      const uint32_t v = reg(kIcr);
      reg(kIcr) = 0;
      update_irq();
      return v;
    }
    case kIcs: case kImc: return 0;
    default:
      if (offset >= kStatsFirst && offset < kStatsEnd) return 0;  // counted nothing, so cleared on read already
      return reg(offset);
  }
}

void E1000::write_register(uint32_t offset, uint32_t value) {
  offset &= (kRegisterBytes - 1) & ~3u;
  switch (offset) {
    case kCtrl:
      if (value & kCtrlReset) reset();
      else reg(kCtrl) = value;
      return;
    case kStatus: return;
    case kEecd: write_eecd(value); return;
    case kEerd: {
      if (!(value & kEerdStart)) {
        reg(kEerd) = value;
        return;
      }
      const unsigned address = (value >> 8) & 0xff;
      const uint16_t word = address < kEepromWords ? eeprom_[address] : 0xffff;
      reg(kEerd) = uint32_t(word) << 16 | address << 8 | kEerdDone;
      return;
    }
    case kMdic: run_mdic(value); return;
    case kIcr: reg(kIcr) &= ~value; update_irq(); return;  // write 1 to clear
    case kIcs: raise(value); return;
    case kIms: reg(kIms) |= value; update_irq(); return;
    case kImc: reg(kIms) &= ~value; update_irq(); return;
    case kRdbal: case kTdbal: reg(offset) = value & ~0xfu; return;
    case kRdlen: case kTdlen: reg(offset) = value & 0xfff80; return;
    case kRdh: case kRdt: case kTdh: reg(offset) = value & 0xffff; return;
    case kTdt: reg(kTdt) = value & 0xffff; transmit(); return;
    case kTctl: reg(kTctl) = value; transmit(); return;
    default:
      if (offset >= kStatsFirst && offset < kStatsEnd) return;
      reg(offset) = value;
  }
}

// Microwire: while CS is high each rising SK edge shifts DI in (a command)
// or the next data bit out on DO (MSB first, the address advancing after
// each word as in a sequential read); CS low ends the command.
void E1000::write_eecd(uint32_t value) {
  const uint32_t old = reg(kEecd);
  reg(kEecd) = value & kEecdWritable;
  if (!(value & kEecdCs)) {
    ee_bits_in_ = ee_shift_ = 0;
    ee_reading_ = ee_do_ = false;
    return;
  }
  if ((old & kEecdSk) || !(value & kEecdSk)) return;  // not a rising edge
  if (ee_reading_) {
    ee_do_ = (eeprom_[ee_address_] >> (15 - ee_bit_out_)) & 1;
    if (++ee_bit_out_ == 16) {
      ee_bit_out_ = 0;
      ee_address_ = (ee_address_ + 1) % kEepromWords;
    }
    return;
  }
  if (ee_bits_in_ >= kEeCommandBits) return;          // a command we do not carry out
  const bool di = value & kEecdDi;
  if (ee_bits_in_ == 0 && !di) return;                 // zeros before the start bit
  ee_shift_ = ee_shift_ << 1 | (di ? 1 : 0);
  if (++ee_bits_in_ == kEeCommandBits && (ee_shift_ >> 6) == kEeReadCommand) {
    ee_reading_ = true;
    ee_address_ = ee_shift_ & (kEepromWords - 1);
    ee_bit_out_ = 0;
    ee_do_ = false;  // the dummy bit before the data
  }
}

void E1000::run_mdic(uint32_t value) {
  const unsigned op = (value >> 26) & 3, phy = (value >> 21) & 31, r = (value >> 16) & 31;
  uint32_t result = value | kMdicReady;
  if (phy != kPhyAddress) {
    result |= kMdicError;
  } else if (op == kMdicOpRead) {
    result = (result & ~0xffffu) | phy_[r];
  } else if (op == kMdicOpWrite && !(kPhyReadOnly >> r & 1)) {
    phy_[r] = uint16_t(value);
    if (r == kBmcr) phy_[r] &= uint16_t(~(kBmcrReset | kBmcrRestartAn));  // done at once
  }
  reg(kMdic) = result;
  if (value & kMdicInterrupt) raise(kMdac);
}

void E1000::raise(uint32_t causes) {
  reg(kIcr) |= causes;
  update_irq();
}

void E1000::update_irq() { set_intx((reg(kIcr) & reg(kIms)) != 0); }

void E1000::transmit() {
  if (!(reg(kTctl) & kTctlEnable) || !(cfg_.read(reg::kCommand, 2) & cmd::kMaster)) return;
  const uint32_t count = reg(kTdlen) / kDescBytes;
  uint32_t head = reg(kTdh);
  const uint32_t tail = reg(kTdt);
  if (head >= count || tail >= count) return;
  const uint64_t ring = uint64_t(reg(kTdbah)) << 32 | reg(kTdbal);
  bool moved = false;
  while (head != tail && transmit_one(ring + uint64_t(head) * kDescBytes)) {
    head = (head + 1) % count;
    moved = true;
  }
  reg(kTdh) = head;
  if (moved) raise(kTxdw | (head == tail ? uint32_t(kTxqe) : 0u));
}

bool E1000::transmit_one(uint64_t desc_pa) {
  mem::PhysMap& memory = *spaces().memory;
  uint8_t d[kDescBytes];
  if (!memory.read(desc_pa, d, sizeof d)) return false;
  const uint64_t buffer = uint64_t(le32(d)) | uint64_t(le32(d + 4)) << 32;
  const uint32_t lower = le32(d + 8);
  const uint8_t command = d[kDescCmd];
  bool carries_data = true;
  uint32_t length = lower & 0xffff;
  if (command & kCmdDext) {
    carries_data = ((lower >> 20) & 0xf) == kDtypData;  // else a context descriptor: offload settings only
    length = lower & 0xfffff;
  }
  if (carries_data && length) {
    const size_t at = frame_.size();
    if (frame_failed_ || at + length > kMaxFrameBytes) {
      frame_failed_ = true;
    } else {
      frame_.resize(at + length);
      if (!memory.read(buffer, frame_.data() + at, length)) frame_failed_ = true;
    }
  }
  if (carries_data && (command & kCmdEop)) {
    if (!frame_failed_ && transmit_) transmit_(frame_);
    frame_.clear();
    frame_failed_ = false;
  }
  if (command & kCmdRs) {
    const uint8_t status = uint8_t(d[kDescStatus] | kStatusDd);
    dma_write(memory, watcher_, desc_pa + kDescStatus, &status, 1);
  }
  return true;
}

uint64_t E1000::Registers::read(uint64_t offset, unsigned size) {
  const unsigned shift = unsigned(offset & 3) * 8;
  const uint64_t v = nic_.read_register(uint32_t(offset)) >> shift;
  return size == 4 ? v : v & ((1u << (8 * size)) - 1);
}

void E1000::Registers::write(uint64_t offset, unsigned size, uint64_t value) {
  if (size == 4) {
    nic_.write_register(uint32_t(offset), uint32_t(value));
    return;
  }
  const unsigned shift = unsigned(offset & 3) * 8;
  const uint32_t mask = ((1u << (8 * size)) - 1) << shift;
  const uint32_t dword = uint32_t(offset) & ~3u;
  const uint32_t old = nic_.reg(dword & (kRegisterBytes - 1));
  nic_.write_register(dword, (old & ~mask) | (uint32_t(value) << shift & mask));
}

uint64_t E1000::IoWindow::read(uint64_t offset, unsigned) {
  if (offset == 0) return ioaddr_;
  if (offset == 4) return nic_.read_register(ioaddr_);
  return 0;
}

void E1000::IoWindow::write(uint64_t offset, unsigned, uint64_t value) {
  if (offset == 0) ioaddr_ = uint32_t(value) & (kRegisterBytes - 1) & ~3u;
  else if (offset == 4) nic_.write_register(ioaddr_, uint32_t(value));
}

}  // namespace kiln::devices::pci

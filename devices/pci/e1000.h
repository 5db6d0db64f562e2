// The Intel 82540EM gigabit Ethernet controller (8086:100E, class 0200),
// QEMU's default "e1000", as far as iPXE and Linux's e1000 driver use it,
// with a null network behind it: frames the guest transmits are dropped and
// nothing is ever received. The link reads as up at 1000 Mb/s full duplex.
//
// PCI: BAR 0 is the 128 KiB register window, BAR 1 64 I/O ports through
// which the same registers are reached indirectly (IOADDR at +0 holds a
// register's offset, IODATA at +4 accesses it), the expansion ROM (iPXE,
// from romfile=) and INTA#.
//
// Registers (82540EM Software Developer's Manual, ch. 13) with a meaning
// here; every other offset in the window reads back what was written:
//   CTRL    RST (bit 26) resets the device's registers and clears itself.
//   STATUS  read-only: full duplex, link up, 1000 Mb/s.
//   EECD    the 64-word Microwire EEPROM, bit-banged (SK, CS, DI in; DO
//           out), REQ answered by GNT at once, PRES set. Only READ (110b)
//           is understood; other commands are ignored.
//   EERD    the same words read in one go: START with the word's address
//           (bits 15:8) reads back DONE (bit 4) and the word in bits 31:16.
//   MDIC    the M88E1011 PHY at address 1 (other addresses set the error
//           bit): ID 0141/0C20, link up and autonegotiation complete; READY
//           at once, MDAC in ICR if the interrupt-enable bit asked for it.
//   ICR     pending causes; reading returns and clears them. ICS sets,
//           IMS (read: the mask) enables, IMC disables; INTA# is asserted
//           while a pending cause is enabled.
//   TDT     with TCTL.EN and bus mastering on, a write runs the transmit
//           ring from TDH up to TDT: each descriptor's buffer is read from
//           guest RAM (legacy descriptors and extended data descriptors;
//           context descriptors carry no data), each frame up to EOP goes
//           to the backend, descriptors with RS get DD written back. Then
//           TXDW and TXQE are raised. A descriptor outside RAM stops the
//           walk there (TDH stays on it, as a real device would hang); a
//           buffer outside RAM drops that frame but completes its descriptor.
//   statistics (0x4000-0x40FF) read as 0 (nothing is counted) and ignore writes.
//   RAL0/RAH0 hold the MAC address (with AV) after reset, as the EEPROM loads it.
// The EEPROM: the MAC in words 0-2, the IDs in 0x0B-0x0E, and word 0x3F
// making the 64 words sum to 0xBABA, as the drivers check.
// Guest memory is reached through devices/dma.h (RAM only, code pages reported).
#pragma once
#include <array>
#include <cstdint>
#include <functional>
#include <vector>

#include "devices/pci/device.h"
#include "mem/tlb.h"

namespace kiln::devices::pci {

class E1000 final : public Device {
 public:
  using Mac = std::array<uint8_t, 6>;
  static constexpr Mac kDefaultMac = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};  // QEMU's first NIC's address
  static constexpr uint32_t kRegisterBytes = 128 << 10, kIoPorts = 64;
  static constexpr unsigned kEepromWords = 64, kPhyAddress = 1;

  // Register offsets (bytes into BAR 0).
  enum : uint32_t {
    kCtrl = 0x0000, kStatus = 0x0008, kEecd = 0x0010, kEerd = 0x0014, kMdic = 0x0020, kIcr = 0x00c0,
    kIcs = 0x00c8, kIms = 0x00d0, kImc = 0x00d8, kRctl = 0x0100, kTctl = 0x0400, kRdbal = 0x2800,
    kRdbah = 0x2804, kRdlen = 0x2808, kRdh = 0x2810, kRdt = 0x2818, kTdbal = 0x3800, kTdbah = 0x3804,
    kTdlen = 0x3808, kTdh = 0x3810, kTdt = 0x3818, kStatsFirst = 0x4000, kStatsEnd = 0x4100,
    kMta = 0x5200, kRal0 = 0x5400, kRah0 = 0x5404,
  };
  // Interrupt causes (ICR, ICS, IMS, IMC).
  enum : uint32_t { kTxdw = 1 << 0, kTxqe = 1 << 1, kLsc = 1 << 2, kMdac = 1 << 9 };

  // `transmit` receives each frame the guest sends (the null backend: none).
  E1000(Mac mac, std::vector<uint8_t> rom, std::function<void(const std::vector<uint8_t>&)> transmit = {});

  void set_code_watcher(mem::CodeWatcher* watcher) { watcher_ = watcher; }
  // Power-on state of the registers, EEPROM interface and PHY (the PCI header stays).
  void reset();

  // Register accesses at a byte offset into BAR 0 (dword-aligned, 32 bits).
  uint32_t read_register(uint32_t offset);
  void write_register(uint32_t offset, uint32_t value);
  uint16_t eeprom_word(unsigned i) const { return eeprom_[i]; }

 private:
  // BAR 0. Drivers use dwords; a narrower access reaches part of its dword
  // (a write keeps the other bytes as they read back).
  class Registers final : public mem::MmioDevice {
   public:
    explicit Registers(E1000& nic) : nic_(nic) {}
    mem::AccessRules rules(uint64_t) const override { return {.min_size = 1, .max_size = 4}; }
    uint64_t read(uint64_t offset, unsigned size) override;
    void write(uint64_t offset, unsigned size, uint64_t value) override;

   private:
    E1000& nic_;
  };
  // IOADDR (+0) and IODATA (+4); the rest of the 64 ports read 0.
  class IoWindow final : public mem::PortDevice {
   public:
    explicit IoWindow(E1000& nic) : nic_(nic) {}
    mem::AccessRules rules(uint64_t) const override { return {.min_size = 4, .max_size = 4}; }
    uint64_t read(uint64_t offset, unsigned size) override;
    void write(uint64_t offset, unsigned size, uint64_t value) override;

   private:
    E1000& nic_;
    uint32_t ioaddr_ = 0;
  };

  uint32_t& reg(uint32_t offset) { return regs_[offset / 4]; }
  void write_eecd(uint32_t value);
  void run_mdic(uint32_t value);
  void raise(uint32_t causes);
  void update_irq();
  void transmit();
  bool transmit_one(uint64_t desc_pa);

  Registers registers_{*this};
  IoWindow io_window_{*this};
  std::vector<uint32_t> regs_ = std::vector<uint32_t>(kRegisterBytes / 4);
  std::array<uint16_t, kEepromWords> eeprom_{};
  std::array<uint16_t, 32> phy_{};
  // The Microwire EEPROM's serial state: bits shifted in since CS rose, and
  // once a READ's address is in, the word and the next bit to shift out.
  uint32_t ee_bits_in_ = 0, ee_shift_ = 0;
  bool ee_reading_ = false;
  unsigned ee_address_ = 0, ee_bit_out_ = 0;
  bool ee_do_ = false;
  std::vector<uint8_t> frame_;  // the frame being gathered up to its EOP descriptor
  bool frame_failed_ = false;   // one of its buffers was outside RAM
  std::function<void(const std::vector<uint8_t>&)> transmit_;
  mem::CodeWatcher* watcher_ = nullptr;
};

}  // namespace kiln::devices::pci

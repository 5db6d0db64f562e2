// QEMU's firmware configuration device (fw_cfg; QEMU's docs/specs/fw_cfg.rst)
// on the x86 I/O ports: the selector at 0x510 (16-bit, little-endian; writing
// it rewinds the data offset), the data port at 0x511 (one byte per read,
// zeros past an item's end or for an unknown key; writes are ignored, as in
// QEMU since 2.4) and the DMA address at 0x514 (two big-endian 32-bit halves:
// writing the low half at 0x518 starts the transfer; reading gives "QEMU CFG").
//
// Items are byte strings under 16-bit keys (bit 14, the old write channel,
// is ignored; bit 15 marks the architecture's keys); the signature "QEMU"
// (0x00), the ID (0x01: traditional interface and DMA) and the file directory
// (0x19: a big-endian count, then per file its big-endian size and key and a
// 56-byte name, sorted by name, keys from 0x20 in that order) are the
// device's own; the board adds the rest before the guest runs.
//
// A DMA transfer reads the 16-byte FWCfgDmaAccess at the address (big-endian
// control, length, address): SELECT (bit 3) selects the key in control's top
// 16 bits, then READ (bit 1) copies from the item into guest memory (zeros
// past its end), WRITE (bit 4) copies into a writable item (an error if the
// item is read-only or too short), SKIP (bit 2) moves the offset. The control
// word is written back as 0, or with ERROR (bit 0) when a transfer touched
// anything but guest RAM or was refused: a guest's mistake never goes further.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/result.h"
#include "mem/physmap.h"
#include "mem/port_space.h"
#include "mem/tlb.h"

namespace kiln::devices {

class FwCfg final : public mem::PortDevice {
 public:
  static constexpr uint32_t kBase = 0x510, kPorts = 12;
  static constexpr uint64_t kSelector = 0, kData = 1, kDmaHigh = 4, kDmaLow = 8;  // port offsets
  enum Key : uint16_t {
    kSignature = 0x00, kId = 0x01, kUuid = 0x02, kRamSize = 0x03, kNoGraphic = 0x04, kNbCpus = 0x05,
    kMachineId = 0x06, kKernelAddr = 0x07, kKernelSize = 0x08, kKernelCmdline = 0x09, kInitrdAddr = 0x0a,
    kInitrdSize = 0x0b, kBootDevice = 0x0c, kNuma = 0x0d, kBootMenu = 0x0e, kMaxCpus = 0x0f,
    kKernelEntry = 0x10, kKernelData = 0x11, kInitrdData = 0x12, kCmdlineAddr = 0x13, kCmdlineSize = 0x14,
    kCmdlineData = 0x15, kSetupAddr = 0x16, kSetupSize = 0x17, kSetupData = 0x18, kFileDir = 0x19,
    kFileFirst = 0x20,
  };
  static constexpr uint16_t kWriteChannel = 0x4000, kArchLocal = 0x8000;
  static constexpr uint32_t kIdTraditional = 0x01, kIdDma = 0x02;
  static constexpr uint32_t kDmaError = 0x01, kDmaRead = 0x02, kDmaSkip = 0x04, kDmaSelect = 0x08, kDmaWrite = 0x10;
  static constexpr unsigned kMaxFileName = 55;  // plus its NUL in the directory's 56 bytes
  static constexpr uint64_t kDmaSignature = 0x51454d5520434647ull;  // "QEMU CFG", big-endian

  // DMA reaches guest memory through `map`; the watcher (set once the engine
  // exists) hears of writes to pages holding translated code.
  explicit FwCfg(mem::PhysMap& map);
  void set_code_watcher(mem::CodeWatcher* watcher) { watcher_ = watcher; }

  // The selector takes a 16-bit access, the data port a byte, the DMA
  // address 32-bit halves (byte reads of its signature too).
  mem::AccessRules rules(uint64_t offset) const override;
  uint64_t read(uint64_t offset, unsigned size) override;
  void write(uint64_t offset, unsigned size, uint64_t value) override;

  // The board's items: fixed keys (numbers little-endian, as QEMU stores them)
  // and named files; an error for a bad or repeated name.
  void add_bytes(uint16_t key, std::vector<uint8_t> data);
  void add_u16(uint16_t key, uint16_t v);
  void add_u32(uint16_t key, uint32_t v);
  void add_u64(uint16_t key, uint64_t v);
  Status add_file(const std::string& name, std::vector<uint8_t> data, bool writable = false);
  // An item's bytes (tests; writable files change by DMA), or nullptr.
  const std::vector<uint8_t>* item(uint16_t key) const;
  const std::vector<uint8_t>* file(const std::string& name) const;
  uint16_t file_key(const std::string& name) const;  // 0 if there is none

  // A system reset: no item selected, offset 0, DMA address 0.
  void reset();

 private:
  struct Item {
    std::vector<uint8_t> data;
    bool writable = false;
  };
  void select(uint16_t key);
  Item* current();
  void dma(uint64_t desc_addr);
  // One DMA operation on the current item; false on an error.
  bool transfer_to_guest(uint64_t addr, uint32_t len);
  bool transfer_from_guest(uint64_t addr, uint32_t len);
  void rebuild_directory();

  mem::PhysMap& map_;
  mem::CodeWatcher* watcher_ = nullptr;
  std::map<uint16_t, Item> items_;      // fixed keys
  std::map<std::string, Item> files_;   // keys kFileFirst + position in name order
  uint16_t key_ = 0;
  uint64_t offset_ = 0;
  uint32_t dma_high_ = 0;
};

}  // namespace kiln::devices

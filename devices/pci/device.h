// A PCI function: its configuration space with the standard header, up to
// six base address registers and the expansion ROM BAR, and its INTx pin.
// BAR sizing works as on hardware: the address bits below the BAR's size are
// read-only zero, so writing all ones reads back the size mask. A BAR is
// mapped into the physical map (memory) or the port space (I/O) while the
// command register enables that kind of decoding and its address is usable,
// and moved or removed when either changes. Devices derive from it, declare
// their registers' masks in the constructor and react to guest writes in
// config_written().
#pragma once
#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "devices/pci/config_space.h"
#include "mem/physmap.h"
#include "mem/port_space.h"

namespace kiln::devices::pci {

class Bus;

// Where BARs land, and what to do after the physical map changed under the
// CPU: drop TLB entries and translated code over [base, base + size).
struct AddressSpaces {
  mem::PhysMap* memory = nullptr;
  mem::PortSpace* io = nullptr;
  std::function<void(uint64_t base, uint64_t size)> memory_changed;
};

struct Ids {
  uint16_t vendor, device;
  uint8_t revision;
  uint32_t class_code;  // class << 16 | subclass << 8 | programming interface
};

class Device {
 public:
  explicit Device(const Ids& ids);
  // BARs still mapped stay in the maps: the board tears those down with it.
  virtual ~Device() = default;
  Device(const Device&) = delete;
  Device& operator=(const Device&) = delete;

  // Configuration accesses from the bus (size 1, 2 or 4, inside the 256 bytes).
  uint32_t config_read(unsigned offset, unsigned size) const { return cfg_.read(offset, size); }
  void config_write(unsigned offset, unsigned size, uint32_t value);

  // Called by Bus::add.
  void attach(Bus* bus, uint8_t devfn);
  uint8_t devfn() const { return devfn_; }
  const std::string& name() const { return name_; }
  void mark_multifunction() { cfg_.set(reg::kHeaderType, 1, cfg_.read(reg::kHeaderType, 1) | kHeaderMultiFunction); }

 protected:
  // BAR `index` (0-5; a 64-bit BAR takes index + 1 too) of `size` bytes, a
  // power of two (I/O: 4 to 256; memory: at least 16). `target` serves it
  // once mapped (nullptr: a BAR that sizes and holds an address but has
  // nothing behind it yet).
  void add_io_bar(unsigned index, uint32_t size, mem::PortDevice* target);
  void add_memory_bar(unsigned index, uint64_t size, mem::MmioDevice* target, bool is64, bool prefetchable);
  // A 32-bit memory BAR onto `size` bytes of host memory the device owns (a
  // framebuffer), mapped as a RAM window: the guest's accesses are plain
  // loads and stores.
  void add_ram_bar(unsigned index, uint64_t size, uint8_t* memory, bool prefetchable);
  // The expansion ROM (offset 0x30): the image, its BAR sized to the next
  // power of two of at least 4 KiB, the rest of it reading 0xFF.
  void set_rom(std::vector<uint8_t> image);
  void set_interrupt_pin(uint8_t pin);  // 1-4: INTA#-INTD#
  // Drives the INTx pin (ignored while the command register disables INTx).
  void set_intx(bool level);
  // After a guest write of `size` bytes at `offset`, for the registers the
  // device gives meaning to (the header's BARs and command are handled here).
  virtual void config_written(unsigned offset, unsigned size) {
    (void)offset;
    (void)size;
  }
  // The bus's maps (for registers a device maps itself, as the PIIX4's PMBA).
  const AddressSpaces& spaces() const;
  static bool touches(unsigned offset, unsigned size, unsigned reg, unsigned reg_size = 1) {
    return offset < reg + reg_size && reg < offset + size;
  }

  ConfigSpace cfg_;

 private:
  enum class BarKind : uint8_t { None, Io, Memory32, Memory64 };
  struct Bar {
    BarKind kind = BarKind::None;
    uint64_t size = 0;
    mem::MmioDevice* target = nullptr;
    uint8_t* memory = nullptr;  // a RAM window instead of a device
    bool mapped = false;
    uint64_t base = 0;
  };
  uint64_t bar_address(unsigned index) const;  // where BAR `index` should decode now, or kUnmapped
  void update_mappings();
  void map_bar(unsigned index, uint64_t base);
  void unmap_bar(unsigned index);
  void map_rom(uint64_t base);
  void unmap_rom();
  void update_intx();

  Bus* bus_ = nullptr;
  uint8_t devfn_ = 0;
  std::string name_;
  std::array<Bar, 6> bars_{};
  std::vector<uint8_t> rom_;
  bool rom_mapped_ = false;
  uint64_t rom_base_ = 0;
  bool intx_level_ = false;  // what the device drives
  bool intx_out_ = false;    // what reaches the bus (after INTx disable)
};

}  // namespace kiln::devices::pci

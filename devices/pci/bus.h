// PCI bus 0 of the PC (the i440FX's), and configuration mechanism #1 that
// reaches it from the I/O ports (PCI Local Bus Spec 3.0 §3.2.2.3.2): a dword
// written to 0xCF8 selects bus, device, function and register when its bit 31
// (enable) is set; 0xCFC-0xCFF then read or write that register's bytes, by
// byte, word or dword at their offset. No function there, another bus, or
// the enable bit clear: reads are all ones and writes vanish. The bus routes
// its functions' INTx pins to an IntxRouter (the PIIX3).
#pragma once
#include <array>
#include <cstdint>

#include "common/result.h"
#include "devices/pci/device.h"
#include "mem/port_space.h"

namespace kiln::devices::pci {

constexpr uint8_t devfn(unsigned slot, unsigned function) { return uint8_t(slot << 3 | function); }

// Where INTx pins go (the PIIX3 turns them into PIRQs and ISA IRQs).
class IntxRouter {
 public:
  virtual ~IntxRouter() = default;
  virtual void set_intx(uint8_t devfn, unsigned pin, bool level) = 0;  // pin 0-3: INTA#-INTD#
};

class Bus {
 public:
  explicit Bus(AddressSpaces spaces) : spaces_(std::move(spaces)) {}

  // Places `dev` at `fn` (the bus does not own it). Function 0 of a slot with
  // more functions says so in its header type.
  Status add(Device* dev, uint8_t fn);
  Device* at(uint8_t fn) const { return functions_[fn]; }

  uint32_t config_read(uint8_t fn, unsigned offset, unsigned size) const;
  void config_write(uint8_t fn, unsigned offset, unsigned size, uint32_t value);

  void set_router(IntxRouter* router) { router_ = router; }
  void set_intx(uint8_t fn, unsigned pin, bool level) {
    if (router_) router_->set_intx(fn, pin, level);
  }
  const AddressSpaces& spaces() const { return spaces_; }

 private:
  AddressSpaces spaces_;
  std::array<Device*, 256> functions_{};
  IntxRouter* router_ = nullptr;
};

// Ports 0xCF8-0xCFF. The address register takes dword accesses only; a byte
// at 0xCF9 is the PIIX3's reset control register, which the port space cannot
// place inside this range: it is passed to `port_cf9` (its offset 0) when the
// board has one, else it reads all ones and is dropped.
class ConfigMechanism1 final : public mem::PortDevice {
 public:
  static constexpr uint32_t kBase = 0xcf8, kPorts = 8;
  static constexpr uint32_t kEnable = 0x80000000;

  explicit ConfigMechanism1(Bus& bus, mem::PortDevice* port_cf9 = nullptr) : bus_(bus), port_cf9_(port_cf9) {}

  mem::AccessRules rules(uint64_t offset) const override;
  uint64_t read(uint64_t offset, unsigned size) override;
  void write(uint64_t offset, unsigned size, uint64_t value) override;

 private:
  bool selects_bus0() const { return (address_ & kEnable) && ((address_ >> 16) & 0xff) == 0; }
  Bus& bus_;
  mem::PortDevice* port_cf9_;
  uint32_t address_ = 0;
};

}  // namespace kiln::devices::pci

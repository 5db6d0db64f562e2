// The PC's two 8237A DMA controllers (Intel 8237A data sheet; the AT's
// wiring, as the PIIX3 keeps it): controller 1 at ports 0x00-0x0F moves
// bytes for channels 0-3; controller 2 at 0xC0-0xDF (its registers on even
// ports) moves 16-bit words for channels 5-7, and its channel 4 is the
// cascade from controller 1, which must be unmasked for channels 0-3 to run.
// The page registers at 0x81-0x8F give each channel its address bits 16-23
// (bits 17-23 on controller 2, whose channels count words); port 0x80 is not
// one of them here: it stays the POST diagnostic port (devices/pc/post_port.h).
//
// Each controller: base and current address and count registers behind the
// byte-pointer flip-flop, the mode (verify/write/read, increment or
// decrement, auto-initialise), single and all-at-once mask writes, the
// request register, the status register (TC bits cleared by reading it),
// command (controller disable) and master clear. A transfer of count + 1
// units ends at TC: the channel reloads its base registers if auto-initialise
// is on, else masks itself. The address wraps inside its 64 KiB (128 KiB)
// page, as on the chip. Memory-to-memory transfers are not modelled.
//
// Devices drive a channel's DREQ; while it is high and the channel may run
// (unmasked, its controller enabled, the cascade open) the device's service
// callback is called, at once or when the guest unmasks the channel, and it
// moves data with to_memory()/from_memory(). Writes reach guest RAM only
// (devices/dma.h), pages of translated code reported first.
#pragma once
#include <array>
#include <cstdint>
#include <functional>

#include "mem/physmap.h"
#include "mem/port_space.h"
#include "mem/tlb.h"

namespace kiln::devices {

class I8237Pair {
 public:
  static constexpr uint32_t kController1Ports = 0x00, kController2Ports = 0xc0;
  static constexpr uint32_t kController1PortCount = 16, kController2PortCount = 32;
  static constexpr uint32_t kPagePorts = 0x81, kPagePortCount = 15;  // 0x81-0x8F; 0x80 is the POST port
  static constexpr unsigned kChannels = 8;
  static constexpr unsigned kCascadeChannel = 4;

  // The mode register's transfer types (bits 3-2).
  enum Transfer : uint8_t { kVerify = 0, kWrite = 1, kRead = 2 };  // write: into memory; read: from it

  // `watcher` hears of writes into pages holding translated code (may be null).
  I8237Pair(mem::PhysMap& map, mem::CodeWatcher* watcher);
  I8237Pair(const I8237Pair&) = delete;
  I8237Pair& operator=(const I8237Pair&) = delete;

  mem::PortDevice& controller1() { return ctl_[0]; }
  mem::PortDevice& controller2() { return ctl_[1]; }
  mem::PortDevice& page_registers() { return pages_; }

  // The device on channel `ch`: called while its DREQ is high and the channel may run.
  void connect(unsigned ch, std::function<void()> service) { service_[ch] = std::move(service); }
  // The device's DREQ line; raising it on a channel that may run calls its service at once.
  void set_dreq(unsigned ch, bool high);
  // Whether channel `ch` would transfer now if requested.
  bool may_run(unsigned ch) const;

  // What one call moved: bytes counted (whole units), and whether TC came (the count ran out).
  struct Moved {
    uint64_t bytes = 0;
    bool tc = false;
  };
  // The device gives `len` bytes (a write transfer puts them in memory; a
  // verify or read transfer counts them and drops them); stops at TC.
  Moved to_memory(unsigned ch, const uint8_t* src, uint64_t len);
  // The device takes `len` bytes (from memory on a read transfer, zeros otherwise); stops at TC.
  Moved from_memory(unsigned ch, uint8_t* dst, uint64_t len);

  // The channel's registers as the guest left them (tests, debugging).
  uint32_t current_address(unsigned ch) const { return chan(ch).cur_addr; }
  uint32_t current_count(unsigned ch) const { return chan(ch).cur_count; }
  uint8_t mode(unsigned ch) const { return chan(ch).mode; }
  bool masked(unsigned ch) const { return ctl_[ch / 4].mask & (1u << (ch % 4)); }

  // A hardware reset: both controllers master-cleared (the address, count and
  // mode registers and the page registers keep their values, as on the chip).
  void reset();
  // What firmware does before any ISA DMA (SeaBIOS's dma_setup), for a kernel
  // booted without it: channel 4 in cascade mode and unmasked, so controller
  // 1's channels (the floppy's) reach memory.
  void set_up_cascade();

 private:
  struct Channel {
    uint16_t base_addr = 0, base_count = 0, cur_addr = 0, cur_count = 0;
    uint8_t mode = 0;
    bool dreq = false;
  };

  class Controller final : public mem::PortDevice {
   public:
    Controller(I8237Pair& pair, unsigned index) : pair_(pair), index_(index) {}
    mem::AccessRules rules(uint64_t) const override { return {.min_size = 1, .max_size = 1}; }
    uint64_t read(uint64_t offset, unsigned size) override;
    void write(uint64_t offset, unsigned size, uint64_t value) override;
    void master_clear();

    std::array<Channel, 4> ch;
    uint8_t command = 0, status = 0, request = 0, mask = 0x0f;
    bool flip_flop = false;  // false: the next address/count byte is the low one

   private:
    // The register a port offset selects (controller 2's are on even ports), or -1.
    int reg(uint64_t offset) const;
    I8237Pair& pair_;
    const unsigned index_;
  };

  class PageRegisters final : public mem::PortDevice {
   public:
    mem::AccessRules rules(uint64_t) const override { return {.min_size = 1, .max_size = 1}; }
    uint64_t read(uint64_t offset, unsigned) override { return bytes[offset]; }
    void write(uint64_t offset, unsigned, uint64_t value) override { bytes[offset] = uint8_t(value); }
    std::array<uint8_t, kPagePortCount> bytes{};  // ports 0x81-0x8F; the unused ones are scratch bytes
  };

  Channel& chan(unsigned ch) { return ctl_[ch / 4].ch[ch % 4]; }
  const Channel& chan(unsigned ch) const { return ctl_[ch / 4].ch[ch % 4]; }
  uint8_t page(unsigned ch) const;
  // Moves up to `len` bytes of channel `ch` between `buf` and memory (`into` memory, or out of it).
  Moved transfer(unsigned ch, uint8_t* buf, uint64_t len, bool device_gives);
  // The count ran out on channel `ch`: status TC, then reload or mask.
  void terminal_count(unsigned ch);
  // Runs the services of every channel whose DREQ is high and that may run.
  void run_requests();

  mem::PhysMap& map_;
  mem::CodeWatcher* watcher_;
  std::array<Controller, 2> ctl_{Controller{*this, 0}, Controller{*this, 1}};
  PageRegisters pages_;
  std::array<std::function<void()>, kChannels> service_;
  bool running_ = false;  // inside run_requests (a service may lower or raise DREQs)
};

}  // namespace kiln::devices

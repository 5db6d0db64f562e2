// HTIF, the Berkeley host-target interface of the spike board: the guest
// writes commands to its `tohost` word and the host answers in `fromhost`.
// Both are ordinary RAM words found by ELF symbol; the board overlays them
// with this device. Supported: exit (tohost bit 0 set: code = tohost >> 1),
// console output (device 1, command 1), and the syscall proxy's write and exit
// (device 0: tohost points at a block of eight 64-bit words).
#pragma once
#include <cstdint>
#include <cstdio>
#include <functional>

#include "mem/physmap.h"

namespace kiln::devices {

class Htif {
 public:
  using ExitFn = std::function<void(int code)>;
  Htif(mem::PhysMap& map, std::FILE* console, ExitFn on_exit);
  // Registers the two words as MMIO regions of the physical map.
  Status attach(uint64_t tohost_addr, uint64_t fromhost_addr);

  uint64_t tohost() const { return tohost_; }
  uint64_t fromhost() const { return fromhost_; }

 private:
  class Word : public mem::MmioDevice {
   public:
    Word(Htif& h, bool is_tohost) : h_(h), is_tohost_(is_tohost) {}
    // On Spike the two words are plain memory; here any naturally aligned
    // load or store of 1 to 8 bytes (programs write tohost with one sd, or sw
    // low then sw high). No AMOs. A tohost write may end the run, so the CPU
    // performs it as an instruction of its own.
    mem::AccessRules rules(uint64_t) const override {
      return {.min_size = 1, .max_size = 8, .write_may_stop = is_tohost_};
    }
    uint64_t read(uint64_t offset, unsigned size) override;
    void write(uint64_t offset, unsigned size, uint64_t value) override;

   private:
    Htif& h_;
    bool is_tohost_;
  };
  void command(uint64_t cmd);
  void syscall(uint64_t magic_addr);

  mem::PhysMap& map_;
  std::FILE* console_;
  ExitFn on_exit_;
  uint64_t tohost_ = 0, fromhost_ = 0;
  Word tohost_dev_{*this, true}, fromhost_dev_{*this, false};
};

}  // namespace kiln::devices

// The core-local interruptor (CLINT, the ACLINT MSWI + MTIMER pair) of QEMU's
// `virt` board: msip[h] at +0x0 + 4h (bit 0 drives hart h's MSIP line),
// mtimecmp[h] at +0x4000 + 8h and mtime at +0xbff8, both 64-bit and also
// accessible as 32-bit halves. mtime runs at 10 MHz from the virtual clock
// (now_ns / 100) plus an offset that guest writes to mtime adjust. MTIP[h] is
// mtime >= mtimecmp[h]; a not-yet-due compare value is a Clock timer.
#pragma once
#include <cstdint>
#include <vector>

#include "common/clock.h"
#include "devices/irq.h"
#include "mem/physmap.h"

namespace kiln::devices {

class Clint final : public mem::MmioDevice {
 public:
  static constexpr uint64_t kMmioSize = 0x10000;
  static constexpr uint64_t kTimebaseHz = 10'000'000;
  static constexpr uint64_t kMsipBase = 0x0, kMtimecmpBase = 0x4000, kMtimeOffset = 0xbff8;

  struct HartLines {
    IrqLine* msip = nullptr;  // machine software interrupt
    IrqLine* mtip = nullptr;  // machine timer interrupt
  };
  // One entry per hart, hart 0 first; null lines are allowed.
  Clint(Clock& clock, std::vector<HartLines> harts);
  ~Clint() override;
  Clint(const Clint&) = delete;
  Clint& operator=(const Clint&) = delete;

  // As QEMU's ACLINT: msip words 4 bytes only (MSWI), mtimecmp and mtime 4 or
  // 8 bytes (MTIMER), naturally aligned. AMOs are allowed: every register
  // reads back what was written, with no side effect of reading.
  mem::AccessRules rules(uint64_t offset) const override {
    return {.min_size = 4, .max_size = offset < kMtimecmpBase ? 4u : 8u, .atomics = true};
  }
  uint64_t read(uint64_t offset, unsigned size) override;
  void write(uint64_t offset, unsigned size, uint64_t value) override;

  // The current mtime (the value of the `time` CSR).
  uint64_t mtime() const;
  unsigned num_harts() const { return unsigned(harts_.size()); }

 private:
  struct Hart {
    HartLines lines;
    bool msip = false;
    uint64_t mtimecmp = ~0ull;
    bool timer_armed = false;
    Clock::TimerId timer = 0;
  };
  void set_mtimecmp(unsigned h, uint64_t v);
  void set_mtime(uint64_t v);
  void update_timer(unsigned h);

  Clock& clock_;
  std::vector<Hart> harts_;
  int64_t offset_ = 0;  // mtime - now_ns/100, changed by guest writes to mtime
};

}  // namespace kiln::devices

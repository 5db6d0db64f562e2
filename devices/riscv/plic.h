// The platform-level interrupt controller of QEMU's `virt` board (SiFive
// layout): per-source priorities at +0x0, pending bits at +0x1000, per-context
// enable bits at +0x2000 + 0x80*ctx, and per-context threshold (+0) and
// claim/complete (+4) at +0x200000 + 0x1000*ctx. Context 2h is hart h's
// M-mode external interrupt (MEIP), 2h+1 its S-mode one (SEIP); each context
// drives one output IrqLine. Sources are level-triggered lines that devices
// drive through source(n): a source is pending while high, not again while
// claimed, and re-pends on completion if still high.
#pragma once
#include <cstdint>
#include <vector>

#include "devices/irq.h"
#include "mem/physmap.h"

namespace kiln::devices {

class Plic final : public mem::MmioDevice {
 public:
  static constexpr unsigned kVirtSources = 95;  // sources 1..95 (riscv,ndev = 95)
  static constexpr uint64_t kPriorityBase = 0x0, kPendingBase = 0x1000, kEnableBase = 0x2000,
                            kEnableStride = 0x80, kContextBase = 0x200000, kContextStride = 0x1000;
  // Size of the MMIO window for `contexts` contexts.
  static constexpr uint64_t mmio_size(unsigned contexts) { return kContextBase + kContextStride * uint64_t(contexts); }

  // `num_sources` sources numbered 1..num_sources (at most 1023); one context
  // per entry of `contexts` (nullptr entries are contexts nobody listens to).
  // For the virt board: {&hart0_meip, &hart0_seip, &hart1_meip, ...}.
  Plic(unsigned num_sources, std::vector<IrqLine*> contexts);
  Plic(const Plic&) = delete;
  Plic& operator=(const Plic&) = delete;

  // 32-bit registers, accessed as such (QEMU's sifive_plic: valid 4..4). No
  // AMOs: reading claim/complete claims an interrupt.
  mem::AccessRules rules(uint64_t) const override { return {.min_size = 4, .max_size = 4}; }
  uint64_t read(uint64_t offset, unsigned size) override;
  void write(uint64_t offset, unsigned size, uint64_t value) override;

  // The input line of source n (1..num_sources). Any other n gives a line
  // that goes nowhere.
  IrqLine& source(unsigned n);

  unsigned num_sources() const { return num_sources_; }
  unsigned num_contexts() const { return unsigned(contexts_.size()); }
  bool is_pending(unsigned n) const { return n <= num_sources_ && n > 0 && (pending_[n / 32] >> (n % 32)) & 1; }

 private:
  class Source final : public IrqLine {
   public:
    void set_level(bool high) override { plic->source_level(id, high); }
    Plic* plic = nullptr;
    unsigned id = 0;
  };
  struct Context {
    IrqLine* out = nullptr;
    std::vector<uint32_t> enable;
    uint32_t threshold = 0;
    bool level = false;
  };
  void source_level(unsigned id, bool high);
  void set_pending(unsigned id, bool p);
  unsigned best(const Context& c) const;  // highest-priority claimable source, 0 if none
  uint32_t claim(Context& c);
  void complete(unsigned id);
  void update();

  unsigned num_sources_;
  unsigned words_;  // 32-bit words of pending/enable bits, covering sources 0..num_sources
  std::vector<uint32_t> priority_, pending_, claimed_, level_;
  std::vector<Context> contexts_;
  std::vector<Source> sources_;
  Source nowhere_;
};

}  // namespace kiln::devices

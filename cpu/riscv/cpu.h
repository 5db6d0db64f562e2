// One RV64GC hart: the engine's cpu::Cpu (translation, traps, interrupts) and
// the softTLB's mem::Translator (address translation; Bare mode for now, the
// Sv39/Sv48 walks and PMP checks arrive with the privileged-architecture work).
#pragma once
#include <chrono>
#include <functional>
#include <memory>

#include "common/clock.h"
#include "common/log.h"
#include "cpu/common/cpu.h"
#include "cpu/riscv/state.h"

namespace kiln::riscv {

class RiscvCpu final : public cpu::Cpu, public mem::Translator {
 public:
  RiscvCpu(mem::PhysMap& map, Log& log, uint64_t hartid);
  ~RiscvCpu() override;

  RiscvState& s() { return *state_; }
  void reset(uint64_t pc);

  // cpu::Cpu
  cpu::StateHeader& state() override { return *state_; }
  uint64_t mode_bits() const override;
  bool code_address(uint64_t pc, uint64_t* pa) override;
  void translate_block(ir::Block& out, unsigned max_insns) override;
  void take_exception() override;
  bool take_interrupt() override;
  bool wakeup_pending() const override { return (state_->mip & state_->mie) != 0; }
  // Drives one bit of mip from a device line (MSIP, MTIP, MEIP, SEIP...).
  void set_mip(unsigned bit, bool level);
  std::string disassemble(uint64_t pc) override;
  uint64_t debug_mode() const override { return uint32_t(state_->priv); }
  bool exec_trigger_fires() override;  // trigger.cpp

  // mem::Translator
  bool translate(uint64_t va, unsigned size, mem::AccessType type, unsigned mmu_idx, uint64_t* pa,
                 unsigned* prot) override;
  void raise_fault(uint64_t va, mem::AccessType type, mem::FaultKind kind) override;

  // The `time` CSR (10 MHz). The board connects it to its timer (the CLINT's
  // mtime); until then it counts host time since the hart was created.
  uint64_t time_ticks() const { return time_source_ ? time_source_() : default_time(); }
  void set_time_source(std::function<uint64_t()> fn) { time_source_ = std::move(fn); }
  // Sstc: the clock stimecmp deadlines are scheduled on (none: Sstc is not offered).
  void set_clock(Clock* clock) { clock_ = clock; }
  bool has_sstc() const { return clock_ != nullptr; }
  // Re-evaluates STIP from stimecmp (when menvcfg.STCE) and arms the timer for the deadline.
  void update_stimer();
  static constexpr uint64_t kTimebaseHz = 10'000'000;

 private:
  void deliver_trap(uint64_t cause, uint64_t tval, bool interrupt);
  // mmu.cpp: the Sv39/Sv48 walk and the PMP check.
  // `sum`: the access is an S-mode load or store with mstatus.SUM (kMmuSum).
  bool walk(uint64_t va, mem::AccessType type, uint64_t priv, bool sum, uint64_t* pa, unsigned* prot);
  // Permissions PMP grants `priv` for the `size` bytes at `pa` (kProt* bits;
  // kProtNoTlb if not uniform over the page). An entry matching only some of
  // the bytes grants nothing.
  unsigned pmp_prot(uint64_t pa, unsigned size, uint64_t priv) const;
  // Reads one instruction at va; false (fault recorded) if it cannot be fetched.
  bool fetch(uint64_t va, uint32_t* raw, unsigned* len);

  struct StateDeleter {
    void operator()(RiscvState* p) const;
  };
  std::unique_ptr<RiscvState, StateDeleter> state_;
  uint64_t default_time() const;

  Log& log_;
  std::chrono::steady_clock::time_point start_;
  std::function<uint64_t()> time_source_;
  Clock* clock_ = nullptr;
  Clock::TimerId stimer_ = 0;
  bool stimer_armed_ = false;
};

}  // namespace kiln::riscv

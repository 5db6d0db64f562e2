// One x86 CPU: the engine's cpu::Cpu (translation, exceptions, interrupts)
// and the softTLB's mem::Translator. Real mode only for now: linear addresses
// are physical, wrapped at 1 MiB (8086) or 16 MiB (286 with A20 on).
#pragma once
#include <memory>

#include "cpu/common/cpu.h"
#include "cpu/x86/state.h"

namespace kiln::x86 {

class X86Cpu final : public cpu::Cpu, public mem::Translator {
 public:
  X86Cpu(mem::PhysMap& map, Model model);

  X86State& s() { return *state_; }
  Model model() const { return state_->model; }
  // Sets CS (selector and real-mode base) and IP, and the pc from them.
  void set_cs_ip(uint16_t cs, uint16_t ip);
  void set_sreg(unsigned seg, uint16_t selector);
  uint16_t ip() const { return uint16_t(state_->pc - state_->seg[CS].base); }

  // cpu::Cpu
  cpu::StateHeader& state() override { return *state_; }
  // The model, and CS's selector: a block's ip is its pc minus CS's base.
  uint32_t mode_bits() const override;
  bool code_address(uint64_t pc, uint64_t* pa) override;
  void translate_block(ir::Block& out, unsigned max_insns) override;
  void take_exception() override;
  bool take_interrupt() override { return false; }  // no interrupt controller yet
  bool wakeup_pending() const override { return false; }
  uint32_t debug_mode() const override { return 0; }  // real mode only
  std::string disassemble(uint64_t pc) override;

  // mem::Translator
  bool translate(uint64_t va, unsigned size, mem::AccessType type, unsigned mmu_idx, uint64_t* pa,
                 unsigned* prot) override;
  void raise_fault(uint64_t va, mem::AccessType type, mem::FaultKind kind) override;

  // Delivers interrupt `vector` through the real-mode IVT, returning to `return_ip`.
  void interrupt(unsigned vector, uint16_t return_ip);

 private:
  // Reads up to 15 code bytes at cs:ip (wrapping within the segment).
  size_t fetch(uint16_t ip, uint8_t* out);
  uint64_t address_mask() const { return state_->model == Model::I8086 ? 0xFFFFF : 0xFFFFFF; }

  struct StateDeleter {
    void operator()(X86State* p) const;
  };
  std::unique_ptr<X86State, StateDeleter> state_;
};

}  // namespace kiln::x86

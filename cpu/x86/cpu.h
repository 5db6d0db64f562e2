// One x86 CPU: the engine's cpu::Cpu (translation, exceptions, interrupts)
// and the softTLB's mem::Translator (paging: 32-bit with 4 MiB pages, PAE,
// 4-level). Real mode wraps physical addresses at 1 MiB on the 8086 and at
// 16 MiB on the 286 (A20 on); from the 386 on the address bus is 32 bits
// wide (36 with PAE and long mode).
#pragma once
#include <functional>
#include <memory>

#include "common/log.h"
#include "cpu/common/cpu.h"
#include "cpu/x86/state.h"

namespace kiln::x86 {

class X86Cpu final : public cpu::Cpu, public mem::Translator {
 public:
  X86Cpu(mem::PhysMap& map, Model model);  // the model's own features
  X86Cpu(mem::PhysMap& map, Model model, const Features& features);  // -cpu MODEL,+feat,-feat

  X86State& s() { return *state_; }
  Model model() const { return state_->model; }
  // The architectural reset state (Intel SDM Vol. 3 §9.1.1): real mode at
  // F000:FFF0 with CS's base FFFF0000 (the 8086 and 286: F0000), EDX the
  // processor signature.
  void reset();
  // Sets CS (selector and real-mode base) and IP, and the pc from them.
  void set_cs_ip(uint16_t cs, uint16_t ip);
  // Loads a segment register as real mode does (base = selector << 4).
  void set_sreg(unsigned seg, uint16_t selector);
  uint64_t ip() const { return state_->pc - state_->seg[CS].base; }

  // cpu::Cpu
  cpu::StateHeader& state() override { return *state_; }
  // cpu/x86/mode.h: model, code size, CPL, stack size, MMU index, flat segments, CS base.
  uint64_t mode_bits() const override;
  bool code_address(uint64_t pc, uint64_t* pa) override;
  static constexpr uint64_t kNoCodeAddress = ~uint64_t(0xfff);  // a halted CPU's unfetchable pc (code_address)
  void translate_block(ir::Block& out, unsigned max_insns) override;
  void take_exception() override;
  // The debug traps of the instruction just done (cpu/x86/debug_traps.cpp),
  // then INTR when IF is set and no interrupt shadow holds it off
  // (cpu/x86/interrupt.cpp). Delivering anything ends a HLT.
  bool take_interrupt() override;
  // DR0-DR3 instruction breakpoints (cpu/x86/debug.cpp).
  bool exec_trigger_fires() override;
  // INTR with IF set wakes HLT; with IF clear it does not (NMI does). A CPU
  // waiting for SIPI wakes for INIT or SIPI only; one not halted is awake.
  bool wakeup_pending() const override;

  // The INTR pin, driven by the board's interrupt controller (the 8259A pair):
  // a rising level makes the engine look at interrupts at the next block
  // boundary. `inta` is the interrupt-acknowledge cycle: the controller
  // returns the vector of the interrupt it hands the CPU.
  void set_intr(bool level);
  void set_inta(std::function<uint8_t()> inta) { inta_ = std::move(inta); }
  // HLT waits for an interrupt (cleared by delivering one, or a reset).
  bool halted() const { return state_->halted != 0; }

  // The signals a local APIC's messages bring (SDM Vol. 3 §9.4, §10.6.1),
  // from any CPU of the board or a device: each takes effect at this CPU's
  // next block boundary (never inside a block, which may be this CPU's own
  // ICR write). INIT: the reset state (RESET's, x87 and SSE included; no
  // caches or MTRRs to keep), then the BSP runs from the reset vector and an
  // AP waits for a Startup IPI. Startup (SIPI): a CPU waiting for one runs
  // in real mode from CS = vector << 8 (base vector << 12), IP 0; anywhere
  // else it is ignored. NMI: vector 2 whatever IF says, held off from one
  // NMI's delivery to the next IRET (one more stays latched).
  void init(bool bsp);
  void startup(uint8_t vector);
  void nmi();
  // An AP's state after RESET or INIT: halted until a SIPI, deaf to INTR and NMI.
  void wait_for_sipi();
  bool waiting_for_sipi() const { return wait_sipi_; }
  // Real / protected / long mode and the CPL (what "stop on mode switch" compares).
  uint64_t debug_mode() const override;
  std::string disassemble(uint64_t pc) override;
  // -d cpu (cpu/x86/trace.cpp): the registers as QEMU's -d cpu shows them.
  std::string dump_registers() override;
  // Where -d int lines go (none until set).
  void set_log(Log* log) { log_ = log; }

  // mem::Translator (cpu/x86/mmu.cpp)
  bool translate(uint64_t va, unsigned size, mem::AccessType type, unsigned mmu_idx, uint64_t* pa,
                 unsigned* prot) override;
  void raise_fault(uint64_t va, mem::AccessType type, mem::FaultKind kind) override;

  // Delivers interrupt or exception `vector` (cpu/x86/interrupt.cpp): through
  // the IVT in real mode, the IDT in protected and long mode. `return_ip` is
  // the ip the frame holds; `error` an error code or kNoErrorCode; `soft`:
  // INT n/INT3/INTO (the gate's DPL is checked). Faults during delivery
  // become #DF, and a fault during #DF a shutdown (triple fault).
  void interrupt(unsigned vector, uint64_t return_ip, uint64_t error = kNoErrorCode, bool soft = false);
  // A triple fault happened (the board resets or stops).
  bool shutdown() const { return shutdown_; }

 private:
  // Reads up to 15 code bytes at linear `pc`; stops early at a fetch fault.
  size_t fetch(uint64_t pc, uint8_t* out);
  bool deliver(unsigned vector, uint64_t return_ip, uint64_t error, bool soft);
  bool deliver_real(unsigned vector, uint64_t return_ip);
  bool deliver_protected(unsigned vector, uint64_t return_ip, uint64_t error, bool soft);
  bool take_debug_trap();  // cpu/x86/debug_traps.cpp
  unsigned code_mmu() const;
  // -d int: one line per delivery (cpu/x86/trace.cpp).
  void log_interrupt(unsigned vector, uint64_t error, const char* kind);
  bool delivering_irq_ = false;  // take_interrupt() is delivering INTR's vector

  struct StateDeleter {
    void operator()(X86State* p) const;
  };
  std::unique_ptr<X86State, StateDeleter> state_;
  bool shutdown_ = false;
  // INIT, SIPI and wait-for-SIPI (init(), startup()).
  bool init_pending_ = false, init_bsp_ = false, wait_sipi_ = false;
  int sipi_vector_ = -1;  // a SIPI to take at the next boundary
  Log* log_ = nullptr;
  std::function<uint8_t()> inta_;
};

}  // namespace kiln::x86

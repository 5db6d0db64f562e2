// The interface between the engine and a guest CPU frontend. The engine knows
// nothing of any architecture: it asks the CPU for IR, for its mode bits (part
// of the block-cache key), and to deliver exceptions and interrupts.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <unordered_set>

#include "cpu/common/state.h"
#include "ir/ir.h"

namespace kiln::cpu {

class Cpu {
 public:
  virtual ~Cpu() = default;
  virtual StateHeader& state() = 0;
  // Bits the translation of a block depends on besides its address (privilege, FPU on/off...).
  virtual uint64_t mode_bits() const = 0;
  // Physical address of the code at `pc`; false after recording a fetch fault.
  virtual bool code_address(uint64_t pc, uint64_t* pa) = 0;
  // Translates the block at state().pc into `out` (never fails: a fault inside
  // the block becomes IR that raises it). At most `max_insns` instructions.
  virtual void translate_block(ir::Block& out, unsigned max_insns) = 0;
  // Delivers the exception recorded while state().fault was set (pc is the faulting instruction's).
  virtual void take_exception() = 0;
  // Takes a pending, enabled interrupt if there is one; true if taken.
  virtual bool take_interrupt() = 0;
  // True if an interrupt is pending that would wake the CPU from a wait (even
  // if masked), or (x86) the CPU is not waiting at all: a PAUSE's Wfi exit.
  virtual bool wakeup_pending() const = 0;
  // What a debugger's "stop on mode switch" compares (privilege level; x86:
  // real/protected/long mode and CPL). Defaults to the block-cache mode bits.
  virtual uint64_t debug_mode() const { return mode_bits(); }
  // One instruction's disassembly for -d in_asm.
  virtual std::string disassemble(uint64_t pc) = 0;
  // The registers for -d cpu, printed before each block the engine dispatches
  // (empty: this CPU has no dump yet).
  virtual std::string dump_registers() { return {}; }

  // Instruction addresses the CPU must look at before their instruction runs
  // (the guest's own debug triggers, e.g. RISC-V Sdtrig). The engine treats
  // each like a debugger's breakpoint (no block runs over it; no link, region
  // or indirect jump enters it), so it sees every arrival there, on either
  // tier, and asks exec_trigger_fires().
  const std::unordered_set<uint64_t>& exec_triggers() const { return exec_triggers_; }
  // At a pc in exec_triggers(), before its instruction: true after recording
  // the exception taken instead (state().fault set).
  virtual bool exec_trigger_fires() { return false; }
  // Replaces the set; the listener (the engine) hears of each address that
  // joined or left it, and drops what was translated over it.
  void set_exec_triggers(std::unordered_set<uint64_t> pcs) {
    std::unordered_set<uint64_t> old = std::move(exec_triggers_);
    exec_triggers_ = std::move(pcs);
    if (!exec_triggers_changed_) return;
    for (uint64_t pc : old)
      if (!exec_triggers_.count(pc)) exec_triggers_changed_(pc);
    for (uint64_t pc : exec_triggers_)
      if (!old.count(pc)) exec_triggers_changed_(pc);
  }
  void set_exec_trigger_listener(std::function<void(uint64_t pc)> fn) { exec_triggers_changed_ = std::move(fn); }

 private:
  std::unordered_set<uint64_t> exec_triggers_;
  std::function<void(uint64_t pc)> exec_triggers_changed_;
};

}  // namespace kiln::cpu

// The interface between the engine and a guest CPU frontend. The engine knows
// nothing of any architecture: it asks the CPU for IR, for its mode bits (part
// of the block-cache key), and to deliver exceptions and interrupts.
#pragma once
#include <cstdint>
#include <string>

#include "cpu/common/state.h"
#include "ir/ir.h"

namespace kiln::cpu {

class Cpu {
 public:
  virtual ~Cpu() = default;
  virtual StateHeader& state() = 0;
  // Bits the translation of a block depends on besides its address (privilege, FPU on/off...).
  virtual uint32_t mode_bits() const = 0;
  // Physical address of the code at `pc`; false after recording a fetch fault.
  virtual bool code_address(uint64_t pc, uint64_t* pa) = 0;
  // Translates the block at state().pc into `out` (never fails: a fault inside
  // the block becomes IR that raises it). At most `max_insns` instructions.
  virtual void translate_block(ir::Block& out, unsigned max_insns) = 0;
  // Delivers the exception recorded while state().fault was set (pc is the faulting instruction's).
  virtual void take_exception() = 0;
  // Takes a pending, enabled interrupt if there is one; true if taken.
  virtual bool take_interrupt() = 0;
  // True if an interrupt is pending that would wake the CPU from a wait (even if masked).
  virtual bool wakeup_pending() const = 0;
  // What a debugger's "stop on mode switch" compares (privilege level; x86:
  // real/protected/long mode and CPL). Defaults to the block-cache mode bits.
  virtual uint32_t debug_mode() const { return mode_bits(); }
  // One instruction's disassembly for -d in_asm.
  virtual std::string disassemble(uint64_t pc) = 0;
};

}  // namespace kiln::cpu

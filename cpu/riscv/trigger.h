// Sdtrig (RISC-V debug specification 1.0, chapter 5): the trigger module's
// CSRs (tselect, tdata1-3, tinfo) and its address-match triggers, mcontrol
// (type 2) and mcontrol6 (type 6), on execute, load and store, with action 0
// (a breakpoint exception, tval = the address) and timing "before".
//
// Execute triggers reach the engine as the hart's exec_triggers(): it treats
// their addresses like debugger breakpoints, so every arrival at one is seen
// between blocks on both tiers. Load and store triggers are checked by a
// helper that translation puts before each access while the current
// privilege level has one enabled (a bit of the mode bits says so).
#pragma once
#include <cstdint>

#include "cpu/riscv/state.h"
#include "ir/ir.h"

namespace kiln::riscv {

enum TriggerAccess : unsigned { kTriggerLoad = 1, kTriggerStore = 2, kTriggerExec = 4 };  // tdata1 bits 0-2

// True for the CSR numbers of the trigger module (implemented ones only).
bool is_trigger_csr(unsigned csr);
uint64_t trigger_csr_read(const RiscvState* s, unsigned csr);
// A WARL write from M-mode; updates what depends on the triggers.
void trigger_csr_write(RiscvState* s, unsigned csr, uint64_t value);
// Disables every trigger (reset).
void reset_triggers(RiscvState* s);

// Does an enabled trigger for `kinds` fire at privilege `priv` for the
// `size` bytes at `addr`? (Action 0 triggers are suppressed in M-mode while
// mstatus.MIE is 0, and in S-mode while SIE is 0 if breakpoints go to S.)
bool trigger_fires(const RiscvState& s, unsigned kinds, uint64_t addr, unsigned size);

// The helper translation calls before a load or store (a = address,
// b = size | kinds << 8): records the breakpoint exception if a trigger fires.
extern const ir::Helper kTriggerData;

}  // namespace kiln::riscv

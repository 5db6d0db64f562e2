// The x86 debug facilities the guest uses (Intel SDM Vol. 3 ch. 17), as
// cpu/x86/debug_traps.cpp builds them on the engine: TF single-step traps and the
// MOV SS/POP SS shadow, and DR0-DR3 instruction breakpoints.
#pragma once
#include "cpu/x86/decode.h"
#include "ir/ir.h"

namespace kiln::x86 {

// (): marks a single-step trap as due once the block ends (blocks translated
// with TF set run one instruction and start with this call).
extern const ir::Helper kArmStep;
// (linear address, bytes | write << 8): notes the DR0-DR3 data breakpoints the
// access hits (translated before each access while DR7 enables one); the #DB
// trap follows once the instruction is done.
extern const ir::Helper kDataBreakpoint;
// MOV SS and POP SS hold off the single-step trap (and interrupts) until the
// next instruction has run: a TF block then takes both.
bool shadows_next(const Insn& in);
// STI, MOV SS and POP SS: no interrupt before the next instruction is done.
bool holds_off_interrupts(const Insn& in);
// The DR0-DR3 instruction breakpoints (DR7) at linear `pc`, as DR6's B0-B3 bits.
unsigned exec_breakpoints_at(const X86State& s, uint64_t pc);

}  // namespace kiln::x86

// The x86 helpers: host functions called from translated code for work that
// is not worth expressing in IR, each with its declared effects (ir/ir.h).
#pragma once
#include "cpu/x86/state.h"
#include "ir/ir.h"

namespace kiln::x86 {

// () -> the six arithmetic flags from the lazy state (reads cc_*).
extern const ir::Helper kArithFlags;
// (offset, ip): #GP(0) if a word at `offset` would cross the segment's end (286+).
extern const ir::Helper kCheckWordOffset;
// (vector, return ip): raises an exception or software interrupt; always faults.
extern const ir::Helper kRaise;
// (condition, vector, return ip): raises when the condition is nonzero (INTO).
extern const ir::Helper kRaiseIf;
// (op info, 0, 0): one string instruction, with its REP prefix to completion (insn/string.cpp).
extern const ir::Helper kString;
// (dividend, divisor, (width << 1 | signed) | fault ip << 16): #DE if the
// quotient does not fit (or the divisor is 0); otherwise nothing.
extern const ir::Helper kDivideCheck;
// (port, width in bits) -> the value read from the board's port bus.
extern const ir::Helper kPortIn;
// (port, value, width in bits); may end the block (see port_write).
extern const ir::Helper kPortOut;

// Port I/O of `bytes` bytes on the board's bus (X86State::ports; without one
// every port reads as all ones). port_write returns false, having written
// nothing, when the write may end the run (isa-debug-exit) and its instruction
// is not running by itself: the engine then runs it again alone
// (mem::MemContext::rerun_alone), so that nothing after it runs.
uint64_t port_read(X86State& s, uint16_t port, unsigned bytes);
bool port_write(X86State& s, uint16_t port, unsigned bytes, uint64_t value);

}  // namespace kiln::x86

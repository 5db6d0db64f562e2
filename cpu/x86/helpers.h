// The x86 helpers: host functions called from translated code for work that
// is not worth expressing in IR, each with its declared effects (ir/ir.h).
#pragma once
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
// (dividend, divisor, (width << 1 | signed) | fault ip << 16): #DE if the
// quotient does not fit (or the divisor is 0); otherwise nothing.
extern const ir::Helper kDivideCheck;
// (port, width) -> the value read (no devices yet: all ones).
extern const ir::Helper kPortIn;
// (port, value, width)
extern const ir::Helper kPortOut;

}  // namespace kiln::x86

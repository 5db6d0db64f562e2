// The x86 helpers: host functions called from translated code for work that
// is not worth expressing in IR, each with its declared effects (ir/ir.h).
#pragma once
#include "ir/ir.h"

namespace kiln::x86 {

// () -> the six arithmetic flags from the lazy state (reads cc_*).
extern const ir::Helper kArithFlags;
// (vector, return ip): raises an exception or software interrupt; always faults.
extern const ir::Helper kRaise;
// (vector, error code or kNoErrorCode): a fault returning to the faulting instruction.
extern const ir::Helper kRaiseFault;
// (vector, return ip): INT n, INT3, INTO (an IDT gate's DPL is checked against CPL).
extern const ir::Helper kRaiseSoft;
// (condition, vector, return ip): raises when the condition is nonzero (INTO, BOUND).
extern const ir::Helper kRaiseIf;
// (op info, 0, 0): one string instruction, with its REP prefix to completion (insn/string.cpp).
extern const ir::Helper kString;
// (dividend, divisor, (width << 1 | signed) | fault ip << 16): #DE if the
// quotient does not fit (or the divisor is 0); otherwise nothing.
extern const ir::Helper kDivideCheck;
// (offset, segment | bytes << 4 | write << 12): the segment's type and limit
// checks for an access (#GP(0), or #SS(0) through SS).
extern const ir::Helper kCheckSegment;
// (segment, selector): MOV/POP Sreg, LDS... in protected mode (segment.cpp).
extern const ir::Helper kLoadSegment;
// (0): #GP(0) unless CPL <= IOPL (CLI, STI; in virtual-8086 mode PUSHF too).
extern const ir::Helper kCheckIopl;
// (bits POPF may change) -> those the privilege allows (IF only if CPL <=
// IOPL, IOPL only at CPL 0); #GP(0) in virtual-8086 mode below IOPL 3.
extern const ir::Helper kPopfMask;
// (port, bytes): #GP(0) unless CPL <= IOPL (outside virtual-8086 mode) or the
// TSS's I/O permission bitmap allows every port of the access.
extern const ir::Helper kCheckIo;
// (port, width) -> the value read.
extern const ir::Helper kPortIn;
// (port, value, width)
extern const ir::Helper kPortOut;

}  // namespace kiln::x86

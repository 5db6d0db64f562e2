// The x86 helpers: host functions called from translated code for work that
// is not worth expressing in IR, each with its declared effects (ir/ir.h).
#pragma once
#include "cpu/x86/state.h"
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
// (condition, vector [| kErrorCodeZero], return ip): raises when the condition
// is nonzero (INTO, BOUND; #AC(0) with kErrorCodeZero).
extern const ir::Helper kRaiseIf;
constexpr uint64_t kErrorCodeZero = 1u << 8;
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
// (pc of the next instruction): STI; when IF was 0, the next instruction is
// in the interrupt shadow, and a pending INTR raises exit_request.
extern const ir::Helper kSti;
// (port, bytes): #GP(0) unless CPL <= IOPL (outside virtual-8086 mode) or the
// TSS's I/O permission bitmap allows every port of the access.
extern const ir::Helper kCheckIo;
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

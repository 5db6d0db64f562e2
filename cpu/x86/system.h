// The helpers behind the system instructions (cpu/x86/insn/system.cpp):
// control/debug register writes with their checks and side effects, LLDT and
// LTR, the descriptor queries, CPUID, the TSC, MSRs, INVLPG and the fast
// system calls. Implemented in cpu/x86/system_helpers.cpp.
#pragma once
#include "ir/ir.h"

namespace kiln::x86 {

struct Ctx;

extern const ir::Helper kWriteCr;            // (n, value): #GP(0) on reserved bits or a bad combination; #UD for no such CRn
extern const ir::Helper kReadCr;             // (n) -> value
extern const ir::Helper kWriteDr;            // (n, value)
extern const ir::Helper kReadDr;             // (n) -> value
extern const ir::Helper kLoadSystemSegment;  // (0 LDTR / 1 TR, selector)
enum : unsigned { kQueryLar, kQueryLsl, kQueryVerr, kQueryVerw };
extern const ir::Helper kDescriptorQuery;    // (kind, selector) -> valid << 32 | value
extern const ir::Helper kCpuid;              // () : EAX, ECX in; EAX..EDX out
extern const ir::Helper kRdtsc;              // (with TSC_AUX in ECX): EDX:EAX
extern const ir::Helper kRdmsr;              // () : ECX in; EDX:EAX out
extern const ir::Helper kWrmsr;              // () : ECX, EDX:EAX in
extern const ir::Helper kInvlpg;             // (linear address)
extern const ir::Helper kSyscall;            // (return rip) -> new pc
extern const ir::Helper kSysret;             // (opsize) -> new pc
extern const ir::Helper kSysenter;           // () -> new pc
extern const ir::Helper kSysexit;            // (opsize) -> new pc

// MOV to and from control (0F 20/22) and debug (0F 21/23) registers.
bool MOV_CR_DR(Ctx& c, bool to_reg_file, bool debug);

}  // namespace kiln::x86

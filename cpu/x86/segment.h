// Protected-mode segmentation (Intel SDM Vol. 3 ch. 3, 5): descriptor reads,
// the checks of a segment-register load, and the far transfers that change
// CS (JMP/CALL/RET far, IRET) between code segments and privilege levels.
// Everything here runs at run time (helpers and exception delivery); on a
// violation it records the exception (#GP, #NP, #SS, #TS with the
// architectural error code) and reports failure, leaving the state as it was
// before the instruction wherever the manual requires it.
#pragma once
#include <cstdint>

#include "cpu/x86/state.h"
#include "ir/ir.h"

namespace kiln::x86 {

// Linear-address accesses the CPU makes on its own behalf (descriptor
// tables, TSS, interrupt frames): supervisor privilege. False after a fault.
bool sys_read(X86State& s, uint64_t linear, unsigned size, uint64_t* value);
bool sys_write(X86State& s, uint64_t linear, unsigned size, uint64_t value);
// Every store a helper makes goes through here. While a block runs, a store
// into a page holding translated code is abandoned without a guest exception
// (mem::MemContext::rerun_alone); the fault word is set too, so that the tier
// leaves the block at once (the engine then reruns the instruction alone)
// instead of going on with what the helper returned for a failed store.
bool helper_store(X86State& s, uint64_t va, unsigned size, unsigned mmu, uint64_t value);

// The 8-byte descriptor `sel` names (GDT or LDT). False after recording
// #GP(selector) (or `vector`) when it lies outside its table.
bool read_descriptor(X86State& s, uint16_t sel, uint64_t* desc, unsigned vector = kGeneralProtection);
// The cache contents of a code or data descriptor.
Segment segment_of(uint16_t sel, uint64_t desc);
// Sets the accessed bit of a code/data descriptor in memory (when clear).
bool mark_accessed(X86State& s, uint16_t sel, uint64_t desc);

// MOV/POP Sreg, LDS..LSS in protected mode: checks and loads.
bool load_data_segment(X86State& s, unsigned seg, uint16_t sel);
// Loads a segment register the way real and virtual-8086 mode do.
void load_real_segment(X86State& s, unsigned seg, uint16_t sel);

// Sets CS (and the CPL) to a code segment already checked.
void set_code_segment(X86State& s, uint16_t sel, uint64_t desc, unsigned cpl);
// After the CPL dropped (a return to an outer level): data segments the new
// level may not use become null (SDM "RET"/"IRET": DS, ES, FS, GS).
void invalidate_inner_segments(X86State& s);

// The helpers of far transfers in protected mode; each returns the new pc
// (the engine continues there) or 0 after recording a fault.
extern const ir::Helper kFarJump;    // (selector, offset, opsize | next ip << 8)
extern const ir::Helper kFarCall;    // (selector, offset, opsize | next ip << 8)
extern const ir::Helper kFarReturn;  // (opsize | bytes to release << 8)
extern const ir::Helper kNmiUnblock;  // IRET in real mode: NMIs may come again
extern const ir::Helper kIret;       // (opsize | next ip << 8)

// Why a task switch happens: JMP and IRET leave the old task (its busy bit
// clears), CALL and interrupts nest (back link, NT).
enum class TaskReason { Jump, Call, Iret, Interrupt };
// The hardware task switch to the TSS `sel` (cpu/x86/task.cpp). `return_ip`
// is the ip saved in the outgoing TSS; `error` (or kNoErrorCode) is pushed on
// the new task's stack. The new pc, or 0 after recording a fault.
uint64_t task_switch(X86State& s, uint16_t sel, TaskReason why, uint64_t return_ip, uint64_t error = kNoErrorCode);

// The stack pointer in a TSS for privilege level `dpl` (32-bit TSS or the
// 64-bit TSS's RSPn); false after recording #TS.
bool tss_stack(X86State& s, unsigned dpl, uint16_t* ss, uint64_t* sp);

}  // namespace kiln::x86

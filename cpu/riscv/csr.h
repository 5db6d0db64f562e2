// CSR access (Zicsr and the privileged spec's CSR list): permission checks,
// WARL legalisation and derived views (sstatus, sie, sip, fcsr, counters).
#pragma once
#include <cstdint>

#include "cpu/riscv/state.h"

namespace kiln::riscv {

class RiscvCpu;

enum class CsrOp : uint8_t { Write, Set, Clear };

// Performs one CSR instruction. `insn_index` is the instruction's position in
// its block, so counters read mid-block are exact. Returns false (with an
// illegal-instruction exception recorded) when the access is not allowed.
bool csr_access(RiscvState* s, unsigned csr, CsrOp op, bool do_write, uint64_t operand, uint64_t insn_index,
                uint64_t* old_value);

uint64_t read_mstatus(const RiscvState* s);  // with SD, UXL and SXL filled in

}  // namespace kiln::riscv

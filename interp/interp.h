// The IR interpreter: every block starts here. A block's IR is compiled once
// into a compact, pre-resolved form (Code) that a single switch loop executes:
// one handler per (op, width, immediate-operand) with no allocation and no
// virtual call per op. Operands are byte offsets from the CPU state ("env"):
// temporaries live in StateHeader::scratch, and a 64-bit guest register that is
// read or written directly names its own slot in the state, which removes most
// Get/Set copies.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "cpu/common/state.h"
#include "ir/ir.h"

namespace kiln::interp {

struct ICode {
  uint16_t handler;
  uint16_t insn;  // index of the guest instruction (for faults)
  uint32_t dst, a, b, c;
  uint64_t imm;
};

// What run() reads on every block comes first; insn_pc only on a fault. The
// engine keeps a Code in the first cache line of its block record (see engine.h).
struct Code {
  std::vector<ICode> ops;
  std::vector<uint64_t> insn_pc;  // guest pc of each instruction in the block
};

using ExitInfo = cpu::BlockExit;

// Compiles a verified block. Returns nullptr if it needs more temporaries than
// StateHeader::scratch holds (the frontend's block-size limit prevents that).
std::unique_ptr<Code> compile(const ir::Block& b);
ExitInfo run(const Code& code, cpu::StateHeader* env);

}  // namespace kiln::interp

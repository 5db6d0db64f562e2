// RV64GC disassembly for -d in_asm and the debugger: mnemonic from the decode
// table, operands laid out by instruction format, ABI register names.
#pragma once
#include <cstdint>
#include <string>

namespace kiln::riscv {

// `raw` holds a 16-bit instruction in its low half when (raw & 3) != 3.
std::string disassemble(uint32_t raw, uint64_t pc);

}  // namespace kiln::riscv

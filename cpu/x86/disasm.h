// x86 disassembly for -d in_asm and the debugger, by Capstone 4
// (`libcapstone-dev`), in Intel syntax. Kiln's own decoder (decode.h) only
// says what an instruction does; the text shown to people comes from Capstone
// so that a wrong opcode-map row cannot also print itself as right. Capstone
// 4's known misnamings are listed in tests/unit/x86_decode_crosscheck_test.cpp
// (SSE in 16-bit code ignores its mandatory prefix); CBW/CWD are corrected here.
// RISC-V keeps its own disassembler (cpu/riscv/disasm.h): Capstone 4 has none.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace kiln::x86 {

// The instruction in bytes[0, n) as one line: its bytes in hex, then mnemonic
// and operands ("b8 34 12                 mov        ax, 0x1234"). The caller
// prints the address, as for RISC-V. `address` is where the instruction is,
// for branch targets: in 16-bit code the offset in CS (Capstone wraps targets
// at 64 KiB). `bits` is the code size, 16, 32 or 64. Bytes that are not an
// instruction give their first byte and "<illegal>". *len (if not null) is
// the length, 0 for "<illegal>".
std::string disassemble(const uint8_t* bytes, size_t n, uint64_t address, unsigned bits, unsigned* len = nullptr);

}  // namespace kiln::x86

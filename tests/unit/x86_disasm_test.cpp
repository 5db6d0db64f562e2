// x86 disassembly (cpu/x86/disasm.h, by Capstone): one line per instruction
// in 16-, 32- and 64-bit code, branch targets, bytes that are no instruction.
// (`-d in_asm` through the engine: x86_program_test.cpp.)
#include <catch2/catch.hpp>

#include <string>

#include "cpu/x86/disasm.h"

using namespace kiln;
using namespace kiln::x86;

namespace {
// The line without the padding between its columns.
std::string squeeze(const std::string& s) {
  std::string out;
  for (char c : s)
    if (c != ' ' || (!out.empty() && out.back() != ' ')) out += c;
  return out;
}
std::string dis(std::initializer_list<uint8_t> bytes, uint64_t address, unsigned bits, unsigned* len = nullptr) {
  return squeeze(disassemble(bytes.begin(), bytes.size(), address, bits, len));
}
}  // namespace

TEST_CASE("x86 disassembly: bytes, mnemonic and operands in each code size", "[x86]") {
  unsigned len = 0;
  CHECK(dis({0xB8, 0x34, 0x12, 0x00, 0x00}, 0, 16, &len) == "b8 34 12 mov ax, 0x1234");
  CHECK(len == 3);
  CHECK(dis({0xB8, 0x34, 0x12, 0x00, 0x00}, 0, 32, &len) == "b8 34 12 00 00 mov eax, 0x1234");
  CHECK(len == 5);
  CHECK(dis({0x48, 0x89, 0xE5}, 0, 64) == "48 89 e5 mov rbp, rsp");
  CHECK(dis({0xF3, 0xA4}, 0, 16) == "f3 a4 rep movsb byte ptr es:[di], byte ptr [si]");
  CHECK(dis({0xEA, 0x5B, 0xE0, 0x00, 0xF0}, 0xFFF0, 16) == "ea 5b e0 00 f0 ljmp 0xf000:0xe05b");
  // 98/99 named by operand size (Capstone 4 alone says cwde/cdq in 16-bit code).
  CHECK(dis({0x98}, 0, 16) == "98 cbw");
  CHECK(dis({0x66, 0x99}, 0, 16) == "66 99 cdq");
  CHECK(dis({0x66, 0x2E, 0x98}, 0, 32) == "66 2e 98 cbw");
  CHECK(dis({0x99}, 0, 32) == "99 cdq");
  CHECK(dis({0x48, 0x98}, 0, 64) == "48 98 cdqe");
  CHECK(dis({0x48, 0x66, 0x99}, 0, 64) == "48 66 99 cwd");  // a REX not right before the opcode is ignored
  // Branch targets from the address; in 16-bit code they wrap at 64 KiB.
  CHECK(dis({0xEB, 0xFE}, 0x100, 16) == "eb fe jmp 0x100");
  CHECK(dis({0xE9, 0x00, 0x01}, 0xFF00, 16) == "e9 00 01 jmp 3");
  CHECK(dis({0xE8, 0x00, 0x00, 0x00, 0x00}, 0x401000, 32) == "e8 00 00 00 00 call 0x401005");
  // Not an instruction: the first byte and <illegal>; a truncated one likewise.
  CHECK(dis({0x06}, 0, 64, &len) == "06 <illegal>");
  CHECK(len == 0);
  CHECK(dis({0xB8, 0x34}, 0, 16) == "b8 <illegal>");
  CHECK(disassemble(nullptr, 0, 0, 16) == "<illegal>");
}

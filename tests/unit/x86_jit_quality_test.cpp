// Code-quality pins for x86 guest loops under the JIT (see jit_quality_test.cpp
// for what the counts mean and how to update them): the x86-64 instructions
// the JIT emits for a whole one-block loop, and how many of them compare.
// `cmp; jb` and `dec; jnz` each become one host compare and branch (the lazy
// flags folded; x86_test.cpp checks the IR); `add; adc` becomes `add; adc`. The guest registers stay in memory
// for now: x86 blocks declare no register range.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <vector>

#include "cpu/x86/cpu.h"
#include "ir/passes/passes.h"
#include "jit/jit.h"
#include "mem/physmap.h"

using namespace kiln;

namespace {
struct X86Snippet {
  const char* name;
  std::vector<uint8_t> code;  // at 1000:0000, one block that branches back to itself
  unsigned pinned_host_insns;
  // cmp/test instructions in the whole region: one for the guest's branch, the
  // others the JIT's own checks on the back-edge and the exit paths.
  unsigned pinned_compares;
  // An instruction the region must hold, with no helper call (nullptr: not checked; "": only no call): the lazy flags
  // turned into the host's own.
  const char* must_hold = nullptr;
};

// The general registers and the lazy-flag fields stay in host registers in
// native code (X86Cpu's register range): the counts include their loads at
// entry and stores at each exit, while a loop body touches memory for none of
// them (dec/jnz: 21 host instructions per iteration, no loads or stores but the
// engine's exit-request check).
const X86Snippet kX86Snippets[] = {
    // L: add ax,cx; dec cx; jnz L; hlt
    {"x86 dec/jnz loop", {0x01, 0xC8, 0x49, 0x75, 0xFB, 0xF4}, 61, 6},
    // L: inc ax; cmp ax,bx; jb L; hlt
    {"x86 cmp/jb loop", {0x40, 0x39, 0xD8, 0x72, 0xFB, 0xF4}, 54, 6},
    // L: add ax,si; adc dx,di; dec cx; jnz L; hlt (a 32-bit sum in DX:AX): ADC's carry in is ADD's carry out.
    // The carry is CmpLtU(sum, addend) in the IR, which LLVM folds into `addw; adcw`: no flags through memory,
    // no helper. (DEC keeps CF, so ADC's carry out is still computed into the lazy-flag registers.)
    {"x86 add/adc loop", {0x01, 0xF0, 0x11, 0xFA, 0x49, 0x75, 0xF9, 0xF4}, 79, 6, "\tadcw\t"},
    // L: add ax,si; rol ax,3; imul ax,ax,5; dec di; jnz L; hlt (a hash round): ROL by more than 1 keeps OF
    // and so merges into the flags ADD left, but IMUL sets them all: the merge and the helper that
    // materialises ADD's flags for it are dead.
    {"x86 add/rol/imul loop", {0x01, 0xF0, 0xC1, 0xC0, 0x03, 0x6B, 0xC0, 0x05, 0x4F, 0x75, 0xF5, 0xF4}, 69, 7, ""},
    // REP: a block exiting to its own pc while CX != 0 (a native loop), skipping the element when CX == 0.
    // The bulk step is one helper call; movsw on the 286: the #GP check of each word is another.
    {"x86 rep stosb", {0xF3, 0xAA}, 156, 15},
    {"x86 rep movsw", {0xF3, 0xA5}, 223, 19},
};

unsigned count_matching(const std::string& text, bool compares_only) {
  std::istringstream in(text);
  std::string line;
  unsigned n = 0;
  while (std::getline(in, line)) {
    if (line.size() < 2 || line[0] != '\t' || line[1] < 'a' || line[1] > 'z') continue;
    if (!compares_only || line.compare(1, 3, "cmp") == 0 || line.compare(1, 4, "test") == 0) n++;
  }
  return n;
}
}  // namespace

TEST_CASE("JIT code-quality pins: x86 loops", "[jit][quality][x86]") {
  if (!jit::available()) {
    WARN("this build has no JIT: code-quality pins skipped");
    return;
  }
  for (const X86Snippet& s : kX86Snippets) {
    mem::PhysMap map;
    REQUIRE(map.add_ram("ram", 0, 1 << 20));
    REQUIRE(map.write(0x10000, s.code.data(), s.code.size()));
    x86::X86Cpu cpu(map, x86::Model::I286);
    cpu.set_cs_ip(0x1000, 0);
    ir::Block b;
    b.pc = cpu.s().pc;
    b.phys_pc = b.pc;
    b.mode = cpu.mode_bits();
    cpu.translate_block(b, 64);
    REQUIRE(ir::run_passes(b, true).empty());
    std::string error;
    const ir::Block* region[] = {&b};
    std::string text = jit::region_assembly(region, &error);
    INFO(s.name << ": " << error);
    REQUIRE(!text.empty());
    unsigned host = count_matching(text, false), compares = count_matching(text, true);
    INFO(s.name << ": " << host << " x86-64 instructions (pinned " << s.pinned_host_insns << "), " << compares
                << " compares (pinned " << s.pinned_compares << ")\n"
                << ir::print(b) << text);
    CHECK(host == s.pinned_host_insns);
    CHECK(compares == s.pinned_compares);
    if (s.must_hold) {  // and no helper computes the flags instead
      CHECK(text.find(s.must_hold) != std::string::npos);
      CHECK(text.find("\tcall") == std::string::npos);
    }
  }
}

// A hot loop longer than one block (kiln's regions reach 160 guest
// instructions; the boot's multi-precision arithmetic loops are 100-130) gets
// the optimising code generator once it has run long, like a short one: with
// the fast one, every value went through the stack (a 124-instruction loop of
// the i386 kernel ran about twice as slow).
TEST_CASE("JIT code-quality pins: a two-block 102-instruction x86 loop is optimised", "[jit][quality][x86]") {
  if (!jit::available()) {
    WARN("this build has no JIT: code-quality pins skipped");
    return;
  }
  // L: 100 x add ax,cx (the first 64 instructions make one block); dec cx; jnz L; hlt
  std::vector<uint8_t> code;
  for (int i = 0; i < 100; i++) code.insert(code.end(), {0x01, 0xC8});
  code.insert(code.end(), {0x49, 0x75, uint8_t(-(200 + 4)), 0xF4});
  mem::PhysMap map;
  REQUIRE(map.add_ram("ram", 0, 1 << 20));
  REQUIRE(map.write(0x10000, code.data(), code.size()));
  x86::X86Cpu cpu(map, x86::Model::I286);
  ir::Block blocks[2];
  for (int k = 0; k < 2; k++) {
    cpu.set_cs_ip(0x1000, uint16_t(k * 128));
    blocks[k].pc = cpu.s().pc;
    blocks[k].phys_pc = blocks[k].pc;
    blocks[k].mode = cpu.mode_bits();
    cpu.translate_block(blocks[k], 64);
    REQUIRE(ir::run_passes(blocks[k], true).empty());
  }
  REQUIRE(blocks[0].guest_insns + blocks[1].guest_insns == 102);
  const ir::Block* region[] = {&blocks[0], &blocks[1]};
  CHECK(jit::region_worth_optimizing(region));
  std::string error;
  std::string text = jit::region_assembly(region, &error, 3);
  INFO(error);
  REQUIRE(!text.empty());
  // Optimised, the sum stays in a host register: no stack traffic in the loop.
  unsigned stack_refs = 0;
  for (size_t at = text.find("(%rsp)"); at != std::string::npos; at = text.find("(%rsp)", at + 1)) stack_refs++;
  INFO(text);
  CHECK(stack_refs <= 4);
}

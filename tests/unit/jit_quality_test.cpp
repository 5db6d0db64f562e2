// Code-quality pins for the JIT: for a few fixed guest loops, the number of
// x86-64 instructions the JIT emits (jit::region_assembly, for a fixed CPU
// model so the count is the same on every machine). A change in lowering or in
// the LLVM pipeline that makes this code bigger fails here; one that makes it
// smaller fails too, so the improvement is recorded. Update a pin deliberately,
// in the commit that changes the code, saying why: never just to make this pass.
//
// Two counts: the static one (all paths: the hot loop, the softTLB miss calls,
// the exits and chaining) tracks the size of what LLVM has to compile; the
// loop's (from the loop header to the back-edge jump, which is the hot path
// when LLVM places the cold blocks out of line) tracks the code that runs.
#include <catch2/catch.hpp>

#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include "common/log.h"
#include "cpu/riscv/cpu.h"
#include "ir/passes/passes.h"
#include "jit/jit.h"
#include "mem/physmap.h"

using namespace kiln;

namespace {

constexpr uint64_t kBase = 0x80000000;

// Each snippet is a loop; the region is its blocks in the engine's order
// (the head, then the blocks its direct exits reach).
struct Snippet {
  const char* name;
  std::vector<uint32_t> code;          // RV64I, no compressed instructions
  std::vector<uint64_t> block_offsets; // region members, head first
  unsigned pinned_host_insns;
  unsigned pinned_loop_insns;
  // With every member an entry (the engine's first compile of a region): an
  // entry into the middle of a loop makes it irreducible, so LLVM no longer
  // sees a loop (no count of its own) and duplicates exits. Multi-block only.
  unsigned pinned_multi_entry_insns = 0;
};

const Snippet kSnippets[] = {
    // addloop: add a0,a0,a1; addi a1,a1,-1; bnez a1,addloop; ebreak
    {"add loop", {0x00b50533, 0xfff58593, 0xfe059ce3, 0x00100073}, {0}, 44, 8},
    // ldst: ld t0,0(a0); addi t0,t0,1; sd t0,0(a0); addi a0,a0,8; bne a0,a1,ldst; ebreak
    {"load/store loop", {0x00053283, 0x00128293, 0x00553023, 0x00850513, 0xfeb518e3, 0x00100073}, {0}, 97, 23},
    // branchy: andi t0,a0,1; beqz t0,even; addi a2,a2,3; j next;
    //   even: addi a2,a2,-1; next: addi a0,a0,-1; bnez a0,branchy; ebreak
    {"branchy loop",
     {0x00157293, 0x00028663, 0x00360613, 0x0080006f, 0xfff60613, 0xfff50513, 0xfe0514e3, 0x00100073},
     {0x0, 0x10, 0x8, 0x14},
     58, 18, 91},
};

// An instruction line of LLVM's AT&T output: a tab, then a mnemonic.
unsigned count_instructions(const std::string& asm_text) {
  std::istringstream in(asm_text);
  std::string line;
  unsigned n = 0;
  while (std::getline(in, line))
    if (line.size() > 1 && line[0] == '\t' && line[1] >= 'a' && line[1] <= 'z') n++;
  return n;
}

// The instructions from the first loop header (a label LLVM aligns) to the
// last jump back to it.
unsigned count_loop_instructions(const std::string& asm_text) {
  std::vector<std::string> lines;
  std::istringstream in(asm_text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  for (size_t i = 1; i < lines.size(); i++) {
    const std::string& l = lines[i];
    if (l.rfind(".LBB", 0) != 0 || lines[i - 1].find(".p2align") == std::string::npos) continue;
    std::string label = l.substr(0, l.find(':'));
    size_t back = 0;
    for (size_t j = i + 1; j < lines.size(); j++)
      if (lines[j].size() > 2 && lines[j][0] == '\t' && lines[j][1] == 'j' &&
          lines[j].size() >= label.size() && lines[j].compare(lines[j].size() - label.size(), label.size(), label) == 0)
        back = j;
    if (!back) continue;
    unsigned n = 0;
    for (size_t j = i + 1; j <= back; j++)
      if (lines[j].size() > 1 && lines[j][0] == '\t' && lines[j][1] >= 'a' && lines[j][1] <= 'z') n++;
    return n;
  }
  return 0;
}

}  // namespace

TEST_CASE("JIT code-quality pins: host instructions per guest loop", "[jit][quality]") {
  if (!jit::available()) {
    WARN("this build has no JIT: code-quality pins skipped");
    return;
  }
  for (const Snippet& s : kSnippets) {
    mem::PhysMap map;
    REQUIRE(map.add_ram("ram", kBase, 0x10000));
    for (size_t i = 0; i < s.code.size(); i++) REQUIRE(map.write(kBase + 4 * i, &s.code[i], 4));
    Log log;
    riscv::RiscvCpu cpu(map, log, 0);
    cpu.reset(kBase);
    std::vector<ir::Block> blocks(s.block_offsets.size());
    unsigned guest_insns = 0;
    for (size_t k = 0; k < blocks.size(); k++) {
      ir::Block& b = blocks[k];
      cpu.s().pc = kBase + s.block_offsets[k];
      b.pc = cpu.s().pc;
      b.phys_pc = b.pc;
      b.mode = cpu.mode_bits();
      cpu.translate_block(b, 64);
      REQUIRE(ir::run_passes(b, true).empty());
      guest_insns += b.guest_insns;
    }
    std::vector<const ir::Block*> region;
    for (const ir::Block& b : blocks) region.push_back(&b);
    std::string error;
    std::string text = jit::region_assembly(region, &error);
    INFO(s.name << ": " << error);
    REQUIRE(!text.empty());
    unsigned host = count_instructions(text);
    unsigned loop = count_loop_instructions(text);
    INFO(s.name << ": " << host << " x86-64 instructions (pinned " << s.pinned_host_insns << "), " << loop
                << " in the loop (pinned " << s.pinned_loop_insns << ") for " << guest_insns
                << " guest instructions (" << double(loop) / guest_insns << " per guest instruction)\n"
                << text);
    CHECK(host == s.pinned_host_insns);
    CHECK(loop == s.pinned_loop_insns);
    if (region.size() > 1) {
      std::string multi = jit::region_assembly(region, &error, (1u << region.size()) - 1);
      INFO(s.name << " with every member an entry: " << count_instructions(multi) << " (pinned "
                  << s.pinned_multi_entry_insns << ")\n" << multi);
      CHECK(count_instructions(multi) == s.pinned_multi_entry_insns);
    }
  }
}

// Fuzz target: the RISC-V frontend (cpu/riscv decode and translate) and the
// IR checks behind it. The input is guest code at the start of RAM; its first
// byte picks the privilege level, whether the FPU is on and MPRV, whether
// Sv39 is on (the root page table is the last page of RAM, the input's
// bytes, with RAM's gigapage mapped to itself) and whether the code then runs. The block translated from it must pass the IR
// verifier, as must the result of every pass; then (if picked) the engine
// runs a bounded number of blocks in the interpreter, with the verifier on,
// from that code into whatever it jumps to or traps into.
//
// One hart and engine serve every input (building a hart zeroes megabytes
// of softTLB): each input starts from the hart's architectural state as
// constructed, an empty block cache and RAM holding only the input.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "cpu/riscv/cpu.h"
#include "engine/engine.h"
#include "ir/ir.h"
#include "ir/passes/passes.h"
#include "tests/fuzz/fuzz_util.h"

using namespace kiln;

namespace {

constexpr uint64_t kRam = 0x80000000, kRamSize = 64 << 10;

void check(const std::string& err, const char* where, const ir::Block& b) {
  if (!err.empty()) fuzz::fail(std::string("IR ") + where + " fails verification: " + err, ir::print(b));
}

struct Rig {
  Log log;
  mem::PhysMap map;
  riscv::RiscvCpu* cpu = nullptr;
  engine::Engine* engine = nullptr;
  std::vector<uint8_t> pristine;  // RiscvState from x[] on, as constructed

  Rig() {
    if (!map.add_ram("ram", kRam, kRamSize)) fuzz::fail("cannot map RAM");
    cpu = new riscv::RiscvCpu(map, log, 0);
    engine = new engine::Engine(*cpu, map, log, engine::Options{64, /*verify_ir=*/true});
    pristine.assign(arch_state(), arch_state() + arch_size());
  }
  uint8_t* arch_state() { return reinterpret_cast<uint8_t*>(&cpu->s().x[0]); }
  static size_t arch_size() { return sizeof(riscv::RiscvState) - offsetof(riscv::RiscvState, x); }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 3) return 0;
  static Rig& rig = *new Rig;  // never destroyed: the process exits with it
  const uint8_t opts = data[0];
  static std::vector<uint8_t> ram(kRamSize);
  std::fill(ram.begin(), ram.end(), 0);
  std::memcpy(ram.data(), data + 1, std::min<size_t>(size - 1, kRamSize));
  if (!rig.map.write(kRam, ram.data(), ram.size())) fuzz::fail("RAM write");
  std::memcpy(rig.arch_state(), rig.pristine.data(), rig.pristine.size());
  riscv::RiscvCpu& cpu = *rig.cpu;
  cpu.reset(kRam);
  rig.engine->flush_all();

  riscv::RiscvState& s = cpu.s();
  static constexpr uint64_t kPriv[4] = {riscv::kPrivU, riscv::kPrivS, riscv::kPrivM, riscv::kPrivM};
  s.priv = kPriv[opts & 3];
  if (opts & 4) s.mstatus |= riscv::mstatus::FS;
  if (opts & 8) s.mstatus |= riscv::mstatus::MPRV | kPriv[opts >> 4 & 3] << riscv::mstatus::MPP_SHIFT;
  s.pmpaddr[0] = ~0ull >> 10;  // PMP entry 0: all of memory, RWX, NAPOT (so S and U may fetch)
  s.pmpcfg[0] = 0x1f;
  if (opts & 0x80) {
    const uint64_t root = kRam + kRamSize - 4096;
    const uint64_t pte = (kRam >> 12) << 10 | 0xcf | (s.priv == riscv::kPrivU ? 0x10 : 0);  // V R W X A D [U]
    if (!rig.map.write(root + 8 * (kRam >> 30), &pte, 8)) fuzz::fail("RAM write");
    s.satp = 8ull << 60 | root >> 12;
  }
  s.mem.flush_tlb();

  uint64_t pa;
  if (!cpu.code_address(s.pc, &pa)) return 0;
  ir::Block b;
  b.pc = s.pc;
  b.phys_pc = pa;
  b.mode = cpu.mode_bits();
  cpu.translate_block(b, 64);
  check(ir::verify(b), "from the frontend", b);
  check(ir::run_passes(b, true), "after a pass", b);

  if (opts & 0x40) (void)rig.engine->run_for(64);
  return 0;
}

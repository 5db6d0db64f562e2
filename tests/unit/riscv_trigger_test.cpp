// Sdtrig execute triggers through the engine, on the paths a guest program
// cannot take (tests/insn/riscv/sdtrig.S covers the rest on both tiers): a
// trigger the debugger writes through the CSR registers drops the cached
// block running over it, and a single step onto a trigger is the
// breakpoint trap.
#include <catch2/catch.hpp>

#include <vector>

#include "common/log.h"
#include "cpu/riscv/cpu.h"
#include "cpu/riscv/debug.h"
#include "engine/engine.h"
#include "mem/physmap.h"

using namespace kiln;

namespace {

constexpr uint64_t kRam = 0x80000000, kHandler = kRam + 0x100;
constexpr uint32_t kAddiA0 = 0x00150513;  // addi a0, a0, 1
constexpr uint32_t kSpin = 0x0000006f;    // jal zero, 0
constexpr unsigned kA0 = 10, kCsrReg = 65;  // gdb's register numbers: x10, CSR n at 65 + n
constexpr uint64_t kExecM = 2ull << 60 | 1u << 6 | 1u << 2;  // mcontrol: M-mode, execute

struct TriggerRig {
  Log log;
  mem::PhysMap map;
  std::unique_ptr<riscv::RiscvCpu> cpu;
  std::unique_ptr<engine::Engine> eng;
  std::unique_ptr<riscv::RiscvDebugTarget> target;

  TriggerRig() {
    REQUIRE(map.add_ram("ram", kRam, 1 << 16));
    cpu = std::make_unique<riscv::RiscvCpu>(map, log, 0);
    eng = std::make_unique<engine::Engine>(*cpu, map, log, engine::Options{64, /*verify_ir=*/true});
    target = std::make_unique<riscv::RiscvDebugTarget>(*cpu);
    std::vector<uint32_t> code{kAddiA0, kAddiA0, kAddiA0, kSpin};
    REQUIRE(map.write(kRam, code.data(), 4 * code.size()));
    REQUIRE(map.write(kHandler, &kSpin, 4));
    cpu->s().mtvec = kHandler;
    cpu->s().mstatus |= riscv::mstatus::MIE;  // M-mode triggers fire only while MIE is set
  }
  void set_csr(unsigned csr, uint64_t v) {
    std::vector<uint8_t> bytes(8);
    for (unsigned i = 0; i < 8; i++) bytes[i] = uint8_t(v >> (8 * i));
    REQUIRE(target->write_register(kCsrReg + csr, bytes));
  }
  void restart() {
    cpu->s().pc = kRam;
    cpu->s().x[kA0] = 0;
  }
};

}  // namespace

TEST_CASE("Sdtrig: a trigger written by the debugger stops a cached block before it", "[riscv][trigger]") {
  TriggerRig r;
  r.eng->run_for(10);  // translated and cached without triggers, now spinning
  CHECK(r.cpu->s().x[kA0] == 3);
  r.set_csr(0x7a2, kRam + 8);  // tdata2
  r.set_csr(0x7a1, kExecM);    // tdata1
  r.restart();
  r.eng->run_for(10);
  riscv::RiscvState& s = r.cpu->s();
  CHECK(s.x[kA0] == 2);
  CHECK(s.mcause == riscv::kBreakpoint);
  CHECK(s.mepc == kRam + 8);
  CHECK(s.mtval == kRam + 8);
  CHECK(s.pc == kHandler);
  r.set_csr(0x7a1, 0);  // disabled: the block may run through again
  r.restart();
  s.mstatus |= riscv::mstatus::MIE;
  r.eng->run_for(10);
  CHECK(s.x[kA0] == 3);
}

TEST_CASE("Sdtrig: a single step onto a trigger is the breakpoint trap", "[riscv][trigger]") {
  TriggerRig r;
  r.set_csr(0x7a2, kRam + 4);
  r.set_csr(0x7a1, kExecM);
  riscv::RiscvState& s = r.cpu->s();
  CHECK(r.eng->step(false) == engine::DebugStop::None);
  CHECK(s.pc == kRam + 4);
  CHECK(r.eng->step(false) == engine::DebugStop::None);  // the trap, not the instruction
  CHECK(s.pc == kHandler);
  CHECK(s.x[kA0] == 1);
  CHECK(s.mepc == kRam + 4);
  CHECK(s.mcause == riscv::kBreakpoint);
}

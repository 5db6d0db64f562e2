// The engine's block cache on a real RISC-V hart, without files: RAM at
// 0x80000000, hand-assembled machine code written straight into it, and a tiny
// MMIO "stop" device whose write ends Engine::run() with the written value.
// Covered: self-modifying code (the next execution runs the new instruction),
// fence.i ending its block without flushing, cache hits not translating again,
// and the debugger's hooks (breakpoints inside blocks, exact single steps with
// interrupts held, watchpoints stopping before the access) with the RISC-V
// DebugTarget (registers, side-effect-free memory through Sv39), and the
// virtual clock leaving out the time excluded from it (translation).
#include <catch2/catch.hpp>

#include <chrono>
#include <cstring>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "common/log.h"
#include "cpu/riscv/cpu.h"
#include "cpu/riscv/debug.h"
#include "engine/engine.h"
#include "mem/physmap.h"

using namespace kiln;

namespace {

// ---- a few RV64I encodings (each checked against riscv64-unknown-elf-as below)
enum Reg : uint32_t { zero = 0, ra = 1, t0 = 5, t1 = 6, t2 = 7, a0 = 10, a1 = 11, t4 = 29 };
uint32_t enc_i(uint32_t op, uint32_t f3, uint32_t rd, uint32_t rs1, int32_t imm) {
  return uint32_t(imm & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op;
}
uint32_t enc_s(uint32_t f3, uint32_t rs1, uint32_t rs2, int32_t imm) {
  uint32_t u = uint32_t(imm);
  return (u >> 5 & 0x7f) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | (u & 0x1f) << 7 | 0x23;
}
uint32_t enc_b(uint32_t f3, uint32_t rs1, uint32_t rs2, int32_t off) {
  uint32_t u = uint32_t(off);
  return (u >> 12 & 1) << 31 | (u >> 5 & 0x3f) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | (u >> 1 & 0xf) << 8 |
         (u >> 11 & 1) << 7 | 0x63;
}
uint32_t enc_j(uint32_t rd, int32_t off) {
  uint32_t u = uint32_t(off);
  return (u >> 20 & 1) << 31 | (u >> 1 & 0x3ff) << 21 | (u >> 11 & 1) << 20 | (u >> 12 & 0xff) << 12 | rd << 7 |
         0x6f;
}
uint32_t addi(uint32_t rd, uint32_t rs1, int32_t imm) { return enc_i(0x13, 0, rd, rs1, imm); }
uint32_t sw(uint32_t rs2, int32_t off, uint32_t rs1) { return enc_s(2, rs1, rs2, off); }
uint32_t sd(uint32_t rs2, int32_t off, uint32_t rs1) { return enc_s(3, rs1, rs2, off); }
uint32_t blt(uint32_t rs1, uint32_t rs2, int32_t off) { return enc_b(4, rs1, rs2, off); }
uint32_t jal(uint32_t rd, int32_t off) { return enc_j(rd, off); }
uint32_t jalr(uint32_t rd, uint32_t rs1, int32_t imm) { return enc_i(0x67, 0, rd, rs1, imm); }
constexpr uint32_t kFenceI = 0x0000100f;  // fence.i

constexpr uint64_t kRam = 0x80000000;
constexpr uint64_t kStopAddr = 0x10000000;

constexpr uint64_t kPowerOffAddr = 0x10001000;

// Writing to it stops the engine with the value written (at the end of the block).
class StopDevice : public mem::MmioDevice {
 public:
  engine::Engine* engine = nullptr;
  mem::AccessRules rules(uint64_t) const override { return {}; }
  uint64_t read(uint64_t, unsigned) override { return 0; }
  void write(uint64_t, unsigned, uint64_t value) override { engine->request_stop(int(value)); }
};

// The same, declared as a device whose writes may stop the CPU (as
// sifive_test and HTIF are): the CPU stops right after the store.
class PowerOffDevice : public StopDevice {
 public:
  unsigned writes = 0;
  mem::AccessRules rules(uint64_t) const override { return {.write_may_stop = true}; }
  void write(uint64_t offset, unsigned size, uint64_t value) override {
    writes++;
    StopDevice::write(offset, size, value);
  }
};

// The spike-like machine, minus files and HTIF.
struct Rig {
  Log log;
  mem::PhysMap map;
  StopDevice stop;
  PowerOffDevice power_off;
  std::unique_ptr<riscv::RiscvCpu> cpu;
  std::unique_ptr<engine::Engine> eng;

  Rig() {
    REQUIRE(map.add_ram("ram", kRam, 1 << 20));
    REQUIRE(map.add_mmio("stop", kStopAddr, 8, &stop));
    REQUIRE(map.add_mmio("power-off", kPowerOffAddr, 8, &power_off));
    cpu = std::make_unique<riscv::RiscvCpu>(map, log, 0);
    eng = std::make_unique<engine::Engine>(*cpu, map, log, engine::Options{64, /*verify_ir=*/true});
    stop.engine = eng.get();
    power_off.engine = eng.get();
    cpu->s().x[t2] = kStopAddr;
  }
  void put(uint64_t addr, const std::vector<uint32_t>& words) {
    REQUIRE(map.write(addr, words.data(), 4 * words.size()));
  }
  uint32_t word(uint64_t addr) {
    uint32_t w = 0;
    REQUIRE(map.read(addr, &w, 4));
    return w;
  }
  // Runs until the guest writes the stop device (or a 10 s watchdog fires: -1).
  int run() {
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
    std::thread watchdog([&] {
      std::unique_lock<std::mutex> lock(mu);
      if (!cv.wait_for(lock, std::chrono::seconds(10), [&] { return done; })) eng->request_stop(-1);
    });
    int code = eng->run();
    {
      std::lock_guard<std::mutex> lock(mu);
      done = true;
    }
    cv.notify_all();
    watchdog.join();
    return code;
  }
};

}  // namespace

TEST_CASE("hand encoders match the assembler", "[engine][encoding]") {
  // Expected words from riscv64-unknown-elf-as -march=rv64gc (.option norvc).
  CHECK(addi(a0, a0, 1) == 0x00150513);
  CHECK(addi(a0, a0, 0x100) == 0x10050513);
  CHECK(addi(a1, a1, 1) == 0x00158593);
  CHECK(sw(t1, 0, t0) == 0x0062a023);
  CHECK(blt(a1, t4, 0) == 0x01d5c063);
  CHECK(blt(a0, t4, -4) == 0xffd54ee3);
  CHECK(sd(a0, 0, t2) == 0x00a3b023);
  CHECK(jal(zero, 0) == 0x0000006f);
  CHECK(jal(zero, 0xfc) == 0x0fc0006f);
  CHECK(jalr(zero, ra, 0) == 0x00008067);  // ret
}

TEST_CASE("self-modifying code: the next execution runs the new instruction", "[engine][smc]") {
  Rig r;
  SECTION("an instruction of the running loop rewrites itself") {
    r.put(kRam, {
                    addi(a0, a0, 1),  // 0x00: becomes addi a0,a0,0x100 after the first pass
                    addi(a1, a1, 1),  // 0x04: pass counter
                    sw(t1, 0, t0),    // 0x08: overwrite the instruction at 0x00 (same page, same block)
                    blt(a1, t4, -12), // 0x0c: two passes
                    sd(a0, 0, t2),    // 0x10: stop(a0)
                    jal(zero, 0),     // 0x14: spin until the engine stops
                });
    r.cpu->s().x[t0] = kRam;
    r.cpu->s().x[t1] = addi(a0, a0, 0x100);
    r.cpu->s().x[t4] = 2;
    int code = r.run();
    CHECK(code == 0x101);  // pass 1 ran the old instruction (+1), pass 2 the new one (+0x100)
    CHECK(r.cpu->s().x[a1] == 2);
    CHECK(r.word(kRam) == addi(a0, a0, 0x100));
    CHECK(r.eng->stats().invalidations >= 1);
    // The loop block was translated twice (before and after the rewrite), plus the tail; and the first
    // pass's store into the running block's own code is abandoned and rerun as a block of its own, after
    // which the rest of the loop (the branch) is a block too, which the second pass's store leaves alone.
    CHECK(r.eng->stats().blocks_translated == 4);
  }
  SECTION("a store beside code on its page keeps that code; one into code drops only the blocks over it") {
    r.put(kRam, {
                    jal(ra, 0x180),         // 0x00: call g        (a0 += 1)
                    jal(ra, 0x100 - 0x04),  // 0x04: call f        (a0 += 1)
                    sw(t1, 0, t0),          // 0x08: a data word beside the code
                    jal(ra, 0x100 - 0x0c),  // 0x0c: call f again  (a0 += 1, still cached)
                    sw(t1, 0, a1),          // 0x10: rewrite g's first instruction
                    jal(ra, 0x180 - 0x14),  // 0x14: call g again  (a0 += 0x100)
                    sd(a0, 0, t2),          // 0x18: stop(a0)
                    jal(zero, 0),           // 0x1c: spin
                });
    r.put(kRam + 0x100, {addi(a0, a0, 1), jalr(zero, ra, 0)});  // f
    r.put(kRam + 0x180, {addi(a0, a0, 1), jalr(zero, ra, 0)});  // g
    r.cpu->s().x[t0] = kRam + 0x200;
    r.cpu->s().x[a1] = kRam + 0x180;
    r.cpu->s().x[t1] = addi(a0, a0, 0x100);
    CHECK(r.run() == 0x103);
    CHECK(r.word(kRam + 0x200) == addi(a0, a0, 0x100));
    CHECK(r.eng->stats().invalidations == 1);       // the store into g, not the one beside the code
    CHECK(r.eng->stats().blocks_invalidated == 1);  // g's block alone
  }
  SECTION("a store rewrites a cached block elsewhere (same page or the next one)") {
    const int32_t f = GENERATE(0x100, 0x1000);  // the subroutine's offset from kRam
    r.put(kRam, {
                    jal(ra, f),       // 0x00: call f          (a0 += 1)
                    sw(t1, 0, t0),    // 0x04: rewrite f's first instruction
                    jal(ra, f - 8),   // 0x08: call f again    (a0 += 0x100)
                    sd(a0, 0, t2),    // 0x0c: stop(a0)
                    jal(zero, 0),     // 0x10: spin
                });
    r.put(kRam + f, {
                        addi(a0, a0, 1),  // f: replaced by addi a0,a0,0x100
                        jalr(zero, ra, 0) // ret
                    });
    r.cpu->s().x[t0] = kRam + f;
    r.cpu->s().x[t1] = addi(a0, a0, 0x100);
    uint64_t inval0 = r.eng->stats().invalidations;
    int code = r.run();
    INFO("f at +" << f);
    CHECK(code == 0x101);
    CHECK(r.eng->stats().invalidations > inval0);
  }
}

TEST_CASE("fence.i ends the block and keeps valid translations", "[engine][fence_i]") {
  // Stores into translated code invalidate precisely, so fence.i has nothing
  // to drop: it only ends the block so that the next fetch sees memory as is.
  Rig r;
  r.put(kRam, {
                  addi(a0, a0, 1),  // 0x000: block A
                  jal(zero, 0xfc),  // 0x004: -> 0x100
              });
  r.put(kRam + 0x100, {
                          kFenceI,         // 0x100: block B, ends at the fence
                          sd(a0, 0, t2),   // 0x104: block C: stop(a0)
                          jal(zero, 0),    // 0x108
                      });
  int code = r.run();
  CHECK(code == 1);
  CHECK(r.eng->stats().blocks_translated == 3);
  CHECK(r.eng->cached_blocks() == 3);

  r.eng->flush_all();
  CHECK(r.eng->cached_blocks() == 0);
}

TEST_CASE("a block cache hit does not translate again", "[engine][cache]") {
  Rig r;
  r.put(kRam, {
                  addi(a0, a0, 1),  // 0x00: loop body
                  blt(a0, t4, -4),  // 0x04: while (a0 < t4)
                  sd(a0, 0, t2),    // 0x08: stop(a0)
                  jal(zero, 0),     // 0x0c
              });
  r.cpu->s().x[t4] = 100;
  int code = r.run();
  CHECK(code == 100);
  CHECK(r.eng->stats().blocks_translated == 2);  // the loop block once, the tail once
  CHECK(r.eng->stats().blocks_executed >= 101);
  CHECK(r.eng->cached_blocks() == 2);
  CHECK(r.eng->stats().invalidations == 0);
  CHECK(r.cpu->s().insns_retired >= 200);
}

TEST_CASE("a write that may stop the CPU stops it right after the store", "[engine][stop]") {
  Rig r;
  riscv::RiscvState& s = r.cpu->s();
  s.x[t1] = kPowerOffAddr;
  SECTION("sd") {
    r.put(kRam, {
                    addi(a0, a0, 1),    // 0x00
                    sd(a0, 0, t1),      // 0x04: power off with 1
                    addi(a0, a0, 0x100),  // 0x08: must not run
                    sd(a0, 0, t2),      // 0x0c: stop(0x101): must not happen
                    jal(zero, 0),
                });
    CHECK(r.run() == 1);
    CHECK(s.pc == kRam + 8);  // the store completed, nothing after it
    CHECK(s.x[a0] == 1);
    CHECK(s.insns_retired == 2);
    CHECK(r.power_off.writes == 1);
  }
  SECTION("sc.d") {
    constexpr uint32_t kLrD = 0x1003352f, kScD = 0x18a33e2f;  // lr.d a0,(t1); sc.d t3,a0,(t1)
    r.put(kRam, {kLrD, addi(a0, zero, 7), kScD, addi(a0, a0, 0x100), sd(a0, 0, t2), jal(zero, 0)});
    CHECK(r.run() == 7);
    CHECK(s.pc == kRam + 12);
    CHECK(s.x[28] == 0);  // the sc succeeded: the reservation outlived the abandoned first try
    CHECK(s.x[a0] == 7);
    CHECK(r.power_off.writes == 1);
  }
  CHECK(s.fault == 0);
  CHECK_FALSE(s.mem.rerun_alone);
  CHECK_FALSE(s.mem.single_insn);
}

TEST_CASE("debugger: a breakpoint inside a block stops before it", "[engine][debug]") {
  Rig r;
  r.put(kRam, {addi(a0, a0, 1), addi(a0, a0, 1), addi(a0, a0, 1), sd(a0, 0, t2), jal(zero, 0)});
  CHECK(r.run() == 3);  // translated and cached without breakpoints
  engine::DebugState dbg;
  r.eng->set_debug(&dbg);
  r.cpu->s().pc = kRam;
  r.cpu->s().x[a0] = 0;
  uint64_t insns0 = r.cpu->s().insns_retired;
  dbg.breakpoints.insert(kRam + 8);
  r.eng->breakpoint_changed(kRam + 8);  // the cached block runs over it: dropped
  CHECK(r.eng->run_for(0) == engine::Engine::SliceEnd::Debug);
  CHECK(r.eng->debug_stop() == engine::DebugStop::Breakpoint);
  CHECK(r.cpu->s().pc == kRam + 8);
  CHECK(r.cpu->s().x[a0] == 2);
  CHECK(r.cpu->s().insns_retired == insns0 + 2);
  dbg.breakpoints.clear();
  r.eng->breakpoint_changed(kRam + 8);
  CHECK(r.run() == 3);
  r.eng->set_debug(nullptr);
}

// The interpreter links each block's direct exits to their successors (same
// page), so the next dispatch skips the lookup. Linked blocks dropped (here by
// a breakpoint, which today drops the whole page) must be looked up again, and
// the breakpoint seen, before and after it goes. Should a drop ever take a
// single block, a stale link into it is a use after free under ASan.
TEST_CASE("interpreter links: a dropped successor is looked up again", "[engine][links]") {
  Rig r;
  r.put(kRam, {
                  addi(a1, a1, 1),   // 0x00: A, pass counter
                  jal(zero, 8),      // 0x04: A -> B (exit 0)
                  addi(a0, a0, 7),   // 0x08: never run
                  addi(a0, a0, 1),   // 0x0c: B
                  blt(a1, t4, -16),  // 0x10: B -> A while a1 < t4
                  sd(a0, 0, t2),     // 0x14: stop(a0)
                  jal(zero, 0),
              });
  r.cpu->s().x[t4] = 3;
  CHECK(r.run() == 3);  // A and B linked to each other
  engine::DebugState dbg;
  r.eng->set_debug(&dbg);
  r.cpu->s().pc = kRam;
  r.cpu->s().x[a0] = r.cpu->s().x[a1] = 0;
  dbg.breakpoints.insert(kRam + 0xc);
  r.eng->breakpoint_changed(kRam + 0xc);  // B goes
  CHECK(r.eng->run_for(0) == engine::Engine::SliceEnd::Debug);
  CHECK(r.cpu->s().pc == kRam + 0xc);
  CHECK(r.cpu->s().x[a1] == 1);
  dbg.breakpoints.clear();
  r.eng->breakpoint_changed(kRam + 0xc);  // the B translated meanwhile goes too
  r.eng->set_debug(nullptr);
  CHECK(r.run() == 3);
}

TEST_CASE("debugger: a step is one instruction, interrupts held unless asked", "[engine][debug]") {
  Rig r;
  r.put(kRam, {addi(a0, a0, 1), addi(a0, a0, 1), addi(a0, a0, 1)});
  riscv::RiscvState& s = r.cpu->s();
  s.mtvec = kRam + 0x100;
  s.mstatus |= riscv::mstatus::MIE;
  s.mie = 1u << 7;
  r.cpu->set_mip(7, true);  // a machine timer interrupt is pending
  CHECK(r.eng->step(false) == engine::DebugStop::None);
  CHECK(s.pc == kRam + 4);
  CHECK(s.x[a0] == 1);
  CHECK(s.insns_retired == 1);
  CHECK(r.eng->step(true) == engine::DebugStop::None);  // the interrupt is taken: the step ends at the handler
  CHECK(s.pc == kRam + 0x100);
  CHECK(s.x[a0] == 1);
  CHECK(s.mcause == (riscv::kInterruptBit | 7));
}

TEST_CASE("debugger: a watchpoint stops before the access, in any alignment", "[engine][debug]") {
  Rig r;
  r.put(kRam, {sd(a0, 0, t0), sd(a0, 0, t2), jal(zero, 0)});
  riscv::RiscvState& s = r.cpu->s();
  s.x[t0] = kRam + 0x800;
  s.x[a0] = 0x1122334455667788;
  CHECK(r.run() == 0x55667788);  // the stop device keeps 32 bits; the data page is now in the softTLB
  uint64_t zero64 = 0;
  REQUIRE(r.map.write(kRam + 0x800, &zero64, 8));
  engine::DebugState dbg;
  r.eng->set_debug(&dbg);
  SECTION("a read watchpoint ignores the store") {
    dbg.watch.ranges.push_back({kRam + 0x805, 3, 2});
    r.eng->watchpoints_changed();
    s.pc = kRam;
    CHECK(r.run() == 0x55667788);
  }
  SECTION("a write watchpoint on 1 odd byte inside the stored doubleword") {
    dbg.watch.ranges.push_back({kRam + 0x805, 1, 1});
    r.eng->watchpoints_changed();
    s.pc = kRam;
    CHECK(r.eng->run_for(0) == engine::Engine::SliceEnd::Debug);
    CHECK(r.eng->debug_stop() == engine::DebugStop::Watchpoint);
    CHECK(s.pc == kRam);  // at the store, which has not happened
    CHECK(s.fault == 0);
    uint64_t v = 1;
    REQUIRE(r.map.read(kRam + 0x800, &v, 8));
    CHECK(v == 0);
    CHECK(dbg.watch.hit_addr == kRam + 0x805);
    CHECK(dbg.watch.hit_kind == 1);
    // Stepping it again stops again; suppressed, it completes.
    CHECK(r.eng->step(false) == engine::DebugStop::Watchpoint);
    dbg.watch.suppressed = true;
    CHECK(r.eng->step(false) == engine::DebugStop::None);
    dbg.watch.suppressed = false;
    dbg.watch.hit = false;
    REQUIRE(r.map.read(kRam + 0x800, &v, 8));
    CHECK(v == 0x1122334455667788);
    CHECK(s.pc == kRam + 4);
  }
  r.eng->set_debug(nullptr);
}

TEST_CASE("debugger: a watchpoint stops an sc.d before its store, keeping the reservation", "[engine][debug]") {
  Rig r;
  constexpr uint32_t kLrD = 0x1002b32f, kScD = 0x18a2be2f;  // lr.d t1,(t0); sc.d t3,a0,(t0)
  r.put(kRam, {kLrD, kScD, sd(a0, 0, t2), jal(zero, 0)});
  riscv::RiscvState& s = r.cpu->s();
  s.x[t0] = kRam + 0x800;
  s.x[a0] = 77;
  s.x[28] = 99;  // t3
  engine::DebugState dbg;
  r.eng->set_debug(&dbg);
  dbg.watch.ranges.push_back({kRam + 0x800, 8, 1});
  r.eng->watchpoints_changed();
  CHECK(r.eng->run_for(0) == engine::Engine::SliceEnd::Debug);
  CHECK(r.eng->debug_stop() == engine::DebugStop::Watchpoint);
  CHECK(s.pc == kRam + 4);
  CHECK(s.fault == 0);
  CHECK(s.reservation == kRam + 0x800);
  CHECK(s.x[28] == 99);
  dbg.watch.hit = false;
  dbg.watch.suppressed = true;
  CHECK(r.eng->step(false) == engine::DebugStop::None);
  dbg.watch.suppressed = false;
  CHECK(s.x[28] == 0);  // the sc succeeded
  uint64_t v = 0;
  REQUIRE(r.map.read(kRam + 0x800, &v, 8));
  CHECK(v == 77);
  r.eng->set_debug(nullptr);
}

TEST_CASE("RISC-V debug target: registers, and memory through Sv39 without side effects", "[debug][riscv]") {
  Rig r;
  riscv::RiscvState& s = r.cpu->s();
  riscv::RiscvDebugTarget t(*r.cpu);
  auto u64 = [](const std::vector<uint8_t>& b) {
    uint64_t v = 0;
    for (size_t i = 0; i < b.size(); i++) v |= uint64_t(b[i]) << (8 * i);
    return v;
  };
  std::vector<uint8_t> b;
  REQUIRE(t.write_register(5, {0x34, 0x12}));
  REQUIRE(t.read_register(5, &b));
  CHECK(u64(b) == 0x1234);
  REQUIRE(t.write_register(0, {1, 0, 0, 0, 0, 0, 0, 0}));
  REQUIRE(t.read_register(0, &b));
  CHECK(u64(b) == 0);  // x0 stays zero
  REQUIRE(t.write_register(65 + 1, {0x1f}));  // fflags
  REQUIRE(t.write_register(65 + 2, {3}));     // frm
  REQUIRE(t.read_register(65 + 3, &b));       // fcsr
  CHECK(b.size() == 4);
  CHECK(u64(b) == 0x7f);
  CHECK_FALSE(t.write_register(65 + 4096, {2, 0, 0, 0, 0, 0, 0, 0}));  // priv 2 is reserved
  CHECK_FALSE(t.read_register(9999, &b));
  REQUIRE(t.read_register(65 + 0xf14, &b));  // mhartid, through the CSR path
  CHECK(u64(b) == 0);

  // VA 0x40000000 -> PA kRam + 0x20000 through a three-level Sv39 table, A and D clear.
  const uint64_t root = kRam + 0x10000, l1 = kRam + 0x11000, l0 = kRam + 0x12000, page = kRam + 0x20000;
  auto pte = [&](uint64_t at, uint64_t v) { REQUIRE(r.map.write(at, &v, 8)); };
  pte(root + 8 * 1, (l1 >> 12) << 10 | 1);
  pte(l1, (l0 >> 12) << 10 | 1);
  pte(l0, (page >> 12) << 10 | 1 | 2 | 4);
  uint32_t data = 0xcafef00d;
  REQUIRE(r.map.write(page + 0x10, &data, 4));
  s.satp = 8ull << 60 | (root >> 12);
  s.priv = riscv::kPrivS;
  uint8_t buf[4] = {};
  REQUIRE(t.read_memory(cpu::AddrSpace::Virtual, 0x40000010, buf, 4));
  CHECK(std::memcmp(buf, &data, 4) == 0);
  uint64_t leaf = 0;
  REQUIRE(r.map.read(l0, &leaf, 8));
  CHECK((leaf & (64 | 128)) == 0);  // no A/D update
  CHECK(s.fault == 0);
  CHECK_FALSE(t.read_memory(cpu::AddrSpace::Virtual, 0x40001000, buf, 4));  // unmapped: an error, no guest fault
  CHECK(s.fault == 0);
  CHECK_FALSE(t.read_memory(cpu::AddrSpace::Virtual, 0x40000ffe, buf, 4));  // crosses into the unmapped page
  const uint8_t w[2] = {0xaa, 0xbb};
  REQUIRE(t.write_memory(cpu::AddrSpace::Virtual, 0x40000ffe, w, 2));
  REQUIRE(r.map.read(page + 0xffe, buf, 2));
  CHECK((buf[0] == 0xaa && buf[1] == 0xbb));
  CHECK_FALSE(t.read_memory(cpu::AddrSpace::Physical, kStopAddr, buf, 4));  // device memory is refused
  REQUIRE(t.read_memory(cpu::AddrSpace::Physical, page + 0x10, buf, 4));
  CHECK(std::memcmp(buf, &data, 4) == 0);
  std::string out;
  REQUIRE(t.monitor("walk 0x40000010", &out));
  CHECK(out.find("level 0: PTE at 0x80012000") != std::string::npos);
  CHECK(out.find("0x40000010 -> 0x80020010") != std::string::npos);
  out.clear();
  REQUIRE(t.monitor("walk 0x40001000", &out));
  CHECK(out.find("is not mapped") != std::string::npos);
  CHECK_FALSE(t.monitor("frobnicate", &out));
  CHECK(t.mode_name() == "S (supervisor)");
}

TEST_CASE("the virtual clock leaves out the host time excluded from it", "[engine][clock]") {
  engine::EventLoop events;
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const uint64_t before = events.now_ns();
  CHECK(before >= 20'000'000);
  events.exclude(10'000'000);  // as Engine::translate does with the time it took
  const uint64_t after = events.now_ns();
  CHECK(after < before);
  CHECK(after + 10'000'000 >= before);
}

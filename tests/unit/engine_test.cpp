// The engine's block cache on a real RISC-V hart, without files: RAM at
// 0x80000000, hand-assembled machine code written straight into it, and a tiny
// MMIO "stop" device whose write ends Engine::run() with the written value.
// Covered: self-modifying code (the next execution runs the new instruction),
// fence.i ending its block without flushing, and cache hits not translating again.
#include <catch2/catch.hpp>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "common/log.h"
#include "cpu/riscv/cpu.h"
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

// Writing to it stops the engine with the value written.
class StopDevice : public mem::MmioDevice {
 public:
  engine::Engine* engine = nullptr;
  uint64_t read(uint64_t, unsigned) override { return 0; }
  void write(uint64_t, unsigned, uint64_t value) override { engine->request_stop(int(value)); }
};

// The spike-like machine, minus files and HTIF.
struct Rig {
  Log log;
  mem::PhysMap map;
  StopDevice stop;
  std::unique_ptr<riscv::RiscvCpu> cpu;
  std::unique_ptr<engine::Engine> eng;

  Rig() {
    REQUIRE(map.add_ram("ram", kRam, 1 << 20));
    REQUIRE(map.add_mmio("stop", kStopAddr, 8, &stop));
    cpu = std::make_unique<riscv::RiscvCpu>(map, log, 0);
    eng = std::make_unique<engine::Engine>(*cpu, map, log, engine::Options{64, /*verify_ir=*/true});
    stop.engine = eng.get();
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
    // The loop block was translated twice (before and after the rewrite), plus the tail.
    CHECK(r.eng->stats().blocks_translated == 3);
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

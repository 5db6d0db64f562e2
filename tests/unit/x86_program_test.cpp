// Small real-mode programs run by the x86 CPU through the engine (the path
// the machine uses) under the interpreter and the JIT: loops, near calls,
// INT/IRET through the IVT, REP MOVSB, CMP/Jcc, PUSHF/POPF, a far call.
#include <catch2/catch.hpp>

#include <cstring>
#include <memory>

#include "common/log.h"
#include "cpu/x86/cpu.h"
#include "cpu/x86/flags.h"
#include "engine/engine.h"
#include "jit/jit.h"
#include "mem/physmap.h"

using namespace kiln;
using namespace kiln::x86;

namespace {
struct Machine {
  Log log;
  mem::PhysMap map;
  uint8_t* ram = nullptr;
  std::unique_ptr<jit::Jit> jit;
  std::unique_ptr<X86Cpu> cpu;
  std::unique_ptr<engine::Engine> engine;

  explicit Machine(bool use_jit) {
    REQUIRE(map.add_ram("ram", 0, 1 << 20).ok());
    ram = map.host_ptr(0, 1 << 20);
    cpu = std::make_unique<X86Cpu>(map, Model::I8086);
    engine::Options o;
    if (use_jit) {
      std::string error;
      jit = jit::create(&error);
      o.jit = jit.get();
      o.jit_threshold = o.jit_straight_threshold = 1;
      o.jit_sync = true;
    }
    engine = std::make_unique<engine::Engine>(*cpu, map, log, o);
  }
  void put(uint32_t addr, std::initializer_list<uint8_t> bytes) { std::memcpy(ram + addr, bytes.begin(), bytes.size()); }
  // Runs from cs:0 until HLT.
  void run(uint16_t cs) {
    cpu->set_cs_ip(cs, 0);
    for (int i = 0; i < 1000; i++)
      if (engine->run_for(1) == engine::Engine::SliceEnd::Idle) return;
    FAIL_CHECK("no HLT reached");
  }
  uint16_t reg(unsigned r) { return uint16_t(cpu->s().gpr[r]); }
};
}  // namespace

TEST_CASE("x86 programs: loop, call, int/iret, rep movsb, cmp/jcc, pushf/popf, far call", "[x86]") {
  for (bool use_jit : {false, true}) {
    if (use_jit && !jit::available()) continue;
    INFO((use_jit ? "jit" : "interp"));
    Machine m(use_jit);
    X86Cpu& cpu = *m.cpu;
    cpu.set_sreg(SS, 0x2000);
    cpu.s().gpr[SP] = 0x100;
    cpu.set_sreg(DS, 0x3000);
    cpu.set_sreg(ES, 0x3000);
    // IVT[0x40] -> 1000:0030: add ax,7; iret
    m.put(0x40 * 4, {0x30, 0x00, 0x00, 0x10});
    m.put(0x10030, {0x83, 0xC0, 0x07, 0xCF});
    m.put(0x10000, {
                       0xB9, 0x05, 0x00,  // 00 mov cx,5
                       0x31, 0xC0,        // 03 xor ax,ax
                       0x01, 0xC8,        // 05 L: add ax,cx
                       0xE2, 0xFC,        // 07 loop L
                       0xE8, 0x0A, 0x00,  // 09 call 0x16
                       0xCD, 0x40,        // 0C int 40h
                       0xA3, 0x00, 0x00,  // 0E mov [0],ax
                       0xF4,              // 11 hlt
                       0x90, 0x90, 0x90, 0x90,
                       0x05, 0xE8, 0x03,  // 16 add ax,1000
                       0xC3,              // 19 ret
                   });
    m.run(0x1000);
    CHECK(m.reg(AX) == 15 + 1000 + 7);
    CHECK(m.ram[0x30000] == 0xFE);
    CHECK(m.ram[0x30001] == 0x03);
    CHECK(m.reg(SP) == 0x100);
    CHECK(cpu.ip() == 0x12);

    // rep movsb; cmp/jb; pushf/popf keep the flags; a far call and retf
    std::memcpy(m.ram + 0x30000, "kiln", 4);
    m.put(0x40000, {
                       0xBE, 0x00, 0x00,              // 00 mov si,0
                       0xBF, 0x10, 0x00,              // 03 mov di,0x10
                       0xB9, 0x04, 0x00,              // 06 mov cx,4
                       0xFC,                          // 09 cld
                       0xF3, 0xA4,                    // 0A rep movsb
                       0xB8, 0x07, 0x00,              // 0C mov ax,7
                       0x3D, 0x09, 0x00,              // 0F cmp ax,9
                       0x9C,                          // 12 pushf
                       0x31, 0xDB,                    // 13 xor bx,bx (ZF=1, CF=0)
                       0x9D,                          // 15 popf
                       0x72, 0x02,                    // 16 jb +2 (taken: CF from the cmp)
                       0xB0, 0xFF,                    // 18 mov al,0xff
                       0x9A, 0x00, 0x00, 0x00, 0x50,  // 1A call far 5000:0000
                       0xF4,                          // 1F hlt
                   });
    m.put(0x50000, {0x43, 0xCB});  // inc bx; retf
    m.run(0x4000);
    CHECK(std::memcmp(m.ram + 0x30010, "kiln", 4) == 0);
    CHECK(m.reg(CX) == 0);
    CHECK(m.reg(SI) == 4);
    CHECK(m.reg(DI) == 0x14);
    CHECK(m.reg(AX) == 7);
    CHECK(m.reg(BX) == 1);
    CHECK(cpu.s().seg[CS].selector == 0x4000);
    CHECK(cpu.ip() == 0x20);
    CHECK(m.reg(SP) == 0x100);
  }
}

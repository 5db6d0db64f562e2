// Small real-mode programs run by the x86 CPU through the engine (the path
// the machine uses) under the interpreter and the JIT: loops, near calls,
// INT/IRET through the IVT, REP MOVSB, CMP/Jcc, PUSHF/POPF, a far call; the
// 186 additions on the 286: PUSHA/POPA, IMUL with an immediate, BOUND, INS;
// and the -d in_asm trace (Capstone's disassembly) of such a program; EFLAGS.AC
// on the 386 and 486, and real-mode near branches past CS's limit.
// REP string instructions (IR loops: CX = 0, DF = 1, REPE/REPNE stopping early,
// a fault mid-way, and a long REP that the engine sees element by element).
// INTR raised mid-block: taken at the block boundary, not inside MOV SS's shadow.
// A local APIC behind IA32_APIC_BASE and CPUID.1 (cpu/x86/apic_link.h).
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "common/log.h"
#include "cpu/x86/apic_link.h"
#include "cpu/x86/cpu.h"
#include "cpu/x86/flags.h"
#include "engine/engine.h"
#include "jit/jit.h"
#include "loader_test_util.h"
#include "mem/physmap.h"
#include "mem/port_space.h"

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

  explicit Machine(bool use_jit, Model model = Model::I8086) {
    REQUIRE(map.add_ram("ram", 0, 1 << 20).ok());
    ram = map.host_ptr(0, 1 << 20);
    cpu = std::make_unique<X86Cpu>(map, model);
    engine::Options o;
    o.verify_ir = true;
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
  // Runs from cs:0 until HLT (a REP string instruction takes a slice per element in the interpreter).
  void run(uint16_t cs, int max_slices = 1000) {
    cpu->set_cs_ip(cs, 0);
    for (int i = 0; i < max_slices; i++)
      if (engine->run_for(1) == engine::Engine::SliceEnd::Idle) return;
    FAIL_CHECK("no HLT reached");
  }
  // Goes on from where the CPU is until HLT.
  void run_on(int max_slices) {
    for (int i = 0; i < max_slices; i++)
      if (engine->run_for(1) == engine::Engine::SliceEnd::Idle) return;
    FAIL_CHECK("no HLT reached");
  }
  uint16_t flags() { return uint16_t(read_flags(cpu->s())); }
  uint16_t reg(unsigned r) { return uint16_t(cpu->s().gpr[r]); }
};
}  // namespace

namespace {
// A local APIC as the CPU sees one: the base MSR and an ID.
class FakeApic final : public ApicLink {
 public:
  uint64_t base_msr() const override { return base; }
  bool read_msr(uint32_t msr, uint64_t* v) override {
    if (msr != kBaseMsr) return false;
    *v = base;
    return true;
  }
  bool write_msr(uint32_t msr, uint64_t v) override {
    if (msr != kBaseMsr) return false;
    writes.push_back(v);
    base = v;
    return true;
  }
  uint8_t cr8() const override { return 0; }
  void write_cr8(uint8_t) override {}
  uint8_t id() const override { return 3; }
  uint64_t base = 0xfee00900;
  std::vector<uint64_t> writes;
};
}  // namespace

TEST_CASE("x86 local APIC link: RDMSR/WRMSR 0x1B reach it, CPUID.1 reports its ID and enable bit", "[x86][apic]") {
  for (bool use_jit : {false, true}) {
    Machine m(use_jit, Model::Pentium);  // the Pentium has no MSR 0x1B of its own: only with an APIC
    FakeApic apic;
    m.cpu->s().apic = &apic;
    m.put(0x1000, {0x66, 0xB8, 0x01, 0x00, 0x00, 0x00,  // mov eax, 1
                   0x0F, 0xA2,                          // cpuid
                   0x66, 0x89, 0xDF,                    // mov edi, ebx
                   0x66, 0x89, 0xD5,                    // mov ebp, edx
                   0x66, 0xB9, 0x1B, 0x00, 0x00, 0x00,  // mov ecx, 0x1b
                   0x0F, 0x32,                          // rdmsr
                   0x66, 0x89, 0xC6,                    // mov esi, eax
                   0x66, 0xB8, 0x00, 0x01, 0xE0, 0xFE,  // mov eax, 0xfee00100: disabled
                   0x0F, 0x30,                          // wrmsr
                   0x66, 0xB8, 0x01, 0x00, 0x00, 0x00,  // mov eax, 1
                   0x0F, 0xA2,                          // cpuid
                   0xF4});
    m.run(0x100);
    const X86State& s = m.cpu->s();
    CHECK(uint32_t(s.gpr[DI]) >> 24 == 3);
    CHECK((s.gpr[BP] & (1u << 9)) != 0);
    CHECK(uint32_t(s.gpr[SI]) == 0xfee00900);
    CHECK(apic.writes == std::vector<uint64_t>{0xfee00100});
    CHECK((s.gpr[DX] & (1u << 9)) == 0);  // disabled: CPUID no longer reports it
  }
}

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

TEST_CASE("x86 programs: PUSHA/POPA, IMUL Gv,Ev,I, INS, page-crossing words and BOUND on the 286", "[x86]") {
  for (bool use_jit : {false, true}) {
    if (use_jit && !jit::available()) continue;
    INFO((use_jit ? "jit" : "interp"));
    Machine m(use_jit, Model::I286);
    X86Cpu& cpu = *m.cpu;
    cpu.set_sreg(SS, 0x2000);
    cpu.s().gpr[SP] = 0x100;
    cpu.set_sreg(DS, 0x3000);
    cpu.set_sreg(ES, 0x3000);
    m.put(0x10000, {
                       0xB8, 0x34, 0x12,        // 00 mov ax,0x1234
                       0xBB, 0x78, 0x56,        // 03 mov bx,0x5678
                       0x60,                    // 06 pusha
                       0x31, 0xC0,              // 07 xor ax,ax
                       0x31, 0xDB,              // 09 xor bx,bx
                       0x61,                    // 0B popa
                       0x6B, 0xCB, 0xFD,        // 0C imul cx,bx,-3
                       0x69, 0xD0, 0x10, 0x00,  // 0F imul dx,ax,0x10
                       0xBF, 0x20, 0x00,        // 13 mov di,0x20
                       0x6C,                    // 16 insb
                       0xF4,                    // 17 hlt
                   });
    m.run(0x1000);
    CHECK(m.reg(AX) == 0x1234);
    CHECK(m.reg(BX) == 0x5678);
    CHECK(m.reg(SP) == 0x100);
    CHECK(m.reg(CX) == uint16_t(0x5678 * -3));
    CHECK(m.reg(DX) == 0x2340);
    CHECK((read_flags(cpu.s()) & (fl::CF | fl::OF)) == (fl::CF | fl::OF));  // 0x12340 did not fit
    CHECK(m.ram[0x20000 + 0x100 - 10] == 0x00);  // the SP pushed: 0x0100
    CHECK(m.ram[0x20000 + 0x100 - 9] == 0x01);
    CHECK(m.ram[0x30020] == 0xFF);  // a port reads as all ones
    CHECK(m.reg(DI) == 0x21);

    // Words across a 4 KiB page boundary: mov ax,[0x0FFF]; mov [0x1FFF],ax; hlt
    m.put(0x30FFF, {0xCD, 0xAB});
    m.put(0x70000, {0xA1, 0xFF, 0x0F, 0xA3, 0xFF, 0x1F, 0xF4});
    m.run(0x7000);
    CHECK(m.reg(AX) == 0xABCD);
    CHECK(m.ram[0x31FFF] == 0xCD);
    CHECK(m.ram[0x32000] == 0xAB);

    // BOUND ax,[0x100] with bounds 0..0x1000 and ax = 0x1234: #BR, which returns to the BOUND.
    m.put(0x30100, {0x00, 0x00, 0x00, 0x10});
    m.put(5 * 4, {0x00, 0x00, 0x00, 0x60});
    m.put(0x60000, {0xBE, 0x01, 0x00, 0xF4});  // mov si,1; hlt
    m.put(0x40000, {0x62, 0x06, 0x00, 0x01, 0xF4});
    m.run(0x4000);
    CHECK(m.reg(SI) == 1);
    CHECK(m.reg(SP) == 0x100 - 6);
    CHECK(m.ram[0x20000 + 0x100 - 6] == 0x00);  // the pushed ip: the BOUND's
    CHECK(m.ram[0x20000 + 0x100 - 4] == 0x00);  // the pushed cs: 0x4000
    CHECK(m.ram[0x20000 + 0x100 - 3] == 0x40);
  }
}

TEST_CASE("x86 programs: a word at offset 0xFFFF wraps on the 8086 and raises #GP on the 286", "[x86]") {
  for (Model model : {Model::I8086, Model::I286}) {
    INFO((model == Model::I8086 ? "8086" : "286"));
    Machine m(false, model);
    X86Cpu& cpu = *m.cpu;
    cpu.set_sreg(SS, 0x2000);
    cpu.s().gpr[SP] = 0x100;
    cpu.set_sreg(DS, 0x3000);
    m.put(0x3FFFF, {0x34});  // DS:FFFF
    m.put(0x30000, {0x12});  // DS:0000
    m.put(0x40000, {0xA1, 0xFF, 0xFF, 0xF4});  // mov ax,[0xFFFF]; hlt
    m.put(13 * 4, {0x00, 0x00, 0x00, 0x60});   // #GP -> 6000:0000: mov si,1; hlt
    m.put(0x60000, {0xBE, 0x01, 0x00, 0xF4});
    cpu.s().gpr[AX] = 0;
    m.run(0x4000);
    if (model == Model::I8086) {
      CHECK(m.reg(AX) == 0x1234);
      CHECK(m.reg(SI) == 0);
    } else {
      CHECK(m.reg(AX) == 0);
      CHECK(m.reg(SI) == 1);
      CHECK(m.ram[0x20000 + 0x100 - 6] == 0x00);  // returns to the faulting mov
      CHECK(m.ram[0x20000 + 0x100 - 5] == 0x00);
    }
  }
}

TEST_CASE("x86 programs: -d in_asm shows Capstone's text, real-mode branch targets as offsets in CS", "[x86]") {
  for (bool use_jit : {false, true}) {
    if (use_jit && !jit::available()) continue;
    INFO((use_jit ? "jit" : "interp"));
    test::TempFile log_file({});
    std::string text;
    {
      Machine m(use_jit, Model::I286);
      REQUIRE(m.log.open_file(log_file.path));
      m.log.set_mask(kLogInAsm);
      // 1000:0000: mov ax,1234h; jmp short 10h; (nops); 10: hlt
      std::memset(m.ram + 0x10000, 0x90, 0x10);
      m.put(0x10000, {0xB8, 0x34, 0x12, 0xEB, 0x0B});
      m.put(0x10010, {0xF4});
      m.run(0x1000);
      CHECK(m.reg(AX) == 0x1234);
      std::fflush(m.log.stream());
      std::ifstream in(log_file.path);
      text.assign(std::istreambuf_iterator<char>(in), {});
    }
    // Columns are padded: compare with runs of spaces squeezed to one.
    std::string squeezed;
    for (char c : text)
      if (c != ' ' || squeezed.empty() || squeezed.back() != ' ') squeezed += c;
    CHECK(squeezed.find(" 0x0000000000010000: b8 34 12 mov ax, 0x1234\n") != std::string::npos);
    CHECK(squeezed.find(" 0x0000000000010003: eb 0b jmp 0x10\n") != std::string::npos);
    CHECK(squeezed.find(" 0x0000000000010010: f4 hlt\n") != std::string::npos);
  }
}

namespace {
// A program at 1000:0000 over data at 3000:0000 (DS = ES), SS:SP = 2000:0100.
void string_setup(Machine& m) {
  m.cpu->set_sreg(SS, 0x2000);
  m.cpu->s().gpr[SP] = 0x100;
  m.cpu->set_sreg(DS, 0x3000);
  m.cpu->set_sreg(ES, 0x3000);
}
}  // namespace

TEST_CASE("x86 REP string instructions: CX = 0, DF = 1, REPE/REPNE stopping early", "[x86][string]") {
  for (bool use_jit : {false, true}) {
    if (use_jit && !jit::available()) continue;
    INFO((use_jit ? "jit" : "interp"));
    Machine m(use_jit);
    X86Cpu& cpu = *m.cpu;
    string_setup(m);

    SECTION("rep movsb and rep cmpsb with CX = 0 do nothing, flags included") {
      std::memcpy(m.ram + 0x30000, "abcd", 4);
      m.put(0x10000, {
                         0x31, 0xC9,        // xor cx,cx (ZF=1)
                         0xBE, 0x00, 0x00,  // mov si,0
                         0xBF, 0x10, 0x00,  // mov di,0x10
                         0xF3, 0xA4,        // rep movsb
                         0xF3, 0xA6,        // repe cmpsb ("a" vs 0: would clear ZF)
                         0xF4,              // hlt
                     });
      m.run(0x1000);
      CHECK(m.reg(SI) == 0);
      CHECK(m.reg(DI) == 0x10);
      CHECK(m.ram[0x30010] == 0);
      CHECK((m.flags() & fl::ZF) != 0);
      CHECK(cpu.ip() == 0x0D);
    }
    SECTION("rep stosw with DF = 1 fills downwards") {
      m.put(0x10000, {
                         0xB8, 0x34, 0x12,  // mov ax,0x1234
                         0xBF, 0x20, 0x00,  // mov di,0x20
                         0xB9, 0x03, 0x00,  // mov cx,3
                         0xFD,              // std
                         0xF3, 0xAB,        // rep stosw
                         0xF4,              // hlt
                     });
      m.run(0x1000);
      for (unsigned a : {0x1C, 0x1E, 0x20}) {
        INFO("offset " << a);
        CHECK(m.ram[0x30000 + a] == 0x34);
        CHECK(m.ram[0x30001 + a] == 0x12);
      }
      CHECK(m.ram[0x3001A] == 0);
      CHECK(m.ram[0x30022] == 0);
      CHECK(m.reg(DI) == 0x1A);
      CHECK(m.reg(CX) == 0);
    }
    SECTION("repe cmpsb stops at the first difference") {
      std::memcpy(m.ram + 0x30000, "kilnXabc", 8);
      std::memcpy(m.ram + 0x30010, "kilnYabc", 8);
      m.put(0x10000, {
                         0xBE, 0x00, 0x00,  // mov si,0
                         0xBF, 0x10, 0x00,  // mov di,0x10
                         0xB9, 0x08, 0x00,  // mov cx,8
                         0xFC,              // cld
                         0xF3, 0xA6,        // repe cmpsb
                         0xF4,              // hlt
                     });
      m.run(0x1000);
      CHECK(m.reg(CX) == 3);  // five compared, the fifth differing
      CHECK(m.reg(SI) == 5);
      CHECK(m.reg(DI) == 0x15);
      CHECK((m.flags() & fl::ZF) == 0);
      CHECK((m.flags() & fl::CF) != 0);  // 'X' < 'Y'
    }
    SECTION("repne scasb stops at the byte it looks for") {
      std::memcpy(m.ram + 0x30000, "find the z here", 15);
      m.put(0x10000, {
                         0xB0, 'z',         // mov al,'z'
                         0xBF, 0x00, 0x00,  // mov di,0
                         0xB9, 0x0F, 0x00,  // mov cx,15
                         0xFC,              // cld
                         0xF2, 0xAE,        // repne scasb
                         0xF4,              // hlt
                     });
      m.run(0x1000);
      CHECK(m.reg(DI) == 10);  // just past the 'z' at 9
      CHECK(m.reg(CX) == 5);
      CHECK((m.flags() & fl::ZF) != 0);
    }
  }
}

TEST_CASE("x86 REP: a fault mid-way leaves CX/DI at the faulting element", "[x86][string]") {
  for (bool use_jit : {false, true}) {
    if (use_jit && !jit::available()) continue;
    INFO((use_jit ? "jit" : "interp"));
    Machine m(use_jit, Model::I286);
    string_setup(m);
    m.put(13 * 4, {0x00, 0x00, 0x00, 0x60});  // #GP -> 6000:0000: hlt
    m.put(0x60000, {0xF4});
    m.put(0x10000, {
                       0xBF, 0xF9, 0xFF,  // mov di,0xFFF9
                       0xB9, 0x0A, 0x00,  // mov cx,10
                       0xFC,              // cld
                       0xF3, 0xAB,        // rep stosw: FFF9, FFFB, FFFD, then a word at FFFF (#GP)
                       0xF4,
                   });
    m.cpu->s().gpr[AX] = 0xBEEF;
    m.run(0x1000);
    CHECK(m.reg(CX) == 7);
    CHECK(m.reg(DI) == 0xFFFF);
    CHECK(m.ram[0x3FFFD] == 0xEF);
    CHECK(m.ram[0x3FFFE] == 0xBE);
    CHECK(m.ram[0x20000 + 0x100 - 6] == 0x07);  // the return ip: the rep stosw itself
    CHECK(m.ram[0x20000 + 0x100 - 5] == 0x00);
  }
}

TEST_CASE("x86 REP: a long REP is interruptible", "[x86][string]") {
  for (bool use_jit : {false, true}) {
    if (use_jit && !jit::available()) continue;
    INFO((use_jit ? "jit" : "interp"));
    Machine m(use_jit);
    string_setup(m);
    // repe scasb over 60 KiB of zeros, one element per dispatch (interpreter)
    // or per back-edge of the native loop, which stops at its chaining budget.
    m.put(0x10000, {
                       0x30, 0xC0,        // xor al,al
                       0xBF, 0x00, 0x00,  // mov di,0
                       0xB9, 0x00, 0xF0,  // mov cx,0xF000
                       0xFC,              // cld
                       0xF3, 0xAE,        // repe scasb
                       0xF4,              // hlt
                   });
    m.cpu->set_cs_ip(0x1000, 0);
    for (int i = 0; i < 4; i++) CHECK(m.engine->run_for(1) == engine::Engine::SliceEnd::Budget);
    CHECK(m.reg(CX) > 0);
    CHECK(m.reg(CX) < 0xF000);
    CHECK(m.reg(DI) == 0xF000 - m.reg(CX));
    CHECK(m.cpu->ip() == 9);  // at the repe scasb, to go on with the rest
    m.run_on(0x20000);
    CHECK(m.reg(CX) == 0);
    CHECK(m.reg(DI) == 0xF000);
  }
  // rep stosb's bulk step stops at each page: the interpreter still sees the loop page by page.
  Machine m(false);
  string_setup(m);
  m.put(0x10000, {0xB0, 0xAA, 0xBF, 0x00, 0x00, 0xB9, 0x00, 0xF0, 0xFC, 0xF3, 0xAA, 0xF4});  // as above, rep stosb
  m.cpu->set_cs_ip(0x1000, 0);
  for (int i = 0; i < 4; i++) CHECK(m.engine->run_for(1) == engine::Engine::SliceEnd::Budget);
  CHECK(m.reg(CX) > 0);
  m.run_on(1000);
  CHECK(m.reg(CX) == 0);
  CHECK(m.ram[0x30000] == 0xAA);
  CHECK(m.ram[0x3EFFF] == 0xAA);
  CHECK(m.ram[0x3F000] == 0);
}

TEST_CASE("x86 REP MOVS/STOS bulk step: overlap, pages, direction", "[x86][string]") {
  for (bool use_jit : {false, true}) {
    if (use_jit && !jit::available()) continue;
    for (Model model : {Model::I8086, Model::I286}) {
      INFO((use_jit ? "jit " : "interp ") << (model == Model::I8086 ? "8086" : "286"));
      Machine m(use_jit, model);
      string_setup(m);
      for (unsigned i = 0; i < 0x10000; i++) m.ram[0x30000 + i] = uint8_t(i * 7 + (i >> 8));
      std::vector<uint8_t> before(m.ram + 0x30000, m.ram + 0x40000);
      m.put(0x10000, {
                         0xBE, 0x00, 0x01,  // mov si,0x100
                         0xBF, 0x01, 0x01,  // mov di,0x101
                         0xB9, 0x2C, 0x01,  // mov cx,300
                         0xFC,              // cld
                         0xF3, 0xA4,        // rep movsb: overlapping, repeats the byte at 0x100
                         0xBE, 0xFE, 0x2F,  // mov si,0x2FFE
                         0xBF, 0xFE, 0x8F,  // mov di,0x8FFE
                         0xB9, 0x00, 0x10,  // mov cx,0x1000
                         0xFD,              // std
                         0xF3, 0xA5,        // rep movsw: 8 KiB downwards, across pages
                         0xF4,              // hlt
                     });
      m.run(0x1000, 200);  // 4396 elements: the bulk step does most of them a page at a time
      for (unsigned a = 0x101; a < 0x22D; a++) {
        INFO("offset " << a);
        REQUIRE(m.ram[0x30000 + a] == before[0x100]);
      }
      CHECK(m.ram[0x3022D] == before[0x22D]);
      for (unsigned a = 0; a < 0x2000; a++) {
        INFO("offset " << a);
        REQUIRE(m.ram[0x37000 + a] == before[0x1000 + a]);
      }
      CHECK(m.ram[0x36FFF] == before[0x6FFF]);
      CHECK(m.reg(SI) == 0x0FFE);
      CHECK(m.reg(DI) == 0x6FFE);
      CHECK(m.reg(CX) == 0);
    }
  }
}

namespace {
// A port whose write raises the CPU's INTR (an interrupt arriving mid-block).
class RaiseIntr final : public mem::PortDevice {
 public:
  explicit RaiseIntr(X86Cpu& cpu) : cpu_(cpu) {}
  mem::AccessRules rules(uint64_t) const override { return {.min_size = 1, .max_size = 1}; }
  uint64_t read(uint64_t, unsigned) override { return 0; }
  void write(uint64_t, unsigned, uint64_t) override { cpu_.set_intr(true); }

 private:
  X86Cpu& cpu_;
};
}  // namespace

TEST_CASE("x86 INTR: taken at a block boundary, never inside MOV SS's shadow", "[x86][intr]") {
  for (bool use_jit : {false, true}) {
    if (use_jit && !jit::available()) continue;
    INFO((use_jit ? "jit" : "interp"));
    // out 0x80,al raises INTR; mov ss,ax; mov byte [0x500],1; mov byte [0x500],2; hlt. The handler
    // (vector 0x20 at 2000:0000) copies [0x500] to [0x501] and halts.
    const std::vector<uint8_t> body = {0xE6, 0x80, 0x8E, 0xD0, 0xC6, 0x06, 0x00, 0x05, 0x01,
                                       0xC6, 0x06, 0x00, 0x05, 0x02, 0xF4};
    for (unsigned at_page_end : {0u, 1u}) {
      INFO("MOV SS " << (at_page_end ? "ends its page" : "mid-page"));
      Machine m(use_jit);
      mem::PortSpace ports;
      RaiseIntr dev(*m.cpu);
      REQUIRE(ports.add("intr", 0x80, 1, &dev).ok());
      m.cpu->s().ports = &ports;
      m.cpu->set_inta([] { return uint8_t(0x20); });
      m.put(0x20 * 4, {0x00, 0x00, 0x00, 0x20});
      m.put(0x20000, {0xA0, 0x00, 0x05, 0xA2, 0x01, 0x05, 0xF4});  // mov al,[0x500]; mov [0x501],al; hlt
      // Mid-page at 1000:0000; or with MOV SS as the last bytes of the page 0x10000-0x10FFF.
      const uint16_t ip = at_page_end ? 0x1000 - 4 : 0;
      std::memcpy(m.ram + 0x10000 + ip, body.data(), body.size());
      m.cpu->set_cs_ip(0x1000, ip);
      m.cpu->s().gpr[AX] = 0;
      m.cpu->s().gpr[SP] = 0x8000;
      write_flags(m.cpu->s(), fl::IF);
      m.run_on(100);
      CHECK(m.cpu->s().seg[CS].selector == 0x2000);  // halted in the handler
      // Mid-page the block ends right after the shadowed instruction: the handler
      // comes there. At the page end the next block (to the HLT) runs first.
      CHECK(m.ram[0x501] == (at_page_end ? 2 : 1));
    }
  }
}

TEST_CASE("x86 programs: EFLAGS.AC is writable from the 486 on; real mode's near branches past CS's limit", "[x86]") {
  for (bool use_jit : {false, true}) {
    if (use_jit && !jit::available()) continue;
    INFO((use_jit ? "jit" : "interp"));
    for (Model model : {Model::I386, Model::I486}) {
      INFO("model " << int(model));
      Machine m(use_jit, model);
      X86Cpu& cpu = *m.cpu;
      cpu.set_sreg(SS, 0x2000);
      cpu.s().gpr[SP] = 0x100;
      m.put(0x10000, {
                         0x66, 0x9C,                          // 00 pushfd
                         0x66, 0x58,                          // 02 pop eax
                         0x66, 0x0D, 0x00, 0x00, 0x24, 0x00,  // 04 or eax, AC | ID
                         0x66, 0x50,                          // 0A push eax
                         0x66, 0x9D,                          // 0C popfd
                         0x66, 0x9C,                          // 0E pushfd
                         0x66, 0x5B,                          // 10 pop ebx
                         0xF4,                                // 12 hlt
                     });
      m.run(0x1000);
      const uint64_t ac_id = model == Model::I486 ? fl::AC | fl::ID : 0;  // a 386 keeps both 0
      CHECK((cpu.s().gpr[BX] & (fl::AC | fl::ID)) == ac_id);

      // With a 32-bit operand size a real-mode near branch can go past CS's limit
      // (0xFFFF): #GP(0) at the branch (interrupt 13 through the IVT), nothing pushed.
      m.put(13 * 4, {0x80, 0x00, 0x00, 0x10});  // -> 1000:0080: hlt
      m.put(0x10080, {0xF4});
      const std::vector<std::vector<uint8_t>> branches = {
          {0x66, 0xE9, 0xFA, 0xFF, 0x00, 0x00},  // jmp dword 0x10000
          {0x66, 0xE8, 0xFA, 0xFF, 0x00, 0x00},  // call dword 0x10000
          {0x66, 0x0F, 0x84, 0xF9, 0xFF, 0x00, 0x00},  // jz dword 0x10000 (taken: ZF set below)
      };
      uint16_t cs = 0x3000;  // each program in a segment of its own (the blocks of the others stay cached)
      for (const std::vector<uint8_t>& code : branches) {
        INFO("branch " << int(code[1]));
        std::memcpy(m.ram + cs * 16, code.data(), code.size());
        cpu.s().gpr[SP] = 0x100;
        write_flags(cpu.s(), fl::ZF | 2);
        m.run(cs);
        CHECK(cpu.s().seg[CS].selector == 0x1000);
        CHECK(cpu.ip() == 0x81);
        CHECK(m.reg(SP) == 0x100 - 6);                       // FLAGS, CS, IP of the branch: nothing else
        CHECK((m.ram[0x200FA] | m.ram[0x200FB] << 8) == 0);  // the frame's IP: the branch itself
        cs += 0x1000;
      }
      // At the limit itself (0xFFFF) nothing faults: the JMP lands on a HLT there.
      m.ram[cs * 16 + 0xFFFF] = 0xF4;
      m.put(cs * 16, {0x66, 0xE9, 0xF9, 0xFF, 0x00, 0x00});
      cpu.s().gpr[SP] = 0x100;
      m.run(cs);
      CHECK(cpu.s().seg[CS].selector == cs);  // not in the #GP handler
      CHECK(m.reg(SP) == 0x100);
    }
  }
}

TEST_CASE("x86 wait-for-SIPI at an unfetchable reset vector: waits, then the SIPI starts it", "[x86][smp]") {
  // An AP of a directly booted machine waits at F000:FFF0 with no ROM there: its
  // wait must not fetch (a fetch fault taken as its exception once ran it into low memory).
  for (bool use_jit : {false, true}) {
    Machine m(use_jit, Model::X64);
    m.put(0x10000, {0xb8, 0x34, 0x12, 0xf4});  // mov ax, 0x1234; hlt
    m.cpu->wait_for_sipi();
    const uint64_t pc = m.cpu->s().pc;
    CHECK(m.engine->run_for(10) == engine::Engine::SliceEnd::Idle);
    CHECK(m.cpu->waiting_for_sipi());
    CHECK(m.cpu->s().pc == pc);
    CHECK(m.cpu->s().fault == 0);
    m.cpu->startup(0x10);  // CS = 0x1000, IP = 0
    m.run_on(10);
    CHECK(m.reg(AX) == 0x1234);
    CHECK(!m.cpu->waiting_for_sipi());
  }
}

// The x86 CPU as a debugger target (cpu/x86/debug.h): the one register layout
// and its target description, registers that map onto hidden state (ST(i)
// through TOP, the linear pc against CS and IP), writes that change the mode,
// and memory through linear, physical and DS-relative addresses.
#include <catch2/catch.hpp>

#include <cstring>

#include "cpu/x86/debug.h"
#include "gdbstub/target_xml.h"

using namespace kiln;
using namespace kiln::x86;

namespace {

struct Target {
  mem::PhysMap map;
  uint8_t* ram = nullptr;
  std::unique_ptr<X86Cpu> cpu;
  std::unique_ptr<X86DebugTarget> t;

  Target() {
    REQUIRE(map.add_ram("ram", 0, 8 << 20).ok());
    ram = map.host_ptr(0, 8 << 20);
    cpu = std::make_unique<X86Cpu>(map, Model::X64);
    t = std::make_unique<X86DebugTarget>(*cpu);
  }
  unsigned num(const std::string& name) const {
    for (const cpu::DebugRegister& r : t->description().registers)
      if (r.name == name) return r.regnum;
    FAIL("no register " << name);
    return 0;
  }
  uint64_t get(const std::string& name) {
    std::vector<uint8_t> v;
    REQUIRE(t->read_register(num(name), &v));
    uint64_t x = 0;
    for (size_t i = 0; i < v.size() && i < 8; i++) x |= uint64_t(v[i]) << (8 * i);
    return x;
  }
  void set(const std::string& name, uint64_t x, size_t bytes = 8) {
    std::vector<uint8_t> v(bytes);
    for (size_t i = 0; i < bytes; i++) v[i] = uint8_t(x >> (8 * i));
    REQUIRE(t->write_register(num(name), v));
  }
};

}  // namespace

TEST_CASE("x86 debug target: one amd64 layout with gdb's features and org.kiln.x86.system", "[x86][gdb]") {
  Target m;
  const cpu::DebugDescription& d = m.t->description();
  CHECK(d.architecture == "i386:x86-64");
  CHECK_FALSE(d.watch_stops_before_access);  // x86 gdb expects the stop after the access
  REQUIRE(d.features.size() == 4);
  CHECK(d.features[0].name == "org.gnu.gdb.i386.core");
  CHECK(d.features[1].name == "org.gnu.gdb.i386.sse");
  CHECK(d.features[3].name == "org.kiln.x86.system");
  // The 'g' packet: the core feature, in gdb's amd64 order, 276 bytes in every mode.
  unsigned g_bytes = 0, last = 0;
  for (const cpu::DebugRegister& r : d.registers) {
    if (r.feature == 0) g_bytes += r.bitsize / 8;
    if (&r != &d.registers.front()) CHECK(r.regnum == last + 1);
    last = r.regnum;
  }
  CHECK(g_bytes == 16 * 8 + 8 + 4 + 6 * 4 + 8 * 10 + 8 * 4);
  CHECK(m.num("rax") == 0);
  CHECK(m.num("rip") == 16);
  CHECK(m.num("st0") == 24);
  CHECK(m.num("xmm0") == 40);
  std::string xml = gdbstub::target_xml(d);
  for (const char* s : {"<architecture>i386:x86-64</architecture>", "<feature name=\"org.kiln.x86.system\">",
                        "name=\"gdtr_base\"", "name=\"cs_attr\"", "name=\"efer\"", "name=\"dr7\"", "name=\"k_gs_base\"",
                        "<flags id=\"i386_eflags\"", "<union id=\"vec128\">", "type=\"i387_ext\""})
    CHECK(xml.find(s) != std::string::npos);
}

TEST_CASE("x86 debug target: rip is linear; CS writes keep IP; x87 registers through TOP", "[x86][gdb]") {
  Target m;
  m.cpu->reset();
  m.set("cs", 0xf000, 4);  // the same selector: the reset base FFFF0000 stays (as after a G packet)
  CHECK(m.get("rip") == 0xfffffff0);
  m.cpu->set_cs_ip(0x1000, 0x10);
  CHECK(m.get("rip") == 0x10010);
  CHECK(m.get("ip_offset") == 0x10);
  m.set("cs", 0x2000, 4);  // real mode: the base follows the selector, IP stays
  CHECK(m.get("cs_base") == 0x20000);
  CHECK(m.get("rip") == 0x20010);
  m.set("ip_offset", 0x20);
  CHECK(m.t->pc() == 0x20020);
  // EFLAGS: the arithmetic flags (lazy in the CPU) read back as written.
  m.set("eflags", 0x8d5, 4);
  CHECK(m.get("eflags") == 0x8d7);  // bit 1 is fixed
  // ST(i) is physical register (TOP + i) mod 8; ftag is the full tag word.
  X86State& s = m.cpu->s();
  s.fpu.fsw = 5 << 11;
  s.fpu.sig[5] = 0x8000000000000000ull;
  s.fpu.se[5] = 0x3fff;  // 1.0
  std::vector<uint8_t> v;
  REQUIRE(m.t->read_register(m.num("st0"), &v));
  REQUIRE(v.size() == 10);
  CHECK(v[7] == 0x80);
  CHECK(v[8] == 0xff);
  CHECK(v[9] == 0x3f);
  std::vector<uint8_t> two = {0, 0, 0, 0, 0, 0, 0, 0x80, 0x00, 0x40};
  REQUIRE(m.t->write_register(m.num("st1"), two));
  CHECK(s.fpu.se[6] == 0x4000);
  s.fpu.ftw = 0x0fff;
  CHECK(m.get("ftag") == 0x0fff);
  std::vector<uint8_t> x(16);
  for (unsigned i = 0; i < 16; i++) x[i] = uint8_t(i + 1);
  REQUIRE(m.t->write_register(m.num("xmm15"), x));
  CHECK(s.xmm[15][1] == 0x100f0e0d0c0b0a09ull);
}

TEST_CASE("x86 debug target: CR0/EFER writes switch modes; memory linear, physical and DS-relative", "[x86][gdb]") {
  Target m;
  X86State& s = m.cpu->s();
  // A 32-bit page directory at 0x10000: linear 4 MiB-8 MiB -> physical 0 (4 MiB page).
  uint32_t pde = 0x83;
  std::memcpy(m.ram + 0x10000 + 4, &pde, 4);
  std::memcpy(m.ram + 0x6000, "kiln", 4);
  m.set("cr4", cr4::PSE);
  m.set("cr3", 0x10000);
  m.set("cr0", s.cr0 | cr0::PE | cr0::PG);
  CHECK(m.t->mode_name() == "protected mode (16-bit), CPL 0, paging");
  char buf[5] = {};
  REQUIRE(m.t->read_memory(cpu::AddrSpace::Virtual, 0x406000, reinterpret_cast<uint8_t*>(buf), 4).ok());
  CHECK(std::string(buf) == "kiln");
  CHECK_FALSE(m.t->read_memory(cpu::AddrSpace::Virtual, 0x806000, reinterpret_cast<uint8_t*>(buf), 4).ok());
  REQUIRE(m.t->read_memory(cpu::AddrSpace::Physical, 0x6000, reinterpret_cast<uint8_t*>(buf), 4).ok());
  CHECK(std::string(buf) == "kiln");
  // The guest's page tables keep no trace of the debugger's walk (no accessed bit).
  std::memcpy(&pde, m.ram + 0x10000 + 4, 4);
  CHECK(pde == 0x83);
  // DS-relative: base added, limit checked.
  m.set("ds_base", 0x400000);
  m.set("ds_limit", 0x6003);
  REQUIRE(m.t->read_memory(cpu::AddrSpace::Segment, 0x6000, reinterpret_cast<uint8_t*>(buf), 4).ok());
  CHECK(std::string(buf) == "kiln");
  CHECK_FALSE(m.t->read_memory(cpu::AddrSpace::Segment, 0x6001, reinterpret_cast<uint8_t*>(buf), 4).ok());
  std::string walk;
  REQUIRE(m.t->monitor("walk 0x406000", &walk));
  CHECK(walk.find("0x406000 -> 0x6000") != std::string::npos);
  // Long mode: EFER.LME with CR0.PG makes LMA, as the CPU's own writes do; 64-bit code from CS.L.
  m.set("cr0", s.cr0 & ~cr0::PG);
  m.set("cr4", cr4::PAE);
  m.set("efer", efer::LME);
  CHECK_FALSE(m.get("efer") & efer::LMA);
  m.set("cr0", s.cr0 | cr0::PG);
  CHECK(m.get("efer") & efer::LMA);
  m.set("cs_attr", attr::kRealCode | attr::kL);
  CHECK(m.t->mode_name() == "long mode (64-bit), CPL 0");
  CHECK(m.cpu->debug_mode() & 8);  // what stop-on-mode-switch compares changed with it
}

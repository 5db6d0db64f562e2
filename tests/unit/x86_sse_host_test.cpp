// MMX and SSE-SSSE3 against the host CPU (x86-64 hosts: SSE through SSSE3).
// Each instruction, in its register form (xmm0/mm0 destination, xmm1/mm1
// source, EAX for the general-register forms), runs natively from a small
// generated code buffer and through Kiln (the engine, as a real-mode program
// on the x86-64 model, under the interpreter and the JIT) on random operands
// mixed with special values (zeros, denormals, infinities, NaNs, integer
// extremes), in every rounding mode with DAZ and FTZ on and off. Registers,
// EAX, MXCSR and the compare flags must agree bit for bit. Exceptions are
// masked here (an unmasked one would kill the test); the ROM test
// (roms/x86/sse.asm) covers #XM, #UD and #GP.
#include <catch2/catch.hpp>

#if defined(__x86_64__)
#include <sys/mman.h>

#include <cmath>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "common/log.h"
#include "cpu/x86/cpu.h"
#include "cpu/x86/flags.h"
#include "engine/engine.h"
#include "jit/jit.h"
#include "mem/physmap.h"

using namespace kiln;
using namespace kiln::x86;

namespace {

// What the native code reads and writes (offsets are in the code below).
struct alignas(16) HostRegs {
  uint64_t x0[2], x1[2];  // 0, 16
  uint32_t mxcsr, pad;    // 32
  uint64_t rflags;        // 40
  uint32_t saved_mxcsr, pad2;  // 48
  uint64_t rax;           // 56
};

// Runs `insn` natively: loads xmm0/xmm1 (or mm0/mm1), MXCSR and RAX, runs
// it, stores them back with RFLAGS, and restores the caller's MXCSR. A
// memory operand is [rdi] (ModR/M rm 7, which is [bx] in Kiln's real mode):
// the x0 area. For a store (`store`), x0 keeps what the instruction wrote.
class Native {
 public:
  Native() {
    mem_ = static_cast<uint8_t*>(mmap(nullptr, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    REQUIRE(mem_ != MAP_FAILED);
  }
  ~Native() { munmap(mem_, 4096); }
  void run(const std::vector<uint8_t>& insn, bool mmx, HostRegs& r, bool store = false) {
    std::vector<uint8_t> c = {0x0F, 0xAE, 0x5F, 0x30};  // stmxcsr [rdi+48]
    if (mmx) append(c, {0x0F, 0x6F, 0x07, 0x0F, 0x6F, 0x4F, 0x10});  // movq mm0, [rdi]; movq mm1, [rdi+16]
    else append(c, {0xF3, 0x0F, 0x6F, 0x07, 0xF3, 0x0F, 0x6F, 0x4F, 0x10});  // movdqu xmm0/xmm1
    append(c, {0x0F, 0xAE, 0x57, 0x20, 0x48, 0x8B, 0x47, 0x38});  // ldmxcsr [rdi+32]; mov rax, [rdi+56]
    append(c, insn);
    append(c, {0x48, 0x89, 0x47, 0x38, 0x9C, 0x58, 0x48, 0x89, 0x47, 0x28});  // mov [rdi+56], rax; pushfq; pop rax; mov [rdi+40], rax
    append(c, {0x0F, 0xAE, 0x5F, 0x20, 0x0F, 0xAE, 0x57, 0x30});  // stmxcsr [rdi+32]; ldmxcsr [rdi+48]
    if (mmx) {
      if (!store) append(c, {0x0F, 0x7F, 0x07});  // movq [rdi], mm0
      append(c, {0x0F, 0x7F, 0x4F, 0x10, 0x0F, 0x77});  // movq [rdi+16], mm1; emms
    } else {
      if (!store) append(c, {0xF3, 0x0F, 0x7F, 0x07});  // movdqu [rdi], xmm0
      append(c, {0xF3, 0x0F, 0x7F, 0x4F, 0x10});
    }
    c.push_back(0xC3);
    std::memcpy(mem_, c.data(), c.size());
    reinterpret_cast<void (*)(HostRegs*)>(mem_)(&r);
  }

 private:
  static void append(std::vector<uint8_t>& v, std::initializer_list<uint8_t> b) { v.insert(v.end(), b); }
  static void append(std::vector<uint8_t>& v, const std::vector<uint8_t>& b) { v.insert(v.end(), b.begin(), b.end()); }
  uint8_t* mem_;
};

// Kiln: a real-mode x86-64-model machine; instruction k sits at its own
// segment (so each is translated once per tier), followed by HLT.
struct Kiln {
  Log log;
  mem::PhysMap map;
  uint8_t* ram = nullptr;
  std::unique_ptr<jit::Jit> jit;
  std::unique_ptr<X86Cpu> cpu;
  std::unique_ptr<engine::Engine> engine;
  explicit Kiln(bool use_jit) {
    REQUIRE(map.add_ram("ram", 0, 1 << 20).ok());
    ram = map.host_ptr(0, 1 << 20);
    cpu = std::make_unique<X86Cpu>(map, Model::X64);
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
    cpu->s().cr4 |= cr4::OSFXSR;
  }
  void place(unsigned k, const std::vector<uint8_t>& insn) {
    std::memcpy(ram + 0x1000 + 32 * k, insn.data(), insn.size());
    ram[0x1000 + 32 * k + insn.size()] = 0xF4;  // HLT
  }
  // `mem`: 1 the instruction reads [bx] = 0x8000, which holds x0 (as the
  // host's [rdi]); 2 it writes there, and x0 comes back from memory.
  void run(unsigned k, bool mmx, HostRegs& r, int mem = 0) {
    X86State& s = cpu->s();
    if (mem) {
      std::memcpy(ram + 0x8000, r.x0, 16);
      s.gpr[BX] = s.gpr[DI] = 0x8000;  // (DI: MASKMOVQ's destination)
    }
    if (mmx) {
      s.fpu.sig[0] = r.x0[0], s.fpu.sig[1] = r.x1[0];
    } else {
      std::memcpy(s.xmm[0], r.x0, 16);
      std::memcpy(s.xmm[1], r.x1, 16);
    }
    s.mxcsr = r.mxcsr;
    s.gpr[AX] = r.rax;
    cpu->set_cs_ip(uint16_t((0x1000 + 32 * k) >> 4), 0);
    for (int i = 0; i < 10; i++)
      if (engine->run_for(1) == engine::Engine::SliceEnd::Idle) break;
    if (mmx) {
      r.x0[0] = s.fpu.sig[0], r.x1[0] = s.fpu.sig[1];
    } else {
      std::memcpy(r.x0, s.xmm[0], 16);
      std::memcpy(r.x1, s.xmm[1], 16);
    }
    if (mem == 2) std::memcpy(r.x0, ram + 0x8000, 16);
    r.mxcsr = uint32_t(s.mxcsr);
    r.rax = s.gpr[AX];
    r.rflags = read_flags(s);
  }
};

struct Rng {
  uint64_t s;
  uint64_t next() {
    uint64_t z = (s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
};

// A 32-bit lane: random bits, a special value, or a number of modest size.
uint32_t lane32(Rng& g) {
  static constexpr uint32_t kSpecial[] = {0, 0x80000000, 1, 0x807fffff, 0x00800000, 0x7f800000, 0xff800000,
                                          0x7fc00000, 0xffc00001, 0x7f800001, 0x3f800000, 0x7f7fffff, 0x80000001,
                                          0x4f000000, 0xcf000000, 0x7fffffff, 0x00400000};
  const uint64_t r = g.next();
  switch (r % 4) {
    case 0: return uint32_t(r >> 8);
    case 1: return kSpecial[(r >> 8) % (sizeof kSpecial / 4)];
    case 2: return uint32_t((r >> 8) & 0x807fffff) | uint32_t((0x60 + (r >> 40) % 0x40) << 23);
    default: return uint32_t((r >> 8) & 0x80ffffff) | uint32_t((0x01 + (r >> 40) % 8) << 23);  // near the underflow
  }
}
uint64_t lane64(Rng& g) {
  static constexpr uint64_t kSpecial[] = {0, 1ull << 63, 1, 0x000fffffffffffffull, 0x0010000000000000ull,
                                          0x7ff0000000000000ull, 0xfff0000000000000ull, 0x7ff8000000000000ull,
                                          0x7ff0000000000001ull, 0x3ff0000000000000ull, 0x43e0000000000000ull,
                                          0xc1e0000000000000ull, 0x41dfffffffc00000ull, 0x7fefffffffffffffull};
  const uint64_t r = g.next();
  switch (r % 5) {
    case 0: return g.next();
    case 1: return kSpecial[(r >> 8) % (sizeof kSpecial / 8)];
    case 2: return (g.next() & 0x800fffffffffffffull) | (0x3c0 + (r >> 40) % 0x80) << 52;
    case 3: return (g.next() & 0x800fffffffffffffull) | (0x001 + (r >> 40) % 40) << 52;  // near the underflow
    default: return uint64_t(lane32(g)) | uint64_t(lane32(g)) << 32;  // single-precision lanes
  }
}

struct Case {
  std::vector<uint8_t> bytes;
  bool mmx = false;
  bool flags = false;  // COMIS/UCOMIS: compare ZF, PF, CF, OF, SF, AF
  int mem = 0;         // Kiln::run's `mem`
};

std::vector<Case> cases() {
  std::vector<Case> v;
  auto add = [&](std::vector<uint8_t> b, bool mmx = false, bool flags = false, int mem = 0) {
    v.push_back({std::move(b), mmx, flags, mem});
  };
  // Floating point: every prefix form of the arithmetic, compares, conversions.
  for (uint8_t op : {0x51, 0x58, 0x59, 0x5A, 0x5C, 0x5D, 0x5E, 0x5F})
    for (uint8_t p : {0x00, 0x66, 0xF3, 0xF2}) add(p ? std::vector<uint8_t>{p, 0x0F, op, 0xC1} : std::vector<uint8_t>{0x0F, op, 0xC1});
  for (uint8_t p : {0x00, 0x66, 0xF3}) add(p ? std::vector<uint8_t>{p, 0x0F, 0x5B, 0xC1} : std::vector<uint8_t>{0x0F, 0x5B, 0xC1});
  for (uint8_t p : {0x66, 0xF3, 0xF2}) add({p, 0x0F, 0xE6, 0xC1});
  for (uint8_t imm = 0; imm < 8; imm++)
    for (uint8_t p : {0x00, 0x66, 0xF3, 0xF2})
      add(p ? std::vector<uint8_t>{p, 0x0F, 0xC2, 0xC1, imm} : std::vector<uint8_t>{0x0F, 0xC2, 0xC1, imm});
  for (uint8_t op : {0x2E, 0x2F}) {
    add({0x0F, op, 0xC1}, false, true);
    add({0x66, 0x0F, op, 0xC1}, false, true);
  }
  for (uint8_t op : {0x2C, 0x2D})
    for (uint8_t p : {0xF3, 0xF2}) add({p, 0x0F, op, 0xC1});  // CVT(T)SS2SI/SD2SI eax, xmm1
  add({0xF3, 0x0F, 0x2A, 0xC0});  // CVTSI2SS xmm0, eax
  add({0xF2, 0x0F, 0x2A, 0xC0});
  for (uint8_t op : {0x14, 0x15, 0x54, 0x55, 0x56, 0x57}) {
    add({0x0F, op, 0xC1});
    add({0x66, 0x0F, op, 0xC1});
  }
  add({0x0F, 0xC6, 0xC1, 0x1B});
  add({0x66, 0x0F, 0xC6, 0xC1, 0x02});
  for (uint8_t op : {0xD0, 0x7C, 0x7D}) {
    add({0x66, 0x0F, op, 0xC1});
    add({0xF2, 0x0F, op, 0xC1});
  }
  for (auto b : std::initializer_list<std::vector<uint8_t>>{
           {0xF2, 0x0F, 0x12, 0xC1}, {0xF3, 0x0F, 0x12, 0xC1}, {0xF3, 0x0F, 0x16, 0xC1}, {0x0F, 0x12, 0xC1},
           {0x0F, 0x16, 0xC1}, {0xF3, 0x0F, 0x10, 0xC1}, {0xF2, 0x0F, 0x10, 0xC1}, {0xF3, 0x0F, 0x11, 0xC1},
           {0x66, 0x0F, 0xD6, 0xC1}, {0xF3, 0x0F, 0x7E, 0xC1}, {0x0F, 0x28, 0xC1}, {0x66, 0x0F, 0x6F, 0xC1},
           {0x66, 0x0F, 0x6E, 0xC0}, {0x66, 0x0F, 0x7E, 0xC0}, {0x0F, 0x50, 0xC1}, {0x66, 0x0F, 0x50, 0xC1},
           {0x66, 0x0F, 0xD7, 0xC1}, {0x66, 0x0F, 0xC5, 0xC1, 0x05}, {0x66, 0x0F, 0xC4, 0xC0, 0x03},
           {0x0F, 0x29, 0xC1}, {0x66, 0x0F, 0x7F, 0xC1}, {0xF3, 0x0F, 0x6F, 0xC1}, {0x66, 0x0F, 0x11, 0xC1}})
    add(b);
  add({0x0F, 0x7F, 0xC1}, true);
  add({0x0F, 0x6F, 0xC1}, true);
  // Integer SIMD: XMM (66) and MMX forms.
  std::vector<uint8_t> ints;
  for (unsigned op = 0x60; op <= 0x6B; op++) ints.push_back(uint8_t(op));
  for (uint8_t op : {0x74, 0x75, 0x76, 0xD1, 0xD2, 0xD3, 0xD4, 0xD5, 0xD8, 0xD9, 0xDA, 0xDB, 0xDC, 0xDD, 0xDE, 0xDF,
                     0xE0, 0xE1, 0xE2, 0xE3, 0xE4, 0xE5, 0xE8, 0xE9, 0xEA, 0xEB, 0xEC, 0xED, 0xEE, 0xEF, 0xF1, 0xF2,
                     0xF3, 0xF4, 0xF5, 0xF6, 0xF8, 0xF9, 0xFA, 0xFB, 0xFC, 0xFD, 0xFE})
    ints.push_back(op);
  for (uint8_t op : ints) {
    add({0x66, 0x0F, op, 0xC1});
    add({0x0F, op, 0xC1}, true);
  }
  add({0x66, 0x0F, 0x6C, 0xC1});
  add({0x66, 0x0F, 0x6D, 0xC1});
  for (uint8_t imm : {0x1B, 0xE4, 0x00, 0x93}) {
    add({0x66, 0x0F, 0x70, 0xC1, imm});
    add({0xF3, 0x0F, 0x70, 0xC1, imm});
    add({0xF2, 0x0F, 0x70, 0xC1, imm});
    add({0x0F, 0x70, 0xC1, imm}, true);
  }
  for (uint8_t imm : {0, 1, 3, 7, 8, 15, 16, 31, 33, 63, 64, 200}) {
    for (auto [op, modrm] : {std::pair<uint8_t, uint8_t>{0x71, 0xD0}, {0x71, 0xE0}, {0x71, 0xF0}, {0x72, 0xD0},
                             {0x72, 0xE0}, {0x72, 0xF0}, {0x73, 0xD0}, {0x73, 0xF0}}) {
      add({0x66, 0x0F, op, modrm, imm});
      add({0x0F, op, modrm, imm}, true);
    }
    add({0x66, 0x0F, 0x73, 0xD8, imm});
    add({0x66, 0x0F, 0x73, 0xF8, imm});
  }
  for (uint8_t op : {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x1C, 0x1D, 0x1E}) {
    add({0x66, 0x0F, 0x38, op, 0xC1});
    add({0x0F, 0x38, op, 0xC1}, true);
  }
  for (uint8_t imm : {0, 3, 8, 13, 16, 20, 31, 32, 40}) {
    add({0x66, 0x0F, 0x3A, 0x0F, 0xC1, imm});
    add({0x0F, 0x3A, 0x0F, 0xC1, imm}, true);
  }
  add({0x0F, 0xC5, 0xC1, 0x02}, true);
  add({0x0F, 0xC4, 0xC0, 0x01}, true);
  add({0x0F, 0xD7, 0xC1}, true);
  add({0x0F, 0x6E, 0xC0}, true);
  add({0x0F, 0x7E, 0xC0}, true);
  // Memory forms (ModR/M 0x0F: xmm1/mm1 and [bx] / [rdi]): loads, then stores.
  for (auto b : std::initializer_list<std::vector<uint8_t>>{
           {0xF3, 0x0F, 0x10, 0x0F}, {0xF2, 0x0F, 0x10, 0x0F}, {0x0F, 0x12, 0x0F}, {0x0F, 0x16, 0x0F},
           {0x66, 0x0F, 0x12, 0x0F}, {0x66, 0x0F, 0x16, 0x0F}, {0x66, 0x0F, 0x6E, 0x0F}, {0xF3, 0x0F, 0x7E, 0x0F},
           {0xF2, 0x0F, 0x12, 0x0F}, {0xF3, 0x0F, 0x58, 0x0F}, {0xF2, 0x0F, 0x58, 0x0F}, {0xF3, 0x0F, 0x5A, 0x0F},
           {0x0F, 0x5A, 0x0F}, {0xF3, 0x0F, 0xE6, 0x0F}, {0xF3, 0x0F, 0x2A, 0x0F}, {0x66, 0x0F, 0xC4, 0x0F, 0x03},
           {0x66, 0x0F, 0xFC, 0x0F}, {0x0F, 0x28, 0x0F}, {0x0F, 0x10, 0x0F}, {0x66, 0x0F, 0x6F, 0x0F},
           {0xF2, 0x0F, 0xF0, 0x0F}, {0x66, 0x0F, 0x38, 0x00, 0x0F}, {0x0F, 0x58, 0x0F}})
    add(b, false, false, 1);
  add({0x0F, 0x2E, 0x0F}, false, true, 1);
  add({0x66, 0x0F, 0x2F, 0x0F}, false, true, 1);
  for (auto b : std::initializer_list<std::vector<uint8_t>>{{0x0F, 0x6F, 0x0F}, {0x0F, 0x6E, 0x0F}, {0x0F, 0xFD, 0x0F},
                                                            {0x0F, 0x2A, 0x0F}, {0x0F, 0xC4, 0x0F, 0x02}})
    add(b, b == std::vector<uint8_t>{0x0F, 0x2A, 0x0F} ? false : true, false, 1);
  for (auto b : std::initializer_list<std::vector<uint8_t>>{
           {0xF3, 0x0F, 0x11, 0x0F}, {0xF2, 0x0F, 0x11, 0x0F}, {0x0F, 0x13, 0x0F}, {0x0F, 0x17, 0x0F},
           {0x0F, 0x11, 0x0F}, {0x0F, 0x29, 0x0F}, {0x66, 0x0F, 0xD6, 0x0F}, {0x66, 0x0F, 0x7E, 0x0F},
           {0x66, 0x0F, 0xE7, 0x0F}, {0x66, 0x0F, 0x7F, 0x0F}, {0x0F, 0x2B, 0x0F}})
    add(b, false, false, 2);
  for (auto b : std::initializer_list<std::vector<uint8_t>>{{0x0F, 0x7F, 0x0F}, {0x0F, 0x7E, 0x0F}, {0x0F, 0xE7, 0x0F}})
    add(b, true, false, 2);
  add({0x66, 0x0F, 0xF7, 0xC8}, false, false, 2);  // MASKMOVDQU xmm1, xmm0: to [di] / [rdi]
  add({0x0F, 0xF7, 0xC8}, true, false, 2);
  return v;
}

std::string hex(const std::vector<uint8_t>& b) {
  std::string s;
  char t[4];
  for (uint8_t x : b) std::snprintf(t, sizeof t, "%02x", x), s += t;
  return s;
}

}  // namespace

TEST_CASE("x86 SSE/MMX against the host: registers, MXCSR and flags in every rounding mode, DAZ and FTZ", "[x86][sse]") {
  const std::vector<Case> all = cases();
  Native native;
  for (bool use_jit : {false, true}) {
    if (use_jit && !jit::available()) continue;
    Kiln kiln(use_jit);
    for (unsigned k = 0; k < all.size(); k++) kiln.place(k, all[k].bytes);
    Rng g{use_jit ? 2u : 1u};
    unsigned bad = 0;
    for (unsigned k = 0; k < all.size(); k++) {
      const Case& c = all[k];
      for (unsigned mode = 0; mode < 16; mode++) {
        for (unsigned rep = 0; rep < 6; rep++) {
          HostRegs in{};
          in.x0[0] = lane64(g), in.x0[1] = lane64(g), in.x1[0] = lane64(g), in.x1[1] = lane64(g);
          in.mxcsr = 0x1f80 | (mode & 3) << 13 | (mode & 4 ? 0x40 : 0) | (mode & 8 ? 0x8000 : 0);
          in.rax = rep & 1 ? g.next() : uint64_t(int32_t(lane32(g)));
          HostRegs host = in, mine = in;
          native.run(c.bytes, c.mmx, host, c.mem == 2);
          kiln.run(k, c.mmx, mine, c.mem);
          const uint64_t fmask = fl::ZF | fl::PF | fl::CF | fl::OF | fl::SF | fl::AF;
          const bool same = std::memcmp(host.x0, mine.x0, 32) == 0 && host.mxcsr == mine.mxcsr &&
                            uint32_t(host.rax) == uint32_t(mine.rax) &&
                            (!c.flags || (host.rflags & fmask) == (mine.rflags & fmask));
          if (!same && ++bad <= 25) {
            char text[400];
            std::snprintf(text, sizeof text,
                          "%s %s mxcsr %04x: in %016llx:%016llx %016llx:%016llx rax %llx\n"
                          "  host %016llx:%016llx %016llx:%016llx mxcsr %04x rax %llx fl %llx\n"
                          "  kiln %016llx:%016llx %016llx:%016llx mxcsr %04x rax %llx fl %llx",
                          use_jit ? "jit" : "interp", hex(c.bytes).c_str(), in.mxcsr, (unsigned long long)in.x0[1],
                          (unsigned long long)in.x0[0], (unsigned long long)in.x1[1], (unsigned long long)in.x1[0],
                          (unsigned long long)in.rax, (unsigned long long)host.x0[1], (unsigned long long)host.x0[0],
                          (unsigned long long)host.x1[1], (unsigned long long)host.x1[0], host.mxcsr,
                          (unsigned long long)host.rax, (unsigned long long)(host.rflags & fmask),
                          (unsigned long long)mine.x0[1], (unsigned long long)mine.x0[0], (unsigned long long)mine.x1[1],
                          (unsigned long long)mine.x1[0], mine.mxcsr, (unsigned long long)mine.rax,
                          (unsigned long long)(mine.rflags & fmask));
            FAIL_CHECK(text);
          }
        }
      }
    }
    CHECK(bad == 0);
  }
}
TEST_CASE("x86 SSE exceptions: unmasked -> #XM (or #UD without OSXMMEXCPT) leaving the destination, #UD without "
          "OSFXSR or with EM, #NM with TS, #GP(0) for a misaligned MOVAPS", "[x86][sse]") {
  struct Trial {
    const char* what;
    std::vector<uint8_t> bytes;
    bool mmx;
    uint64_t cr0_set, cr4_clear, cr4_set;
    uint32_t mxcsr;
    int vector;  // -1: none
  };
  const Trial trials[] = {
      {"0/0 with IE unmasked, OSXMMEXCPT", {0x0F, 0x5E, 0xC1}, false, 0, 0, cr4::OSXMMEXCPT, 0x1f00, kSimdError},
      {"0/0 with IE unmasked, no OSXMMEXCPT", {0x0F, 0x5E, 0xC1}, false, 0, 0, 0, 0x1f00, kInvalidOpcode},
      {"0/0 masked", {0x0F, 0x5E, 0xC1}, false, 0, 0, cr4::OSXMMEXCPT, 0x1f80, -1},
      {"ADDPS without OSFXSR", {0x0F, 0x58, 0xC1}, false, 0, cr4::OSFXSR, 0, 0x1f80, kInvalidOpcode},
      {"PADDB mm without OSFXSR", {0x0F, 0xFC, 0xC1}, true, 0, cr4::OSFXSR, 0, 0x1f80, -1},
      {"ADDPS with EM", {0x0F, 0x58, 0xC1}, false, cr0::EM, 0, 0, 0x1f80, kInvalidOpcode},
      {"PADDB mm with EM", {0x0F, 0xFC, 0xC1}, true, cr0::EM, 0, 0, 0x1f80, kInvalidOpcode},
      {"ADDPS with TS", {0x0F, 0x58, 0xC1}, false, cr0::TS, 0, 0, 0x1f80, kDeviceNotAvailable},
      {"PADDB mm with TS", {0x0F, 0xFC, 0xC1}, true, cr0::TS, 0, 0, 0x1f80, kDeviceNotAvailable},
      {"MOVAPS xmm0, [0x101]", {0x0F, 0x28, 0x06, 0x01, 0x01}, false, 0, 0, 0, 0x1f80, kGeneralProtection},
      {"MOVAPS xmm0, [0x100]", {0x0F, 0x28, 0x06, 0x00, 0x01}, false, 0, 0, 0, 0x1f80, -1},
      {"MOVUPS xmm0, [0x101]", {0x0F, 0x10, 0x06, 0x01, 0x01}, false, 0, 0, 0, 0x1f80, -1},
      {"ADDPS xmm0, [0x108] (aligned form)", {0x0F, 0x58, 0x06, 0x08, 0x01}, false, 0, 0, 0, 0x1f80, kGeneralProtection},
      {"ADDSS xmm0, [0x101] (scalar)", {0xF3, 0x0F, 0x58, 0x06, 0x01, 0x01}, false, 0, 0, 0, 0x1f80, -1},
      {"LOCK ADDPS", {0xF0, 0x0F, 0x58, 0xC1}, false, 0, 0, 0, 0x1f80, kInvalidOpcode},
      {"LOCK PADDB mm", {0xF0, 0x0F, 0xFC, 0xC1}, true, 0, 0, 0, 0x1f80, kInvalidOpcode},
  };
  for (bool use_jit : {false, true}) {
    if (use_jit && !jit::available()) continue;
    Kiln kiln(use_jit);
    X86State& s = kiln.cpu->s();
    // Vector v's handler: HLT at segment 0x2000 + v.
    for (unsigned v : {6u, 7u, 13u, 19u}) {
      const uint16_t seg = uint16_t(0x2000 + v);
      const uint8_t ivt[4] = {0, 0, uint8_t(seg), uint8_t(seg >> 8)};
      std::memcpy(kiln.ram + 4 * v, ivt, 4);
      kiln.ram[seg * 16] = 0xF4;
    }
    kiln.cpu->set_sreg(SS, 0x3000);
    s.gpr[SP] = 0x1000;
    for (unsigned k = 0; k < sizeof trials / sizeof trials[0]; k++) {
      const Trial& t = trials[k];
      INFO((use_jit ? "jit: " : "interp: ") << t.what);
      kiln.place(k, t.bytes);
      const uint64_t cr0 = s.cr0, cr4 = s.cr4;
      s.cr0 |= t.cr0_set;
      s.cr4 = (s.cr4 & ~t.cr4_clear) | t.cr4_set;
      HostRegs r{};
      r.x0[0] = 0x1234, r.mxcsr = t.mxcsr;
      kiln.run(k, t.mmx, r);
      s.cr0 = cr0, s.cr4 = cr4;
      const uint16_t cs = s.seg[CS].selector;
      if (t.vector < 0) {
        CHECK(cs == uint16_t((0x1000 + 32 * k) >> 4));
      } else {
        CHECK(cs == 0x2000 + t.vector);
        if (!t.mmx) CHECK(r.x0[0] == 0x1234);  // the destination is left alone
      }
      if (t.vector == kSimdError || (t.vector == kInvalidOpcode && t.mxcsr == 0x1f00)) CHECK((r.mxcsr & 1) == 1);
    }
  }
}
#endif


#include "cpu/x86/cpuid.h"

#if defined(__x86_64__)
TEST_CASE("x86 RCPPS/RSQRTPS/RCPSS/RSQRTSS: within the hardware's error bound of the host's, specials exact",
          "[x86][sse]") {
  Native native;
  for (bool use_jit : {false, true}) {
    if (use_jit && !jit::available()) continue;
    Kiln kiln(use_jit);
    const std::vector<uint8_t> insns[] = {{0x0F, 0x53, 0xC1}, {0x0F, 0x52, 0xC1}, {0xF3, 0x0F, 0x53, 0xC1},
                                          {0xF3, 0x0F, 0x52, 0xC1}};
    for (unsigned k = 0; k < 4; k++) kiln.place(k, insns[k]);
    Rng g{7};
    for (unsigned k = 0; k < 4; k++) {
      for (unsigned rep = 0; rep < 300; rep++) {
        HostRegs in{};
        in.x0[0] = lane64(g), in.x0[1] = lane64(g);
        in.x1[0] = uint64_t(lane32(g)) | uint64_t(lane32(g)) << 32, in.x1[1] = uint64_t(lane32(g)) | uint64_t(lane32(g)) << 32;
        in.mxcsr = 0x1f80;
        HostRegs host = in, mine = in;
        native.run(insns[k], false, host);
        kiln.run(k, false, mine);
        CHECK(mine.mxcsr == host.mxcsr);
        for (unsigned i = 0; i < 4; i++) {
          uint32_t h, m;
          std::memcpy(&h, reinterpret_cast<uint8_t*>(host.x0) + 4 * i, 4);
          std::memcpy(&m, reinterpret_cast<uint8_t*>(mine.x0) + 4 * i, 4);
          float hf, mf;
          std::memcpy(&hf, &h, 4);
          std::memcpy(&mf, &m, 4);
          INFO((use_jit ? "jit " : "interp ") << k << " lane " << i << std::hex << ": host " << h << " kiln " << m);
          if ((h & 0x7f800000) == 0 || (h & 0x7f800000) == 0x7f800000 || (m & 0x7f800000) == 0 ||
              (m & 0x7f800000) == 0x7f800000)
            CHECK(h == m);  // zeros, infinities, NaNs
          else
            CHECK(std::abs(double(mf) - double(hf)) <= std::abs(double(hf)) * 0x1p-10);
        }
      }
    }
  }
}
#endif

TEST_CASE("x86 CPUID: MMX and SSE from the Pentium III, SSE2-SSSE3 on x86-64, none on the Pentium (P54C)", "[x86][sse]") {
  using namespace kiln::x86;
  const uint32_t kMmx = mask_of(Feature::Mmx), kSse = mask_of(Feature::Sse), kSse2 = mask_of(Feature::Sse2);
  const uint32_t kEcxSse3 = mask_of(Feature::Pni), kEcxSsse3 = mask_of(Feature::Ssse3);
  const CpuidResult p5 = cpuid(Model::Pentium, 1, 0), p3 = cpuid(Model::Pentium3, 1, 0), x64 = cpuid(Model::X64, 1, 0);
  CHECK((p5.edx & (kMmx | kSse | kSse2)) == 0);
  CHECK((p3.edx & (kMmx | kSse | kSse2)) == (kMmx | kSse));
  CHECK((p3.ecx & (kEcxSse3 | kEcxSsse3)) == 0);
  CHECK((x64.edx & (kMmx | kSse | kSse2)) == (kMmx | kSse | kSse2));
  CHECK((x64.ecx & (kEcxSse3 | kEcxSsse3)) == (kEcxSse3 | kEcxSsse3));
}

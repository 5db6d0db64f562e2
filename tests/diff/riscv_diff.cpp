// kiln_diff_riscv: the differential fuzzer between Kiln's two tiers.
//
// Each case is a random RV64GC program: a straight-line body of random valid
// instructions (every row of the decode table is a candidate, with fields
// fixed up so the program stays inside its sandbox), run a few times by a
// loop, from a random register file. The case runs once on a hart with the
// interpreter alone and once on a hart whose blocks go native after their
// first execution (-accel jit,threshold=1,straight=1,sync=on; loops get quick
// code, optimised code, or quick code replaced by optimised code after one
// back-edge); the full architectural state and all of RAM must then be identical.
//
// The sandbox: control transfers are forward only (branches and jumps land on
// a later instruction of the body or on the loop tail), loads and stores are
// based on registers the body never writes (x2, x29, x30 point into a data
// area), and CSR accesses are limited to ones whose effects both tiers must
// reproduce exactly (fcsr, counters, mscratch). Instructions that trap
// (illegal encodings, misaligned AMOs, accesses through a random register,
// ecall, ebreak) go to a handler that steps over them, so one program
// exercises many traps.
//
//   kiln_diff_riscv [--seed S|time] [--cases N] [--seconds T] [--verbose]
//
// Case i uses seed S+i; a failure prints its seed, and `--seed <that> --cases 1`
// reproduces it. Exit 0 if every case agreed, 1 on a mismatch, 77 (skip) when
// this build has no JIT.
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "cpu/riscv/cpu.h"
#include "cpu/riscv/decode.h"
#include "engine/engine.h"
#include "jit/jit.h"
#include "mem/physmap.h"
#include "tests/diff/diff_cli.h"

namespace {

using namespace kiln;

constexpr uint64_t kRamBase = 0x80000000;
constexpr uint64_t kRamSize = 64 * 1024;
constexpr uint64_t kHandler = kRamBase;          // the trap handler
constexpr uint64_t kData = kRamBase + 0x8000;    // data area, 4 KiB
constexpr uint64_t kAmoBase = kData + 0x100;     // x29: 8-aligned
constexpr uint64_t kMemBase = kData + 0x800;     // x30: +-2 KiB reaches the whole area
constexpr unsigned kLoops = 3;                   // x31 counts the body's iterations

// Registers the body must not write: the data pointers, the loop counter and
// the handler's scratch registers.
bool reserved(unsigned r) { return r == 2 || r >= 27; }

// ---- encoders for the fixed parts and the fix-ups
uint32_t enc_i(uint32_t op, unsigned rd, unsigned f3, unsigned rs1, int32_t imm) {
  return (uint32_t(imm) & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op;
}
uint32_t b_imm(int32_t off) {
  uint32_t o = uint32_t(off);
  return ((o >> 12) & 1) << 31 | ((o >> 5) & 0x3f) << 25 | ((o >> 1) & 0xf) << 8 | ((o >> 11) & 1) << 7;
}
uint32_t j_imm(int32_t off) {
  uint32_t o = uint32_t(off);
  return ((o >> 20) & 1) << 31 | ((o >> 1) & 0x3ff) << 21 | ((o >> 11) & 1) << 20 | ((o >> 12) & 0xff) << 12;
}
uint32_t cj_imm(int32_t off) {  // c.j: offset[11|4|9:8|10|6|7|3:1|5] in bits 12:2
  uint32_t o = uint32_t(off);
  auto bit = [&](unsigned i) { return (o >> i) & 1; };
  return bit(11) << 12 | bit(4) << 11 | bit(9) << 10 | bit(8) << 9 | bit(10) << 8 | bit(6) << 7 | bit(7) << 6 |
         bit(3) << 5 | bit(2) << 4 | bit(1) << 3 | bit(5) << 2;
}
uint32_t cb_imm(int32_t off) {  // c.beqz/c.bnez: offset[8|4:3] in 12:10, [7:6|2:1|5] in 6:2
  uint32_t o = uint32_t(off);
  auto bit = [&](unsigned i) { return (o >> i) & 1; };
  return bit(8) << 12 | bit(4) << 11 | bit(3) << 10 | bit(7) << 6 | bit(6) << 5 | bit(2) << 4 | bit(1) << 3 |
         bit(5) << 2;
}

struct Insn {
  uint32_t raw;
  unsigned len;
  const riscv::DecodeEntry* row;
  enum Jump { None, B, J, CJ, CB } jump = None;
};

class Generator {
 public:
  explicit Generator(uint64_t seed) : rng_(seed) {}
  uint64_t u64() { return rng_(); }
  uint64_t below(uint64_t n) { return rng_() % n; }

  // A random register value: small numbers, boundary values, pointers into
  // the data area, or any 64 bits.
  uint64_t reg_value() {
    switch (below(6)) {
      case 0: return below(64) - 32;
      case 1: {
        static constexpr uint64_t kEdges[] = {0, 1, ~0ull, 0x7fffffffffffffffull, 0x8000000000000000ull,
                                              0x7fffffff, 0x80000000, 0xffffffff, 0xffffffff80000000ull};
        return kEdges[below(std::size(kEdges))];
      }
      case 2: return kData + below(0x1000 - 256);
      case 3: return uint32_t(u64());
      default: return u64();
    }
  }
  // A random FP register: NaN-boxed floats and doubles, specials among them.
  uint64_t fp_value() {
    static constexpr uint64_t kSpecials[] = {
        0x0000000000000000ull, 0x8000000000000000ull, 0x7ff0000000000000ull, 0xfff0000000000000ull,
        0x7ff8000000000000ull, 0x7ff4000000000000ull, 0x0000000000000001ull, 0x3ff0000000000000ull,
        0xffffffff7f800000ull, 0xffffffff7fc00000ull, 0xffffffff7fa00000ull, 0xffffffff00000001ull,
        0xffffffff3f800000ull, 0xffffffff80000000ull, 0x00000000ffffffffull};
    switch (below(5)) {
      case 0: return kSpecials[below(std::size(kSpecials))];
      case 1: {  // a float in a common range, NaN-boxed
        float f = float(int64_t(below(2000)) - 1000) / float(1 + below(64));
        uint32_t bits;
        std::memcpy(&bits, &f, 4);
        return 0xffffffff00000000ull | bits;
      }
      case 2: {
        double d = double(int64_t(below(2000000)) - 1000000) / double(1 + below(1000));
        uint64_t bits;
        std::memcpy(&bits, &d, 8);
        return bits;
      }
      case 3: return 0xffffffff00000000ull | uint32_t(u64());
      default: return u64();
    }
  }

  // One random instruction from the decode table, fixed up for the sandbox.
  // Returns false to ask for another draw.
  bool instruction(Insn* out) {
    auto table = riscv::decode_table();
    const riscv::DecodeEntry& row = table[below(table.size())];
    std::string name = row.name;
    static const char* const kExcluded[] = {"jalr", "sret", "mret", "wfi", "sfence_vma", "c_jr", "c_jalr",
                                            "c_addi16sp"};
    for (const char* x : kExcluded)
      if (name == x) return false;
    uint32_t raw = row.match | (uint32_t(u64()) & ~row.mask);
    if (row.compressed) raw &= 0xffff;
    Insn in{raw, row.compressed ? 2u : 4u, &row};
    using F = riscv::Format;
    auto fix_rd = [&](unsigned shift) {
      unsigned rd = (in.raw >> shift) & 31;
      if (reserved(rd)) in.raw = (in.raw & ~(31u << shift)) | unsigned(3 + below(24)) << shift;
    };
    auto set_rs1 = [&](unsigned r) { in.raw = (in.raw & ~(31u << 15)) | r << 15; };
    auto mem_base = [&] {  // mostly the data area; sometimes whatever a register holds
      uint64_t pick = below(20);
      if (pick == 0) return;  // random base: usually a fault
      set_rs1(pick < 3 ? 2 : 30);
    };
    switch (row.format) {
      case F::R: case F::R4: case F::U: case F::Shift6:
        fix_rd(7);
        break;
      case F::I:
        fix_rd(7);
        if ((raw & 0x7f) == 0x03 || (raw & 0x7f) == 0x07) mem_base();  // LOAD, LOAD-FP
        break;
      case F::S:
        mem_base();
        break;
      case F::Amo:
        fix_rd(7);
        if (below(10)) set_rs1(below(4) ? 29 : 30);
        break;
      case F::Csr: {
        fix_rd(7);
        // fflags frm fcsr mscratch mcountinhibit mcycle minstret cycle instret
        static constexpr uint32_t kCsrs[] = {0x001, 0x002, 0x003, 0x340, 0x320, 0xb00, 0xb02, 0xc00, 0xc02};
        uint32_t csr = kCsrs[below(std::size(kCsrs))];
        in.raw = (in.raw & 0x000fffff) | csr << 20;
        break;
      }
      case F::B: in.jump = Insn::B; break;
      case F::J: fix_rd(7); in.jump = Insn::J; break;
      case F::CJ: in.jump = Insn::CJ; break;
      case F::CB: in.jump = Insn::CB; break;
      case F::CI: case F::CISH: case F::CILUI: case F::CLWSP: case F::CLDSP: case F::CR:
        fix_rd(7);
        break;
      default:
        break;
    }
    riscv::Args args;
    const riscv::DecodeEntry* again = riscv::decode(in.raw, &args);
    if (!again) return false;
    for (const char* x : kExcluded)
      if (std::strcmp(again->name, x) == 0) return false;
    in.row = again;
    *out = in;
    return true;
  }

 private:
  std::mt19937_64 rng_;
};

// The program: handler at kHandler, body at `body`, then the loop tail.
struct Program {
  uint64_t body = 0;
  std::vector<uint8_t> code;  // from `body`
  std::vector<uint64_t> pcs;  // each body instruction's address (for listings)
  std::vector<uint8_t> handler;
};

void put(std::vector<uint8_t>& v, uint32_t raw, unsigned len) {
  for (unsigned i = 0; i < len; i++) v.push_back(uint8_t(raw >> (8 * i)));
}

Program make_program(Generator& g) {
  Program p;
  // The handler steps over the trapping instruction (2 or 4 bytes) and returns.
  auto& h = p.handler;
  put(h, 0x34102e73, 4);                    // csrr  x28, mepc
  put(h, enc_i(0x03, 27, 5, 28, 0), 4);     // lhu   x27, 0(x28)
  put(h, enc_i(0x13, 27, 7, 27, 3), 4);     // andi  x27, x27, 3
  put(h, enc_i(0x13, 27, 4, 27, 3), 4);     // xori  x27, x27, 3
  put(h, enc_i(0x13, 28, 0, 28, 2), 4);     // addi  x28, x28, 2
  put(h, 0x000d9463, 4);                    // bnez  x27, +8
  put(h, enc_i(0x13, 28, 0, 28, 2), 4);     // addi  x28, x28, 2
  put(h, 0x341e1073, 4);                    // csrw  mepc, x28
  put(h, 0x30200073, 4);                    // mret

  // Sometimes start the body just below a page boundary, so blocks straddle it.
  p.body = g.below(2) ? kRamBase + 0x100 : kRamBase + 0x1000 - 2 * g.below(64);
  unsigned n = 4 + unsigned(g.below(48));
  std::vector<Insn> insns;
  while (insns.size() < n) {
    Insn in;
    if (g.instruction(&in)) insns.push_back(in);
  }
  std::vector<uint64_t> at;
  uint64_t pc = p.body;
  for (const Insn& in : insns) {
    at.push_back(pc);
    pc += in.len;
  }
  const uint64_t tail = pc;
  // Forward jumps: to a later instruction within reach, or to the tail.
  for (size_t i = 0; i < insns.size(); i++) {
    Insn& in = insns[i];
    if (in.jump == Insn::None) continue;
    uint64_t reach = in.jump == Insn::CB ? 254 : in.jump == Insn::CJ ? 2046 : 4094;
    std::vector<uint64_t> targets;
    for (size_t k = i + 1; k <= insns.size(); k++) {
      uint64_t t = k < insns.size() ? at[k] : tail;
      if (t - at[i] <= reach) targets.push_back(t);
    }
    int32_t off = int32_t(targets[g.below(targets.size())] - at[i]);
    switch (in.jump) {
      case Insn::B: in.raw = (in.raw & 0x01fff07f) | b_imm(off); break;
      case Insn::J: in.raw = (in.raw & 0x00000fff) | j_imm(off); break;
      case Insn::CJ: in.raw = (in.raw & 0xe003) | cj_imm(off); break;
      case Insn::CB: in.raw = (in.raw & 0xe383) | cb_imm(off); break;
      default: break;
    }
  }
  for (size_t i = 0; i < insns.size(); i++) {
    put(p.code, insns[i].raw, insns[i].len);
    p.pcs.push_back(at[i]);
  }
  // Tail: addi x31, x31, -1; bne x31, x0, body; wfi
  put(p.code, enc_i(0x13, 31, 0, 31, -1), 4);
  int32_t back = int32_t(p.body - (tail + 4));
  put(p.code, (31u << 15) | (1u << 12) | 0x63 | b_imm(back), 4);
  put(p.code, 0x10500073, 4);
  return p;
}

struct InitialState {
  uint64_t x[32], f[32], frm, fflags;
  std::vector<uint8_t> data;
};

InitialState make_state(Generator& g) {
  InitialState s;
  for (uint64_t& v : s.x) v = g.reg_value();
  for (uint64_t& v : s.f) v = g.fp_value();
  s.x[0] = 0;
  s.x[2] = kData;
  s.x[29] = kAmoBase;
  s.x[30] = kMemBase;
  s.x[31] = kLoops;
  s.frm = g.below(8) ? g.below(5) : 5 + g.below(3);  // now and then an invalid dynamic mode
  s.fflags = g.below(32);
  s.data.resize(0x1000);
  for (uint8_t& b : s.data) b = uint8_t(g.u64());
  return s;
}

// One hart with its own RAM, run by one tier.
struct Hart {
  mem::PhysMap map;
  Log log;
  std::unique_ptr<riscv::RiscvCpu> cpu;
  std::unique_ptr<engine::Engine> engine;
  bool finished = false;

  Hart(const Program& p, const InitialState& init, jit::Jit* jit, unsigned threshold, uint64_t optimize_after) {
    Status st = map.add_ram("ram", kRamBase, kRamSize);
    (void)st;
    map.write(kHandler, p.handler.data(), p.handler.size());
    map.write(p.body, p.code.data(), p.code.size());
    map.write(kData, init.data.data(), init.data.size());
    cpu = std::make_unique<riscv::RiscvCpu>(map, log, 0);
    cpu->reset(p.body);
    riscv::RiscvState& s = cpu->s();
    std::memcpy(s.x, init.x, sizeof s.x);
    std::memcpy(s.f, init.f, sizeof s.f);
    s.frm = init.frm;
    s.fflags = init.fflags;
    s.mtvec = kHandler;
    s.mstatus = (1ull << riscv::mstatus::FS_SHIFT) | riscv::mstatus::MPP;  // FPU on, mret stays in M
    engine::Options o;
    o.verify_ir = true;
    o.jit = jit;
    o.jit_threshold = threshold;
    o.jit_straight_threshold = threshold;
    o.jit_optimize_after = optimize_after;
    o.jit_sync = true;
    engine = std::make_unique<engine::Engine>(*cpu, map, log, o);
  }
  void run() {
    // The program ends at its wfi (nothing can wake the hart). A store into
    // the code can build a loop; the budget catches that.
    finished = engine->run_for(100000) == engine::Engine::SliceEnd::Idle;
  }
};

// Compares everything architectural; returns a description of the differences.
std::string compare(Hart& a, Hart& b) {
  std::string out;
  char line[160];
  riscv::RiscvState &s = a.cpu->s(), &t = b.cpu->s();
  auto field = [&](const char* name, uint64_t x, uint64_t y) {
    if (x == y) return;
    std::snprintf(line, sizeof line, "  %-10s interp 0x%016" PRIx64 "  jit 0x%016" PRIx64 "\n", name, x, y);
    out += line;
  };
  char name[16];
  for (unsigned i = 0; i < 32; i++) {
    std::snprintf(name, sizeof name, "x%u", i);
    field(name, s.x[i], t.x[i]);
  }
  for (unsigned i = 0; i < 32; i++) {
    std::snprintf(name, sizeof name, "f%u", i);
    field(name, s.f[i], t.f[i]);
  }
  field("pc", s.pc, t.pc);
  field("instret", s.insns_retired, t.insns_retired);
  field("fflags", s.fflags, t.fflags);
  field("frm", s.frm, t.frm);
  field("priv", s.priv, t.priv);
  field("mstatus", s.mstatus, t.mstatus);
  field("mepc", s.mepc, t.mepc);
  field("mcause", s.mcause, t.mcause);
  field("mtval", s.mtval, t.mtval);
  field("mscratch", s.mscratch, t.mscratch);
  field("mcountinh", s.mcountinhibit, t.mcountinhibit);
  field("instret_of", s.instret_offset, t.instret_offset);
  field("cycle_of", s.cycle_offset, t.cycle_offset);
  field("instret_fz", s.instret_frozen, t.instret_frozen);
  field("cycle_fz", s.cycle_frozen, t.cycle_frozen);
  field("reserv", s.reservation, t.reservation);
  std::vector<uint8_t> ma(kRamSize), mb(kRamSize);
  a.map.read(kRamBase, ma.data(), kRamSize);
  b.map.read(kRamBase, mb.data(), kRamSize);
  for (uint64_t i = 0; i < kRamSize; i += 8) {
    uint64_t x, y;
    std::memcpy(&x, &ma[i], 8);
    std::memcpy(&y, &mb[i], 8);
    std::snprintf(name, sizeof name, "[%05" PRIx64 "]", i);
    field(name, x, y);
  }
  return out;
}

void list_program(const Program& p, Hart& h) {
  std::printf("  body at 0x%" PRIx64 ":\n", p.body);
  for (uint64_t pc : p.pcs) std::printf("    %08" PRIx64 "  %s\n", pc, h.cpu->disassemble(pc).c_str());
}

}  // namespace

int main(int argc, char** argv) {
  const difftest::DiffArgs args = difftest::parse_args("kiln_diff_riscv", argc, argv);
  const uint64_t seed = args.seed, cases = args.cases;
  const bool verbose = args.verbose;
  std::unique_ptr<jit::Jit> jit = difftest::start_jit("kiln_diff_riscv");
  auto t0 = std::chrono::steady_clock::now();
  uint64_t done = 0, looped = 0, insns = 0;
  for (uint64_t c = 0; c < cases; c++) {
    if (difftest::time_up(args, t0)) break;
    const uint64_t case_seed = seed + c;
    Generator g(case_seed);
    Program p = make_program(g);
    InitialState init = make_state(g);
    Hart interp(p, init, nullptr, 0, 0);
    unsigned threshold = 1 + unsigned(g.below(2));
    // Loops: optimised code at once, quick code replaced by it after one
    // back-edge, or quick code only.
    static constexpr uint64_t kOptimizeAfter[] = {0, 1, ~0ull};
    Hart native(p, init, jit.get(), threshold, kOptimizeAfter[g.below(3)]);
    interp.run();
    // A program that rewrote its code into a loop is not compared; under the
    // JIT (every block compiled on its first run, waiting for it) such a run
    // can take seconds: a sled of thousands of one-instruction blocks.
    if (interp.finished) native.run();
    done++;
    insns += interp.cpu->s().insns_retired;
    if (!interp.finished) {  // code rewritten into a loop: not comparable
      looped++;
      continue;
    }
    // The JIT running on where the interpreter finished is a difference too.
    std::string diff = native.finished ? compare(interp, native) : "  the JIT did not finish (a loop?)\n";
    if (verbose) {
      std::printf("case seed %" PRIu64 ":\n", case_seed);
      list_program(p, interp);
    }
    if (!diff.empty()) {
      std::printf("kiln_diff_riscv: MISMATCH, seed %" PRIu64 " (rerun: --seed %" PRIu64 " --cases 1 --verbose)\n",
                  case_seed, case_seed);
      list_program(p, interp);
      std::printf("  differences:\n%s", diff.c_str());
      return 1;
    }
  }
  double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("kiln_diff_riscv: %" PRIu64 " cases (seeds %" PRIu64 "..%" PRIu64 "), %" PRIu64
              " guest instructions each tier, %" PRIu64 " skipped (rewrote their own code into a loop), "
              "%.1f s: interp and jit agree\n",
              done, seed, seed + done - 1, insns, looped, took);
  return done > looped ? 0 : 1;
}

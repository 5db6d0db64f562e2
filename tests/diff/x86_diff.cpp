// kiln_diff_x86: the differential fuzzer between Kiln's two tiers, x86 front.
//
// Each case is a random x86 program (tests/diff/x86_gen.h: integer
// instructions of every width, Jcc over the next instruction, a loop around
// the body run one to three times) in 64-bit long mode at CPL 3 with paging,
// 32-bit protected mode at CPL 0, or real mode, from a random register file,
// flags and data area. It runs once with the interpreter alone and once with
// every block compiled on its first run (-accel jit,threshold=1,sync=on);
// the architectural state (registers, flags, pc, segments, the pending
// exception) and all of RAM must then be identical. Programs end with UD2;
// that and any other exception (#DE from a divide, mostly) go to a handler
// that halts.
//
//   kiln_diff_x86 [--seed S|time] [--cases N] [--seconds T] [--verbose]
//
// Case i uses seed S+i; a failure prints its seed, and `--seed <that> --cases 1`
// reproduces it. Exit 0 if every case agreed, 1 on a mismatch, 77 (skip) when
// this build has no JIT.
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>

#include "tests/diff/diff_cli.h"
#include "tests/diff/x86_gen.h"

namespace {

using namespace kiln;
using namespace kiln::x86test;

std::string compare(Guest& a, Guest& b) {
  std::string out;
  char line[160];
  X86State &s = a.cpu->s(), &t = b.cpu->s();
  auto field = [&](const char* name, uint64_t x, uint64_t y) {
    if (x == y) return;
    std::snprintf(line, sizeof line, "  %-10s interp 0x%016" PRIx64 "  jit 0x%016" PRIx64 "\n", name, x, y);
    out += line;
  };
  char name[32];
  for (unsigned i = 0; i < 16; i++) {
    std::snprintf(name, sizeof name, "r%u", i);
    field(name, s.gpr[i], t.gpr[i]);
  }
  field("pc", s.pc, t.pc);
  field("rflags", read_flags(s), read_flags(t));
  field("instret", s.insns_retired, t.insns_retired);
  for (unsigned g = 0; g < 6; g++) {
    std::snprintf(name, sizeof name, "seg%u.sel", g);
    field(name, s.seg[g].selector, t.seg[g].selector);
    std::snprintf(name, sizeof name, "seg%u.base", g);
    field(name, s.seg[g].base, t.seg[g].base);
    std::snprintf(name, sizeof name, "seg%u.limit", g);
    field(name, s.seg[g].limit, t.seg[g].limit);
    std::snprintf(name, sizeof name, "seg%u.attr", g);
    field(name, s.seg[g].attr, t.seg[g].attr);
  }
  field("cpl", s.cpl, t.cpl);
  field("cr2", s.cr2, t.cr2);
  field("fault", s.fault, t.fault);
  auto ram = [&](uint64_t base, uint64_t size) {
    std::vector<uint8_t> ma(size), mb(size);
    a.map.read(base, ma.data(), size);
    b.map.read(base, mb.data(), size);
    for (uint64_t i = 0; i < size; i += 8) {
      uint64_t x, y;
      std::memcpy(&x, &ma[i], 8);
      std::memcpy(&y, &mb[i], 8);
      std::snprintf(name, sizeof name, "[%08" PRIx64 "]", base + i);
      field(name, x, y);
    }
  };
  ram(0, kLowSize);
  if (a.mode == Mode::Long64) ram(kUserBase, kUserSize);
  return out;
}

void list_program(const Program& p, Guest& g) {
  std::printf("  %s program:\n", mode_name(p.mode));
  for (const Insn& in : p.insns) std::printf("    %s\n", g.cpu->disassemble(in.addr).c_str());
}

}  // namespace

int main(int argc, char** argv) {
  const difftest::DiffArgs args = difftest::parse_args("kiln_diff_x86", argc, argv);
  const uint64_t seed = args.seed, cases = args.cases;
  const bool verbose = args.verbose;
  std::unique_ptr<jit::Jit> jit = difftest::start_jit("kiln_diff_x86");
  auto t0 = std::chrono::steady_clock::now();
  uint64_t done = 0, insns = 0, per_mode[3] = {}, early = 0;
  for (uint64_t c = 0; c < cases; c++) {
    if (difftest::time_up(args, t0)) break;
    const uint64_t case_seed = seed + c;
    const Mode mode = Mode(case_seed % 3);
    Generator g(case_seed, mode);
    Program p = g.program(2 + unsigned(g.below(40)), true);
    InitialState init = g.state();
    Guest interp(mode, p, init, nullptr);
    Guest native(mode, p, init, jit.get());
    const bool a = interp.run(), b = a && native.run();
    done++;
    per_mode[unsigned(mode)]++;
    insns += interp.cpu->s().insns_retired;
    const bool ended_early = a && interp.stop_pc() != p.end();
    early += ended_early;
    std::string diff = !a ? "  the interpreter did not halt\n" : !b ? "  the JIT did not halt\n" : compare(interp, native);
    if (verbose) {
      std::printf("case seed %" PRIu64 " (stopped by vector %u at %08" PRIx64 "%s):\n", case_seed, interp.vector(),
                  interp.stop_pc(), ended_early ? ", before the end" : "");
      list_program(p, interp);
    }
    if (!diff.empty()) {
      std::printf("kiln_diff_x86: MISMATCH, seed %" PRIu64 " (rerun: --seed %" PRIu64 " --cases 1 --verbose)\n",
                  case_seed, case_seed);
      list_program(p, interp);
      std::printf("  differences:\n%s", diff.c_str());
      return 1;
    }
  }
  double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("kiln_diff_x86: %" PRIu64 " cases (seeds %" PRIu64 "..%" PRIu64 "; %" PRIu64 " 64-bit, %" PRIu64
              " 32-bit, %" PRIu64 " real mode; %" PRIu64 " stopped early by an exception), %" PRIu64 " guest instructions each tier, "
              "%.1f s: interp and jit agree\n",
              done, seed, seed + done - 1, per_mode[0], per_mode[1], per_mode[2], early, insns, took);
  return done > 0 ? 0 : 1;
}

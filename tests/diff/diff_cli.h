// What the differential fuzzers' mains share (kiln_diff_riscv, kiln_diff_x86):
// the command line `[--seed S|time] [--cases N] [--seconds T] [--verbose]`,
// the time budget, and starting the JIT (or skipping without one).
#pragma once
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>

#include "common/parse.h"
#include "jit/jit.h"

namespace kiln::difftest {

struct DiffArgs {
  uint64_t seed = 1;
  uint64_t cases = ~0ull;  // unbounded: run until `seconds` are spent
  double seconds = 10;
  bool verbose = false;
};

// Parses the command line; bad arguments print one line and exit with status 2.
inline DiffArgs parse_args(const char* prog, int argc, char** argv) {
  DiffArgs d;
  auto bad = [&](const std::string& what) {
    std::fprintf(stderr, "%s: %s (usage: %s [--seed S|time] [--cases N] [--seconds T] [--verbose])\n", prog,
                 what.c_str(), prog);
    std::exit(2);
  };
  for (int i = 1; i < argc; i++) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) bad(a + " needs a value");
      return argv[++i];
    };
    auto number = [&]() -> uint64_t {
      const std::string v = value();
      std::optional<uint64_t> n = parse_u64(v);
      if (!n) bad(a + " needs a number, not '" + v + "'");
      return *n;
    };
    if (a == "--seed") {
      if (i + 1 < argc && std::string(argv[i + 1]) == "time") {
        i++;
        d.seed = uint64_t(std::chrono::system_clock::now().time_since_epoch().count()) % 1000000007;
      } else {
        d.seed = number();
      }
    } else if (a == "--cases") {
      d.cases = number();
    } else if (a == "--seconds") {
      const std::string v = value();
      char* end = nullptr;
      d.seconds = std::strtod(v.c_str(), &end);
      if (v.empty() || *end || !(d.seconds >= 0)) bad("--seconds needs a number of seconds, not '" + v + "'");
    } else if (a == "--verbose") {
      d.verbose = true;
    } else {
      bad("unknown argument " + a);
    }
  }
  return d;
}

// True once the time budget is spent (only when no --cases was given).
inline bool time_up(const DiffArgs& d, std::chrono::steady_clock::time_point t0) {
  return d.cases == ~0ull && std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() > d.seconds;
}

// The JIT for the native tier: exits 77 (ctest's skip) when this build has
// none, 2 when it cannot start.
inline std::unique_ptr<jit::Jit> start_jit(const char* prog) {
  if (!jit::available()) {
    std::printf("%s: skipped: this build has no JIT\n", prog);
    std::exit(77);
  }
  std::string error;
  std::unique_ptr<jit::Jit> j = jit::create(&error);
  if (!j) {
    std::fprintf(stderr, "%s: cannot start the JIT: %s\n", prog, error.c_str());
    std::exit(2);
  }
  return j;
}

}  // namespace kiln::difftest

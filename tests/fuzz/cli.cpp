// Fuzz target: the command-line parser (apps/cli.h parse_args). The input is
// an argument vector, one argument per NUL-separated piece, so the fuzzer
// can grow option lists and mutate each value. Parsing only: nothing is
// opened or built. Every vector must parse or give an error message, never a
// crash or an exception.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "apps/cli.h"

using namespace kiln;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<std::string> args(1);
  for (size_t i = 0; i < size && args.size() <= 64; i++) {
    if (data[i] == 0) args.emplace_back();
    else args.back().push_back(char(data[i]));
  }
  if (size == 0) args.clear();
  Result<apps::Options> o = apps::parse_args(args);
  if (!o && o.error().empty()) {
    std::fprintf(stderr, "fuzz: parse_args failed without saying why\n");
    std::abort();
  }
  return 0;
}

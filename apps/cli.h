// The kiln command line, in QEMU's spelling where the two overlap. Parsing is
// separate from main() so tests can feed it argument vectors.
#pragma once
#include <string>
#include <vector>

#include "common/result.h"
#include "gdbstub/transport.h"
#include "machine/machine.h"

namespace kiln::apps {

struct Options {
  machine::Config machine;
  bool demo = false;  // no arguments: run the built-in demo
  bool help = false, version = false, stats = false;
  uint32_t log_mask = 0;
  std::string log_file;
  bool gdb = false;        // -s / -gdb: serve the GDB remote protocol at gdb_endpoint
  gdbstub::Endpoint gdb_endpoint;
  bool gdb_wait = false;   // -S: halted until gdb connects and resumes the guest
};

Result<Options> parse_args(const std::vector<std::string>& args);
std::string usage();

}  // namespace kiln::apps

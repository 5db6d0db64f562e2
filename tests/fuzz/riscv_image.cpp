// Fuzz target: the RISC-V Linux `Image` loader (header, text_offset,
// image_size, the fit check) on the virt board, as `-kernel F` behind a small
// firmware where OpenSBI would be. Inputs that are not Images take the
// raw-binary path. Every input must give a machine or one error, never a
// crash. (Slow: each input builds a whole machine, whose softTLBs alone take
// tens of milliseconds to zero.)
#include "tests/fuzz/fuzz_util.h"

using namespace kiln;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static fuzz::InputFile file("image");
  const std::string& path = file.write(data, size);

  machine::Config cfg;
  cfg.board = "virt";
  cfg.ram_bytes = 16ull << 20;
  cfg.kernel = path;
  cfg.bios = fuzz::spin_file();
  fuzz::build_machine(cfg);
  return 0;
}

// Fuzz target: a device tree given with `-dtb F` on the virt board, which
// checks it and places it in guest RAM for the firmware and kernel. Every
// input must give a machine or one error, never a crash. The corpus holds
// trees the board generates itself (-M virt,dumpdtb=F) with different
// -m, -smp, -initrd, -append and -drive options.
#include "tests/fuzz/fuzz_util.h"

using namespace kiln;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static fuzz::InputFile file("dtb");
  machine::Config cfg;
  cfg.board = "virt";
  cfg.ram_bytes = 16ull << 20;
  cfg.bios_none = true;
  cfg.kernel = fuzz::spin_file();
  cfg.dtb = file.write(data, size);
  fuzz::build_machine(cfg);
  return 0;
}

// Fuzz target: the ELF loader (firmware/elf.h) as the boards use it: the
// input is loaded for EM_RISCV into guest RAM at 0x80000000, and the
// `tohost`/`fromhost` symbols it defines are handed to HTIF as -M spike does. The loader is called directly
// rather than through a board: building a machine costs tens of milliseconds
// (its softTLBs are zeroed), a load a few microseconds. Every input must load
// or give one error, never a crash; what loads must lie in RAM.
#include <cstdio>

#include "devices/riscv/htif.h"
#include "firmware/elf.h"
#include "tests/fuzz/fuzz_util.h"

using namespace kiln;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  constexpr uint64_t kRam = 0x80000000, kRamSize = 8 << 20;
  static std::FILE* console = std::fopen("/dev/null", "w");
  mem::PhysMap map;
  if (!map.add_ram("ram", kRam, kRamSize)) fuzz::fail("cannot map guest RAM");
  std::vector<uint8_t> file(data, data + size);
  Result<firmware::LoadedImage> img = firmware::load_elf(file, 243, map, "fuzz.elf");
  if (!img) {
    if (img.error().empty()) fuzz::fail("load_elf failed without saying why");
    return 0;
  }
  if (img->low < kRam || img->high > kRam + kRamSize || img->low >= img->high)
    fuzz::fail("load_elf accepted segments outside RAM");
  auto sym = [&](const char* name) {
    auto it = img->symbols.find(name);
    return it == img->symbols.end() ? 0 : it->second;
  };
  if (uint64_t tohost = sym("tohost")) {
    devices::Htif htif(map, console, [](int) {});
    (void)htif.attach(tohost, sym("fromhost"));
  }
  return 0;
}

// The built-in demo guest (roms/demo/demo.c on roms/riscv-rt), embedded as an
// ELF image so `kiln` with no arguments has something to run.
#pragma once
#include <cstddef>

namespace kiln::roms {
extern const unsigned char kDemoImage[];
extern const size_t kDemoImageSize;
}  // namespace kiln::roms

// ELF64 and raw-binary loaders. Every field read from the file is checked
// against the file's size and the guest's memory before use: a truncated or
// malformed image, or a segment outside RAM, is one clear error, never a crash.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/result.h"
#include "mem/physmap.h"

namespace kiln::firmware {

struct LoadedImage {
  uint64_t entry = 0;
  uint64_t low = 0, high = 0;                 // physical range the segments occupy
  std::map<std::string, uint64_t> symbols;    // from .symtab, if present
};

Result<std::vector<uint8_t>> read_file(const std::string& path);
bool is_elf(const std::vector<uint8_t>& data);
// Loads an ELF64 little-endian image for `machine` (EM_RISCV = 243, EM_X86_64 = 62).
Result<LoadedImage> load_elf(const std::vector<uint8_t>& data, uint16_t machine, mem::PhysMap& map,
                             const std::string& name);
Result<LoadedImage> load_raw(const std::vector<uint8_t>& data, uint64_t addr, mem::PhysMap& map,
                             const std::string& name);

}  // namespace kiln::firmware

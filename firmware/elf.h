// ELF64 and raw-binary loaders, and the one way boards read an image file.
// Every field read from the file is checked against the file's size and the
// guest's memory before use, with overflow-safe arithmetic: a truncated or
// malformed image, or a segment outside RAM, is one clear error, never a crash.
// Files are bounded before they are read: only regular files, and none larger
// than the space they must fit in (a device such as /dev/zero never ends).
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/result.h"
#include "firmware/placement.h"
#include "mem/physmap.h"

namespace kiln::firmware {

struct LoadedImage {
  uint64_t entry = 0;
  uint64_t low = 0, high = 0;                 // physical range the segments occupy
  std::map<std::string, uint64_t> symbols;    // from .symtab, if present
};

// The largest ELF file read: what an ELF loads is bounded by its program
// headers, and a kernel's debug info can be many times that.
constexpr uint64_t kMaxElfFileBytes = 2ull << 30;

// Reads a whole regular file of at most `max_bytes`. A directory, device, pipe
// or socket, or a larger file, is refused before anything is read; the error
// names the file and, for a file too large, `space` ("guest RAM").
Result<std::vector<uint8_t>> read_file(const std::string& path, uint64_t max_bytes = kMaxElfFileBytes,
                                       const std::string& space = "the largest file Kiln reads");
// The same for a program (-bios, -kernel): an ELF file may be up to
// kMaxElfFileBytes, any other file must fit in `max_raw_bytes`.
Result<std::vector<uint8_t>> read_program(const std::string& path, uint64_t max_raw_bytes, const std::string& space);

bool is_elf(const std::vector<uint8_t>& data);
// Loads an ELF64 little-endian image for `machine` (EM_RISCV = 243, EM_X86_64 = 62).
// With `placed`, each segment is first recorded there as "<name> segment N",
// so one overlapping what the board placed before is an error, not an overwrite.
Result<LoadedImage> load_elf(const std::vector<uint8_t>& data, uint16_t machine, mem::PhysMap& map,
                             const std::string& name, Placement* placed = nullptr);
// Loads an x86 kernel: ELF32 (EM_386) or ELF64 (EM_X86_64), each PT_LOAD
// segment at its physical address. An entry point that is a virtual address
// inside a segment is turned into the matching physical one.
Result<LoadedImage> load_elf_x86(const std::vector<uint8_t>& data, mem::PhysMap& map, const std::string& name,
                                 Placement* placed = nullptr);

// One note of an ELF's PT_NOTE segments (ELF32 or ELF64).
struct ElfNote {
  std::string name;  // without its NUL: "Xen", "GNU"
  uint32_t type = 0;
  std::vector<uint8_t> desc;
};
Result<std::vector<ElfNote>> elf_notes(const std::vector<uint8_t>& data, const std::string& name);

// Copies a flat binary to `addr` (recorded in `placed` as `name`, if given).
Result<LoadedImage> load_raw(const std::vector<uint8_t>& data, uint64_t addr, mem::PhysMap& map,
                             const std::string& name, Placement* placed = nullptr);

}  // namespace kiln::firmware

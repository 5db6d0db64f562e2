// The boot information x86 kernels receive from a loader without a BIOS, in
// the three layouts Kiln writes: Multiboot 1 (multiboot_info), Multiboot 2
// (tagged) and PVH (Xen's hvm_start_info, version 1). Each is one block of
// bytes for a given guest address: the structure first, then the tables and
// strings it points at. The board supplies the facts (its memory map, the
// modules it placed, the command line); nothing here touches guest memory.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "firmware/linux_x86.h"

namespace kiln::firmware {

// A module the loader placed (a Multiboot module, or PVH's initrd).
struct BootModule {
  uint64_t addr = 0, size = 0;
  std::string string;  // its command line ("" for none)
};

struct BootInfoInput {
  std::vector<E820Range> memory_map;  // the board's e820 map, holes included
  std::string cmdline;                // -append
  std::string loader_name = "Kiln";
  std::vector<BootModule> modules;
  // ACPI: the RSDP's address and bytes, when the board has ACPI tables
  // (Multiboot 2's tag 14 or 15 copies the bytes; PVH points at them).
  uint64_t rsdp_addr = 0;
  std::vector<uint8_t> rsdp;
};

// Multiboot 1's magic in EAX at entry; the info has the memory sizes and map, command line, modules and loader name.
constexpr uint32_t kMultiboot1BootMagic = 0x2BADB002;
std::vector<uint8_t> make_multiboot1_info(const BootInfoInput& in, uint64_t base);

// Multiboot 2's magic in EAX at entry, and the information tag types Kiln writes.
constexpr uint32_t kMultiboot2BootMagic = 0x36d76289;
namespace mb2tag {
constexpr uint32_t kEnd = 0, kCmdline = 1, kLoaderName = 2, kModule = 3, kBasicMeminfo = 4, kMmap = 6,
                   kAcpiOld = 14, kAcpiNew = 15;
}
std::vector<uint8_t> make_multiboot2_info(const BootInfoInput& in, uint64_t base);
// True if Kiln writes tag `type` for `in` (a Multiboot 2 information request may require it).
bool multiboot2_provides(const BootInfoInput& in, uint32_t type);

// PVH: hvm_start_info (magic 0x336ec578, version 1), its module list and memory map.
constexpr uint32_t kHvmStartMagic = 0x336ec578;
std::vector<uint8_t> make_hvm_start_info(const BootInfoInput& in, uint64_t base);

}  // namespace kiln::firmware

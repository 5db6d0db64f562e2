// Kiln's own loaders for -M pc -kernel without firmware (issue 14, boot
// paths 3-5). Each puts the kernel, its boot information and the boot GDT
// into RAM (every piece through one placement table, so an overlap or a piece
// outside RAM below 4 GiB is one error) and says how the CPU enters it:
//  - a Linux bzImage by the Linux boot protocol (firmware/linux_x86.h): ESI =
//    the zero page at code32_start; or, with -M pc,kernel-entry=pvh, its
//    compressed vmlinux unpacked and entered through its PVH entry;
//  - an ELF with a PVH entry note (firmware/pvh.h): EBX = hvm_start_info;
//  - a Multiboot 1 kernel (ELF32, ELF64 or the header's load addresses):
//    EAX = 0x2BADB002, EBX = multiboot_info;
//  - a Multiboot 2 kernel: EAX = 0x36d76289, EBX = the tagged information.
// Without kernel-entry= the first that fits, in that order (QEMU's too);
// kernel-entry=linux|pvh|multiboot|multiboot2 insists on one. Every table
// comes from the board's map (e820_map()).
#pragma once
#include <cstdint>
#include <vector>

#include "common/result.h"
#include "firmware/linux_x86.h"
#include "machine/machine.h"
#include "mem/physmap.h"

namespace kiln::machine::pc {

// A flat GDT as Linux's protocol asks, which every entry gets: null, null,
// __BOOT_CS (0x10, 32-bit code), __BOOT_DS (0x18, data), at kBootGdt.
constexpr uint64_t kBootGdt = 0x11000;
constexpr uint64_t kBootGdtEntries[4] = {0, 0, 0x00cf9b000000ffffull, 0x00cf93000000ffffull};
constexpr uint16_t kBootCs = 0x10, kBootDs = 0x18;

// Where the CPU starts and the registers the entry sets (the rest are 0).
struct KernelEntry {
  uint64_t eip = 0;
  uint32_t eax = 0, ebx = 0, esi = 0;
};

// The board's ACPI tables, linked for their guest addresses: every loader
// places them and tells the kernel where the RSDP is (Linux's
// boot_params.acpi_rsdp_addr, PVH's rsdp_paddr, Multiboot 2's ACPI tag).
struct AcpiImage {
  uint64_t rsdp_addr = 0, tables_addr = 0;
  std::vector<uint8_t> rsdp, tables;
};

// Reads cfg.kernel (and cfg.initrd, cfg.append, cfg.kernel_entry) and loads it, with `acpi`, into `map`.
Result<KernelEntry> load_kernel(const Config& cfg, mem::PhysMap& map, const AcpiImage& acpi);

// The board's e820 map: pc::ram_ranges() with the holes a PC's firmware
// leaves below 1 MiB (the EBDA and the BIOS area).
std::vector<firmware::E820Range> e820_map(uint64_t ram_bytes);

}  // namespace kiln::machine::pc

// Multiboot kernels (the Multiboot Specification 0.6.96 and Multiboot2 2.0):
// the header a kernel carries near its start, what it asks the loader for,
// and where its image goes when the header gives load addresses (the "a.out
// kludge") instead of leaving that to the kernel's ELF program headers.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

namespace kiln::firmware {

// Load addresses from a header (Multiboot 1 flag bit 16, Multiboot 2's
// address tag): header_addr is where the header itself lands.
struct HeaderAddresses {
  uint32_t header_addr = 0, load_addr = 0, load_end_addr = 0, bss_end_addr = 0;
};

struct Multiboot1Header {
  uint64_t offset = 0;  // in the file
  uint32_t flags = 0;
  std::optional<HeaderAddresses> addresses;
  uint32_t entry_addr = 0;  // with addresses
};
// The header in the file's first 8 KiB (4-byte aligned, magic 0x1BADB002 and
// a checksum that sums to 0), if any.
std::optional<Multiboot1Header> find_multiboot1(const std::vector<uint8_t>& data);
// An error if the header requires what Kiln does not give (flag bits 0-15
// other than 0 page-aligned modules, 1 memory information, 2 video mode,
// which Kiln answers with text mode: no framebuffer information).
Status check_multiboot1(const Multiboot1Header& h);

struct Multiboot2Header {
  uint64_t offset = 0;
  std::optional<HeaderAddresses> addresses;     // the address tag
  std::optional<uint32_t> entry_addr;           // the entry address tag
  std::vector<uint32_t> required_info;          // a non-optional information request's tag types
};
// The header in the file's first 32 KiB (8-byte aligned, magic 0xE85250D6,
// architecture 0 (i386), checksum), if any.
std::optional<Multiboot2Header> find_multiboot2(const std::vector<uint8_t>& data);
// Parses the header's tags; an error for a malformed tag list or a required
// tag Kiln does not support (framebuffer, EFI, an unknown type).
Result<Multiboot2Header> parse_multiboot2(const std::vector<uint8_t>& data, const Multiboot2Header& found);

// Where a header's addresses put the file's bytes: file_bytes from
// file_offset to load_addr, then zeros up to load_addr + mem_bytes.
struct AddressedImage {
  uint64_t file_offset = 0, load_addr = 0, file_bytes = 0, mem_bytes = 0;
};
Result<AddressedImage> addressed_image(const HeaderAddresses& a, uint64_t header_offset, uint64_t file_size);

// QEMU's -initrd spelling for Multiboot modules: "file1 args,file2" (",," is
// a comma in a name). Each module's string is the whole entry; its file is
// the entry up to the first space.
struct ModuleSpec {
  std::string path, string;
};
std::vector<ModuleSpec> split_modules(const std::string& initrd);

}  // namespace kiln::firmware

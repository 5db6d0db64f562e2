// Linux's x86 boot protocol (Documentation/arch/x86/boot.rst in Linux) for a
// loader without a BIOS: the bzImage's setup header, and the "zero page"
// (struct boot_params) a loader hands the kernel's 32-bit entry. Only
// protocol 2.06 and later (kernels since 2.6.26): cmdline_size is known and
// the initrd limit is initrd_addr_max.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"

namespace kiln::firmware {

// What a loader needs from the setup header.
struct BzImage {
  uint16_t version = 0;              // 0x0206 is 2.06
  uint64_t setup_bytes = 0;          // the real-mode part: (setup_sects + 1) * 512 bytes of the file
  uint64_t kernel_offset = 0;        // the protected-mode kernel's offset in the file (= setup_bytes)
  uint64_t kernel_bytes = 0;         // its size in the file
  uint32_t initrd_addr_max = 0;      // the highest address an initrd byte may have
  uint32_t cmdline_size = 0;         // the longest command line, without its NUL
  bool relocatable = false;
  uint64_t pref_address = 0;         // where a relocatable kernel would rather run
  uint32_t init_size = 0;            // memory the kernel needs from its run address while it decompresses
  // The compressed vmlinux inside the protected-mode kernel (protocol 2.08 and later; 0 if older).
  uint32_t payload_offset = 0, payload_length = 0;
  std::vector<uint8_t> setup_header; // boot_params bytes 0x1F1 on, as the file has them
};

Result<BzImage> parse_bzimage(const std::vector<uint8_t>& data);
// True if the file has a boot sector with a "HdrS" setup header (so it is a
// Linux x86 kernel image, which parse_bzimage may still refuse).
bool has_setup_header(const std::vector<uint8_t>& data);

// One e820 range of the zero page's table.
struct E820Range {
  uint64_t base, size;
  uint32_t type;  // 1 RAM, 2 reserved
};

// The zero page: the setup header copied, then the loader's fields (type of
// loader 0xFF "undefined", code32_start, the initrd, the command line
// pointer), alt_mem_k and the e820 table. screen_info stays zero (no VGA
// text console: Linux's vgacon sees none).
struct BootParamsInput {
  uint64_t code32_start = 0;
  uint64_t cmdline_addr = 0;
  uint64_t initrd_addr = 0, initrd_bytes = 0;
  uint64_t acpi_rsdp_addr = 0;  // where the RSDP is (0: none), so the kernel need not scan for it
  std::vector<E820Range> e820;
};
constexpr uint64_t kBootParamsBytes = 4096;
std::vector<uint8_t> make_boot_params(const BzImage& img, const BootParamsInput& in);

// boot_params offsets a loader (and a test) uses.
namespace bp {
constexpr unsigned kAcpiRsdpAddr = 0x070, kAltMemK = 0x1e0, kE820Entries = 0x1e8, kSetupSects = 0x1f1, kBootFlag = 0x1fe, kJump = 0x200,
                   kHeader = 0x202, kVersion = 0x206, kTypeOfLoader = 0x210, kLoadflags = 0x211,
                   kCode32Start = 0x214, kRamdiskImage = 0x218, kRamdiskSize = 0x21c, kCmdLinePtr = 0x228,
                   kInitrdAddrMax = 0x22c, kRelocatable = 0x234, kCmdlineSize = 0x238, kPayloadOffset = 0x248,
                   kPayloadLength = 0x24c, kPrefAddress = 0x258,
                   kInitSize = 0x260, kE820Table = 0x2d0;
constexpr unsigned kE820Max = 128;
constexpr uint32_t kHdrS = 0x53726448;  // "HdrS"
constexpr uint8_t kLoadedHigh = 0x01;   // loadflags: the protected-mode part is at 1 MiB (a bzImage)
}  // namespace bp

}  // namespace kiln::firmware

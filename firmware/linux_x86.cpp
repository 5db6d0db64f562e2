#include "firmware/linux_x86.h"

#include <algorithm>
#include <cstdio>

namespace kiln::firmware {

namespace {

uint64_t get_le(const std::vector<uint8_t>& d, size_t off, unsigned bytes) {
  uint64_t v = 0;
  for (unsigned i = 0; i < bytes; i++) v |= uint64_t(d[off + i]) << (8 * i);
  return v;
}
void put_le(std::vector<uint8_t>& d, size_t off, uint64_t v, unsigned bytes) {
  for (unsigned i = 0; i < bytes; i++) d[off + i] = uint8_t(v >> (8 * i));
}

}  // namespace

bool has_setup_header(const std::vector<uint8_t>& data) {
  return data.size() >= bp::kInitSize + 4 && get_le(data, bp::kHeader, 4) == bp::kHdrS && get_le(data, bp::kBootFlag, 2) == 0xaa55;
}

Result<BzImage> parse_bzimage(const std::vector<uint8_t>& data) {
  if (!has_setup_header(data))
    return make_error("not a Linux x86 bzImage (no boot sector with a 'HdrS' setup header)");
  BzImage img;
  img.version = uint16_t(get_le(data, bp::kVersion, 2));
  if (img.version < 0x0206) {
    char v[16];
    std::snprintf(v, sizeof v, "%u.%02u", img.version >> 8, img.version & 0xff);
    return make_error(std::string("boot protocol ") + v + " is older than 2.06, the oldest Kiln's loader takes");
  }
  if (!(data[bp::kLoadflags] & bp::kLoadedHigh)) return make_error("a zImage (loaded low) is not supported: only bzImages");
  const unsigned sects = data[bp::kSetupSects] ? data[bp::kSetupSects] : 4;
  img.setup_bytes = (sects + 1) * 512ull;
  if (img.setup_bytes >= data.size()) return make_error("the setup code runs past the end of the file: no protected-mode kernel");
  img.kernel_offset = img.setup_bytes;
  img.kernel_bytes = data.size() - img.setup_bytes;
  img.initrd_addr_max = uint32_t(get_le(data, bp::kInitrdAddrMax, 4));
  img.cmdline_size = uint32_t(get_le(data, bp::kCmdlineSize, 4));
  img.relocatable = data[bp::kRelocatable] != 0;
  if (img.version >= 0x0208) {
    img.payload_offset = uint32_t(get_le(data, bp::kPayloadOffset, 4));
    img.payload_length = uint32_t(get_le(data, bp::kPayloadLength, 4));
  }
  if (img.version >= 0x020a) {
    img.pref_address = get_le(data, bp::kPrefAddress, 8);
    img.init_size = uint32_t(get_le(data, bp::kInitSize, 4));
  }
  // The header runs from 0x1F1 to the end the jump at 0x200 skips to (boot.rst: 0x202 + byte 0x201).
  const size_t header_end = std::min<size_t>({size_t(0x202) + data[bp::kJump + 1], img.setup_bytes, kBootParamsBytes});
  img.setup_header.assign(data.begin() + bp::kSetupSects, data.begin() + header_end);
  return img;
}

std::vector<uint8_t> make_boot_params(const BzImage& img, const BootParamsInput& in) {
  std::vector<uint8_t> z(kBootParamsBytes, 0);
  std::copy(img.setup_header.begin(), img.setup_header.end(), z.begin() + bp::kSetupSects);
  z[bp::kTypeOfLoader] = 0xff;
  put_le(z, bp::kCode32Start, in.code32_start, 4);
  put_le(z, bp::kRamdiskImage, in.initrd_addr, 4);
  put_le(z, bp::kRamdiskSize, in.initrd_bytes, 4);
  put_le(z, bp::kCmdLinePtr, in.cmdline_addr, 4);
  put_le(z, bp::kAcpiRsdpAddr, in.acpi_rsdp_addr, 8);
  uint64_t ext_kib = 0;  // RAM right above 1 MiB, for kernels that look at alt_mem_k
  for (const E820Range& r : in.e820)
    if (r.type == 1 && r.base == 0x100000) ext_kib = r.size / 1024;
  put_le(z, bp::kAltMemK, std::min<uint64_t>(ext_kib, 0xffffffff), 4);
  const size_t n = std::min<size_t>(in.e820.size(), bp::kE820Max);
  z[bp::kE820Entries] = uint8_t(n);
  for (size_t i = 0; i < n; i++) {
    const size_t off = bp::kE820Table + 20 * i;
    put_le(z, off, in.e820[i].base, 8);
    put_le(z, off + 8, in.e820[i].size, 8);
    put_le(z, off + 16, in.e820[i].type, 4);
  }
  return z;
}

}  // namespace kiln::firmware

// Linux's x86 boot protocol as firmware/linux_x86.h reads and writes it: the
// setup header's checks (magic, version, zImage, setup past the file), the
// fields a loader uses, and the zero page's loader fields and e820 table.
#include <catch2/catch.hpp>

#include "firmware/linux_x86.h"

using namespace kiln::firmware;

namespace {

void put(std::vector<uint8_t>& d, size_t at, uint64_t v, unsigned n) {
  for (unsigned i = 0; i < n; i++) d[at + i] = uint8_t(v >> (8 * i));
}
uint64_t get(const std::vector<uint8_t>& d, size_t at, unsigned n) {
  uint64_t v = 0;
  for (unsigned i = 0; i < n; i++) v |= uint64_t(d[at + i]) << (8 * i);
  return v;
}

// A bzImage of protocol `version`: 2 setup sectors, then `kernel` bytes.
std::vector<uint8_t> bzimage(uint16_t version, size_t kernel = 100) {
  std::vector<uint8_t> d(3 * 512 + kernel, 0);
  d[bp::kSetupSects] = 2;
  put(d, bp::kBootFlag, 0xaa55, 2);
  d[bp::kJump] = 0xeb;
  d[bp::kJump + 1] = 0x6a;  // the header ends at 0x26C
  put(d, bp::kHeader, bp::kHdrS, 4);
  put(d, bp::kVersion, version, 2);
  d[bp::kLoadflags] = bp::kLoadedHigh;
  put(d, bp::kInitrdAddrMax, 0x7fffffff, 4);
  d[bp::kRelocatable] = 1;
  put(d, bp::kCmdlineSize, 2047, 4);
  put(d, bp::kPrefAddress, 0x1000000, 8);
  put(d, bp::kInitSize, 0x2000000, 4);
  put(d, 0x26c, 0xdeadbeef, 4);  // past the header: not copied
  return d;
}

}  // namespace

TEST_CASE("linux_x86: the setup header's fields and checks", "[pc][linux]") {
  auto img = parse_bzimage(bzimage(0x020f));
  REQUIRE(img);
  CHECK(img->setup_bytes == 3 * 512);
  CHECK(img->kernel_offset == 3 * 512);
  CHECK(img->kernel_bytes == 100);
  CHECK(img->initrd_addr_max == 0x7fffffff);
  CHECK(img->cmdline_size == 2047);
  CHECK(img->relocatable);
  CHECK(img->pref_address == 0x1000000);
  CHECK(img->init_size == 0x2000000);
  CHECK(img->setup_header.size() == 0x26c - 0x1f1);

  CHECK(parse_bzimage(bzimage(0x0205)).error().find("boot protocol 2.05 is older than 2.06") != std::string::npos);
  auto no_magic = bzimage(0x020f);
  no_magic[bp::kHeader] = 'X';
  CHECK(parse_bzimage(no_magic).error().find("not a Linux x86 bzImage") != std::string::npos);
  CHECK(!parse_bzimage(std::vector<uint8_t>(100, 0)));  // too short for a header: an error, not a crash
  auto zimage = bzimage(0x020f);
  zimage[bp::kLoadflags] = 0;
  CHECK(parse_bzimage(zimage).error().find("zImage") != std::string::npos);
  CHECK(parse_bzimage(bzimage(0x020f, 0)).error().find("no protected-mode kernel") != std::string::npos);
  // Before 2.10 there is no pref_address or init_size to trust.
  auto old = parse_bzimage(bzimage(0x0206));
  REQUIRE(old);
  CHECK(old->pref_address == 0);
  CHECK(old->init_size == 0);
}

TEST_CASE("linux_x86: the zero page", "[pc][linux]") {
  auto img = parse_bzimage(bzimage(0x020f));
  REQUIRE(img);
  BootParamsInput in{.code32_start = 0x100000, .cmdline_addr = 0x20000, .initrd_addr = 0x1fff0000, .initrd_bytes = 0x8000,
                     .e820 = {{0, 0x9fc00, 1}, {0x9fc00, 0x400, 2}, {0x100000, 0x1ff00000, 1}}};
  const std::vector<uint8_t> z = make_boot_params(*img, in);
  REQUIRE(z.size() == kBootParamsBytes);
  CHECK(get(z, bp::kHeader, 4) == bp::kHdrS);
  CHECK(get(z, bp::kVersion, 2) == 0x020f);
  CHECK(z[bp::kSetupSects] == 2);
  CHECK(get(z, 0x26c, 4) == 0);  // only the header is copied
  CHECK(z[bp::kTypeOfLoader] == 0xff);
  CHECK(get(z, bp::kCode32Start, 4) == 0x100000);
  CHECK(get(z, bp::kCmdLinePtr, 4) == 0x20000);
  CHECK(get(z, bp::kRamdiskImage, 4) == 0x1fff0000);
  CHECK(get(z, bp::kRamdiskSize, 4) == 0x8000);
  CHECK(get(z, bp::kAltMemK, 4) == 0x1ff00000 / 1024);
  CHECK(z[bp::kE820Entries] == 3);
  CHECK(get(z, bp::kE820Table + 20 + 0, 8) == 0x9fc00);
  CHECK(get(z, bp::kE820Table + 20 + 8, 8) == 0x400);
  CHECK(get(z, bp::kE820Table + 20 + 16, 4) == 2);
  CHECK(get(z, bp::kE820Table + 40 + 8, 8) == 0x1ff00000);
  CHECK((get(z, 0, 8) | get(z, 8, 8)) == 0);  // screen_info: no VGA console
}

// What the boards load, from files as a user names them: every piece goes
// through the board's placement table (no overlaps, nothing outside RAM, no
// size that wraps), -dtb files are checked before use, and options a board
// does not implement are refused. Each case is one error naming what is wrong.
// Firmware here is our own small raw file, so no OpenSBI package is needed.
#include <catch2/catch.hpp>
#include <cstring>
#include <string>
#include <vector>

#include "common/log.h"
#include "firmware/elf.h"
#include "firmware/fdt.h"
#include "machine/machine.h"
#include "loader_test_util.h"

using namespace kiln;
using test::TempFile;

namespace {

constexpr uint64_t kDram = 0x80000000;

// The error create_machine gives, or "" if the machine was built.
std::string build_error(machine::Config cfg) {
  Log log;
  auto m = machine::create_machine(cfg, log);
  return m.ok() ? "" : m.error();
}

machine::Config virt() {
  machine::Config cfg;
  cfg.board = "virt";
  cfg.ram_bytes = 64ull << 20;
  return cfg;
}

std::vector<uint8_t> zeros(size_t n) { return std::vector<uint8_t>(n, 0); }

// A RISC-V Linux Image header (Documentation/riscv/boot-image-header) in front of 4 KiB of code.
std::vector<uint8_t> riscv_image(uint64_t text_offset, uint64_t image_size) {
  std::vector<uint8_t> d(4096, 0);
  std::memcpy(d.data() + 8, &text_offset, 8);
  std::memcpy(d.data() + 16, &image_size, 8);
  std::memcpy(d.data() + 48, "RISCV\0\0\0", 8);
  std::memcpy(d.data() + 56, "RSC\x05", 4);
  return d;
}

// A RISC-V ELF64 with one 4 KiB PT_LOAD segment at `paddr`.
std::vector<uint8_t> one_segment_elf(uint64_t paddr) {
  std::vector<uint8_t> d(0x2000, 0);
  Elf64_Ehdr eh = test::riscv_exec_header(paddr, 1);
  Elf64_Phdr ph{PT_LOAD, PF_R | PF_X, 0x1000, paddr, paddr, 0x1000, 0x1000, 0x1000};
  std::memcpy(d.data(), &eh, sizeof eh);
  std::memcpy(d.data() + sizeof eh, &ph, sizeof ph);
  return d;
}


}  // namespace

TEST_CASE("virt: a kernel Image whose image_size wraps is refused", "[virt][load]") {
  machine::Config cfg = virt();
  cfg.bios_none = true;
  SECTION("image_size 2^64-1") {
    TempFile kernel(riscv_image(0x200000, ~0ull));
    cfg.kernel = kernel.path;
    CHECK_THAT(build_error(cfg), Catch::Contains("kernel '" + kernel.path + "' at 0x80200000"));
  }
  SECTION("text_offset far outside RAM") {
    TempFile kernel(riscv_image(~0ull - 0xfff, 4096));
    cfg.kernel = kernel.path;
    CHECK_THAT(build_error(cfg), Catch::Contains("outside guest RAM"));
  }
  SECTION("image_size larger than RAM") {
    TempFile kernel(riscv_image(0x200000, 1ull << 40));
    cfg.kernel = kernel.path;
    CHECK_THAT(build_error(cfg), Catch::Contains("lies outside guest RAM"));
  }
  SECTION("a sane one loads") {
    TempFile kernel(riscv_image(0x200000, 0x10000));
    cfg.kernel = kernel.path;
    CHECK(build_error(cfg).empty());
  }
}

TEST_CASE("virt: an ELF kernel linked over the firmware is refused", "[virt][load]") {
  machine::Config cfg = virt();
  TempFile firmware(zeros(0x20000)), kernel(one_segment_elf(kDram));
  cfg.bios = firmware.path;
  cfg.kernel = kernel.path;
  CHECK_THAT(build_error(cfg), Catch::Contains("kernel '" + kernel.path + "' segment 0 [0x80000000-0x80000fff] overlaps firmware '" +
                                       firmware.path + "' [0x80000000-0x8001ffff]"));
  TempFile above(one_segment_elf(kDram + 0x200000));
  cfg.kernel = above.path;
  CHECK(build_error(cfg).empty());
}

TEST_CASE("virt: a device tree that would land on the firmware is refused", "[virt][load]") {
  machine::Config cfg = virt();
  TempFile firmware(zeros(0x20000));
  cfg.bios = firmware.path;
  cfg.ram_bytes = 2ull << 20;  // the device tree's slot is then the start of RAM
  CHECK_THAT(build_error(cfg), Catch::Contains("device tree [0x80000000-"));
  CHECK_THAT(build_error(cfg), Catch::Contains("overlaps firmware '" + firmware.path + "'"));
  cfg.ram_bytes = 1ull << 20;  // and then below RAM
  CHECK_THAT(build_error(cfg), Catch::Contains("lies outside guest RAM"));
}

TEST_CASE("virt: an initrd that runs into the device tree is refused", "[virt][load]") {
  machine::Config cfg = virt();
  cfg.bios_none = true;
  cfg.ram_bytes = 8ull << 20;
  TempFile kernel(zeros(4096)), initrd(zeros(6ull << 20));
  cfg.kernel = kernel.path;
  cfg.initrd = initrd.path;
  std::string e = build_error(cfg);
  CHECK_THAT(e, Catch::Contains("initrd '" + initrd.path + "'"));
}

TEST_CASE("virt: -dtb files are checked before use", "[virt][load][fdt]") {
  machine::Config cfg = virt();
  cfg.bios_none = true;
  TempFile kernel(zeros(4096));
  cfg.kernel = kernel.path;
  SECTION("random bytes") {
    std::vector<uint8_t> junk(4096);
    for (size_t i = 0; i < junk.size(); i++) junk[i] = uint8_t(i * 167 + 13);
    TempFile dtb(junk);
    cfg.dtb = dtb.path;
    CHECK_THAT(build_error(cfg), Catch::Contains("-dtb: '" + dtb.path + "': not a valid device tree"));
  }
  SECTION("a header whose sizes lie") {
    firmware::FdtBuilder b;
    auto good = b.finish();
    REQUIRE(good.ok());
    std::vector<uint8_t> cut(good->begin(), good->begin() + good->size() / 2);
    TempFile dtb(cut);
    cfg.dtb = dtb.path;
    CHECK_THAT(build_error(cfg), Catch::Contains("not a valid device tree"));
  }
  SECTION("a device") {
    cfg.dtb = "/dev/zero";
    CHECK_THAT(build_error(cfg), Catch::Contains("-dtb: '/dev/zero' is not a regular file"));
  }
  SECTION("a valid tree, padded") {
    firmware::FdtBuilder b;
    b.begin_node("chosen");
    b.end_node();
    auto good = b.finish();
    REQUIRE(good.ok());
    good->resize(good->size() + 100, 0);
    TempFile dtb(*good);
    cfg.dtb = dtb.path;
    CHECK(build_error(cfg).empty());
  }
}

TEST_CASE("virt: -append and -initrd need -kernel, as on QEMU", "[virt][load]") {
  machine::Config cfg = virt();
  TempFile firmware(zeros(0x1000));
  cfg.bios = firmware.path;
  cfg.append = "console=ttyS0";
  CHECK_THAT(build_error(cfg), Catch::Contains("-append only allowed with -kernel"));
  cfg.append.clear();
  cfg.initrd = "/nonexistent/initrd";
  CHECK_THAT(build_error(cfg), Catch::Contains("-initrd only allowed with -kernel"));
}

TEST_CASE("loaders refuse files of unknown size by option name", "[load]") {
  machine::Config cfg = virt();
  TempFile firmware(zeros(0x1000)), kernel(zeros(0x1000));
  SECTION("virt -bios") { cfg.bios = "/dev/zero"; CHECK_THAT(build_error(cfg), Catch::Contains("-bios: '/dev/zero' is not a regular file")); }
  SECTION("virt -kernel") {
    cfg.bios = firmware.path;
    cfg.kernel = "/dev/zero";
    CHECK_THAT(build_error(cfg), Catch::Contains("-kernel: '/dev/zero' is not a regular file"));
  }
  SECTION("virt -initrd") {
    cfg.bios = firmware.path;
    cfg.kernel = kernel.path;
    cfg.initrd = "/dev/zero";
    CHECK_THAT(build_error(cfg), Catch::Contains("-initrd: '/dev/zero' is not a regular file"));
  }
  SECTION("virt -initrd larger than RAM") {
    cfg.bios = firmware.path;
    cfg.kernel = kernel.path;
    cfg.ram_bytes = 4ull << 20;
    TempFile big(zeros(5ull << 20));
    cfg.initrd = big.path;
    CHECK_THAT(build_error(cfg), Catch::Contains("-initrd: '" + big.path + "' is 5 MiB, larger than guest RAM (4 MiB)"));
  }
  SECTION("spike -kernel") {
    cfg.board = "spike";
    cfg.kernel = "/dev/zero";
    CHECK_THAT(build_error(cfg), Catch::Contains("-kernel: '/dev/zero' is not a regular file"));
  }
  SECTION("spike -bios") {
    cfg.board = "spike";
    cfg.bios = "/tmp";
    CHECK_THAT(build_error(cfg), Catch::Contains("-bios: '/tmp' is a directory"));
  }
}

TEST_CASE("spike: -bios and -kernel may not overlap", "[spike][load]") {
  machine::Config cfg;
  cfg.board = "spike";
  TempFile bios(zeros(0x1000)), kernel(one_segment_elf(kDram));
  cfg.bios = bios.path;
  cfg.kernel = kernel.path;
  CHECK_THAT(build_error(cfg), Catch::Contains("kernel '" + kernel.path + "' segment 0 [0x80000000-0x80000fff] overlaps bios '" + bios.path + "'"));
}

TEST_CASE("spike refuses the options it does not implement", "[spike][options]") {
  machine::Config cfg;
  cfg.board = "spike";
  TempFile kernel(one_segment_elf(kDram));
  cfg.kernel = kernel.path;
  REQUIRE(build_error(cfg).empty());
  SECTION("-smp") {
    cfg.smp = 2;
    CHECK_THAT(build_error(cfg), Catch::Contains("-M spike does not support -smp 2"));
  }
  SECTION("-initrd") {
    cfg.initrd = "/nonexistent/initrd";  // refused before it is opened
    CHECK_THAT(build_error(cfg), Catch::Contains("-M spike does not support -initrd"));
  }
  SECTION("-append") {
    cfg.append = "x";
    CHECK_THAT(build_error(cfg), Catch::Contains("-M spike does not support -append"));
  }
  SECTION("-dtb") {
    cfg.dtb = "/nonexistent/x.dtb";
    CHECK_THAT(build_error(cfg), Catch::Contains("-M spike does not support -dtb"));
  }
  SECTION("-drive") {
    cfg.drives.push_back({"/nonexistent/disk.img"});
    CHECK_THAT(build_error(cfg), Catch::Contains("-M spike does not support -drive"));
  }
  SECTION("-device") {
    cfg.virtio_devices.push_back("virtio-rng-device");
    CHECK_THAT(build_error(cfg), Catch::Contains("-M spike does not support -device virtio-rng-device"));
  }
}

TEST_CASE("set_chosen gives a -dtb tree the command line and initrd, as QEMU does", "[fdt]") {
  firmware::FdtBuilder b;
  b.prop_u32("#address-cells", 2);
  auto blob = b.finish();  // no /chosen at all
  REQUIRE(blob.ok());
  REQUIRE(firmware::check_fdt(&*blob));
  REQUIRE(firmware::set_chosen(&*blob, "console=ttyS0 root=/dev/vda", 0x84000000, 0x84001000));
  REQUIRE(firmware::check_fdt(&*blob));
  int len = 0;
  const char* args = static_cast<const char*>(firmware::fdt_get(*blob, "/chosen", "bootargs", &len));
  REQUIRE(args != nullptr);
  CHECK(std::string(args) == "console=ttyS0 root=/dev/vda");
  const auto* start = static_cast<const uint8_t*>(firmware::fdt_get(*blob, "/chosen", "linux,initrd-start", &len));
  REQUIRE(start != nullptr);
  REQUIRE(len == 8);
  CHECK(start[4] == 0x84);  // big-endian 0x0000000084000000
  // Replacing what is there, with nothing to add, keeps the tree valid.
  REQUIRE(firmware::set_chosen(&*blob, "quiet", 0, 0));
  REQUIRE(firmware::check_fdt(&*blob));
  CHECK(std::string(static_cast<const char*>(firmware::fdt_get(*blob, "/chosen", "bootargs", &len))) == "quiet");
}

TEST_CASE("virt dumpdtb writes the tree the guest would get, as QEMU does", "[virt][fdt]") {
  machine::Config cfg = virt();
  cfg.bios_none = true;
  TempFile kernel(zeros(4096)), initrd(zeros(8192)), out(zeros(0));
  cfg.kernel = kernel.path;
  cfg.initrd = initrd.path;
  cfg.append = "root=/dev/ram";
  cfg.dumpdtb = out.path;
  SECTION("generated: with the initrd's range") {
    REQUIRE(build_error(cfg).empty());
    auto dt = firmware::read_file(out.path);
    REQUIRE(dt.ok());
    REQUIRE(firmware::check_fdt(&*dt));
    int len = 0;
    CHECK(firmware::fdt_get(*dt, "/chosen", "linux,initrd-start", &len) != nullptr);
    CHECK(std::string(static_cast<const char*>(firmware::fdt_get(*dt, "/chosen", "bootargs", &len))) == "root=/dev/ram");
  }
  SECTION("-dtb: that tree, given the command line") {
    firmware::FdtBuilder b;
    b.prop_string("model", "mine");
    auto mine = b.finish();
    REQUIRE(mine.ok());
    TempFile dtb(*mine);
    cfg.dtb = dtb.path;
    REQUIRE(build_error(cfg).empty());
    auto dt = firmware::read_file(out.path);
    REQUIRE(dt.ok());
    int len = 0;
    CHECK(std::string(static_cast<const char*>(firmware::fdt_get(*dt, "/", "model", &len))) == "mine");
    CHECK(std::string(static_cast<const char*>(firmware::fdt_get(*dt, "/chosen", "bootargs", &len))) == "root=/dev/ram");
    CHECK(firmware::fdt_get(*dt, "/chosen", "linux,initrd-end", &len) != nullptr);
  }
}

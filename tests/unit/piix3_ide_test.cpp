// The PIIX3 IDE function's bus master (devices/pci/piix3_ide.h) with a real
// channel and disk, through the port space and a PhysMap with RAM: the PRD
// walk (bit 0 of address and count ignored, count 0 as 64 KiB, EOT), ACTIVE
// after a table used up or longer, nothing moving without bus mastering, a
// region or table outside RAM (ERROR, the device's ABRT, no host access),
// and the register bits (write-1-to-clear, read/write, the aligned pointer).
#include <catch2/catch.hpp>

#include <cstring>
#include <vector>

#include "devices/pc/ide.h"
#include "devices/pci/bus.h"
#include "devices/pci/piix3_ide.h"
#include "mem/physmap.h"
#include "mem/port_space.h"
#include "tests/unit/device_test_util.h"
#include "tests/unit/temp_image.h"

using namespace kiln;
namespace pci = devices::pci;
using devices::IdeChannel;

namespace {

constexpr uint32_t kBm = 0xC000, kPrd = 0x1000;
constexpr uint8_t kIdeFn = pci::devfn(1, 1);

struct Rig {
  mem::PhysMap memory;
  mem::PortSpace io;
  pci::Bus bus{{&memory, &io, [](uint64_t, uint64_t) {}}};
  pci::Piix3Ide fn;
  test::TempImage disk{1 << 20};
  test::RecordingIrq irq;
  IdeChannel ch{irq};
  Rig() {
    REQUIRE(memory.add_ram("ram", 0, 1 << 20));
    REQUIRE(bus.add(&fn, kIdeFn));
    auto img = devices::block::DiskImage::open(disk.path, {});
    REQUIRE(img);
    ch.attach_disk(0, std::move(*img));
    fn.connect(&ch, nullptr, nullptr);
    fn.config_write(0x20, 4, kBm);
    fn.config_write(0x04, 2, 0x0005);  // I/O, bus master
    io.write(kBm + 4, 4, kPrd);
  }
  void prd(unsigned i, uint32_t addr, uint32_t count, bool eot) {
    const uint32_t e[2] = {addr, count | (eot ? 0x80000000u : 0)};
    REQUIRE(memory.write(kPrd + 8 * i, e, sizeof e));
  }
  uint8_t bm_status() { return uint8_t(io.read(kBm + 2, 1)); }
  uint8_t status() { return uint8_t(ch.read(IdeChannel::kStatus, 1)); }
  void read_dma(uint32_t lba, uint8_t count) {
    ch.write(IdeChannel::kDeviceHead, 1, 0xE0);
    ch.write(IdeChannel::kSectorCount, 1, count);
    ch.write(IdeChannel::kSector, 1, lba & 0xFF);
    ch.write(IdeChannel::kCylLow, 1, (lba >> 8) & 0xFF);
    ch.write(IdeChannel::kCylHigh, 1, (lba >> 16) & 0xFF);
    ch.write(IdeChannel::kCommand, 1, 0xC8);
  }
  bool holds_sectors(uint64_t pa, uint64_t lba, uint64_t bytes) {
    std::vector<uint8_t> got(bytes);
    REQUIRE(memory.read(pa, got.data(), bytes));
    for (uint64_t i = 0; i < bytes; i++)
      if (got[i] != test::pattern(lba * 512 + i)) return false;
    return true;
  }
};

}  // namespace

TEST_CASE("PIIX3 bus master: PRD walk, ACTIVE, INTERRUPT", "[pci][ide][dma]") {
  Rig r;
  SECTION("odd bits ignored, count 0 is 64 KiB, the table used up exactly") {
    r.prd(0, 0x20001, 0x0201, false);  // address 0x20000, 512 bytes
    r.prd(1, 0x40000, 0, true);        // 64 KiB
    r.read_dma(3, 129);
    CHECK(r.bm_status() == 0);
    r.io.write(kBm, 1, 0x09);
    CHECK(r.irq.level);
    CHECK(r.bm_status() == 0x04);  // INTERRUPT, ACTIVE clear
    CHECK(r.status() == (IdeChannel::kDrdy | IdeChannel::kDsc));
    CHECK(r.holds_sectors(0x20000, 3, 512));
    CHECK(r.holds_sectors(0x40000, 4, 0x10000));
    r.io.write(kBm + 2, 1, 0x04);
    CHECK(r.bm_status() == 0);
  }
  SECTION("a longer table leaves ACTIVE set until the stop") {
    r.prd(0, 0x20000, 0x2000, true);
    r.io.write(kBm, 1, 0x09);
    CHECK(r.bm_status() == 0x01);
    r.read_dma(0, 2);
    CHECK(r.bm_status() == 0x05);
    r.io.write(kBm, 1, 0x00);
    CHECK(r.bm_status() == 0x04);
  }
  SECTION("without bus mastering nothing moves") {
    r.fn.config_write(0x04, 2, 0x0001);
    r.prd(0, 0x20000, 512, true);
    r.read_dma(0, 1);
    r.io.write(kBm, 1, 0x09);
    CHECK(!r.irq.level);
    CHECK(r.status() & IdeChannel::kDrq);
  }
  SECTION("a region outside RAM: ERROR, ABRT, and nothing written there") {
    r.prd(0, 0x20000, 512, false);
    r.prd(1, 0xFFFFF000, 0x1000, true);
    r.read_dma(0, 4);
    r.io.write(kBm, 1, 0x09);
    CHECK(r.bm_status() == 0x06);  // ERROR | INTERRUPT, ACTIVE clear
    CHECK(r.status() == (IdeChannel::kDrdy | IdeChannel::kDsc | IdeChannel::kErr));
    CHECK(r.ch.read(IdeChannel::kError, 1) == IdeChannel::kAbrt);
    CHECK(r.holds_sectors(0x20000, 0, 512));
  }
  SECTION("a table outside RAM: ERROR") {
    r.io.write(kBm + 4, 4, 0x80000000u);
    r.read_dma(0, 1);
    r.io.write(kBm, 1, 0x09);
    CHECK(r.bm_status() == 0x06);
    CHECK(r.status() & IdeChannel::kErr);
  }
  SECTION("register bits") {
    r.io.write(kBm + 2, 1, 0xFF);
    CHECK(r.bm_status() == 0x60);  // the capable bits; ERROR/INTERRUPT were clear; ACTIVE and simplex read-only
    r.io.write(kBm + 4, 4, 0x12345677);
    CHECK(r.io.read(kBm + 4, 4) == 0x12345674);
    CHECK(r.io.read(kBm + 8, 4) == 0);  // the secondary's block: nothing attached, all zero
    r.io.write(kBm + 8, 1, 0x01);       // starting it with no channel does nothing
    CHECK(r.io.read(kBm + 10, 1) == 0x01);
  }
}

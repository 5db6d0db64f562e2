// The IDE channel of -M pc (devices/pc/ide.h) at register level, on temporary
// image files: the signatures after SRST, IDENTIFY (DEVICE and PACKET DEVICE),
// PIO reads and writes in LBA28, LBA48 and CHS with 16- and 32-bit data
// accesses, READ/WRITE MULTIPLE, the IRQ with nIEN, errors (unknown command,
// out of range, read-only), and ATAPI: READ(10), REQUEST SENSE after a bad
// command, the byte count limit, INQUIRY, READ CAPACITY, READ TOC; DMA
// through a fake bus master and the transfer modes in IDENTIFY.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "devices/pc/ide.h"
#include "tests/unit/device_test_util.h"
#include "tests/unit/temp_image.h"

using namespace kiln;
using devices::IdeChannel;

namespace {

// An image file, and a DiskImage on it.
struct Image : test::TempImage {
  using TempImage::TempImage;
  std::unique_ptr<devices::block::DiskImage> open(devices::block::DiskOptions o = {}) {
    auto img = devices::block::DiskImage::open(path, o);
    REQUIRE(img);
    return std::move(*img);
  }
};

constexpr uint64_t kDiskBytes = 4 << 20;  // 8192 sectors: 8 cylinders of 16 x 63
constexpr uint64_t kCdBytes = 64 * 2048;

struct Rig {
  Image disk{kDiskBytes}, cd{kCdBytes};
  test::RecordingIrq irq;
  IdeChannel ch{irq};
  explicit Rig(bool with_cd = true, devices::block::DiskOptions o = {}) {
    ch.attach_disk(0, disk.open(o));
    if (with_cd) ch.attach_cdrom(1, cd.open({.read_only = true}));
  }
  uint8_t reg(unsigned r) { return uint8_t(ch.read(r, 1)); }
  void set(unsigned r, uint8_t v) { ch.write(r, 1, v); }
  uint8_t status() { return reg(IdeChannel::kStatus); }
  uint8_t alt() { return uint8_t(ch.control_port().read(0, 1)); }
  void select(unsigned unit, uint8_t bits = 0) { set(IdeChannel::kDeviceHead, uint8_t(0xA0 | unit << 4 | bits)); }
  std::vector<uint8_t> read_data(size_t n, unsigned size = 2) {
    std::vector<uint8_t> out;
    for (size_t i = 0; i < n; i += size) {
      uint32_t v = uint32_t(ch.read(0, size));
      for (unsigned b = 0; b < size; b++) out.push_back(uint8_t(v >> (8 * b)));
    }
    return out;
  }
  void write_data(const std::vector<uint8_t>& d, unsigned size = 2) {
    for (size_t i = 0; i < d.size(); i += size) {
      uint32_t v = 0;
      for (unsigned b = 0; b < size; b++) v |= uint32_t(d[i + b]) << (8 * b);
      ch.write(0, size, v);
    }
  }
  void lba28(uint32_t lba, uint8_t count) {
    select(0, uint8_t(0x40 | (lba >> 24 & 0x0F)));
    set(IdeChannel::kSectorCount, count);
    set(IdeChannel::kSector, uint8_t(lba));
    set(IdeChannel::kCylLow, uint8_t(lba >> 8));
    set(IdeChannel::kCylHigh, uint8_t(lba >> 16));
  }
  void lba48(uint64_t lba, uint16_t count) {
    select(0, 0x40);
    set(IdeChannel::kSectorCount, uint8_t(count >> 8));
    set(IdeChannel::kSector, uint8_t(lba >> 24));
    set(IdeChannel::kCylLow, uint8_t(lba >> 32));
    set(IdeChannel::kCylHigh, uint8_t(lba >> 40));
    set(IdeChannel::kSectorCount, uint8_t(count));
    set(IdeChannel::kSector, uint8_t(lba));
    set(IdeChannel::kCylLow, uint8_t(lba >> 8));
    set(IdeChannel::kCylHigh, uint8_t(lba >> 16));
  }
  void command(uint8_t c) { set(IdeChannel::kCommand, c); }
  // An ATAPI packet to the slave with byte count limit `limit`.
  void packet(std::vector<uint8_t> cdb, uint16_t limit = 0xFFFE) {
    select(1);
    set(IdeChannel::kFeature, 0);
    set(IdeChannel::kCylLow, uint8_t(limit));
    set(IdeChannel::kCylHigh, uint8_t(limit >> 8));
    command(0xA0);
    REQUIRE(alt() & IdeChannel::kDrq);
    REQUIRE(reg(IdeChannel::kSectorCount) == 0x01);  // CoD: the command bytes
    cdb.resize(12, 0);
    write_data(cdb);
  }
  uint16_t chunk() { return uint16_t(reg(IdeChannel::kCylLow) | reg(IdeChannel::kCylHigh) << 8); }
};

std::string ata_string(const std::vector<uint8_t>& id, unsigned word, unsigned words) {
  std::string s;
  for (unsigned i = 0; i < words; i++) {
    s += char(id[2 * (word + i) + 1]);
    s += char(id[2 * (word + i)]);
  }
  return s;
}
uint16_t word(const std::vector<uint8_t>& id, unsigned w) { return uint16_t(id[2 * w] | id[2 * w + 1] << 8); }

}  // namespace

TEST_CASE("ide ports: the data port takes 1, 2, 4 bytes, the rest bytes", "[ide][rules]") {
  test::RecordingIrq irq;
  IdeChannel ch{irq};
  CHECK(test::accepted_sizes(ch, 0) == std::vector<unsigned>{1, 2, 4});
  for (unsigned r = 1; r < 8; r++) CHECK(test::accepted_sizes(ch, r) == std::vector<unsigned>{1});
  CHECK(uint8_t(ch.read(7, 1)) == 0xFF);  // no devices: the bus floats
}

TEST_CASE("ide soft reset shows the ATA and ATAPI signatures", "[ide]") {
  Rig r;
  r.ch.control_port().write(0, 1, IdeChannel::kSrst);
  CHECK(r.alt() & IdeChannel::kBsy);
  r.ch.control_port().write(0, 1, 0);
  r.select(0);
  CHECK(r.reg(IdeChannel::kSectorCount) == 1);
  CHECK(r.reg(IdeChannel::kSector) == 1);
  CHECK(r.reg(IdeChannel::kCylLow) == 0);
  CHECK(r.reg(IdeChannel::kCylHigh) == 0);
  CHECK(r.reg(IdeChannel::kError) == 1);
  CHECK(r.status() == (IdeChannel::kDrdy | IdeChannel::kDsc));
  r.select(1);
  CHECK(r.reg(IdeChannel::kCylLow) == 0x14);
  CHECK(r.reg(IdeChannel::kCylHigh) == 0xEB);
  CHECK(r.status() == 0);
  // An absent slave beside a master reads 0.
  Rig alone(false);
  alone.select(1);
  CHECK(alone.status() == 0);
}

TEST_CASE("ide IDENTIFY DEVICE", "[ide]") {
  Rig r;
  r.select(0);
  r.command(0xEC);
  CHECK(r.irq.level);
  CHECK(r.status() == (IdeChannel::kDrdy | IdeChannel::kDsc | IdeChannel::kDrq));
  CHECK(!r.irq.level);  // the status read acknowledged it
  std::vector<uint8_t> id = r.read_data(512);
  CHECK(!(r.alt() & IdeChannel::kDrq));
  CHECK(word(id, 0) == 0x0040);
  CHECK(ata_string(id, 27, 20) == "KILN HARDDISK                           ");
  CHECK(word(id, 1) == 8);
  CHECK(word(id, 3) == 16);
  CHECK(word(id, 6) == 63);
  CHECK(word(id, 47) == 0x8010);
  CHECK((word(id, 49) & 0x0200));
  CHECK((word(id, 60) | word(id, 61) << 16) == kDiskBytes / 512);
  CHECK((word(id, 83) & 0x0400));
  CHECK(word(id, 100) == kDiskBytes / 512);
  CHECK((word(id, 255) & 0xff) == 0xA5);
  uint8_t sum = 0;
  for (uint8_t b : id) sum = uint8_t(sum + b);
  CHECK(sum == 0);
  // The CD-ROM aborts IDENTIFY DEVICE with its signature, and answers IDENTIFY PACKET DEVICE.
  r.select(1);
  r.command(0xEC);
  CHECK(r.status() == (IdeChannel::kDrdy | IdeChannel::kDsc | IdeChannel::kErr));
  CHECK(r.reg(IdeChannel::kError) == IdeChannel::kAbrt);
  CHECK(r.reg(IdeChannel::kCylLow) == 0x14);
  CHECK(r.reg(IdeChannel::kCylHigh) == 0xEB);
  r.command(0xA1);
  id = r.read_data(512, 4);
  CHECK(word(id, 0) == 0x85C0);
  CHECK(ata_string(id, 27, 6) == "KILN CD-ROM ");
  // The disk aborts IDENTIFY PACKET DEVICE and PACKET.
  r.select(0);
  r.command(0xA1);
  CHECK(r.status() & IdeChannel::kErr);
  r.command(0xA0);
  CHECK(r.status() & IdeChannel::kErr);
}

TEST_CASE("ide PIO reads in LBA28, LBA48 and CHS", "[ide]") {
  Rig r;
  SECTION("LBA28, two sectors, an IRQ each, 16-bit accesses") {
    r.lba28(100, 2);
    r.command(0x20);
    CHECK(r.irq.rises == 1);
    r.status();
    CHECK(r.read_data(512) == r.disk.read(100 * 512, 512));
    CHECK(r.irq.rises == 2);
    CHECK(r.alt() & IdeChannel::kDrq);
    r.status();
    CHECK(r.read_data(512) == r.disk.read(101 * 512, 512));
    CHECK(r.irq.rises == 2);  // no IRQ after the last block
    CHECK(r.alt() == (IdeChannel::kDrdy | IdeChannel::kDsc));
    CHECK(r.reg(IdeChannel::kSector) == 101);  // the last sector moved
  }
  SECTION("LBA48 with 32-bit accesses") {
    r.lba48(8000, 3);
    r.command(0x24);
    std::vector<uint8_t> got;
    for (int i = 0; i < 3; i++) {
      r.status();
      auto s = r.read_data(512, 4);
      got.insert(got.end(), s.begin(), s.end());
    }
    CHECK(got == r.disk.read(8000 * 512, 3 * 512));
  }
  SECTION("CHS: cylinder 2, head 3, sector 5") {
    r.select(0, 3);
    r.set(IdeChannel::kSectorCount, 1);
    r.set(IdeChannel::kSector, 5);
    r.set(IdeChannel::kCylLow, 2);
    r.set(IdeChannel::kCylHigh, 0);
    r.command(0x20);
    CHECK(r.read_data(512) == r.disk.read(((2 * 16 + 3) * 63 + 4) * 512, 512));
  }
  SECTION("INITIALIZE DEVICE PARAMETERS changes the translation") {
    r.select(0, 3);  // 4 heads
    r.set(IdeChannel::kSectorCount, 32);
    r.command(0x91);
    CHECK(!(r.status() & IdeChannel::kErr));
    r.select(0, 1);
    r.set(IdeChannel::kSectorCount, 1);
    r.set(IdeChannel::kSector, 2);
    r.set(IdeChannel::kCylLow, 3);
    r.command(0x20);
    CHECK(r.read_data(512) == r.disk.read(((3 * 4 + 1) * 32 + 1) * 512, 512));
  }
  SECTION("READ MULTIPLE: one IRQ per block of 4") {
    r.select(0);
    r.command(0xC4);  // before SET MULTIPLE MODE: aborted
    CHECK(r.status() & IdeChannel::kErr);
    r.set(IdeChannel::kSectorCount, 3);
    r.command(0xC6);  // not a power of two
    CHECK(r.status() & IdeChannel::kErr);
    r.set(IdeChannel::kSectorCount, 4);
    r.command(0xC6);
    CHECK(!(r.status() & IdeChannel::kErr));
    r.lba28(10, 6);
    const int before = r.irq.rises;
    r.command(0xC4);
    r.status();
    CHECK(r.read_data(4 * 512) == r.disk.read(10 * 512, 4 * 512));
    r.status();
    CHECK(r.read_data(2 * 512) == r.disk.read(14 * 512, 2 * 512));
    CHECK(r.irq.rises - before == 2);
  }
  SECTION("past the end: IDNF") {
    r.lba28(8191, 2);
    r.command(0x20);
    CHECK(r.status() == (IdeChannel::kDrdy | IdeChannel::kDsc | IdeChannel::kErr));
    CHECK(r.reg(IdeChannel::kError) == IdeChannel::kIdnf);
  }
}

TEST_CASE("ide PIO writes, and nIEN", "[ide]") {
  Rig r;
  std::vector<uint8_t> data(1024);
  for (size_t i = 0; i < data.size(); i++) data[i] = uint8_t(i ^ 0x5A);
  SECTION("WRITE SECTORS: DRQ without an IRQ first, an IRQ after each sector") {
    r.lba28(7, 2);
    r.command(0x30);
    CHECK(r.irq.rises == 0);
    CHECK(r.alt() & IdeChannel::kDrq);
    r.write_data({data.begin(), data.begin() + 512});
    CHECK(r.irq.rises == 1);
    r.status();
    r.write_data({data.begin() + 512, data.end()}, 4);
    CHECK(r.irq.rises == 2);
    CHECK(r.status() == (IdeChannel::kDrdy | IdeChannel::kDsc));
    CHECK(r.disk.read(7 * 512, 1024) == data);
    r.command(0xE7);  // FLUSH CACHE
    CHECK(r.status() == (IdeChannel::kDrdy | IdeChannel::kDsc));
  }
  SECTION("WRITE SECTORS EXT and WRITE MULTIPLE with nIEN") {
    r.ch.control_port().write(0, 1, IdeChannel::kNien);
    r.lba48(5000, 2);
    r.command(0x34);
    r.write_data(data);
    CHECK(r.disk.read(5000 * 512, 1024) == data);
    r.select(0);
    r.set(IdeChannel::kSectorCount, 2);
    r.command(0xC6);
    r.lba28(20, 2);
    r.command(0xC5);
    r.write_data(data);
    CHECK(r.disk.read(20 * 512, 1024) == data);
    CHECK(r.irq.rises == 0);
    r.ch.control_port().write(0, 1, 0);  // the pending request shows once unmasked
    CHECK(r.irq.level);
  }
  SECTION("a read-only disk aborts writes") {
    Rig ro(false, {.read_only = true});
    ro.lba28(0, 1);
    ro.command(0x30);
    CHECK(ro.status() & IdeChannel::kErr);
    CHECK(!(ro.alt() & IdeChannel::kDrq));
  }
  SECTION("unknown commands abort") {
    r.select(0);
    r.command(0xFF);
    CHECK(r.irq.level);
    CHECK(r.status() == (IdeChannel::kDrdy | IdeChannel::kDsc | IdeChannel::kErr));
    CHECK(r.reg(IdeChannel::kError) == IdeChannel::kAbrt);
  }
}

TEST_CASE("ide ATAPI: READ(10), REQUEST SENSE and the byte count limit", "[ide][atapi]") {
  Rig r;
  SECTION("READ(10) of two sectors in chunks of the limit") {
    r.packet({0x28, 0, 0, 0, 0, 3, 0, 0, 2}, 0x1000);
    std::vector<uint8_t> got;
    while (r.alt() & IdeChannel::kDrq) {
      CHECK(r.reg(IdeChannel::kSectorCount) == 0x02);  // IO: data to the host
      const uint16_t n = r.chunk();
      CHECK(n <= 0x1000);
      r.status();
      auto c = r.read_data(n);
      got.insert(got.end(), c.begin(), c.end());
    }
    CHECK(got == r.cd.read(3 * 2048, 2 * 2048));
    CHECK(r.reg(IdeChannel::kSectorCount) == 0x03);  // CoD | IO: done
    CHECK(r.status() == (IdeChannel::kDrdy | IdeChannel::kDsc));
  }
  SECTION("an unknown command, then REQUEST SENSE") {
    r.packet({0xFF});
    CHECK(r.status() & IdeChannel::kErr);
    CHECK(r.reg(IdeChannel::kError) >> 4 == 0x05);
    r.packet({0x03, 0, 0, 0, 18});
    CHECK(r.chunk() == 18);
    auto s = r.read_data(18);
    CHECK(s[0] == 0x70);
    CHECK(s[2] == 0x05);
    CHECK(s[12] == 0x20);
    r.packet({0x03, 0, 0, 0, 18});  // reported once
    CHECK(r.read_data(18)[2] == 0);
  }
  SECTION("READ(10) past the end: LBA out of range") {
    r.packet({0x28, 0, 0, 0, 0, 63, 0, 0, 2});
    CHECK(r.status() & IdeChannel::kErr);
    r.packet({0x03, 0, 0, 0, 18});
    CHECK(r.read_data(18)[12] == 0x21);
  }
  SECTION("TEST UNIT READY, INQUIRY, READ CAPACITY, READ TOC") {
    r.packet({0x00});
    CHECK(r.status() == (IdeChannel::kDrdy | IdeChannel::kDsc));
    r.packet({0x12, 0, 0, 0, 36});
    auto inq = r.read_data(36);
    CHECK(inq[0] == 0x05);
    CHECK(std::string(inq.begin() + 16, inq.begin() + 27) == "KILN CD-ROM");
    r.packet({0x25});
    auto cap = r.read_data(8);
    CHECK(cap == std::vector<uint8_t>{0, 0, 0, 63, 0, 0, 8, 0});
    r.packet({0x43, 0, 0, 0, 0, 0, 0, 0, 12});
    auto toc = r.read_data(12);
    CHECK(toc[3] == 1);
    CHECK(toc[6] == 1);
  }
}

TEST_CASE("ide HOB reads, READ VERIFY, EXECUTE DEVICE DIAGNOSTIC, NOP", "[ide]") {
  Rig r;
  r.lba48(0x0102'0304'0506ull, 0x0708);
  CHECK(r.reg(IdeChannel::kSector) == 0x06);
  r.ch.control_port().write(0, 1, IdeChannel::kHob);
  CHECK(r.reg(IdeChannel::kSector) == 0x03);
  CHECK(r.reg(IdeChannel::kCylHigh) == 0x01);
  CHECK(r.reg(IdeChannel::kSectorCount) == 0x07);
  r.ch.control_port().write(0, 1, 0);
  r.lba28(8000, 192);  // READ VERIFY: no data, IDNF past the end
  r.command(0x40);
  CHECK(r.status() == (IdeChannel::kDrdy | IdeChannel::kDsc));
  r.lba28(8100, 100);
  r.command(0x40);
  CHECK(r.reg(IdeChannel::kError) == IdeChannel::kIdnf);
  r.select(1);
  r.command(0x90);  // diagnostics from the slave: both signatures, device 0 selected and interrupting
  CHECK(r.irq.level);
  CHECK(r.reg(IdeChannel::kError) == 0x01);
  CHECK(r.status() == (IdeChannel::kDrdy | IdeChannel::kDsc));
  r.select(1);
  CHECK(r.reg(IdeChannel::kCylHigh) == 0xEB);
  r.select(0);
  r.command(0x00);
  CHECK(r.reg(IdeChannel::kError) == IdeChannel::kAbrt);
}

namespace {

// A bus master over a flat 1 MiB "memory" with a PRD-less limit: it moves at
// most `limit` bytes a transfer, counting from 0.
struct FakeBusMaster final : devices::IdeBusMaster {
  std::vector<uint8_t> mem = std::vector<uint8_t>(1 << 20, 0);
  uint64_t pos = 0, limit = 1 << 20;
  bool running = false;
  int done = 0, interrupts = 0;
  bool dma_running() const override { return running; }
  uint64_t dma_move(uint8_t* buf, uint64_t len, bool to_memory) override {
    const uint64_t n = std::min(len, limit - pos);
    if (to_memory) std::copy_n(buf, n, mem.begin() + std::ptrdiff_t(pos));
    else std::copy_n(mem.begin() + std::ptrdiff_t(pos), n, buf);
    pos += n;
    return n;
  }
  void dma_done() override { done++; }
  void device_interrupt() override { interrupts++; }
};

}  // namespace

TEST_CASE("ide DMA: READ/WRITE DMA, PACKET with the DMA bit, transfer modes", "[ide][dma]") {
  Rig r;
  FakeBusMaster bm;
  SECTION("without a bus master DMA commands abort") {
    r.lba28(10, 1);
    r.command(0xC8);
    CHECK(r.status() == (IdeChannel::kDrdy | IdeChannel::kDsc | IdeChannel::kErr));
  }
  r.ch.set_bus_master(&bm);
  SECTION("READ DMA waits for the start, then moves the data and interrupts") {
    std::vector<uint8_t> sectors(3 * 512);
    for (size_t i = 0; i < sectors.size(); i++) sectors[i] = uint8_t(i * 7);
    r.lba28(20, 3);
    r.command(0x30);  // written by PIO first
    r.write_data(sectors);
    r.status();
    bm.interrupts = 0;
    r.lba28(20, 3);
    r.command(0xC8);
    CHECK(r.alt() == (IdeChannel::kDrdy | IdeChannel::kDsc | IdeChannel::kDrq));
    CHECK(!r.irq.level);
    CHECK(r.read_data(4) == std::vector<uint8_t>(4, 0));  // the data port has nothing during DMA
    bm.running = true;
    r.ch.dma_started();
    CHECK(r.irq.level);
    CHECK(bm.interrupts == 1);
    CHECK(bm.done == 1);
    CHECK(r.status() == (IdeChannel::kDrdy | IdeChannel::kDsc));
    CHECK(std::equal(sectors.begin(), sectors.end(), bm.mem.begin()));
    CHECK(r.reg(IdeChannel::kSector) == 22);  // the last sector moved
  }
  SECTION("WRITE DMA EXT with the bus master running, READ DMA EXT back") {
    bm.running = true;
    for (size_t i = 0; i < 1024; i++) bm.mem[i] = uint8_t(i ^ 0x5A);
    r.lba48(5000, 2);
    r.command(0x35);
    CHECK(r.status() == (IdeChannel::kDrdy | IdeChannel::kDsc));
    bm.pos = 0;
    std::fill_n(bm.mem.begin(), 1024, 0);
    r.lba48(5000, 2);
    r.command(0x25);
    CHECK(r.status() == (IdeChannel::kDrdy | IdeChannel::kDsc));
    for (size_t i = 0; i < 1024; i++) CHECK(bm.mem[i] == uint8_t(i ^ 0x5A));
  }
  SECTION("a bus master that falls short: ABRT") {
    bm.running = true;
    bm.limit = 1024;
    r.lba28(0, 4);
    r.command(0xC8);
    CHECK(r.status() == (IdeChannel::kDrdy | IdeChannel::kDsc | IdeChannel::kErr));
    CHECK(r.reg(IdeChannel::kError) == IdeChannel::kAbrt);
    CHECK(r.reg(IdeChannel::kSector) == 2);  // the first sector not moved
    CHECK(bm.done == 1);
  }
  SECTION("ATAPI READ(10) by DMA") {
    r.select(1);
    r.set(IdeChannel::kFeature, 1);  // DMA
    r.command(0xA0);
    std::vector<uint8_t> cdb{0x28, 0, 0, 0, 0, 3, 0, 0, 2, 0, 0, 0};  // sectors 3-4
    r.write_data(cdb);
    CHECK(r.alt() == (IdeChannel::kDrdy | IdeChannel::kDsc | IdeChannel::kDrq));
    CHECK(r.reg(IdeChannel::kSectorCount) == 0x02);  // IO
    bm.running = true;
    r.ch.dma_started();
    CHECK(r.status() == (IdeChannel::kDrdy | IdeChannel::kDsc));
    CHECK(r.reg(IdeChannel::kSectorCount) == 0x03);  // CoD | IO: done
    CHECK(bm.pos == 2 * 2048);
  }
  SECTION("SET FEATURES transfer modes show in IDENTIFY's words 63 and 88") {
    auto identify = [&] {
      r.select(0);
      r.command(0xEC);
      return r.read_data(512);
    };
    auto set_mode = [&](uint8_t mode) {
      r.select(0);
      r.set(IdeChannel::kFeature, 0x03);
      r.set(IdeChannel::kSectorCount, mode);
      r.command(0xEF);
      return r.status();
    };
    std::vector<uint8_t> id = identify();
    CHECK((word(id, 49) & 0x0100));
    CHECK(word(id, 63) == 0x0007);
    CHECK(word(id, 88) == 0x003F);
    CHECK(set_mode(0x21) == (IdeChannel::kDrdy | IdeChannel::kDsc));
    CHECK(word(identify(), 63) == 0x0207);
    CHECK(set_mode(0x42) == (IdeChannel::kDrdy | IdeChannel::kDsc));
    id = identify();
    CHECK(word(id, 63) == 0x0007);
    CHECK(word(id, 88) == 0x043F);
    CHECK(set_mode(0x0C) == (IdeChannel::kDrdy | IdeChannel::kDsc));  // PIO 4 keeps the DMA mode
    CHECK(word(identify(), 88) == 0x043F);
    CHECK(set_mode(0x46) & IdeChannel::kErr);  // UDMA 6: not offered
    r.ch.reset();
    CHECK(word(identify(), 88) == 0x003F);
  }
}

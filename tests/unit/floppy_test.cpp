// The 82077AA floppy controller of -M pc (devices/pc/floppy.h) through its
// ports, with the 8237A pair (devices/pc/i8237.h) on a PhysMap with RAM and
// temporary image files: the command, execution and result phases as MSR
// shows them, reset and its polling statuses, the IRQ, seeks and the
// disk-change line, SENSE DRIVE STATUS, the configuration commands Linux
// probes with, READ DATA (multi-track, TC, end of track, implied seek, data
// rate and cylinder checks), WRITE DATA into the file (read-only and snapshot
// images), the DMA set up after the command, READ ID, FORMAT TRACK, the
// non-DMA mode, and random port traffic.
#include <catch2/catch.hpp>

#include <vector>

#include "devices/pc/floppy.h"
#include "tests/unit/device_test_util.h"
#include "tests/unit/temp_image.h"

using namespace kiln;
using devices::FloppyController;
using devices::I8237Pair;
using Bytes = std::vector<uint8_t>;

namespace {

constexpr uint64_t k144 = 1474560;
constexpr unsigned kSpt = 18;

struct Rig {
  mem::PhysMap map;
  test::FakeClock clock;
  test::RecordingIrq irq;
  std::unique_ptr<I8237Pair> dma;
  std::unique_ptr<FloppyController> fdc;
  test::TempImage a{k144}, b{k144};
  explicit Rig(devices::block::DiskOptions b_options = {.read_only = true}) {
    REQUIRE(map.add_ram("ram", 0, 1 << 20));
    dma = std::make_unique<I8237Pair>(map, nullptr);
    fdc = std::make_unique<FloppyController>(irq, *dma, clock);
    auto ia = devices::block::DiskImage::open(a.path);
    auto ib = devices::block::DiskImage::open(b.path, b_options);
    REQUIRE(ia);
    REQUIRE(ib);
    fdc->attach(0, std::move(*ia));
    fdc->attach(1, std::move(*ib));
    // The cascade open, as a BIOS leaves it.
    dma_out(0xd6, 0xc0);
    dma_out(0xd4, 0x00);
  }
  void out(unsigned reg, uint8_t v) {
    if (reg == 7) fdc->dir_port().write(0, 1, v);
    else fdc->low_ports().write(reg, 1, v);
  }
  uint8_t in(unsigned reg) { return uint8_t(reg == 7 ? fdc->dir_port().read(0, 1) : fdc->low_ports().read(reg, 1)); }
  uint8_t msr() { return in(FloppyController::kMsr); }
  void dma_out(uint32_t port, uint8_t v) {
    if (port < 0x10) dma->controller1().write(port, 1, v);
    else if (port >= 0xc0) dma->controller2().write(port - 0xc0, 1, v);
    else dma->page_registers().write(port - 0x81, 1, v);
  }
  // Command bytes, each when MSR asks for one.
  void cmd(const Bytes& bytes) {
    for (uint8_t v : bytes) {
      REQUIRE((msr() & 0xc0) == 0x80);
      out(FloppyController::kFifo, v);
    }
  }
  // The result phase, read to its end.
  Bytes results() {
    Bytes r;
    while ((msr() & 0xc0) == 0xc0) r.push_back(in(FloppyController::kFifo));
    return r;
  }
  Bytes run(const Bytes& bytes) {
    cmd(bytes);
    return results();
  }
  // Channel 2 for `count` bytes at `addr`: a write (into memory) or read transfer.
  void dma_setup(uint32_t addr, uint32_t count, bool into_memory, bool unmask = true) {
    dma_out(0x0a, 0x06);
    dma_out(0x0c, 0);
    dma_out(0x04, uint8_t(addr));
    dma_out(0x04, uint8_t(addr >> 8));
    dma_out(0x0c, 0);
    dma_out(0x05, uint8_t(count - 1));
    dma_out(0x05, uint8_t((count - 1) >> 8));
    dma_out(0x0b, into_memory ? 0x46 : 0x4a);
    dma_out(0x81, uint8_t(addr >> 16));
    if (unmask) dma_out(0x0a, 0x02);
  }
  // Out of reset with the four polling statuses drained, 500 kb/s, drive A's head on cylinder `cyl`.
  void ready(uint8_t cyl = 0) {
    out(FloppyController::kDor, 0x08);
    out(FloppyController::kDor, 0x1c);
    for (int i = 0; i < 4; i++) run({0x08});
    out(FloppyController::kCcr, 0);
    run({0x03, 0xaf, 0x02});
    cmd({0x0f, 0x00, cyl});
    run({0x08});
  }
  Bytes ram(uint64_t pa, size_t n) {
    Bytes v(n);
    REQUIRE(map.read(pa, v.data(), n));
    return v;
  }
};

uint64_t lba(unsigned c, unsigned h, unsigned s) { return (uint64_t(c) * 2 + h) * kSpt + s - 1; }

// What the image file holds at first, `n` sectors from `first`.
Bytes pattern_sectors(uint64_t first, unsigned n) {
  Bytes v(n * 512);
  for (size_t i = 0; i < v.size(); i++) v[i] = test::pattern(first * 512 + i);
  return v;
}

}  // namespace

TEST_CASE("82077AA: reset, polling statuses, the IRQ and MSR", "[floppy]") {
  Rig r;
  CHECK(r.in(FloppyController::kDor) == 0x0c);
  CHECK(r.msr() == 0x80);
  r.out(FloppyController::kDor, 0x08);  // reset held
  CHECK(r.msr() == 0x00);
  CHECK_FALSE(r.irq.level);
  r.out(FloppyController::kDor, 0x0c);  // out of reset: an interrupt
  CHECK(r.irq.level);
  CHECK(r.msr() == 0x80);
  CHECK(r.run({0x08}) == Bytes{0xc0, 0});
  CHECK_FALSE(r.irq.level);
  CHECK(r.run({0x08}) == Bytes{0xc1, 0});
  CHECK(r.run({0x08}) == Bytes{0xc2, 0});
  CHECK(r.run({0x08}) == Bytes{0xc3, 0});
  CHECK(r.run({0x08}) == Bytes{0x80});  // nothing left: invalid
  // The DSR's self-clearing reset does the same; with the DMA gate closed the IRQ stays off the bus.
  r.out(FloppyController::kDor, 0x04);
  r.out(FloppyController::kDsr, 0x80);
  CHECK_FALSE(r.irq.level);
  r.out(FloppyController::kDor, 0x0c);
  CHECK(r.irq.level);
  CHECK(r.run({0x08}) == Bytes{0xc0, 0});
  // SRA/SRB are PS/2 registers: absent in AT mode.
  CHECK(r.in(0) == 0xff);
  CHECK(r.in(1) == 0xff);
}

TEST_CASE("82077AA: VERSION, DUMPREG, CONFIGURE, LOCK, PERPENDICULAR, SPECIFY, invalid commands", "[floppy]") {
  Rig r;
  CHECK(r.run({0x10}) == Bytes{0x90});
  r.cmd({0x13});
  CHECK(r.msr() == 0x90);  // more bytes wanted, command busy
  r.cmd({0x00, 0x57, 0x05});  // EIS, FIFO on, polling off, threshold 7; precompensation from track 5
  r.cmd({0x03, 0xaf, 0x02});
  r.cmd({0x12, 0x80 | 0x04});  // PERPENDICULAR: OW, drive 0
  CHECK(r.run({0x94}) == Bytes{0x10});  // LOCK
  CHECK(r.run({0x0e}) == Bytes{0, 0, 0, 0, 0xaf, 0x02, 0, 0x84, 0x57, 0x05});
  // A software reset keeps the locked FIFO settings and PRETRK; EIS and polling go back to their defaults.
  r.out(FloppyController::kDsr, 0x80);
  CHECK(r.run({0x08}) == Bytes{0xc0, 0});
  CHECK(r.run({0x0e}) == Bytes{0, 0, 0, 0, 0xaf, 0x02, 0, 0x84, 0x07, 0x05});
  CHECK(r.run({0x14}) == Bytes{0x00});  // UNLOCK
  r.out(FloppyController::kDsr, 0x80);
  CHECK(r.run({0x0e})[8] == 0x20);
  // PART ID (82078 only), DUMPREG's neighbours and stray bytes: invalid, one result byte, no IRQ.
  r.irq.rises = 0;
  for (uint8_t op : {0x18, 0x01, 0x1f, 0x93, 0xc5 | 0x20}) CHECK(r.run({op}) == Bytes{0x80});
  CHECK(r.irq.rises == 0);
}

TEST_CASE("82077AA: seeks, SENSE INTERRUPT STATUS, the busy bits and the disk-change line", "[floppy]") {
  Rig r;
  r.ready();
  r.out(FloppyController::kDor, 0x1c);
  // ready() sought to cylinder 0 where the head already was: no step, the change line still set.
  CHECK(r.in(FloppyController::kDir) == 0x80);
  r.irq.rises = 0;
  r.cmd({0x0f, 0x04, 10});  // SEEK drive A, head 1, cylinder 10
  CHECK(r.irq.level);
  CHECK(r.irq.rises == 1);
  CHECK(r.msr() == 0x81);  // drive 0 busy until sensed
  CHECK(r.run({0x08}) == Bytes{0x24, 10});
  CHECK_FALSE(r.irq.level);
  CHECK(r.msr() == 0x80);
  CHECK(r.in(FloppyController::kDir) == 0x00);  // the step cleared it
  CHECK(r.run({0x04, 0x00}) == Bytes{0x28});  // ST3: not on track 0, writable
  r.cmd({0xcf, 0x00, 3});  // RELATIVE SEEK in by 3
  CHECK(r.run({0x08}) == Bytes{0x20, 13});
  r.cmd({0x8f, 0x00, 20});  // out by 20: stops at 0
  CHECK(r.run({0x08}) == Bytes{0x20, 0});
  r.cmd({0x07, 0x01});  // RECALIBRATE drive B (read-only)
  CHECK(r.run({0x08}) == Bytes{0x21, 0});
  CHECK(r.run({0x04, 0x01}) == Bytes{0x28 | 0x40 | 0x10 | 0x01});  // write-protected, track 0
  r.cmd({0x07, 0x02});  // no drive C: no track 0 signal
  CHECK(r.run({0x08}) == Bytes{0x72, 0});
  // Two seeks before any sense: the lowest drive first.
  r.cmd({0x0f, 0x01, 4});
  r.cmd({0x0f, 0x00, 2});
  CHECK(r.msr() == 0x83);
  CHECK(r.run({0x08}) == Bytes{0x20, 2});
  CHECK(r.run({0x08}) == Bytes{0x21, 4});
  r.out(FloppyController::kDor, 0x1d);  // DIR follows the DOR's drive select: B stepped too
  CHECK(r.in(FloppyController::kDir) == 0x00);
  r.out(FloppyController::kDor, 0x1e);  // no drive C: no disk
  CHECK(r.in(FloppyController::kDir) == 0x80);
}

TEST_CASE("82077AA: READ DATA by DMA, multi-track, ended by TC", "[floppy]") {
  Rig r;
  r.ready();
  r.dma_setup(0x10000, 4 * 512, true);
  r.irq.rises = 0;
  r.cmd({0xe6, 0x00, 0, 0, 17, 2, 18, 0x1b, 0xff});  // C0 H0 R17..EOT 18, then head 1
  CHECK(r.irq.rises == 1);
  CHECK(r.msr() == 0xd0);
  CHECK(r.ram(0x10000, 4 * 512) == pattern_sectors(lba(0, 0, 17), 4));
  CHECK(r.in(FloppyController::kFifo) == 0x04);  // ST0: normal, head 1, drive 0
  CHECK_FALSE(r.irq.level);  // the first result byte clears it
  CHECK(r.results() == Bytes{0, 0, 0, 1, 3, 2});  // C0 H1 R3 N2: the sector after the last one read
  CHECK(r.dma->masked(2));
  // TC on head 1's EOT: the next cylinder, head 0 (MT flips H), sector 1.
  r.dma_setup(0x20000, 2 * 512, true);
  CHECK(r.run({0xe6, 0x04, 0, 1, 17, 2, 18, 0x1b, 0xff}) == Bytes{0x04, 0, 0, 1, 0, 1, 2});
  CHECK(r.ram(0x20000, 1024) == pattern_sectors(lba(0, 1, 17), 2));
  // Without MT the track's end is the command's end: TC there is a normal end on C+1.
  r.dma_setup(0x20000, 512, true);
  CHECK(r.run({0x46, 0x00, 0, 0, 18, 2, 18, 0x1b, 0xff}) == Bytes{0x00, 0, 0, 1, 0, 1, 2});
}

TEST_CASE("82077AA: READ DATA errors: end of track, data rate, cylinder, sector; implied seek", "[floppy]") {
  Rig r;
  r.ready(2);
  // More DMA count than sectors up to EOT: abnormal termination, end of cylinder.
  r.dma_setup(0x10000, 4096, true);
  CHECK(r.run({0x46, 0x00, 2, 0, 5, 2, 6, 0x1b, 0xff}) == Bytes{0x40, 0x80, 0, 3, 0, 1, 2});
  CHECK(r.ram(0x10000, 1024) == pattern_sectors(lba(2, 0, 5), 2));
  // The wrong data rate: no address marks.
  r.out(FloppyController::kCcr, 2);
  r.dma_setup(0x10000, 512, true);
  CHECK(r.run({0x46, 0x00, 2, 0, 1, 2, 1, 0x1b, 0xff}) == Bytes{0x40, 0x01, 0, 2, 0, 1, 2});
  r.out(FloppyController::kCcr, 0);
  // A cylinder other than the head's (no implied seeks): no data, wrong cylinder.
  CHECK(r.run({0x46, 0x00, 7, 0, 1, 2, 1, 0x1b, 0xff}) == Bytes{0x40, 0x04, 0x10, 7, 0, 1, 2});
  // A sector past the track's last, a head the ID does not carry, another size: no data.
  CHECK(r.run({0x46, 0x00, 2, 0, 19, 2, 19, 0x1b, 0xff})[1] == 0x04);
  CHECK(r.run({0x46, 0x00, 2, 1, 1, 2, 1, 0x1b, 0xff})[1] == 0x04);
  CHECK(r.run({0x46, 0x00, 2, 0, 1, 3, 1, 0x1b, 0xff})[1] == 0x04);
  // No drive: no address marks either.
  CHECK(r.run({0x46, 0x02, 2, 0, 1, 2, 1, 0x1b, 0xff}) == Bytes{0x42, 0x01, 0, 2, 0, 1, 2});
  // CONFIGURE's EIS: the head goes to the command's cylinder first (ST0's SE).
  r.cmd({0x13, 0x00, 0x60, 0x00});
  r.dma_setup(0x30000, 512, true);
  CHECK(r.run({0x46, 0x04, 40, 1, 9, 2, 9, 0x1b, 0xff}) == Bytes{0x24, 0, 0, 41, 1, 1, 2});
  CHECK(r.ram(0x30000, 512) == pattern_sectors(lba(40, 1, 9), 1));
  CHECK(r.run({0x0e})[0] == 40);
}

TEST_CASE("82077AA: non-DMA mode moves the data through the FIFO", "[floppy]") {
  Rig r;
  r.ready(4);
  r.cmd({0x03, 0xaf, 0x03});  // SPECIFY: ND
  r.irq.rises = 0;
  r.cmd({0xc6, 0x00, 4, 0, 18, 2, 18, 0x1b, 0xff});  // MT read from C4 H0 R18: to the cylinder's end
  CHECK(r.irq.rises == 1);
  CHECK(r.msr() == 0xf0);  // RQM, DIO, NDMA, busy
  Bytes got;
  while (r.msr() == 0xf0) got.push_back(r.in(FloppyController::kFifo));
  CHECK(got == pattern_sectors(lba(4, 0, 18), 19));  // head 0's last sector, then all of head 1
  CHECK(r.irq.rises == int(got.size()) + 1);  // the start, a new request after each byte but the last, the result
  CHECK(r.irq.level);
  CHECK(r.results() == Bytes{0x44, 0x80, 0, 5, 0, 1, 2});  // no TC without the DMA: end of cylinder
  CHECK_FALSE(r.irq.level);
  // A write: MSR asks for bytes (DIO clear) until the track's end.
  r.cmd({0x45, 0x00, 4, 0, 17, 2, 18, 0x1b, 0xff});
  CHECK(r.msr() == 0xb0);
  Bytes data(1024);
  for (size_t i = 0; i < data.size(); i++) data[i] = uint8_t(i * 7 + 3);
  for (uint8_t b : data) r.out(FloppyController::kFifo, b);
  CHECK(r.results() == Bytes{0x40, 0x80, 0, 5, 0, 1, 2});
  CHECK(r.a.read(lba(4, 0, 17) * 512, 1024) == data);
  // FORMAT TRACK: four ID bytes a sector through the FIFO.
  r.cmd({0x4d, 0x00, 2, 2, 0x6c, 0x5a});
  for (uint8_t b : {4, 0, 1, 2, 4, 0, 2, 2}) {
    CHECK(r.msr() == 0xb0);
    r.out(FloppyController::kFifo, b);
  }
  CHECK(r.results()[0] == 0x00);
  CHECK(r.a.read(lba(4, 0, 1) * 512, 1024) == Bytes(1024, 0x5a));
  CHECK(r.a.read(lba(4, 0, 3) * 512, 512) == pattern_sectors(lba(4, 0, 3), 1));
  // A guest that stops after the sectors it wants: kOverrunNs later, an overrun with how far it got.
  // Before the first byte and inside a sector the wait is kStallNs (a JIT compile must not end it).
  r.cmd({0xc6, 0x00, 4, 0, 1, 2, 18, 0x1b, 0xff});
  r.clock.advance(FloppyController::kStallNs - 1);
  CHECK(r.msr() == 0xf0);
  for (int i = 0; i < 2 * 512 - 1; i++) r.in(FloppyController::kFifo);
  r.clock.advance(FloppyController::kStallNs - 1);
  CHECK(r.msr() == 0xf0);
  r.in(FloppyController::kFifo);  // the second sector's last byte
  r.clock.advance(FloppyController::kOverrunNs - 1);
  CHECK(r.msr() == 0xf0);
  r.irq.rises = 0;
  r.clock.advance(1);
  CHECK(r.irq.rises == 1);
  CHECK(r.results() == Bytes{0x40, 0x10, 0, 4, 0, 3, 2});
  CHECK(r.clock.pending_timers() == 0);
  // Stopping inside a sector: kStallNs.
  r.cmd({0xc6, 0x00, 4, 0, 1, 2, 18, 0x1b, 0xff});
  for (int i = 0; i < 100; i++) r.in(FloppyController::kFifo);
  r.clock.advance(FloppyController::kStallNs - 1);
  CHECK(r.msr() == 0xf0);
  r.clock.advance(1);
  CHECK(r.results() == Bytes{0x40, 0x10, 0, 4, 0, 1, 2});
}

TEST_CASE("82077AA: WRITE DATA into the image; read-only and snapshot images", "[floppy]") {
  Rig r({.snapshot = true});
  r.ready(3);
  Bytes data(1024);
  for (size_t i = 0; i < data.size(); i++) data[i] = uint8_t(0xA0 ^ i);
  REQUIRE(r.map.write(0x40000, data.data(), data.size()));
  r.dma_setup(0x40000, 1024, false);
  CHECK(r.run({0xc5, 0x04, 3, 1, 17, 2, 18, 0x1b, 0xff}) == Bytes{0x04, 0, 0, 4, 0, 1, 2});
  CHECK(r.a.read(lba(3, 1, 17) * 512, 1024) == data);
  CHECK(r.a.read(lba(3, 1, 16) * 512, 512) == pattern_sectors(lba(3, 1, 16), 1));
  // TC inside a sector: the rest of it is written as zeros.
  r.dma_setup(0x40000, 100, false);
  CHECK(r.run({0xc5, 0x00, 3, 0, 1, 2, 18, 0x1b, 0xff}) == Bytes{0x00, 0, 0, 3, 0, 2, 2});
  Bytes want(data.begin(), data.begin() + 100);
  want.resize(512, 0);
  CHECK(r.a.read(lba(3, 0, 1) * 512, 512) == want);
  // And the read back through the controller.
  r.dma_setup(0x50000, 512, true);
  r.run({0x46, 0x00, 3, 0, 1, 2, 1, 0x1b, 0xff});
  CHECK(r.ram(0x50000, 512) == want);
  // Drive B with snapshot=on: the guest sees its write, the file does not change.
  r.cmd({0x0f, 0x01, 3});
  r.run({0x08});
  r.dma_setup(0x40000, 512, false);
  CHECK(r.run({0xc5, 0x01, 3, 0, 2, 2, 2, 0x1b, 0xff}) == Bytes{0x05, 0, 0, 3, 1, 1, 2});  // MT: on to head 1
  r.dma_setup(0x60000, 512, true);
  r.run({0x46, 0x01, 3, 0, 2, 2, 2, 0x1b, 0xff});
  CHECK(r.ram(0x60000, 512) == Bytes(data.begin(), data.begin() + 512));
  CHECK(r.b.read(lba(3, 0, 2) * 512, 512) == pattern_sectors(lba(3, 0, 2), 1));
}

TEST_CASE("82077AA: a read-only image refuses WRITE DATA and FORMAT TRACK", "[floppy]") {
  Rig r;  // drive B read-only
  r.ready();
  r.dma_setup(0x40000, 512, false);
  CHECK(r.run({0xc5, 0x01, 0, 0, 1, 2, 1, 0x1b, 0xff}) == Bytes{0x41, 0x02, 0, 0, 0, 1, 2});
  CHECK(r.run({0x4d, 0x01, 2, 18, 0x6c, 0xf6})[1] == 0x02);
  CHECK(r.b.read(0, 512) == pattern_sectors(0, 1));
}

TEST_CASE("82077AA: the command first, the DMA after; the DOR's DMA gate", "[floppy]") {
  Rig r;
  r.ready();
  r.dma_setup(0x10000, 512, true, false);  // left masked
  r.irq.rises = 0;
  r.cmd({0x46, 0x00, 0, 0, 1, 2, 1, 0x1b, 0xff});
  CHECK(r.msr() == 0x10);  // execution: waiting for the DMA
  CHECK(r.irq.rises == 0);
  r.dma_out(0x0a, 0x02);  // unmask: the transfer runs
  CHECK(r.msr() == 0xd0);
  CHECK(r.irq.rises == 1);
  CHECK(r.ram(0x10000, 512) == pattern_sectors(0, 1));
  r.results();
  // DOR bit 3 clear: DRQ (and INT) stay off the bus until it is set again.
  r.out(FloppyController::kDor, 0x14);
  r.dma_setup(0x20000, 512, true);
  r.cmd({0x46, 0x00, 0, 0, 2, 2, 2, 0x1b, 0xff});
  CHECK(r.msr() == 0x10);
  r.out(FloppyController::kDor, 0x1c);
  CHECK(r.msr() == 0xd0);
  CHECK(r.irq.level);
  CHECK(r.ram(0x20000, 512) == pattern_sectors(1, 1));
}

TEST_CASE("82077AA: READ ID and FORMAT TRACK", "[floppy]") {
  Rig r;
  r.ready(1);
  CHECK(r.run({0x4a, 0x04}) == Bytes{0x04, 0, 0, 1, 1, 1, 2});
  CHECK(r.run({0x4a, 0x04}) == Bytes{0x04, 0, 0, 1, 1, 2, 2});  // the next sector passes the head
  r.out(FloppyController::kCcr, 3);
  CHECK(r.run({0x4a, 0x00})[0] == 0x40);  // 1 Mb/s on a 1.44M disk: nothing
  r.out(FloppyController::kCcr, 0);
  // FORMAT TRACK of cylinder 1, head 0: 18 IDs from memory, the fill byte in every sector.
  Bytes ids;
  for (uint8_t s = 1; s <= kSpt; s++) ids.insert(ids.end(), {1, 0, s, 2});
  REQUIRE(r.map.write(0x7000, ids.data(), ids.size()));
  r.dma_setup(0x7000, unsigned(ids.size()), false);
  CHECK(r.run({0x4d, 0x00, 2, kSpt, 0x6c, 0xf6})[0] == 0x00);
  CHECK(r.a.read(lba(1, 0, 1) * 512, kSpt * 512) == Bytes(kSpt * 512, 0xf6));
  CHECK(r.a.read(lba(1, 1, 1) * 512, 512) == pattern_sectors(lba(1, 1, 1), 1));
}

TEST_CASE("82077AA: image sizes and CMOS types", "[floppy]") {
  CHECK(FloppyController::format_for_size(737280)->cmos_type == 3);
  CHECK(FloppyController::format_for_size(1228800)->cmos_type == 2);
  CHECK(FloppyController::format_for_size(1474560)->cmos_type == 4);
  CHECK(FloppyController::format_for_size(2949120)->cmos_type == 5);
  CHECK(FloppyController::format_for_size(1474560 + 512) == nullptr);
  CHECK(FloppyController::format_for_size(0) == nullptr);
}

TEST_CASE("82077AA and 8237: random guest port traffic never crashes", "[floppy][i8237]") {
  Rig r({.snapshot = true});
  uint64_t x = 0x9e3779b97f4a7c15ull;
  auto next = [&x] {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  static constexpr uint32_t kDmaPorts[] = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b,
                                           0x0c, 0x0d, 0x0e, 0x0f, 0x81, 0x82, 0x87, 0x8f, 0xc4, 0xd0, 0xd4, 0xd6, 0xda};
  for (int i = 0; i < 200000; i++) {
    const uint64_t v = next();
    const uint8_t byte = uint8_t(v >> 8);
    switch (v % 8) {
      case 0: r.dma_out(kDmaPorts[(v >> 16) % std::size(kDmaPorts)], byte); break;
      case 1: r.out(FloppyController::kDor, uint8_t(byte | 0x04)); break;  // mostly out of reset
      case 2: r.out(unsigned((v >> 16) % 8), byte); break;
      case 3: r.in(unsigned((v >> 16) % 8)); break;
      default: r.out(FloppyController::kFifo, byte); break;  // command bytes, mostly
    }
    if (v % 4096 == 0) r.fdc->reset();
  }
  SUCCEED("no crash");
}

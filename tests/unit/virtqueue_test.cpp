// The split virtqueue (devices/virtio/queue.h) against a hostile driver:
// descriptor indices out of range, loops, buffers outside RAM or in ROM,
// runaway available indices, bad queue sizes and rings outside RAM. None may
// crash or hang Kiln (this runs under ASan and UBSan in CI); each sets
// DEVICE_NEEDS_RESET with a config-change interrupt, and a reset recovers.
// Also: chains exactly as long as the queue, DRIVER_OK gating, malformed
// virtio-blk requests, and device writes reported to the code watcher.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

#include "devices/virtio/blk.h"
#include "devices/virtio/rng.h"
#include "tests/unit/virtio_test_driver.h"

using namespace kiln;
using T = devices::virtio::MmioTransport;

namespace {

constexpr uint64_t kV1 = 1ull << 32, kBuf = test::kVirtioRam + 0x40000;
constexpr uint16_t kWrite = 2, kNext = 1;

struct Rig {
  mem::PhysMap map;
  test::RecordingIrq irq;
  devices::virtio::Rng rng{3};
  T t{map, irq, &rng};
  test::VirtioDriver drv{map, t};
  Rig() {
    REQUIRE(map.add_ram("ram", test::kVirtioRam, test::kVirtioRamSize));
    uint8_t rom[4096] = {};
    REQUIRE(map.add_rom("rom", 0x1000, rom, sizeof rom));
  }
  bool needs_reset() { return drv.rd(T::kRegStatus) & 0x40; }
  void expect_broken() {
    CHECK(needs_reset());
    CHECK(drv.used_idx(0) == 0);
    CHECK((drv.rd(T::kRegInterruptStatus) & T::kIntConfigChange) != 0);
    CHECK(irq.level);
    // Further kicks do nothing.
    drv.kick(0);
    CHECK(drv.used_idx(0) == 0);
  }
};

}  // namespace

TEST_CASE("virtqueue: malformed rings mark the device as needing a reset", "[virtio][virtqueue]") {
  Rig r;
  r.drv.init(1, 8, test::kVirtioRam, kV1);

  SECTION("head index out of range") {
    r.drv.publish(0, 8);
    r.drv.kick(0);
    r.expect_broken();
  }
  SECTION("next index out of range") {
    r.drv.write_desc(0, 0, kBuf, 16, kWrite | kNext, 200);
    r.drv.publish(0, 0);
    r.drv.kick(0);
    r.expect_broken();
  }
  SECTION("a loop in the chain") {
    r.drv.write_desc(0, 0, kBuf, 16, kWrite | kNext, 1);
    r.drv.write_desc(0, 1, kBuf + 16, 16, kWrite | kNext, 0);
    r.drv.publish(0, 0);
    r.drv.kick(0);
    r.expect_broken();
  }
  SECTION("a descriptor pointing at itself") {
    r.drv.write_desc(0, 3, kBuf, 16, kWrite | kNext, 3);
    r.drv.publish(0, 3);
    r.drv.kick(0);
    r.expect_broken();
  }
  SECTION("a buffer outside RAM") {
    r.drv.write_desc(0, 0, 0x10000000, 16, kWrite, 0);
    r.drv.publish(0, 0);
    r.drv.kick(0);
    r.expect_broken();
  }
  SECTION("a buffer running off the end of RAM") {
    r.drv.write_desc(0, 0, test::kVirtioRam + test::kVirtioRamSize - 8, 16, kWrite, 0);
    r.drv.publish(0, 0);
    r.drv.kick(0);
    r.expect_broken();
  }
  SECTION("a 4 GiB buffer") {
    r.drv.write_desc(0, 0, kBuf, 0xffffffff, kWrite, 0);
    r.drv.publish(0, 0);
    r.drv.kick(0);
    r.expect_broken();
  }
  SECTION("an address that wraps around") {
    r.drv.write_desc(0, 0, ~0ull - 4, 16, kWrite, 0);
    r.drv.publish(0, 0);
    r.drv.kick(0);
    r.expect_broken();
  }
  SECTION("a device-writable buffer in ROM") {
    r.drv.write_desc(0, 0, 0x1000, 16, kWrite, 0);
    r.drv.publish(0, 0);
    r.drv.kick(0);
    r.expect_broken();
  }
  SECTION("an indirect descriptor (never offered)") {
    r.drv.write_desc(0, 0, kBuf, 32, 4, 0);
    r.drv.publish(0, 0);
    r.drv.kick(0);
    r.expect_broken();
  }
  SECTION("a readable buffer after a writable one") {
    r.drv.write_desc(0, 0, kBuf, 16, kWrite | kNext, 1);
    r.drv.write_desc(0, 1, kBuf + 16, 16, 0, 0);
    r.drv.publish(0, 0);
    r.drv.kick(0);
    r.expect_broken();
  }
  SECTION("the available index running ahead of the ring") {
    r.drv.set_avail_idx(0, 9);
    r.drv.kick(0);
    r.expect_broken();
  }
  SECTION("after a reset the device works again") {
    r.drv.publish(0, 8);
    r.drv.kick(0);
    REQUIRE(r.needs_reset());
    test::VirtioDriver fresh(r.map, r.t);
    fresh.init(1, 8, test::kVirtioRam, kV1);
    CHECK_FALSE(r.needs_reset());
    CHECK_FALSE(r.irq.level);
    fresh.post(0, {{kBuf, 16, true}});
    auto u = fresh.take_used(0);
    REQUIRE(u);
    CHECK(u->second == 16);
  }
}

TEST_CASE("virtqueue: bad queue configuration", "[virtio][virtqueue]") {
  Rig r;
  REQUIRE(r.drv.negotiate(kV1));
  SECTION("rings outside RAM") {
    r.drv.wr(T::kRegQueueSel, 0);
    r.drv.wr(T::kRegQueueNum, 8);
    r.drv.wr(T::kRegQueueDescLow, 0x20000000);
    r.drv.wr(T::kRegQueueDriverLow, 0x20001000);
    r.drv.wr(T::kRegQueueDeviceLow, 0x20002000);
    r.drv.wr(T::kRegQueueReady, 1);
    r.drv.driver_ok();
    r.drv.kick(0);
    CHECK(r.needs_reset());
  }
  SECTION("a queue size that is not a power of two") {
    r.drv.setup_queue(0, 8, test::kVirtioRam);
    r.drv.wr(T::kRegQueueReady, 0);
    r.drv.wr(T::kRegQueueNum, 6);
    r.drv.wr(T::kRegQueueReady, 1);
    r.drv.driver_ok();
    r.drv.kick(0);
    CHECK(r.needs_reset());
  }
  SECTION("a queue size above the maximum") {
    r.drv.setup_queue(0, 8, test::kVirtioRam);
    r.drv.wr(T::kRegQueueReady, 0);
    r.drv.wr(T::kRegQueueNum, 512);
    r.drv.wr(T::kRegQueueReady, 1);
    r.drv.driver_ok();
    r.drv.kick(0);
    CHECK(r.needs_reset());
  }
  SECTION("notifying a queue that does not exist") {
    r.drv.setup_queue(0, 8, test::kVirtioRam);
    r.drv.driver_ok();
    r.drv.kick(5);
    r.drv.wr(T::kRegQueueNotify, 0xffffffff);
    CHECK_FALSE(r.needs_reset());
  }
}

namespace {

// A device lying on guest RAM (as HTIF's words do on spike).
class Overlay final : public mem::MmioDevice {
 public:
  mem::AccessRules rules(uint64_t) const override { return {}; }
  uint64_t read(uint64_t, unsigned) override { return 0; }
  void write(uint64_t, unsigned, uint64_t) override {}
};

// The used ring moved to `used` after a normal set-up; one writable buffer posted and kicked.
void kick_with_used_ring_at(Rig& r, uint64_t used) {
  r.drv.wr(T::kRegQueueSel, 0);
  r.drv.wr(T::kRegQueueReady, 0);
  r.drv.wr(T::kRegQueueDeviceLow, uint32_t(used));
  r.drv.wr(T::kRegQueueDeviceHigh, uint32_t(used >> 32));
  r.drv.wr(T::kRegQueueReady, 1);
  r.drv.driver_ok();
  r.drv.post(0, {{kBuf, 16, true}});
}

}  // namespace

// Issue 12: a used ring placed in the mask ROM overwrote the ROM. The device
// writes RAM only; a ring or buffer it would write elsewhere (ROM, a device,
// RAM under a device) makes it stop the queue with DEVICE_NEEDS_RESET.
TEST_CASE("virtqueue: the device writes RAM only", "[virtio][virtqueue][dma]") {
  Rig r;
  constexpr uint64_t kDevice = 0x10001000;
  REQUIRE(r.map.add_mmio("virtio", kDevice, T::kMmioSize, &r.t));
  Overlay overlay;
  REQUIRE(r.map.add_mmio("overlay", kBuf + 0x100, 8, &overlay));
  std::vector<uint8_t> pattern(0x100, 0x5a), got(0x100);  // up to the device on RAM
  REQUIRE(r.map.write(kBuf, pattern.data(), pattern.size()));
  auto buffer_untouched = [&] {
    REQUIRE(r.map.read(kBuf, got.data(), got.size()));
    CHECK(got == pattern);
  };
  REQUIRE(r.drv.negotiate(kV1));
  r.drv.setup_queue(0, 8, test::kVirtioRam);

  SECTION("a used ring in ROM: the ROM stays as it was, nothing is consumed") {
    kick_with_used_ring_at(r, 0x1000);
    CHECK(r.needs_reset());
    std::vector<uint8_t> rom(4096, 0xff);
    REQUIRE(r.map.read(0x1000, rom.data(), rom.size()));
    CHECK(rom == std::vector<uint8_t>(4096, 0));
    buffer_untouched();
  }
  SECTION("a used ring on a device") {
    kick_with_used_ring_at(r, kDevice);
    CHECK(r.needs_reset());
    buffer_untouched();
  }
  SECTION("a used ring running from RAM into a device lying on it") {
    kick_with_used_ring_at(r, kBuf + 0xf0);
    CHECK(r.needs_reset());
  }
  SECTION("a writable buffer on a device") {
    r.drv.driver_ok();
    r.drv.post(0, {{kDevice, 16, true}});
    r.expect_broken();
  }
  SECTION("a writable buffer over RAM with a device on part of it") {
    r.drv.driver_ok();
    r.drv.post(0, {{kBuf + 0xf8, 16, true}});
    r.expect_broken();
    uint64_t under = 0;
    REQUIRE(r.map.read(kBuf + 0xf8, &under, 8));
    CHECK(under == 0x5a5a5a5a5a5a5a5aull);
  }
  SECTION("a readable buffer on a device") {
    r.drv.driver_ok();
    r.drv.post(0, {{kDevice, 16, false}, {kBuf, 16, true}});
    r.expect_broken();
  }
  SECTION("the descriptor table on a device") {
    r.drv.wr(T::kRegQueueReady, 0);
    r.drv.wr(T::kRegQueueDescLow, uint32_t(kDevice));
    r.drv.wr(T::kRegQueueReady, 1);
    r.drv.driver_ok();
    r.drv.publish(0, 0);
    r.drv.kick(0);
    CHECK(r.needs_reset());
    buffer_untouched();
  }
}

TEST_CASE("virtqueue: a chain as long as the queue is fine", "[virtio][virtqueue]") {
  Rig r;
  r.drv.init(1, 8, test::kVirtioRam, kV1);
  std::vector<test::Seg> segs;
  for (int i = 0; i < 8; i++) segs.push_back({kBuf + 0x100 * uint64_t(i), 4, true});
  r.drv.post(0, segs);
  auto u = r.drv.take_used(0);
  REQUIRE(u);
  CHECK(u->second == 32);
  CHECK_FALSE(r.needs_reset());
}

TEST_CASE("virtqueue: indices wrap at 2^16", "[virtio][virtqueue]") {
  Rig r;
  r.drv.init(1, 2, test::kVirtioRam, kV1);
  for (int i = 0; i < 70000; i++) {
    r.drv.post(0, {{kBuf, 1, true}});
    REQUIRE(r.drv.take_used(0));
  }
  CHECK(r.drv.used_idx(0) == uint16_t(70000));
  CHECK_FALSE(r.needs_reset());
}

TEST_CASE("virtqueue: nothing is used before DRIVER_OK", "[virtio][virtqueue]") {
  Rig r;
  REQUIRE(r.drv.negotiate(kV1));
  r.drv.setup_queue(0, 8, test::kVirtioRam);
  r.drv.post(0, {{kBuf, 8, true}});
  CHECK(r.drv.used_idx(0) == 0);
  r.drv.driver_ok();  // the earlier kick is replayed
  CHECK(r.drv.used_idx(0) == 1);
}

TEST_CASE("virtqueue: malformed virtio-blk requests get an error, not a crash", "[virtio][virtqueue][blk]") {
  char path[] = "/tmp/kiln_vq_XXXXXX";
  int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  REQUIRE(ftruncate(fd, 8 * 512) == 0);
  close(fd);
  auto blk = devices::virtio::Blk::open(path);
  std::remove(path);
  REQUIRE(blk.ok());
  mem::PhysMap map;
  REQUIRE(map.add_ram("ram", test::kVirtioRam, test::kVirtioRamSize));
  test::RecordingIrq irq;
  T t(map, irq, blk->get());
  test::VirtioDriver drv(map, t);
  drv.init(1, 8, test::kVirtioRam, kV1);
  uint8_t st = 0xff;
  REQUIRE(map.write(kBuf + 0x100, &st, 1));

  SECTION("no writable buffer at all") {
    drv.post(0, {{kBuf, 16, false}});
    auto u = drv.take_used(0);
    REQUIRE(u);
    CHECK(u->second == 0);
  }
  SECTION("a header shorter than 16 bytes") {
    drv.post(0, {{kBuf, 8, false}, {kBuf + 0x100, 1, true}});
    REQUIRE(drv.take_used(0));
    REQUIRE(map.read(kBuf + 0x100, &st, 1));
    CHECK(st == devices::virtio::Blk::kStatusIoErr);
  }
  SECTION("only a status byte") {
    drv.post(0, {{kBuf + 0x100, 1, true}});
    REQUIRE(drv.take_used(0));
    REQUIRE(map.read(kBuf + 0x100, &st, 1));
    CHECK(st == devices::virtio::Blk::kStatusIoErr);
  }
  SECTION("zero-length descriptors are skipped") {
    uint32_t hdr[4] = {devices::virtio::Blk::kTypeIn, 0, 0, 0};
    REQUIRE(map.write(kBuf, hdr, 16));
    drv.post(0, {{kBuf, 16, false}, {kBuf + 0x200, 0, true}, {kBuf + 0x400, 512, true}, {kBuf + 0x100, 1, true}});
    auto u = drv.take_used(0);
    REQUIRE(u);
    CHECK(u->second == 513);
    REQUIRE(map.read(kBuf + 0x100, &st, 1));
    CHECK(st == devices::virtio::Blk::kStatusOk);
  }
  CHECK_FALSE(t.status() & 0x40);
}

namespace {
struct Watcher : mem::CodeWatcher {
  std::vector<std::pair<uint64_t, unsigned>> hits;
  void code_written(uint64_t pa, unsigned size) override { hits.emplace_back(pa, size); }
};
}  // namespace

TEST_CASE("virtqueue: device writes to code pages are reported", "[virtio][virtqueue]") {
  Rig r;
  Watcher w;
  r.t.set_code_watcher(&w);
  r.drv.init(1, 8, test::kVirtioRam, kV1);
  r.map.set_code_page(kBuf + 0x1000, true);
  r.drv.post(0, {{kBuf + 0xff0, 0x20, true}});  // 16 bytes on a plain page, 16 on the code page
  REQUIRE(r.drv.take_used(0));
  REQUIRE(w.hits.size() == 1);
  CHECK(w.hits[0] == std::pair<uint64_t, unsigned>{kBuf + 0x1000, 16});
}

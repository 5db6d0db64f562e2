// The virtio-mmio transport (devices/virtio/mmio.h) at the register level:
// identification, the empty slot Linux probes and skips, feature
// negotiation, queue registers, status reset, interrupts and the config
// space, with the access sizes Linux's virtio_mmio driver uses.
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <unistd.h>

#include "devices/virtio/blk.h"
#include "devices/virtio/mmio.h"
#include "devices/virtio/rng.h"
#include "tests/unit/virtio_test_driver.h"

using namespace kiln;
using T = devices::virtio::MmioTransport;

namespace {

constexpr uint64_t kV1 = 1ull << 32;

struct Rig {
  mem::PhysMap map;
  test::RecordingIrq irq;
  devices::virtio::Rng rng{42};
  T t{map, irq, &rng};
  test::VirtioDriver drv{map, t};
  Rig() { REQUIRE(map.add_ram("ram", test::kVirtioRam, test::kVirtioRamSize)); }
};

}  // namespace

TEST_CASE("virtio-mmio identification", "[virtio]") {
  Rig r;
  CHECK(r.drv.rd(T::kRegMagic) == 0x74726976);
  CHECK(r.drv.rd(T::kRegVersion) == 2);
  CHECK(r.drv.rd(T::kRegDeviceId) == 4);
  CHECK(r.drv.rd(T::kRegVendorId) == T::kVendorId);
  CHECK(r.drv.rd(T::kRegStatus) == 0);
  CHECK(r.drv.rd(T::kRegInterruptStatus) == 0);
  // No shared memory regions: length reads as all ones.
  CHECK(r.drv.rd(T::kRegShmLenLow) == 0xffffffff);
  CHECK(r.drv.rd(T::kRegShmLenHigh) == 0xffffffff);
}

TEST_CASE("virtio-mmio access rules: 32-bit registers, 8/16/32-bit config space", "[virtio][rules]") {
  Rig r;
  for (uint64_t off : {uint64_t(T::kRegMagic), uint64_t(T::kRegQueueNotify), uint64_t(T::kRegConfigGeneration)}) {
    CHECK(r.t.rules(off).allows(off, 4));
    CHECK_FALSE(r.t.rules(off).allows(off, 1));
    CHECK_FALSE(r.t.rules(off).allows(off, 2));
    CHECK_FALSE(r.t.rules(off).allows(off, 8));
    CHECK_FALSE(r.t.rules(off + 2).allows(off + 2, 4));
  }
  uint64_t cfg = T::kRegConfig;
  CHECK(r.t.rules(cfg).allows(cfg, 1));
  CHECK(r.t.rules(cfg + 1).allows(cfg + 1, 1));
  CHECK(r.t.rules(cfg + 2).allows(cfg + 2, 2));
  CHECK(r.t.rules(cfg + 4).allows(cfg + 4, 4));
  CHECK_FALSE(r.t.rules(cfg).allows(cfg, 8));      // 64-bit fields are read as two halves
  CHECK_FALSE(r.t.rules(cfg + 1).allows(cfg + 1, 2));  // misaligned
  CHECK_FALSE(r.t.rules(cfg).atomics);
  CHECK_FALSE(r.t.rules(0).write_may_stop);
}

TEST_CASE("virtio-mmio empty slot", "[virtio]") {
  mem::PhysMap map;
  test::RecordingIrq irq;
  T t(map, irq, nullptr);
  CHECK(t.read(T::kRegMagic, 4) == 0x74726976);
  CHECK(t.read(T::kRegVersion, 4) == 2);
  CHECK(t.read(T::kRegDeviceId, 4) == 0);
  t.write(T::kRegStatus, 4, 1);
  CHECK(t.read(T::kRegStatus, 4) == 0);
  t.write(T::kRegQueueSel, 4, 0);
  CHECK(t.read(T::kRegQueueNumMax, 4) == 0);
  t.write(T::kRegQueueNotify, 4, 0);
  CHECK(t.read(T::kRegDeviceFeatures, 4) == 0);
  CHECK(t.read(T::kRegConfig, 4) == 0);
  t.write(T::kRegConfig, 4, 1);
  CHECK(irq.calls == 0);
}

TEST_CASE("virtio-mmio feature negotiation", "[virtio]") {
  Rig r;
  CHECK(r.drv.device_features() == kV1);  // virtio-rng has no feature bits of its own
  r.drv.wr(T::kRegDeviceFeaturesSel, 2);
  CHECK(r.drv.rd(T::kRegDeviceFeatures) == 0);

  SECTION("VERSION_1 accepted: FEATURES_OK sticks") {
    CHECK(r.drv.negotiate(kV1));
    CHECK(r.t.driver_features() == kV1);
    // No changes after FEATURES_OK.
    r.drv.wr(T::kRegDriverFeaturesSel, 0);
    r.drv.wr(T::kRegDriverFeatures, 0xffffffff);
    CHECK(r.t.driver_features() == kV1);
  }
  SECTION("a legacy driver (no VERSION_1) is refused") { CHECK_FALSE(r.drv.negotiate(0)); }
  SECTION("a feature not offered is refused") { CHECK_FALSE(r.drv.negotiate(kV1 | (1ull << 28))); }
}

TEST_CASE("virtio-mmio queue registers", "[virtio]") {
  Rig r;
  REQUIRE(r.drv.negotiate(kV1));
  r.drv.wr(T::kRegQueueSel, 1);
  CHECK(r.drv.rd(T::kRegQueueNumMax) == 0);  // rng has one queue
  r.drv.wr(T::kRegQueueSel, 0);
  CHECK(r.drv.rd(T::kRegQueueNumMax) == 256);
  r.drv.setup_queue(0, 16, test::kVirtioRam);
  CHECK(r.drv.rd(T::kRegQueueReady) == 1);
  CHECK(r.drv.rd(T::kRegQueueNum) == 16);
  CHECK(r.drv.rd(T::kRegQueueDescLow) == uint32_t(test::kVirtioRam));
  CHECK(r.drv.rd(T::kRegQueueDescHigh) == 0);
  CHECK(r.drv.rd(T::kRegQueueDriverLow) == uint32_t(test::kVirtioRam + 256));
  // A ready queue's configuration is fixed.
  r.drv.wr(T::kRegQueueNum, 8);
  r.drv.wr(T::kRegQueueDescLow, 0);
  CHECK(r.drv.rd(T::kRegQueueNum) == 16);
  CHECK(r.drv.rd(T::kRegQueueDescLow) == uint32_t(test::kVirtioRam));

  SECTION("status 0 resets the device") {
    r.drv.driver_ok();
    r.drv.post(0, {{test::kVirtioRam + 0x8000, 16, true}});
    CHECK(r.drv.rd(T::kRegInterruptStatus) == 1);
    CHECK(r.irq.level);
    r.drv.wr(T::kRegStatus, 0);
    CHECK(r.drv.rd(T::kRegStatus) == 0);
    CHECK(r.drv.rd(T::kRegQueueReady) == 0);
    CHECK(r.drv.rd(T::kRegInterruptStatus) == 0);
    CHECK_FALSE(r.irq.level);
    CHECK(r.t.driver_features() == 0);
  }
}

TEST_CASE("virtio-mmio used-buffer interrupt and acknowledgement", "[virtio]") {
  Rig r;
  r.drv.init(1, 16, test::kVirtioRam, kV1);
  r.drv.post(0, {{test::kVirtioRam + 0x8000, 32, true}});
  CHECK(r.irq.level);
  CHECK(r.drv.rd(T::kRegInterruptStatus) == T::kIntUsedBuffer);
  r.drv.wr(T::kRegInterruptAck, T::kIntUsedBuffer);
  CHECK_FALSE(r.irq.level);
  CHECK(r.drv.rd(T::kRegInterruptStatus) == 0);

  SECTION("VIRTQ_AVAIL_F_NO_INTERRUPT suppresses it") {
    r.drv.set_avail_flags(0, 1);
    r.drv.post(0, {{test::kVirtioRam + 0x8000, 32, true}});
    CHECK(r.drv.used_idx(0) == 2);
    CHECK_FALSE(r.irq.level);
  }
  SECTION("config change notification") {
    uint32_t gen = r.drv.rd(T::kRegConfigGeneration);
    r.t.config_changed();
    CHECK(r.drv.rd(T::kRegInterruptStatus) == T::kIntConfigChange);
    CHECK(r.drv.rd(T::kRegConfigGeneration) == gen + 1);
    CHECK(r.irq.level);
    r.drv.ack_interrupts();
    CHECK_FALSE(r.irq.level);
  }
}

TEST_CASE("virtio-mmio config space accesses", "[virtio]") {
  char path[] = "/tmp/kiln_cfg_XXXXXX";
  int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  REQUIRE(ftruncate(fd, 0x12345 * 512 + 100) == 0);  // the partial sector is not addressable
  close(fd);
  auto blk = devices::virtio::Blk::open(path);
  std::remove(path);
  REQUIRE(blk.ok());
  mem::PhysMap map;
  test::RecordingIrq irq;
  T t(map, irq, blk->get());
  CHECK(t.read(T::kRegDeviceId, 4) == 2);
  CHECK(t.read(T::kRegConfig, 4) == 0x12345);  // capacity, low word
  CHECK(t.read(T::kRegConfig + 4, 4) == 0);
  CHECK(t.read(T::kRegConfig, 8) == 0x12345);
  CHECK(t.read(T::kRegConfig, 1) == 0x45);
  CHECK(t.read(T::kRegConfig + 1, 2) == 0x123);
  CHECK(t.read(T::kRegConfig + 12, 4) == 254);  // seg_max
  CHECK(t.read(T::kRegConfig + 20, 4) == 512);  // blk_size
  CHECK(t.read(T::kRegConfig + 0x200, 4) == 0);  // beyond the config space
  CHECK(t.read(T::kRegConfig + 58, 4) == 0);     // straddling its end
  t.write(T::kRegConfig, 4, 0);  // read-only for blk: ignored
  CHECK(t.read(T::kRegConfig, 4) == 0x12345);
}

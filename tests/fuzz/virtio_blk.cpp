// Fuzz target: virtio-blk request processing (devices/virtio/blk.h over the
// split virtqueue and the virtio-mmio transport) with guest memory as the
// input. A driver sets the device up through its registers as Linux does,
// with one queue whose descriptor table, available ring and used ring sit at
// fixed places in a small RAM; the input then becomes that RAM (rings,
// request headers, data, status bytes) and the driver kicks the queue. The
// first input byte picks the image mode (read-write, snapshot, read-only),
// the queue size and the features. Whatever the rings say, the device must
// complete requests, report errors or mark the queue broken, never crash.
#include <algorithm>
#include <cstring>
#include <memory>
#include <vector>

#include "devices/virtio/blk.h"
#include "devices/virtio/mmio.h"
#include "tests/fuzz/fuzz_util.h"

using namespace kiln;
using devices::virtio::Blk;
using T = devices::virtio::MmioTransport;

namespace {

constexpr uint64_t kRam = 0x80000000, kRamSize = 16 << 10;
constexpr uint64_t kDesc = kRam, kAvail = kRam + 0x100, kUsed = kRam + 0x140;  // room for 16 entries each
constexpr uint64_t kRom = 0x1000;  // a mask ROM, as on virt: buffers pointing here must not be written
constexpr uint64_t kVersion1 = 1ull << 32;

// The device for an image mode (0 read-write, 1 snapshot, 2 read-only), each
// over a 64-sector image of its own, opened once per process: opening one
// takes a lock and closing a writable one syncs it, which would cost more
// than the requests. So what a read returns depends on earlier inputs (the
// read-write image and the snapshot's overlay keep what was written); no
// control flow does.
Blk& device(unsigned mode) {
  static std::unique_ptr<fuzz::InputFile> images[3];  // destroyed after the devices
  static std::unique_ptr<Blk> opened[3];
  if (!opened[mode]) {
    images[mode] = std::make_unique<fuzz::InputFile>("blk");
    std::vector<uint8_t> sectors(64 * Blk::kSectorSize);
    for (size_t i = 0; i < sectors.size(); i++) sectors[i] = uint8_t(i * 7 + i / 512);
    devices::block::DiskOptions options;
    options.snapshot = mode == 1;
    options.read_only = mode == 2;
    auto blk = Blk::open(images[mode]->write(sectors.data(), sectors.size()), options);
    if (!blk) fuzz::fail("cannot open the image", blk.error());
    opened[mode] = std::move(*blk);
  }
  return *opened[mode];
}

void wr(T& t, uint64_t reg, uint64_t v) { t.write(reg, 4, uint32_t(v)); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const uint8_t opts = data[0];
  const uint16_t queue_size = uint16_t(2u << ((opts >> 2) & 3));  // 2, 4, 8 or 16
  uint64_t features = kVersion1 | (opts & 0x10 ? 1ull << Blk::kFeatureFlush : 0) |
                      (opts & 0x20 ? 1ull << Blk::kFeatureSegMax : 0) | (opts & 0x40 ? 1ull << Blk::kFeatureRo : 0);

  mem::PhysMap map;
  static const uint8_t rom[4096] = {0x13};
  if (!map.add_ram("ram", kRam, kRamSize) || !map.add_rom("mrom", kRom, rom, sizeof rom))
    fuzz::fail("cannot map guest memory");
  devices::NullIrq irq;
  T t(map, irq, &device((opts & 3) % 3));

  // Reset, ACKNOWLEDGE, DRIVER, features, FEATURES_OK, queue 0, DRIVER_OK.
  wr(t, T::kRegStatus, 0);
  wr(t, T::kRegStatus, 1);
  wr(t, T::kRegStatus, 1 | 2);
  wr(t, T::kRegDriverFeaturesSel, 0);
  wr(t, T::kRegDriverFeatures, features);
  wr(t, T::kRegDriverFeaturesSel, 1);
  wr(t, T::kRegDriverFeatures, features >> 32);
  wr(t, T::kRegStatus, 1 | 2 | 8);
  wr(t, T::kRegQueueSel, 0);
  wr(t, T::kRegQueueNum, queue_size);
  wr(t, T::kRegQueueDescLow, kDesc);
  wr(t, T::kRegQueueDescHigh, kDesc >> 32);
  wr(t, T::kRegQueueDriverLow, kAvail);
  wr(t, T::kRegQueueDriverHigh, kAvail >> 32);
  wr(t, T::kRegQueueDeviceLow, kUsed);
  wr(t, T::kRegQueueDeviceHigh, kUsed >> 32);
  wr(t, T::kRegQueueReady, 1);
  wr(t, T::kRegStatus, t.read(T::kRegStatus, 4) | 4);

  // The input is guest memory from the descriptor table on.
  if (!map.write(kRam, data + 1, std::min<uint64_t>(size - 1, kRamSize))) fuzz::fail("RAM write");
  wr(t, T::kRegQueueNotify, 0);
  wr(t, T::kRegInterruptAck, t.read(T::kRegInterruptStatus, 4));
  wr(t, T::kRegQueueNotify, 0);  // nothing new: must do nothing
  if (std::memcmp(map.host_ptr(kRom, sizeof rom), rom, sizeof rom) != 0)
    fuzz::fail("the device wrote into ROM");
  return 0;
}

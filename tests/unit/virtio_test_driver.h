// A minimal virtio-mmio "guest driver" for unit tests: it initializes a
// device through the transport's registers (32-bit accesses, as Linux makes
// them), lays split virtqueues out in a PhysMap RAM, posts descriptor chains
// and reads the used ring. Raw helpers let tests build malformed rings.
#pragma once
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <optional>
#include <vector>

#include "devices/virtio/mmio.h"
#include "mem/physmap.h"
#include "tests/unit/device_test_util.h"

namespace kiln::test {

constexpr uint64_t kVirtioRam = 0x80000000, kVirtioRamSize = 1 << 20;

struct Seg {
  uint64_t addr;
  uint32_t len;
  bool writable;
};

class VirtioDriver {
 public:
  using T = devices::virtio::MmioTransport;
  VirtioDriver(mem::PhysMap& map, T& t) : map_(map), t_(t) {}

  uint32_t rd(uint64_t off) { return uint32_t(t_.read(off, 4)); }
  void wr(uint64_t off, uint32_t v) { t_.write(off, 4, v); }

  uint64_t device_features() {
    wr(T::kRegDeviceFeaturesSel, 0);
    uint64_t lo = rd(T::kRegDeviceFeatures);
    wr(T::kRegDeviceFeaturesSel, 1);
    return lo | uint64_t(rd(T::kRegDeviceFeatures)) << 32;
  }
  // Reset, ACKNOWLEDGE, DRIVER, features, FEATURES_OK; true if the device kept FEATURES_OK.
  bool negotiate(uint64_t features) {
    wr(T::kRegStatus, 0);
    wr(T::kRegStatus, 1);
    wr(T::kRegStatus, 1 | 2);
    wr(T::kRegDriverFeaturesSel, 0);
    wr(T::kRegDriverFeatures, uint32_t(features));
    wr(T::kRegDriverFeaturesSel, 1);
    wr(T::kRegDriverFeatures, uint32_t(features >> 32));
    wr(T::kRegStatus, 1 | 2 | 8);
    return rd(T::kRegStatus) & 8;
  }
  // Queue `q` of `size` entries at `base`: descriptors, then the available
  // ring, then the used ring on the next 4 KiB boundary.
  void setup_queue(unsigned q, uint16_t size, uint64_t base) {
    Q& s = queue(q);
    s.size = size;
    s.desc = base;
    s.avail = base + 16ull * size;
    s.used = (s.avail + 6 + 2ull * size + 4095) & ~4095ull;
    std::vector<uint8_t> zero(s.used + 6 + 8ull * size - base);
    REQUIRE(map_.write(base, zero.data(), zero.size()));
    wr(T::kRegQueueSel, q);
    REQUIRE(rd(T::kRegQueueReady) == 0);
    REQUIRE(rd(T::kRegQueueNumMax) >= size);
    wr(T::kRegQueueNum, size);
    wr(T::kRegQueueDescLow, uint32_t(s.desc));
    wr(T::kRegQueueDescHigh, uint32_t(s.desc >> 32));
    wr(T::kRegQueueDriverLow, uint32_t(s.avail));
    wr(T::kRegQueueDriverHigh, uint32_t(s.avail >> 32));
    wr(T::kRegQueueDeviceLow, uint32_t(s.used));
    wr(T::kRegQueueDeviceHigh, uint32_t(s.used >> 32));
    wr(T::kRegQueueReady, 1);
  }
  void driver_ok() { wr(T::kRegStatus, rd(T::kRegStatus) | 4); }
  // The whole sequence for a device with `queues` queues of `size` entries, from `base` on.
  void init(unsigned queues, uint16_t size, uint64_t base, uint64_t features) {
    REQUIRE(negotiate(features));
    for (unsigned q = 0; q < queues; q++) setup_queue(q, size, base + 0x10000 * q);
    driver_ok();
  }

  // Raw ring access.
  void write_desc(unsigned q, uint16_t i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next) {
    uint8_t d[16];
    std::memcpy(d, &addr, 8);
    std::memcpy(d + 8, &len, 4);
    std::memcpy(d + 12, &flags, 2);
    std::memcpy(d + 14, &next, 2);
    REQUIRE(map_.write(queue(q).desc + 16ull * i, d, 16));
  }
  void publish(unsigned q, uint16_t head) {
    Q& s = queue(q);
    REQUIRE(map_.write(s.avail + 4 + 2ull * (s.avail_idx % s.size), &head, 2));
    s.avail_idx++;
    REQUIRE(map_.write(s.avail + 2, &s.avail_idx, 2));
  }
  void set_avail_idx(unsigned q, uint16_t idx) { REQUIRE(map_.write(queue(q).avail + 2, &idx, 2)); }
  void set_avail_flags(unsigned q, uint16_t f) { REQUIRE(map_.write(queue(q).avail, &f, 2)); }
  void kick(unsigned q) { wr(T::kRegQueueNotify, q); }

  // A chain from consecutive free descriptors; returns its head.
  uint16_t post(unsigned q, const std::vector<Seg>& segs, bool do_kick = true) {
    Q& s = queue(q);
    uint16_t head = s.next_desc;
    for (size_t i = 0; i < segs.size(); i++) {
      uint16_t idx = uint16_t((head + i) % s.size), next = uint16_t((head + i + 1) % s.size);
      uint16_t flags = uint16_t((segs[i].writable ? 2 : 0) | (i + 1 < segs.size() ? 1 : 0));
      write_desc(q, idx, segs[i].addr, segs[i].len, flags, next);
    }
    s.next_desc = uint16_t((head + segs.size()) % s.size);
    publish(q, head);
    if (do_kick) kick(q);
    return head;
  }
  uint16_t used_idx(unsigned q) {
    uint16_t v;
    REQUIRE(map_.read(queue(q).used + 2, &v, 2));
    return v;
  }
  // The next used element (id, len) not yet taken.
  std::optional<std::pair<uint32_t, uint32_t>> take_used(unsigned q) {
    Q& s = queue(q);
    if (used_idx(q) == s.used_seen) return std::nullopt;
    uint32_t e[2];
    REQUIRE(map_.read(s.used + 4 + 8ull * (s.used_seen % s.size), e, 8));
    s.used_seen++;
    return std::pair{e[0], e[1]};
  }
  void ack_interrupts() { wr(T::kRegInterruptAck, rd(T::kRegInterruptStatus)); }

 private:
  struct Q {
    uint16_t size = 0, avail_idx = 0, used_seen = 0, next_desc = 0;
    uint64_t desc = 0, avail = 0, used = 0;
  };
  Q& queue(unsigned q) {
    if (q >= queues_.size()) queues_.resize(q + 1);
    return queues_[q];
  }
  mem::PhysMap& map_;
  T& t_;
  std::vector<Q> queues_;
};

}  // namespace kiln::test

// virtio-rng (device id 4, virtio 1.2 §5.4): one request queue whose
// device-writable buffers are filled with random bytes, from /dev/urandom or,
// for reproducible runs, from a seeded PRNG (xoshiro256**).
#pragma once
#include <cstdint>
#include <cstdio>

#include "devices/virtio/device.h"

namespace kiln::devices::virtio {

class Rng final : public Device {
 public:
  static constexpr uint32_t kDeviceId = 4;
  static constexpr uint32_t kMaxPerRequest = 64 * 1024;  // bytes filled per buffer chain at most

  Rng();                        // /dev/urandom (the PRNG seeded from the clock if it cannot be opened)
  explicit Rng(uint64_t seed);  // deterministic
  ~Rng() override;
  Rng(const Rng&) = delete;
  Rng& operator=(const Rng&) = delete;

  uint32_t device_id() const override { return kDeviceId; }
  uint64_t features() const override { return 0; }
  unsigned num_queues() const override { return 1; }
  uint32_t config_size() const override { return 0; }
  void read_config(uint32_t, uint8_t*, unsigned) override {}
  void notify(unsigned index) override;
  void reset() override {}

 private:
  void fill(uint8_t* dst, size_t len);
  uint64_t next();

  std::FILE* urandom_ = nullptr;
  uint64_t s_[4] = {};
};

}  // namespace kiln::devices::virtio

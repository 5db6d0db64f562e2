// virtio-blk (device id 2, virtio 1.2 §5.2) over a raw image file: one
// request queue serving read, write, flush and get-id. In snapshot mode the
// image is opened read-only and written sectors live in memory for the
// life of the device (QEMU's -snapshot). Offers SEG_MAX, BLK_SIZE and FLUSH
// (RO for read-only images).
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include "common/result.h"
#include "devices/virtio/device.h"

namespace kiln::devices::virtio {

class Chain;

struct BlkOptions {
  bool snapshot = false;    // writes stay in memory
  bool read_only = false;   // writes fail (VIRTIO_BLK_F_RO is offered)
  std::string serial = "kiln-virtio-blk";  // the GET_ID answer (up to 20 bytes)
};

class Blk final : public Device {
 public:
  static constexpr uint32_t kDeviceId = 2;
  static constexpr uint32_t kSectorSize = 512;
  static constexpr uint16_t kQueueSize = 256;
  // Request types and status values (virtio 1.2 §5.2.6).
  static constexpr uint32_t kTypeIn = 0, kTypeOut = 1, kTypeFlush = 4, kTypeGetId = 8;
  static constexpr uint8_t kStatusOk = 0, kStatusIoErr = 1, kStatusUnsupported = 2;
  // Feature bits.
  static constexpr unsigned kFeatureSegMax = 2, kFeatureRo = 5, kFeatureBlkSize = 6, kFeatureFlush = 9;

  static Result<std::unique_ptr<Blk>> open(const std::string& path, const BlkOptions& options = {});
  ~Blk() override;
  Blk(const Blk&) = delete;
  Blk& operator=(const Blk&) = delete;

  uint64_t capacity_sectors() const { return size_bytes_ / kSectorSize; }

  uint32_t device_id() const override { return kDeviceId; }
  uint64_t features() const override;
  unsigned num_queues() const override { return 1; }
  uint16_t queue_max_size(unsigned) const override { return kQueueSize; }
  uint32_t config_size() const override;
  void read_config(uint32_t offset, uint8_t* dst, unsigned len) override;
  void notify(unsigned index) override;
  void reset() override {}

 private:
  Blk(int fd, uint64_t size, const BlkOptions& options);
  uint8_t handle(const Chain& c, uint32_t* written);
  uint8_t do_read(const Chain& c, uint64_t sector, uint64_t len);
  uint8_t do_write(const Chain& c, uint64_t sector, uint64_t len);
  bool read_image(uint64_t pos, uint8_t* dst, uint64_t len);
  bool write_image(uint64_t pos, const uint8_t* src, uint64_t len);

  int fd_;
  uint64_t size_bytes_;
  BlkOptions options_;
  std::unordered_map<uint64_t, std::array<uint8_t, kSectorSize>> overlay_;  // snapshot: sector -> data
};

}  // namespace kiln::devices::virtio

// virtio-blk (device id 2, virtio 1.2 §5.2) over a block::DiskImage the board
// opened: one request queue serving read, write, flush and get-id. Offers
// SEG_MAX, BLK_SIZE and FLUSH (a flush is the image's fdatasync), and RO for
// read-only images, whose writes fail. Reads and writes move whole 512-byte
// sectors inside the disk; anything else gets VIRTIO_BLK_S_IOERR.
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "devices/block/disk_image.h"
#include "devices/virtio/device.h"

namespace kiln::devices::virtio {

class Chain;

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

  // `serial` is the GET_ID answer (up to 20 bytes).
  explicit Blk(std::unique_ptr<block::DiskImage> image, std::string serial = "kiln-virtio-blk")
      : image_(std::move(image)), serial_(std::move(serial)) {}
  // The image at `path` opened (DiskImage::open) and wrapped in a device.
  static Result<std::unique_ptr<Blk>> open(const std::string& path, const block::DiskOptions& options = {});

  uint64_t capacity_sectors() const { return image_->size_bytes() / kSectorSize; }

  uint32_t device_id() const override { return kDeviceId; }
  uint64_t features() const override;
  unsigned num_queues() const override { return 1; }
  uint16_t queue_max_size(unsigned) const override { return kQueueSize; }
  uint32_t config_size() const override;
  void read_config(uint32_t offset, uint8_t* dst, unsigned len) override;
  void notify(unsigned index) override;
  void reset() override {}

 private:
  uint8_t handle(const Chain& c, uint32_t* written);
  bool valid_range(uint64_t sector, uint64_t len) const;
  uint8_t do_read(const Chain& c, uint64_t sector, uint64_t len);
  uint8_t do_write(const Chain& c, uint64_t sector, uint64_t len);

  std::unique_ptr<block::DiskImage> image_;
  std::string serial_;
};

}  // namespace kiln::devices::virtio

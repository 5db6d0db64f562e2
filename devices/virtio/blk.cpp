#include "devices/virtio/blk.h"

#include <cstring>
#include <vector>

#include "devices/virtio/queue.h"

namespace kiln::devices::virtio {

namespace {
constexpr uint64_t kHeaderSize = 16;    // type, reserved, sector
constexpr uint64_t kChunk = 64 * 1024;  // data moves through a bounce buffer this big
constexpr unsigned kIdBytes = 20;
constexpr uint32_t kConfigSize = 60;    // through write_zeroes_may_unmap and its padding

template <typename T>
void put(uint8_t* cfg, unsigned at, T v) {
  std::memcpy(cfg + at, &v, sizeof v);
}
}  // namespace

Result<std::unique_ptr<Blk>> Blk::open(const std::string& path, const block::DiskOptions& options) {
  auto image = block::DiskImage::open(path, options);
  if (!image) return make_error(image.error());
  return std::make_unique<Blk>(std::move(*image));
}

uint64_t Blk::features() const {
  uint64_t f = (1ull << kFeatureSegMax) | (1ull << kFeatureBlkSize) | (1ull << kFeatureFlush);
  if (image_->read_only()) f |= 1ull << kFeatureRo;
  return f;
}

uint32_t Blk::config_size() const { return kConfigSize; }

// Config layout (virtio 1.2 §5.2.4): capacity @0, size_max @8, seg_max @12,
// geometry @16, blk_size @20, topology @24, writeback @32, num_queues @34, ...
void Blk::read_config(uint32_t offset, uint8_t* dst, unsigned len) {
  uint8_t cfg[kConfigSize] = {};
  put<uint64_t>(cfg, 0, capacity_sectors());
  put<uint32_t>(cfg, 12, kQueueSize - 2);  // room for the header and status descriptors
  put<uint32_t>(cfg, 20, kSectorSize);
  put<uint16_t>(cfg, 34, 1);
  std::memcpy(dst, cfg + offset, len);
}

void Blk::notify(unsigned index) {
  Queue* q = transport_ ? transport_->queue(index) : nullptr;
  if (!q || index != 0) return;
  bool used = false;
  while (auto c = q->pop()) {
    uint32_t written = 0;
    handle(*c, &written);
    q->push(*c, written);
    used = true;
  }
  if (used) transport_->notify_used(index);
}

// One request: header in the readable part, status in the last writable byte.
uint8_t Blk::handle(const Chain& c, uint32_t* written) {
  uint64_t wlen = c.writable_len();
  struct {
    uint32_t type, reserved;
    uint64_t sector;
  } hdr;
  static_assert(sizeof hdr == kHeaderSize);
  if (wlen == 0) return kStatusIoErr;  // nowhere to put a status: drop it
  uint8_t status = kStatusIoErr;
  uint64_t data_in = wlen - 1;  // device-writable data bytes before the status
  uint64_t out_len = 0;         // bytes written into the data part
  if (c.read(0, &hdr, kHeaderSize) == kHeaderSize) {
    switch (hdr.type) {
      case kTypeIn:
        status = do_read(c, hdr.sector, data_in);
        if (status == kStatusOk) out_len = data_in;
        break;
      case kTypeOut:
        status = do_write(c, hdr.sector, c.readable_len() - kHeaderSize);
        break;
      case kTypeFlush:
        status = image_->flush() ? kStatusOk : kStatusIoErr;
        break;
      case kTypeGetId: {
        uint8_t id[kIdBytes] = {};
        std::memcpy(id, serial_.data(), serial_.size() < kIdBytes ? serial_.size() : kIdBytes);
        out_len = c.write(0, id, data_in < kIdBytes ? data_in : kIdBytes);
        status = kStatusOk;
        break;
      }
      default:
        status = kStatusUnsupported;
        break;
    }
  }
  c.write(wlen - 1, &status, 1);
  *written = uint32_t(out_len + 1);
  return status;
}

// Whole sectors, all inside the disk (the guest's sector number may be anything).
bool Blk::valid_range(uint64_t sector, uint64_t len) const {
  return len % kSectorSize == 0 && sector <= capacity_sectors() && len / kSectorSize <= capacity_sectors() - sector;
}

uint8_t Blk::do_read(const Chain& c, uint64_t sector, uint64_t len) {
  if (!valid_range(sector, len)) return kStatusIoErr;
  std::vector<uint8_t> buf(len < kChunk ? len : kChunk);
  for (uint64_t done = 0; done < len;) {
    uint64_t n = len - done < kChunk ? len - done : kChunk;
    if (!image_->read(sector * kSectorSize + done, buf.data(), n) || c.write(done, buf.data(), n) != n)
      return kStatusIoErr;
    done += n;
  }
  return kStatusOk;
}

uint8_t Blk::do_write(const Chain& c, uint64_t sector, uint64_t len) {
  if (image_->read_only() || !valid_range(sector, len)) return kStatusIoErr;
  std::vector<uint8_t> buf(len < kChunk ? len : kChunk);
  for (uint64_t done = 0; done < len;) {
    uint64_t n = len - done < kChunk ? len - done : kChunk;
    if (c.read(kHeaderSize + done, buf.data(), n) != n || !image_->write(sector * kSectorSize + done, buf.data(), n))
      return kStatusIoErr;
    done += n;
  }
  return kStatusOk;
}

}  // namespace kiln::devices::virtio

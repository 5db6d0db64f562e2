#include "devices/virtio/blk.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
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

Result<std::unique_ptr<Blk>> Blk::open(const std::string& path, const BlkOptions& options) {
  bool writable = !options.snapshot && !options.read_only;
  int fd = ::open(path.c_str(), (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC);
  if (fd < 0) return make_error("cannot open disk image '" + path + "': " + std::strerror(errno));
  struct stat st;
  off_t size = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? st.st_size : lseek(fd, 0, SEEK_END);
  if (size < 0) {
    ::close(fd);
    return make_error("cannot find the size of disk image '" + path + "'");
  }
  // A trailing partial sector is not addressable.
  return std::unique_ptr<Blk>(new Blk(fd, uint64_t(size) / kSectorSize * kSectorSize, options));
}

Blk::Blk(int fd, uint64_t size, const BlkOptions& options) : fd_(fd), size_bytes_(size), options_(options) {}

Blk::~Blk() { ::close(fd_); }

uint64_t Blk::features() const {
  uint64_t f = (1ull << kFeatureSegMax) | (1ull << kFeatureBlkSize) | (1ull << kFeatureFlush);
  if (options_.read_only) f |= 1ull << kFeatureRo;
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
        status = options_.snapshot || options_.read_only || fdatasync(fd_) == 0 ? kStatusOk : kStatusIoErr;
        break;
      case kTypeGetId: {
        uint8_t id[kIdBytes] = {};
        std::memcpy(id, options_.serial.data(), options_.serial.size() < kIdBytes ? options_.serial.size() : kIdBytes);
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

uint8_t Blk::do_read(const Chain& c, uint64_t sector, uint64_t len) {
  if (sector > capacity_sectors() || len > size_bytes_ - sector * kSectorSize) return kStatusIoErr;
  std::vector<uint8_t> buf(len < kChunk ? len : kChunk);
  for (uint64_t done = 0; done < len;) {
    uint64_t n = len - done < kChunk ? len - done : kChunk;
    if (!read_image(sector * kSectorSize + done, buf.data(), n) || c.write(done, buf.data(), n) != n)
      return kStatusIoErr;
    done += n;
  }
  return kStatusOk;
}

uint8_t Blk::do_write(const Chain& c, uint64_t sector, uint64_t len) {
  if (options_.read_only) return kStatusIoErr;
  if (sector > capacity_sectors() || len > size_bytes_ - sector * kSectorSize) return kStatusIoErr;
  std::vector<uint8_t> buf(len < kChunk ? len : kChunk);
  for (uint64_t done = 0; done < len;) {
    uint64_t n = len - done < kChunk ? len - done : kChunk;
    if (c.read(kHeaderSize + done, buf.data(), n) != n || !write_image(sector * kSectorSize + done, buf.data(), n))
      return kStatusIoErr;
    done += n;
  }
  return kStatusOk;
}

// pread/pwrite until done; reading past the end of the file gives zeros.
static bool pread_all(int fd, uint8_t* dst, uint64_t len, uint64_t pos) {
  while (len) {
    ssize_t r = ::pread(fd, dst, len, off_t(pos));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return false;
    if (r == 0) {
      std::memset(dst, 0, len);
      return true;
    }
    dst += r, pos += uint64_t(r), len -= uint64_t(r);
  }
  return true;
}

static bool pwrite_all(int fd, const uint8_t* src, uint64_t len, uint64_t pos) {
  while (len) {
    ssize_t r = ::pwrite(fd, src, len, off_t(pos));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    src += r, pos += uint64_t(r), len -= uint64_t(r);
  }
  return true;
}

bool Blk::read_image(uint64_t pos, uint8_t* dst, uint64_t len) {
  if (overlay_.empty()) return pread_all(fd_, dst, len, pos);
  // Snapshot mode: sector by sector, the overlay first.
  while (len) {
    uint64_t sec = pos / kSectorSize, in = pos % kSectorSize;
    uint64_t n = kSectorSize - in < len ? kSectorSize - in : len;
    auto it = overlay_.find(sec);
    if (it != overlay_.end()) {
      std::memcpy(dst, it->second.data() + in, n);
    } else if (!pread_all(fd_, dst, n, pos)) {
      return false;
    }
    dst += n, pos += n, len -= n;
  }
  return true;
}

bool Blk::write_image(uint64_t pos, const uint8_t* src, uint64_t len) {
  if (!options_.snapshot) return pwrite_all(fd_, src, len, pos);
  while (len) {
    uint64_t sec = pos / kSectorSize, in = pos % kSectorSize;
    uint64_t n = kSectorSize - in < len ? kSectorSize - in : len;
    auto it = overlay_.find(sec);
    if (it == overlay_.end()) {
      std::array<uint8_t, kSectorSize> fresh;
      if (n != kSectorSize && !pread_all(fd_, fresh.data(), kSectorSize, sec * kSectorSize)) return false;
      it = overlay_.emplace(sec, fresh).first;
    }
    std::memcpy(it->second.data() + in, src, n);
    src += n, pos += n, len -= n;
  }
  return true;
}

}  // namespace kiln::devices::virtio

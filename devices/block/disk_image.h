// A raw disk image on the host, as a disk device model sees it: bytes read and
// written at offsets, a flush, and the rules that keep the user's file safe.
// Only regular files and block devices are disks. An OFD lock (QEMU's kind:
// per open file, released on close) keeps two processes from writing one
// image: a read lock for read-only and snapshot opens, a write lock otherwise.
// Writes go straight to the file (Kiln buffers nothing, so whatever way Kiln
// ends, what the guest wrote is in the file), a flush is an fdatasync, and
// closing a writable image syncs it. In snapshot mode the file is opened
// read-only and written sectors live in memory (QEMU's -snapshot). Device
// models (virtio-blk, later IDE) take one from the board; they never see paths.
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include "common/result.h"

namespace kiln::devices::block {

struct DiskOptions {
  bool snapshot = false;   // writes stay in memory; the file is opened read-only
  bool read_only = false;  // writes fail
};

class DiskImage {
 public:
  static constexpr uint64_t kSectorSize = 512;

  // Opens and locks `path`; one clear error if it is not a regular file or a
  // block device, cannot be opened, or another process holds a conflicting lock.
  static Result<std::unique_ptr<DiskImage>> open(const std::string& path, const DiskOptions& options = {});
  ~DiskImage();  // syncs a writable image, then closes it (dropping the lock)
  DiskImage(const DiskImage&) = delete;
  DiskImage& operator=(const DiskImage&) = delete;

  // The size in bytes, whole sectors (a trailing partial sector is not addressable).
  uint64_t size_bytes() const { return size_bytes_; }
  bool read_only() const { return options_.read_only; }
  bool snapshot() const { return options_.snapshot; }

  // False on a host I/O error, a read-only image (write), or a range past the end.
  bool read(uint64_t pos, uint8_t* dst, uint64_t len);
  bool write(uint64_t pos, const uint8_t* src, uint64_t len);
  // What was written reaches the disk (fdatasync); nothing to do for snapshot or read-only images.
  bool flush();

 private:
  DiskImage(int fd, uint64_t size, const DiskOptions& options) : fd_(fd), size_bytes_(size), options_(options) {}
  bool in_range(uint64_t pos, uint64_t len) const { return pos <= size_bytes_ && len <= size_bytes_ - pos; }

  int fd_;
  uint64_t size_bytes_;
  DiskOptions options_;
  std::unordered_map<uint64_t, std::array<uint8_t, kSectorSize>> overlay_;  // snapshot: sector -> data
};

}  // namespace kiln::devices::block

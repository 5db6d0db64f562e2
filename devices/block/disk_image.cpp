#include "devices/block/disk_image.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace kiln::devices::block {

namespace {

// pread/pwrite until done; reading past the end of the file gives zeros.
bool pread_all(int fd, uint8_t* dst, uint64_t len, uint64_t pos) {
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

bool pwrite_all(int fd, const uint8_t* src, uint64_t len, uint64_t pos) {
  while (len) {
    ssize_t r = ::pwrite(fd, src, len, off_t(pos));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    src += r, pos += uint64_t(r), len -= uint64_t(r);
  }
  return true;
}

const char* kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISFIFO(mode)) return "a pipe";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

// The whole file, locked for reading (shared) or writing (exclusive). OFD
// locks belong to the open file, not the process, so they are not lost when
// another descriptor of the same file is closed and do not leak into children.
// Empty if locked, else the reason.
std::string lock_image(int fd, bool for_writing) {
  struct flock lk = {};
  lk.l_type = for_writing ? F_WRLCK : F_RDLCK;
  lk.l_whence = SEEK_SET;  // l_start = l_len = 0: the whole file, however it grows
  if (fcntl(fd, F_OFD_SETLK, &lk) == 0) return "";
  if (errno != EAGAIN && errno != EACCES) return "";  // a filesystem without locks (QEMU goes on, too)
  // OFD locks record no owner pid (F_OFD_GETLK and /proc/locks say -1): say what kind it holds.
  struct flock holder = {};
  holder.l_type = F_WRLCK;
  holder.l_whence = SEEK_SET;
  bool writer = fcntl(fd, F_OFD_GETLK, &holder) == 0 && holder.l_type == F_WRLCK;
  return writer ? "another process has it open for writing" : "another process has it open";
}

}  // namespace

Result<std::unique_ptr<DiskImage>> DiskImage::open(const std::string& path, const DiskOptions& options) {
  const std::string name = "disk image '" + path + "'";
  bool writable = !options.snapshot && !options.read_only;
  // O_NONBLOCK: opening a FIFO must not wait for a writer (it is refused just below).
  int fd = ::open(path.c_str(), (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) return make_error("cannot open " + name + ": " + std::strerror(errno));
  struct stat st;
  std::string error;
  off_t size = -1;
  if (fstat(fd, &st) != 0) {
    error = "cannot examine " + name + ": " + std::strerror(errno);
  } else if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
    error = name + " is " + kind_of(st.st_mode) + " (a disk is a regular file or a block device)";
  } else if (std::string held = lock_image(fd, writable); !held.empty()) {
    error = name + " is in use: " + held;
  } else if ((size = S_ISREG(st.st_mode) ? st.st_size : lseek(fd, 0, SEEK_END)) < 0) {
    error = "cannot find the size of " + name;
  }
  if (!error.empty()) {
    ::close(fd);
    return make_error(error);
  }
  return std::unique_ptr<DiskImage>(new DiskImage(fd, uint64_t(size) / kSectorSize * kSectorSize, options));
}

DiskImage::~DiskImage() {
  flush();
  ::close(fd_);
}

bool DiskImage::flush() {
  if (options_.snapshot || options_.read_only) return true;
  return fdatasync(fd_) == 0;
}

bool DiskImage::read(uint64_t pos, uint8_t* dst, uint64_t len) {
  if (!in_range(pos, len)) return false;
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

bool DiskImage::write(uint64_t pos, const uint8_t* src, uint64_t len) {
  if (options_.read_only || !in_range(pos, len)) return false;
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

}  // namespace kiln::devices::block

#include "devices/block/disk_image.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>

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

// Who holds an OFD lock on the file `st` describes: OFD locks record no owner
// (F_OFD_GETLK and /proc/locks say pid -1), but /proc/PID/fdinfo/FD lists the
// locks an open file holds. Walks every process's descriptors, so only on the
// error path; empty if none is found (another user's processes are unreadable).
std::string lock_holder(const struct stat& st) {
  DIR* proc = opendir("/proc");
  if (!proc) return "";
  std::string found;
  while (dirent* p = readdir(proc)) {
    if (!std::isdigit(static_cast<unsigned char>(p->d_name[0]))) continue;
    std::string dir = std::string("/proc/") + p->d_name;
    DIR* fds = opendir((dir + "/fd").c_str());
    if (!fds) continue;
    while (dirent* f = readdir(fds)) {
      struct stat fst;
      if (f->d_name[0] == '.' || stat((dir + "/fd/" + f->d_name).c_str(), &fst) != 0) continue;
      if (fst.st_dev != st.st_dev || fst.st_ino != st.st_ino) continue;
      std::ifstream info(dir + "/fdinfo/" + f->d_name);
      std::string line;
      bool locked = false;
      while (std::getline(info, line)) locked |= line.rfind("lock:", 0) == 0 && line.find("OFDLCK") != std::string::npos;
      if (!locked) continue;
      std::string comm;
      std::getline(std::ifstream(dir + "/comm"), comm);
      found = "process " + std::string(p->d_name) + (comm.empty() ? "" : " (" + comm + ")");
      break;
    }
    closedir(fds);
    if (!found.empty()) break;
  }
  closedir(proc);
  return found;
}

// The whole file, locked for reading (shared) or writing (exclusive). OFD
// locks belong to the open file, not the process, so they are not lost when
// another descriptor of the same file is closed and do not leak into children.
// Empty if locked, else the reason.
std::string lock_image(int fd, const struct stat& st, bool for_writing) {
  struct flock lk = {};
  lk.l_type = for_writing ? F_WRLCK : F_RDLCK;
  lk.l_whence = SEEK_SET;  // l_start = l_len = 0: the whole file, however it grows
  if (fcntl(fd, F_OFD_SETLK, &lk) == 0) return "";
  if (errno != EAGAIN && errno != EACCES) return "";  // a filesystem without locks (QEMU goes on, too)
  struct flock held = {};
  held.l_type = F_WRLCK;
  held.l_whence = SEEK_SET;
  bool writer = fcntl(fd, F_OFD_GETLK, &held) == 0 && held.l_type == F_WRLCK;
  std::string who = lock_holder(st);
  return (who.empty() ? "another process" : who) + (writer ? " has it open for writing" : " has it open");
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
  } else if (std::string held = lock_image(fd, st, writable); !held.empty()) {
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

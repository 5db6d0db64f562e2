// A raw disk image in a temporary file for disk device tests (virtio-blk,
// IDE): byte i holds pattern(i), removed when the test is done.
#pragma once
#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <string>
#include <vector>

namespace kiln::test {

inline uint8_t pattern(uint64_t byte) { return uint8_t(byte * 7 + byte / 512); }

struct TempImage {
  std::string path;
  explicit TempImage(uint64_t bytes) {
    char p[] = "/tmp/kiln_disk_XXXXXX";
    int fd = mkstemp(p);
    REQUIRE(fd >= 0);
    std::vector<uint8_t> data(bytes);
    for (size_t i = 0; i < data.size(); i++) data[i] = pattern(i);
    REQUIRE(::write(fd, data.data(), data.size()) == ssize_t(data.size()));
    close(fd);
    path = p;
  }
  ~TempImage() { std::remove(path.c_str()); }
  TempImage(const TempImage&) = delete;
  TempImage& operator=(const TempImage&) = delete;
  // What the file holds now.
  std::vector<uint8_t> read(uint64_t pos, size_t len) const {
    std::vector<uint8_t> v(len);
    int fd = ::open(path.c_str(), O_RDONLY);
    REQUIRE(pread(fd, v.data(), len, off_t(pos)) == ssize_t(len));
    close(fd);
    return v;
  }
};

}  // namespace kiln::test

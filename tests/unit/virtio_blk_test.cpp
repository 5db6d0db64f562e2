// virtio-blk (devices/virtio/blk.h) end to end: a raw image in a temporary
// file, requests built as descriptor chains in guest RAM and sent through the
// MMIO transport: read, write, flush, get-id, errors, read-only images and
// snapshot mode. Also the host side (devices/block/disk_image.h): what may be
// a disk, and the lock that keeps two processes from writing one image.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "devices/virtio/blk.h"
#include "tests/unit/temp_image.h"
#include "tests/unit/virtio_test_driver.h"

using namespace kiln;
using Blk = devices::virtio::Blk;
using devices::block::DiskImage;
using devices::block::DiskOptions;

namespace {

constexpr uint64_t kV1 = 1ull << 32, kSectors = 64;
constexpr uint64_t kHdr = test::kVirtioRam + 0x40000, kData = test::kVirtioRam + 0x50000,
                   kStatus = test::kVirtioRam + 0x48000;

using test::pattern;

// A disk of kSectors sectors.
struct Image : test::TempImage {
  Image() : TempImage(kSectors * 512) {}
};

struct Rig {
  Image image;
  std::unique_ptr<Blk> blk;
  mem::PhysMap map;
  test::RecordingIrq irq;
  std::unique_ptr<devices::virtio::MmioTransport> t;
  std::unique_ptr<test::VirtioDriver> drv;

  explicit Rig(DiskOptions opts = {}) {
    auto b = Blk::open(image.path, opts);
    REQUIRE(b.ok());
    blk = std::move(*b);
    REQUIRE(map.add_ram("ram", test::kVirtioRam, test::kVirtioRamSize));
    t = std::make_unique<devices::virtio::MmioTransport>(map, irq, blk.get());
    drv = std::make_unique<test::VirtioDriver>(map, *t);
    drv->init(1, 16, test::kVirtioRam, kV1 | (1 << Blk::kFeatureFlush) | (1 << Blk::kFeatureSegMax));
  }
  // One request: header, data buffers, status; returns (status, used length).
  std::pair<uint8_t, uint32_t> request(uint32_t type, uint64_t sector, std::vector<test::Seg> data) {
    uint8_t hdr[16] = {};
    std::memcpy(hdr, &type, 4);
    std::memcpy(hdr + 8, &sector, 8);
    REQUIRE(map.write(kHdr, hdr, 16));
    uint8_t st = 0xff;
    REQUIRE(map.write(kStatus, &st, 1));
    std::vector<test::Seg> segs{{kHdr, 16, false}};
    segs.insert(segs.end(), data.begin(), data.end());
    segs.push_back({kStatus, 1, true});
    uint16_t head = drv->post(0, segs);
    auto used = drv->take_used(0);
    REQUIRE(used);
    CHECK(used->first == head);
    REQUIRE(map.read(kStatus, &st, 1));
    return {st, used->second};
  }
  std::vector<uint8_t> guest(uint64_t pa, size_t len) {
    std::vector<uint8_t> v(len);
    REQUIRE(map.read(pa, v.data(), len));
    return v;
  }
};

std::vector<uint8_t> expected(uint64_t pos, size_t len) {
  std::vector<uint8_t> v(len);
  for (size_t i = 0; i < len; i++) v[i] = pattern(pos + i);
  return v;
}

// The access modes (O_RDONLY, O_RDWR...) of this process's open descriptors of `path`.
std::vector<int> open_modes(const std::string& path) {
  struct stat want;
  REQUIRE(stat(path.c_str(), &want) == 0);
  std::vector<int> modes;
  for (int fd = 0; fd < 1024; fd++) {
    struct stat st;
    if (fstat(fd, &st) == 0 && st.st_dev == want.st_dev && st.st_ino == want.st_ino) modes.push_back(fcntl(fd, F_GETFL) & O_ACCMODE);
  }
  return modes;
}

}  // namespace

TEST_CASE("virtio-blk open and features", "[virtio][blk]") {
  Rig r;
  CHECK(open_modes(r.image.path) == std::vector<int>{O_RDWR});
  CHECK(r.blk->capacity_sectors() == kSectors);
  uint64_t f = r.drv->device_features();
  CHECK(f & kV1);
  CHECK(f & (1 << Blk::kFeatureFlush));
  CHECK(f & (1 << Blk::kFeatureSegMax));
  CHECK_FALSE(f & (1 << Blk::kFeatureRo));
  auto missing = Blk::open("/nonexistent/kiln.img");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().find("/nonexistent/kiln.img") != std::string::npos);
}

TEST_CASE("virtio-blk read", "[virtio][blk]") {
  Rig r;
  auto [st, len] = r.request(Blk::kTypeIn, 3, {{kData, 512, true}});
  CHECK(st == Blk::kStatusOk);
  CHECK(len == 513);
  CHECK(r.guest(kData, 512) == expected(3 * 512, 512));
  CHECK(r.irq.level);

  SECTION("scattered over several buffers") {
    auto [st2, len2] = r.request(Blk::kTypeIn, 10, {{kData, 100, true}, {kData + 0x1000, 924, true}});
    CHECK(st2 == Blk::kStatusOk);
    CHECK(len2 == 1025);
    CHECK(r.guest(kData, 100) == expected(10 * 512, 100));
    CHECK(r.guest(kData + 0x1000, 924) == expected(10 * 512 + 100, 924));
  }
  SECTION("the last sector, and one past it") {
    CHECK(r.request(Blk::kTypeIn, kSectors - 1, {{kData, 512, true}}).first == Blk::kStatusOk);
    CHECK(r.request(Blk::kTypeIn, kSectors - 1, {{kData, 1024, true}}).first == Blk::kStatusIoErr);
    CHECK(r.request(Blk::kTypeIn, kSectors, {{kData, 512, true}}).first == Blk::kStatusIoErr);
    CHECK(r.request(Blk::kTypeIn, ~0ull / 256, {{kData, 512, true}}).first == Blk::kStatusIoErr);  // overflow
  }
  SECTION("a large read through the bounce buffer") {
    auto [st3, len3] = r.request(Blk::kTypeIn, 0, {{kData, 48 * 512, true}, {kData + 0x10000, 16 * 512, true}});
    CHECK(st3 == Blk::kStatusOk);
    CHECK(len3 == 64 * 512 + 1);
    CHECK(r.guest(kData + 0x10000, 16 * 512) == expected(48 * 512, 16 * 512));
  }
}

TEST_CASE("virtio-blk write, flush and get-id", "[virtio][blk]") {
  Rig r;
  std::vector<uint8_t> data(1024);
  for (size_t i = 0; i < data.size(); i++) data[i] = uint8_t(i ^ 0xa5);
  REQUIRE(r.map.write(kData, data.data(), 600));
  REQUIRE(r.map.write(kData + 0x2000, data.data() + 600, 424));
  auto [st, len] = r.request(Blk::kTypeOut, 5, {{kData, 600, false}, {kData + 0x2000, 424, false}});
  CHECK(st == Blk::kStatusOk);
  CHECK(len == 1);
  CHECK(r.image.read(5 * 512, 1024) == data);
  CHECK(r.image.read(4 * 512, 512) == expected(4 * 512, 512));
  CHECK(r.request(Blk::kTypeFlush, 0, {}).first == Blk::kStatusOk);

  auto [st2, len2] = r.request(Blk::kTypeGetId, 0, {{kData, 20, true}});
  CHECK(st2 == Blk::kStatusOk);
  CHECK(len2 == 21);
  auto id = r.guest(kData, 20);
  CHECK(std::string(id.begin(), id.begin() + 15) == "kiln-virtio-blk");
  CHECK(id[15] == 0);

  CHECK(r.request(99, 0, {{kData, 512, true}}).first == Blk::kStatusUnsupported);
}

TEST_CASE("virtio-blk header and data in one buffer", "[virtio][blk]") {
  Rig r;
  uint8_t req[16 + 512] = {};
  uint32_t type = Blk::kTypeOut;
  uint64_t sector = 2;
  std::memcpy(req, &type, 4);
  std::memcpy(req + 8, &sector, 8);
  std::memset(req + 16, 0x3c, 512);
  REQUIRE(r.map.write(kHdr, req, sizeof req));
  r.drv->post(0, {{kHdr, sizeof req, false}, {kStatus, 1, true}});
  REQUIRE(r.drv->take_used(0));
  CHECK(r.guest(kStatus, 1)[0] == Blk::kStatusOk);
  CHECK(r.image.read(2 * 512, 512) == std::vector<uint8_t>(512, 0x3c));
}

TEST_CASE("virtio-blk read-only image", "[virtio][blk]") {
  DiskOptions ro;
  ro.read_only = true;
  Rig r(ro);
  CHECK(open_modes(r.image.path) == std::vector<int>{O_RDONLY});  // the file itself is opened read-only
  CHECK(r.drv->device_features() & (1 << Blk::kFeatureRo));
  REQUIRE(r.map.write(kData, std::vector<uint8_t>(512, 1).data(), 512));
  CHECK(r.request(Blk::kTypeOut, 0, {{kData, 512, false}}).first == Blk::kStatusIoErr);
  CHECK(r.image.read(0, 512) == expected(0, 512));
  CHECK(r.request(Blk::kTypeIn, 0, {{kData, 512, true}}).first == Blk::kStatusOk);
}

TEST_CASE("virtio-blk snapshot mode keeps writes in memory", "[virtio][blk]") {
  DiskOptions snap;
  snap.snapshot = true;
  Rig r(snap);
  CHECK(open_modes(r.image.path) == std::vector<int>{O_RDONLY});
  CHECK_FALSE(r.drv->device_features() & (1 << Blk::kFeatureRo));
  std::vector<uint8_t> data(1024, 0x77);
  REQUIRE(r.map.write(kData, data.data(), data.size()));
  CHECK(r.request(Blk::kTypeOut, 7, {{kData, 1024, false}}).first == Blk::kStatusOk);
  CHECK(r.image.read(7 * 512, 1024) == expected(7 * 512, 1024));  // the file is untouched
  CHECK(r.request(Blk::kTypeIn, 6, {{kData + 0x8000, 4 * 512, true}}).first == Blk::kStatusOk);
  auto back = r.guest(kData + 0x8000, 4 * 512);
  CHECK(std::vector<uint8_t>(back.begin(), back.begin() + 512) == expected(6 * 512, 512));
  CHECK(std::vector<uint8_t>(back.begin() + 512, back.begin() + 1536) == data);
  CHECK(std::vector<uint8_t>(back.begin() + 1536, back.end()) == expected(9 * 512, 512));
  CHECK(r.request(Blk::kTypeFlush, 0, {}).first == Blk::kStatusOk);
  r.blk.reset();  // closed: the writes are gone with it
  CHECK(r.image.read(7 * 512, 1024) == expected(7 * 512, 1024));
}

TEST_CASE("virtio-blk requests of partial sectors fail", "[virtio][blk]") {
  Rig r;
  std::vector<uint8_t> data(1024, 0x5a);
  REQUIRE(r.map.write(kData, data.data(), data.size()));
  CHECK(r.request(Blk::kTypeOut, 1, {{kData, 700, false}}).first == Blk::kStatusIoErr);
  CHECK(r.request(Blk::kTypeOut, 1, {{kData, 100, false}}).first == Blk::kStatusIoErr);
  CHECK(r.image.read(0, 3 * 512) == expected(0, 3 * 512));  // nothing written
  CHECK(r.request(Blk::kTypeIn, 1, {{kData, 700, true}}).first == Blk::kStatusIoErr);
  CHECK(r.request(Blk::kTypeIn, 1, {{kData, 256, true}, {kData + 0x1000, 256, true}}).first == Blk::kStatusOk);
  // Past the end, also for writes.
  CHECK(r.request(Blk::kTypeOut, kSectors - 1, {{kData, 1024, false}}).first == Blk::kStatusIoErr);
  CHECK(r.request(Blk::kTypeOut, ~0ull / 256, {{kData, 512, false}}).first == Blk::kStatusIoErr);
  CHECK(r.request(Blk::kTypeOut, kSectors - 1, {{kData, 512, false}}).first == Blk::kStatusOk);
}

TEST_CASE("disk images are regular files or block devices", "[virtio][blk]") {
  auto refused = [](const std::string& path, DiskOptions o, const char* why) {
    auto d = DiskImage::open(path, o);
    REQUIRE_FALSE(d.ok());
    CHECK(d.error().find(path) != std::string::npos);
    CHECK(d.error().find(why) != std::string::npos);
    CHECK(d.error().find('\n') == std::string::npos);
  };
  DiskOptions snap;
  snap.snapshot = true;
  refused("/tmp", snap, "is a directory");  // read-only opens succeed on a directory: refused by type
  refused("/tmp", {}, "/tmp");
  refused("/dev/zero", {}, "is a character device");
  refused("/dev/null", snap, "is a character device");
  char fifo[] = "/tmp/kiln_fifo_XXXXXX";
  REQUIRE(mkdtemp(fifo));
  std::string fifo_path = std::string(fifo) + "/p";
  REQUIRE(mkfifo(fifo_path.c_str(), 0600) == 0);
  refused(fifo_path, snap, "is a pipe");  // and without hanging for a writer
  std::remove(fifo_path.c_str());
  rmdir(fifo);
}

TEST_CASE("an image is written by one process at a time", "[virtio][blk]") {
  Image image;
  DiskOptions ro, snap;
  ro.read_only = true;
  snap.snapshot = true;
  // The holder is named from /proc: here, this process (the error path must not count its own new descriptor).
  std::string comm;
  std::getline(std::ifstream("/proc/self/comm"), comm);
  const std::string self = "process " + std::to_string(getpid()) + " (" + comm + ")";
  {
    auto writer = DiskImage::open(image.path);
    REQUIRE(writer.ok());
    // OFD locks conflict between open files, even in one process.
    for (const DiskOptions& o : {DiskOptions{}, ro, snap}) {
      auto other = DiskImage::open(image.path, o);
      REQUIRE_FALSE(other.ok());
      CHECK(other.error() == "disk image '" + image.path + "' is in use: " + self + " has it open for writing");
    }
  }
  auto reader = DiskImage::open(image.path, ro);
  REQUIRE(reader.ok());
  CHECK(DiskImage::open(image.path, snap).ok());  // readers share
  auto writer = DiskImage::open(image.path);
  REQUIRE_FALSE(writer.ok());
  CHECK(writer.error() == "disk image '" + image.path + "' is in use: " + self + " has it open");
  reader->reset();
  CHECK(DiskImage::open(image.path).ok());  // closing drops the lock
}

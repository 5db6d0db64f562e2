// HTIF (devices/riscv/htif.h) driven the way the guest drives it: through the
// tohost/fromhost MMIO words it registers in the physical map. The console is
// a tmpfile() that the tests read back.
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "devices/riscv/htif.h"
#include "mem/physmap.h"
#include "tests/unit/device_test_util.h"

using namespace kiln;

namespace {

constexpr uint64_t kRam = 0x80000000;
constexpr uint64_t kTohost = kRam + 0x1000, kFromhost = kRam + 0x1040;
constexpr uint64_t kPutchar = (1ull << 56) | (1ull << 48);  // device 1 (console), command 1

struct Rig {
  mem::PhysMap map;
  std::FILE* console = std::tmpfile();
  std::vector<int> exits;
  devices::Htif htif{map, console, [this](int code) { exits.push_back(code); }};

  Rig() {
    REQUIRE(console);
    REQUIRE(map.add_ram("ram", kRam, 1 << 20));
    REQUIRE(htif.attach(kTohost, kFromhost));
  }
  ~Rig() { std::fclose(console); }

  // A guest access: found through the map, delivered at the offset inside the region.
  void write(uint64_t addr, unsigned size, uint64_t value) {
    mem::Region* r = map.find(addr);
    REQUIRE(r);
    REQUIRE(r->kind == mem::RegionKind::Mmio);
    r->device->write(addr - r->base, size, value);
  }
  uint64_t read(uint64_t addr, unsigned size) {
    mem::Region* r = map.find(addr);
    REQUIRE(r);
    REQUIRE(r->kind == mem::RegionKind::Mmio);
    return r->device->read(addr - r->base, size);
  }
  std::string output() {
    std::fflush(console);
    std::rewind(console);
    std::string s;
    int c;
    while ((c = std::fgetc(console)) != EOF) s += char(c);
    return s;
  }
};

}  // namespace

TEST_CASE("htif words are MMIO overlays of RAM", "[htif]") {
  Rig r;
  CHECK(r.map.find(kTohost)->kind == mem::RegionKind::Mmio);
  CHECK(r.map.find(kTohost + 7)->kind == mem::RegionKind::Mmio);
  CHECK(r.map.find(kFromhost)->kind == mem::RegionKind::Mmio);
  CHECK(r.map.find(kTohost + 8)->kind == mem::RegionKind::Ram);
  CHECK(r.map.page_has_mmio(kTohost));
}

TEST_CASE("htif access rules: aligned 1 to 8 bytes, no AMOs; tohost writes may stop the CPU", "[htif][rules]") {
  Rig r;
  const mem::MmioDevice& tohost = *r.map.find(kTohost)->device;
  const mem::MmioDevice& fromhost = *r.map.find(kFromhost)->device;
  CHECK(test::accepted_sizes(tohost, 0) == test::Sizes{1, 2, 4, 8});
  CHECK(test::accepted_sizes(tohost, 4) == test::Sizes{1, 2, 4});
  CHECK(test::accepted_sizes(fromhost, 6) == test::Sizes{1, 2});
  CHECK_FALSE(tohost.rules(0).atomics);
  CHECK(tohost.rules(0).write_may_stop);
  CHECK_FALSE(fromhost.rules(0).write_may_stop);
}

TEST_CASE("exit: tohost = (code << 1) | 1", "[htif]") {
  Rig r;
  SECTION("code 0 (tohost == 1)") {
    r.write(kTohost, 8, 1);
    REQUIRE(r.exits.size() == 1);
    CHECK(r.exits[0] == 0);
  }
  SECTION("a failure code") {
    r.write(kTohost, 8, (42 << 1) | 1);
    REQUIRE(r.exits.size() == 1);
    CHECK(r.exits[0] == 42);
  }
  SECTION("riscv-tests style: the failing test number") {
    r.write(kTohost, 8, (1234 << 1) | 1);
    REQUIRE(r.exits.size() == 1);
    CHECK(r.exits[0] == 1234);
  }
  CHECK(r.htif.tohost() == 0);  // consumed
  CHECK(r.output().empty());
}

TEST_CASE("console putchar and the fromhost acknowledgement", "[htif]") {
  Rig r;
  CHECK(r.read(kFromhost, 8) == 0);
  for (char c : std::string("hi!\n")) {
    r.write(kTohost, 8, kPutchar | uint8_t(c));
    CHECK(r.htif.tohost() == 0);
    // The host answers in fromhost (same device and command); the guest reads and clears it.
    uint64_t ack = r.read(kFromhost, 8);
    CHECK(ack != 0);
    CHECK((ack >> 56) == 1);
    CHECK(((ack >> 48) & 0xff) == 1);
    r.write(kFromhost, 8, 0);
    CHECK(r.htif.fromhost() == 0);
  }
  CHECK(r.output() == "hi!\n");
  CHECK(r.exits.empty());
}

TEST_CASE("two 32-bit writes, low then high, make one command", "[htif]") {
  Rig r;
  SECTION("putchar") {
    r.write(kTohost, 4, uint32_t(kPutchar | 'K'));
    CHECK(r.output().empty());  // half a command does nothing
    CHECK(r.read(kTohost, 4) == 'K');
    r.write(kTohost + 4, 4, kPutchar >> 32);
    CHECK(r.output() == "K");
    CHECK(r.htif.tohost() == 0);
  }
  SECTION("exit with the high half zero") {
    r.write(kTohost, 4, (7 << 1) | 1);
    CHECK(r.exits.empty());
    r.write(kTohost + 4, 4, 0);
    REQUIRE(r.exits.size() == 1);
    CHECK(r.exits[0] == 7);
  }
  SECTION("fromhost read in halves") {
    r.write(kTohost, 8, kPutchar | 'x');
    uint64_t lo = r.read(kFromhost, 4), hi = r.read(kFromhost + 4, 4);
    CHECK((lo | hi << 32) == r.htif.fromhost());
  }
}

TEST_CASE("syscall write (64) through a magic-memory block", "[htif]") {
  Rig r;
  const uint64_t magic = kRam + 0x2000, buf = kRam + 0x3000;
  const char msg[] = "hello from the guest\n";
  const uint64_t len = sizeof msg - 1;
  REQUIRE(r.map.write(buf, msg, len));
  uint64_t m[8] = {64, 1, buf, len, 0, 0, 0, 0};  // write(fd 1, buf, len)
  REQUIRE(r.map.write(magic, m, sizeof m));

  r.write(kTohost, 8, magic);  // device 0, command 0, payload = the block's address
  CHECK(r.output() == msg);
  uint64_t back[8];
  REQUIRE(r.map.read(magic, back, sizeof back));
  CHECK(back[0] == len);  // the return value replaces the syscall number
  CHECK(r.htif.fromhost() == 1);
  CHECK(r.exits.empty());

  SECTION("an unknown syscall returns -1") {
    uint64_t u[8] = {12345, 0, 0, 0, 0, 0, 0, 0};
    REQUIRE(r.map.write(magic, u, sizeof u));
    r.write(kTohost, 8, magic);
    REQUIRE(r.map.read(magic, back, sizeof back));
    CHECK(back[0] == ~0ull);
  }
  SECTION("syscall exit (93)") {
    uint64_t e[8] = {93, 3, 0, 0, 0, 0, 0, 0};
    REQUIRE(r.map.write(magic, e, sizeof e));
    r.write(kTohost, 8, magic);
    REQUIRE(r.exits.size() == 1);
    CHECK(r.exits[0] == 3);
  }
  SECTION("a write whose buffer is outside RAM fails without output") {
    uint64_t w[8] = {64, 1, 0x1000, 16, 0, 0, 0, 0};
    REQUIRE(r.map.write(magic, w, sizeof w));
    std::string before = r.output();
    r.write(kTohost, 8, magic);
    REQUIRE(r.map.read(magic, back, sizeof back));
    CHECK(back[0] == ~0ull);
    CHECK(r.output() == before);
  }
}

TEST_CASE("attach refuses a second overlay of the same word", "[htif]") {
  Rig r;
  devices::Htif other(r.map, r.console, [](int) {});
  CHECK_FALSE(other.attach(kTohost, kFromhost).ok());
}

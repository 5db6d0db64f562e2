// The x86 I/O port space (mem/port_space.h): devices claim port ranges without
// overlap and inside 0..0xFFFF; an access a device's rules take whole reaches it
// once; anything else is split into bytes, each to its own port; ports nobody
// claims read as all ones and ignore writes. Also the two ISA debugging devices
// of -M pc (devices/pc/).
#include <catch2/catch.hpp>

#include <cstdio>
#include <string>
#include <vector>

#include "devices/pc/isa_debug_exit.h"
#include "devices/pc/isa_debugcon.h"
#include "mem/port_space.h"
#include "tests/unit/device_test_util.h"

using namespace kiln;

namespace {

struct Access {
  bool write;
  uint64_t offset;
  unsigned size;
  uint64_t value;
  bool operator==(const Access& o) const {
    return write == o.write && offset == o.offset && size == o.size && value == o.value;
  }
};

// Reads return 0xA0 + offset in every byte lane's low byte, so splits show.
class RecordingPorts : public mem::PortDevice {
 public:
  mem::AccessRules r{.min_size = 1, .max_size = 4};
  std::vector<Access> log;
  mem::AccessRules rules(uint64_t) const override { return r; }
  uint64_t read(uint64_t offset, unsigned size) override {
    log.push_back({false, offset, size, 0});
    return size == 1 ? 0xa0 + offset : 0x11223344u & ((1ull << (8 * size)) - 1);
  }
  void write(uint64_t offset, unsigned size, uint64_t value) override { log.push_back({true, offset, size, value}); }
};

}  // namespace

TEST_CASE("port space: claims stay inside 0..0xFFFF and never overlap", "[ports]") {
  mem::PortSpace ports;
  RecordingPorts a, b;
  REQUIRE(ports.add("a", 0x60, 4, &a));
  CHECK(ports.add("b", 0x63, 2, &b).error().find("overlap a (0x60 to 0x63)") != std::string::npos);
  CHECK(ports.add("b", 0x5f, 1, &b));
  CHECK(ports.add("c", 0xffff, 1, &b));
  CHECK_FALSE(ports.add("d", 0xfffe, 3, &b));
  CHECK_FALSE(ports.add("e", 0x10000, 1, &b));
  CHECK_FALSE(ports.add("f", 0x100, 0, &b));
}

TEST_CASE("port space: unclaimed ports read all ones and ignore writes", "[ports]") {
  mem::PortSpace ports;
  RecordingPorts dev;
  REQUIRE(ports.add("dev", 0x70, 2, &dev));
  CHECK(ports.read(0x80, 1) == 0xff);
  CHECK(ports.read(0x80, 2) == 0xffff);
  CHECK(ports.read(0x80, 4) == 0xffffffffu);
  CHECK(ports.read(0xffff, 2) == 0xffff);  // the byte past 0xFFFF belongs to nobody
  ports.write(0x80, 4, 0x12345678);
  CHECK(dev.log.empty());
}

TEST_CASE("port space: whole accesses reach the device once, at its offset", "[ports]") {
  mem::PortSpace ports;
  RecordingPorts dev;
  REQUIRE(ports.add("dev", 0x3f8, 8, &dev));
  CHECK(ports.read(0x3fc, 4) == 0x11223344u);
  ports.write(0x3fa, 2, 0xbeef);
  CHECK(dev.log == std::vector<Access>{{false, 4, 4, 0}, {true, 2, 2, 0xbeef}});
}

TEST_CASE("port space: other accesses are split into bytes, port by port", "[ports]") {
  mem::PortSpace ports;
  RecordingPorts dev;
  REQUIRE(ports.add("dev", 0xe9, 1, &dev));
  SECTION("past the end of the range: the device's byte, then the unclaimed port's") {
    CHECK(ports.read(0xe9, 2) == 0xffa0);
    ports.write(0xe8, 4, 0x44332211);
    CHECK(dev.log == std::vector<Access>{{false, 0, 1, 0}, {true, 0, 1, 0x22}});
  }
  SECTION("wider than the device's rules allow") {
    RecordingPorts bytes;
    bytes.r = {.min_size = 1, .max_size = 1};
    REQUIRE(ports.add("bytes", 0x400, 4, &bytes));
    CHECK(ports.read(0x401, 2) == 0xa2a1);
    ports.write(0x400, 2, 0x0201);
    CHECK(bytes.log == std::vector<Access>{{false, 1, 1, 0}, {false, 2, 1, 0}, {true, 0, 1, 1}, {true, 1, 1, 2}});
  }
  SECTION("a byte access a device refuses: as if nobody claimed the port") {
    RecordingPorts words;
    words.r = {.min_size = 2, .max_size = 2};
    REQUIRE(ports.add("words", 0x500, 2, &words));
    CHECK(ports.read(0x500, 1) == 0xff);
    CHECK(ports.read(0x501, 2) == 0xffff);  // misaligned for the device: split, then refused
    ports.write(0x500, 1, 7);
    CHECK(words.log.empty());
  }
}

TEST_CASE("port space: which writes may end the run", "[ports]") {
  mem::PortSpace ports;
  RecordingPorts plain, stopper;
  stopper.r.write_may_stop = true;
  REQUIRE(ports.add("plain", 0xe9, 1, &plain));
  REQUIRE(ports.add("stopper", 0xf4, 4, &stopper));
  CHECK_FALSE(ports.write_may_stop(0xe9, 1));
  CHECK_FALSE(ports.write_may_stop(0xf0, 4));
  CHECK(ports.write_may_stop(0xf2, 4));  // its last two bytes reach the stopper
  CHECK(ports.write_may_stop(0xf7, 1));
  CHECK_FALSE(ports.write_may_stop(0xf8, 1));
}

TEST_CASE("isa-debug-exit: any write exits with (v << 1) | 1; reads are 0", "[ports][pc]") {
  std::vector<int> exits;
  devices::IsaDebugExit dev([&](int status) { exits.push_back(status); });
  CHECK(test::accepted_sizes(dev, 0) == test::Sizes{1, 2, 4});
  CHECK(dev.rules(0).write_may_stop);
  CHECK(dev.read(0, 1) == 0);
  dev.write(0, 1, 0);
  dev.write(3, 4, 0x10);
  dev.write(0, 2, 0x7f);
  dev.write(0, 1, 0x80);  // the status the shell sees: the low 8 bits of 0x101
  CHECK(exits == std::vector<int>{1, 0x21, 0xff, 1});
}

TEST_CASE("isa-debugcon: bytes written go out; reads return 0xE9", "[ports][pc]") {
  std::FILE* f = std::tmpfile();
  REQUIRE(f);
  devices::IsaDebugcon dev(f);
  CHECK(test::accepted_sizes(dev, 0) == test::Sizes{1});
  CHECK(dev.read(0, 1) == 0xe9);
  mem::PortSpace ports;
  REQUIRE(ports.add("isa-debugcon", 0x402, 1, &dev));
  ports.write(0x402, 1, 'O');
  ports.write(0x402, 2, 0x0a4b);  // 'K' to the debugcon, 0x0a to the unclaimed 0x403
  ports.write(0x402, 1, '\n');
  CHECK(ports.read(0x402, 2) == 0xffe9);
  std::rewind(f);
  char buf[8] = {};
  CHECK(std::fread(buf, 1, sizeof buf, f) == 3);
  CHECK(std::string(buf) == "OK\n");
  std::fclose(f);
}

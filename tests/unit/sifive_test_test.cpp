// The SiFive test finisher (devices/riscv/sifive_test.h): the 32-bit
// commands Linux's syscon-poweroff/reboot and OpenSBI write.
#include <catch2/catch.hpp>

#include <utility>
#include <vector>

#include "devices/riscv/sifive_test.h"
#include "tests/unit/device_test_util.h"

using namespace kiln;
using Kind = devices::SifiveTest::Kind;

TEST_CASE("sifive_test access rules: 16- or 32-bit, aligned, writes may stop the CPU", "[sifive_test][rules]") {
  devices::SifiveTest dev([](Kind, int) {});
  CHECK(test::accepted_sizes(dev, 0) == test::Sizes{2, 4});
  CHECK(test::accepted_sizes(dev, 2) == test::Sizes{2});
  CHECK(test::accepted_sizes(dev, 1).empty());
  CHECK_FALSE(dev.rules(0).atomics);
  CHECK(dev.rules(0).write_may_stop);
}

TEST_CASE("sifive_test commands", "[sifive_test]") {
  std::vector<std::pair<Kind, int>> got;
  devices::SifiveTest dev([&](Kind k, int code) { got.emplace_back(k, code); });
  CHECK(dev.read(0, 4) == 0);

  SECTION("0x5555: power off, code 0") {
    dev.write(0, 4, 0x5555);
    REQUIRE(got.size() == 1);
    CHECK(got[0] == std::pair{Kind::PowerOff, 0});
  }
  SECTION("(code << 16) | 0x3333: exit with the code") {
    dev.write(0, 4, (3u << 16) | 0x3333);
    dev.write(0, 4, (0xffffu << 16) | 0x3333);
    REQUIRE(got.size() == 2);
    CHECK(got[0] == std::pair{Kind::Exit, 3});
    CHECK(got[1] == std::pair{Kind::Exit, 0xffff});
  }
  SECTION("0x7777: reset") {
    dev.write(0, 4, 0x7777);
    REQUIRE(got.size() == 1);
    CHECK(got[0].first == Kind::Reset);
  }
  SECTION("anything else is ignored") {
    dev.write(0, 4, 0x1234);
    dev.write(0, 4, 0);
    dev.write(4, 4, 0x5555);  // not the register
    dev.write(0, 1, 0x55);
    CHECK(got.empty());
  }
}

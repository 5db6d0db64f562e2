// virtio-console (devices/virtio/console.h): guest output through the
// transmit queue, host input through receive() into the driver's receive
// buffers, held back until the driver is ready for it.
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "devices/virtio/console.h"
#include "tests/unit/virtio_test_driver.h"

using namespace kiln;

namespace {

constexpr uint64_t kV1 = 1ull << 32, kBuf = test::kVirtioRam + 0x40000;

struct Rig {
  char* buf = nullptr;
  size_t len = 0;
  std::FILE* out = open_memstream(&buf, &len);
  mem::PhysMap map;
  test::RecordingIrq irq;
  devices::virtio::Console con{out};
  devices::virtio::MmioTransport t{map, irq, &con};
  test::VirtioDriver drv{map, t};

  Rig() { REQUIRE(map.add_ram("ram", test::kVirtioRam, test::kVirtioRamSize)); }
  ~Rig() {
    std::fclose(out);
    std::free(buf);
  }
  std::string output() const { return std::string(buf ? buf : "", len); }
  std::string guest_string(uint64_t pa, size_t n) {
    std::string s(n, '\0');
    REQUIRE(map.read(pa, s.data(), n));
    return s;
  }
};

}  // namespace

TEST_CASE("virtio-console identification and config", "[virtio][console]") {
  Rig r;
  CHECK(r.t.read(0x008, 4) == 3);
  CHECK(r.drv.device_features() == kV1);
  CHECK(r.t.read(0x100, 4) == 0);
  r.t.write(0x108, 4, 'E');  // emerg_wr
  CHECK(r.output() == "E");
}

TEST_CASE("virtio-console output", "[virtio][console]") {
  Rig r;
  r.drv.init(2, 16, test::kVirtioRam, kV1);
  const std::string a = "hello, ", b = "console\n";
  REQUIRE(r.map.write(kBuf, a.data(), a.size()));
  REQUIRE(r.map.write(kBuf + 0x100, b.data(), b.size()));
  uint16_t head = r.drv.post(1, {{kBuf, uint32_t(a.size()), false}, {kBuf + 0x100, uint32_t(b.size()), false}});
  CHECK(r.output() == a + b);
  auto used = r.drv.take_used(1);
  REQUIRE(used);
  CHECK(*used == std::pair<uint32_t, uint32_t>{head, 0});
  CHECK(r.irq.level);
}

TEST_CASE("virtio-console input", "[virtio][console]") {
  Rig r;
  for (char c : std::string("early")) r.con.receive(uint8_t(c));  // before the driver is up
  CHECK(r.con.pending_input() == 5);
  REQUIRE(r.drv.negotiate(kV1));
  r.drv.setup_queue(0, 16, test::kVirtioRam);
  r.drv.setup_queue(1, 16, test::kVirtioRam + 0x10000);
  r.drv.post(0, {{kBuf, 4, true}});  // the kick comes before DRIVER_OK
  CHECK(r.con.pending_input() == 5);
  r.drv.post(0, {{kBuf + 0x100, 64, true}});
  CHECK_FALSE(r.drv.take_used(0));
  r.drv.driver_ok();  // now the device may use the buffers
  auto u1 = r.drv.take_used(0), u2 = r.drv.take_used(0);
  REQUIRE((u1 && u2));
  CHECK(u1->second == 4);
  CHECK(u2->second == 1);
  CHECK(r.guest_string(kBuf, 4) == "earl");
  CHECK(r.guest_string(kBuf + 0x100, 1) == "y");
  CHECK(r.con.pending_input() == 0);

  SECTION("input waits for buffers, then is delivered on the kick") {
    r.drv.ack_interrupts();
    r.con.receive('!');
    CHECK_FALSE(r.drv.take_used(0));
    CHECK(r.con.pending_input() == 1);
    r.drv.post(0, {{kBuf + 0x200, 8, true}});
    auto u = r.drv.take_used(0);
    REQUIRE(u);
    CHECK(u->second == 1);
    CHECK(r.guest_string(kBuf + 0x200, 1) == "!");
    CHECK(r.irq.level);
  }
  SECTION("input arriving with a buffer posted goes straight in") {
    r.drv.post(0, {{kBuf + 0x300, 8, true}});
    r.con.receive('x');
    auto u = r.drv.take_used(0);
    REQUIRE(u);
    CHECK(r.guest_string(kBuf + 0x300, 1) == "x");
  }
}

// The 8237A DMA pair of -M pc (devices/pc/i8237.h) through its ports and a
// PhysMap with RAM and a ROM: address and count programming behind the
// flip-flop, the page registers (0x80 not among them), the mode's transfer
// types and directions, TC with and without auto-initialise, the status
// register, masks and the cascade, 16-bit channels, DREQ and the service
// callback, and writes reaching guest RAM only.
#include <catch2/catch.hpp>

#include <vector>

#include "devices/pc/i8237.h"

using namespace kiln;
using devices::I8237Pair;

namespace {

struct Watcher final : mem::CodeWatcher {
  void code_written(uint64_t pa, unsigned size) override { writes.push_back({pa, size}); }
  std::vector<std::pair<uint64_t, unsigned>> writes;
};

struct Rig {
  mem::PhysMap map;
  Watcher watcher;
  std::unique_ptr<I8237Pair> dma;
  Rig() {
    REQUIRE(map.add_ram("ram", 0, 4 << 20));
    std::vector<uint8_t> rom(0x10000, 0xAB);
    REQUIRE(map.add_rom("rom", 0x800000, rom.data(), rom.size()));
    dma = std::make_unique<I8237Pair>(map, &watcher);
  }
  // Port writes and reads as the guest does them.
  void out(uint32_t port, uint8_t v) { dev(port).write(offset(port), 1, v); }
  uint8_t in(uint32_t port) { return uint8_t(dev(port).read(offset(port), 1)); }
  mem::PortDevice& dev(uint32_t port) {
    if (port < 0x10) return dma->controller1();
    if (port >= 0xc0) return dma->controller2();
    return dma->page_registers();
  }
  static uint64_t offset(uint32_t port) { return port < 0x10 ? port : port >= 0xc0 ? port - 0xc0 : port - 0x81; }
  // Channel 2 (ports 0x04/0x05, page 0x81) set up as SeaBIOS does it; the cascade opened.
  void setup_ch2(uint32_t addr, uint16_t count, uint8_t mode) {
    out(0xd6, 0xc0);  // channel 4: cascade
    out(0xd4, 0x00);  // unmask channel 4
    out(0x0a, 0x06);  // mask channel 2
    out(0x0c, 0);
    out(0x04, uint8_t(addr));
    out(0x04, uint8_t(addr >> 8));
    out(0x0c, 0);
    out(0x05, uint8_t(count));
    out(0x05, uint8_t(count >> 8));
    out(0x0b, mode);
    out(0x81, uint8_t(addr >> 16));
    out(0x0a, 0x02);  // unmask
  }
  std::vector<uint8_t> ram(uint64_t pa, size_t n) {
    std::vector<uint8_t> v(n);
    REQUIRE(map.read(pa, v.data(), n));
    return v;
  }
};

std::vector<uint8_t> counting(size_t n, uint8_t from = 0) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; i++) v[i] = uint8_t(from + i);
  return v;
}

}  // namespace

TEST_CASE("8237: address and count behind the flip-flop, base and current", "[i8237]") {
  Rig r;
  r.out(0x0c, 0);
  r.out(0x04, 0x34);
  r.out(0x04, 0x12);
  r.out(0x05, 0xff);
  r.out(0x05, 0x01);
  CHECK(r.dma->current_address(2) == 0x1234);
  CHECK(r.dma->current_count(2) == 0x01ff);
  // Reads go through the same flip-flop: low, high.
  r.out(0x0c, 0);
  CHECK(r.in(0x04) == 0x34);
  CHECK(r.in(0x04) == 0x12);
  CHECK(r.in(0x05) == 0xff);
  CHECK(r.in(0x05) == 0x01);
  // Without a clear, the flip-flop carries on: one write left it pointing at the high byte.
  r.out(0x0c, 0);
  r.out(0x06, 0x78);  // channel 3 address low
  CHECK(r.in(0x06) == 0x00);  // now the high byte
  CHECK(r.in(0x06) == 0x78);
  // Master clear: flip-flop low, all channels masked.
  r.out(0x0a, 0x00);
  CHECK_FALSE(r.dma->masked(0));
  r.out(0x0d, 0);
  CHECK(r.dma->masked(0));
  CHECK(r.in(0x0f) == 0xff);  // the mask register read back (all four set)
  CHECK(r.in(0x04) == 0x34);
}

TEST_CASE("8237: page registers at 0x81-0x8F, port 0x80 is not one", "[i8237]") {
  Rig r;
  const std::pair<uint32_t, unsigned> pages[] = {{0x87, 0}, {0x83, 1}, {0x81, 2}, {0x82, 3}, {0x8b, 5}, {0x89, 6}, {0x8a, 7}};
  for (auto [port, ch] : pages) {
    r.out(port, uint8_t(0x10 + ch));
    CHECK(r.in(port) == 0x10 + ch);
  }
  CHECK(I8237Pair::kPagePorts == 0x81);
  CHECK(I8237Pair::kPagePorts + I8237Pair::kPagePortCount == 0x90);
  // Channel 2 at page 0x12: its bytes land at 0x12xxxx.
  r.setup_ch2(0x120100, 15, 0x46);
  auto data = counting(16);
  auto m = r.dma->to_memory(2, data.data(), data.size());
  CHECK(m.bytes == 16);
  CHECK(m.tc);
  CHECK(r.ram(0x120100, 16) == data);
}

TEST_CASE("8237: write transfer to TC, then masked; status TC bits cleared by reading", "[i8237]") {
  Rig r;
  r.setup_ch2(0x10000, 511, 0x46);  // single, increment, write (to memory), channel 2
  auto data = counting(600, 7);
  auto m = r.dma->to_memory(2, data.data(), 300);
  CHECK(m.bytes == 300);
  CHECK_FALSE(m.tc);
  CHECK(r.dma->current_address(2) == 300);
  CHECK(r.dma->current_count(2) == 211);
  m = r.dma->to_memory(2, data.data() + 300, 300);
  CHECK(m.bytes == 212);  // stops at TC: 512 in all
  CHECK(m.tc);
  CHECK(r.ram(0x10000, 512) == std::vector<uint8_t>(data.begin(), data.begin() + 512));
  CHECK(r.ram(0x10000 + 512, 1)[0] == 0);  // nothing past the count
  CHECK(r.dma->current_count(2) == 0xffff);
  CHECK(r.dma->masked(2));  // no auto-initialise: TC masks the channel
  CHECK(r.in(0x08) == 0x04);  // TC on channel 2
  CHECK(r.in(0x08) == 0x00);  // cleared by the read
  m = r.dma->to_memory(2, data.data(), 10);
  CHECK(m.bytes == 0);  // masked: nothing moves
}

TEST_CASE("8237: auto-initialise reloads the base registers at TC", "[i8237]") {
  Rig r;
  r.setup_ch2(0x20000, 99, 0x56);  // auto-initialise
  auto data = counting(100, 1);
  auto m = r.dma->to_memory(2, data.data(), 100);
  CHECK(m.tc);
  CHECK_FALSE(r.dma->masked(2));
  CHECK(r.dma->current_address(2) == 0x0000);
  CHECK(r.dma->current_count(2) == 99);
  auto again = counting(100, 0x80);
  m = r.dma->to_memory(2, again.data(), 100);
  CHECK(m.tc);
  CHECK(r.ram(0x20000, 100) == again);  // the same buffer again
}

TEST_CASE("8237: read and verify transfers, decrementing addresses, the 64 KiB wrap", "[i8237]") {
  Rig r;
  auto data = counting(32, 0x40);
  REQUIRE(r.map.write(0x30000, data.data(), data.size()));
  r.setup_ch2(0x30000, 31, 0x4a);  // read (from memory)
  std::vector<uint8_t> got(32);
  auto m = r.dma->from_memory(2, got.data(), 32);
  CHECK(m.tc);
  CHECK(got == data);
  // A write transfer the device answers with from_memory gets zeros; a verify moves nothing but counts.
  r.setup_ch2(0x40000, 7, 0x42);  // verify
  auto junk = counting(8, 0x99);
  m = r.dma->to_memory(2, junk.data(), 8);
  CHECK(m.bytes == 8);
  CHECK(m.tc);
  CHECK(r.ram(0x40000, 8) == std::vector<uint8_t>(8, 0));
  // Decrement: memory is walked downwards from the start address.
  r.setup_ch2(0x50003, 3, 0x66);
  auto four = counting(4, 1);
  m = r.dma->to_memory(2, four.data(), 4);
  CHECK(m.tc);
  CHECK(r.ram(0x50000, 4) == std::vector<uint8_t>{4, 3, 2, 1});
  // The address wraps inside its page; the page register does not count.
  r.setup_ch2(0x6fffe, 3, 0x46);
  m = r.dma->to_memory(2, four.data(), 4);
  CHECK(m.tc);
  CHECK(r.ram(0x6fffe, 2) == std::vector<uint8_t>{1, 2});
  CHECK(r.ram(0x60000, 2) == std::vector<uint8_t>{3, 4});
  CHECK(r.ram(0x70000, 2) == std::vector<uint8_t>{0, 0});
}

TEST_CASE("8237: transfers reach guest RAM only; code pages are reported", "[i8237]") {
  Rig r;
  // Page 0x80: the ROM. Nothing is written there; the count still runs out.
  r.setup_ch2(0x800000, 15, 0x46);
  auto data = counting(16);
  auto m = r.dma->to_memory(2, data.data(), 16);
  CHECK(m.bytes == 16);
  CHECK(m.tc);
  CHECK(r.ram(0x800000, 1)[0] == 0xAB);
  // Page 0x50 is past RAM (4 MiB): dropped, no crash; a read from there gives all ones.
  r.setup_ch2(0x500000, 3, 0x4a);
  std::vector<uint8_t> got(4);
  m = r.dma->from_memory(2, got.data(), 4);
  CHECK(m.tc);
  CHECK(got == std::vector<uint8_t>(4, 0xff));
  // A page holding translated code hears of the write.
  r.map.set_code_page(0x7000, true);
  r.setup_ch2(0x7010, 3, 0x46);
  m = r.dma->to_memory(2, data.data(), 4);
  REQUIRE(r.watcher.writes.size() == 1);
  CHECK(r.watcher.writes[0] == std::pair<uint64_t, unsigned>{0x7010, 4});
}

TEST_CASE("8237: the cascade, the controller disable bit, 16-bit channels", "[i8237]") {
  Rig r;
  r.setup_ch2(0x1000, 0, 0x46);
  CHECK(r.dma->may_run(2));
  r.out(0xd4, 0x04);  // mask channel 4: controller 1 is cut off
  CHECK_FALSE(r.dma->may_run(2));
  r.out(0xd4, 0x00);
  r.out(0x08, 0x04);  // controller 1 disabled
  CHECK_FALSE(r.dma->may_run(2));
  r.out(0x08, 0x00);
  CHECK(r.dma->may_run(2));
  // Channel 5: ports 0xC4/0xC6 count words; page 0x8B gives address bits 17-23.
  r.out(0xd4, 0x05);
  r.out(0xd8, 0);
  r.out(0xc4, 0x00);  // word address 0x0080 -> byte 0x100 in the page
  r.out(0xc4, 0x01);
  r.out(0xd8, 0);
  r.out(0xc6, 3);  // four words
  r.out(0xc6, 0);
  r.out(0xd6, 0x45);
  r.out(0x8b, 0x03);  // bit 0 is ignored: 128 KiB pages from 0x20000
  r.out(0xd4, 0x01);
  CHECK(r.in(0xc5) == 0xff);  // odd ports are not controller 2's
  auto data = counting(10, 0x20);
  auto m = r.dma->to_memory(5, data.data(), 10);
  CHECK(m.bytes == 8);
  CHECK(m.tc);
  CHECK(r.ram(0x20200, 8) == std::vector<uint8_t>(data.begin(), data.begin() + 8));
  CHECK(r.in(0xd0) == 0x02);  // controller 2's status: TC on its channel 1 (5)
}

TEST_CASE("8237: DREQ runs the service when the channel may run, at once or on unmasking", "[i8237]") {
  Rig r;
  int calls = 0;
  r.dma->connect(2, [&] {
    calls++;
    uint8_t b[4] = {1, 2, 3, 4};
    auto m = r.dma->to_memory(2, b, 4);
    if (m.tc) r.dma->set_dreq(2, false);
  });
  r.setup_ch2(0x9000, 3, 0x46);
  r.out(0x0a, 0x06);  // masked again
  r.dma->set_dreq(2, true);
  CHECK(calls == 0);
  CHECK(r.in(0x08) == 0x40);  // the request shows in the status
  r.out(0x0a, 0x02);  // unmask: the service runs now
  CHECK(calls == 1);
  CHECK(r.ram(0x9000, 4) == std::vector<uint8_t>{1, 2, 3, 4});
  r.setup_ch2(0xa000, 3, 0x46);
  r.dma->set_dreq(2, true);  // ready: at once
  CHECK(calls == 2);
  CHECK(r.ram(0xa000, 4) == std::vector<uint8_t>{1, 2, 3, 4});
}

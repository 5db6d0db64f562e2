// QEMU's fw_cfg of -M pc (devices/pc/fw_cfg.h) at register level: the
// selector and data ports, the signature and ID, the file directory, and the
// DMA interface with its control bits, its errors (guest RAM only) and the
// offset it shares with the data port.
#include <catch2/catch.hpp>

#include <cstring>
#include <string>
#include <vector>

#include "devices/pc/fw_cfg.h"
#include "tests/unit/device_test_util.h"

using namespace kiln;
using F = devices::FwCfg;

namespace {

constexpr uint64_t kRam = 0x100000;
constexpr uint64_t kDesc = 0x1000, kBuf = 0x2000;

struct Watcher final : mem::CodeWatcher {
  std::vector<std::pair<uint64_t, unsigned>> writes;
  void code_written(uint64_t pa, unsigned size) override { writes.push_back({pa, size}); }
};

struct Rig {
  mem::PhysMap map;
  F fw{map};
  Rig() {
    REQUIRE(map.add_ram("ram", 0, kRam));
    REQUIRE(map.add_rom("rom", 0xfff00000, std::vector<uint8_t>(4096, 0).data(), 4096));
  }
  void select(uint16_t key) { fw.write(F::kSelector, 2, key); }
  std::vector<uint8_t> pio(size_t n) {
    std::vector<uint8_t> out;
    for (size_t i = 0; i < n; i++) out.push_back(uint8_t(fw.read(F::kData, 1)));
    return out;
  }
  // Writes a FWCfgDmaAccess at `desc` and starts it through the two address halves.
  void dma(uint32_t control, uint32_t length, uint64_t addr, uint64_t desc = kDesc) {
    uint8_t d[16];
    for (int i = 0; i < 4; i++) d[i] = uint8_t(control >> (24 - 8 * i));
    for (int i = 0; i < 4; i++) d[4 + i] = uint8_t(length >> (24 - 8 * i));
    for (int i = 0; i < 8; i++) d[8 + i] = uint8_t(addr >> (56 - 8 * i));
    map.write(desc, d, sizeof d);  // fails, as intended, for a descriptor outside RAM
    fw.write(F::kDmaHigh, 4, __builtin_bswap32(uint32_t(desc >> 32)));
    fw.write(F::kDmaLow, 4, __builtin_bswap32(uint32_t(desc)));
  }
  uint32_t control(uint64_t desc = kDesc) {
    uint8_t b[4];
    REQUIRE(map.read(desc, b, 4));
    return uint32_t(b[0]) << 24 | uint32_t(b[1]) << 16 | uint32_t(b[2]) << 8 | b[3];
  }
  std::vector<uint8_t> ram(uint64_t pa, size_t n) {
    std::vector<uint8_t> out(n);
    REQUIRE(map.read(pa, out.data(), n));
    return out;
  }
};

std::vector<uint8_t> bytes(const std::string& s) { return {s.begin(), s.end()}; }

}  // namespace

TEST_CASE("fw_cfg: 16-bit selector, byte data port, 32-bit DMA halves", "[fw_cfg][pc]") {
  Rig r;
  CHECK(test::accepted_sizes(r.fw, F::kSelector) == test::Sizes{2});
  CHECK(test::accepted_sizes(r.fw, F::kData) == test::Sizes{1});
  CHECK(test::accepted_sizes(r.fw, 2).empty());
  CHECK(test::accepted_sizes(r.fw, 3).empty());
  CHECK(test::accepted_sizes(r.fw, F::kDmaHigh) == test::Sizes{1, 2, 4});
  CHECK(test::accepted_sizes(r.fw, F::kDmaLow) == test::Sizes{1, 2, 4});
}

TEST_CASE("fw_cfg: signature, ID, zeros past the end and for unknown keys", "[fw_cfg][pc]") {
  Rig r;
  r.select(F::kSignature);
  CHECK(r.pio(6) == std::vector<uint8_t>{'Q', 'E', 'M', 'U', 0, 0});
  r.select(F::kId);
  CHECK(r.pio(4) == std::vector<uint8_t>{3, 0, 0, 0});  // traditional interface and DMA
  r.select(F::kSignature | F::kWriteChannel);           // the old write channel bit is ignored
  CHECK(r.pio(2) == std::vector<uint8_t>{'Q', 'E'});
  r.select(F::kSignature);                              // selecting rewinds
  CHECK(r.pio(1) == std::vector<uint8_t>{'Q'});
  r.fw.write(F::kData, 1, 0x55);  // data port writes are ignored
  r.select(F::kSignature);
  CHECK(r.pio(1) == std::vector<uint8_t>{'Q'});
  r.select(0x1234);
  CHECK(r.pio(2) == std::vector<uint8_t>{0, 0});
  r.fw.add_u64(F::kRamSize, 0x123456789ull);
  r.select(F::kRamSize);
  CHECK(r.pio(8) == std::vector<uint8_t>{0x89, 0x67, 0x45, 0x23, 0x01, 0, 0, 0});
  r.fw.add_u32(0x8002, 7);  // an architecture-local key
  r.select(0x8002);
  CHECK(r.pio(1) == std::vector<uint8_t>{7});
  r.fw.reset();
  CHECK(r.pio(1) == std::vector<uint8_t>{'Q'});
}

TEST_CASE("fw_cfg: the DMA register reads \"QEMU CFG\"", "[fw_cfg][pc]") {
  Rig r;
  std::string sig;
  for (uint64_t i = 0; i < 8; i++) sig += char(r.fw.read(F::kDmaHigh + i, 1));
  CHECK(sig == "QEMU CFG");
  CHECK(r.fw.read(F::kDmaHigh, 4) == 0x554d4551u);  // 'Q' at the lowest port
  CHECK(r.fw.read(F::kDmaLow, 4) == 0x47464320u);
}

TEST_CASE("fw_cfg: the file directory, sorted by name, keys from 0x20", "[fw_cfg][pc]") {
  Rig r;
  REQUIRE(r.fw.add_file("zeta", bytes("last")));
  REQUIRE(r.fw.add_file("etc/e820", std::vector<uint8_t>(40, 1)));
  REQUIRE(r.fw.add_file("bootorder", {}));
  CHECK(r.fw.file_key("bootorder") == 0x20);
  CHECK(r.fw.file_key("etc/e820") == 0x21);
  CHECK(r.fw.file_key("zeta") == 0x22);
  CHECK(r.fw.file_key("nope") == 0);
  r.select(F::kFileDir);
  std::vector<uint8_t> dir = r.pio(4 + 3 * 64);
  CHECK(dir[0] == 0);
  CHECK(dir[3] == 3);  // big-endian count
  auto entry = [&](int i) { return dir.data() + 4 + 64 * i; };
  CHECK(std::string(reinterpret_cast<const char*>(entry(1) + 8)) == "etc/e820");
  CHECK(entry(1)[3] == 40);  // big-endian size
  CHECK((entry(1)[4] << 8 | entry(1)[5]) == 0x21);
  CHECK(std::string(reinterpret_cast<const char*>(entry(2) + 8)) == "zeta");
  r.select(0x22);
  CHECK(r.pio(5) == std::vector<uint8_t>{'l', 'a', 's', 't', 0});
  CHECK_FALSE(r.fw.add_file("zeta", {}));
  CHECK_FALSE(r.fw.add_file("", {}));
  CHECK_FALSE(r.fw.add_file(std::string(56, 'x'), {}));
  CHECK(r.fw.add_file(std::string(55, 'x'), {}));
}

TEST_CASE("fw_cfg: DMA select + read, zeros past the end, skip, shared offset", "[fw_cfg][pc]") {
  Rig r;
  REQUIRE(r.fw.add_file("etc/test", bytes("0123456789")));
  const uint32_t key = r.fw.file_key("etc/test");
  std::vector<uint8_t> junk(16, 0xaa);
  r.map.write(kBuf, junk.data(), junk.size());
  r.dma(key << 16 | F::kDmaSelect | F::kDmaRead, 4, kBuf);
  CHECK(r.control() == 0);
  CHECK(r.ram(kBuf, 5) == std::vector<uint8_t>{'0', '1', '2', '3', 0xaa});
  CHECK(r.pio(1) == std::vector<uint8_t>{'4'});  // the data port goes on from there
  r.dma(F::kDmaSkip, 2, 0);
  CHECK(r.control() == 0);
  r.dma(F::kDmaRead, 8, kBuf);  // 7, 8, 9, then zeros
  CHECK(r.control() == 0);
  CHECK(r.ram(kBuf, 9) == std::vector<uint8_t>{'7', '8', '9', 0, 0, 0, 0, 0, 0xaa});
  // No operation bit: only the select happens.
  r.dma(F::kSignature << 16 | F::kDmaSelect, 100, kBuf);
  CHECK(r.control() == 0);
  CHECK(r.pio(1) == std::vector<uint8_t>{'Q'});
  // A large read past the end fills guest RAM with zeros, and stops at RAM's end with an error.
  r.dma(F::kSignature << 16 | F::kDmaSelect | F::kDmaRead, 20000, kBuf);
  CHECK(r.control() == 0);
  CHECK(r.ram(kBuf + 19990, 10) == std::vector<uint8_t>(10, 0));
  r.dma(F::kSignature << 16 | F::kDmaSelect | F::kDmaRead, 0x10000, kRam - 0x8000);
  CHECK(r.control() == F::kDmaError);
}

TEST_CASE("fw_cfg: DMA errors for memory that is not RAM and read-only items", "[fw_cfg][pc]") {
  Rig r;
  REQUIRE(r.fw.add_file("etc/ro", bytes("abcd")));
  REQUIRE(r.fw.add_file("etc/rw", bytes("wxyz"), true));
  const uint32_t ro = r.fw.file_key("etc/ro"), rw = r.fw.file_key("etc/rw");
  // Into ROM, a hole, past the end of RAM: an error bit, nothing else.
  for (uint64_t dest : {uint64_t(0xfff00000), uint64_t(0x80000000), kRam - 2, ~uint64_t(0) - 1}) {
    r.dma(ro << 16 | F::kDmaSelect | F::kDmaRead, 4, dest);
    CHECK(r.control() == F::kDmaError);
  }
  // A descriptor outside RAM has nowhere to report: nothing happens.
  r.dma(ro << 16 | F::kDmaSelect | F::kDmaRead, 4, kBuf, 0xfff00000);
  r.dma(ro << 16 | F::kDmaSelect | F::kDmaRead, 4, kBuf, ~0ull - 7);
  // Writes: refused for a read-only item, past a writable one's end, or from outside RAM.
  const std::vector<uint8_t> src = bytes("PQRS");
  r.map.write(kBuf, src.data(), src.size());
  r.dma(ro << 16 | F::kDmaSelect | F::kDmaWrite, 4, kBuf);
  CHECK(r.control() == F::kDmaError);
  CHECK(*r.fw.file("etc/ro") == bytes("abcd"));
  r.dma(rw << 16 | F::kDmaSelect | F::kDmaWrite, 5, kBuf);
  CHECK(r.control() == F::kDmaError);
  r.dma(rw << 16 | F::kDmaSelect | F::kDmaWrite, 2, 0xfff00000);
  CHECK(r.control() == F::kDmaError);
  r.dma(rw << 16 | F::kDmaSelect | F::kDmaSkip, 1, 0);
  r.dma(F::kDmaWrite, 3, kBuf);
  CHECK(r.control() == 0);
  CHECK(*r.fw.file("etc/rw") == bytes("wPQR"));
  // An unknown key reads as zeros and refuses writes.
  r.dma(0x1234u << 16 | F::kDmaSelect | F::kDmaRead, 2, kBuf);
  CHECK(r.control() == 0);
  CHECK(r.ram(kBuf, 3) == std::vector<uint8_t>{0, 0, 'R'});
  r.dma(0x1234u << 16 | F::kDmaSelect | F::kDmaWrite, 2, kBuf);
  CHECK(r.control() == F::kDmaError);
}

TEST_CASE("fw_cfg: the high address half counts once; DMA into code is reported", "[fw_cfg][pc]") {
  Rig r;
  Watcher w;
  r.fw.set_code_watcher(&w);
  r.map.set_code_page(kBuf, true);
  r.dma(F::kSignature << 16 | F::kDmaSelect | F::kDmaRead, 4, kBuf + 8);
  CHECK(r.control() == 0);
  CHECK(r.ram(kBuf + 8, 4) == bytes("QEMU"));
  REQUIRE(w.writes.size() == 1);
  CHECK(w.writes[0] == std::pair<uint64_t, unsigned>{kBuf + 8, 4});
  // A high half written once does not stick to the next transfer, which writes only the low one.
  r.fw.write(F::kDmaHigh, 4, __builtin_bswap32(1));
  r.fw.write(F::kDmaLow, 4, __builtin_bswap32(uint32_t(kDesc)));  // at 4 GiB + kDesc: no RAM, ignored
  uint8_t d[16] = {0, 0, 0, F::kDmaRead, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0x30, 0};
  r.map.write(kDesc, d, sizeof d);
  r.fw.write(F::kDmaLow, 4, __builtin_bswap32(uint32_t(kDesc)));
  CHECK(r.control() == 0);
}

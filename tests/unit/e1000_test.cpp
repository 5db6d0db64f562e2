// The 82540EM (devices/pci/e1000.h) on a bus with RAM, through BAR 0 and
// the I/O window: the EEPROM (contents, checksum, EERD and bit-banged
// Microwire), the PHY through MDIC, ICR/ICS/IMS/IMC and INTA#, CTRL.RST, and
// the transmit ring: frames gathered from RAM, DD written back, TXDW, and
// descriptors or buffers outside RAM.
#include <catch2/catch.hpp>

#include <cstring>
#include <vector>

#include "devices/pci/bus.h"
#include "devices/pci/e1000.h"
#include "mem/physmap.h"
#include "mem/port_space.h"

using namespace kiln;
namespace pci = devices::pci;
using pci::E1000;

namespace {

constexpr uint32_t kBar0 = 0xfeb80000, kBar1 = 0xc040, kRing = 0x10000;
constexpr uint8_t kSlot = pci::devfn(3, 0);

struct Router final : pci::IntxRouter {
  bool level = false;
  unsigned pin = 9;
  void set_intx(uint8_t, unsigned p, bool l) override {
    pin = p;
    level = l;
  }
};

struct Rig {
  mem::PhysMap memory;
  mem::PortSpace io;
  pci::Bus bus{{&memory, &io, [](uint64_t, uint64_t) {}}};
  Router router;
  std::vector<std::vector<uint8_t>> sent;
  E1000 nic{{0x52, 0x54, 0x00, 0xab, 0xcd, 0xef}, {}, [this](const std::vector<uint8_t>& f) { sent.push_back(f); }};
  Rig() {
    REQUIRE(memory.add_ram("ram", 0, 1 << 20));
    bus.set_router(&router);
    REQUIRE(bus.add(&nic, kSlot));
    nic.config_write(0x10, 4, kBar0);
    nic.config_write(0x14, 4, kBar1);
    nic.config_write(0x04, 2, 0x0007);  // I/O, memory, bus master
  }
  uint32_t rd(uint32_t r) { return uint32_t(memory.find(kBar0)->device->read(r, 4)); }
  void wr(uint32_t r, uint32_t v) { memory.find(kBar0)->device->write(r, 4, v); }
  // A legacy transmit descriptor `i` of the ring at kRing.
  void desc(unsigned i, uint64_t buffer, uint16_t length, uint8_t command) {
    uint8_t d[16] = {};
    std::memcpy(d, &buffer, 8);
    std::memcpy(d + 8, &length, 2);
    d[11] = command;
    REQUIRE(memory.write(kRing + 16 * i, d, sizeof d));
  }
  uint8_t desc_status(unsigned i) {
    uint8_t s = 0;
    REQUIRE(memory.read(kRing + 16 * i + 12, &s, 1));
    return s;
  }
  void start_ring(unsigned descriptors) {
    wr(E1000::kTdbal, kRing);
    wr(E1000::kTdbah, 0);
    wr(E1000::kTdlen, descriptors * 16);
    wr(E1000::kTdh, 0);
    wr(E1000::kTdt, 0);
    wr(E1000::kTctl, 0x2);  // EN
  }
  // Microwire READs of `n` words from `word` on, bit by bit through EECD in
  // the order Linux's e1000 uses (acquire, per word the command, 16 bits in
  // and a standby, release), always writing back what EECD read.
  std::vector<uint16_t> microwire_read(unsigned word, unsigned n) {
    uint32_t e = rd(E1000::kEecd) | 0x40;  // REQ
    wr(E1000::kEecd, e);
    e = rd(E1000::kEecd);
    REQUIRE((e & 0x80) != 0);  // GNT
    e &= ~5u;                  // DI, SK low
    wr(E1000::kEecd, e);
    e |= 2;                    // CS
    wr(E1000::kEecd, e);
    auto raise = [&] { wr(E1000::kEecd, e |= 1); };
    auto lower = [&] { wr(E1000::kEecd, e &= ~1u); };
    auto shift_out = [&](uint32_t data, unsigned bits) {
      e = rd(E1000::kEecd) & ~8u;
      for (uint32_t mask = 1u << (bits - 1); mask; mask >>= 1) {
        e = (data & mask) ? e | 4 : e & ~4u;
        wr(E1000::kEecd, e);
        raise();
        lower();
      }
      wr(E1000::kEecd, e &= ~4u);
    };
    std::vector<uint16_t> out;
    for (unsigned i = 0; i < n; i++) {
      shift_out(0b110, 3);
      shift_out(word + i, 6);
      e = rd(E1000::kEecd) & ~0xcu;
      uint16_t v = 0;
      for (int b = 0; b < 16; b++) {
        raise();
        e = rd(E1000::kEecd) & ~4u;
        v = uint16_t(v << 1 | ((e >> 3) & 1));
        lower();
      }
      out.push_back(v);
      wr(E1000::kEecd, e &= ~3u);  // standby: CS and SK low, SK high, CS high, SK low
      wr(E1000::kEecd, e |= 1);
      wr(E1000::kEecd, e |= 2);
      wr(E1000::kEecd, e &= ~1u);
    }
    wr(E1000::kEecd, e &= ~6u);  // release: CS and DI low, a clock, REQ off
    wr(E1000::kEecd, e |= 1);
    wr(E1000::kEecd, e &= ~1u);
    wr(E1000::kEecd, e &= ~0x40u);
    return out;
  }
};

}  // namespace

TEST_CASE("e1000: PCI header", "[pci][e1000]") {
  Rig r;
  CHECK(r.nic.config_read(0x00, 4) == 0x100e8086);
  CHECK(r.nic.config_read(0x08, 4) >> 8 == 0x020000);
  CHECK(r.nic.config_read(0x3d, 1) == 1);
  r.nic.config_write(0x10, 4, 0xffffffff);
  CHECK(r.nic.config_read(0x10, 4) == 0xfffe0000);  // 128 KiB of memory
  r.nic.config_write(0x14, 4, 0xffffffff);
  CHECK(r.nic.config_read(0x14, 4) == 0xffffffc1);  // 64 I/O ports
}

TEST_CASE("e1000: EEPROM words, checksum, EERD and Microwire", "[pci][e1000]") {
  Rig r;
  CHECK(r.nic.eeprom_word(0) == 0x5452);
  CHECK(r.nic.eeprom_word(1) == 0xab00);
  CHECK(r.nic.eeprom_word(2) == 0xefcd);
  CHECK(r.nic.eeprom_word(0x0d) == 0x100e);
  CHECK(r.nic.eeprom_word(0x0e) == 0x8086);
  uint16_t sum = 0;
  for (unsigned i = 0; i < E1000::kEepromWords; i++) sum = uint16_t(sum + r.nic.eeprom_word(i));
  CHECK(sum == 0xbaba);

  r.wr(E1000::kEerd, 2 << 8 | 1);
  CHECK(r.rd(E1000::kEerd) == (0xefcdu << 16 | 2 << 8 | 0x10));
  CHECK((r.rd(E1000::kEecd) & 0x100) != 0);  // EEPROM present
  std::vector<uint16_t> all(E1000::kEepromWords);
  for (unsigned i = 0; i < all.size(); i++) all[i] = r.nic.eeprom_word(i);
  CHECK(r.microwire_read(0, E1000::kEepromWords) == all);
  for (unsigned w : {2u, 0x3fu}) CHECK(r.microwire_read(w, 1)[0] == r.nic.eeprom_word(w));
  // The MAC is in receive address 0, valid, from the start.
  CHECK(r.rd(E1000::kRal0) == 0xab005452);
  CHECK(r.rd(E1000::kRah0) == (0x8000efcdu));
}

TEST_CASE("e1000: PHY through MDIC", "[pci][e1000]") {
  Rig r;
  auto mdic = [&](unsigned op, unsigned phy, unsigned reg, uint16_t data = 0) {
    r.wr(E1000::kMdic, op << 26 | phy << 21 | reg << 16 | data);
    return r.rd(E1000::kMdic);
  };
  uint32_t v = mdic(2, 1, 2);
  CHECK((v & 0x10000000) != 0);  // ready
  CHECK((v & 0xffff) == 0x0141);
  CHECK((mdic(2, 1, 3) & 0xffff) == 0x0c20);
  CHECK((mdic(2, 1, 1) & 0x0024) == 0x0024);  // link up, autonegotiation complete
  CHECK((mdic(2, 2, 1) & 0x40000000) != 0);  // no PHY at address 2
  mdic(1, 1, 0, 0x9340);                      // reset and restart autonegotiation
  CHECK((mdic(2, 1, 0) & 0xffff) == 0x1140);  // both self-clearing
  mdic(1, 1, 2, 0x1234);                      // the ID is read-only
  CHECK((mdic(2, 1, 2) & 0xffff) == 0x0141);
  CHECK((r.rd(E1000::kStatus) & 0xc3) == 0x83);  // link up, full duplex, 1000 Mb/s
}

TEST_CASE("e1000: ICR, ICS, IMS, IMC and INTA#", "[pci][e1000]") {
  Rig r;
  r.wr(E1000::kIcs, E1000::kLsc);
  CHECK_FALSE(r.router.level);  // masked
  r.wr(E1000::kIms, E1000::kLsc | E1000::kTxdw);
  CHECK(r.router.level);
  CHECK(r.router.pin == 0);
  CHECK(r.rd(E1000::kIms) == (E1000::kLsc | E1000::kTxdw));
  CHECK(r.rd(E1000::kIcr) == E1000::kLsc);  // read clears
  CHECK_FALSE(r.router.level);
  CHECK(r.rd(E1000::kIcr) == 0);
  r.wr(E1000::kIcs, E1000::kTxdw);
  CHECK(r.router.level);
  r.wr(E1000::kImc, E1000::kTxdw);
  CHECK_FALSE(r.router.level);
  CHECK(r.rd(E1000::kIms) == E1000::kLsc);
  // CTRL.RST clears the causes and mask, and itself.
  r.wr(E1000::kIms, E1000::kTxdw);
  CHECK(r.router.level);
  r.wr(E1000::kCtrl, 1u << 26);
  CHECK_FALSE(r.router.level);
  CHECK((r.rd(E1000::kCtrl) & (1u << 26)) == 0);
  CHECK(r.rd(E1000::kIcr) == 0);
  // The same registers through the I/O window.
  r.io.write(kBar1, 4, E1000::kIms);
  r.io.write(kBar1 + 4, 4, E1000::kMdac);
  CHECK(r.rd(E1000::kIms) == E1000::kMdac);
  r.io.write(kBar1, 4, E1000::kStatus);
  CHECK((r.io.read(kBar1 + 4, 4) & 0x3) == 0x3);
}

TEST_CASE("e1000: statistics read 0", "[pci][e1000]") {
  Rig r;
  r.wr(0x4074, 5);  // GPTC: read-only
  CHECK(r.rd(0x4074) == 0);
}

TEST_CASE("e1000: transmit ring", "[pci][e1000][dma]") {
  Rig r;
  std::vector<uint8_t> a(60), b(40);
  for (size_t i = 0; i < a.size(); i++) a[i] = uint8_t(i);
  for (size_t i = 0; i < b.size(); i++) b[i] = uint8_t(0x80 + i);
  REQUIRE(r.memory.write(0x20000, a.data(), a.size()));
  REQUIRE(r.memory.write(0x30000, b.data(), b.size()));
  r.start_ring(8);
  r.wr(E1000::kIms, E1000::kTxdw);

  SECTION("a frame in two buffers, then one in one") {
    r.desc(0, 0x20000, 60, 0x00);         // no EOP: the frame goes on
    r.desc(1, 0x30000, 40, 0x01 | 0x08);  // EOP, RS
    r.desc(2, 0x30000, 40, 0x01 | 0x08);
    r.wr(E1000::kTdt, 3);
    REQUIRE(r.sent.size() == 2);
    std::vector<uint8_t> ab = a;
    ab.insert(ab.end(), b.begin(), b.end());
    CHECK(r.sent[0] == ab);
    CHECK(r.sent[1] == b);
    CHECK(r.desc_status(0) == 0);  // no RS: not written back
    CHECK(r.desc_status(1) == 1);  // DD
    CHECK(r.desc_status(2) == 1);
    CHECK(r.rd(E1000::kTdh) == 3);
    CHECK(r.router.level);
    CHECK(r.rd(E1000::kIcr) == (E1000::kTxdw | E1000::kTxqe));
    // The ring wraps.
    for (unsigned i = 3; i < 8; i++) r.desc(i, 0x30000, 40, 0x09);
    r.desc(0, 0x20000, 60, 0x09);
    r.wr(E1000::kTdt, 1);
    CHECK(r.sent.size() == 8);
    CHECK(r.rd(E1000::kTdh) == 1);
  }
  SECTION("nothing moves without bus mastering or TCTL.EN") {
    r.desc(0, 0x20000, 60, 0x09);
    r.nic.config_write(0x04, 2, 0x0003);
    r.wr(E1000::kTdt, 1);
    CHECK(r.sent.empty());
    CHECK(r.rd(E1000::kTdh) == 0);
    r.nic.config_write(0x04, 2, 0x0007);
    r.wr(E1000::kTctl, 0);
    r.wr(E1000::kTdt, 1);
    CHECK(r.sent.empty());
    r.wr(E1000::kTctl, 2);  // enabling runs what is pending
    CHECK(r.sent.size() == 1);
  }
  SECTION("a buffer outside RAM drops its frame, the descriptor completes") {
    r.desc(0, 0xfee00000, 60, 0x09);
    r.desc(1, 0x20000, 60, 0x09);
    r.wr(E1000::kTdt, 2);
    REQUIRE(r.sent.size() == 1);
    CHECK(r.sent[0] == a);
    CHECK(r.desc_status(0) == 1);
    CHECK(r.rd(E1000::kTdh) == 2);
  }
  SECTION("a ring outside RAM stops the walk") {
    r.wr(E1000::kTdbal, 0xfff00000);
    r.wr(E1000::kTdt, 2);
    CHECK(r.sent.empty());
    CHECK(r.rd(E1000::kTdh) == 0);
    CHECK_FALSE(r.router.level);
  }
  SECTION("a tail past the ring is ignored") {
    r.wr(E1000::kTdt, 9);
    CHECK(r.sent.empty());
    CHECK(r.rd(E1000::kTdh) == 0);
  }
}

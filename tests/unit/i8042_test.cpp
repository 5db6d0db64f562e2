// The 8042 keyboard controller and its PS/2 keyboard (devices/pc/i8042.h,
// ps2_keyboard.h) at register level, and the small system ports of -M pc:
// port 0x92 (fast A20, reset), reset control at 0xCF9 and the POST port.
#include <catch2/catch.hpp>

#include <vector>

#include "devices/pc/i8042.h"
#include "devices/pc/port92.h"
#include "devices/pc/post_port.h"
#include "devices/pc/reset_control.h"
#include "tests/unit/device_test_util.h"

using namespace kiln;
using K = devices::I8042;

namespace {

struct Rig {
  test::RecordingIrq irq1, irq12;
  int resets = 0, a20_changes = 0;
  K kbc{irq1, irq12, K::Hooks{[this] { a20_changes++; }, [this] { resets++; }}};

  uint8_t status() { return uint8_t(kbc.command_port().read(0, 1)); }
  void command(uint8_t c) { kbc.command_port().write(0, 1, c); }
  void data(uint8_t v) { kbc.data_port().write(0, 1, v); }
  // Every byte the output buffer holds, in order, as a driver polling status bit 0 reads them.
  std::vector<uint8_t> drain() {
    std::vector<uint8_t> out;
    while (status() & K::kStatOutputFull) out.push_back(uint8_t(kbc.data_port().read(0, 1)));
    return out;
  }
  using Bytes = std::vector<uint8_t>;
};

}  // namespace

TEST_CASE("i8042: byte ports whose writes run alone; power-on status", "[i8042][pc]") {
  Rig r;
  CHECK(test::accepted_sizes(r.kbc.data_port(), 0) == test::Sizes{1});
  CHECK(r.kbc.command_port().rules(0).write_may_stop);
  CHECK(r.kbc.data_port().rules(0).write_may_stop);
  CHECK(r.status() == (K::kStatCommand | K::kStatUnlocked));
  CHECK(r.kbc.a20());
  CHECK(r.kbc.command_byte() == (K::kModeKbdInt | K::kModeAuxInt));
}

TEST_CASE("i8042: self-test, interface tests, command byte", "[i8042][pc]") {
  Rig r;
  r.command(0xaa);
  CHECK((r.status() & K::kStatSystem) != 0);
  CHECK(r.irq1.level);  // a controller reply raises IRQ1 like a key would
  CHECK(r.drain() == Rig::Bytes{0x55});
  CHECK_FALSE(r.irq1.level);
  r.command(0xab);
  CHECK(r.drain() == Rig::Bytes{0x00});
  r.command(0xa9);
  CHECK(r.drain() == Rig::Bytes{0x00});
  r.command(0x20);
  CHECK(r.drain() == Rig::Bytes{0x03});
  r.command(0x60);
  r.data(0x65);  // translate, aux disabled, system flag, keyboard interrupt
  CHECK((r.status() & K::kStatCommand) == 0);
  r.command(0x20);
  CHECK(r.drain() == Rig::Bytes{0x65});
  // Without the keyboard interrupt enabled, a reply leaves IRQ1 low.
  r.command(0x60);
  r.data(0x44);
  r.command(0x20);
  CHECK((r.status() & K::kStatOutputFull) != 0);
  CHECK_FALSE(r.irq1.level);
  CHECK(r.drain() == Rig::Bytes{0x44});
  r.command(0xa8);
  r.command(0xae);
  r.command(0x20);
  CHECK(r.drain() == Rig::Bytes{0x44});
  r.command(0xa7);
  r.command(0xad);
  r.command(0x20);
  CHECK(r.drain() == Rig::Bytes{0x74});
}

TEST_CASE("i8042: output port, A20 and the CPU reset line", "[i8042][pc]") {
  Rig r;
  r.command(0xd0);
  CHECK(r.drain() == Rig::Bytes{0xcf});
  r.command(0xd1);
  r.data(0xcd);  // A20 off, reset line high
  CHECK_FALSE(r.kbc.a20());
  CHECK(r.a20_changes == 1);
  CHECK(r.resets == 0);
  r.command(0xdf);
  CHECK(r.kbc.a20());
  r.command(0xdd);
  CHECK_FALSE(r.kbc.a20());
  CHECK(r.a20_changes == 3);
  r.command(0xd2);  // the output port shows which buffer is full
  r.data(0x12);
  r.command(0xd0);
  CHECK(r.drain() == Rig::Bytes{0x12, 0xdd});
  r.command(0xfe);
  CHECK(r.resets == 1);
  r.command(0xff);  // pulses nothing
  r.command(0xf1);
  CHECK(r.resets == 1);
  r.command(0xf0);
  CHECK(r.resets == 2);
  r.command(0xd1);
  r.data(0x02);  // reset line low
  CHECK(r.resets == 3);
  r.kbc.reset();
  CHECK(r.kbc.a20());
  CHECK(r.status() == (K::kStatCommand | K::kStatUnlocked));
}

TEST_CASE("i8042: bytes as the keyboard's or the aux port's", "[i8042][pc]") {
  Rig r;
  r.command(0xd3);
  r.data(0x5a);
  CHECK((r.status() & K::kStatAuxData) != 0);
  CHECK(r.irq12.level);
  CHECK_FALSE(r.irq1.level);
  CHECK(r.drain() == Rig::Bytes{0x5a});
  CHECK_FALSE(r.irq12.level);
  r.command(0xd4);
  r.data(0xf4);  // to the aux device: there is none
  CHECK(r.drain().empty());
}

TEST_CASE("i8042: keyboard commands", "[i8042][pc][ps2]") {
  Rig r;
  r.data(0xff);
  CHECK(r.drain() == Rig::Bytes{0xfa, 0xaa});
  r.data(0xed);
  CHECK(r.drain() == Rig::Bytes{0xfa});
  r.data(0x07);
  CHECK(r.drain() == Rig::Bytes{0xfa});
  CHECK(r.kbc.keyboard().leds() == 7);
  r.data(0xee);
  CHECK(r.drain() == Rig::Bytes{0xee});
  r.data(0xf2);
  CHECK(r.drain() == Rig::Bytes{0xfa, 0xab, 0x83});
  r.data(0xf0);
  r.data(0x00);
  CHECK(r.drain() == Rig::Bytes{0xfa, 0xfa, 0x02});
  r.data(0xf0);
  r.data(0x03);
  CHECK(r.drain() == Rig::Bytes{0xfa, 0xfa});
  CHECK(r.kbc.keyboard().scan_code_set() == 3);
  r.data(0xf0);
  r.data(0x09);
  CHECK(r.drain() == Rig::Bytes{0xfa, 0xfe});
  r.data(0xf5);
  CHECK(r.drain() == Rig::Bytes{0xfa});
  CHECK_FALSE(r.kbc.keyboard().scanning());
  r.data(0xf4);
  CHECK(r.drain() == Rig::Bytes{0xfa});
  CHECK(r.kbc.keyboard().scanning());
  r.data(0xf3);
  r.data(0x20);
  CHECK(r.drain() == Rig::Bytes{0xfa, 0xfa});
  r.data(0x42);  // not a command
  CHECK(r.drain() == Rig::Bytes{0xfe});
  // With translation on, the ID and the set number read as an 8042 translates them.
  r.command(0x60);
  r.data(0x61);
  r.data(0xf2);
  CHECK(r.drain() == Rig::Bytes{0xfa, 0xab, 0x41});
  r.data(0xf0);
  r.data(0x00);
  CHECK(r.drain() == Rig::Bytes{0xfa, 0xfa, 0x41});  // set 2 (0xF5 restored the default)
  r.data(0xf0);
  r.data(0x01);
  r.data(0xf0);
  r.data(0x00);
  CHECK(r.drain() == Rig::Bytes{0xfa, 0xfa, 0xfa, 0xfa, 0x43});
}

TEST_CASE("i8042: a disabled keyboard's bytes wait; a write to it re-enables it", "[i8042][pc][ps2]") {
  Rig r;
  const uint8_t make_a[] = {0x1c};
  r.command(0xad);
  r.kbc.keyboard().key_bytes(make_a, 1);
  CHECK(r.drain().empty());
  r.command(0xaa);  // controller replies still come
  CHECK(r.drain() == Rig::Bytes{0x55});
  r.command(0xae);
  CHECK(r.irq1.level);
  CHECK(r.drain() == Rig::Bytes{0x1c});
  r.command(0xad);
  r.data(0xee);
  CHECK(r.drain() == Rig::Bytes{0xee});
  CHECK((r.kbc.command_byte() & K::kModeDisableKbd) == 0);
  r.data(0xf5);  // scanning off: keys are dropped
  r.drain();
  r.kbc.keyboard().key_bytes(make_a, 1);
  CHECK(r.drain().empty());
  // The keyboard's own buffer holds 16 bytes.
  r.data(0xf4);
  r.drain();
  std::vector<uint8_t> many(20, 0x1c);
  r.kbc.keyboard().key_bytes(many.data(), many.size());
  CHECK(r.drain().size() == devices::Ps2Keyboard::kQueueBytes);
}

TEST_CASE("port 0x92: A20 bit and a reset on bit 0's rising edge", "[pc]") {
  int resets = 0, changes = 0;
  devices::Port92 p([&] { changes++; }, [&] { resets++; });
  CHECK(p.rules(0).write_may_stop);
  CHECK(p.read(0, 1) == 0);
  p.write(0, 1, 0x02);
  CHECK(p.a20());
  CHECK(changes == 1);
  CHECK(p.read(0, 1) == 0x02);
  p.write(0, 1, 0x03);
  CHECK(resets == 1);
  p.write(0, 1, 0x03);  // no edge
  CHECK(resets == 1);
  CHECK(p.read(0, 1) == 0x03);
  p.reset();
  CHECK(p.read(0, 1) == 0x02);  // A20 outlives a reset
  p.write(0, 1, 0x01);
  CHECK(resets == 2);
  CHECK_FALSE(p.a20());
}

TEST_CASE("reset control 0xCF9: bit 2 resets, bit 1 reads back", "[pc]") {
  int resets = 0;
  devices::ResetControl rc([&] { resets++; });
  CHECK(rc.rules(0).write_may_stop);
  rc.write(0, 1, 0x02);
  CHECK(resets == 0);
  CHECK(rc.read(0, 1) == 0x02);
  rc.write(0, 1, 0x06);
  CHECK(resets == 1);
  rc.write(0, 1, 0x04);
  CHECK(resets == 2);
  rc.write(0, 1, 0xf9);  // only bit 1 is kept
  CHECK(rc.read(0, 1) == 0x00);
  rc.reset();
  CHECK(rc.read(0, 1) == 0);
}

TEST_CASE("POST port 0x80: writes dropped, reads 0xFF", "[pc]") {
  devices::PostPort p;
  p.write(0, 1, 0x42);
  CHECK(p.read(0, 1) == 0xff);
}

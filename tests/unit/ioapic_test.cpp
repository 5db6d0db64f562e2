// The IOAPIC of -M pc (devices/pc/ioapic.h) delivering to one local APIC:
// the register window, redirection of edge and level inputs, masking,
// polarity, and the remote IRR that the local APIC's EOI clears.
#include <catch2/catch.hpp>

#include "devices/pc/ioapic.h"
#include "devices/pc/lapic.h"
#include "tests/unit/device_test_util.h"

using namespace kiln;
using devices::IoApic;
using devices::LocalApic;

namespace {

struct Rig {
  test::FakeClock clock;
  test::RecordingIrq intr;
  devices::ApicBus bus;
  LocalApic apic{clock, intr, 0, true, &bus};
  IoApic io{bus};
  Rig() { apic.write(LocalApic::kSvr, 4, 0x1ff); }
  uint32_t reg(uint8_t index) {
    io.write(0, 4, index);
    return uint32_t(io.read(0x10, 4));
  }
  void set(uint8_t index, uint32_t v) {
    io.write(0, 4, index);
    io.write(0x10, 4, v);
  }
  void route(unsigned pin, uint32_t low, uint8_t dest = 0) {
    set(uint8_t(0x11 + 2 * pin), uint32_t(dest) << 24);
    set(uint8_t(0x10 + 2 * pin), low);
  }
  void eoi() { apic.write(LocalApic::kEoi, 4, 0); }
};

}  // namespace

TEST_CASE("ioapic registers: version, ID, masked entries at reset", "[ioapic]") {
  Rig r;
  CHECK(r.reg(1) == 0x00170020);
  r.set(0, 0x0a000000);
  CHECK(r.reg(0) == 0x0a000000);
  CHECK(r.reg(2) == 0x0a000000);
  for (unsigned n = 0; n < IoApic::kPins; n++) CHECK(r.reg(uint8_t(0x10 + 2 * n)) == IoApic::kMasked);
  CHECK(!r.io.may_interrupt());
  r.set(0x10, 0xffffffff);  // delivery status and remote IRR are read-only
  CHECK(r.reg(0x10) == 0x1afff);
  r.set(0x11, 0xffffffff);
  CHECK(r.reg(0x11) == 0xff000000);
  CHECK(r.io.read(0, 1) == 0x11);
}

TEST_CASE("ioapic edge input: a message per rising edge, none while masked", "[ioapic]") {
  Rig r;
  r.route(2, 0x30);  // fixed, physical, edge, active high, to APIC 0
  r.io.pin(2).set_level(true);
  CHECK(r.intr.level);
  CHECK(r.apic.acknowledge() == 0x30);
  r.eoi();
  r.io.pin(2).set_level(true);  // no new edge
  CHECK(!r.intr.level);
  r.io.pin(2).set_level(false);
  r.route(2, 0x10030);  // masked
  r.io.pin(2).set_level(true);
  CHECK(!r.intr.level);
  r.io.pin(2).set_level(false);
  r.route(2, 0x30, 1);  // to an APIC that is not there
  r.io.pin(2).set_level(true);
  CHECK(!r.intr.level);
  r.io.pin(2).set_level(false);
  r.route(2, 0x30 | 1u << 11, 1);  // logical destination 1 matches LDR bit 0
  r.apic.write(LocalApic::kLdr, 4, 0x01000000);
  r.io.pin(2).set_level(true);
  CHECK(r.apic.acknowledge() == 0x30);
}

TEST_CASE("ioapic level input: remote IRR until the EOI, then again while asserted", "[ioapic]") {
  Rig r;
  r.io.pin(9).set_level(true);  // high: deasserted
  r.route(9, 0x8000 | 0x2000 | 0x41);  // level, active low
  CHECK(!r.intr.level);
  r.io.pin(9).set_level(false);  // asserted
  CHECK(r.intr.level);
  CHECK(r.reg(0x10 + 18) & IoApic::kRemoteIrr);
  CHECK(r.apic.acknowledge() == 0x41);
  r.eoi();  // still asserted: sent again
  CHECK(r.intr.level);
  CHECK(r.apic.acknowledge() == 0x41);
  r.io.pin(9).set_level(true);
  r.eoi();
  CHECK(!(r.reg(0x10 + 18) & IoApic::kRemoteIrr));
  CHECK(!r.intr.level);
  SECTION("unmasking an asserted level input delivers it") {
    r.route(9, 0x10000 | 0x8000 | 0x41);
    r.io.pin(9).set_level(true);
    CHECK(!r.intr.level);
    r.route(9, 0x8000 | 0x41);
    CHECK(r.intr.level);
  }
}

TEST_CASE("ioapic ExtINT entry: the 8259A's vector through INTA", "[ioapic]") {
  Rig r;
  r.apic.set_extint_ack([] { return uint8_t(0x08); });
  r.route(0, 0x700);
  r.io.pin(0).set_level(true);
  CHECK(r.intr.level);
  CHECK(r.apic.acknowledge() == 0x08);
  CHECK(!r.intr.level);
}

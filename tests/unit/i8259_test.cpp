// The 8259A pair of -M pc (devices/pc/i8259.h), at the register level: the
// initialisation sequence, masks, priorities and rotation, EOIs, IRR/ISR
// reads, poll, auto-EOI, special mask and special fully nested mode, the
// cascade, edge versus level triggering through the ELCR, spurious IRQ7/15.
#include <catch2/catch.hpp>

#include "devices/pc/i8259.h"
#include "tests/unit/device_test_util.h"

using namespace kiln;

namespace {

struct Rig {
  test::RecordingIrq intr;
  devices::I8259Pair pic{intr};
  void master(unsigned port, uint8_t v) { pic.master().write(port, 1, v); }
  void slave(unsigned port, uint8_t v) { pic.slave().write(port, 1, v); }
  uint8_t master_in(unsigned port) { return uint8_t(pic.master().read(port, 1)); }
  uint8_t slave_in(unsigned port) { return uint8_t(pic.slave().read(port, 1)); }
  // What a PC BIOS does: vectors 0x08 and 0x70, cascade on IR2, 8086 mode, everything unmasked.
  void init(uint8_t master_icw4 = 0x01, uint8_t slave_icw4 = 0x01) {
    master(0, 0x11);
    master(1, 0x08);
    master(1, 0x04);
    master(1, master_icw4);
    slave(0, 0x11);
    slave(1, 0x70);
    slave(1, 0x02);
    slave(1, slave_icw4);
  }
  void raise(unsigned n) { pic.irq(n).set_level(true); }
  void lower(unsigned n) { pic.irq(n).set_level(false); }
  void pulse(unsigned n) {
    raise(n);
    lower(n);
  }
};

}  // namespace

TEST_CASE("i8259 ports take bytes only", "[i8259][rules]") {
  Rig r;
  CHECK(test::accepted_sizes(r.pic.master(), 0) == test::Sizes{1});
  CHECK(test::accepted_sizes(r.pic.elcr(), 1) == test::Sizes{1});
}

TEST_CASE("i8259 does not interrupt before its initialisation", "[i8259]") {
  Rig r;
  r.raise(0);
  CHECK_FALSE(r.intr.level);
  CHECK_FALSE(r.pic.may_interrupt());
  CHECK(r.master_in(1) == 0xff);  // masked until ICW1
  r.init();
  CHECK(r.master_in(1) == 0x00);   // ICW1 clears the mask
  CHECK_FALSE(r.intr.level);       // the edge came before: it must rise again
  CHECK(r.pic.may_interrupt());
  r.lower(0);
  r.raise(0);
  CHECK(r.intr.level);
  CHECK(r.pic.acknowledge() == 0x08);
}

TEST_CASE("i8259 edge-triggered request: latched until acknowledged, in service until EOI", "[i8259]") {
  Rig r;
  r.init();
  r.pulse(1);
  CHECK(r.intr.level);  // the pulse is latched
  CHECK(r.master_in(0) == 0x02);  // IRR (the default read)
  CHECK(r.pic.acknowledge() == 0x09);
  CHECK_FALSE(r.intr.level);
  CHECK(r.master_in(0) == 0x00);
  r.master(0, 0x0b);  // OCW3: read ISR
  CHECK(r.master_in(0) == 0x02);
  r.pulse(1);  // the same level again: held off by its own ISR bit
  CHECK_FALSE(r.intr.level);
  r.pulse(0);  // a higher priority nests
  CHECK(r.intr.level);
  CHECK(r.pic.acknowledge() == 0x08);
  CHECK(r.master_in(0) == 0x03);
  r.master(0, 0x20);  // non-specific EOI: the highest in service (IRQ0)
  CHECK(r.master_in(0) == 0x02);
  CHECK_FALSE(r.intr.level);  // IRQ1's second request still waits for its EOI
  r.master(0, 0x61);  // specific EOI for IRQ1
  CHECK(r.master_in(0) == 0x00);
  CHECK(r.intr.level);
  CHECK(r.pic.acknowledge() == 0x09);
}

TEST_CASE("i8259 mask: a masked request waits in IRR", "[i8259]") {
  Rig r;
  r.init();
  r.master(1, 0x01);
  r.pulse(0);
  CHECK_FALSE(r.intr.level);
  CHECK(r.master_in(0) == 0x01);
  r.master(1, 0x00);
  CHECK(r.intr.level);
  CHECK(r.pic.acknowledge() == 0x08);
  r.master(1, 0xff);
  CHECK_FALSE(r.pic.may_interrupt());
  r.master(1, 0xfb);  // only the cascade open, and the slave is open: may
  CHECK(r.pic.may_interrupt());
  r.slave(1, 0xff);
  CHECK_FALSE(r.pic.may_interrupt());
}

TEST_CASE("i8259 cascade: a slave request goes through IR2 and both chips need their EOI", "[i8259]") {
  Rig r;
  r.init();
  r.pulse(12);
  CHECK(r.intr.level);
  CHECK(r.pic.acknowledge() == 0x74);
  CHECK_FALSE(r.intr.level);
  r.master(0, 0x0b);
  r.slave(0, 0x0b);
  CHECK(r.master_in(0) == 0x04);
  CHECK(r.slave_in(0) == 0x10);
  r.pulse(8);  // higher priority on the slave, but the master's IR2 is in service
  CHECK_FALSE(r.intr.level);
  r.slave(0, 0x20);
  r.master(0, 0x20);
  CHECK(r.intr.level);
  CHECK(r.pic.acknowledge() == 0x70);
}

TEST_CASE("i8259 special fully nested mode lets a higher slave request through its own IR2", "[i8259]") {
  Rig r;
  r.init(0x11);  // master ICW4: SFNM
  r.pulse(12);
  CHECK(r.pic.acknowledge() == 0x74);
  r.pulse(13);  // lower than 12 on the slave: held off by the slave's own ISR
  CHECK_FALSE(r.intr.level);
  r.pulse(8);
  CHECK(r.intr.level);
  CHECK(r.pic.acknowledge() == 0x70);
  r.pulse(3);  // the master's lower lines stay held off by IR2 in service
  r.slave(0, 0x20);
  r.slave(0, 0x20);
  CHECK(r.intr.level);  // 13 again, through IR2
  CHECK(r.pic.acknowledge() == 0x75);
}

TEST_CASE("i8259 level triggering through the ELCR", "[i8259]") {
  Rig r;
  r.init();
  r.pic.elcr().write(1, 1, 0xff);
  CHECK(r.pic.elcr().read(1, 1) == 0xde);  // IRQ 8 and 13 cannot be level triggered
  r.pic.elcr().write(0, 1, 0xff);
  CHECK(r.pic.elcr().read(0, 1) == 0xf8);  // nor 0, 1, 2
  r.raise(10);
  CHECK(r.intr.level);
  CHECK(r.pic.acknowledge() == 0x72);
  r.slave(0, 0x20);
  r.master(0, 0x20);
  CHECK(r.intr.level);  // still high: requests again
  r.lower(10);
  CHECK_FALSE(r.intr.level);  // a level request goes with its line
  r.raise(5);
  r.lower(5);
  CHECK_FALSE(r.intr.level);
  r.pic.elcr().write(0, 1, 0x00);  // edge again
  r.pulse(5);
  CHECK(r.intr.level);
}

TEST_CASE("i8259 spurious interrupt: IR7's vector with nothing in service", "[i8259]") {
  Rig r;
  r.init();
  CHECK(r.pic.acknowledge() == 0x0f);
  r.master(0, 0x0b);
  CHECK(r.master_in(0) == 0x00);
  r.pic.elcr().write(1, 1, 0x04);  // IRQ10 level
  r.raise(10);
  r.slave(1, 0x04);  // masked on the slave after INTR rose: the request is gone at INTA
  CHECK_FALSE(r.intr.level);
  CHECK(r.pic.acknowledge() == 0x0f);  // the master has nothing either
}

TEST_CASE("i8259 auto-EOI, with rotation", "[i8259]") {
  Rig r;
  r.init(0x03);  // master AEOI
  r.pulse(3);
  CHECK(r.pic.acknowledge() == 0x0b);
  r.master(0, 0x0b);
  CHECK(r.master_in(0) == 0x00);  // nothing in service
  r.pulse(3);
  CHECK(r.intr.level);
  CHECK(r.pic.acknowledge() == 0x0b);
  r.master(0, 0x80);  // rotate in AEOI mode: the line served becomes the lowest
  r.pulse(3);
  CHECK(r.pic.acknowledge() == 0x0b);
  r.pulse(3);
  r.pulse(4);
  CHECK(r.pic.acknowledge() == 0x0c);  // 3 is now the lowest
  CHECK(r.pic.acknowledge() == 0x0b);
}

TEST_CASE("i8259 rotation and set priority", "[i8259]") {
  Rig r;
  r.init();
  r.master(0, 0xc4);  // set priority: IR4 lowest, so IR5 highest
  r.pulse(1);
  r.pulse(6);
  CHECK(r.pic.acknowledge() == 0x0e);
  r.master(0, 0xa0);  // rotate on non-specific EOI: IR6 lowest, IR7 highest
  CHECK(r.pic.acknowledge() == 0x09);
  r.master(0, 0xe1);  // rotate on specific EOI of IR1
  r.pulse(1);
  r.pulse(2 + 1);     // IR3
  CHECK(r.pic.acknowledge() == 0x0b);  // IR1 is the lowest now
}

TEST_CASE("i8259 special mask mode lets lower priorities in while one is in service", "[i8259]") {
  Rig r;
  r.init();
  r.pulse(1);
  CHECK(r.pic.acknowledge() == 0x09);
  r.pulse(5);
  CHECK_FALSE(r.intr.level);
  r.master(1, 0x02);  // mask IR1, then special mask mode
  r.master(0, 0x68);
  CHECK(r.intr.level);
  CHECK(r.pic.acknowledge() == 0x0d);
  r.master(0, 0x48);  // off again
  r.master(0, 0x0b);
  CHECK(r.master_in(0) == 0x22);
}

TEST_CASE("i8259 poll mode: the read acknowledges", "[i8259]") {
  Rig r;
  r.init();
  r.master(0, 0x0c);  // OCW3: poll
  CHECK(r.master_in(0) == 0x00);
  r.pulse(6);
  r.master(0, 0x0c);
  CHECK(r.master_in(0) == 0x86);
  CHECK_FALSE(r.intr.level);
  r.master(0, 0x0b);
  CHECK(r.master_in(0) == 0x40);  // in service, as after INTA
  CHECK(r.master_in(0) == 0x40);  // the poll was for one read only
}

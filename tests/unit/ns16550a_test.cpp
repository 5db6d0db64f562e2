// NS16550A (devices/uart/ns16550a.h) at the register level, with the 1-byte
// accesses Linux's 8250 driver and OpenSBI make: divisor latch, FIFO control,
// the receive FIFO and overrun, the interrupt identification priorities and
// the THRE interrupt's arm/acknowledge rules, and output flushing.
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "devices/uart/ns16550a.h"
#include "tests/unit/device_test_util.h"

using namespace kiln;

namespace {

enum : uint64_t { RBR = 0, THR = 0, DLL = 0, IER = 1, DLM = 1, IIR = 2, FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7 };

struct Rig {
  char* buf = nullptr;
  size_t len = 0;
  std::FILE* out = open_memstream(&buf, &len);  // len only moves when the stream is flushed
  test::RecordingIrq irq;
  devices::Ns16550a uart{irq, out};

  ~Rig() {
    std::fclose(out);
    std::free(buf);
  }
  uint8_t rd(uint64_t reg) { return uint8_t(uart.read(reg, 1)); }
  void wr(uint64_t reg, uint8_t v) { uart.write(reg, 1, v); }
  std::string flushed() const { return std::string(buf ? buf : "", len); }
};

}  // namespace

TEST_CASE("uart access rules: 1 to 8 bytes, aligned, no AMOs", "[uart][rules]") {
  Rig r;
  CHECK(test::accepted_sizes(r.uart, 0) == test::Sizes{1, 2, 4, 8});
  CHECK(test::accepted_sizes(r.uart, 5) == test::Sizes{1});
  CHECK(test::accepted_sizes(r.uart, 4) == test::Sizes{1, 2, 4});
  CHECK_FALSE(r.uart.rules(0).atomics);
  CHECK_FALSE(r.uart.rules(0).write_may_stop);
}

TEST_CASE("uart reset state", "[uart]") {
  Rig r;
  CHECK(r.rd(IER) == 0);
  CHECK(r.rd(IIR) == 0x01);  // no interrupt, FIFOs off
  CHECK(r.rd(LCR) == 0);
  CHECK(r.rd(LSR) == 0x60);  // THRE | TEMT
  CHECK(r.rd(MSR) == 0xb0);
  CHECK_FALSE(r.irq.level);
  CHECK(r.uart.rx_space() == 1);  // holding register only
}

TEST_CASE("uart divisor latch and stored registers", "[uart]") {
  Rig r;
  r.wr(LCR, 0x80);  // DLAB
  r.wr(DLL, 0x01);
  r.wr(DLM, 0x02);
  CHECK(r.rd(DLL) == 0x01);
  CHECK(r.rd(DLM) == 0x02);
  r.wr(LCR, 0x03);  // 8N1, DLAB off
  CHECK(r.rd(LCR) == 0x03);
  CHECK(r.rd(IER) == 0);  // IER was not touched by the DLM write
  r.wr(SCR, 0x5a);
  CHECK(r.rd(SCR) == 0x5a);
  r.wr(MCR, 0x0b);
  CHECK(r.rd(MCR) == 0x0b);
  CHECK(r.flushed().empty());  // divisor writes are not output
}

TEST_CASE("uart output: THR writes, flushed at newline and on LSR reads", "[uart]") {
  Rig r;
  for (char c : std::string("ok\n")) r.wr(THR, uint8_t(c));
  CHECK(r.flushed() == "ok\n");
  r.wr(THR, '>');
  CHECK(r.flushed() == "ok\n");  // still in the stdio buffer
  CHECK((r.rd(LSR) & 0x60) == 0x60);
  CHECK(r.flushed() == "ok\n>");
}

TEST_CASE("uart receive FIFO", "[uart]") {
  Rig r;
  r.wr(FCR, 0x07);  // enable and clear both FIFOs
  CHECK(r.rd(IIR) == 0xc1);
  CHECK(r.uart.rx_space() == 16);
  for (uint8_t b : {'a', 'b', 'c'}) r.uart.receive(b);
  CHECK((r.rd(LSR) & 1) == 1);
  CHECK_FALSE(r.irq.level);  // ERBFI off
  r.wr(IER, 0x01);
  CHECK(r.irq.level);
  CHECK(r.rd(IIR) == 0xc4);
  CHECK(r.rd(RBR) == 'a');
  CHECK(r.rd(RBR) == 'b');
  CHECK(r.irq.level);
  CHECK(r.rd(RBR) == 'c');
  CHECK_FALSE(r.irq.level);
  CHECK((r.rd(LSR) & 1) == 0);
  CHECK(r.rd(IIR) == 0xc1);

  SECTION("overrun: the 17th byte is lost and LSR.OE reported once") {
    for (int i = 0; i < 17; i++) r.uart.receive(uint8_t('A' + i));
    CHECK(r.uart.rx_space() == 0);
    CHECK(r.rd(LSR) == 0x63);
    CHECK(r.rd(LSR) == 0x61);
    for (int i = 0; i < 16; i++) CHECK(r.rd(RBR) == 'A' + i);
    CHECK(r.rd(LSR) == 0x60);
  }
  SECTION("the line-status interrupt outranks received data") {
    r.wr(IER, 0x05);
    for (int i = 0; i < 17; i++) r.uart.receive('x');
    CHECK(r.rd(IIR) == 0xc6);
    r.rd(LSR);
    CHECK(r.rd(IIR) == 0xc4);
  }
  SECTION("FCR clears the receive FIFO") {
    r.uart.receive('z');
    r.wr(FCR, 0x03);
    CHECK((r.rd(LSR) & 1) == 0);
    CHECK_FALSE(r.irq.level);
  }
  SECTION("FIFO disabled: one holding byte") {
    r.wr(FCR, 0x00);
    CHECK(r.rd(IIR) == 0x01);
    r.uart.receive('1');
    r.uart.receive('2');
    CHECK(r.rd(LSR) == 0x63);
    CHECK(r.rd(RBR) == '1');
  }
}

TEST_CASE("uart THRE interrupt: armed by ETBEI 0->1 and by THR writes, acknowledged by IIR reads", "[uart]") {
  Rig r;
  r.wr(FCR, 0x01);
  r.wr(IER, 0x02);
  CHECK(r.irq.level);
  CHECK(r.rd(IIR) == 0xc2);  // reading IIR acknowledges
  CHECK_FALSE(r.irq.level);
  CHECK(r.rd(IIR) == 0xc1);
  r.wr(THR, 'x');  // the byte leaves at once: THR empty again
  CHECK(r.irq.level);
  r.wr(IER, 0x00);
  CHECK_FALSE(r.irq.level);
  r.wr(IER, 0x02);  // re-enabling re-arms
  CHECK(r.irq.level);
  r.wr(IER, 0x02);  // writing the same value again is not a 0->1 change
  CHECK(r.rd(IIR) == 0xc2);
  r.wr(IER, 0x02);
  CHECK_FALSE(r.irq.level);

  SECTION("received data outranks THRE and leaves it pending") {
    r.wr(THR, 'y');
    r.wr(IER, 0x03);
    r.uart.receive('q');
    CHECK(r.rd(IIR) == 0xc4);
    CHECK(r.rd(IIR) == 0xc4);
    CHECK(r.rd(RBR) == 'q');
    CHECK(r.irq.level);
    CHECK(r.rd(IIR) == 0xc2);
    CHECK_FALSE(r.irq.level);
  }
}

TEST_CASE("uart without an output file discards output", "[uart]") {
  test::RecordingIrq irq;
  devices::Ns16550a uart(irq, nullptr);
  uart.write(THR, 1, 'a');
  uart.write(THR, 1, '\n');
  CHECK(uart.read(LSR, 1) == 0x60);
}

TEST_CASE("uart loopback: MSR mirrors MCR, THR comes back in RBR", "[uart]") {
  Rig r;
  r.wr(FCR, 0x01);
  r.wr(MCR, 0x1a);  // LOOP | OUT2 | RTS: the 8250 probe expects DCD | CTS
  CHECK((r.rd(MSR) & 0xf0) == 0x90);
  r.wr(MCR, 0x1f);
  CHECK(r.rd(MSR) == 0xf0);
  r.wr(THR, 'L');
  CHECK(r.rd(LSR) == 0x61);
  CHECK(r.rd(RBR) == 'L');
  CHECK(r.flushed().empty());
  r.wr(MCR, 0x00);
  CHECK(r.rd(MSR) == 0xb0);
}

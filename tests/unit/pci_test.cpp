// PCI (devices/pci/): the configuration space's masks, configuration
// mechanism #1 through the port space (byte, word and dword accesses at their
// offsets), BAR sizing and mapping under the command register, the expansion
// ROM BAR, INTx routing through the PIIX3's PIRQ registers, and the i440FX's
// PAM segments seen through the softTLB (reads and writes to shadow RAM or
// the PCI side, and the map-changed callback), the PIIX4 PM function's PMBA
// and its ACPI PM timer.
#include <catch2/catch.hpp>

#include <memory>
#include <vector>

#include "devices/pci/bus.h"
#include "devices/pci/i440fx.h"
#include "devices/pci/piix3_isa.h"
#include "devices/pci/piix4_pm.h"
#include "mem/physmap.h"
#include "mem/port_space.h"
#include "mem/tlb.h"
#include "tests/unit/device_test_util.h"

using namespace kiln;
namespace pci = devices::pci;

namespace {

// Reads return the offset; writes are remembered.
struct Target : mem::MmioDevice {
  uint64_t last_write_offset = ~0ull, last_value = 0;
  mem::AccessRules rules(uint64_t) const override { return {.min_size = 1, .max_size = 4}; }
  uint64_t read(uint64_t offset, unsigned) override { return offset; }
  void write(uint64_t offset, unsigned, uint64_t value) override {
    last_write_offset = offset;
    last_value = value;
  }
};

// A function with an I/O BAR 0 (32 ports), a 32-bit memory BAR 1 (4 KiB), a
// 64-bit prefetchable BAR 2-3 (1 MiB), an 8 KiB expansion ROM and INTA#.
class TestDevice final : public pci::Device {
 public:
  Target io, mmio, big;
  TestDevice() : Device({0x1234, 0x5678, 0x01, 0xff0000}) {
    add_io_bar(0, 32, &io);
    add_memory_bar(1, 0x1000, &mmio, false, false);
    add_memory_bar(2, 0x100000, &big, true, true);
    set_rom(std::vector<uint8_t>(6000, 0x55));
    set_interrupt_pin(1);
  }
  using Device::set_intx;
};

struct Changes {
  std::vector<std::pair<uint64_t, uint64_t>> ranges;
};

struct Board {
  mem::PhysMap memory;
  mem::PortSpace io;
  Changes changes;
  pci::Bus bus{{&memory, &io, [this](uint64_t b, uint64_t s) { changes.ranges.push_back({b, s}); }}};
  pci::ConfigMechanism1 mech{bus};
  Board() { REQUIRE(io.add("pci-config", 0xcf8, 8, &mech)); }
  uint32_t cfg_read(uint8_t fn, unsigned reg, unsigned size) {
    io.write(0xcf8, 4, 0x80000000u | fn << 8 | (reg & 0xfc));
    return io.read(0xcfc + (reg & 3), size);
  }
  void cfg_write(uint8_t fn, unsigned reg, unsigned size, uint32_t v) {
    io.write(0xcf8, 4, 0x80000000u | fn << 8 | (reg & 0xfc));
    io.write(0xcfc + (reg & 3), size, v);
  }
};

}  // namespace

TEST_CASE("PCI config space: writable, read-only and write-1-to-clear bits", "[pci]") {
  pci::ConfigSpace c;
  c.set(0x40, 4, 0x12345678);
  c.set_writable(0x40, 4, 0x0000ff00);
  c.write(0x40, 4, 0xffffffff);
  CHECK(c.read(0x40, 4) == 0x1234ff78);
  c.write(0x41, 1, 0x00);
  CHECK(c.read(0x40, 4) == 0x12340078);
  c.set(0x06, 2, 0xf910);
  c.set_write1_clear(0x06, 2, 0xf900);
  c.write(0x06, 2, 0x0100);  // clears only the bit written as 1
  CHECK(c.read(0x06, 2) == 0xf810);
  c.write(0x07, 1, 0xff);
  CHECK(c.read(0x06, 2) == 0x0010);
  CHECK(c.read(0xfe, 2) == 0);
}

TEST_CASE("PCI mechanism #1: address register and byte/word/dword data accesses", "[pci]") {
  Board b;
  TestDevice d;
  REQUIRE(b.bus.add(&d, pci::devfn(3, 0)));
  b.io.write(0xcf8, 4, 0xffffffff);
  CHECK(b.io.read(0xcf8, 4) == 0x80fffffc);  // reserved bits read as 0
  b.io.write(0xcf8, 1, 0x00);                // not a dword: not the address register
  CHECK(b.io.read(0xcf8, 4) == 0x80fffffc);
  CHECK(b.io.read(0xcf9, 1) == 0xff);

  const uint8_t fn = pci::devfn(3, 0);
  CHECK(b.cfg_read(fn, 0x00, 4) == 0x56781234);
  CHECK(b.cfg_read(fn, 0x00, 1) == 0x34);
  CHECK(b.cfg_read(fn, 0x01, 1) == 0x12);
  CHECK(b.cfg_read(fn, 0x02, 2) == 0x5678);
  CHECK(b.cfg_read(fn, 0x03, 1) == 0x56);
  CHECK(b.cfg_read(fn, 0x08, 4) == 0xff000001);
  CHECK(b.cfg_read(fn, 0x3d, 1) == 1);
  // An unaligned word at 0xCFD is two bytes.
  CHECK(b.cfg_read(fn, 0x01, 2) == 0x7812);
  b.cfg_write(fn, 0x3c, 1, 0x0b);
  b.cfg_write(fn, 0x0d, 1, 0x40);
  CHECK(b.cfg_read(fn, 0x0c, 4) == 0x00004000);
  CHECK(b.cfg_read(fn, 0x3c, 2) == 0x010b);
  b.cfg_write(fn, 0x00, 4, 0);  // IDs are read-only
  CHECK(b.cfg_read(fn, 0x00, 4) == 0x56781234);

  CHECK(b.cfg_read(pci::devfn(4, 0), 0, 4) == 0xffffffff);
  CHECK(b.cfg_read(pci::devfn(4, 0), 0, 2) == 0xffff);
  b.io.write(0xcf8, 4, 0x00001800);  // enable bit clear
  CHECK(b.io.read(0xcfc, 4) == 0xffffffff);
  b.io.write(0xcf8, 4, 0x80011800);  // bus 1: nothing there
  CHECK(b.io.read(0xcfc, 4) == 0xffffffff);
}

TEST_CASE("PCI mechanism #1 passes byte accesses at 0xCF9 to the reset control register", "[pci]") {
  mem::PortSpace io;
  pci::Bus bus{{nullptr, &io, nullptr}};
  struct Cf9 : Target {
    mem::AccessRules rules(uint64_t) const override { return {.min_size = 1, .max_size = 1, .write_may_stop = true}; }
    uint64_t read(uint64_t, unsigned) override { return 0x02; }
  } cf9;
  pci::ConfigMechanism1 mech(bus, &cf9);
  REQUIRE(io.add("pci-config", 0xcf8, 8, &mech));
  CHECK(io.read(0xcf9, 1) == 0x02);
  CHECK(io.write_may_stop(0xcf9, 1));
  io.write(0xcf9, 1, 0x06);
  CHECK(cf9.last_value == 0x06);
  io.write(0xcf8, 4, 0x80000000);  // the dword is still the address register
  CHECK(io.read(0xcf8, 4) == 0x80000000);
  CHECK(cf9.last_value == 0x06);
  CHECK_FALSE(io.write_may_stop(0xcf8, 4));  // only a byte at 0xCF9 may reset
  CHECK_FALSE(io.write_may_stop(0xcfc, 4));
}

TEST_CASE("PCI multi-function header type", "[pci]") {
  Board b;
  TestDevice f0, f2;
  REQUIRE(b.bus.add(&f0, pci::devfn(1, 0)));
  CHECK(b.cfg_read(pci::devfn(1, 0), 0x0e, 1) == 0x00);
  REQUIRE(b.bus.add(&f2, pci::devfn(1, 2)));
  CHECK(b.cfg_read(pci::devfn(1, 0), 0x0e, 1) == 0x80);
  CHECK_FALSE(b.bus.add(&f2, pci::devfn(1, 2)));
  // Slot 31, the last: its functions end at 256 (a byte-sized counter never got there).
  TestDevice g0, g7;
  REQUIRE(b.bus.add(&g0, pci::devfn(31, 0)));
  REQUIRE(b.bus.add(&g7, pci::devfn(31, 7)));
  CHECK(b.cfg_read(pci::devfn(31, 0), 0x0e, 1) == 0x80);
}

TEST_CASE("PCI BAR sizing: all ones read back the size mask", "[pci]") {
  Board b;
  TestDevice d;
  REQUIRE(b.bus.add(&d, pci::devfn(2, 0)));
  const uint8_t fn = pci::devfn(2, 0);
  for (unsigned bar = 0x10; bar <= 0x30; bar += 4) b.cfg_write(fn, bar, 4, 0xffffffff);
  CHECK(b.cfg_read(fn, 0x10, 4) == 0xffffffe1);  // I/O, 32 ports
  CHECK(b.cfg_read(fn, 0x14, 4) == 0xfffff000);  // 32-bit memory, 4 KiB
  CHECK(b.cfg_read(fn, 0x18, 4) == 0xfff0000c);  // 64-bit prefetchable, 1 MiB
  CHECK(b.cfg_read(fn, 0x1c, 4) == 0xffffffff);
  CHECK(b.cfg_read(fn, 0x20, 4) == 0);           // no BAR 4
  CHECK(b.cfg_read(fn, 0x30, 4) == 0xffffe001);  // ROM, 8 KiB (6000 bytes rounded up)
  CHECK(b.changes.ranges.empty());               // decoding is off: nothing mapped
}

TEST_CASE("PCI BARs map while the command register enables decoding", "[pci]") {
  Board b;
  TestDevice d;
  REQUIRE(b.bus.add(&d, pci::devfn(2, 0)));
  const uint8_t fn = pci::devfn(2, 0);
  b.cfg_write(fn, 0x10, 4, 0xc000);
  b.cfg_write(fn, 0x14, 4, 0xfebf0000);
  b.cfg_write(fn, 0x18, 4, 0x00000000);
  b.cfg_write(fn, 0x1c, 4, 0x00000008);  // 0x8_0000_0000
  b.cfg_write(fn, 0x30, 4, 0xfeb80001);
  CHECK(b.io.read(0xc004, 1) == 0xff);
  CHECK(b.memory.find(0xfebf0000) == nullptr);

  b.cfg_write(fn, 0x04, 2, pci::cmd::kIo);
  CHECK(b.io.read(0xc004, 1) == 4);
  b.io.write(0xc01f, 1, 0x5a);
  CHECK(d.io.last_write_offset == 0x1f);
  CHECK(b.memory.find(0xfebf0000) == nullptr);

  b.cfg_write(fn, 0x04, 2, pci::cmd::kIo | pci::cmd::kMemory);
  const mem::Region* r = b.memory.find(0xfebf0010);
  REQUIRE(r);
  CHECK(r->device == &d.mmio);
  r = b.memory.find(0x800000000ull + 0xffff0);
  REQUIRE(r);
  CHECK(r->device == &d.big);
  r = b.memory.find(0xfeb81000);
  REQUIRE(r);
  CHECK(r->kind == mem::RegionKind::Rom);
  CHECK(r->host[0x1000] == 0x55);
  CHECK(r->host[7000] == 0xff);  // past the image
  CHECK(b.changes.ranges.size() == 3);

  // Moving a BAR unmaps the old range and maps the new one.
  b.changes.ranges.clear();
  b.cfg_write(fn, 0x14, 4, 0xfebe0000);
  CHECK(b.memory.find(0xfebf0000) == nullptr);
  REQUIRE(b.memory.find(0xfebe0000));
  CHECK(b.changes.ranges.size() == 2);
  b.cfg_write(fn, 0x10, 4, 0xd000);
  CHECK(b.io.read(0xc004, 1) == 0xff);
  CHECK(b.io.read(0xd004, 1) == 4);
  // Sizing while decoding: all ones is never mapped.
  b.cfg_write(fn, 0x14, 4, 0xffffffff);
  CHECK(b.memory.find(0xfffff000) == nullptr);
  b.cfg_write(fn, 0x14, 4, 0xfebe0000);
  // The ROM's enable bit.
  b.cfg_write(fn, 0x30, 4, 0xfeb80000);
  CHECK(b.memory.find(0xfeb80000) == nullptr);
  // Decoding off: everything goes.
  b.cfg_write(fn, 0x04, 2, 0);
  CHECK(b.memory.find(0xfebe0000) == nullptr);
  CHECK(b.memory.find(0x800000000ull) == nullptr);
  CHECK(b.io.read(0xd004, 1) == 0xff);
}

TEST_CASE("PCI BARs that would overlap another device stay unmapped", "[pci]") {
  Board b;
  TestDevice d1, d2;
  REQUIRE(b.bus.add(&d1, pci::devfn(2, 0)));
  REQUIRE(b.bus.add(&d2, pci::devfn(3, 0)));
  for (uint8_t fn : {pci::devfn(2, 0), pci::devfn(3, 0)}) {
    b.cfg_write(fn, 0x14, 4, 0xfebf0000);
    b.cfg_write(fn, 0x04, 2, pci::cmd::kMemory);
  }
  REQUIRE(b.memory.find(0xfebf0000));
  CHECK(b.memory.find(0xfebf0000)->device == &d1.mmio);
  b.cfg_write(pci::devfn(2, 0), 0x04, 2, 0);
  CHECK(b.memory.find(0xfebf0000) == nullptr);  // d2 maps only on its next update
  b.cfg_write(pci::devfn(3, 0), 0x14, 4, 0xfebf0000);
  REQUIRE(b.memory.find(0xfebf0000));
  CHECK(b.memory.find(0xfebf0000)->device == &d2.mmio);
}

TEST_CASE("PIIX3 routes INTx through PIRQ[A-D] to ISA IRQs", "[pci]") {
  Board b;
  std::array<test::RecordingIrq, 16> lines;
  std::array<devices::IrqLine*, 16> ptrs;
  for (unsigned i = 0; i < 16; i++) ptrs[i] = &lines[i];
  pci::Piix3Isa isa(ptrs);
  TestDevice d;
  REQUIRE(b.bus.add(&isa, pci::devfn(1, 0)));
  REQUIRE(b.bus.add(&d, pci::devfn(3, 0)));
  b.bus.set_router(&isa);
  const uint8_t isa_fn = pci::devfn(1, 0);
  CHECK(b.cfg_read(isa_fn, 0x60, 4) == 0x80808080);
  CHECK(pci::Piix3Isa::pirq_of(pci::devfn(3, 0), 0) == 2);  // slot 3, INTA#: PIRQC
  CHECK(pci::Piix3Isa::pirq_of(pci::devfn(1, 0), 0) == 0);
  CHECK(pci::Piix3Isa::pirq_of(pci::devfn(0, 0), 0) == 3);

  d.set_intx(true);  // routing disabled: nothing
  for (auto& l : lines) CHECK(l.calls == 0);
  CHECK((b.cfg_read(pci::devfn(3, 0), 0x06, 2) & pci::status::kInterrupt) != 0);
  b.cfg_write(isa_fn, 0x62, 1, 11);
  CHECK(lines[11].level);
  b.cfg_write(isa_fn, 0x62, 1, 10);  // rerouted
  CHECK_FALSE(lines[11].level);
  CHECK(lines[10].level);
  b.cfg_write(pci::devfn(3, 0), 0x04, 2, pci::cmd::kIntxDisable);
  CHECK_FALSE(lines[10].level);
  b.cfg_write(pci::devfn(3, 0), 0x04, 2, 0);
  CHECK(lines[10].level);
  d.set_intx(false);
  CHECK_FALSE(lines[10].level);
  b.cfg_write(isa_fn, 0x62, 1, 2);  // IRQ 2 is reserved: no route
  d.set_intx(true);
  CHECK(lines[2].calls == 0);
  CHECK(lines[10].rises == 2);
}

namespace {

struct Identity : mem::Translator {
  bool translate(uint64_t va, unsigned, mem::AccessType, unsigned, uint64_t* pa, unsigned* p) override {
    *pa = va;
    *p = mem::kProtRead | mem::kProtWrite | mem::kProtExec;
    return true;
  }
  void raise_fault(uint64_t, mem::AccessType, mem::FaultKind) override { faults++; }
  int faults = 0;
};

struct PamBoard {
  Board b;
  Identity translator;
  std::unique_ptr<mem::MemContext> m = std::make_unique<mem::MemContext>();
  std::vector<uint8_t> bios = std::vector<uint8_t>(0x40000, 0xb1);
  std::unique_ptr<pci::I440fx> host;
  PamBoard() {
    for (size_t i = 0; i < bios.size(); i += 0x10000) bios[i] = uint8_t(i >> 16);  // each 64 KiB's first byte: its number
    pci::AddressSpaces spaces{&b.memory, &b.io, [this](uint64_t, uint64_t) { m->flush_tlb(); }};
    host = std::make_unique<pci::I440fx>(spaces, bios);
    REQUIRE(host->map_windows());
    REQUIRE(b.bus.add(host.get(), 0));
    m->map = &b.memory;
    m->translator = &translator;
    m->flush_tlb();
  }
  uint32_t load(uint64_t pa) {
    uint64_t v = 0;
    REQUIRE(mem::load(*m, pa, 4, 0, false, &v));
    return uint32_t(v);
  }
  void store(uint64_t pa, uint32_t v) { REQUIRE(mem::store(*m, pa, 4, 0, false, v)); }
};

}  // namespace

TEST_CASE("i440FX PAM: segments read the BIOS or shadow RAM, writes reach RAM or vanish", "[pci][pam]") {
  PamBoard p;
  CHECK(p.b.cfg_read(0, 0, 4) == 0x12378086);
  CHECK(p.b.cfg_read(0, 0x08, 4) == 0x06000002);
  CHECK(p.b.cfg_read(0, 0x58, 4) == 0);
  CHECK(p.b.cfg_read(0, 0x72, 1) == 0x02);
  // Reset: the image's last 128 KiB end at 1 MiB; below them all ones.
  CHECK((p.load(0xe0000) & 0xff) == 2);
  CHECK((p.load(0xf0000) & 0xff) == 3);
  CHECK(p.load(0xf0004) == 0xb1b1b1b1);
  CHECK(p.load(0xc0000) == 0xffffffff);
  p.store(0xf0004, 0);
  CHECK(p.load(0xf0004) == 0xb1b1b1b1);

  // PAM0's high field: the F segment; its low field is reserved.
  p.b.cfg_write(0, 0x59, 1, 0x33);
  CHECK(p.b.cfg_read(0, 0x59, 1) == 0x30);
  CHECK(p.host->segment_mode(0) == 3);
  CHECK(p.load(0xf0004) == 0);  // shadow RAM starts zeroed
  p.store(0xf0004, 0x12345678);
  CHECK(p.load(0xf0004) == 0x12345678);
  CHECK((p.load(0xe0000) & 0xff) == 2);  // other segments unchanged

  p.b.cfg_write(0, 0x59, 1, 0x10);  // read-only
  p.store(0xf0004, 0xdead);
  CHECK(p.load(0xf0004) == 0x12345678);
  p.b.cfg_write(0, 0x59, 1, 0x00);  // back to the image
  CHECK(p.load(0xf0004) == 0xb1b1b1b1);
  p.b.cfg_write(0, 0x59, 1, 0x20);  // write-only: reads the image, writes RAM
  p.store(0xf0004, 0xcafe);
  CHECK(p.load(0xf0004) == 0xb1b1b1b1);
  p.b.cfg_write(0, 0x59, 1, 0x10);
  CHECK(p.load(0xf0004) == 0xcafe);

  // 16 KiB segments: PAM1's low field is 0xC0000, its high field 0xC4000;
  // PAM6's high field 0xEC000. SeaBIOS's dword writes at 0x58 and 0x5C.
  p.b.cfg_write(0, 0x58, 4, 0x033010ff);
  CHECK(p.b.cfg_read(0, 0x58, 4) == 0x03301000);  // 0x58 itself is not PAM: read-only here
  CHECK(p.host->segment_mode(1) == 0);
  CHECK(p.host->segment_mode(2) == 3);
  CHECK(p.host->segment_mode(3) == 3);
  p.store(0xc4000, 7);
  CHECK(p.load(0xc4000) == 7);
  p.store(0xc0000, 7);
  CHECK(p.load(0xc0000) == 0xffffffff);
  p.b.cfg_write(0, 0x5c, 4, 0x30000000);
  CHECK(p.host->segment_mode(12) == 3);
  p.store(0xec000, 9);
  CHECK(p.load(0xec000) == 9);
  CHECK(p.load(0xe8000) == 0xb1b1b1b1);
  CHECK(p.translator.faults == 0);
}

TEST_CASE("i440FX SMRAM: D_LCK freezes the register and closes D_OPEN", "[pci][pam]") {
  PamBoard p;
  p.b.cfg_write(0, 0x72, 1, 0xef);  // all but D_LCK: C_BASE_SEG and bit 7 are read-only
  CHECK(p.b.cfg_read(0, 0x72, 1) == 0x6a);
  p.b.cfg_write(0, 0x72, 1, 0x4a);  // D_OPEN | G_SMRAME
  CHECK(p.b.cfg_read(0, 0x72, 1) == 0x4a);
  p.b.cfg_write(0, 0x72, 1, 0x5a);  // lock
  CHECK(p.b.cfg_read(0, 0x72, 1) == 0x1a);
  p.b.cfg_write(0, 0x72, 1, 0x42);
  CHECK(p.b.cfg_read(0, 0x72, 1) == 0x1a);
}

TEST_CASE("PIIX4 PM: PMBA maps the PM timer, counting at 3.579545 MHz in 24 bits", "[pci]") {
  Board b;
  test::FakeClock clock;
  devices::NullIrq sci;
  pci::Piix4Pm pm(clock, sci, [] {});
  const uint8_t fn = pci::devfn(1, 3);
  REQUIRE(b.bus.add(&pm, fn));
  CHECK(b.cfg_read(fn, 0x00, 4) == 0x71138086);
  CHECK(b.cfg_read(fn, 0x40, 4) == 1);
  CHECK(b.cfg_read(fn, 0x58, 4) == pci::Piix4Pm::kApmcEnable);  // SMM "already set up"
  b.cfg_write(fn, 0x58, 4, 0);
  CHECK(b.cfg_read(fn, 0x58, 4) == pci::Piix4Pm::kApmcEnable);
  b.cfg_write(fn, 0x40, 4, 0xb001);  // as SeaBIOS: the base, then PMREGMISC
  CHECK(pm.pm_ports() == -1);
  CHECK(b.io.read(0xb008, 4) == 0xffffffff);
  b.cfg_write(fn, 0x80, 1, 1);
  CHECK(pm.pm_ports() == 0xb000);
  clock.advance_to(1000000000);  // one second
  CHECK(b.io.read(0xb008, 4) == (3579545u & 0xffffff));
  CHECK(b.io.read(0xb009, 1) == ((3579545u >> 8) & 0xff));
  clock.advance_to(5000000000ull);  // 17.9 M ticks: wrapped at 24 bits
  CHECK(b.io.read(0xb008, 4) == (uint32_t(5 * 3579545ull) & 0xffffff));
  CHECK(b.io.read(0xb000, 2) == 0);  // PM1 status: nothing raised
  b.cfg_write(fn, 0x40, 4, 0x6001);  // moved
  CHECK(b.io.read(0xb008, 4) == 0xffffffff);
  CHECK(b.io.read(0x6008, 4) != 0xffffffff);
  b.cfg_write(fn, 0x80, 1, 0);
  CHECK(b.io.read(0x6008, 4) == 0xffffffff);
  CHECK(b.cfg_read(fn, 0x90, 4) == 1);
  CHECK(pm.smbus_ports() == 0);  // enabled (QEMU's 0x09) at base 0
}

namespace {
struct LevelIrq final : devices::IrqLine {
  void set_level(bool high) override { level = high; }
  bool level = false;
};
}  // namespace

TEST_CASE("PIIX4 PM: PM1 status, enable and control; SLP_EN with SLP_TYP 0 powers off", "[pci]") {
  Board b;
  test::FakeClock clock;
  LevelIrq sci;
  int power_offs = 0;
  pci::Piix4Pm pm(clock, sci, [&] { power_offs++; });
  const uint8_t fn = pci::devfn(1, 3);
  REQUIRE(b.bus.add(&pm, fn));
  b.cfg_write(fn, 0x40, 4, 0xb001);
  b.cfg_write(fn, 0x80, 1, 1);
  CHECK(b.io.read(0xb004, 2) == 1);  // SCI_EN: always in ACPI mode
  b.io.write(0xb002, 2, 0xffff);
  CHECK(b.io.read(0xb002, 2) == pci::Piix4Pm::kPmEvents);  // only the PIIX4's enable bits stick
  CHECK(b.io.read(0xb000, 4) == uint32_t(pci::Piix4Pm::kPmEvents) << 16);  // PMSTS and PMEN as one dword
  b.io.write(0xb000, 2, 0xffff);  // write 1 to clear: nothing was set
  CHECK(b.io.read(0xb000, 2) == 0);
  CHECK(!sci.level);
  b.io.write(0xb00e, 2, 0x0003);
  CHECK(b.io.read(0xb00c, 4) == 0x00030000);
  b.io.write(0xb004, 2, 1u << 10);  // SLP_TYP 1 without SLP_EN: kept, no sleep
  CHECK(b.io.read(0xb004, 2) == (1u << 10 | 1));
  b.io.write(0xb004, 2, 1u << 10 | 1u << 13);  // SLP_TYP 1 (not soft-off) with SLP_EN: ignored
  CHECK(power_offs == 0);
  CHECK(b.io.read(0xb004, 2) == (1u << 10 | 1));  // SLP_EN reads 0
  b.io.write(0xb004, 2, 0);
  b.io.write(0xb005, 1, 0x20);  // SLP_EN with SLP_TYP 0, a byte write as some guests do
  CHECK(power_offs == 1);
}

// What -M pc tells its firmware (machine/pc_firmware_info.h): the CMOS memory
// sizes for RAM sizes on each side of every cap, the CPU count, the boot
// order and the checksum; the e820 map and fw_cfg's items; -rtc base=.
#include <catch2/catch.hpp>

#include "devices/pc/fw_cfg.h"
#include "devices/pc/mc146818.h"
#include "machine/pc.h"
#include "machine/pc_firmware_info.h"
#include "tests/unit/device_test_util.h"

using namespace kiln;
using namespace kiln::machine::pc;

namespace {

constexpr uint64_t kMiB = 1ull << 20, kGiB = 1ull << 30;

struct Cmos {
  test::FakeClock clock;
  test::RecordingIrq irq;
  devices::Mc146818 rtc{clock, irq, 0};
  explicit Cmos(const FirmwareFacts& f) { fill_cmos(rtc, f); }
  unsigned u16(uint8_t low) { return rtc.cmos(low) | rtc.cmos(low + 1) << 8; }
  unsigned u24(uint8_t low) { return u16(low) | rtc.cmos(low + 2) << 16; }
};

uint64_t le(const std::vector<uint8_t>& b, size_t at, unsigned n) {
  uint64_t v = 0;
  for (unsigned i = 0; i < n; i++) v |= uint64_t(b[at + i]) << (8 * i);
  return v;
}

}  // namespace

TEST_CASE("pc CMOS: memory sizes as QEMU's pc fills them", "[pc][cmos]") {
  {
    Cmos c({.ram_bytes = 40 * kMiB});
    CHECK(c.u16(cmos::kBaseMemLow) == 640);
    CHECK(c.u16(cmos::kExtMemLow) == 39 * 1024);
    CHECK(c.u16(cmos::kExtMem2Low) == 39 * 1024);
    CHECK(c.u16(cmos::kMemAbove16MLow) == 24 * 16);
    CHECK(c.u24(cmos::kMemAbove4GLow) == 0);
    CHECK(c.rtc.cmos(cmos::kCpusMinusOne) == 0);
  }
  {
    Cmos c({.ram_bytes = 16 * kMiB});
    CHECK(c.u16(cmos::kExtMemLow) == 15 * 1024);
    CHECK(c.u16(cmos::kMemAbove16MLow) == 0);
  }
  {
    Cmos c({.ram_bytes = 512 * 1024});  // less than 640 KiB
    CHECK(c.u16(cmos::kBaseMemLow) == 512);
    CHECK(c.u16(cmos::kExtMemLow) == 0);
  }
  {
    Cmos c({.ram_bytes = 128 * kMiB, .cpus = 4});
    CHECK(c.u16(cmos::kExtMemLow) == 0xffff);  // capped
    CHECK(c.u16(cmos::kMemAbove16MLow) == 112 * 16);
    CHECK(c.rtc.cmos(cmos::kCpusMinusOne) == 3);
  }
  {
    Cmos c({.ram_bytes = 6 * kGiB});  // 3.5 GiB below 4 GiB, 2.5 GiB above
    CHECK(c.u16(cmos::kMemAbove16MLow) == (kLowRamMaxEnd - 16 * kMiB) / (64 * 1024));
    CHECK(c.u24(cmos::kMemAbove4GLow) == (6 * kGiB - kLowRamMaxEnd) / (64 * 1024));
  }
}

TEST_CASE("pc CMOS: boot order nibbles, equipment, checksum over 0x10-0x2D", "[pc][cmos]") {
  Cmos c({.ram_bytes = 40 * kMiB});  // QEMU's default order "cad": disk, floppy, CD-ROM
  CHECK(c.rtc.cmos(cmos::kBootFlags2) == 0x12);
  CHECK(c.rtc.cmos(cmos::kBootFlags1) == 0x30);
  CHECK(c.rtc.cmos(cmos::kEquipment) == 0x02);
  unsigned sum = 0;
  for (unsigned i = 0x10; i <= 0x2d; i++) sum += c.rtc.cmos(i);
  CHECK(sum != 0);
  CHECK(unsigned(c.rtc.cmos(cmos::kChecksumHigh) << 8 | c.rtc.cmos(cmos::kChecksumLow)) == sum);
  Cmos n({.ram_bytes = 40 * kMiB, .boot_order = "nd"});
  CHECK(n.rtc.cmos(cmos::kBootFlags2) == 0x34);
  CHECK(n.rtc.cmos(cmos::kBootFlags1) == 0x00);
}

TEST_CASE("pc CMOS: floppy drive types (0x10) and the equipment byte's floppy bits", "[pc][cmos]") {
  Cmos none({.ram_bytes = 40 * kMiB});
  CHECK(none.rtc.cmos(cmos::kFloppyTypes) == 0x00);
  Cmos a({.ram_bytes = 40 * kMiB, .boot_order = "a", .floppy_types = {4, 0}});
  CHECK(a.rtc.cmos(cmos::kFloppyTypes) == 0x40);
  CHECK(a.rtc.cmos(cmos::kEquipment) == 0x03);  // coprocessor, floppies present, one drive
  CHECK(a.rtc.cmos(cmos::kBootFlags2) == 0x01);
  Cmos ab({.ram_bytes = 40 * kMiB, .floppy_types = {5, 3}});
  CHECK(ab.rtc.cmos(cmos::kFloppyTypes) == 0x53);
  CHECK(ab.rtc.cmos(cmos::kEquipment) == 0x43);  // two drives
  unsigned sum = 0;
  for (unsigned i = 0x10; i <= 0x2d; i++) sum += ab.rtc.cmos(i);
  CHECK(unsigned(ab.rtc.cmos(cmos::kChecksumHigh) << 8 | ab.rtc.cmos(cmos::kChecksumLow)) == sum);
}

TEST_CASE("pc CMOS: IDE disk types and geometry (0x12, 0x19-0x2C)", "[pc][cmos]") {
  Cmos none({.ram_bytes = 40 * kMiB});
  CHECK(none.rtc.cmos(cmos::kDiskTypes) == 0);
  Cmos second({.ram_bytes = 40 * kMiB, .ide_disks = {std::nullopt, DiskGeometry{1040, 16, 63}}});
  CHECK(second.rtc.cmos(cmos::kDiskTypes) == 0x0F);
  CHECK(second.rtc.cmos(cmos::kDisk0Type) == 0);
  CHECK(second.rtc.cmos(cmos::kDisk1Type) == 47);
  Cmos c({.ram_bytes = 40 * kMiB, .ide_disks = {DiskGeometry{2, 16, 63}, DiskGeometry{300, 8, 32}}});
  CHECK(c.rtc.cmos(cmos::kDiskTypes) == 0xFF);
  CHECK(c.rtc.cmos(cmos::kDisk0Type) == 47);
  CHECK(c.u16(cmos::kDisk0Params) == 2);
  CHECK(c.rtc.cmos(cmos::kDisk0Params + 2) == 16);
  CHECK(c.u16(cmos::kDisk0Params + 3) == 0xFFFF);
  CHECK(c.rtc.cmos(cmos::kDisk0Params + 5) == 0xC8);
  CHECK(c.u16(cmos::kDisk0Params + 6) == 2);
  CHECK(c.rtc.cmos(cmos::kDisk0Params + 8) == 63);
  CHECK(c.u16(cmos::kDisk1Params) == 300);
  CHECK(c.rtc.cmos(cmos::kDisk1Params + 2) == 8);
  CHECK(c.rtc.cmos(cmos::kDisk1Params + 5) == 0xC0);
  CHECK(c.rtc.cmos(cmos::kDisk1Params + 8) == 32);
  unsigned sum = 0;
  for (unsigned i = cmos::kChecksumFirst; i <= cmos::kChecksumLast; i++) sum += c.rtc.cmos(i);
  CHECK(unsigned(c.rtc.cmos(cmos::kChecksumHigh) << 8 | c.rtc.cmos(cmos::kChecksumLow)) == sum);
}

TEST_CASE("pc e820 and fw_cfg items from the board's map", "[pc][fw_cfg]") {
  std::vector<uint8_t> e = e820_table(40 * kMiB);
  REQUIRE(e.size() == kE820EntryBytes);
  CHECK(le(e, 0, 8) == 0);
  CHECK(le(e, 8, 8) == 40 * kMiB);
  CHECK(le(e, 16, 4) == kE820Ram);
  e = e820_table(5 * kGiB);
  REQUIRE(e.size() == 2 * kE820EntryBytes);
  CHECK(le(e, 8, 8) == kLowRamMaxEnd);
  CHECK(le(e, 20, 8) == kHighRamBase);
  CHECK(le(e, 28, 8) == 5 * kGiB - kLowRamMaxEnd);
  CHECK(le(e, 36, 4) == kE820Ram);

  mem::PhysMap map;
  devices::FwCfg fw(map);
  REQUIRE(fill_fw_cfg(fw, {.ram_bytes = 5 * kGiB, .cpus = 2}));
  using F = devices::FwCfg;
  CHECK(le(*fw.item(F::kRamSize), 0, 8) == 5 * kGiB);
  CHECK(le(*fw.item(F::kNbCpus), 0, 2) == 2);
  CHECK(le(*fw.item(F::kMaxCpus), 0, 2) == 2);
  CHECK(fw.item(F::kNuma)->size() == 8 * 3);
  CHECK(le(*fw.item(F::kBootMenu), 0, 2) == 0);
  CHECK(*fw.file("etc/e820") == e);
  CHECK(le(*fw.file("etc/boot-fail-wait"), 0, 4) == 0xffffffffu);
  CHECK(fw.file("bootorder")->empty());
  // The ACPI tables for SeaBIOS: what build_acpi_tables makes of the board (acpi_test.cpp checks the contents).
  const firmware::AcpiDescription d = acpi_description({.ram_bytes = 5 * kGiB, .cpus = 2});
  CHECK(d.cpus == 2);
  CHECK(d.pm_base == kAcpiPmBase);
  CHECK(d.pci_memory_base == kLowRamMaxEnd);
  CHECK(d.pci_memory_end == 0xfebfffffu);
  CHECK_FALSE(d.fdc);
  const firmware::AcpiDescription with_fdc = acpi_description({.ram_bytes = kGiB, .cpus = 1, .fdc = true});
  CHECK(with_fdc.fdc);
  CHECK(with_fdc.fdc_base == 0x3f0);
  CHECK(with_fdc.fdc_ports == 6);
  CHECK(with_fdc.fdc_dir_port == 0x3f7);
  CHECK(with_fdc.fdc_irq == 6);
  CHECK(with_fdc.fdc_dma == 2);
  const firmware::AcpiTables acpi = firmware::build_acpi_tables(d);
  CHECK(*fw.file("etc/acpi/tables") == acpi.tables);
  CHECK(*fw.file("etc/acpi/rsdp") == acpi.rsdp);
  CHECK(*fw.file("etc/table-loader") == acpi.loader_script());
}

TEST_CASE("pc -rtc base=: utc, localtime, a date", "[pc][rtc]") {
  constexpr int64_t kNs = 1'000'000'000;
  const int64_t host = 1709251198 * kNs + 123;
  CHECK(*rtc_start_ns("utc", host) == host);
  REQUIRE(rtc_start_ns("localtime", host));
  CHECK(*rtc_start_ns("localtime", host) % kNs == 123);
  CHECK(*rtc_start_ns("2006-06-17T16:01:21", host) == 1150560081 * kNs);
  CHECK(*rtc_start_ns("2006-06-17", host) == 1150502400 * kNs);
  for (const char* bad : {"", "tomorrow", "2006-13-01", "2006-06-17T25:00:00", "2006-06-17x", "1969-12-31"})
    CHECK_FALSE(rtc_start_ns(bad, host));
}

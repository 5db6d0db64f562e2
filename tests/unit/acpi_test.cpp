// The ACPI tables of firmware/acpi.h: what link() gives for an address
// (checksums, pointers, the MADT's entries per CPU, the DSDT's AML), and the
// linker/loader script, run here as SeaBIOS runs it, giving the same bytes.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <map>
#include <string>

#include "firmware/acpi.h"

using namespace kiln::firmware;

namespace {

using Bytes = std::vector<uint8_t>;

uint64_t get(const Bytes& d, size_t at, unsigned n) {
  uint64_t v = 0;
  for (unsigned i = 0; i < n; i++) v |= uint64_t(d[at + i]) << (8 * i);
  return v;
}
uint8_t sum(const Bytes& d, size_t at, size_t n) {
  uint8_t s = 0;
  for (size_t i = 0; i < n; i++) s = uint8_t(s + d[at + i]);
  return s;
}
std::string sig(const Bytes& d, size_t at) { return std::string(d.begin() + long(at), d.begin() + long(at) + 4); }

AcpiDescription board(unsigned cpus) {
  AcpiDescription d;
  d.cpus = cpus;
  d.pm_base = 0x600;
  d.pci_memory_base = 0x08000000;
  d.pci_memory_end = 0xfebfffff;
  d.pirq_irqs = {10, 10, 11, 11};
  return d;
}

// The tables blob's table at guest address `addr` (linked at `base`).
size_t at(uint64_t addr, uint64_t base) { return size_t(addr - base); }

// SeaBIOS's romfile_loader, as the QEMU interface describes it: each file
// allocated at a given address, pointers added, checksums fixed.
std::map<std::string, Bytes> run_loader(const AcpiTables& t, const std::map<std::string, uint64_t>& addr) {
  std::map<std::string, Bytes> files{{kAcpiTablesFile, t.tables}, {kAcpiRsdpFile, t.rsdp}};
  const Bytes script = t.loader_script();
  REQUIRE(script.size() % 128 == 0);
  auto name = [&](size_t off) { return std::string(reinterpret_cast<const char*>(&script[off])); };
  for (size_t e = 0; e < script.size(); e += 128) {
    switch (get(script, e, 4)) {
      case 1:  // ALLOCATE
        CHECK(files.count(name(e + 4)) == 1);
        CHECK((addr.at(name(e + 4)) % get(script, e + 60, 4)) == 0);
        CHECK(script[e + 64] == (name(e + 4) == kAcpiRsdpFile ? 2 : 1));  // FSEG for the RSDP
        break;
      case 2: {  // ADD_POINTER
        Bytes& dest = files.at(name(e + 4));
        const uint32_t off = uint32_t(get(script, e + 116, 4));
        const unsigned size = script[e + 120];
        const uint64_t v = get(dest, off, size) + addr.at(name(e + 60));
        for (unsigned i = 0; i < size; i++) dest[off + i] = uint8_t(v >> (8 * i));
        break;
      }
      case 3: {  // ADD_CHECKSUM
        Bytes& f = files.at(name(e + 4));
        const uint32_t off = uint32_t(get(script, e + 60, 4));
        f[off] = uint8_t(f[off] - sum(f, get(script, e + 64, 4), get(script, e + 68, 4)));
        break;
      }
      default:
        FAIL("unknown loader command");
    }
  }
  return files;
}

}  // namespace

TEST_CASE("ACPI tables linked: checksums, pointers, FADT, MADT per CPU, DSDT", "[acpi]") {
  for (unsigned cpus : {1u, 4u}) {
    const AcpiTables t = build_acpi_tables(board(cpus));
    constexpr uint64_t kBase = 0x7ff0000;
    Bytes tables, rsdp;
    t.link(kBase, tables, rsdp);
    REQUIRE(rsdp.size() == 36);
    CHECK(std::memcmp(rsdp.data(), "RSD PTR ", 8) == 0);
    CHECK(sum(rsdp, 0, 20) == 0);
    CHECK(sum(rsdp, 0, 36) == 0);
    CHECK(rsdp[15] == 2);
    const size_t rsdt = at(get(rsdp, 16, 4), kBase), xsdt = at(get(rsdp, 24, 8), kBase);
    CHECK(sig(tables, rsdt) == "RSDT");
    CHECK(sig(tables, xsdt) == "XSDT");
    const size_t n = (get(tables, rsdt + 4, 4) - 36) / 4;
    REQUIRE(n == 2);
    std::map<std::string, size_t> found;
    for (size_t i = 0; i < n; i++) {
      const uint64_t a = get(tables, rsdt + 36 + 4 * i, 4);
      CHECK(get(tables, xsdt + 36 + 8 * i, 8) == a);
      const size_t p = at(a, kBase);
      CHECK(sum(tables, p, get(tables, p + 4, 4)) == 0);
      found[sig(tables, p)] = p;
    }
    CHECK(sum(tables, rsdt, get(tables, rsdt + 4, 4)) == 0);
    CHECK(sum(tables, xsdt, get(tables, xsdt + 4, 4)) == 0);
    const size_t fadt = found.at("FACP"), madt = found.at("APIC");
    CHECK(get(tables, fadt + 4, 4) == 244);
    const size_t facs = at(get(tables, fadt + 36, 4), kBase), dsdt = at(get(tables, fadt + 40, 4), kBase);
    CHECK(sig(tables, facs) == "FACS");
    CHECK((kBase + facs) % 64 == 0);
    CHECK(sig(tables, dsdt) == "DSDT");
    CHECK(get(tables, fadt + 140, 8) == kBase + dsdt);
    CHECK(sum(tables, dsdt, get(tables, dsdt + 4, 4)) == 0);
    CHECK(get(tables, fadt + 46, 2) == 9);
    CHECK(get(tables, fadt + 56, 4) == 0x600);
    CHECK(get(tables, fadt + 64, 4) == 0x604);
    CHECK(get(tables, fadt + 76, 4) == 0x608);
    CHECK(get(tables, fadt + 120, 8) == 0xcf9);
    CHECK(tables[fadt + 128] == 6);
    // \_S5_: Name, Package of 4 Zeros (SLP_TYP 0).
    const Bytes s5{0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0, 0, 0, 0};
    CHECK(std::search(tables.begin() + long(dsdt), tables.end(), s5.begin(), s5.end()) != tables.end());
    // Device (PCI0) with _HID EISAID("PNP0A03"): Name(_HID, DWordConst 0x030AD041).
    const Bytes hid{0x08, '_', 'H', 'I', 'D', 0x0c, 0x41, 0xd0, 0x0a, 0x03};
    CHECK(std::search(tables.begin() + long(dsdt), tables.end(), hid.begin(), hid.end()) != tables.end());
    // _PRT: slot 1's INTA reaches PIRQA (the PIIX3's rotation): Package {0x0001FFFF, Zero, \_SB_.LNKA, Zero}.
    const Bytes route{0x12, 0x13, 0x04, 0x0c, 0xff, 0xff, 0x01, 0x00, 0x00, '\\', 0x2e, '_', 'S', 'B', '_', 'L', 'N', 'K', 'A', 0x00};
    CHECK(std::search(tables.begin() + long(dsdt), tables.end(), route.begin(), route.end()) != tables.end());
    // LNKA's current (and only possible) interrupt: 10, consumer, level, active high, shared.
    const Bytes lnka_crs{0x08, '_', 'C', 'R', 'S', 0x11, 0x0e, 0x0a, 0x0b, 0x89, 0x06, 0x00, 0x09, 0x01, 0x0a, 0, 0, 0, 0x79, 0x00};
    CHECK(std::search(tables.begin() + long(dsdt), tables.end(), lnka_crs.begin(), lnka_crs.end()) != tables.end());
    // MADT: one enabled local APIC per CPU, IDs 0.., then the IOAPIC, two overrides, the LINT1 NMI.
    size_t e = madt + 44, lapics = 0;
    const size_t end = madt + get(tables, madt + 4, 4);
    std::vector<uint8_t> types;
    while (e < end) {
      types.push_back(tables[e]);
      if (tables[e] == 0) {
        CHECK(tables[e + 3] == lapics);
        CHECK(tables[e + 4] == 1);
        lapics++;
      }
      e += tables[e + 1];
    }
    CHECK(e == end);
    CHECK(lapics == cpus);
    CHECK(types.size() == cpus + 6);  // the IOAPIC, overrides for IRQ0, the SCI, IRQ10 and IRQ11, the NMI
    CHECK(types.back() == 4);
  }
}

TEST_CASE("ACPI DSDT: the floppy controller FDC0 only on a board with one", "[acpi]") {
  // Device (FDC0) { Name (_HID, EISAID ("PNP0700")) Name (_CRS, ResourceTemplate () {
  //   IO (Decode16, 0x3F0, 0x3F0, 1, 6) IO (Decode16, 0x3F7, 0x3F7, 1, 1) IRQNoFlags () {6}
  //   DMA (Compatibility, NotBusMaster, Transfer8) {2} }) }, as iasl encodes it.
  const Bytes fdc0{0x5b, 0x82, 0x30, 'F', 'D', 'C', '0', 0x08, '_', 'H', 'I', 'D', 0x0c, 0x41, 0xd0, 0x07, 0x00,
                   0x08, '_', 'C', 'R', 'S', 0x11, 0x1b, 0x0a, 0x18,
                   0x47, 0x01, 0xf0, 0x03, 0xf0, 0x03, 0x01, 0x06,
                   0x47, 0x01, 0xf7, 0x03, 0xf7, 0x03, 0x01, 0x01,
                   0x22, 0x40, 0x00,
                   0x2a, 0x04, 0x00,
                   0x79, 0x00};
  for (bool fdc : {false, true}) {
    AcpiDescription d = board(1);
    d.fdc = fdc;
    const AcpiTables t = build_acpi_tables(d);
    Bytes tables, rsdp;
    t.link(0x7ff0000, tables, rsdp);
    const bool found = std::search(tables.begin(), tables.end(), fdc0.begin(), fdc0.end()) != tables.end();
    CHECK(found == fdc);
    // The keyboard is there either way, its _CRS ended as before.
    const Bytes kbd_crs{0x47, 0x01, 0x60, 0x00, 0x60, 0x00, 0x01, 0x01, 0x47, 0x01, 0x64, 0x00,
                        0x64, 0x00, 0x01, 0x01, 0x22, 0x02, 0x00, 0x79, 0x00};
    CHECK(std::search(tables.begin(), tables.end(), kbd_crs.begin(), kbd_crs.end()) != tables.end());
  }
}

TEST_CASE("ACPI loader script: SeaBIOS's linking gives what link() gives", "[acpi]") {
  const AcpiTables t = build_acpi_tables(board(2));
  constexpr uint64_t kBase = 0x7fe0040, kRsdpAt = 0xf5a70;
  Bytes tables, rsdp;
  t.link(kBase, tables, rsdp);
  const auto files = run_loader(t, {{kAcpiTablesFile, kBase}, {kAcpiRsdpFile, kRsdpAt}});
  CHECK(files.at(kAcpiTablesFile) == tables);
  CHECK(files.at(kAcpiRsdpFile) == rsdp);
}

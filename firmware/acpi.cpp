#include "firmware/acpi.h"

#include <algorithm>
#include <cstring>
#include <tuple>

namespace kiln::firmware {

namespace {

using Bytes = std::vector<uint8_t>;

void put_le(Bytes& out, uint64_t v, unsigned bytes) {
  for (unsigned i = 0; i < bytes; i++) out.push_back(uint8_t(v >> (8 * i)));
}
void set_le(Bytes& out, size_t off, uint64_t v, unsigned bytes) {
  for (unsigned i = 0; i < bytes; i++) out[off + i] = uint8_t(v >> (8 * i));
}
uint64_t get_le(const Bytes& in, size_t off, unsigned bytes) {
  uint64_t v = 0;
  for (unsigned i = 0; i < bytes; i++) v |= uint64_t(in[off + i]) << (8 * i);
  return v;
}
void put_text(Bytes& out, const char* s, size_t n) {  // padded with spaces, as ACPI's ID fields
  for (size_t i = 0; i < n; i++) out.push_back(uint8_t(i < std::strlen(s) ? s[i] : ' '));
}
void append(Bytes& out, const Bytes& more) { out.insert(out.end(), more.begin(), more.end()); }

// ---- A tiny AML encoder (ACPI spec chapter 20): just what the DSDT needs ----
namespace aml {

// PkgLength: the length of what follows the opcode, itself included; one
// byte up to 63, else a lead byte (count of following bytes in bits 7:6,
// the low nibble in 3:0) and up to three more bytes.
Bytes package_length(size_t body) {
  if (body + 1 <= 0x3f) return {uint8_t(body + 1)};
  for (unsigned extra = 1; extra <= 3; extra++) {
    const size_t total = body + 1 + extra;
    if (total < (size_t(1) << (4 + 8 * extra))) {
      Bytes out{uint8_t(extra << 6 | (total & 0xf))};
      for (unsigned i = 0; i < extra; i++) out.push_back(uint8_t(total >> (4 + 8 * i)));
      return out;
    }
  }
  return {};  // over 256 MiB: never for these tables
}
Bytes with_length(const Bytes& opcode, const Bytes& body) {  // opcode, PkgLength, body
  Bytes out = opcode;
  append(out, package_length(body.size()));
  append(out, body);
  return out;
}
// A NameString: "\\" (the root) and/or NameSegs of four characters joined by '.'.
Bytes name(const std::string& path) {
  Bytes out;
  size_t i = 0;
  if (!path.empty() && path[0] == '\\') {
    out.push_back('\\');
    i = 1;
  }
  std::vector<std::string> segs;
  for (size_t dot; i <= path.size(); i = dot + 1) {
    dot = path.find('.', i);
    if (dot == std::string::npos) dot = path.size();
    segs.push_back(path.substr(i, dot - i));
  }
  if (segs.size() == 2) out.push_back(0x2e);  // DualNamePrefix
  if (segs.size() > 2) out.insert(out.end(), {0x2f, uint8_t(segs.size())});  // MultiNamePrefix
  for (const std::string& s : segs) put_text(out, s.c_str(), 4);
  return out;
}
Bytes integer(uint64_t v) {
  if (v == 0) return {0x00};  // ZeroOp
  if (v == 1) return {0x01};  // OneOp
  Bytes out;
  const unsigned bytes = v <= 0xff ? 1 : v <= 0xffff ? 2 : v <= 0xffffffff ? 4 : 8;
  out.push_back(bytes == 1 ? 0x0a : bytes == 2 ? 0x0b : bytes == 4 ? 0x0c : 0x0e);  // Byte/Word/DWord/QWordPrefix
  put_le(out, v, bytes);
  return out;
}
// EISAID("PNPxxxx"): three letters in 5 bits each and four hex digits, stored big-endian.
uint32_t eisa_id(const char* id) {
  const uint32_t letters = uint32_t(id[0] - '@') << 10 | uint32_t(id[1] - '@') << 5 | uint32_t(id[2] - '@');
  const uint32_t product = uint32_t(std::stoul(std::string(id + 3, 4), nullptr, 16));
  return (letters >> 8) | (letters & 0xff) << 8 | (product >> 8) << 16 | (product & 0xff) << 24;
}
Bytes name_decl(const std::string& n, const Bytes& value) {  // Name(n, value)
  Bytes out{0x08};
  append(out, name(n));
  append(out, value);
  return out;
}
Bytes package(const std::vector<Bytes>& elements) {  // Package(n) { ... }
  Bytes body{uint8_t(elements.size())};
  for (const Bytes& e : elements) append(body, e);
  return with_length({0x12}, body);
}
Bytes buffer(const Bytes& data) {  // Buffer(size) { data }
  Bytes body = integer(data.size());
  append(body, data);
  return with_length({0x11}, body);
}
Bytes scope(const std::string& n, const Bytes& terms) {
  Bytes body = name(n);
  append(body, terms);
  return with_length({0x10}, body);
}
Bytes device(const std::string& n, const Bytes& terms) {
  Bytes body = name(n);
  append(body, terms);
  return with_length({0x5b, 0x82}, body);  // ExtOpPrefix DeviceOp
}
Bytes method(const std::string& n, uint8_t args, const Bytes& terms) {  // Method(n, args, NotSerialized) { terms }
  Bytes body = name(n);
  body.push_back(uint8_t(args & 7));
  append(body, terms);
  return with_length({0x14}, body);
}

}  // namespace aml

// ---- Resource descriptors for _CRS (ACPI spec 6.4) ----
namespace res {

// A Word Address Space Descriptor (bus numbers or I/O ports), min and max fixed.
Bytes word_space(uint8_t type, uint8_t type_flags, uint16_t min, uint16_t max) {
  Bytes out{0x88, 0x0d, 0x00, type, 0x0c, type_flags};
  put_le(out, 0, 2);  // granularity
  put_le(out, min, 2);
  put_le(out, max, 2);
  put_le(out, 0, 2);  // translation
  put_le(out, uint32_t(max) - min + 1, 2);
  return out;
}
constexpr uint8_t kMemory = 0, kIo = 1, kBusNumber = 2;
constexpr uint8_t kIoEntireRange = 3, kMemoryCacheableReadWrite = 3;
// A DWord Address Space Descriptor for memory.
Bytes dword_memory(uint32_t min, uint32_t max) {
  Bytes out{0x87, 0x17, 0x00, kMemory, 0x0c, kMemoryCacheableReadWrite};
  put_le(out, 0, 4);
  put_le(out, min, 4);
  put_le(out, max, 4);
  put_le(out, 0, 4);
  put_le(out, uint64_t(max) - min + 1, 4);
  return out;
}
// A fixed-length I/O port descriptor (16-bit decode).
Bytes io(uint16_t base, uint8_t count) {
  Bytes out{0x47, 0x01};
  put_le(out, base, 2);
  put_le(out, base, 2);
  out.insert(out.end(), {0x01, count});
  return out;
}
// An IRQ descriptor without flags (edge, active high): the IRQ's bit in a 16-bit mask.
Bytes irq(uint8_t n) { return {0x22, uint8_t(1u << n), uint8_t((1u << n) >> 8)}; }
// A DMA descriptor: the channel's bit; compatibility timing, not a bus master, 8-bit transfers.
Bytes dma(uint8_t channel) { return {0x2a, uint8_t(1u << channel), 0x00}; }
// Extended interrupt descriptor: one interrupt, consumer, level-triggered, active high, shared.
Bytes shared_level_irq(uint32_t n) {
  Bytes out{0x89, 0x06, 0x00, 0x01 | 0x08, 0x01};
  put_le(out, n, 4);
  return out;
}
const Bytes kEndTag{0x79, 0x00};

}  // namespace res

constexpr unsigned kHeaderBytes = 36, kChecksumAt = 9;

// The standard table header; the length is filled in by finish_table.
Bytes table_header(const char* signature, uint8_t revision, const char* table_id) {
  Bytes out;
  put_text(out, signature, 4);
  put_le(out, 0, 4);  // length
  out.push_back(revision);
  out.push_back(0);   // checksum
  put_text(out, "KILN", 6);
  put_text(out, table_id, 8);
  put_le(out, 1, 4);  // OEM revision
  put_text(out, "KILN", 4);
  put_le(out, 1, 4);  // creator revision
  return out;
}

// Builds the tables blob one table after another, noting each table's checksum.
class Builder {
 public:
  uint32_t add(Bytes table, bool with_header = true) {
    while (out_.tables.size() % 8) out_.tables.push_back(0);
    const uint32_t at = uint32_t(out_.tables.size());
    if (with_header) {
      set_le(table, 4, table.size(), 4);
      checksums_.push_back({false, at + kChecksumAt, at, uint32_t(table.size())});
    }
    append(out_.tables, table);
    return at;
  }
  // A pointer field at `offset` (of the tables blob, or of the RSDP) to the tables blob's `target`.
  void point(bool in_rsdp, uint32_t offset, uint8_t size, uint32_t target) {
    Bytes& blob = in_rsdp ? out_.rsdp : out_.tables;
    set_le(blob, offset, target, size);
    out_.pointers.push_back({in_rsdp, offset, size});
  }
  Bytes& tables() { return out_.tables; }
  Bytes& rsdp() { return out_.rsdp; }
  AcpiTables finish(const std::vector<AcpiChecksum>& rsdp_checksums) {
    out_.checksums = checksums_;
    out_.checksums.insert(out_.checksums.end(), rsdp_checksums.begin(), rsdp_checksums.end());
    return std::move(out_);
  }

 private:
  AcpiTables out_;
  std::vector<AcpiChecksum> checksums_;
};

Bytes facs() {
  Bytes out;
  put_text(out, "FACS", 4);
  put_le(out, 64, 4);
  out.resize(32, 0);   // hardware signature, waking vector, global lock, flags, X waking vector
  out.push_back(1);    // version (ACPI 2.0 on)
  out.resize(64, 0);
  return out;
}

// Device (name) { Name (_HID, EISAID (hid)) Name (_CRS, ResourceTemplate () { resources }) }.
Bytes isa_device(const char* name, const char* hid, Bytes resources) {
  append(resources, res::kEndTag);
  Bytes body = aml::name_decl("_HID", aml::integer(aml::eisa_id(hid)));
  append(body, aml::name_decl("_CRS", aml::buffer(resources)));
  return aml::device(name, body);
}

Bytes dsdt(const AcpiDescription& d) {
  Bytes crs;
  append(crs, res::word_space(res::kBusNumber, 0, 0x00, 0xff));
  append(crs, res::io(0xcf8, 8));  // the configuration ports the bridge itself takes
  append(crs, res::word_space(res::kIo, res::kIoEntireRange, 0x0000, 0x0cf7));
  append(crs, res::word_space(res::kIo, res::kIoEntireRange, 0x0d00, 0xffff));
  append(crs, res::dword_memory(0x000a0000, 0x000bffff));  // the legacy VGA window
  if (d.pci_memory_end > d.pci_memory_base) append(crs, res::dword_memory(d.pci_memory_base, d.pci_memory_end));
  append(crs, res::kEndTag);
  Bytes pci0;
  append(pci0, aml::name_decl("_HID", aml::integer(aml::eisa_id("PNP0A03"))));
  append(pci0, aml::name_decl("_ADR", aml::integer(0)));
  append(pci0, aml::name_decl("_UID", aml::integer(0)));
  append(pci0, aml::name_decl("_CRS", aml::buffer(crs)));
  // _PRT: per slot and pin, Package {address (slot << 16 | 0xFFFF: any function), pin, the PIRQ's link
  // device, Zero}. Through a link (PNP0C0F) whose one possible and current interrupt is its IRQ, level,
  // active high: a _PRT entry naming a GSI directly is taken by Linux as level, active LOW (the PCI
  // pins' own polarity) whatever the MADT overrides say, and the PIIX3 drives the IRQ lines high.
  // _SRS accepts anything (the routes are fixed); _DIS does nothing.
  std::vector<Bytes> routes;
  Bytes links;
  for (unsigned slot = 0; slot < 32; slot++)
    for (unsigned pin = 0; pin < 4; pin++)
      if (const unsigned pirq = (slot + pin + 3) % 4; d.pirq_irqs[pirq])
        routes.push_back(aml::package({aml::integer(slot << 16 | 0xffff), aml::integer(pin),
                                       aml::name(std::string("\\_SB_.LNK") + char('A' + pirq)), aml::integer(0)}));
  for (unsigned pirq = 0; pirq < 4; pirq++) {
    if (!d.pirq_irqs[pirq]) continue;
    Bytes irq = res::shared_level_irq(d.pirq_irqs[pirq]);
    append(irq, res::kEndTag);
    Bytes link = aml::name_decl("_HID", aml::integer(aml::eisa_id("PNP0C0F")));
    append(link, aml::name_decl("_UID", aml::integer(pirq + 1)));
    append(link, aml::name_decl("_PRS", aml::buffer(irq)));
    append(link, aml::name_decl("_CRS", aml::buffer(irq)));
    append(link, aml::method("_SRS", 1, {}));
    append(link, aml::method("_DIS", 0, {}));
    append(links, aml::device(std::string("LNK") + char('A' + pirq), link));
  }
  if (!routes.empty()) append(pci0, aml::name_decl("_PRT", aml::package(routes)));
  // The PIIX3's ISA bridge (01.0) and the 8042's keyboard behind it, and the floppy controller.
  Bytes kbd_crs = res::io(d.kbd_data_port, 1);
  append(kbd_crs, res::io(d.kbd_command_port, 1));
  append(kbd_crs, res::irq(d.kbd_irq));
  Bytes isa = aml::name_decl("_ADR", aml::integer(0x00010000));
  append(isa, isa_device("KBD_", "PNP0303", kbd_crs));
  if (d.fdc) {
    Bytes fdc_crs = res::io(d.fdc_base, d.fdc_ports);
    append(fdc_crs, res::io(d.fdc_dir_port, 1));
    append(fdc_crs, res::irq(d.fdc_irq));
    append(fdc_crs, res::dma(d.fdc_dma));
    append(isa, isa_device("FDC0", "PNP0700", fdc_crs));
  }
  append(pci0, aml::device("ISA_", isa));
  Bytes out = table_header("DSDT", 2, "KILNDSDT");
  // \_S5: SLP_TYPa, SLP_TYPb (no PM1b block), two reserved.
  append(out, aml::name_decl("_S5_", aml::package({aml::integer(d.s5_sleep_type), aml::integer(d.s5_sleep_type),
                                                   aml::integer(0), aml::integer(0)})));
  Bytes sb = aml::device("PCI0", pci0);
  append(sb, links);
  append(out, aml::scope("\\_SB_", sb));
  return out;
}

// FADT revision 3 (ACPI 2.0's 244 bytes); FIRMWARE_CTRL and DSDT are set by the caller.
constexpr unsigned kFadtBytes = 244, kFadtFacs = 36, kFadtDsdt = 40, kFadtXDsdt = 140;
Bytes fadt(const AcpiDescription& d) {
  Bytes out = table_header("FACP", 3, "KILNFACP");
  out.resize(kFadtBytes, 0);
  out[45] = 0;  // preferred PM profile: unspecified
  set_le(out, 46, d.sci_irq, 2);
  set_le(out, 48, 0, 4);  // SMI_CMD 0: always in ACPI mode, no transition to ask for
  set_le(out, 56, d.pm_base + 0x0, 4);  // PM1a_EVT_BLK
  set_le(out, 64, d.pm_base + 0x4, 4);  // PM1a_CNT_BLK
  set_le(out, 76, d.pm_base + 0x8, 4);  // PM_TMR_BLK
  set_le(out, 80, d.pm_base + 0xc, 4);  // GPE0_BLK
  out[88] = 4;  // PM1_EVT_LEN
  out[89] = 2;  // PM1_CNT_LEN
  out[91] = 4;  // PM_TMR_LEN
  out[92] = 4;  // GPE0_BLK_LEN
  set_le(out, 96, 0xfff, 2);   // P_LVL2_LAT over 100: no C2
  set_le(out, 98, 0xffff, 2);  // P_LVL3_LAT over 1000: no C3
  out[108] = d.rtc_century;
  set_le(out, 109, 0x0003, 2);  // IAPC_BOOT_ARCH: legacy devices, an 8042
  // Flags: WBINVD, PROC_C1, PWR_BUTTON and SLP_BUTTON (none as fixed features), RESET_REG_SUP.
  set_le(out, 112, 1u << 0 | 1u << 2 | 1u << 4 | 1u << 5 | 1u << 10, 4);
  // RESET_REG: a byte in system I/O space.
  out[116] = 1;
  out[117] = 8;
  out[118] = 0;
  out[119] = 1;
  set_le(out, 120, d.reset_port, 8);
  out[128] = d.reset_value;
  return out;
}

Bytes madt(const AcpiDescription& d) {
  Bytes out = table_header("APIC", 1, "KILNAPIC");
  put_le(out, d.lapic_address, 4);
  put_le(out, 1, 4);  // PCAT_COMPAT: there are 8259As too
  for (unsigned cpu = 0; cpu < d.cpus; cpu++)  // Processor Local APIC: UID, APIC ID, enabled
    out.insert(out.end(), {0, 8, uint8_t(cpu), uint8_t(cpu), 1, 0, 0, 0});
  out.insert(out.end(), {1, 12, d.ioapic_id, 0});  // I/O APIC
  put_le(out, d.ioapic_address, 4);
  put_le(out, 0, 4);  // GSI base
  // Interrupt Source Overrides (ISA bus): IRQ0 on GSI 2 (bus conformant), the SCI level, active high.
  auto iso = [&](uint8_t irq, uint32_t gsi, uint16_t flags) {
    out.insert(out.end(), {2, 10, 0, irq});
    put_le(out, gsi, 4);
    put_le(out, flags, 2);
  };
  constexpr uint16_t kLevelActiveHigh = 0x1 | 0x3 << 2;
  iso(0, 2, 0);
  iso(d.sci_irq, d.sci_irq, kLevelActiveHigh);
  // The PCI interrupts' IRQs: the PIIX3 drives them high while a PIRQ routed there is asserted.
  std::vector<uint8_t> pci_irqs;
  for (uint8_t irq : d.pirq_irqs)
    if (irq && irq != d.sci_irq && std::find(pci_irqs.begin(), pci_irqs.end(), irq) == pci_irqs.end()) pci_irqs.push_back(irq);
  for (uint8_t irq : pci_irqs) iso(irq, irq, kLevelActiveHigh);
  // Local APIC NMI: every processor's LINT1, bus conformant.
  out.insert(out.end(), {4, 6, 0xff, 0, 0, 1});
  return out;
}

}  // namespace

AcpiTables build_acpi_tables(const AcpiDescription& d) {
  Builder b;
  const uint32_t facs_at = b.add(facs(), false);
  const uint32_t dsdt_at = b.add(dsdt(d));
  const uint32_t fadt_at = b.add(fadt(d));
  b.point(false, fadt_at + kFadtFacs, 4, facs_at);
  b.point(false, fadt_at + kFadtDsdt, 4, dsdt_at);
  b.point(false, fadt_at + kFadtXDsdt, 8, dsdt_at);
  const uint32_t madt_at = b.add(madt(d));
  const std::vector<uint32_t> listed{fadt_at, madt_at};
  Bytes rsdt = table_header("RSDT", 1, "KILNRSDT"), xsdt = table_header("XSDT", 1, "KILNXSDT");
  rsdt.resize(kHeaderBytes + 4 * listed.size(), 0);
  xsdt.resize(kHeaderBytes + 8 * listed.size(), 0);
  const uint32_t rsdt_at = b.add(rsdt), xsdt_at = b.add(xsdt);
  for (size_t i = 0; i < listed.size(); i++) {
    b.point(false, uint32_t(rsdt_at + kHeaderBytes + 4 * i), 4, listed[i]);
    b.point(false, uint32_t(xsdt_at + kHeaderBytes + 8 * i), 8, listed[i]);
  }
  // RSDP revision 2: signature, checksum (first 20 bytes), OEM ID, revision,
  // RSDT, length, XSDT, extended checksum (all 36), reserved.
  Bytes& rsdp = b.rsdp();
  put_text(rsdp, "RSD PTR ", 8);
  rsdp.push_back(0);
  put_text(rsdp, "KILN", 6);
  rsdp.push_back(2);
  put_le(rsdp, 0, 4);
  put_le(rsdp, 36, 4);
  put_le(rsdp, 0, 8);
  rsdp.insert(rsdp.end(), {0, 0, 0, 0});
  b.point(true, 16, 4, rsdt_at);
  b.point(true, 24, 8, xsdt_at);
  return b.finish({{true, 8, 0, 20}, {true, 32, 0, 36}});
}

void AcpiTables::link(uint64_t tables_at, Bytes& tables_out, Bytes& rsdp_out) const {
  tables_out = tables;
  rsdp_out = rsdp;
  for (const AcpiPointer& p : pointers) {
    Bytes& blob = p.in_rsdp ? rsdp_out : tables_out;
    set_le(blob, p.offset, get_le(blob, p.offset, p.size) + tables_at, p.size);
  }
  for (const AcpiChecksum& c : checksums) {
    Bytes& blob = c.in_rsdp ? rsdp_out : tables_out;
    uint8_t sum = 0;
    for (uint32_t i = c.start; i < c.start + c.length; i++) sum = uint8_t(sum + blob[i]);
    blob[c.offset] = uint8_t(blob[c.offset] - sum);
  }
}

std::vector<uint8_t> AcpiTables::loader_script() const {
  constexpr unsigned kEntryBytes = 128, kFileBytes = 56;
  constexpr uint32_t kAllocate = 1, kAddPointer = 2, kAddChecksum = 3;
  constexpr uint8_t kZoneHigh = 1, kZoneFseg = 2;
  Bytes out;
  auto entry = [&](uint32_t command) {
    out.resize(out.size() + kEntryBytes, 0);
    const size_t at = out.size() - kEntryBytes;
    set_le(out, at, command, 4);
    return at;
  };
  auto put_file = [&](size_t at, const char* file) { std::memcpy(&out[at], file, std::min<size_t>(std::strlen(file), kFileBytes - 1)); };
  auto file_of = [](bool in_rsdp) { return in_rsdp ? kAcpiRsdpFile : kAcpiTablesFile; };
  for (auto [file, align, zone] : {std::tuple{kAcpiTablesFile, kAcpiTablesAlign, kZoneHigh}, std::tuple{kAcpiRsdpFile, 16u, kZoneFseg}}) {
    const size_t at = entry(kAllocate);
    put_file(at + 4, file);
    set_le(out, at + 4 + kFileBytes, align, 4);
    out[at + 8 + kFileBytes] = zone;
  }
  for (const AcpiPointer& p : pointers) {
    const size_t at = entry(kAddPointer);
    put_file(at + 4, file_of(p.in_rsdp));
    put_file(at + 4 + kFileBytes, kAcpiTablesFile);
    set_le(out, at + 4 + 2 * kFileBytes, p.offset, 4);
    out[at + 8 + 2 * kFileBytes] = p.size;
  }
  for (const AcpiChecksum& c : checksums) {
    const size_t at = entry(kAddChecksum);
    put_file(at + 4, file_of(c.in_rsdp));
    set_le(out, at + 4 + kFileBytes, c.offset, 4);
    set_le(out, at + 8 + kFileBytes, c.start, 4);
    set_le(out, at + 12 + kFileBytes, c.length, 4);
  }
  return out;
}

}  // namespace kiln::firmware

// ACPI tables for an x86 board (ACPI 6.x spec, chapter 5), generated from
// the board's description: an RSDP (revision 2), RSDT and XSDT, a FADT
// (revision 3) with its FACS and a DSDT, and a MADT. The DSDT's AML is
// encoded by hand (AcpiDescription says what it holds): \_S5 for soft-off
// and \_SB.PCI0, the PCI host bridge with the resources it decodes and its
// interrupt routing (_PRT), and the ISA bridge's PS/2 keyboard and, if the
// board has one, floppy controller.
//
// The tables come as two blobs, QEMU's fw_cfg files "etc/acpi/tables" (FACS
// first, then DSDT, FADT, MADT, RSDT, XSDT) and "etc/acpi/rsdp", with the
// pointers between them still offsets into the tables blob and their
// checksums not yet final. link() fixes them for guest addresses
// (Kiln's own loader); loader_script() is the same work as QEMU's
// "etc/table-loader" commands, for SeaBIOS to do wherever it puts them.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace kiln::firmware {

struct AcpiDescription {
  unsigned cpus = 1;  // one Processor Local APIC entry each, APIC IDs 0..cpus-1
  uint32_t lapic_address = 0xfee00000;
  uint8_t ioapic_id = 0;
  uint32_t ioapic_address = 0xfec00000;
  // The PM register block (PIIX4 layout: PM1 status/enable at +0, PM1
  // control at +4, the PM timer at +8, GPE0 status/enable at +0xC).
  uint16_t pm_base = 0;
  uint8_t sci_irq = 9;
  uint16_t reset_port = 0xcf9;
  uint8_t reset_value = 6;
  uint8_t rtc_century = 0x32;  // the CMOS byte holding the century
  uint8_t s5_sleep_type = 0;   // PM1 control's SLP_TYP for soft-off
  // What PCI0's _CRS offers: I/O ports outside the configuration ports
  // (0xCF8-0xCFF) and the memory window [pci_memory_base, pci_memory_end].
  uint32_t pci_memory_base = 0, pci_memory_end = 0;
  // The ISA IRQ each of PIRQA-D is routed to (0: not routed), where pin p
  // (0-3: INTA-INTD) of slot s goes to PIRQ[(s + p - 1) mod 4], as the PIIX3 has
  // it: PCI0's _PRT through link devices \\_SB.LNKA-LNKD (level, active high)
  // and a level, active-high override per IRQ.
  std::array<uint8_t, 4> pirq_irqs{};
  // The 8042's keyboard port, as \_SB.PCI0.ISA.KBD (PNP0303): SeaBIOS looks
  // for it before it sets up the PS/2 keyboard, Linux's i8042 driver too.
  uint16_t kbd_data_port = 0x60, kbd_command_port = 0x64;
  uint8_t kbd_irq = 1;
  // The floppy controller, as \_SB.PCI0.ISA.FDC0 (PNP0700), as QEMU's DSDT
  // has it: its ports (fdc_ports from fdc_base, and the digital input port),
  // IRQ and ISA DMA channel (8-bit, compatibility timing). None without `fdc`.
  bool fdc = false;
  uint16_t fdc_base = 0x3f0, fdc_dir_port = 0x3f7;
  uint8_t fdc_ports = 6, fdc_irq = 6, fdc_dma = 2;
};

// A pointer field the loader must add a blob's guest address to.
struct AcpiPointer {
  bool in_rsdp;      // the field lies in the RSDP blob (else in the tables blob)
  uint32_t offset;   // of the field in its blob
  uint8_t size;      // 4 or 8 bytes
  // The field points into the tables blob (the RSDP is never pointed at).
};
// A checksum byte to set so that [start, start + length) sums to zero.
struct AcpiChecksum {
  bool in_rsdp;
  uint32_t offset, start, length;
};

struct AcpiTables {
  std::vector<uint8_t> tables, rsdp;
  std::vector<AcpiPointer> pointers;
  std::vector<AcpiChecksum> checksums;  // after the pointers: they cover them

  // Both blobs ready to copy, the tables blob to `tables_at` (the RSDP may go
  // anywhere: nothing points at it).
  void link(uint64_t tables_at, std::vector<uint8_t>& tables_out, std::vector<uint8_t>& rsdp_out) const;
  // QEMU's linker/loader script (fw_cfg "etc/table-loader"): ALLOCATE each
  // blob (tables: 64-byte aligned, high memory; RSDP: 16-byte aligned, the
  // F segment), then ADD_POINTER and ADD_CHECKSUM as above.
  std::vector<uint8_t> loader_script() const;
};

inline constexpr const char* kAcpiTablesFile = "etc/acpi/tables";
inline constexpr const char* kAcpiRsdpFile = "etc/acpi/rsdp";
inline constexpr const char* kTableLoaderFile = "etc/table-loader";
// The FACS comes first in the tables blob: 64-byte alignment of the blob suffices.
inline constexpr uint32_t kAcpiTablesAlign = 64;

AcpiTables build_acpi_tables(const AcpiDescription& d);

}  // namespace kiln::firmware

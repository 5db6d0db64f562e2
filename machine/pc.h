// The `pc` board's constant map (-M pc): RAM from 0, a -bios ROM image just
// below 4 GiB, and below 1 MiB the i440FX's PAM segments (0xC0000-0xFFFFF),
// which at reset show the image's last 128 KiB (all of a 64 KiB image) at the
// top of 1 MiB, where the CPU's reset vector F000:FFF0 finds it, until
// firmware switches them to shadow RAM (machine/pc_pci.h). The I/O port space
// has PCI configuration mechanism #1, the 8259A pair and the 8254 PIT, the
// system devices (RTC/CMOS, fw_cfg, 8042, ports 0x92/0xCF9/0x80; each names
// its ports) and the ISA devices the command line names (isa-debug-exit,
// isa-debugcon). 0xA0000-0xBFFFF is RAM, with the VGA's window over it when
// the board has a VGA (ports 0x3B0-0x3DF and 0x1CE-0x1D0 then too).
#pragma once
#include <cstdint>

namespace kiln::machine::pc {

constexpr uint64_t kKiB = 1024;
// -bios: 64 KiB to 256 KiB, a multiple of 64 KiB (QEMU also wants whole 64 KiB units).
constexpr uint64_t kBiosUnit = 64 * kKiB, kBiosMaxBytes = 256 * kKiB;
constexpr uint64_t kBiosTop = 1ull << 32;  // the image ends at 4 GiB
// The PAM segments (shadow RAM or the image's last 128 KiB or less, QEMU's
// "isa-bios", ending at 1 MiB) from kShadowBase to kMirrorTop.
constexpr uint64_t kShadowBase = 0xc0000, kMirrorTop = 0x100000;
// Where a BIOS places option ROMs: 0xC0000-0xDFFFF (-option-rom files are at most this big).
constexpr uint64_t kOptionRomAreaBytes = 128 * kKiB;
// RAM below 4 GiB ends here at most; the rest goes above 4 GiB (QEMU's i440fx split).
constexpr uint64_t kLowRamMaxEnd = 0xE0000000;
constexpr uint64_t kHighRamBase = 1ull << 32;
// How much of -m lies below 4 GiB (the rest is from kHighRamBase on).
constexpr uint64_t ram_below_4g(uint64_t ram_bytes) { return ram_bytes < kLowRamMaxEnd ? ram_bytes : kLowRamMaxEnd; }

// Where the PIIX4 PM registers (the ACPI fixed hardware) sit: SeaBIOS puts
// them at 0x600 when fw_cfg has "etc/table-loader" (the tables are then the
// board's, which say 0x600, as QEMU's do), Kiln's direct Linux boot too.
constexpr uint16_t kAcpiPmBase = 0x600;
// The ISA IRQs PCI interrupts PIRQA-D are routed to: SeaBIOS's choice (its
// pci_irqs), which Kiln's direct Linux boot makes too and the ACPI tables describe.
constexpr uint8_t kPirqIrqs[4] = {10, 10, 11, 11};
// The direct Linux boot's ACPI tables: in the top 64 KiB below 1 MiB (shadow
// RAM, reserved in e820), the RSDP first, where Linux's scan of
// 0xE0000-0xFFFFF finds it, then the tables, 64-byte aligned for the FACS.
constexpr uint64_t kAcpiRsdpAddr = 0xf0000, kAcpiTablesAddr = 0xf0040;

// The ISA devices' ports when the command line does not say (QEMU's defaults).
constexpr uint32_t kDebugExitBase = 0x501, kDebugExitPorts = 2;  // isa-debug-exit
constexpr uint32_t kDebugconBase = 0xe9;                         // isa-debugcon, -debugcon

// Kiln's exit status when the CPU halts with nothing left to wake it (HLT with
// IF=0, or with IF=1 while the PIC masks every input). Even, so distinct from
// isa-debug-exit's odd statuses, and not 0 (power-off) or 2 (bad arguments).
constexpr int kExitHalted = 4;
// With -no-reboot, a triple fault (shutdown) ends Kiln with this status.
constexpr int kExitTripleFault = 6;

}  // namespace kiln::machine::pc

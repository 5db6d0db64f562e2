// The `pc` board's constant map (-M pc), as far as issue 13 builds it: enough
// for CPU test ROMs. RAM from 0, a -bios ROM image just below 4 GiB with its
// last 128 KiB (all of a 64 KiB image) mirrored read-only below 1 MiB, where
// the CPU's reset vector F000:FFF0 finds it, and the I/O port space with the
// ISA devices the command line names (isa-debug-exit, isa-debugcon), the
// 8259A pair and the 8254 PIT, and the system devices (RTC/CMOS, fw_cfg,
// 8042, ports 0x92/0xCF9/0x80; each names its ports). PCI and SeaBIOS come
// with the PC-board issue; until then the 0xA0000-0xDFFFF window is plain RAM.
#pragma once
#include <cstdint>

namespace kiln::machine::pc {

constexpr uint64_t kKiB = 1024;
// -bios: 64 KiB to 256 KiB, a multiple of 64 KiB (QEMU also wants whole 64 KiB units).
constexpr uint64_t kBiosUnit = 64 * kKiB, kBiosMaxBytes = 256 * kKiB;
constexpr uint64_t kBiosTop = 1ull << 32;  // the image ends at 4 GiB
// The mirror below 1 MiB (QEMU's "isa-bios"): the image's last 128 KiB or less, ending at 1 MiB.
constexpr uint64_t kMirrorTop = 0x100000, kMirrorMaxBytes = 128 * kKiB;
// RAM below 4 GiB ends here at most; the rest goes above 4 GiB (QEMU's i440fx split).
constexpr uint64_t kLowRamMaxEnd = 0xE0000000;
constexpr uint64_t kHighRamBase = 1ull << 32;
// How much of -m lies below 4 GiB (the rest is from kHighRamBase on).
constexpr uint64_t ram_below_4g(uint64_t ram_bytes) { return ram_bytes < kLowRamMaxEnd ? ram_bytes : kLowRamMaxEnd; }

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

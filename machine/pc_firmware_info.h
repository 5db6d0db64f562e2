// What the `pc` board tells its firmware, generated from the board's own map
// (machine/pc.h) and configuration: the CMOS bytes a BIOS reads (as QEMU's pc
// fills them and SeaBIOS reads them), fw_cfg's items (RAM size, CPU counts,
// the e820 map, boot settings) and the RTC's start time from -rtc base=.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "devices/pc/fw_cfg.h"
#include "devices/pc/mc146818.h"
#include "firmware/acpi.h"

namespace kiln::machine::pc {

// A hard disk's default CHS geometry, for the CMOS.
struct DiskGeometry {
  uint16_t cylinders, heads, sectors;
};

struct FirmwareFacts {
  uint64_t ram_bytes = 0;
  unsigned cpus = 1;
  // QEMU's -boot order letters: a/b floppy, c first hard disk, d CD-ROM, n network (QEMU's pc default: "cad").
  std::string boot_order = "cad";
  // The primary IDE channel's master and slave, if hard disks (CMOS 0x12, 0x19-0x2C).
  std::array<std::optional<DiskGeometry>, 2> ide_disks{};
  // The CMOS types of floppy drives A: and B: (0: none; 2 1.2M, 3 720K, 4 1.44M, 5 2.88M).
  std::array<uint8_t, 2> floppy_types{};
  // The board has the floppy controller (the DSDT then describes it).
  bool fdc = false;
};

// CMOS bytes (IBM AT layout plus the Bochs/QEMU extensions SeaBIOS reads).
namespace cmos {
constexpr uint8_t kFloppyTypes = 0x10, kDiskTypes = 0x12, kEquipment = 0x14, kBaseMemLow = 0x15,
                  kBaseMemHigh = 0x16, kExtMemLow = 0x17, kExtMemHigh = 0x18, kChecksumHigh = 0x2e,
                  kChecksumLow = 0x2f, kExtMem2Low = 0x30, kExtMem2High = 0x31, kMemAbove16MLow = 0x34,
                  kMemAbove16MHigh = 0x35, kBootFlags1 = 0x38, kBootFlags2 = 0x3d, kMemAbove4GLow = 0x5b,
                  kMemAbove4GMid = 0x5c, kMemAbove4GHigh = 0x5d, kCpusMinusOne = 0x5f;
// Disk 0's and 1's extended types (47: user-defined) and their 9-byte
// parameter blocks: cylinders (2), heads, write precompensation (2, 0xFFFF:
// none), control byte, landing zone (2), sectors per track.
constexpr uint8_t kDisk0Type = 0x19, kDisk1Type = 0x1a, kDisk0Params = 0x1b, kDisk1Params = 0x24;
// The AT checksum: the sum of 0x10-0x2D, big-endian in 0x2E-0x2F.
constexpr uint8_t kChecksumFirst = 0x10, kChecksumLast = 0x2d;
}  // namespace cmos

// The memory sizes, floppy drives, disks, equipment, CPU count and boot order, then the checksum.
void fill_cmos(devices::Mc146818& rtc, const FirmwareFacts& facts);

// The board's RAM as e820 sees it: RAM below 4 GiB from 0 (the BIOS carves
// its own holes out of it), and the RAM above 4 GiB. fw_cfg's table and the
// direct Linux boot's zero page both start from this.
struct RamRange {
  uint64_t base, size;
};
std::vector<RamRange> ram_ranges(uint64_t ram_bytes);

// One e820 entry as fw_cfg's "etc/e820" holds it: little-endian address,
// length (u64 each) and type (u32), packed.
constexpr uint32_t kE820Ram = 1;
constexpr size_t kE820EntryBytes = 20;
// ram_ranges() as fw_cfg's etc/e820.
std::vector<uint8_t> e820_table(uint64_t ram_bytes);

// The ACPI tables' description of the board (firmware/acpi.h): its CPUs,
// APICs, PM registers at kAcpiPmBase, SCI, reset register and PCI windows.
firmware::AcpiDescription acpi_description(const FirmwareFacts& facts);

// fw_cfg's keys and files for SeaBIOS, the ACPI tables among them (the
// "etc/acpi/tables", "etc/acpi/rsdp" and "etc/table-loader" files).
Status fill_fw_cfg(devices::FwCfg& fw, const FirmwareFacts& facts);

// -rtc base=utc|localtime|DATE (QEMU's spelling; DATE is 2006-06-17 or
// 2006-06-17T16:01:21, UTC): the RTC's time at the start, ns since 1970 of
// its broken-down time, from the host's clock now (`host_ns`).
Result<int64_t> rtc_start_ns(const std::string& base, int64_t host_ns);

}  // namespace kiln::machine::pc

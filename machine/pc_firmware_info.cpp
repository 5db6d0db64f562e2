#include "machine/pc_firmware_info.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <iterator>

#include "devices/pc/floppy.h"
#include "devices/pc/i8042.h"
#include "devices/pc/ioapic.h"
#include "devices/pc/lapic.h"
#include "devices/pci/piix4_pm.h"
#include "machine/pc.h"
#include "machine/pc_pci.h"

namespace kiln::machine::pc {

namespace {

constexpr uint64_t kMiB = 1024 * kKiB;

void put_le(std::vector<uint8_t>& out, uint64_t v, unsigned bytes) {
  for (unsigned i = 0; i < bytes; i++) out.push_back(uint8_t(v >> (8 * i)));
}

void set_cmos16(devices::Mc146818& rtc, uint8_t low, uint64_t v) {
  rtc.set_cmos(low, uint8_t(v));
  rtc.set_cmos(low + 1, uint8_t(v >> 8));
}

// The boot-device code of a -boot letter in the CMOS nibbles SeaBIOS reads.
uint8_t boot_code(char c) {
  switch (c) {
    case 'a': case 'b': return 1;  // floppy
    case 'c': return 2;            // hard disk
    case 'd': return 3;            // CD-ROM
    case 'n': return 4;            // network (the first BEV)
    default: return 0;
  }
}

}  // namespace

void fill_cmos(devices::Mc146818& rtc, const FirmwareFacts& facts) {
  const uint64_t low = ram_below_4g(facts.ram_bytes), high = facts.ram_bytes - low;
  rtc.set_cmos(cmos::kFloppyTypes, uint8_t(facts.floppy_types[0] << 4 | (facts.floppy_types[1] & 0x0f)));
  // Disks: type 0xF in 0x12's nibble (disk 0 high) sends the BIOS to the extended type, 47, with the geometry.
  uint8_t types = 0;
  for (unsigned i = 0; i < 2; i++) {
    const std::optional<DiskGeometry>& g = facts.ide_disks[i];
    if (!g) continue;
    types |= uint8_t(0x0F << (i ? 0 : 4));
    rtc.set_cmos(i ? cmos::kDisk1Type : cmos::kDisk0Type, 47);
    const uint8_t p = i ? cmos::kDisk1Params : cmos::kDisk0Params;
    set_cmos16(rtc, p, g->cylinders);
    rtc.set_cmos(p + 2, uint8_t(g->heads));
    set_cmos16(rtc, p + 3, 0xFFFF);
    rtc.set_cmos(p + 5, uint8_t(0xC0 | (g->heads > 8 ? 0x08 : 0)));  // retries off; more than 8 heads
    set_cmos16(rtc, p + 6, g->cylinders);
    rtc.set_cmos(p + 8, uint8_t(g->sectors));
  }
  rtc.set_cmos(cmos::kDiskTypes, types);
  // A math coprocessor (bit 1), VGA/EGA display (bits 4-5 zero); with floppy
  // drives, bit 0 and their count less one in bits 6-7.
  const unsigned floppies = (facts.floppy_types[0] != 0) + (facts.floppy_types[1] != 0);
  rtc.set_cmos(cmos::kEquipment, uint8_t(0x02 | (floppies ? 0x01 | (floppies - 1) << 6 : 0)));
  set_cmos16(rtc, cmos::kBaseMemLow, std::min<uint64_t>(low / kKiB, 640));
  const uint64_t ext_kib = std::min<uint64_t>(low > kMiB ? (low - kMiB) / kKiB : 0, 0xffff);
  set_cmos16(rtc, cmos::kExtMemLow, ext_kib);
  set_cmos16(rtc, cmos::kExtMem2Low, ext_kib);
  set_cmos16(rtc, cmos::kMemAbove16MLow, std::min<uint64_t>(low > 16 * kMiB ? (low - 16 * kMiB) / (64 * kKiB) : 0, 0xffff));
  const uint64_t above_4g = std::min<uint64_t>(high / (64 * kKiB), 0xffffff);
  rtc.set_cmos(cmos::kMemAbove4GLow, uint8_t(above_4g));
  rtc.set_cmos(cmos::kMemAbove4GMid, uint8_t(above_4g >> 8));
  rtc.set_cmos(cmos::kMemAbove4GHigh, uint8_t(above_4g >> 16));
  rtc.set_cmos(cmos::kCpusMinusOne, uint8_t(facts.cpus - 1));
  // The first two boot devices in 0x3D's nibbles (low first), the third in
  // 0x38's high nibble; 0x38 bit 0 clear keeps the floppy boot-signature check.
  auto code = [&](size_t i) { return i < facts.boot_order.size() ? boot_code(facts.boot_order[i]) : uint8_t(0); };
  rtc.set_cmos(cmos::kBootFlags2, uint8_t(code(1) << 4 | code(0)));
  rtc.set_cmos(cmos::kBootFlags1, uint8_t(code(2) << 4));
  unsigned sum = 0;
  for (unsigned i = cmos::kChecksumFirst; i <= cmos::kChecksumLast; i++) sum += rtc.cmos(i);
  rtc.set_cmos(cmos::kChecksumHigh, uint8_t(sum >> 8));
  rtc.set_cmos(cmos::kChecksumLow, uint8_t(sum));
}

std::vector<RamRange> ram_ranges(uint64_t ram_bytes) {
  const uint64_t low = ram_below_4g(ram_bytes);
  std::vector<RamRange> out{{0, low}};
  if (ram_bytes > low) out.push_back({kHighRamBase, ram_bytes - low});
  return out;
}

std::vector<uint8_t> e820_table(uint64_t ram_bytes) {
  std::vector<uint8_t> out;
  for (const RamRange& r : ram_ranges(ram_bytes)) {
    put_le(out, r.base, 8);
    put_le(out, r.size, 8);
    put_le(out, kE820Ram, 4);
  }
  return out;
}

firmware::AcpiDescription acpi_description(const FirmwareFacts& facts) {
  firmware::AcpiDescription d;
  d.cpus = facts.cpus;
  d.lapic_address = uint32_t(devices::LocalApic::kDefaultBase);
  d.ioapic_id = 0;  // the IOAPIC's ID register at reset
  d.ioapic_address = uint32_t(devices::IoApic::kBase);
  d.pm_base = kAcpiPmBase;
  d.sci_irq = PcPci::kSciIrq;
  d.reset_port = 0xcf9;  // devices/pc/reset_control.h: 6 is a hard reset (SYS_RST | RST_CPU)
  d.reset_value = 6;
  d.rtc_century = devices::Mc146818::kCentury;
  d.s5_sleep_type = devices::pci::Piix4Pm::kSleepTypeSoftOff;
  // PCI memory: from the end of RAM below 4 GiB up to the IOAPIC.
  d.pci_memory_base = uint32_t(ram_below_4g(facts.ram_bytes));
  d.pci_memory_end = uint32_t(devices::IoApic::kBase - 1);
  std::copy(std::begin(kPirqIrqs), std::end(kPirqIrqs), d.pirq_irqs.begin());
  d.kbd_data_port = uint16_t(devices::I8042::kDataPort);
  d.kbd_command_port = uint16_t(devices::I8042::kCommandPort);
  d.kbd_irq = 1;  // the board wires the 8042's keyboard to ISA IRQ 1
  d.fdc = facts.fdc;
  d.fdc_base = uint16_t(devices::FloppyController::kBase);
  d.fdc_ports = uint8_t(devices::FloppyController::kLowPorts);
  d.fdc_dir_port = uint16_t(devices::FloppyController::kDirPort);
  d.fdc_irq = uint8_t(devices::FloppyController::kIrq);
  d.fdc_dma = uint8_t(devices::FloppyController::kDmaChannel);
  return d;
}

Status fill_fw_cfg(devices::FwCfg& fw, const FirmwareFacts& facts) {
  using devices::FwCfg;
  fw.add_bytes(FwCfg::kUuid, std::vector<uint8_t>(16, 0));
  fw.add_u64(FwCfg::kRamSize, facts.ram_bytes);
  fw.add_u16(FwCfg::kNoGraphic, 0);
  fw.add_u16(FwCfg::kNbCpus, uint16_t(facts.cpus));
  fw.add_u16(FwCfg::kMaxCpus, uint16_t(facts.cpus));
  // No NUMA nodes: the node count (0), then a node per CPU and a size per node, all zero.
  fw.add_bytes(FwCfg::kNuma, std::vector<uint8_t>(8 * (1 + facts.cpus), 0));
  fw.add_u16(FwCfg::kBootMenu, 0);
  if (Status s = fw.add_file("etc/e820", e820_table(facts.ram_bytes)); !s) return s;
  // How long SeaBIOS waits before rebooting when nothing boots: -1, never (QEMU's default).
  if (Status s = fw.add_file("etc/boot-fail-wait", {0xff, 0xff, 0xff, 0xff}); !s) return s;
  const firmware::AcpiTables acpi = firmware::build_acpi_tables(acpi_description(facts));
  for (auto [name, data] : {std::pair{firmware::kAcpiTablesFile, acpi.tables}, {firmware::kAcpiRsdpFile, acpi.rsdp},
                            {firmware::kTableLoaderFile, acpi.loader_script()}})
    if (Status s = fw.add_file(name, data); !s) return s;
  // Device paths in boot priority order: none named yet, so the CMOS order rules.
  return fw.add_file("bootorder", {});
}

Result<int64_t> rtc_start_ns(const std::string& base, int64_t host_ns) {
  constexpr int64_t kNs = 1'000'000'000;
  if (base == "utc") return host_ns;
  const int64_t host_s = host_ns / kNs, frac = host_ns % kNs;
  if (base == "localtime") {
    std::tm tm{};
    const std::time_t t = std::time_t(host_s);
    if (!localtime_r(&t, &tm)) return make_error("-rtc base=localtime: the host's local time is unavailable");
    return int64_t(timegm(&tm)) * kNs + frac;  // the local wall-clock reading, counted as if it were UTC
  }
  std::tm tm{};
  int n = 0;
  const bool date_time = std::sscanf(base.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                                     &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) == 6 && size_t(n) == base.size();
  if (!date_time) {
    tm = std::tm{};
    n = 0;
    if (std::sscanf(base.c_str(), "%4d-%2d-%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &n) != 3 || size_t(n) != base.size())
      return make_error("-rtc base=" + base + ": expected utc, localtime or a date such as 2006-06-17 or 2006-06-17T16:01:21");
  }
  if (tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
      tm.tm_sec > 59 || tm.tm_year < 1970)
    return make_error("-rtc base=" + base + ": not a date from 1970 on");
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return int64_t(timegm(&tm)) * kNs;
}

}  // namespace kiln::machine::pc

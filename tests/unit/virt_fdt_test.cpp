// The virt board's generated device tree, checked against the board's own map
// (machine/virt_map.h): every device node where the map says, with the
// interrupts the map gives it, and /chosen from the command line.
#include <libfdt.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <string>
#include <vector>

#include "common/log.h"
#include "firmware/elf.h"
#include "machine/machine.h"
#include "machine/virt_map.h"
#include "loader_test_util.h"

using namespace kiln;
using namespace kiln::machine::virt_map;

namespace {

std::vector<uint8_t> dump(machine::Config cfg) {
  char path[] = "/tmp/kiln-dtb-XXXXXX";
  int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  close(fd);
  cfg.board = "virt";
  cfg.dumpdtb = path;
  // dumpdtb writes the tree the guest would get, so something must load: a
  // kernel of our own rather than a firmware package.
  test::TempFile kernel(std::vector<uint8_t>(4096, 0));
  cfg.bios_none = true;
  cfg.kernel = kernel.path;
  Log log;
  auto m = machine::create_machine(cfg, log);
  REQUIRE(m.ok());
  auto data = firmware::read_file(path);
  std::remove(path);
  REQUIRE(data.ok());
  REQUIRE(fdt_check_header(data->data()) == 0);
  return *data;
}

std::vector<uint32_t> cells(const std::vector<uint8_t>& blob, const std::string& path, const char* prop) {
  int node = fdt_path_offset(blob.data(), path.c_str());
  INFO(path << " " << prop);
  REQUIRE(node >= 0);
  int len = 0;
  const auto* p = static_cast<const fdt32_t*>(fdt_getprop(blob.data(), node, prop, &len));
  REQUIRE(p != nullptr);
  std::vector<uint32_t> out;
  for (int i = 0; i < len / 4; i++) out.push_back(fdt32_to_cpu(p[i]));
  return out;
}
std::string str(const std::vector<uint8_t>& blob, const std::string& path, const char* prop) {
  int node = fdt_path_offset(blob.data(), path.c_str());
  INFO(path << " " << prop);
  REQUIRE(node >= 0);
  const char* p = static_cast<const char*>(fdt_getprop(blob.data(), node, prop, nullptr));
  REQUIRE(p != nullptr);
  return p;
}
std::vector<uint32_t> reg(uint64_t base, uint64_t size) {
  return {uint32_t(base >> 32), uint32_t(base), uint32_t(size >> 32), uint32_t(size)};
}
std::string node(const char* name, uint64_t base) {
  char b[64];
  std::snprintf(b, sizeof b, "/soc/%s@%llx", name, (unsigned long long)base);
  return b;
}

}  // namespace

TEST_CASE("virt device tree matches the board map", "[virt][fdt]") {
  machine::Config cfg;
  cfg.ram_bytes = 256ull << 20;
  cfg.append = "console=ttyS0 quiet";
  std::vector<uint8_t> dt = dump(cfg);

  CHECK(cells(dt, "/memory@80000000", "reg") == reg(kDram, cfg.ram_bytes));
  CHECK(cells(dt, "/cpus", "timebase-frequency") == std::vector<uint32_t>{10000000});
  CHECK(str(dt, "/cpus/cpu@0", "riscv,isa").rfind("rv64imafdc", 0) == 0);
  CHECK(str(dt, "/cpus/cpu@0", "mmu-type") == "riscv,sv48");
  CHECK(str(dt, "/chosen", "bootargs") == "console=ttyS0 quiet");
  CHECK(str(dt, "/chosen", "stdout-path") == node("serial", kUart.base));

  CHECK(cells(dt, node("serial", kUart.base), "reg") == reg(kUart.base, kUart.size));
  CHECK(str(dt, node("serial", kUart.base), "compatible") == "ns16550a");
  CHECK(cells(dt, node("serial", kUart.base), "interrupts") == std::vector<uint32_t>{kUartIrq});
  CHECK(cells(dt, node("clint", kClint.base), "reg") == reg(kClint.base, kClint.size));
  CHECK(cells(dt, node("plic", kPlic.base), "reg") == reg(kPlic.base, kPlic.size));
  CHECK(cells(dt, node("plic", kPlic.base), "riscv,ndev") == std::vector<uint32_t>{95});
  CHECK(cells(dt, node("test", kTest.base), "reg") == reg(kTest.base, kTest.size));
  CHECK(cells(dt, node("rtc", kRtc.base), "reg") == reg(kRtc.base, kRtc.size));
  CHECK(cells(dt, node("rtc", kRtc.base), "interrupts") == std::vector<uint32_t>{kRtcIrq});
  for (unsigned i = 0; i < kVirtioSlots; i++) {
    std::string n = node("virtio_mmio", kVirtio.base + i * kVirtio.size);
    CHECK(cells(dt, n, "reg") == reg(kVirtio.base + i * kVirtio.size, kVirtio.size));
    CHECK(cells(dt, n, "interrupts") == std::vector<uint32_t>{kVirtioIrq + i});
  }
  // The CLINT and PLIC point at the hart's interrupt controller: MSI 3, MTI 7; MEI 11, SEI 9.
  uint32_t intc = cells(dt, "/cpus/cpu@0/interrupt-controller", "phandle")[0];
  CHECK(cells(dt, node("clint", kClint.base), "interrupts-extended") == std::vector<uint32_t>{intc, 3, intc, 7});
  CHECK(cells(dt, node("plic", kPlic.base), "interrupts-extended") == std::vector<uint32_t>{intc, 11, intc, 9});
}

TEST_CASE("virt device tree describes every hart", "[virt][fdt]") {
  machine::Config cfg;
  cfg.smp = 3;
  std::vector<uint8_t> dt = dump(cfg);
  std::vector<uint32_t> clint, plic;
  for (unsigned h = 0; h < 3; h++) {
    std::string cpu = "/cpus/cpu@" + std::to_string(h);
    CHECK(cells(dt, cpu, "reg") == std::vector<uint32_t>{h});
    uint32_t intc = cells(dt, cpu + "/interrupt-controller", "phandle")[0];
    clint.insert(clint.end(), {intc, 3, intc, 7});
    plic.insert(plic.end(), {intc, 11, intc, 9});
  }
  CHECK(cells(dt, node("clint", kClint.base), "interrupts-extended") == clint);
  CHECK(cells(dt, node("plic", kPlic.base), "interrupts-extended") == plic);
}

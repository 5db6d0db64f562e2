// The RISC-V virt board's memory and interrupt map: QEMU's addresses, so that
// unmodified OpenSBI and Linux find every device. The board places devices
// from this table and generates the device tree from it; tests check the tree
// against it.
#pragma once
#include <cstdint>

namespace kiln::machine::virt_map {

struct Range {
  uint64_t base, size;
};
// QEMU's virt map (hw/riscv/virt.c's table, as documented facts).
constexpr Range kMrom{0x1000, 0xf000};
constexpr Range kTest{0x100000, 0x1000};
constexpr Range kRtc{0x101000, 0x1000};
constexpr Range kClint{0x2000000, 0x10000};
constexpr Range kPlic{0xc000000, 0x600000};
constexpr Range kUart{0x10000000, 0x100};
constexpr Range kVirtio{0x10001000, 0x1000};
constexpr unsigned kVirtioSlots = 8;
constexpr uint64_t kDram = 0x80000000;
constexpr unsigned kUartIrq = 10, kRtcIrq = 11, kVirtioIrq = 1;  // virtio slot i: 1 + i

}  // namespace kiln::machine::virt_map

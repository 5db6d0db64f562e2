// One RV64GC hart as a debugger target: gdb's riscv64 description (the cpu,
// fpu, virtual and csr features, with QEMU's register numbers so that gdb's
// own RISC-V support recognises everything), side-effect-free memory access
// through the hart's current translation, and RISC-V monitor commands.
#pragma once
#include "cpu/common/debug.h"
#include "cpu/riscv/cpu.h"

namespace kiln::riscv {

class RiscvDebugTarget final : public cpu::DebugTarget {
 public:
  explicit RiscvDebugTarget(RiscvCpu& cpu);

  const cpu::DebugDescription& description() const override { return desc_; }
  bool read_register(unsigned regnum, std::vector<uint8_t>* out) override;
  bool write_register(unsigned regnum, const std::vector<uint8_t>& value) override;
  Status read_memory(cpu::AddrSpace space, uint64_t addr, uint8_t* buf, size_t len) override;
  Status write_memory(cpu::AddrSpace space, uint64_t addr, const uint8_t* buf, size_t len) override;
  uint64_t pc() const override { return cpu_.s().pc; }
  void set_pc(uint64_t pc) override { cpu_.s().pc = pc; }
  std::string mode_name() const override;
  bool monitor(const std::string& cmd, std::string* out) override;
  std::string monitor_help() const override;

  // The Sv39/Sv48 walk as the debugger sees it: no A/D updates, no guest
  // fault, no permission checks (a debugger reads kernel memory from U-mode
  // too). Describes each level in *trace when given. False if unmapped.
  bool translate(uint64_t va, uint64_t* pa, std::string* trace) const;

 private:
  bool read_value(unsigned regnum, uint64_t* v);
  bool write_value(unsigned regnum, uint64_t v);
  Status access(cpu::AddrSpace space, uint64_t addr, uint8_t* buf, size_t len, bool write);

  RiscvCpu& cpu_;
  cpu::DebugDescription desc_;
};

}  // namespace kiln::riscv

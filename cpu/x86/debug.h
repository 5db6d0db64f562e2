// One x86 CPU as a debugger target (cpu/common/debug.h): one register layout
// for every mode (gdb's i386:x86-64 core, sse and segments features, plus
// org.kiln.x86.system with what they lack: descriptor tables, hidden segment
// state, control and debug registers, MSRs), memory through linear, physical
// or DS-relative addresses with a side-effect-free page walk, and x86
// monitor commands. The pc gdb sees is linear (CS.base + IP) in every mode,
// as the engine's breakpoints are.
#pragma once
#include "cpu/common/debug.h"
#include "cpu/x86/cpu.h"

namespace kiln::x86 {

class X86DebugTarget final : public cpu::DebugTarget {
 public:
  explicit X86DebugTarget(X86Cpu& cpu);

  const cpu::DebugDescription& description() const override { return desc_; }
  bool read_register(unsigned regnum, std::vector<uint8_t>* out) override;
  bool write_register(unsigned regnum, const std::vector<uint8_t>& value) override;
  Status read_memory(cpu::AddrSpace space, uint64_t addr, uint8_t* buf, size_t len) override;
  Status write_memory(cpu::AddrSpace space, uint64_t addr, const uint8_t* buf, size_t len) override;
  uint64_t pc() const override { return cpu_.s().pc; }
  void set_pc(uint64_t pc) override { cpu_.s().pc = pc; }
  std::string mode_name() const override;
  bool segmented() const override { return true; }
  bool monitor(const std::string& cmd, std::string* out) override;
  std::string monitor_help() const override;

  // The paging walk as the debugger sees it: no A/D updates, no guest fault,
  // no permission checks. Describes each level in *trace when given. False
  // if unmapped. Without paging, linear = physical (with the A20 mask).
  bool translate(uint64_t linear, uint64_t* pa, std::string* trace) const;

 private:
  Status access(cpu::AddrSpace space, uint64_t addr, uint8_t* buf, size_t len, bool write);
  bool read_value(unsigned regnum, uint64_t* v) const;
  bool write_value(unsigned regnum, uint64_t v);
  void state_changed();

  X86Cpu& cpu_;
  cpu::DebugDescription desc_;
};

}  // namespace kiln::x86

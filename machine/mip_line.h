// An interrupt line into one bit of a RISC-V hart's mip (MSIP, MTIP, MEIP,
// SEIP...): how boards connect the CLINT and PLIC outputs to their harts.
#pragma once
#include "cpu/riscv/cpu.h"
#include "devices/irq.h"

namespace kiln::machine {

class MipLine final : public devices::IrqLine {
 public:
  MipLine(riscv::RiscvCpu& cpu, unsigned bit) : cpu_(cpu), bit_(bit) {}
  void set_level(bool high) override { cpu_.set_mip(bit_, high); }

 private:
  riscv::RiscvCpu& cpu_;
  unsigned bit_;
};

}  // namespace kiln::machine

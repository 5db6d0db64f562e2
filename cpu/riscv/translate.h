// What an instruction's semantics function sees: the decoded fields (Args) and
// the translation context (Ctx) with the typed IR builder and accessors for
// guest registers. Semantics functions are named exactly as the mnemonic in the
// decode table (decode.cpp) and return false when the encoding is reserved
// (the caller then raises illegal instruction).
#pragma once
#include <cstdint>

#include "cpu/riscv/state.h"
#include "ir/builder.h"

namespace kiln::riscv {

using ir::B1;
using ir::U16;
using ir::U32;
using ir::U64;
using ir::U8;
using T = ir::Type;

struct Args {
  uint32_t raw = 0;
  uint8_t rd = 0, rs1 = 0, rs2 = 0, rs3 = 0, rm = 0;
  bool aq = false, rl = false;
  int64_t imm = 0;
  uint32_t csr = 0;
};

struct Ctx {
  ir::Builder& b;
  uint64_t pc;        // this instruction's address
  unsigned len;       // its length (2 or 4)
  unsigned insn_index;// position in the block
  uint64_t priv;      // privilege the block runs at (part of the mode bits)
  unsigned data_mmu;  // softTLB for its loads and stores (MPRV; part of the mode bits)
  bool fp_enabled;    // mstatus.FS != Off (part of the mode bits)
  uint64_t misa;
  bool data_triggers = false;  // a load or store trigger is enabled at this privilege (part of the mode bits)

  uint64_t next_pc() const { return pc + len; }
  unsigned mmu() const { return data_mmu; }

  U64 x(unsigned r) { return r == 0 ? b.c64(0) : b.get<T::I64>(off_x(r)); }
  void set_x(unsigned r, U64 v) {
    if (r != 0) b.set(off_x(r), v);
  }
  U64 f(unsigned r) { return b.get<T::I64>(off_f(r)); }
  void set_f(unsigned r, U64 v);       // also marks mstatus.FS dirty
  void mark_fs_dirty();
  // Before an explicit memory access (`kinds`: TriggerAccess bits): while a
  // load or store trigger is enabled, a helper checks the triggers (trigger.cpp).
  void check_triggers(U64 addr, unsigned size_log2, unsigned kinds);
  // Ends the block with an exception (ecall, ebreak, illegal instruction...).
  void raise(uint64_t cause, uint64_t tval);
  // Ends the block after this instruction so the engine re-reads the CPU mode.
  void end_with_mode_change() { b.exit(ir::ExitReason::ModeChange, next_pc()); }
};

using InsnFn = bool (*)(Ctx&, const Args&);

}  // namespace kiln::riscv

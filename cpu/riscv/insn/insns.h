// Declarations of every instruction's semantics function, from the decode table.
#pragma once
#include "cpu/riscv/translate.h"

namespace kiln::riscv {
#define INSN(name, pattern, fmt) bool insn_##name(Ctx& c, const Args& a);
#include "cpu/riscv/decode/rv64gc.inc"
#undef INSN
}  // namespace kiln::riscv

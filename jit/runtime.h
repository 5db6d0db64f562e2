// Functions native code calls on its slow paths: the softTLB miss path and
// AMOs, the same code the interpreter runs. Plain C ABI, called by address.
#pragma once
#include <cstdint>

#include "cpu/common/state.h"

namespace kiln::jit {

// desc = size | aligned_only << 8 | mmu << 16
extern "C" bool kiln_jit_load(cpu::StateHeader* env, uint64_t va, uint64_t desc, uint64_t* out);
extern "C" bool kiln_jit_store(cpu::StateHeader* env, uint64_t va, uint64_t value, uint64_t desc);
// desc = cpu::amo_desc(...)
extern "C" bool kiln_jit_amo(cpu::StateHeader* env, uint64_t va, uint64_t operand, uint64_t desc, uint64_t* out);

constexpr uint64_t mem_desc(unsigned size, bool aligned_only, unsigned mmu) {
  return uint64_t(size) | uint64_t(aligned_only) << 8 | uint64_t(mmu) << 16;
}

}  // namespace kiln::jit

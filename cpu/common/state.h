// The part of every CPU's state that the architecture-independent layers see.
// Each frontend's state struct derives from StateHeader, so the IR's Get/Set
// offsets, the interpreter and the JIT all address one block of memory from
// one base pointer ("env"). Layout matters: the JIT will bake these offsets.
#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>

#include "ir/ir.h"
#include "mem/tlb.h"

namespace kiln::cpu {

// Interpreter temporaries live inside the state so an operand is one offset
// from env, whether it names a temporary or a guest register.
constexpr unsigned kScratchSlots = 2048;

struct StateHeader {
  mem::MemContext mem;
  uint64_t pc = 0;                        // guest pc (virtual)
  uint64_t insns_retired = 0;             // guest instructions completed
  std::atomic<uint32_t> exit_request{0};  // set by devices, timers, the debugger: leave at the next block
  uint32_t fault = 0;                     // a helper or memory access recorded a guest exception
  void* last_native = nullptr;            // JIT: the link slots of the native block that returned last
  int64_t chain_budget = 0;               // JIT: chained transfers left before returning to the engine
  alignas(64) uint64_t scratch[kScratchSlots];
};

constexpr size_t kScratchOffset = offsetof(StateHeader, scratch);

// How a block (interpreted or native) returned to the engine.
struct BlockExit {
  ir::ExitReason reason;
  // Interpreter: 0 and 1 the first and second direct target pc the block names, 2 anything else.
  // Native code: the link slot of the direct exit taken, or jit::kNoLink.
  uint8_t exit_index;
  uint32_t insns;      // guest instructions completed
  uint64_t next_pc;    // where execution continues (for an exception: the faulting pc)
};

}  // namespace kiln::cpu

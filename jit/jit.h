// The JIT tier: IR blocks compiled to host code with LLVM ORC on a background
// thread while the guest keeps running in the interpreter. This header has no
// LLVM in it, so the engine does not pay for LLVM's headers.
//
// Native code has the signature `uint64_t fn(cpu::StateHeader* env)`: it runs
// the block, adds the instructions it completed to env->insns_retired, stores
// the next guest pc in env->pc and returns how it exited, packed by
// pack_exit() (with an instruction count of 0: it counted them itself).
// Memory accesses use the softTLB inline and the same slow path as the
// interpreter; a fault takes a cold exit with the faulting instruction's pc.
//
// Regions: a hot block is compiled together with the blocks it reaches by
// direct exits on the same guest page, as one function; an exit from one
// member to another is a branch (loops stay in native code, with guest
// registers in host registers), checking for exit requests on back-edges.
//
// Entries: a region may be entered at any member named in its entry mask
// (bit k: blocks[k]; the head always), by an entry switch on env->pc. The
// engine gives the region's code to those members too, so one compile serves
// a loop whichever of its blocks the guest enters it by.
//
// Chaining: each direct exit leaving a region reads a link slot the engine
// owns; when the slot holds native code and no exit is requested, the region
// tail-calls it instead of returning. Unlinking is writing nullptr into the slot.
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "cpu/common/state.h"
#include "ir/ir.h"

namespace kiln::jit {

// A region's code. It is not a C function: regions use LLVM's preserve_none
// convention (they save no registers, so a chained tail call between two is a
// jump, with no register saves and restores around it), and C++ enters one
// through Jit::entry(). Returns pack_exit(...).
struct NativeCode;
using NativeFn = NativeCode*;
// The C entry into region code: saves the host's callee-saved registers once,
// calls fn(env) and returns what it returns.
using EnterFn = uint64_t (*)(cpu::StateHeader* env, NativeFn fn);
using Ticket = uint64_t;

// A region's chaining slots, owned by the engine and stable while its code
// lives: one per direct exit leaving the region (the first kMaxLinks of them).
constexpr unsigned kMaxLinks = 8;
constexpr unsigned kNoLink = 0xff;  // the exit index of an exit that cannot be linked
// Indirect jumps: native code probes this table (one per hart, filled by the
// engine with code it dispatched to) for the target's code, and tail-calls it
// on a hit; on a miss it returns to the engine.
struct IndirectTable {
  static constexpr unsigned kBits = 10;
  struct Entry {
    uint64_t pc = ~0ull;
    uint64_t mode = 0;
    NativeFn fn = nullptr;
  };
  uint64_t generation = 0;  // the MemContext::generation the entries hold under
  Entry entries[1u << kBits];
  static unsigned index(uint64_t pc) { return (pc >> 1) & ((1u << kBits) - 1); }
};

constexpr uint32_t kHeadOnly = 1;  // an entry mask (see "Entries" above): the head alone

// The direct exits between a region's members (blocks in the engine's order,
// head first), as member indices: succ[k] lists the members k exits to.
inline std::vector<std::vector<size_t>> member_successors(std::span<const ir::Block* const> blocks) {
  std::vector<std::vector<size_t>> succ(blocks.size());
  for (size_t k = 0; k < blocks.size(); k++)
    for (const ir::Inst& in : blocks[k]->insts) {
      if (in.op != ir::Op::Goto && in.op != ir::Op::Branch) continue;
      for (uint64_t target : {in.imm, in.op == ir::Op::Branch ? in.aux : in.imm})
        for (size_t j = 0; j < blocks.size(); j++)
          if (blocks[j]->pc == target) succ[k].push_back(j);
    }
  return succ;
}
// The members from which `target` is reached through one or more of those exits
// (so target's own entry says whether it lies on a cycle).
inline std::vector<bool> members_reaching(const std::vector<std::vector<size_t>>& succ, size_t target) {
  std::vector<bool> reach(succ.size(), false);
  for (bool grew = true; grew;) {
    grew = false;
    for (size_t i = 0; i < succ.size(); i++)
      for (size_t j : succ[i])
        if (!reach[i] && (j == target || reach[j])) reach[i] = grew = true;
  }
  return reach;
}
// True if a region has a loop: a direct exit from a member to itself or to an
// earlier member. Every cycle among members has such a back-edge, since each
// member was reached from an earlier one.
inline bool region_has_loop(std::span<const ir::Block* const> blocks) {
  std::vector<std::vector<size_t>> succ = member_successors(blocks);
  for (size_t k = 0; k < succ.size(); k++)
    for (size_t j : succ[k])
      if (j <= k) return true;
  return false;
}

struct LinkSlots {
  NativeFn next[kMaxLinks] = {};
  void* owner = nullptr;                 // the engine's record of the region's entry block
  IndirectTable* indirect = nullptr;     // this hart's table for indirect jumps
  uint64_t runs = 0;                     // runs of quick code: back-edges, or entries without a loop (Jit::submit)
};

// Regions of up to this many guest instructions are worth LLVM's optimising
// code generator (instruction selection and register allocation, several
// times the compile time of the fast ones): first compiled quickly, then
// again, optimised, once they have run long in native code. Loops above all,
// but not only: a switch-dispatched guest interpreter's handlers are short
// regions without a loop, each entered by an indirect jump, and quick code
// (every value through the stack) runs them at half the speed. That holds
// for every region the engine builds (at most 160 guest instructions): at 96,
// the i386 kernel's multi-precision loops (100-130 instructions, the hottest
// code of its boot) stayed quick code for good, and the boot took 10% longer.
constexpr unsigned kMaxOptimizedRegion = 160;
inline bool region_worth_optimizing(std::span<const ir::Block* const> blocks) {
  unsigned insns = 0;
  for (const ir::Block* b : blocks) insns += b->guest_insns;
  return insns <= kMaxOptimizedRegion;
}

constexpr uint64_t pack_exit(ir::ExitReason r, unsigned exit_index, uint32_t insns) {
  return uint64_t(r) | uint64_t(exit_index) << 8 | uint64_t(insns) << 32;
}
inline cpu::BlockExit unpack_exit(uint64_t v, const cpu::StateHeader& env) {
  return {ir::ExitReason(v & 0xff), uint8_t((v >> 8) & 0xff), uint32_t(v >> 32), env.pc};
}

// What became of a request.
struct Finished {
  Ticket ticket;
  NativeFn fn;   // the code, or nullptr
  bool dropped;  // not compiled because newer requests displaced it (ask again when hot again)
};

struct Stats {
  uint64_t compiled = 0;       // regions
  uint64_t optimized = 0;      // of them, compiled with the optimising code generator
  uint64_t region_blocks = 0;  // guest blocks in the compiled regions
  uint64_t failed = 0;
  uint64_t queued = 0;
  uint64_t dropped = 0;        // displaced from a full queue by newer requests
  double compile_seconds = 0;
  double ir_seconds = 0;       // of it, lowering to LLVM IR, verifying and LLVM's IR passes

};

class Jit {
 public:
  virtual ~Jit() = default;
  // Queues a copy of the region `blocks` (entered at blocks[0], all on one
  // guest page) for compilation. `owner` tags the request so each engine
  // collects only its own results.
  // `links`: the region's chaining slots (or nullptr: no chaining). Native
  // code that returns stores `links` in env->last_native and, for a direct
  // exit, the slot's index as the exit index (kNoLink otherwise).
  // `quick`: fast code generation whatever the region, and code that counts
  // its runs in links->runs, so the engine sees when it is worth optimising:
  // its back-edges, or, in a region without a loop, its entries. Otherwise
  // the region gets the level it is worth.
  // `entries`: the members the code may be entered at (bit k: blocks[k]), besides the head.
  virtual Ticket submit(std::span<const ir::Block* const> blocks, const void* owner, LinkSlots* links,
                        bool quick, uint32_t entries) = 0;
  // Appends requests of `owner` finished since the last call. Cheap when nothing finished.
  virtual void take_finished(const void* owner, std::vector<Finished>* out) = 0;
  // Non-zero while finished requests (of any owner) wait to be taken: an
  // engine reads it every dispatch, which is cheaper than calling take_finished.
  virtual const std::atomic<size_t>& results_waiting() const = 0;
  // Frees a ticket's code, or cancels it if not compiled yet. Never call it
  // while that code may be running.
  virtual void release(Ticket t) = 0;
  virtual Stats stats() const = 0;
  // How C++ runs region code: entry()(env, fn).
  virtual EnterFn entry() const = 0;
};

// The x86-64 assembly the JIT emits for a region, for a fixed CPU model
// (x86-64-v2) so it is the same on every machine: for developers and the
// code-quality test. Empty, with *error, in a build without the JIT.
// `entries`: as for Jit::submit.
std::string region_assembly(std::span<const ir::Block* const> blocks, std::string* error,
                            uint32_t entries = kHeadOnly);

// True if this build has the JIT tier (-DKILN_JIT=ON and LLVM found).
bool available();
// A JIT with its compile thread; nullptr with *error set if it cannot start.
std::unique_ptr<Jit> create(std::string* error);

}  // namespace kiln::jit

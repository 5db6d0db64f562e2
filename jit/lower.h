// IR region (one or more blocks) -> LLVM function. One lowering per IR op; the meaning of each op is
// the one ir/eval.h gives (the interpreter's), which the differential tests
// hold the JIT to.
#pragma once
#include <span>
#include <string>

#include "ir/ir.h"
#include "jit/jit.h"

#include <llvm/Support/CodeGen.h>

namespace llvm {
class Function;
class Module;
}  // namespace llvm

namespace kiln::jit {

// Adds `uint64_t name(StateHeader* env)` to `m`, entered at blocks[0];
// nullptr (and *error) if a block uses something this lowering does not handle.
// The blocks must lie on one guest page, so a direct exit from one to another
// stays valid whatever the page's mapping (jit/jit.h).
// The softTLB miss paths as native code calls them: thunks with LLVM's
// preserve_most convention around kiln_jit_load and kiln_jit_store, so a call
// on a cold path clobbers almost no host registers. Values then stay in
// caller-saved registers across the region, and the register allocator has no
// live ranges to split around each memory access's miss path: this halves
// its time on loops.
// Fast instruction selection cannot call with preserve_most (it hands such
// blocks to the slow selector, which costs more than the convention saves
// under the fast register allocator), so code generated at None calls the C
// functions directly: SlowPaths{} (zeros) means that.
struct SlowPaths {
  uint64_t load = 0;   // i1 (env, va, desc, out*)
  uint64_t store = 0;  // i1 (env, va, value, desc)
};
inline constexpr const char* kLoadThunk = "kiln_load_thunk";
inline constexpr const char* kStoreThunk = "kiln_store_thunk";
inline constexpr const char* kEnterName = "kiln_enter";  // jit::EnterFn
// Adds the two thunks and the entry (named as above) to `m`; compiled once per session.
void define_slow_path_thunks(llvm::Module& m);

// `links`: the region's link slots (chaining), or nullptr. `count_runs`:
// each back-edge (or, without a loop, each entry) adds one to links->runs. `entries`: the members the code may
// be entered at, besides the head (bit k: blocks[k]; see jit/jit.h).
llvm::Function* lower_region(std::span<const ir::Block* const> blocks, llvm::Module& m, const std::string& name,
                             LinkSlots* links, const SlowPaths& slow, bool count_runs, uint32_t entries,
                             std::string* error);

// The optimisation pipeline every region goes through (jit/pipeline.cpp);
// `quick`: the short one, for code generation at CodeGenOptLevel::None.
void optimize_module(llvm::Module& m, bool quick);
// Machine code quality against compile time, per region: loops worth it
// (jit::region_worth_optimizing) get LLVM's optimising instruction selection
// and register allocator (Less); everything else, where compile time is most
// of the cost (a kernel's straight-line paths), fast selection (None).
llvm::CodeGenOptLevel codegen_level(std::span<const ir::Block* const> blocks);
// LLVM's global options, once per process, before the first compile.
void set_llvm_options();

}  // namespace kiln::jit

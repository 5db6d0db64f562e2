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
// `links`: the region's link slots (chaining), or nullptr.
llvm::Function* lower_region(std::span<const ir::Block* const> blocks, llvm::Module& m, const std::string& name,
                             LinkSlots* links, std::string* error);

// The optimisation pipeline every region goes through (jit/pipeline.cpp).
void optimize_module(llvm::Module& m);
// Machine code quality against compile time, per region: loops of up to
// kMaxOptimizedLoop guest instructions get LLVM's optimising instruction
// selection and register allocator (Less); everything else, where compile
// time is most of the cost (a kernel's straight-line paths), fast selection (None).
constexpr unsigned kMaxOptimizedLoop = 96;
llvm::CodeGenOptLevel codegen_level(std::span<const ir::Block* const> blocks);
// LLVM's global options, once per process, before the first compile.
void set_llvm_options();

}  // namespace kiln::jit

// IR block -> LLVM function. One lowering per IR op; the meaning of each op is
// the one ir/eval.h gives (the interpreter's), which the differential tests
// hold the JIT to.
#pragma once
#include <string>

#include "ir/ir.h"
#include "jit/jit.h"

namespace llvm {
class Function;
class Module;
}  // namespace llvm

namespace kiln::jit {

// Adds `uint64_t name(StateHeader* env)` to `m`; nullptr (and *error) if the
// block uses something this lowering does not handle.
// `links`: the block's two link slots (jit/jit.h, chaining), or nullptr.
llvm::Function* lower_block(const ir::Block& b, llvm::Module& m, const std::string& name, LinkSlots* links,
                            std::string* error);

}  // namespace kiln::jit

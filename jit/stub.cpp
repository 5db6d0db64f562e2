// The JIT entry points in a build without LLVM (-DKILN_JIT=OFF): no JIT.
#include "jit/jit.h"

namespace kiln::jit {

bool available() { return false; }
std::string region_assembly(std::span<const ir::Block* const>, std::string* error, uint32_t) {
  *error = "this build has no JIT tier (configured with -DKILN_JIT=OFF)";
  return "";
}
std::unique_ptr<Jit> create(std::string* error) {
  *error = "this build has no JIT tier (configured with -DKILN_JIT=OFF)";
  return nullptr;
}

}  // namespace kiln::jit

// The one written-down order of the passes.
#include "ir/passes/passes.h"

namespace kiln::ir {

std::string run_passes(Block& b, bool verify_each) {
  struct Pass {
    const char* name;
    void (*run)(Block&);
  };
  static constexpr Pass kPipeline[] = {
      {"forward_state", forward_state},
      {"fold_constants", fold_constants},
      {"share_values", share_values},
      {"eliminate_dead_code", eliminate_dead_code},
      // Once more: a removed read-only helper call no longer observes the Sets before it.
      {"forward_state", forward_state},
      {"eliminate_dead_code", eliminate_dead_code},
  };
  for (const Pass& p : kPipeline) {
    p.run(b);
    if (verify_each) {
      std::string err = verify(b);
      if (!err.empty()) return std::string("after ") + p.name + ": " + err;
    }
  }
  return "";
}

}  // namespace kiln::ir

// Shared by the passes: rewrite operands through an alias map and drop
// removed instructions, renumbering the values that remain.
#include "ir/passes/passes.h"

namespace kiln::ir {

void compact(Block& b, const std::vector<ValueId>& alias, const std::vector<bool>& remove) {
  std::vector<ValueId> renum(b.insts.size(), kNoValue);
  size_t out = 0;
  for (size_t i = 0; i < b.insts.size(); i++) {
    if (remove[i]) continue;
    Inst in = b.insts[i];
    for (ValueId& a : in.a)
      if (a != kNoValue) a = renum[alias[a]];
    renum[i] = ValueId(out);
    b.insts[out++] = in;
  }
  b.insts.resize(out);
}

}  // namespace kiln::ir

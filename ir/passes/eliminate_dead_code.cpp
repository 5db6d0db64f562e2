// Dead-code elimination: one backward sweep; an instruction survives if it has
// an effect (anything but reading state, a helper's register reads included)
// or a surviving user.
#include "ir/passes/passes.h"

namespace kiln::ir {

void eliminate_dead_code(Block& b) {
  size_t n = b.insts.size();
  std::vector<bool> used(n, false), remove(n, false);
  std::vector<ValueId> alias(n);
  for (size_t i = 0; i < n; i++) alias[i] = ValueId(i);
  for (size_t i = n; i-- > 0;) {
    const Inst& in = b.insts[i];
    uint32_t eff = effects_of(in);
    // A helper that only reads (kAccessesRegs with kRegsReadOnly) is as removable as a Get: x86's
    // flag materialisation, whose result the dead-flag analysis may have left unused.
    bool reads_only = !(eff & kAccessesRegs) || (eff & kRegsReadOnly);
    bool removable = reads_only && (eff & ~uint32_t(kReadsState | kAccessesRegs | kRegsReadOnly)) == 0;
    if (removable && !used[i]) {
      remove[i] = true;
      continue;
    }
    for (ValueId a : in.a)
      if (a != kNoValue) used[a] = true;
  }
  compact(b, alias, remove);
}

}  // namespace kiln::ir

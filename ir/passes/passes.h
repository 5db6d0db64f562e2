// The IR passes, one per file, and the one written-down order they run in.
#pragma once
#include <string>
#include <vector>

#include "ir/ir.h"

namespace kiln::ir {

// Folds pure ops whose operands are constants, and simple identities (x+0, x|0,
// select on a constant, a branch on a constant becomes a goto, a skip on a
// false constant goes, a width change of a width change is one step).
void fold_constants(Block& b);
// Forwards a Set's value to later Gets of the same state bytes, and drops a Set
// that a later Set overwrites before anything could observe it.
void forward_state(Block& b);
// Reuses the first of several identical pure ops (common subexpressions).
void share_values(Block& b);
// Removes instructions whose values are unused and which have no effects.
void eliminate_dead_code(Block& b);

// Rewrites operands through `alias` (alias[v] == v for untouched values) and
// drops the instructions marked in `remove`, renumbering what remains.
void compact(Block& b, const std::vector<ValueId>& alias, const std::vector<bool>& remove);

// The pipeline every block goes through. With verify_each, the verifier runs
// after every pass and the first problem is returned ("" when all is well).
std::string run_passes(Block& b, bool verify_each);

}  // namespace kiln::ir

// Common-subexpression elimination: a pure op (or constant) computed again
// from the same operands reuses the first result. Frontends recompute freely
// (an x86 LEA after a load from the same address, the same zext written to a
// register and to the lazy-flag fields); the interpreter would run each copy.
// Only a value that dominates the repeat may replace it: past a Label the
// values seen so far may not (one defined between a SkipIf and its label does
// not dominate what follows the label), so the table starts afresh there.
#include <algorithm>
#include <unordered_map>

#include "ir/passes/passes.h"

namespace kiln::ir {

namespace {
struct Key {
  Op op;
  Type type;
  ValueId a[3];
  uint64_t imm, aux;
  bool operator==(const Key&) const = default;
};
struct KeyHash {
  size_t operator()(const Key& k) const {
    uint64_t h = uint64_t(k.op) * 0x9E3779B97F4A7C15ull ^ uint64_t(k.type) << 8;
    for (ValueId a : k.a) h = (h ^ a) * 0x100000001B3ull;
    return size_t((h ^ k.imm) * 0x9E3779B97F4A7C15ull ^ k.aux);
  }
};
bool commutes(Op op) {
  return op == Op::Add || op == Op::Mul || op == Op::And || op == Op::Or || op == Op::Xor || op == Op::CmpEq ||
         op == Op::CmpNe || op == Op::MulHS || op == Op::MulHU;
}
}  // namespace

void share_values(Block& b) {
  size_t n = b.insts.size();
  std::vector<ValueId> alias(n);
  std::vector<bool> remove(n, false);
  for (size_t i = 0; i < n; i++) alias[i] = ValueId(i);
  std::unordered_map<Key, ValueId, KeyHash> seen;
  for (size_t i = 0; i < n; i++) {
    Inst& in = b.insts[i];
    for (ValueId& a : in.a)
      if (a != kNoValue) a = alias[a];
    if (in.op == Op::Label) {
      seen.clear();
      continue;
    }
    if (in.op == Op::Call || op_info(in.op).effects != kPure) continue;
    Key k{in.op, in.type, {in.a[0], in.a[1], in.a[2]}, in.imm, in.aux};
    if (commutes(in.op) && k.a[0] > k.a[1]) std::swap(k.a[0], k.a[1]);
    auto [it, fresh] = seen.emplace(k, ValueId(i));
    if (!fresh) {
      alias[i] = it->second;
      remove[i] = true;
    }
  }
  compact(b, alias, remove);
}

}  // namespace kiln::ir

// Get/Set forwarding within a block. State is addressed by byte ranges, so a
// write to any overlapping range forgets what was known. Helpers that write
// state forget everything. A Set is dead when a later Set covers the same bytes
// and nothing in between could observe the state: a Get of those bytes, a
// helper reading state, or anything that may fault or exit (a fault must leave
// the guest state exactly as the faulting instruction found it).
// Labels (ir/ir.h): what is known after a Label is what is known on every way
// into it (the same value for the same bytes), so only a dominating Set or
// Get is forwarded past one; a SkipIf/Skip observes every pending Set (the
// Set overwriting it may be skipped).
#include <algorithm>

#include "ir/passes/passes.h"

namespace kiln::ir {

namespace {
struct Known {
  uint64_t offset;
  unsigned size;
  ValueId value;
  size_t set_index;  // the Set that produced it, still unobserved, or SIZE_MAX
};
bool overlaps(uint64_t o1, unsigned s1, uint64_t o2, unsigned s2) { return o1 < o2 + s2 && o2 < o1 + s1; }
// The same bytes holding the same value (whichever instruction made it known).
bool contains(const std::vector<Known>& ks, const Known& k) {
  return std::any_of(ks.begin(), ks.end(),
                     [&](const Known& x) { return x.offset == k.offset && x.size == k.size && x.value == k.value; });
}
}  // namespace

void forward_state(Block& b) {
  size_t n = b.insts.size();
  std::vector<ValueId> alias(n);
  std::vector<bool> remove(n, false);
  for (size_t i = 0; i < n; i++) alias[i] = ValueId(i);
  std::vector<Known> known;
  std::vector<std::vector<Known>> at(b.labels);  // known on every skip to the label so far
  std::vector<bool> skipped_to(b.labels, false);
  bool falls_through = true;
  for (size_t i = 0; i < n; i++) {
    Inst& in = b.insts[i];
    for (ValueId& a : in.a)
      if (a != kNoValue) a = alias[a];
    uint32_t eff = effects_of(in);
    if (eff & (kControl | kTerminator)) {
      for (Known& k : known) k.set_index = SIZE_MAX;
      if (eff & kControl) {
        std::vector<Known>& way = at[in.imm];
        if (!skipped_to[in.imm]) way = known;
        else std::erase_if(way, [&](const Known& w) { return !contains(known, w); });
        skipped_to[in.imm] = true;
      }
      if (in.op != Op::SkipIf) falls_through = false;
      continue;
    }
    if (in.op == Op::Label) {
      if (!falls_through) known = skipped_to[in.imm] ? at[in.imm] : std::vector<Known>{};
      else if (skipped_to[in.imm]) std::erase_if(known, [&](const Known& k) { return !contains(at[in.imm], k); });
      falls_through = true;
      continue;
    }
    if (in.op == Op::Get) {
      unsigned size = type_bits(in.type) / 8;
      for (Known& k : known) {
        if (k.offset == in.imm && k.size == size) {
          alias[i] = k.value;  // forwarded: the Set stays unobserved
        } else if (overlaps(k.offset, k.size, in.imm, size)) {
          k.set_index = SIZE_MAX;  // a partial read observes the Set
        }
      }
      if (alias[i] == i) known.push_back({in.imm, size, ValueId(i), SIZE_MAX});
    } else if (in.op == Op::Set) {
      unsigned size = type_bits(b.insts[in.a[0]].type) / 8;
      for (Known& k : known)
        if (k.set_index != SIZE_MAX && k.offset == in.imm && k.size == size) remove[k.set_index] = true;
      std::erase_if(known, [&](const Known& k) { return overlaps(k.offset, k.size, in.imm, size); });
      known.push_back({in.imm, size, in.a[0], i});
    } else {
      if (eff & kWritesState) known.clear();
      if (eff & (kReadsState | kMayFault))
        for (Known& k : known) k.set_index = SIZE_MAX;
    }
  }
  compact(b, alias, remove);
}

}  // namespace kiln::ir

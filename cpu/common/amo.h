// Executing an IR Amo op against guest memory, shared by both tiers: one hart
// runs at a time, so an AMO is a load and a store with nothing in between.
// Every fault of an AMO is a store/AMO fault: a misaligned address (atomics
// never straddle), and a page or address it may not read either, which the
// write probe finds before the load could report it as a load fault.
#pragma once
#include <cstdint>

#include "ir/eval.h"
#include "mem/tlb.h"

namespace kiln::cpu {

// `desc` packs size | kind << 8 | mmu << 16 | result bits << 24 (as both tiers encode it).
constexpr uint64_t amo_desc(unsigned size, ir::AmoKind kind, unsigned mmu, unsigned result_bits) {
  return uint64_t(size) | uint64_t(kind) << 8 | uint64_t(mmu) << 16 | uint64_t(result_bits) << 24;
}

// Returns false after recording a guest fault; else sets *result (the old value, extended).
inline bool execute_amo(mem::MemContext& m, uint64_t addr, uint64_t operand, uint64_t desc, uint64_t* result) {
  unsigned size = desc & 0xff, mmu = (desc >> 16) & 0xff, bits = unsigned(desc >> 24);
  auto kind = ir::AmoKind((desc >> 8) & 0xff);
  if (addr & (size - 1)) {
    m.translator->raise_fault(addr, mem::AccessType::Write, mem::FaultKind::Misaligned);
    return false;
  }
  uint64_t old;
  if (!mem::probe_write(m, addr, size, mmu)) return false;
  if (!mem::load(m, addr, size, mmu, true, &old)) return false;
  if (!mem::store(m, addr, size, mmu, true, ir::eval::amo(kind, old, operand, 8 * size))) return false;
  *result = (bits > 8 * size ? uint64_t(ir::eval::sx(old, 8 * size)) : old) & ir::eval::mask(bits);
  return true;
}

}  // namespace kiln::cpu

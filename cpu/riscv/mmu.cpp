// Address translation for the softTLB's slow path (privileged spec, chapters
// 3.7 and 4.3-4.4): Bare, Sv39 and Sv48 page walks with hardware A/D updates,
// superpages, SUM and MXR, and physical memory protection on both the final
// address and the page-table accesses. Faults are recorded with the access's
// cause and the faulting virtual address.
#include "cpu/riscv/cpu.h"

namespace kiln::riscv {

namespace {

constexpr uint64_t V = 1, R = 2, W = 4, X = 8, U = 16, A = 64, D = 128;  // PTE bits
constexpr uint64_t kPpnMask = (1ull << 44) - 1;
constexpr unsigned kSatpBare = 0, kSatpSv39 = 8, kSatpSv48 = 9;

struct PmpRange {
  uint64_t lo, hi;  // [lo, hi)
};
// The address range entry i covers, or an empty range when it is off.
PmpRange pmp_range(const RiscvState& s, unsigned i) {
  unsigned cfg = unsigned(s.pmpcfg[i / 8] >> (8 * (i % 8))) & 0xff;
  uint64_t addr = s.pmpaddr[i];
  switch ((cfg >> 3) & 3) {
    case 1: return {i == 0 ? 0 : s.pmpaddr[i - 1] << 2, addr << 2};  // TOR
    case 2: return {addr << 2, (addr << 2) + 4};                      // NA4
    case 3: {                                                         // NAPOT
      unsigned t = unsigned(__builtin_ctzll(~addr));
      if (t >= 54) return {0, ~0ull};
      uint64_t size = 1ull << (t + 3);
      uint64_t base = (addr & ~((1ull << t) - 1)) << 2;
      return {base, base + size};
    }
    default: return {0, 0};
  }
}

}  // namespace

unsigned RiscvCpu::pmp_prot(uint64_t pa, unsigned size, uint64_t priv) const {
  const RiscvState& s = *state_;
  const uint64_t page = pa & mem::kPageMask, page_end = page + mem::kPageSize;
  bool uniform = true;
  for (unsigned i = 0; i < 16; i++) {
    PmpRange r = pmp_range(s, i);
    if (r.lo >= r.hi) continue;
    bool overlaps_page = r.lo < page_end && page < r.hi;
    if (pa < r.hi && r.lo < pa + size) {  // the lowest entry matching any byte decides
      if (r.lo > page || r.hi < page_end) uniform = false;
      if (pa < r.lo || pa + size > r.hi) return mem::kProtNoTlb;  // matches only some bytes: fails
      unsigned cfg = unsigned(s.pmpcfg[i / 8] >> (8 * (i % 8))) & 0xff;
      unsigned prot = (priv == kPrivM && !(cfg & 0x80))
                          ? (mem::kProtRead | mem::kProtWrite | mem::kProtExec)
                          : ((cfg & 1) ? mem::kProtRead : 0) | ((cfg & 2) ? mem::kProtWrite : 0) |
                                ((cfg & 4) ? mem::kProtExec : 0);
      return prot | (uniform ? 0 : mem::kProtNoTlb);
    }
    if (overlaps_page) uniform = false;  // a higher-priority entry covers part of this page
  }
  // No entry matches: M-mode may access everything, S and U nothing (16 entries are implemented).
  unsigned prot = priv == kPrivM ? (mem::kProtRead | mem::kProtWrite | mem::kProtExec) : 0;
  return prot | (uniform ? 0 : mem::kProtNoTlb);
}

static unsigned access_bit(mem::AccessType type) {
  return type == mem::AccessType::Read ? mem::kProtRead : type == mem::AccessType::Write ? mem::kProtWrite : mem::kProtExec;
}

bool RiscvCpu::translate(uint64_t va, unsigned size, mem::AccessType type, unsigned mmu_idx, uint64_t* pa,
                         unsigned* prot) {
  RiscvState& st = *state_;
  uint64_t priv = mmu_priv(mmu_idx);
  unsigned page_prot = mem::kProtRead | mem::kProtWrite | mem::kProtExec;
  unsigned mode = unsigned(st.satp >> 60);
  if (priv == kPrivM || mode == kSatpBare) {
    *pa = va;
  } else if (!walk(va, type, priv, mmu_idx == kMmuSum, pa, &page_prot)) {
    return false;
  }
  unsigned pmp = pmp_prot(*pa, size, priv);
  if (!(pmp & access_bit(type))) {
    raise_fault(va, type, mem::FaultKind::Access);
    return false;
  }
  *prot = (page_prot & pmp) | (pmp & mem::kProtNoTlb);
  return true;
}

bool RiscvCpu::walk(uint64_t va, mem::AccessType type, uint64_t priv, bool sum, uint64_t* pa, unsigned* prot) {
  RiscvState& st = *state_;
  mem::PhysMap& map = *st.mem.map;
  const unsigned levels = unsigned(st.satp >> 60) == kSatpSv48 ? 4 : 3;
  const unsigned va_bits = 12 + 9 * levels;
  auto page_fault = [&] {
    raise_fault(va, type, mem::FaultKind::Page);
    return false;
  };
  auto access_fault = [&] {
    raise_fault(va, type, mem::FaultKind::Access);
    return false;
  };
  if (uint64_t(int64_t(va << (64 - va_bits)) >> (64 - va_bits)) != va) return page_fault();

  uint64_t table = (st.satp & kPpnMask) << 12;
  for (int level = int(levels) - 1; level >= 0; level--) {
    uint64_t pte_addr = table + ((va >> (12 + 9 * level)) & 0x1ff) * 8;
    // Page-table reads are S-mode accesses for PMP.
    if (!(pmp_prot(pte_addr, 8, kPrivS) & mem::kProtRead)) return access_fault();
    uint64_t pte;
    if (!map.read(pte_addr, &pte, 8)) return access_fault();
    if (!(pte & V) || (!(pte & R) && (pte & W)) || (pte >> 54)) return page_fault();  // reserved encodings and bits
    if (!(pte & (R | X))) {  // pointer to the next level
      if (pte & (D | A | U)) return page_fault();
      table = ((pte >> 10) & kPpnMask) << 12;
      continue;
    }
    // Leaf.
    uint64_t ppn = (pte >> 10) & kPpnMask;
    if (level > 0 && (ppn & ((1ull << (9 * level)) - 1))) return page_fault();  // misaligned superpage
    bool mxr = st.mstatus & mstatus::MXR;
    bool user_page = pte & U;
    if (priv == kPrivU && !user_page) return page_fault();
    if (priv == kPrivS && user_page && (type == mem::AccessType::Exec || !sum)) return page_fault();
    bool readable = (pte & R) || (mxr && (pte & X));
    if ((type == mem::AccessType::Read && !readable) || (type == mem::AccessType::Write && !(pte & W)) ||
        (type == mem::AccessType::Exec && !(pte & X)))
      return page_fault();
    // Hardware A/D update (as QEMU and Spike do by default).
    uint64_t need = A | (type == mem::AccessType::Write ? D : 0);
    if ((pte & need) != need) {
      if (!(pmp_prot(pte_addr, 8, kPrivS) & mem::kProtWrite)) return access_fault();
      pte |= need;
      if (!map.write(pte_addr, &pte, 8)) return access_fault();
    }
    uint64_t offset_mask = (1ull << (12 + 9 * level)) - 1;
    *pa = ((ppn << 12) & ~offset_mask) | (va & offset_mask);
    // What this page may be cached for: writes only once D is set, so the first write still walks.
    *prot = (readable ? mem::kProtRead : 0) | (((pte & W) && (pte & D)) ? mem::kProtWrite : 0) |
            ((pte & X) && !(priv == kPrivS && user_page) ? mem::kProtExec : 0);
    return true;
  }
  return page_fault();
}

}  // namespace kiln::riscv

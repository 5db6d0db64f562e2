// The softTLB slow path: alignment, page crossing, translation through the
// architecture's Translator, region lookup, TLB refill, the devices' access
// rules, MMIO dispatch and code-page (self-modifying code) notification.
#include "mem/tlb.h"

namespace kiln::mem {

void MemContext::protect_code_page(uint64_t pa) {
  uint8_t* host = map->host_ptr(pa & kPageMask, 1);
  if (!host) return;
  auto protect = [&](TlbEntry& e) {
    if (!(e.addr_write & kTlbInvalid) && (e.addr_write & kPageMask) + e.addend == uintptr_t(host)) e.addr_write |= kTlbCode;
  };
  if (fill_count <= kTlbFillLog) {
    for (uint32_t i = 0; i < fill_count; i++) protect(logged(i));
    return;
  }
  // The log overflowed, yet few entries are usually valid (an entry filled
  // again counts again: a boot had under a thousand valid entries at every
  // overflow). So scan them all once and log the valid ones anew: the next
  // protections and the next flush then touch only those, not 4 MiB.
  uint32_t valid = 0;
  for (unsigned mode = 0; mode < kMmuModes; mode++)
    for (unsigned i = 0; i < kTlbEntries; i++) {
      TlbEntry& e = tlb[mode][i];
      protect(e);
      if (e.filled()) {
        if (valid < kTlbFillLog) fill_log[valid] = mode * kTlbEntries + i;
        valid++;
      }
    }
  fill_count = valid <= kTlbFillLog ? valid : kTlbFillLog + 1;
}

void MemContext::flush_non_global() {
  // The kept entries are few (a kernel's global pages in use), so they are
  // copied aside, everything is flushed, and they come back (logged again).
  // Newest first: a kept entry is invalidated at once, so an older record of
  // the same slot (a refill, e.g. by the first write) no longer matches.
  GlobalFill keep[kTlbGlobals];
  uint32_t kept = 0;
  for (uint32_t i = global_count; i-- > 0;) {
    const GlobalFill g = globals[i];
    TlbEntry& now = tlb[g.slot / kTlbEntries][g.slot % kTlbEntries];
    // The code bit of the write tag may have been added since (protect_code_page); it stays.
    const bool same = now.addr_read == g.entry.addr_read && now.addr_code == g.entry.addr_code &&
                      now.addend == g.entry.addend && (now.addr_write & ~kTlbCode) == (g.entry.addr_write & ~kTlbCode);
    if (!same) continue;
    keep[kept++] = GlobalFill{g.slot, now};
    std::memset(&now, 0xff, sizeof now);
  }
  flush_counts.non_global++;
  drop_entries();
  for (uint32_t i = 0; i < kept; i++) {
    const GlobalFill& g = keep[i];
    globals[i] = g;
    tlb[g.slot / kTlbEntries][g.slot % kTlbEntries] = g.entry;
    if (fill_count < kTlbFillLog) fill_log[fill_count] = g.slot;
    if (fill_count <= kTlbFillLog) fill_count++;
  }
  global_count = kept;
}

void MemContext::flush_page(uint64_t va) {
  flush_counts.page++;
  const uint64_t page = va & kPageMask;
  for (unsigned mode = 0; mode < kMmuModes; mode++) {
    TlbEntry& e = tlb_entry(*this, mode, va);
    auto holds = [&](uint64_t tag) { return !(tag & kTlbInvalid) && (tag & kPageMask) == page; };
    if (holds(e.addr_read) || holds(e.addr_write) || holds(e.addr_code)) std::memset(&e, 0xff, sizeof e);
  }
  generation++;
}

bool Watchpoints::covers_page(uint64_t va_page) const {
  for (const WatchRange& r : ranges)
    if (r.va < va_page + kPageSize && va_page < r.va + r.len) return true;
  return false;
}

bool Watchpoints::check(uint64_t va, unsigned size, AccessType type) {
  uint8_t kind = type == AccessType::Write ? 1 : 2;
  if (suppressed) return false;
  for (const WatchRange& r : ranges)
    if ((r.kinds & kind) && r.va < va + size && va < r.va + r.len) {
      hit = true;
      hit_addr = va > r.va ? va : r.va;
      hit_kind = kind;
      return true;
    }
  return false;
}

namespace {

// Translates and finds the region; refills the TLB entry for RAM/ROM pages.
// Returns the region (nullptr after recording a fault) and sets *pa.
Region* resolve(MemContext& m, uint64_t va, unsigned size, AccessType type, unsigned mmu_idx, uint64_t* pa) {
  unsigned prot = 0;
  if (!m.translator->translate(va, size, type, mmu_idx, pa, &prot)) return nullptr;
  Region* r = m.map->find(*pa);
  if (!r) {
    m.translator->raise_fault(va, type, FaultKind::Access);
    return nullptr;
  }
  m.tlb_misses++;
  if (r->kind == RegionKind::Mmio) return r;
  uint64_t va_page = va & kPageMask, pa_page = *pa & kPageMask;
  // Only cache pages wholly inside the region (a region smaller than a page stays slow).
  // Watched pages stay uncached so that every access to them is checked.
  if (m.watch && m.watch->covers_page(va_page)) return r;
  if ((prot & kProtNoTlb) || pa_page < r->base || pa_page + kPageSize > r->base + r->size) return r;
  bool slow = m.map->page_has_mmio(pa_page);
  TlbEntry& e = tlb_entry(m, mmu_idx, va);
  m.note_fill(mmu_idx, va);
  e.addend = uintptr_t(r->host + (pa_page - r->base)) - va_page;
  uint64_t inval = kTlbInvalid | kTlbSlow;
  e.addr_read = (prot & kProtRead) ? va_page | (slow ? kTlbSlow : 0) : inval;
  e.addr_code = (prot & kProtExec) && !slow ? va_page : inval;
  bool writable = (prot & kProtWrite) && r->kind == RegionKind::Ram;
  uint64_t wflags = (slow ? kTlbSlow : 0) | (r->code_pages[(pa_page - r->base) >> kPageBits] ? kTlbCode : 0);
  e.addr_write = writable ? va_page | wflags : inval;
  if ((prot & kProtGlobal) && m.global_count < kTlbGlobals)
    m.globals[m.global_count++] = MemContext::GlobalFill{uint32_t(mmu_idx * kTlbEntries + ((va >> kPageBits) & (kTlbEntries - 1))), e};
  return r;
}

bool crosses_page(uint64_t va, unsigned size) { return ((va & ~kPageMask) + size) > kPageSize; }

bool access_fault(MemContext& m, uint64_t va, AccessType type) {
  m.translator->raise_fault(va, type, FaultKind::Access);
  return false;
}

// May the `size`-byte access at `pa`, inside region `r`, happen? A device
// sees only what its rules accept, wholly inside its region; memory is never
// accessed across the region's end or under a device lying over it.
bool access_allowed(const PhysMap& map, const Region& r, uint64_t pa, unsigned size, bool atomic) {
  uint64_t offset = pa - r.base;
  if (size > r.size - offset) return false;
  if (r.kind != RegionKind::Mmio) return !(r.under_mmio && map.overlaps_mmio(pa, size));
  AccessRules rules = r.device->rules(offset);
  return rules.allows(offset, size) && (!atomic || rules.atomics);
}

// A misaligned access that crosses a page is done byte by byte. Before any
// byte, both pages' parts must translate (in address order) and be RAM or
// ROM: a device would see single bytes its rules may not accept. A fault on
// the second page reports that page's first byte, as the byte loop would.
bool pieces_are_memory(MemContext& m, uint64_t va, unsigned size, AccessType type, unsigned mmu_idx) {
  const uint64_t second = (va + size - 1) & kPageMask;
  for (uint64_t piece : {va, second}) {
    unsigned len = unsigned(piece == va ? second - va : va + size - second);
    uint64_t pa;
    unsigned prot;
    if (!m.translator->translate(piece, len, type, mmu_idx, &pa, &prot)) return false;
    if (!m.map->host_ptr(pa, len)) return access_fault(m, piece, type);
  }
  return true;
}

}  // namespace

bool load_slow(MemContext& m, uint64_t va, unsigned size, unsigned mmu_idx, bool aligned_only, uint64_t* out) {
  if (m.watch && m.watch->check(va, size, AccessType::Read)) return false;
  if (va & (size - 1)) {
    if (aligned_only) {
      m.translator->raise_fault(va, AccessType::Read, FaultKind::Misaligned);
      return false;
    }
    if (crosses_page(va, size)) {
      if (!pieces_are_memory(m, va, size, AccessType::Read, mmu_idx)) return false;
      uint64_t v = 0;
      for (unsigned i = 0; i < size; i++) {
        uint64_t b;
        if (!load(m, va + i, 1, mmu_idx, false, &b)) return false;
        v |= b << (8 * i);
      }
      *out = v;
      return true;
    }
  }
  uint64_t pa;
  Region* r = resolve(m, va, size, AccessType::Read, mmu_idx, &pa);
  if (!r) return false;
  if (!access_allowed(*m.map, *r, pa, size, false)) return access_fault(m, va, AccessType::Read);
  *out = r->kind == RegionKind::Mmio ? r->device->read(pa - r->base, size) : host_load(r->host + (pa - r->base), size);
  return true;
}

bool store_slow(MemContext& m, uint64_t va, unsigned size, unsigned mmu_idx, bool aligned_only, uint64_t value) {
  if (m.watch && m.watch->check(va, size, AccessType::Write)) return false;
  if (va & (size - 1)) {
    if (aligned_only) {
      m.translator->raise_fault(va, AccessType::Write, FaultKind::Misaligned);
      return false;
    }
    if (crosses_page(va, size)) {  // both pages checked first: a fault leaves memory untouched
      if (!pieces_are_memory(m, va, size, AccessType::Write, mmu_idx)) return false;
      for (unsigned i = 0; i < size; i++)
        if (!store(m, va + i, 1, mmu_idx, false, value >> (8 * i))) return false;
      return true;
    }
  }
  uint64_t pa;
  Region* r = resolve(m, va, size, AccessType::Write, mmu_idx, &pa);
  if (!r) return false;
  if (!access_allowed(*m.map, *r, pa, size, false)) return access_fault(m, va, AccessType::Write);
  if (r->kind == RegionKind::Mmio) {
    if (!m.single_insn && r->device->rules(pa - r->base).write_may_stop) {
      m.rerun_alone = true;
      return false;
    }
    r->device->write(pa - r->base, size, value);
    return true;
  }
  if (r->kind == RegionKind::Rom) {  // writes to ROM are ignored, or reach a window's other memory
    if (r->write_host) host_store(r->write_host + (pa - r->base), size, value);
    return true;
  }
  if (r->code_pages[(pa - r->base) >> kPageBits] && m.code_watcher) {
    if (m.code_watcher->covers_code(pa, size)) {
      if (m.in_block && !m.single_insn) {
        m.rerun_alone = true;
        return false;
      }
      m.code_watcher->code_stored(pa, size);
    }
    // A page left without code (by this store or earlier ones) takes fast
    // stores again: the next access refills the entry without the mark.
    if (!m.code_watcher->covers_code(pa & kPageMask, unsigned(kPageSize))) {
      m.map->set_code_page(pa, false);
      tlb_entry(m, mmu_idx, va).addr_write = kTlbInvalid | kTlbSlow;
    }
  }
  host_store(r->host + (pa - r->base), size, value);
  return true;
}

bool probe_store(MemContext& m, uint64_t va, unsigned size, unsigned mmu_idx) {
  if (tlb_compare_bits(va, size) == tlb_entry(m, mmu_idx, va).addr_write) return true;
  if ((va & (size - 1)) && crosses_page(va, size))
    return pieces_are_memory(m, va, size, AccessType::Write, mmu_idx) &&
           probe_store(m, va, 1, mmu_idx) && probe_store(m, va + size - 1, 1, mmu_idx);
  uint64_t pa;
  Region* r = resolve(m, va, size, AccessType::Write, mmu_idx, &pa);
  if (!r) return false;
  if (!access_allowed(*m.map, *r, pa, size, false)) return access_fault(m, va, AccessType::Write);
  // The two stores store_slow abandons for a rerun of the instruction by itself.
  const bool abandoned = r->kind == RegionKind::Mmio ? r->device->rules(pa - r->base).write_may_stop
                         : r->kind == RegionKind::Ram ? r->code_pages[(pa - r->base) >> kPageBits] && m.code_watcher && m.in_block &&
                                                            m.code_watcher->covers_code(pa, size)
                                                      : false;
  if (abandoned && !m.single_insn) {
    m.rerun_alone = true;
    return false;
  }
  return true;
}

bool probe_write(MemContext& m, uint64_t va, unsigned size, unsigned mmu_idx) {
  if (tlb_compare_bits(va, size) == tlb_entry(m, mmu_idx, va).addr_write) return true;
  uint64_t pa;
  Region* r = resolve(m, va, size, AccessType::Write, mmu_idx, &pa);
  if (!r) return false;
  return access_allowed(*m.map, *r, pa, size, true) || access_fault(m, va, AccessType::Write);
}

const uint8_t* code_ptr(MemContext& m, uint64_t va, unsigned mmu_idx, uint64_t* pa) {
  // Translation is rare (blocks are cached), so this always takes the full path.
  Region* r = resolve(m, va, 2, AccessType::Exec, mmu_idx, pa);  // fetched a halfword at a time
  if (!r) return nullptr;
  if (!r->host) {
    m.translator->raise_fault(va, AccessType::Exec, FaultKind::Access);
    return nullptr;
  }
  return r->host + (*pa - r->base);
}

}  // namespace kiln::mem

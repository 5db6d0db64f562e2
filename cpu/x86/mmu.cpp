// x86 paging (Intel SDM Vol. 3 ch. 4): the walk behind the softTLB. 32-bit
// paging with 4 MiB pages (CR4.PSE), PAE paging (3 levels, 2 MiB pages, NX)
// and 4-level paging in long mode (1 GiB pages too). Accessed and dirty bits
// are set by the walk; a page is cached for writing only once it is dirty, so
// the first write walks again and sets D. A fault records #PF with CR2 and
// the error code (P, W/R, U/S, RSVD, I/D). Global pages (G with CR4.PGE) are
// reported to the softTLB, whose flush on a CR3 load keeps them.
#include "cpu/x86/cpu.h"

namespace kiln::x86 {

namespace {
constexpr uint64_t P = 1, RW = 2, US = 4, A = 1u << 5, D = 1u << 6, PS = 1u << 7, G = 1u << 8;
constexpr uint64_t XD = 1ull << 63;
constexpr uint64_t kPfPresent = 1, kPfWrite = 2, kPfUser = 4, kPfReserved = 8, kPfFetch = 16;
}  // namespace

bool X86Cpu::translate(uint64_t va, unsigned, mem::AccessType type, unsigned mmu_idx, uint64_t* pa,
                       unsigned* prot) {
  X86State& st = *state_;
  if (mmu_idx == kMmuPhys) {
    *pa = va & st.a20_mask;
    *prot = mem::kProtRead | mem::kProtWrite | mem::kProtExec;
    return true;
  }
  mem::PhysMap& map = *st.mem.map;
  const bool user = mmu_idx == kMmuUser;
  const bool write = type == mem::AccessType::Write, exec = type == mem::AccessType::Exec;
  const bool pae = st.cr4 & cr4::PAE, lm = long_mode(st);
  const bool nxe = (st.efer & efer::NXE) && pae;
  auto fail = [&](uint64_t bits) {
    st.cr2 = va;
    uint64_t error = bits | (write ? kPfWrite : 0) | (user ? kPfUser : 0) | (exec && nxe ? kPfFetch : 0);
    record_fault(&st, kPageFault, error);
    return false;
  };
  if (lm && uint64_t(int64_t(va << 16) >> 16) != va) {  // not canonical
    record_fault(&st, kGeneralProtection, 0);
    return false;
  }
  const uint64_t addr_mask = 0x000ffffffffff000ull;  // the 52-bit physical frame field
  // The levels: table address, index shift, entry size.
  uint64_t table;
  int levels;
  unsigned entry_bytes = 8;
  if (lm) {
    table = st.cr3 & addr_mask;
    levels = 4;
  } else if (pae) {
    uint64_t pdpte;
    const uint64_t at = (st.cr3 & 0xffffffe0u) + ((va >> 30) & 3) * 8;
    if (!map.read(at, &pdpte, 8)) return fail(0);
    if (!(pdpte & P)) return fail(0);
    if (pdpte & 0x1e6) return fail(kPfPresent | kPfReserved);
    table = pdpte & addr_mask;
    levels = 2;
  } else {
    table = st.cr3 & 0xfffff000u;
    levels = 2;
    entry_bytes = 4;
  }
  uint64_t rw = RW, us = US, nx = 0;
  for (int level = levels - 1; level >= 0; level--) {
    const unsigned shift = 12 + (entry_bytes == 4 ? 10 : 9) * unsigned(level);
    const uint64_t index = (va >> shift) & (entry_bytes == 4 ? 0x3ff : 0x1ff);
    const uint64_t at = table + index * entry_bytes;
    uint64_t e = 0;
    if (!map.read(at, &e, entry_bytes)) return fail(0);
    if (!(e & P)) return fail(0);
    if ((e & XD) && !nxe) return fail(kPfPresent | kPfReserved);
    rw &= e;
    us &= e;
    if (e & XD) nx = 1;
    const bool large = level > 0 && (e & PS) && (entry_bytes == 8 ? level <= 2 : (st.cr4 & cr4::PSE));
    if (level > 0 && !large) {
      if (!(e & A)) {
        e |= A;
        map.write(at, &e, entry_bytes);
      }
      table = e & (entry_bytes == 4 ? 0xfffff000ull : addr_mask);
      continue;
    }
    // The leaf: permissions of the whole path.
    const bool wp = st.cr0 & cr0::WP;
    if (user && !us) return fail(kPfPresent);
    if (write && !rw && (user || wp)) return fail(kPfPresent);
    if (exec && nx) return fail(kPfPresent);
    const uint64_t need = A | (write ? D : 0);
    if ((e & need) != need) {
      e |= need;
      map.write(at, &e, entry_bytes);
    }
    uint64_t frame;
    uint64_t offset_mask;
    if (entry_bytes == 4) {
      if (large) {  // 4 MiB page; PSE-36 puts physical address bits 32-39 in bits 13-20
        frame = (e & 0xffc00000u) | ((e >> 13) & 0xff) << 32;
        offset_mask = 0x3fffff;
      } else {
        frame = e & 0xfffff000u;
        offset_mask = 0xfff;
      }
    } else {
      offset_mask = (1ull << shift) - 1;
      frame = e & addr_mask & ~offset_mask;
    }
    *pa = (frame | (va & offset_mask)) & st.a20_mask;
    const bool may_write = (user ? rw : (rw || !wp)) && (e & D);
    *prot = mem::kProtRead | (may_write ? mem::kProtWrite : 0) | (nx ? 0 : mem::kProtExec);
    // A global page (G in the leaf, CR4.PGE) keeps its entries across CR3 loads.
    if ((e & G) && (st.cr4 & cr4::PGE)) *prot |= mem::kProtGlobal;
    if (large) st.tlb_large.add(va & ~offset_mask, offset_mask + 1);
    return true;
  }
  return fail(0);
}

void X86Cpu::raise_fault(uint64_t, mem::AccessType, mem::FaultKind kind) {
  // A misaligned access faults only when the translation asked for alignment
  // checks (TransMode::align_check): #AC(0), before the page walk, so it takes
  // precedence over a #PF of the same access (as QEMU orders them).
  if (kind == mem::FaultKind::Misaligned) {
    record_fault(state_.get(), kAlignmentCheck, 0);
    return;
  }
  // Physical addresses with nothing behind them read as all ones on a PC,
  // which the pc board's map models (PhysMap::set_open_bus); without one
  // (kiln-sst) the softTLB reports them here and the access raises #GP(0).
  record_fault(state_.get(), kGeneralProtection, 0);
}

}  // namespace kiln::x86

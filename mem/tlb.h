// The softTLB: one layout shared by the interpreter's fast path, the JIT's
// inline compare and the slow path below (QEMU's CPUTLBEntry shape). An entry
// holds the virtual page tag for read, write and execute and the host addend;
// low bits of a tag force the slow path (MMIO, code pages, invalid), and so
// does any access that is not naturally aligned, because the compare includes
// the access's low address bits.
#pragma once
#include <cstdint>
#include <cstring>
#include <vector>

#include "mem/physmap.h"

namespace kiln::mem {

// 32768 entries per mode: a guest walking 128 MiB page by page (QEMU's small
// TLB misses on every access there) still hits. Flushing and code-page
// protection touch only the entries filled since the last flush (the fill
// log), so the size costs memory, not time.
constexpr unsigned kTlbBits = 15;
constexpr unsigned kTlbEntries = 1u << kTlbBits;
constexpr unsigned kTlbFillLog = 4096;  // beyond this many fills, flushing clears everything
constexpr unsigned kMmuModes = 4;  // per-architecture meaning (RISC-V: U, S, M, S+SUM)
constexpr unsigned kTlbGlobals = 1024;  // global fills remembered between flushes (more are not kept)

// Bits of a TLB tag, below the page number, that force the slow path. The
// fast path compares the tag with the address's page and its low alignment
// bits (an access of N bytes keeps bits below log2 N), so these must lie above
// every alignment bit: in bits 0-2, a misaligned access whose low bits equal a
// tag's flags "hit" that entry (a store past the code-page check, or through
// an invalid entry's stale addend: a guest could crash the emulator).
inline constexpr uint64_t kTlbInvalid = 1u << 11;  // nothing cached
inline constexpr uint64_t kTlbSlow = 1u << 10;     // MMIO or ROM-write: every access takes the slow path
inline constexpr uint64_t kTlbCode = 1u << 9;      // (write tag) the page holds translated code
inline constexpr unsigned kMaxAccessSize = 256;    // the alignment bits stay below every flag
static_assert((kTlbCode & (kMaxAccessSize - 1)) == 0 && kTlbInvalid < (1u << kPageBits));

struct TlbEntry {
  uint64_t addr_read;
  uint64_t addr_write;
  uint64_t addr_code;
  uintptr_t addend;  // host address = guest virtual address + addend
  bool filled() const { return (addr_read & addr_write & addr_code & kTlbInvalid) == 0; }  // caches any access
};
static_assert(sizeof(TlbEntry) == 32);

enum class AccessType : uint8_t { Read = 0, Write = 1, Exec = 2 };
enum class FaultKind : uint8_t { Page, Access, Misaligned };

// Page permissions a Translator reports (bit set).
inline constexpr unsigned kProtRead = 1, kProtWrite = 2, kProtExec = 4;
inline constexpr unsigned kProtNoTlb = 8;  // not uniform over the page (PMP boundary): do not cache
inline constexpr unsigned kProtGlobal = 16;  // survives MemContext::flush_non_global (x86 global pages)

// Implemented by the architecture: virtual-to-physical translation and the
// recording of guest faults. On failure it has recorded the guest exception
// (in its own state) and the access is abandoned.
class Translator {
 public:
  virtual ~Translator() = default;
  // Translates the `size`-byte access at `va` (which does not cross a page) for
  // `type` in `mmu_idx`; sets *pa and the page's permitted accesses in *prot
  // (what may be cached for the whole page). False after recording a fault.
  virtual bool translate(uint64_t va, unsigned size, AccessType type, unsigned mmu_idx, uint64_t* pa,
                         unsigned* prot) = 0;
  virtual void raise_fault(uint64_t va, AccessType type, FaultKind kind) = 0;
};

// Told before a store changes a page that holds translated code.
class CodeWatcher {
 public:
  virtual ~CodeWatcher() = default;
  // Something (DMA, the debugger, a board remapping memory) is about to change
  // [pa, pa + size): the code translated from the page(s) it touches goes.
  virtual void code_written(uint64_t pa, unsigned size) = 0;
  // A CPU store into a page holding code, of the bytes [pa, pa + size) (on
  // that page). Does translated code cover any of them? If not, the store goes
  // ahead and the page's code stays: a page may hold code and data, which the
  // guest keeps writing. (By default: yes, as if the page were all code.)
  virtual bool covers_code(uint64_t pa, unsigned size) {
    (void)pa, (void)size;
    return true;
  }
  // Such a store, into code (covers_code): the code over those bytes goes (by
  // default, all of the page's).
  virtual void code_stored(uint64_t pa, unsigned size) { code_written(pa, size); }
};

// Debugger watchpoints (gdb's Z2-Z4) on virtual ranges of any size and
// alignment. Pages they touch are never cached in the softTLB, so every access
// to them, from either tier, reaches the slow path, which checks it here before
// performing it. A hit abandons the access like a fault (the tier leaves with
// the instruction's pc) without recording a guest exception; the engine sees
// `hit` and stops instead of trapping.
struct WatchRange {
  uint64_t va, len;
  uint8_t kinds;  // bit 0: writes, bit 1: reads
};
struct Watchpoints {
  std::vector<WatchRange> ranges;
  bool suppressed = false;  // while the instruction that hit is re-executed
  bool hit = false;
  uint64_t hit_addr = 0;    // the watched address the access touched
  uint8_t hit_kind = 0;     // 1: write, 2: read
  bool covers_page(uint64_t va_page) const;
  // True (and `hit` set) if this access touches a watched range of its kind.
  bool check(uint64_t va, unsigned size, AccessType type);
};

// Everything a memory access needs; lives at the start of each CPU's state.
struct MemContext {
  TlbEntry tlb[kMmuModes][kTlbEntries];
  PhysMap* map = nullptr;
  Translator* translator = nullptr;
  CodeWatcher* code_watcher = nullptr;
  uint64_t tlb_misses = 0;
  uint64_t generation = 0;  // bumped by every flush: cached virtual-to-physical facts are stale
  // Entries (mode * kTlbEntries + index) filled since the last flush; a count
  // above kTlbFillLog means the log overflowed (every entry may be filled).
  uint32_t fill_count = kTlbFillLog + 1;
  uint32_t fill_log[kTlbFillLog];
  Watchpoints* watch = nullptr;  // the debugger's, while any are set
  // A store to a device whose writes may stop the CPU (sifive_test, HTIF:
  // AccessRules::write_may_stop) happens only while `single_insn` says that
  // its instruction runs as a block of its own. Otherwise the slow path
  // abandons it like a fault, without recording a guest exception, and sets
  // `rerun_alone`: the engine runs that instruction again by itself and sees
  // a stop request right after it, in either tier, before anything after the
  // store has run.
  bool single_insn = false;
  bool rerun_alone = false;
  // Set by the engine while a translated block runs. A store into a page
  // holding translated code is then abandoned the same way and rerun alone:
  // the rest of the block may be the very code it rewrites (x86 sees such a
  // store at its next instruction, with no fence). Stores outside blocks
  // (exception delivery) and the rerun itself go through.
  bool in_block = false;
  // Entries filled from a global translation (kProtGlobal), with what was
  // filled: flush_non_global keeps those that still hold it (an entry
  // refilled since, or changed by a code write, is not kept: a TLB may
  // always drop a translation). Past kTlbGlobals fills, later ones are not kept.
  struct GlobalFill {
    uint32_t slot;  // mode * kTlbEntries + index
    TlbEntry entry;
  };
  uint32_t global_count = 0;
  GlobalFill globals[kTlbGlobals];

  // Flushes by kind, for --stats: everything, all but global entries, one page.
  struct FlushCounts {
    uint64_t full = 0, non_global = 0, page = 0;
  } flush_counts;

  void flush_tlb() {
    flush_counts.full++;
    drop_entries();
  }
  void drop_entries() {
    if (fill_count > kTlbFillLog) {
      std::memset(tlb, 0xff, sizeof tlb);
    } else {
      for (uint32_t i = 0; i < fill_count; i++) std::memset(&logged(i), 0xff, sizeof(TlbEntry));
    }
    fill_count = 0;
    global_count = 0;
    generation++;
  }
  // Flushes every entry but those still holding a global translation (x86: a
  // CR3 write with CR4.PGE set).
  void flush_non_global();
  // Drops the entries of the page at `va` in every mode (x86 INVLPG of a 4 KiB page).
  void flush_page(uint64_t va);
  TlbEntry& logged(uint32_t i) { return tlb[fill_log[i] / kTlbEntries][fill_log[i] % kTlbEntries]; }
  void note_fill(unsigned mmu_idx, uint64_t va) {
    if (fill_count < kTlbFillLog) fill_log[fill_count] = mmu_idx * kTlbEntries + ((va >> kPageBits) & (kTlbEntries - 1));
    if (fill_count <= kTlbFillLog) fill_count++;
  }
  // Drops fast write access to one physical page (it now holds code).
  void protect_code_page(uint64_t pa);
};

inline TlbEntry& tlb_entry(MemContext& m, unsigned mmu_idx, uint64_t va) {
  return m.tlb[mmu_idx][(va >> kPageBits) & (kTlbEntries - 1)];
}
inline uint64_t tlb_compare_bits(uint64_t va, unsigned size) { return va & (kPageMask | (size - 1)); }

// Slow paths: false when a guest fault was recorded through the Translator,
// or when the access was abandoned without one (a watchpoint hit, or
// MemContext::rerun_alone). An access to a device that its AccessRules do
// not accept, one that runs past the end of a region or over a device lying
// on RAM, and a misaligned access that crosses a page into a device all
// raise an access fault.
bool load_slow(MemContext& m, uint64_t va, unsigned size, unsigned mmu_idx, bool aligned_only, uint64_t* out);
bool store_slow(MemContext& m, uint64_t va, unsigned size, unsigned mmu_idx, bool aligned_only, uint64_t value);
// Would an AMO (a read and a write) of `size` bytes at `va` be allowed
// (translation, permissions, memory there or a device whose rules accept
// atomics)? False after recording the store/AMO fault. Performs nothing.
bool probe_write(MemContext& m, uint64_t va, unsigned size, unsigned mmu_idx);
// Would a store of `size` bytes at `va` go through now (translation, permissions,
// a region that takes it, and not one store_slow would abandon for a rerun of
// the instruction by itself)? False after recording the fault or setting
// `rerun_alone`. Performs nothing: for an instruction whose store follows a side
// effect that must not happen twice (x86 INS reads its port first).
bool probe_store(MemContext& m, uint64_t va, unsigned size, unsigned mmu_idx);
// Host pointer to the code at `va` (RAM/ROM only), valid to the end of its page.
// Sets *pa. nullptr when a fault was recorded.
const uint8_t* code_ptr(MemContext& m, uint64_t va, unsigned mmu_idx, uint64_t* pa);

inline uint64_t host_load(const void* p, unsigned size) {
  switch (size) {
    case 1: return *static_cast<const uint8_t*>(p);
    case 2: { uint16_t v; std::memcpy(&v, p, 2); return v; }
    case 4: { uint32_t v; std::memcpy(&v, p, 4); return v; }
    default: { uint64_t v; std::memcpy(&v, p, 8); return v; }
  }
}
inline void host_store(void* p, unsigned size, uint64_t v) {
  switch (size) {
    case 1: *static_cast<uint8_t*>(p) = uint8_t(v); break;
    case 2: { uint16_t x = uint16_t(v); std::memcpy(p, &x, 2); break; }
    case 4: { uint32_t x = uint32_t(v); std::memcpy(p, &x, 4); break; }
    default: std::memcpy(p, &v, 8);
  }
}

// The fast paths both tiers use (the JIT emits the same compare inline).
inline bool load(MemContext& m, uint64_t va, unsigned size, unsigned mmu_idx, bool aligned_only, uint64_t* out) {
  const TlbEntry& e = tlb_entry(m, mmu_idx, va);
  if (__builtin_expect(tlb_compare_bits(va, size) == e.addr_read, 1)) {
    *out = host_load(reinterpret_cast<const void*>(va + e.addend), size);
    return true;
  }
  return load_slow(m, va, size, mmu_idx, aligned_only, out);
}
inline bool store(MemContext& m, uint64_t va, unsigned size, unsigned mmu_idx, bool aligned_only, uint64_t value) {
  const TlbEntry& e = tlb_entry(m, mmu_idx, va);
  if (__builtin_expect(tlb_compare_bits(va, size) == e.addr_write, 1)) {
    host_store(reinterpret_cast<void*>(va + e.addend), size, value);
    return true;
  }
  return store_slow(m, va, size, mmu_idx, aligned_only, value);
}

}  // namespace kiln::mem

// What the translation of an x86 block depends on besides its address: the
// decoding size, privilege, stack size, MMU index, which segments are flat
// enough to need no checks, how far near branches must be checked against
// CS's limit, whether data accesses are alignment-checked, and the CS base (a
// block's ip is its pc minus the base). Packed, it is the block-cache key's mode bits (cpu::Cpu::mode_bits),
// so any change of these fields makes the engine look the block up afresh.
#pragma once
#include <cstdint>

#include "cpu/x86/cpuid.h"
#include "cpu/x86/decode.h"
#include "cpu/x86/state.h"

namespace kiln::x86 {

struct TransMode {
  Model model = Model::I8086;
  Features features;   // X86State::features: fixed for the CPU, so not in pack()
  CodeSize code = CodeSize::Real16;
  bool pe = false;     // protected mode (CR0.PE), vm86 included
  bool vm86 = false;   // virtual-8086 mode
  bool lma = false;    // long mode active (64-bit or compatibility code)
  uint8_t cpl = 0;
  bool ss32 = false;   // SS.B: the stack pointer is ESP (not used by 64-bit code)
  uint8_t mmu = kMmuPhys;  // the data accesses' MMU index
  // Bit s set: segment s is a present, expand-up, 4 GiB data (or readable
  // code) segment, so an access through it needs no limit or type check.
  uint8_t unchecked = 0;
  // Bit s set: segment s has base 0 (protected mode outside 64-bit code), so
  // its linear address is the offset itself. Like `unchecked`, it may be baked
  // into a block because every segment load there ends the block.
  uint8_t zero_base = 0;
  uint64_t cs_base = 0;
  bool tf = false;     // EFLAGS.TF: one instruction per block, then the single-step trap
  bool dbg_data = false;  // DR7 enables a data breakpoint: one instruction per block, accesses checked
  bool halted = false;    // HLT (or a shutdown) waits: the block only waits (X86State::halted)
  // CR0.AM, EFLAGS.AC and CPL 3 (486 and later): a misaligned data access raises #AC(0).
  bool align_check = false;
  // Which near-branch targets may lie past CS's limit and need the check
  // (outside 64-bit mode): none when the limit is 4 GiB, only 32-bit ones
  // when it is at least 0xFFFF, all otherwise.
  enum : uint8_t { kCheckAllTargets, kCheck32BitTargets, kCheckNoTargets };
  uint8_t cs_limit = kCheckNoTargets;

  static TransMode of(const X86State& s);
  // Real mode at CS base 0 (unit tests translate single instructions under it).
  static TransMode real(Model model) {
    TransMode m;
    m.model = model;
    m.features = model_features(model);
    return m;
  }
  uint64_t pack() const;
};

inline TransMode TransMode::of(const X86State& s) {
  TransMode m;
  m.model = s.model;
  m.features = s.features;
  m.pe = protected_mode(s);
  m.vm86 = x86::vm86(s);
  m.lma = long_mode(s);
  m.cpl = uint8_t(s.cpl);
  m.cs_base = s.seg[CS].base;
  m.mmu = uint8_t(data_mmu(s));
  m.tf = s.flags & fl::TF;
  m.halted = s.halted != 0;
  for (unsigned n = 0; n < 4; n++)  // enabled (L or G), R/W 01 (writes) or 11 (reads and writes)
    if (((s.dr[7] >> (2 * n)) & 3) && ((s.dr[7] >> (16 + 4 * n)) & 1)) m.dbg_data = true;
  if (!m.pe || m.vm86) {
    m.code = CodeSize::Real16;
    m.ss32 = false;
    // Real mode: CS's cached D bit still decides the code size (a 386 left in "unreal" code is not modelled).
  } else if (m.lma && (s.seg[CS].attr & attr::kL)) {
    m.code = CodeSize::Long64;
  } else {
    m.code = (s.seg[CS].attr & attr::kDB) ? CodeSize::Prot32 : CodeSize::Prot16;
  }
  m.align_check = s.model >= Model::I486 && m.cpl == 3 && (s.cr0 & cr0::AM) && (s.flags & fl::AC);
  const uint32_t cs_limit = s.seg[CS].limit;
  m.cs_limit = cs_limit == 0xffffffffu || m.code == CodeSize::Long64 || s.model == Model::I8086 ? kCheckNoTargets
               : cs_limit >= 0xffff                                                           ? kCheck32BitTargets
                                                                                              : kCheckAllTargets;
  if (m.code == CodeSize::Long64) {
    m.unchecked = 0x3f;  // no limits in 64-bit mode (FS and GS keep only their bases)
  } else if (m.pe && !m.vm86) {
    m.ss32 = s.seg[SS].attr & attr::kDB;
    for (unsigned i = 0; i < 6; i++) {
      const Segment& g = s.seg[i];
      // (Loading a null selector clears P in the cache, so a null segment is never unchecked.)
      const bool usable = (g.attr & attr::kPresent) && (g.attr & attr::kS);
      const bool data_ok = (g.attr & attr::kCode) ? (g.attr & attr::kReadable) && i != SS
                                                  : !(g.attr & attr::kExpandDown) && (g.attr & attr::kWritable);
      if (usable && data_ok && g.limit == 0xffffffffu) m.unchecked |= uint8_t(1u << i);
      if (g.base == 0) m.zero_base |= uint8_t(1u << i);
    }
  }
  return m;
}

inline uint64_t TransMode::pack() const {
  return uint64_t(model) | uint64_t(code) << 3 | uint64_t(pe) << 5 | uint64_t(vm86) << 6 | uint64_t(lma) << 7 |
         uint64_t(cpl) << 8 | uint64_t(ss32) << 10 | uint64_t(mmu) << 11 | uint64_t(unchecked) << 13 | uint64_t(tf) << 19 | uint64_t(dbg_data) << 20 |
         uint64_t(halted) << 21 | uint64_t(align_check) << 22 | uint64_t(cs_limit) << 23 | uint64_t(zero_base) << 25 |
         (cs_base & 0xffffffffu) << 32;
}

}  // namespace kiln::x86

// RV64GC hart state. Everything the IR reads or writes is a field here, at a
// fixed offset from the StateHeader base ("env"), so Get/Set name it by
// offsetof. CSRs whose value is derived (sstatus, sip, sie, cycle...) are not
// stored; see cpu/riscv/csr.cpp.
#pragma once
#include <cstddef>
#include <cstdint>

#include "cpu/common/state.h"

namespace kiln::riscv {

class RiscvCpu;

enum Priv : uint64_t { kPrivU = 0, kPrivS = 1, kPrivM = 3 };

// mstatus fields (privileged spec, chapter 3.1.6)
namespace mstatus {
constexpr uint64_t SIE = 1ull << 1, MIE = 1ull << 3, SPIE = 1ull << 5, MPIE = 1ull << 7, SPP = 1ull << 8;
constexpr unsigned MPP_SHIFT = 11, FS_SHIFT = 13;
constexpr uint64_t MPP = 3ull << MPP_SHIFT, FS = 3ull << FS_SHIFT, MPRV = 1ull << 17, SUM = 1ull << 18,
                   MXR = 1ull << 19, TVM = 1ull << 20, TW = 1ull << 21, TSR = 1ull << 22;
constexpr uint64_t UXL = 3ull << 32, SXL = 3ull << 34, SD = 1ull << 63;
}  // namespace mstatus

// Exception causes (mcause with the interrupt bit clear)
enum Cause : uint64_t {
  kInsnMisaligned = 0, kInsnAccessFault = 1, kIllegalInsn = 2, kBreakpoint = 3, kLoadMisaligned = 4,
  kLoadAccessFault = 5, kStoreMisaligned = 6, kStoreAccessFault = 7, kEcallU = 8, kEcallS = 9, kEcallM = 11,
  kInsnPageFault = 12, kLoadPageFault = 13, kStorePageFault = 15,
};
constexpr uint64_t kInterruptBit = 1ull << 63;
constexpr unsigned kTriggers = 2;  // Sdtrig triggers per hart

struct RiscvState : cpu::StateHeader {
  uint64_t x[32] = {};
  uint64_t f[32] = {};
  uint64_t fflags = 0;  // fcsr[4:0]
  uint64_t frm = 0;     // fcsr[7:5]
  uint64_t priv = kPrivM;

  // Machine-level CSRs
  uint64_t mstatus = 0, misa = 0, medeleg = 0, mideleg = 0, mie = 0, mip = 0, mtvec = 0, mscratch = 0;
  uint64_t mepc = 0, mcause = 0, mtval = 0, mcounteren = 0, mcountinhibit = 0, menvcfg = 0;
  uint64_t mhartid = 0;
  uint64_t pmpcfg[2] = {};    // pmpcfg0 and pmpcfg2 (RV64 has only the even ones)
  uint64_t pmpaddr[16] = {};
  // Supervisor-level CSRs
  uint64_t stvec = 0, sscratch = 0, sepc = 0, scause = 0, stval = 0, satp = 0, scounteren = 0, senvcfg = 0;
  uint64_t stimecmp = ~0ull;  // Sstc
  // Sdtrig's trigger module (cpu/riscv/trigger.cpp)
  uint64_t tselect = 0;
  uint64_t tdata1[kTriggers] = {}, tdata2[kTriggers] = {};
  uint32_t data_trigger_privs = 0;  // bit p: a load or store trigger is enabled at privilege p
  // minstret = insns_retired + instret_offset (a csr write sets the offset)
  uint64_t instret_offset = 0, cycle_offset = 0;
  uint64_t instret_frozen = 0, cycle_frozen = 0;  // the values while mcountinhibit.IR / .CY hold them

  // LR/SC reservation
  uint64_t reservation = ~0ull;
  // Operand slot for helpers that need a fourth argument (fused multiply-add's rounding mode)
  uint64_t helper_arg = 0;
  // The exception recorded while StateHeader::fault is set
  uint64_t pending_cause = 0, pending_tval = 0;
  RiscvCpu* self = nullptr;  // for helpers that need the hart object (time source)
};

constexpr size_t off_x(unsigned r) { return offsetof(RiscvState, x) + 8 * r; }
constexpr size_t off_f(unsigned r) { return offsetof(RiscvState, f) + 8 * r; }

inline RiscvState* rv(void* env) { return static_cast<RiscvState*>(static_cast<cpu::StateHeader*>(env)); }

// Records a guest exception from inside a helper: the tier sees env->fault and
// returns to the engine with the pc of the faulting instruction.
inline void record_exception(RiscvState* s, uint64_t cause, uint64_t tval) {
  s->pending_cause = cause;
  s->pending_tval = tval;
  s->fault = 1;
}

// MMU index (softTLB) used for accesses at a privilege level: 0 U, 1 S, 2 M,
// and 3 for S-mode loads and stores with mstatus.SUM set (they may touch user
// pages). SUM has its own entries because Linux sets and clears it around
// every access to user memory: as part of the index, a change is a different
// set of entries rather than a flush of them all.
constexpr unsigned kMmuSum = 3;
inline unsigned mmu_index(uint64_t priv) { return priv == kPrivM ? 2 : unsigned(priv); }
inline uint64_t mmu_priv(unsigned mmu_idx) {
  return mmu_idx == 2 ? uint64_t(kPrivM) : mmu_idx == kMmuSum ? uint64_t(kPrivS) : uint64_t(mmu_idx);
}
// Loads and stores in M-mode with MPRV set use MPP's privilege and translation.
inline uint64_t data_priv(const RiscvState& s) {
  if (s.priv == kPrivM && (s.mstatus & mstatus::MPRV)) return (s.mstatus & mstatus::MPP) >> mstatus::MPP_SHIFT;
  return s.priv;
}
inline unsigned data_mmu_index(const RiscvState& s) {
  uint64_t priv = data_priv(s);
  return priv == kPrivS && (s.mstatus & mstatus::SUM) ? kMmuSum : mmu_index(priv);
}

}  // namespace kiln::riscv

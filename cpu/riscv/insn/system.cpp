// Privileged instructions: ecall, ebreak, mret, sret, wfi, sfence.vma
// (privileged spec, chapter 3.3 and 4.2.1).
#include "cpu/riscv/cpu.h"
#include "cpu/riscv/insn/insns.h"
#include "cpu/riscv/insn/shapes.h"

namespace kiln::riscv {

namespace {

// Returns the pc to continue at; records illegal instruction when not allowed.
uint64_t mret_helper(void* env, uint64_t, uint64_t, uint64_t) {
  RiscvState* s = rv(env);
  if (s->priv != kPrivM) {
    record_exception(s, kIllegalInsn, 0);
    return 0;
  }
  uint64_t m = s->mstatus;
  uint64_t mpp = (m & mstatus::MPP) >> mstatus::MPP_SHIFT;
  m = (m & ~mstatus::MIE) | ((m & mstatus::MPIE) ? mstatus::MIE : 0);
  m |= mstatus::MPIE;
  m &= ~mstatus::MPP;  // the least-privileged mode: U
  if (mpp != kPrivM) m &= ~mstatus::MPRV;
  s->mstatus = m;
  s->priv = mpp;
  return s->mepc;
}
uint64_t sret_helper(void* env, uint64_t, uint64_t, uint64_t) {
  RiscvState* s = rv(env);
  if (s->priv == kPrivU || (s->priv == kPrivS && (s->mstatus & mstatus::TSR))) {
    record_exception(s, kIllegalInsn, 0);
    return 0;
  }
  uint64_t m = s->mstatus;
  uint64_t spp = (m & mstatus::SPP) ? kPrivS : kPrivU;
  m = (m & ~mstatus::SIE) | ((m & mstatus::SPIE) ? mstatus::SIE : 0);
  m |= mstatus::SPIE;
  m &= ~(mstatus::SPP | mstatus::MPRV);
  s->mstatus = m;
  s->priv = spp;
  return s->sepc;
}
uint64_t wfi_helper(void* env, uint64_t, uint64_t, uint64_t) {
  RiscvState* s = rv(env);
  if (s->priv == kPrivU || (s->priv == kPrivS && (s->mstatus & mstatus::TW))) record_exception(s, kIllegalInsn, 0);
  return 0;
}
uint64_t sfence_vma_helper(void* env, uint64_t, uint64_t, uint64_t) {
  RiscvState* s = rv(env);
  if (s->priv == kPrivU || (s->priv == kPrivS && (s->mstatus & mstatus::TVM))) {
    record_exception(s, kIllegalInsn, 0);
    return 0;
  }
  s->mem.flush_tlb();
  return 0;
}
constexpr uint32_t kPrivileged = ir::kReadsState | ir::kWritesState | ir::kMayFault | ir::kEndsBlock;
constexpr ir::Helper kMret{"mret", mret_helper, kPrivileged, 0};
constexpr ir::Helper kSret{"sret", sret_helper, kPrivileged, 0};
constexpr ir::Helper kWfi{"wfi", wfi_helper, ir::kReadsState | ir::kMayFault, 0};
constexpr ir::Helper kSfenceVma{"sfence_vma", sfence_vma_helper, kPrivileged, 0};

}  // namespace

bool insn_ecall(Ctx& c, const Args& a) {
  c.raise(c.priv == kPrivM ? kEcallM : c.priv == kPrivS ? kEcallS : kEcallU, 0);
  return true;
}
bool insn_ebreak(Ctx& c, const Args& a) {
  c.raise(kBreakpoint, c.pc);
  return true;
}
bool insn_mret(Ctx& c, const Args& a) {
  c.b.exit(ir::ExitReason::ModeChange, c.b.call(kMret));
  return true;
}
bool insn_sret(Ctx& c, const Args& a) {
  c.b.exit(ir::ExitReason::ModeChange, c.b.call(kSret));
  return true;
}
bool insn_wfi(Ctx& c, const Args& a) {
  c.b.call(kWfi);
  c.b.exit(ir::ExitReason::Wfi, c.next_pc());
  return true;
}
bool insn_sfence_vma(Ctx& c, const Args& a) {
  c.b.call(kSfenceVma);
  c.end_with_mode_change();
  return true;
}

}  // namespace kiln::riscv

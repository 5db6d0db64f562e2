#include "cpu/riscv/csr.h"

#include "cpu/riscv/cpu.h"
#include "cpu/riscv/trigger.h"

namespace kiln::riscv {

namespace {

constexpr uint64_t kMstatusWritable = mstatus::SIE | mstatus::MIE | mstatus::SPIE | mstatus::MPIE | mstatus::SPP |
                                      mstatus::MPP | mstatus::FS | mstatus::MPRV | mstatus::SUM | mstatus::MXR |
                                      mstatus::TVM | mstatus::TW | mstatus::TSR;
constexpr uint64_t kSstatusView = mstatus::SIE | mstatus::SPIE | mstatus::SPP | mstatus::FS | mstatus::SUM |
                                  mstatus::MXR | mstatus::UXL | mstatus::SD;
constexpr uint64_t kSstatusWritable = mstatus::SIE | mstatus::SPIE | mstatus::SPP | mstatus::FS | mstatus::SUM |
                                      mstatus::MXR;
constexpr uint64_t kMedelegWritable = 0xb3ff;      // every synchronous cause but ecall-from-M (11)
constexpr uint64_t kSupervisorInterrupts = 0x222;  // SSIP, STIP, SEIP
constexpr uint64_t kAllInterrupts = 0xaaa;         // S and M software, timer, external
constexpr uint64_t kMipWritable = 0x222;           // M-mode may set S-level pending bits
constexpr uint64_t kStip = 1ull << 5;
constexpr uint64_t kMenvcfgStce = 1ull << 63;      // Sstc: stimecmp drives STIP

enum Csr : unsigned {
  kFflags = 0x001, kFrm = 0x002, kFcsr = 0x003,
  kCycle = 0xc00, kTime = 0xc01, kInstret = 0xc02, kHpmCounter3 = 0xc03, kHpmCounter31 = 0xc1f,
  kSstatus = 0x100, kSie = 0x104, kStvec = 0x105, kScounteren = 0x106, kSenvcfg = 0x10a,
  kSscratch = 0x140, kSepc = 0x141, kScause = 0x142, kStval = 0x143, kSip = 0x144, kStimecmp = 0x14d,
  kSatp = 0x180,
  kMvendorid = 0xf11, kMarchid = 0xf12, kMimpid = 0xf13, kMhartid = 0xf14, kMconfigptr = 0xf15,
  kMstatus = 0x300, kMisa = 0x301, kMedeleg = 0x302, kMideleg = 0x303, kMie = 0x304, kMtvec = 0x305,
  kMcounteren = 0x306, kMenvcfg = 0x30a, kMcountinhibit = 0x320, kMhpmevent3 = 0x323, kMhpmevent31 = 0x33f,
  kMscratch = 0x340, kMepc = 0x341, kMcause = 0x342, kMtval = 0x343, kMip = 0x344,
  kPmpcfg0 = 0x3a0, kPmpcfg2 = 0x3a2, kPmpaddr0 = 0x3b0, kPmpaddr15 = 0x3bf,
  kMcycle = 0xb00, kMinstret = 0xb02, kMhpmcounter3 = 0xb03, kMhpmcounter31 = 0xb1f,
};

constexpr uint64_t kInhibitCy = 1, kInhibitIr = 4;

// mcycle/minstret: frozen while mcountinhibit holds them, else retired count + offset.
uint64_t counter_value(const RiscvState* s, uint64_t now, bool cycle) {
  if (s->mcountinhibit & (cycle ? kInhibitCy : kInhibitIr)) return cycle ? s->cycle_frozen : s->instret_frozen;
  return now + (cycle ? s->cycle_offset : s->instret_offset);
}
// A counter write takes effect for the next instruction: this one's own
// increment (added when its block ends) is cancelled out.
void counter_write(RiscvState* s, uint64_t now, bool cycle, uint64_t v) {
  if (s->mcountinhibit & (cycle ? kInhibitCy : kInhibitIr)) (cycle ? s->cycle_frozen : s->instret_frozen) = v;
  else (cycle ? s->cycle_offset : s->instret_offset) = v - (now + 1);
}

uint64_t legal_tvec(uint64_t v) { return (v & 3) >= 2 ? v & ~3ull : v; }  // direct or vectored only

// Counter-enable rule for cycle/time/instret/hpmcounter reads below M-mode.
bool counter_allowed(const RiscvState* s, unsigned csr) {
  unsigned bit = csr & 31;
  if (s->priv == kPrivM) return true;
  if (!((s->mcounteren >> bit) & 1)) return false;
  if (s->priv == kPrivU && !((s->scounteren >> bit) & 1)) return false;
  return true;
}

// pmpcfg entries: locked ones ignore writes; W without R is reserved (kept as before).
uint64_t legal_pmpcfg(uint64_t old, uint64_t v) {
  uint64_t out = 0;
  for (unsigned i = 0; i < 8; i++) {
    uint64_t ob = (old >> (8 * i)) & 0xff, nb = (v >> (8 * i)) & 0x9f;
    if ((ob & 0x80) || ((nb & 3) == 2)) nb = ob;
    out |= nb << (8 * i);
  }
  return out;
}

}  // namespace

uint64_t read_mstatus(const RiscvState* s) {
  uint64_t v = s->mstatus | (2ull << 32) | (2ull << 34);
  if ((v & mstatus::FS) == mstatus::FS) v |= mstatus::SD;
  return v;
}

bool csr_access(RiscvState* s, unsigned csr, CsrOp op, bool do_write, uint64_t operand, uint64_t insn_index,
                uint64_t* old_value) {
  auto illegal = [&] {
    record_exception(s, kIllegalInsn, 0);
    return false;
  };
  unsigned min_priv = (csr >> 8) & 3;
  bool read_only = ((csr >> 10) & 3) == 3;
  if (s->priv < min_priv) return illegal();
  if (do_write && read_only) return illegal();
  uint64_t now_instret = s->insns_retired + insn_index;

  // Read.
  uint64_t v;
  switch (csr) {
    case kFflags: case kFrm: case kFcsr:
      if ((s->mstatus & mstatus::FS) == 0) return illegal();
      v = csr == kFflags ? s->fflags : csr == kFrm ? s->frm : (s->frm << 5 | s->fflags);
      break;
    case kCycle: case kInstret:
      if (!counter_allowed(s, csr)) return illegal();
      v = counter_value(s, now_instret, csr == kCycle);
      break;
    case kTime:
      if (!counter_allowed(s, csr)) return illegal();
      v = s->self->time_ticks();
      break;
    case kSstatus: v = read_mstatus(s) & kSstatusView; break;
    case kSie: v = s->mie & s->mideleg; break;
    case kStvec: v = s->stvec; break;
    case kScounteren: v = s->scounteren; break;
    case kSenvcfg: v = s->senvcfg; break;
    case kSscratch: v = s->sscratch; break;
    case kSepc: v = s->sepc; break;
    case kScause: v = s->scause; break;
    case kStval: v = s->stval; break;
    case kSip: v = s->mip & s->mideleg; break;
    case kStimecmp:
      if (!s->self->has_sstc()) return illegal();
      // Sstc: below M-mode only with menvcfg.STCE, and from S also needs mcounteren.TM.
      if (s->priv < kPrivM && (!(s->menvcfg & kMenvcfgStce) || !((s->mcounteren >> 1) & 1))) return illegal();
      v = s->stimecmp;
      break;
    case kSatp:
      if (s->priv == kPrivS && (s->mstatus & mstatus::TVM)) return illegal();
      v = s->satp;
      break;
    case kMvendorid: case kMarchid: case kMimpid: case kMconfigptr: v = 0; break;
    case kMhartid: v = s->mhartid; break;
    case kMstatus: v = read_mstatus(s); break;
    case kMisa: v = s->misa; break;
    case kMedeleg: v = s->medeleg; break;
    case kMideleg: v = s->mideleg; break;
    case kMie: v = s->mie; break;
    case kMtvec: v = s->mtvec; break;
    case kMcounteren: v = s->mcounteren; break;
    case kMenvcfg: v = s->menvcfg; break;
    case kMcountinhibit: v = s->mcountinhibit; break;
    case kMscratch: v = s->mscratch; break;
    case kMepc: v = s->mepc; break;
    case kMcause: v = s->mcause; break;
    case kMtval: v = s->mtval; break;
    case kMip: v = s->mip; break;
    case kPmpcfg0: v = s->pmpcfg[0]; break;
    case kPmpcfg2: v = s->pmpcfg[1]; break;
    case kMcycle: v = counter_value(s, now_instret, true); break;
    case kMinstret: v = counter_value(s, now_instret, false); break;
    default:
      if (csr >= kPmpaddr0 && csr <= kPmpaddr15) v = s->pmpaddr[csr - kPmpaddr0];
      else if (is_trigger_csr(csr)) v = trigger_csr_read(s, csr);
      else if ((csr >= kHpmCounter3 && csr <= kHpmCounter31)) {
        if (!counter_allowed(s, csr)) return illegal();
        v = 0;
      } else if ((csr >= kMhpmcounter3 && csr <= kMhpmcounter31) || (csr >= kMhpmevent3 && csr <= kMhpmevent31))
        v = 0;
      else return illegal();
  }
  *old_value = v;
  if (!do_write) return true;

  uint64_t n = op == CsrOp::Write ? operand : op == CsrOp::Set ? (v | operand) : (v & ~operand);
  const uint64_t before_mstatus = s->mstatus, before_satp = s->satp;
  auto merge = [](uint64_t old, uint64_t nv, uint64_t mask) { return (old & ~mask) | (nv & mask); };
  switch (csr) {
    case kFflags: s->fflags = n & 0x1f; s->mstatus |= mstatus::FS; break;
    case kFrm: s->frm = n & 7; s->mstatus |= mstatus::FS; break;
    case kFcsr: s->fflags = n & 0x1f; s->frm = (n >> 5) & 7; s->mstatus |= mstatus::FS; break;
    case kSstatus: s->mstatus = merge(s->mstatus, n, kSstatusWritable); break;
    case kSie: s->mie = merge(s->mie, n, s->mideleg & kAllInterrupts); break;
    case kStvec: s->stvec = legal_tvec(n); break;
    case kScounteren: s->scounteren = n & 0xffffffff; break;
    case kSenvcfg: s->senvcfg = n & 1; break;
    case kSscratch: s->sscratch = n; break;
    case kSepc: s->sepc = n & ~1ull; break;
    case kScause: s->scause = n; break;
    case kStval: s->stval = n; break;
    case kSip: s->mip = merge(s->mip, n, s->mideleg & 0x2); break;  // only SSIP is writable here
    case kSatp: {
      // Bare, Sv39 and Sv48; a write selecting another mode (Sv57...) leaves satp unchanged (WARL),
      // which is how software probes for the widest mode. ASIDs are 16 bits wide.
      uint64_t mode = n >> 60;
      if (mode == 0) n = 0;
      if (mode == 0 || mode == 8 || mode == 9) s->satp = n;
      break;
    }
    case kMstatus: {
      uint64_t m = merge(s->mstatus, n, kMstatusWritable);
      if (((m & mstatus::MPP) >> mstatus::MPP_SHIFT) == 2) m = (m & ~mstatus::MPP) | (s->mstatus & mstatus::MPP);
      s->mstatus = m;
      break;
    }
    case kMisa: break;  // WARL: the extensions are fixed
    case kMedeleg: s->medeleg = n & kMedelegWritable; break;
    case kMideleg: s->mideleg = n & kSupervisorInterrupts; break;
    case kMie: s->mie = n & kAllInterrupts; break;
    case kMtvec: s->mtvec = legal_tvec(n); break;
    case kMcounteren: s->mcounteren = n & 0xffffffff; break;
    case kMenvcfg:
      s->menvcfg = n & (1 | (s->self->has_sstc() ? kMenvcfgStce : 0));
      s->self->update_stimer();
      break;
    case kStimecmp:
      s->stimecmp = n;
      s->self->update_stimer();
      break;
    case kMcountinhibit: {
      // Freezing takes effect after this instruction, which still counts.
      uint64_t old = s->mcountinhibit;
      for (bool cycle : {true, false}) {
        uint64_t bit = cycle ? kInhibitCy : kInhibitIr;
        if ((n & bit) && !(old & bit)) (cycle ? s->cycle_frozen : s->instret_frozen) = counter_value(s, now_instret + 1, cycle);
        if (!(n & bit) && (old & bit)) {
          uint64_t frozen = cycle ? s->cycle_frozen : s->instret_frozen;
          (cycle ? s->cycle_offset : s->instret_offset) = frozen - (now_instret + 1);
        }
      }
      s->mcountinhibit = n & 0xfffffffd;
      break;
    }
    case kMscratch: s->mscratch = n; break;
    case kMepc: s->mepc = n & ~1ull; break;
    case kMcause: s->mcause = n; break;
    case kMtval: s->mtval = n; break;
    case kMip: s->mip = merge(s->mip, n, (s->menvcfg & kMenvcfgStce) ? kMipWritable & ~kStip : kMipWritable); break;
    case kPmpcfg0: s->pmpcfg[0] = legal_pmpcfg(s->pmpcfg[0], n); break;
    case kPmpcfg2: s->pmpcfg[1] = legal_pmpcfg(s->pmpcfg[1], n); break;
    case kMcycle: counter_write(s, now_instret, true, n); break;
    case kMinstret: counter_write(s, now_instret, false, n); break;
    default:
      if (csr >= kPmpaddr0 && csr <= kPmpaddr15) {
        unsigned i = csr - kPmpaddr0;
        auto cfg = [&](unsigned k) { return unsigned(s->pmpcfg[k / 8] >> (8 * (k % 8))) & 0xff; };
        // Locked entries ignore writes, and so does the address a locked TOR entry above uses as its bottom.
        bool locked = (cfg(i) & 0x80) || (i + 1 < 16 && (cfg(i + 1) & 0x80) && ((cfg(i + 1) >> 3) & 3) == 1);
        if (!locked) s->pmpaddr[i] = n & ((1ull << 54) - 1);
      } else if (is_trigger_csr(csr)) {
        trigger_csr_write(s, csr, n);
      }
      break;  // hpm counters and events are read-only zero
  }
  // The softTLB caches translations and permissions: drop them when what they
  // were computed from changes (satp, MXR, PMP). MPRV/MPP and SUM only choose
  // which MMU index loads and stores use, and each index has its own entries.
  constexpr uint64_t kTranslationBits = mstatus::MXR;
  bool pmp = csr == kPmpcfg0 || csr == kPmpcfg2 || (csr >= kPmpaddr0 && csr <= kPmpaddr15);
  if (pmp || s->satp != before_satp || ((s->mstatus ^ before_mstatus) & kTranslationBits)) s->mem.flush_tlb();
  return true;
}

}  // namespace kiln::riscv

#include "cpu/riscv/cpu.h"

#include <cinttypes>
#include <cstdio>
#include <new>

#include "cpu/riscv/csr.h"
#include "cpu/riscv/decode.h"
#include "cpu/riscv/disasm.h"
#include "cpu/riscv/trigger.h"

namespace kiln::riscv {

namespace {

uint64_t raise_helper(void* env, uint64_t cause, uint64_t tval, uint64_t) {
  record_exception(rv(env), cause, tval);
  return 0;
}
constexpr ir::Helper kRaise{"raise", raise_helper, ir::kWritesState | ir::kMayFault | ir::kEndsBlock, 2};

constexpr uint64_t kMisa = (2ull << 62) | (1u << 0) | (1u << 2) | (1u << 3) | (1u << 5) | (1u << 8) | (1u << 12) |
                           (1u << 18) | (1u << 20);  // RV64 A C D F I M S U

}  // namespace

// ---- Ctx (translate.h)
void Ctx::mark_fs_dirty() {
  size_t off = offsetof(RiscvState, mstatus);
  b.set(off, b.or_(b.get<T::I64>(off), b.c64(mstatus::FS)));
}
void Ctx::set_f(unsigned r, U64 v) {
  b.set(off_f(r), v);
  mark_fs_dirty();
}
void Ctx::raise(uint64_t cause, uint64_t tval) {
  b.call(kRaise, b.c64(cause), b.c64(tval));
  b.exit(ir::ExitReason::Exception, pc);  // not reached: the call always faults
}

// ---- RiscvCpu
void RiscvCpu::StateDeleter::operator()(RiscvState* p) const {
  p->~RiscvState();
  ::operator delete(p, std::align_val_t(64));
}

RiscvCpu::RiscvCpu(mem::PhysMap& map, Log& log, uint64_t hartid)
    : state_(new (::operator new(sizeof(RiscvState), std::align_val_t(64))) RiscvState()),
      log_(log),
      start_(std::chrono::steady_clock::now()) {
  RiscvState& st = *state_;
  st.mem.map = &map;
  st.mem.translator = this;
  st.mem.flush_tlb();
  st.mhartid = hartid;
  st.self = this;
  reset(0x80000000);
}

RiscvCpu::~RiscvCpu() {
  if (stimer_armed_) clock_->cancel(stimer_);
}

void RiscvCpu::reset(uint64_t pc) {
  RiscvState& st = *state_;
  st.pc = pc;
  st.priv = kPrivM;
  st.misa = kMisa;
  st.mstatus = 0;
  st.reservation = ~0ull;
  reset_triggers(&st);
  st.mem.flush_tlb();
}

uint64_t RiscvCpu::default_time() const {
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start_).count();
  return uint64_t(ns) / (1'000'000'000 / kTimebaseHz);
}

uint64_t RiscvCpu::mode_bits() const {
  const RiscvState& st = *state_;
  // priv (2 bits), FPU on, the data-access privilege when MPRV redirects it,
  // and whether loads and stores check triggers.
  return uint32_t(st.priv) | ((st.mstatus & mstatus::FS) ? 4u : 0u) | uint32_t(data_mmu_index(st)) << 3 |
         ((st.data_trigger_privs >> st.priv) & 1u) << 5;
}

void RiscvCpu::raise_fault(uint64_t va, mem::AccessType type, mem::FaultKind kind) {
  static constexpr uint64_t kCauses[3][3] = {
      // Page,            Access,            Misaligned
      {kLoadPageFault, kLoadAccessFault, kLoadMisaligned},     // Read
      {kStorePageFault, kStoreAccessFault, kStoreMisaligned},  // Write
      {kInsnPageFault, kInsnAccessFault, kInsnMisaligned},     // Exec
  };
  record_exception(state_.get(), kCauses[unsigned(type)][unsigned(kind)], va);
}

// The whole first instruction must be fetchable, so a 4-byte instruction in
// the last halfword of a page needs the next page too. Its fault is taken
// here, before any block exists: a block raising it would be cached under the
// first page alone and keep raising it after the guest maps the second page
// (sfence.vma changes no block key).
bool RiscvCpu::code_address(uint64_t pc, uint64_t* pa) {
  unsigned mmu = mmu_index(state_->priv);
  const uint8_t* p = mem::code_ptr(state_->mem, pc, mmu, pa);
  if (!p) return false;
  if ((pc & ~mem::kPageMask) != mem::kPageSize - 2 || (mem::host_load(p, 2) & 3) != 3) return true;
  uint64_t second_pa;
  return mem::code_ptr(state_->mem, pc + 2, mmu, &second_pa) != nullptr;
}

bool RiscvCpu::fetch(uint64_t va, uint32_t* raw, unsigned* len) {
  uint64_t pa;
  unsigned mmu = mmu_index(state_->priv);
  const uint8_t* p = mem::code_ptr(state_->mem, va, mmu, &pa);
  if (!p) return false;
  uint32_t lo = uint32_t(mem::host_load(p, 2));
  if ((lo & 3) != 3) {
    *raw = lo;
    *len = 2;
    return true;
  }
  const uint8_t* q = ((va + 2) & mem::kPageMask) == (va & mem::kPageMask) ? p + 2
                                                                           : mem::code_ptr(state_->mem, va + 2, mmu, &pa);
  if (!q) return false;
  *raw = lo | uint32_t(mem::host_load(q, 2)) << 16;
  *len = 4;
  return true;
}

void RiscvCpu::translate_block(ir::Block& out, unsigned max_insns) {
  RiscvState& st = *state_;
  ir::Builder b(out);
  // x1..x31 and f0..f31: no helper reads or writes them (operands and results
  // travel as IR values), so the JIT may keep them in host registers.
  out.regs_begin = off_x(1);
  out.regs_end = off_f(31) + 8;
  static_assert(off_f(0) == off_x(31) + 8, "f[] follows x[] in RiscvState");
  uint64_t pc = out.pc;
  const uint64_t page = pc & mem::kPageMask;
  const bool fp_enabled = (st.mstatus & mstatus::FS) != 0;
  const bool data_triggers = (st.data_trigger_privs >> st.priv) & 1;
  for (unsigned n = 0;; n++) {
    uint32_t raw;
    unsigned len;
    if (!fetch(pc, &raw, &len)) {
      // The first instruction was fetchable (code_address succeeded), so this
      // is a later one: the block ends before it, which then faults alone
      // (in code_address). The raise below is only a fallback.
      uint64_t cause = st.pending_cause, tval = st.pending_tval;
      st.fault = 0;
      if (n > 0) {
        b.goto_(pc);  // end the block before it; it faults when it runs alone
        break;
      }
      b.insn_start(pc, 2);
      Ctx ctx{b, pc, 2, n, st.priv, data_mmu_index(st), fp_enabled, st.misa, data_triggers};
      ctx.raise(cause, tval);
      out.guest_bytes = 2;
      break;
    }
    b.insn_start(pc, len);
    Ctx ctx{b, pc, len, n, st.priv, data_mmu_index(st), fp_enabled, st.misa, data_triggers};
    Args args;
    const DecodeEntry* e = decode(raw, &args);
    if (!e || !e->fn(ctx, args)) ctx.raise(kIllegalInsn, raw);
    pc += len;
    out.guest_bytes = uint32_t(pc - out.pc);
    if (b.terminated()) break;
    if (n + 1 >= max_insns || (pc & mem::kPageMask) != page) {
      b.goto_(pc);
      break;
    }
  }
}

void RiscvCpu::deliver_trap(uint64_t cause, uint64_t tval, bool interrupt) {
  RiscvState& st = *state_;
  if (log_.enabled(kLogInt))
    log_.printf("riscv: %s %" PRIu64 " at pc=0x%" PRIx64 " tval=0x%" PRIx64 " priv=%" PRIu64 "\n",
                interrupt ? "interrupt" : "exception", cause, st.pc, tval, st.priv);
  uint64_t deleg = interrupt ? st.mideleg : st.medeleg;
  uint64_t code = cause | (interrupt ? kInterruptBit : 0);
  if (st.priv <= kPrivS && ((deleg >> cause) & 1)) {
    st.scause = code;
    st.sepc = st.pc;
    st.stval = tval;
    uint64_t m = st.mstatus & ~(mstatus::SPP | mstatus::SPIE | mstatus::SIE);
    if (st.priv == kPrivS) m |= mstatus::SPP;
    if (st.mstatus & mstatus::SIE) m |= mstatus::SPIE;
    st.mstatus = m;
    st.priv = kPrivS;
    st.pc = (st.stvec & ~3ull) + (interrupt && (st.stvec & 3) == 1 ? 4 * cause : 0);
  } else {
    st.mcause = code;
    st.mepc = st.pc;
    st.mtval = tval;
    uint64_t m = st.mstatus & ~(mstatus::MPP | mstatus::MPIE | mstatus::MIE);
    m |= st.priv << mstatus::MPP_SHIFT;
    if (st.mstatus & mstatus::MIE) m |= mstatus::MPIE;
    st.mstatus = m;
    st.priv = kPrivM;
    st.pc = (st.mtvec & ~3ull) + (interrupt && (st.mtvec & 3) == 1 ? 4 * cause : 0);
  }
}

void RiscvCpu::take_exception() {
  RiscvState& st = *state_;
  st.fault = 0;
  deliver_trap(st.pending_cause, st.pending_tval, false);
}

void RiscvCpu::update_stimer() {
  RiscvState& st = *state_;
  if (stimer_armed_) {
    clock_->cancel(stimer_);
    stimer_armed_ = false;
  }
  if (!clock_ || !(st.menvcfg & (1ull << 63))) return;
  uint64_t now = time_ticks();
  set_mip(5, now >= st.stimecmp);
  // A deadline more than a day away (e.g. stimecmp = ~0, "never") is not armed:
  // any later stimecmp write re-evaluates anyway.
  constexpr uint64_t kFarTicks = 24ull * 3600 * kTimebaseHz;
  if (now < st.stimecmp && st.stimecmp - now < kFarTicks) {
    uint64_t ns = (st.stimecmp - now) * (1'000'000'000 / kTimebaseHz);
    stimer_ = clock_->schedule(clock_->now_ns() + ns, [this] {
      stimer_armed_ = false;
      update_stimer();
    });
    stimer_armed_ = true;
  }
}

void RiscvCpu::set_mip(unsigned bit, bool level) {
  uint64_t m = 1ull << bit;
  state_->mip = level ? (state_->mip | m) : (state_->mip & ~m);
  state_->exit_request = 1;  // look at interrupts at the next block boundary
}

bool RiscvCpu::take_interrupt() {
  RiscvState& st = *state_;
  uint64_t pending = st.mip & st.mie;
  if (!pending) return false;
  // Interrupts for M: taken if below M, or in M with MIE. Delegated ones for S likewise.
  uint64_t m_pending = pending & ~st.mideleg;
  uint64_t s_pending = pending & st.mideleg;
  bool m_enabled = st.priv < kPrivM || (st.mstatus & mstatus::MIE);
  bool s_enabled = st.priv < kPrivS || (st.priv == kPrivS && (st.mstatus & mstatus::SIE));
  uint64_t take = m_enabled ? m_pending : 0;
  if (!take && s_enabled) take = s_pending;
  if (!take) return false;
  // Priority: MEI, MSI, MTI, SEI, SSI, STI.
  for (unsigned cause : {11u, 3u, 7u, 9u, 1u, 5u}) {
    if ((take >> cause) & 1) {
      deliver_trap(cause, 0, true);
      return true;
    }
  }
  return false;
}

std::string RiscvCpu::disassemble(uint64_t pc) {
  uint32_t raw;
  unsigned len;
  uint64_t saved_cause = state_->pending_cause, saved_tval = state_->pending_tval;
  uint32_t saved_fault = state_->fault;
  bool ok = fetch(pc, &raw, &len);
  state_->pending_cause = saved_cause;
  state_->pending_tval = saved_tval;
  state_->fault = saved_fault;
  if (!ok) return "<fetch fault>";
  return riscv::disassemble(raw, pc);
}

}  // namespace kiln::riscv

// The x86 CPU (cpu/x86/cpu.h): reset, the mode bits, instruction fetch and
// block translation from the opcode map. Paging is in mmu.cpp, exception
// delivery in interrupt.cpp.
#include "cpu/x86/cpu.h"

#include <cinttypes>
#include <cstdio>
#include <new>

#include "cpu/x86/cpuid.h"
#include "cpu/x86/debug_traps.h"
#include "cpu/x86/decode.h"
#include "cpu/x86/disasm.h"
#include "cpu/x86/flags.h"
#include "cpu/x86/helpers.h"
#include "cpu/x86/mode.h"
#include "cpu/x86/translate.h"

namespace kiln::x86 {

void X86Cpu::StateDeleter::operator()(X86State* p) const {
  p->~X86State();
  ::operator delete(p, std::align_val_t(64));
}

X86Cpu::X86Cpu(mem::PhysMap& map, Model model) : X86Cpu(map, model, model_features(model)) {}

X86Cpu::X86Cpu(mem::PhysMap& map, Model model, const Features& features)
    : state_(new (::operator new(sizeof(X86State), std::align_val_t(64))) X86State()) {
  X86State& st = *state_;
  st.mem.map = &map;
  st.mem.translator = this;
  st.model = model;
  st.features = features;
  reset();
}

void X86Cpu::reset() {
  X86State& st = *state_;
  const Model model = st.model;
  for (uint64_t& r : st.gpr) r = 0;
  // EDX: the processor signature (family, model, stepping) of the generation.
  st.gpr[DX] = signature(model);
  for (Segment& g : st.seg) g = Segment{};
  st.seg[CS].selector = 0xF000;
  st.seg[CS].attr = attr::kRealCode;
  st.seg[CS].base = is_386_or_later(model) ? 0xFFFF0000u : 0xF0000u;
  st.ldtr = Segment{0, 0xffff, 0, uint16_t(attr::kPresent | 2)};
  st.tr = Segment{0, 0xffff, 0, uint16_t(attr::kPresent | 3)};
  st.gdtr = st.idtr = TableReg{};
  st.cr0 = model == Model::I8086 ? 0 : model == Model::I286 ? 0xFFF0 : 0x60000010;
  st.cr2 = st.cr3 = st.cr4 = st.cr8 = st.efer = 0;
  st.dr[6] = 0xffff0ff0;
  st.dr[7] = 0x400;
  st.cpl = 0;
  st.a20_mask = model == Model::I8086 ? 0xFFFFF : model == Model::I286 ? 0xFFFFFF : ~0ull;
  st.fault = 0;
  st.halted = 0;
  st.irq_shadow_pc = ~0ull;
  st.nmi_pending = st.nmi_blocked = 0;
  init_pending_ = wait_sipi_ = false;
  sipi_vector_ = -1;
  write_flags(st, 0);
  st.pc = st.seg[CS].base + 0xFFF0;
  flush_all_translations(st);
  shutdown_ = false;
}

void X86Cpu::set_sreg(unsigned seg, uint16_t selector) {
  state_->seg[seg].selector = selector;
  state_->seg[seg].base = uint64_t(selector) << 4;
}
void X86Cpu::set_cs_ip(uint16_t cs, uint16_t ip) {
  state_->halted = 0;  // a test harness starting code anew
  set_sreg(CS, cs);
  state_->pc = state_->seg[CS].base + ip;
}

uint64_t X86Cpu::mode_bits() const { return TransMode::of(*state_).pack(); }

uint64_t X86Cpu::debug_mode() const {
  const X86State& st = *state_;
  return uint64_t(protected_mode(st)) | uint64_t((st.cr0 & cr0::PG) != 0) << 1 | uint64_t(long_mode(st)) << 2 |
         uint64_t(code64(st)) << 3 | uint64_t(vm86(st)) << 4 | st.cpl << 5;
}

unsigned X86Cpu::code_mmu() const { return data_mmu(*state_); }

// A halted CPU (HLT, wait-for-SIPI, shutdown) runs a block that only waits
// and fetches nothing, so its pc need not be fetchable: an AP waits for SIPI
// at the reset vector, where a directly booted kernel has no ROM. A fetch
// fault there was taken as the AP's exception, which ended its wait and ran
// it through an empty IVT into low memory. Such a block is keyed by
// kNoCodeAddress, which no region holds (no code page is marked for it).
bool X86Cpu::code_address(uint64_t pc, uint64_t* pa) {
  X86State& st = *state_;
  if (!st.halted) return mem::code_ptr(st.mem, pc, code_mmu(), pa) != nullptr;
  const uint32_t fault = st.fault;
  if (mem::code_ptr(st.mem, pc, code_mmu(), pa)) return true;
  st.fault = fault;
  *pa = kNoCodeAddress;
  return true;
}

size_t X86Cpu::fetch(uint64_t pc, uint8_t* out) {
  X86State& st = *state_;
  const TransMode m = TransMode::of(st);
  const uint64_t ip_mask = m.code == CodeSize::Long64 ? ~0ull : m.code == CodeSize::Prot32 ? 0xffffffffull : 0xffffull;
  const uint64_t ip = pc - m.cs_base;
  size_t n = 0;
  for (; n < 15; n++) {
    uint64_t at = m.cs_base + ((ip + n) & ip_mask);
    if (m.code != CodeSize::Long64) at &= 0xffffffffull;
    uint64_t pa;
    const uint8_t* p = mem::code_ptr(st.mem, at, code_mmu(), &pa);
    if (!p) {
      st.fault = 0;  // raised when the instruction runs (x86_fetch_fault), not at translation
      break;
    }
    out[n] = *p;
  }
  return n;
}

namespace {
// (linear address, MMU index): the fetch of a byte a translated instruction
// could not read; raises the fault now that the instruction is reached. The
// page may have been mapped since (a not-present entry needs no INVLPG): then
// the block is stale, so drop the blocks of the instruction's first page and
// run the instruction again by itself (mem::MemContext::rerun_alone), from
// a fresh translation.
uint64_t fetch_fault(void* env, uint64_t linear, uint64_t mmu, uint64_t) {
  X86State* s = xs(env);
  uint64_t pa;
  if (!mem::code_ptr(s->mem, linear, unsigned(mmu), &pa)) return 0;  // the fault is recorded
  if (s->mem.code_watcher && mem::code_ptr(s->mem, linear - 1, unsigned(mmu), &pa))
    s->mem.code_watcher->code_written(pa, 1);
  s->mem.rerun_alone = true;
  return 0;
}
const ir::Helper kFetchFault{"x86_fetch_fault", fetch_fault, ir::kReadsState | ir::kWritesState | ir::kMayFault | ir::kEndsBlock, 2};
}  // namespace

void X86Cpu::translate_block(ir::Block& out, unsigned max_insns) {
  X86State& st = *state_;
  ir::Builder b(out);
  // The general registers and the lazy-flag fields (cc_op..cc_dst, right after
  // them) are the register file the JIT may keep in host registers: Ctx reads
  // and writes them only as whole 64-bit slots, and the helpers that touch
  // them declare ir::kAccessesRegs (anything reading or writing FLAGS through
  // read_flags/write_flags does).
  static_assert(offsetof(X86State, cc_op) == off_gpr(16) && offsetof(X86State, cc_dst) + 8 == offsetof(X86State, flags));
  out.regs_begin = uint32_t(off_gpr(0));
  out.regs_end = uint32_t(offsetof(X86State, flags));
  const TransMode m = TransMode::of(st);
  if (m.halted) {  // HLT waits for an interrupt; after a triple fault, for a reset
    b.insn_start(out.pc, 1);
    b.exit(ir::ExitReason::Wfi, out.pc);
    return;
  }
  const uint64_t ip_mask = m.code == CodeSize::Long64 ? ~0ull : m.code == CodeSize::Prot32 ? 0xffffffffull : 0xffffull;
  uint64_t ip = (out.pc - m.cs_base) & ip_mask;
  BlockFlags flags;
  // Single-step (TF): one instruction per block, armed to trap after it; MOV SS
  // and POP SS are not, so their trap waits for the next instruction (the shadow).
  if (m.tf || m.dbg_data) max_insns = 1;  // (data breakpoints: their trap comes after each instruction too)
  bool window_next = false;  // after STI, MOV SS, POP SS: the next instruction ends the block
  for (unsigned n = 0;; n++) {
    uint8_t bytes[15];
    const uint64_t pc = m.code == CodeSize::Long64 ? ip : (m.cs_base + ip) & 0xffffffffull;
    size_t avail = fetch(pc, bytes);
    Insn in;
    bool ok = decode(st.model, st.features, m.code, bytes, avail, &in);
    b.insn_start(pc, ok ? in.len : 1);
    Ctx ctx{b, in, m, ip, flags};
    const bool shadow = m.tf && n == 0 && ok && shadows_next(in);
    const bool holds_off = ok && holds_off_interrupts(in);
    if (m.tf && !shadow) b.call(kArmStep);
    if (!ok && avail < 15) {
      // The bytes ran into a page that cannot be fetched: fault there (or #UD if
      // the bytes that were there are already invalid: Zydis needs them all).
      const uint64_t missing = m.code == CodeSize::Long64 ? pc + avail : (m.cs_base + ((ip + avail) & ip_mask)) & 0xffffffffull;
      b.call(kFetchFault, b.c64(missing), b.c64(code_mmu()));
      b.exit(ir::ExitReason::Exception, pc);
    } else if (!ok || !in.row->fn(ctx)) {
      if (!b.terminated()) {
        if (!ok && in.too_long)
          ctx.fault(kGeneralProtection, 0);
        else
          ctx.fault(kInvalidOpcode);
      }
    } else if (!b.terminated()) {
      // MOV SS, POP SS: the shadow (STI's helper sets its own, only when IF was 0).
      if (holds_off && shadows_next(in)) b.set(offsetof(X86State, irq_shadow_pc), b.c64(ctx.next_pc()));
      if (ctx.mode_changed) ctx.end_mode_change();
    }
    const uint64_t next = (ip + (ok ? in.len : 1)) & ip_mask;
    out.guest_bytes += ok ? in.len : 1;
    if (b.terminated()) break;
    const uint64_t next_pc = m.code == CodeSize::Long64 ? next : (m.cs_base + next) & 0xffffffffull;
    if (window_next) {  // the shadowed instruction is done: the engine looks at INTR here (no chaining past it)
      b.exit(ir::ExitReason::ModeChange, next_pc);
      break;
    }
    if (shadow) max_insns = 2;
    // Outside single-stepping (and one-instruction blocks: kiln-sst, gdb's
    // step), the shadowed instruction joins the block, which ends after it
    // (else take_interrupt refuses once at the shadowed pc).
    else if (holds_off && !m.tf && !m.dbg_data && max_insns > 1) window_next = true;
    if ((n + 1 >= max_insns && !window_next) || (next_pc & mem::kPageMask) != (out.pc & mem::kPageMask) || next < ip) {
      b.goto_(next_pc);
      break;
    }
    ip = next;
  }
}

std::string X86Cpu::disassemble(uint64_t pc) {
  uint8_t bytes[15];
  const TransMode m = TransMode::of(*state_);
  const unsigned bits = m.code == CodeSize::Long64 ? 64 : m.code == CodeSize::Prot32 ? 32 : 16;
  // Branch targets as offsets in CS (the ip), as the guest's own listing has them.
  return x86::disassemble(bytes, fetch(pc, bytes), pc - m.cs_base, bits);
}

}  // namespace kiln::x86

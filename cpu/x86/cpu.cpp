// The x86 CPU (cpu/x86/cpu.h): block translation from the opcode map, the
// real-mode address space, and exception delivery through the IVT.
#include "cpu/x86/cpu.h"

#include <cinttypes>
#include <cstdio>
#include <new>

#include "cpu/x86/decode.h"
#include "cpu/x86/disasm.h"
#include "cpu/x86/flags.h"
#include "cpu/x86/translate.h"

namespace kiln::x86 {

void X86Cpu::StateDeleter::operator()(X86State* p) const {
  p->~X86State();
  ::operator delete(p, std::align_val_t(64));
}

X86Cpu::X86Cpu(mem::PhysMap& map, Model model)
    : state_(new (::operator new(sizeof(X86State), std::align_val_t(64))) X86State()) {
  X86State& st = *state_;
  st.mem.map = &map;
  st.mem.translator = this;
  st.mem.flush_tlb();
  st.model = model;
  write_flags(st, 0);
  set_cs_ip(0xF000, 0xFFF0);
}

void X86Cpu::set_sreg(unsigned seg, uint16_t selector) {
  state_->seg[seg].selector = selector;
  state_->seg[seg].base = uint64_t(selector) << 4;
}
void X86Cpu::set_cs_ip(uint16_t cs, uint16_t ip) {
  set_sreg(CS, cs);
  state_->pc = state_->seg[CS].base + ip;
}

uint32_t X86Cpu::mode_bits() const { return uint32_t(state_->model) | uint32_t(state_->seg[CS].selector) << 16; }

bool X86Cpu::translate(uint64_t va, unsigned, mem::AccessType, unsigned, uint64_t* pa, unsigned* prot) {
  *pa = va & address_mask();
  *prot = mem::kProtRead | mem::kProtWrite | mem::kProtExec;
  return true;
}
void X86Cpu::raise_fault(uint64_t, mem::AccessType, mem::FaultKind) {
  // Nothing is unmapped in real mode with RAM everywhere; a hole would be #GP for now.
  record_exception(state_.get(), kGeneralProtection, ip());
}

bool X86Cpu::code_address(uint64_t pc, uint64_t* pa) { return mem::code_ptr(state_->mem, pc, kMmuReal, pa) != nullptr; }

size_t X86Cpu::fetch(uint16_t ip, uint8_t* out) {
  size_t n = 0;
  for (; n < 15; n++) {
    uint64_t pa;
    const uint8_t* p = mem::code_ptr(state_->mem, state_->seg[CS].base + uint16_t(ip + n), kMmuReal, &pa);
    if (!p) {
      state_->fault = 0;
      break;
    }
    out[n] = *p;
  }
  return n;
}

void X86Cpu::translate_block(ir::Block& out, unsigned max_insns) {
  X86State& st = *state_;
  ir::Builder b(out);
  // Helpers (string instructions) read and write the general registers: no register range.
  out.regs_begin = out.regs_end = 0;
  const uint64_t cs_base = st.seg[CS].base;
  uint16_t ip = uint16_t(out.pc - cs_base);
  BlockFlags flags;
  for (unsigned n = 0;; n++) {
    uint8_t bytes[15];
    size_t avail = fetch(ip, bytes);
    Insn in;
    bool ok = decode(st.model, CodeSize::Real16, bytes, avail, &in);
    b.insn_start(cs_base + ip, ok ? in.len : 1);
    Ctx ctx{b, in, st.model, cs_base, ip, flags};
    if (!ok || !in.row->fn(ctx)) ctx.raise(kInvalidOpcode, ip);
    uint16_t next = uint16_t(ip + (ok ? in.len : 1));
    out.guest_bytes += ok ? in.len : 1;
    if (b.terminated()) break;
    if (n + 1 >= max_insns || ((cs_base + next) & mem::kPageMask) != (out.pc & mem::kPageMask) || next < ip) {
      b.goto_(cs_base + next);
      break;
    }
    ip = next;
  }
}

void X86Cpu::interrupt(unsigned vector, uint16_t return_ip) {
  X86State& st = *state_;
  auto push = [&](uint16_t v) {
    uint16_t sp = uint16_t(st.gpr[SP] - 2);
    st.gpr[SP] = (st.gpr[SP] & ~0xffffull) | sp;
    for (unsigned i = 0; i < 2; i++)
      mem::store(st.mem, st.seg[SS].base + uint16_t(sp + i), 1, kMmuReal, false, (v >> (8 * i)) & 0xff);
  };
  auto read16 = [&](uint64_t addr) {
    uint64_t lo = 0, hi = 0;
    mem::load(st.mem, addr, 1, kMmuReal, false, &lo);
    mem::load(st.mem, addr + 1, 1, kMmuReal, false, &hi);
    return uint16_t(lo | hi << 8);
  };
  push(uint16_t(read_flags(st)));
  push(st.seg[CS].selector);
  push(return_ip);
  st.flags &= ~uint64_t(fl::IF | fl::TF);
  uint16_t off = read16(vector * 4), sel = read16(vector * 4 + 2);
  set_cs_ip(sel, off);
}

void X86Cpu::take_exception() {
  X86State& st = *state_;
  st.fault = 0;
  interrupt(unsigned(st.pending_vector), uint16_t(st.pending_return_ip));
}

std::string X86Cpu::disassemble(uint64_t pc) {
  uint8_t bytes[15];
  const uint16_t ip = uint16_t(pc - state_->seg[CS].base);
  return x86::disassemble(bytes, fetch(ip, bytes), ip, 16);  // real mode: branch targets as offsets in CS
}

}  // namespace kiln::x86

// The bare x86 machine (machine/x86_bare.h): one CPU, RAM, the engine.
#include "machine/x86_bare.h"

#include "common/log.h"
#include "cpu/x86/cpu.h"
#include "cpu/x86/decode.h"
#include "cpu/x86/flags.h"
#include "engine/engine.h"
#include "jit/jit.h"
#include "mem/physmap.h"

namespace kiln::machine {

struct X86Bare::Parts {
  Log log;
  mem::PhysMap map;
  std::unique_ptr<jit::Jit> jit;  // before the engine: it releases its code into it
  std::unique_ptr<x86::X86Cpu> cpu;
  std::unique_ptr<engine::Engine> engine;
};

X86Bare::~X86Bare() = default;

Result<std::unique_ptr<X86Bare>> X86Bare::create(X86Model model, bool use_jit) {
  std::unique_ptr<X86Bare> m(new X86Bare());
  m->p_ = std::make_unique<Parts>();
  Parts& p = *m->p_;
  m->ram_size_ = model == X86Model::I8086 ? (1u << 20) : (16u << 20);
  if (Status s = p.map.add_ram("ram", 0, m->ram_size_); !s) return make_error(s.error());
  m->ram_ = p.map.host_ptr(0, m->ram_size_);
  p.cpu = std::make_unique<x86::X86Cpu>(p.map, model == X86Model::I8086 ? x86::Model::I8086
                                               : model == X86Model::I286 ? x86::Model::I286
                                                                         : x86::Model::I386);
  engine::Options o;
  o.max_block_insns = 1;
  o.verify_ir = true;  // the IR of every instruction checked after every pass
  if (use_jit) {
    std::string error;
    p.jit = jit::create(&error);
    if (!p.jit) return make_error("the JIT is not available: " + error);
    o.jit = p.jit.get();
    o.jit_threshold = o.jit_straight_threshold = 1;
    o.jit_sync = true;
  }
  p.engine = std::make_unique<engine::Engine>(*p.cpu, p.map, p.log, o);
  return m;
}

X86Regs X86Bare::regs() const {
  const x86::X86State& s = p_->cpu->s();
  auto g = [&](unsigned r) { return uint32_t(s.gpr[r]); };
  return X86Regs{g(x86::AX), g(x86::BX), g(x86::CX), g(x86::DX), s.seg[x86::CS].selector, s.seg[x86::SS].selector,
                 s.seg[x86::DS].selector, s.seg[x86::ES].selector, g(x86::SP), g(x86::BP), g(x86::SI), g(x86::DI),
                 uint32_t(p_->cpu->ip()), x86::read_flags(s), s.seg[x86::FS].selector, s.seg[x86::GS].selector};
}

void X86Bare::set_regs(const X86Regs& r) {
  x86::X86Cpu& cpu = *p_->cpu;
  x86::X86State& s = cpu.s();
  const uint32_t values[8] = {r.ax, r.cx, r.dx, r.bx, r.sp, r.bp, r.si, r.di};  // in encoding order
  for (unsigned i = 0; i < 8; i++) s.gpr[i] = values[i];
  cpu.set_sreg(x86::ES, r.es);
  cpu.set_sreg(x86::SS, r.ss);
  cpu.set_sreg(x86::DS, r.ds);
  if (x86::is_386_or_later(s.model)) {
    cpu.set_sreg(x86::FS, r.fs);
    cpu.set_sreg(x86::GS, r.gs);
  }
  cpu.set_cs_ip(r.cs, uint16_t(r.ip));
  x86::write_flags(s, r.flags);
  s.fault = 0;
}

void X86Bare::code_changed() { p_->engine->flush_all(); }

bool X86Bare::step() {
  // A REP string instruction leaves its block to its own ip after each element
  // (cpu/x86/insn/string.cpp): it is done when the pc moves on (to the next
  // instruction, or to a handler after an exception).
  const x86::X86State& s = p_->cpu->s();
  const uint64_t pc = s.pc;
  const bool rep = at_rep_string();
  for (unsigned i = 0;; i++) {
    if (p_->engine->run_for(1) == engine::Engine::SliceEnd::Idle) return true;
    if (!rep || s.pc != pc || i > 0x10000) return false;
  }
}

bool X86Bare::at_rep_string() const {
  const x86::X86State& s = p_->cpu->s();
  uint8_t bytes[15];
  for (unsigned k = 0; k < sizeof bytes; k++)
    bytes[k] = ram_[(s.seg[x86::CS].base + uint16_t(p_->cpu->ip() + k)) % ram_size_];
  x86::Insn in;
  return x86::decode(s.model, x86::CodeSize::Real16, bytes, sizeof bytes, &in) && in.rep &&
         (in.row->flags & x86::kRep);
}

}  // namespace kiln::machine

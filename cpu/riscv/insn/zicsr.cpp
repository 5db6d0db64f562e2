// Zicsr: the six CSR instructions. The access itself (permissions, WARL,
// derived views) is in cpu/riscv/csr.cpp; a CSR write ends the block because
// it may change the mode bits translation depends on or enable an interrupt.
#include "cpu/riscv/csr.h"
#include "cpu/riscv/insn/insns.h"
#include "cpu/riscv/insn/shapes.h"

namespace kiln::riscv {

namespace {

// a = csr | op << 12 | write << 14, b = operand, c = instruction index in the block
uint64_t csr_helper(void* env, uint64_t desc, uint64_t operand, uint64_t insn_index) {
  uint64_t old = 0;
  csr_access(rv(env), unsigned(desc & 0xfff), CsrOp((desc >> 12) & 3), (desc >> 14) & 1, operand, insn_index, &old);
  return old;
}
constexpr ir::Helper kCsr{"csr", csr_helper, ir::kReadsState | ir::kWritesState | ir::kMayFault, 3};

bool gen_csr(Ctx& c, const Args& a, CsrOp op, U64 operand, bool writes) {
  uint64_t desc = a.csr | uint64_t(op) << 12 | uint64_t(writes) << 14;
  U64 old = c.b.call(kCsr, c.b.c64(desc), operand, c.b.c64(c.insn_index));
  c.set_x(a.rd, old);
  if (writes) c.end_with_mode_change();
  return true;
}

}  // namespace

// csrrw always writes; csrrs/csrrc with rs1 = x0 (or uimm = 0) only read.
bool insn_csrrw(Ctx& c, const Args& a) { return gen_csr(c, a, CsrOp::Write, c.x(a.rs1), true); }
bool insn_csrrs(Ctx& c, const Args& a) { return gen_csr(c, a, CsrOp::Set, c.x(a.rs1), a.rs1 != 0); }
bool insn_csrrc(Ctx& c, const Args& a) { return gen_csr(c, a, CsrOp::Clear, c.x(a.rs1), a.rs1 != 0); }
bool insn_csrrwi(Ctx& c, const Args& a) { return gen_csr(c, a, CsrOp::Write, c.b.c64(uint64_t(a.imm)), true); }
bool insn_csrrsi(Ctx& c, const Args& a) { return gen_csr(c, a, CsrOp::Set, c.b.c64(uint64_t(a.imm)), a.imm != 0); }
bool insn_csrrci(Ctx& c, const Args& a) { return gen_csr(c, a, CsrOp::Clear, c.b.c64(uint64_t(a.imm)), a.imm != 0); }

}  // namespace kiln::riscv

// C extension: each compressed instruction is its 32-bit equivalent's shape
// with its own fields (unprivileged spec, chapter 16). Returning false marks a
// reserved encoding (illegal instruction); HINT encodings execute as no-ops.
#include "cpu/riscv/insn/insns.h"
#include "cpu/riscv/insn/shapes.h"

namespace kiln::riscv {

bool insn_c_addi4spn(Ctx& c, const Args& a) { return a.imm != 0 && gen_ri(c, a.rd, 2, a.imm, op_add); }
bool insn_c_fld(Ctx& c, const Args& a) { return gen_fload(c, a.rd, a.rs1, a.imm, true); }
bool insn_c_lw(Ctx& c, const Args& a) { return gen_load(c, a.rd, a.rs1, a.imm, 2, true); }
bool insn_c_ld(Ctx& c, const Args& a) { return gen_load(c, a.rd, a.rs1, a.imm, 3, false); }
bool insn_c_fsd(Ctx& c, const Args& a) { return gen_fstore(c, a.rs2, a.rs1, a.imm, true); }
bool insn_c_sw(Ctx& c, const Args& a) { return gen_store(c, a.rs2, a.rs1, a.imm, 2); }
bool insn_c_sd(Ctx& c, const Args& a) { return gen_store(c, a.rs2, a.rs1, a.imm, 3); }

bool insn_c_addi(Ctx& c, const Args& a) { return gen_ri(c, a.rd, a.rd, a.imm, op_add); }  // rd=0: c.nop / hint
bool insn_c_addiw(Ctx& c, const Args& a) { return a.rd != 0 && gen_ri_w(c, a.rd, a.rd, a.imm, op_add); }
bool insn_c_li(Ctx& c, const Args& a) { return gen_ri(c, a.rd, 0, a.imm, op_add); }
bool insn_c_addi16sp(Ctx& c, const Args& a) { return a.imm != 0 && gen_ri(c, 2, 2, a.imm, op_add); }
bool insn_c_lui(Ctx& c, const Args& a) { return a.imm != 0 && gen_ri(c, a.rd, 0, a.imm, op_add); }
bool insn_c_srli(Ctx& c, const Args& a) { return gen_ri(c, a.rd, a.rd, a.imm, op_shrl); }
bool insn_c_srai(Ctx& c, const Args& a) { return gen_ri(c, a.rd, a.rd, a.imm, op_shra); }
bool insn_c_andi(Ctx& c, const Args& a) { return gen_ri(c, a.rd, a.rd, a.imm, op_and); }
bool insn_c_sub(Ctx& c, const Args& a) { return gen_rr(c, a.rd, a.rd, a.rs2, op_sub); }
bool insn_c_xor(Ctx& c, const Args& a) { return gen_rr(c, a.rd, a.rd, a.rs2, op_xor); }
bool insn_c_or(Ctx& c, const Args& a) { return gen_rr(c, a.rd, a.rd, a.rs2, op_or); }
bool insn_c_and(Ctx& c, const Args& a) { return gen_rr(c, a.rd, a.rd, a.rs2, op_and); }
bool insn_c_subw(Ctx& c, const Args& a) { return gen_rr_w(c, a.rd, a.rd, a.rs2, op_sub); }
bool insn_c_addw(Ctx& c, const Args& a) { return gen_rr_w(c, a.rd, a.rd, a.rs2, op_add); }
bool insn_c_j(Ctx& c, const Args& a) { return gen_jal(c, 0, a.imm); }
bool insn_c_beqz(Ctx& c, const Args& a) { return gen_branch(c, c.b.eq(c.x(a.rs1), c.b.c64(0)), a.imm); }
bool insn_c_bnez(Ctx& c, const Args& a) { return gen_branch(c, c.b.ne(c.x(a.rs1), c.b.c64(0)), a.imm); }

bool insn_c_slli(Ctx& c, const Args& a) { return gen_ri(c, a.rd, a.rd, a.imm, op_shl); }
bool insn_c_fldsp(Ctx& c, const Args& a) { return gen_fload(c, a.rd, 2, a.imm, true); }
bool insn_c_lwsp(Ctx& c, const Args& a) { return a.rd != 0 && gen_load(c, a.rd, 2, a.imm, 2, true); }
bool insn_c_ldsp(Ctx& c, const Args& a) { return a.rd != 0 && gen_load(c, a.rd, 2, a.imm, 3, false); }
bool insn_c_jr(Ctx& c, const Args& a) { return a.rs1 != 0 && gen_jalr(c, 0, a.rs1, 0); }
bool insn_c_mv(Ctx& c, const Args& a) { return gen_rr(c, a.rd, 0, a.rs2, op_add); }
bool insn_c_ebreak(Ctx& c, const Args& a) { return insn_ebreak(c, a); }
bool insn_c_jalr(Ctx& c, const Args& a) { return gen_jalr(c, 1, a.rs1, 0); }
bool insn_c_add(Ctx& c, const Args& a) { return gen_rr(c, a.rd, a.rd, a.rs2, op_add); }
bool insn_c_fsdsp(Ctx& c, const Args& a) { return gen_fstore(c, a.rs2, 2, a.imm, true); }
bool insn_c_swsp(Ctx& c, const Args& a) { return gen_store(c, a.rs2, 2, a.imm, 2); }
bool insn_c_sdsp(Ctx& c, const Args& a) { return gen_store(c, a.rs2, 2, a.imm, 3); }

}  // namespace kiln::riscv

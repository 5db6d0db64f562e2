// RV64I base integer instructions (unprivileged spec, chapters 2 and 5) and fence.
#include "cpu/riscv/insn/insns.h"
#include "cpu/riscv/insn/shapes.h"

namespace kiln::riscv {

namespace {
auto slt_op = [](B& b, U64 x, U64 y) { return b.zext<T::I64>(b.lts(x, y)); };
auto sltu_op = [](B& b, U64 x, U64 y) { return b.zext<T::I64>(b.ltu(x, y)); };
}  // namespace

bool insn_lui(Ctx& c, const Args& a) { c.set_x(a.rd, c.b.c64(uint64_t(a.imm))); return true; }
bool insn_auipc(Ctx& c, const Args& a) { c.set_x(a.rd, c.b.c64(c.pc + uint64_t(a.imm))); return true; }
bool insn_jal(Ctx& c, const Args& a) { return gen_jal(c, a.rd, a.imm); }
bool insn_jalr(Ctx& c, const Args& a) { return gen_jalr(c, a.rd, a.rs1, a.imm); }

bool insn_beq(Ctx& c, const Args& a) { return gen_branch(c, c.b.eq(c.x(a.rs1), c.x(a.rs2)), a.imm); }
bool insn_bne(Ctx& c, const Args& a) { return gen_branch(c, c.b.ne(c.x(a.rs1), c.x(a.rs2)), a.imm); }
bool insn_blt(Ctx& c, const Args& a) { return gen_branch(c, c.b.lts(c.x(a.rs1), c.x(a.rs2)), a.imm); }
bool insn_bge(Ctx& c, const Args& a) { return gen_branch(c, c.b.ges(c.x(a.rs1), c.x(a.rs2)), a.imm); }
bool insn_bltu(Ctx& c, const Args& a) { return gen_branch(c, c.b.ltu(c.x(a.rs1), c.x(a.rs2)), a.imm); }
bool insn_bgeu(Ctx& c, const Args& a) { return gen_branch(c, c.b.geu(c.x(a.rs1), c.x(a.rs2)), a.imm); }

bool insn_lb(Ctx& c, const Args& a) { return gen_load(c, a.rd, a.rs1, a.imm, 0, true); }
bool insn_lh(Ctx& c, const Args& a) { return gen_load(c, a.rd, a.rs1, a.imm, 1, true); }
bool insn_lw(Ctx& c, const Args& a) { return gen_load(c, a.rd, a.rs1, a.imm, 2, true); }
bool insn_ld(Ctx& c, const Args& a) { return gen_load(c, a.rd, a.rs1, a.imm, 3, false); }
bool insn_lbu(Ctx& c, const Args& a) { return gen_load(c, a.rd, a.rs1, a.imm, 0, false); }
bool insn_lhu(Ctx& c, const Args& a) { return gen_load(c, a.rd, a.rs1, a.imm, 1, false); }
bool insn_lwu(Ctx& c, const Args& a) { return gen_load(c, a.rd, a.rs1, a.imm, 2, false); }
bool insn_sb(Ctx& c, const Args& a) { return gen_store(c, a.rs2, a.rs1, a.imm, 0); }
bool insn_sh(Ctx& c, const Args& a) { return gen_store(c, a.rs2, a.rs1, a.imm, 1); }
bool insn_sw(Ctx& c, const Args& a) { return gen_store(c, a.rs2, a.rs1, a.imm, 2); }
bool insn_sd(Ctx& c, const Args& a) { return gen_store(c, a.rs2, a.rs1, a.imm, 3); }

bool insn_addi(Ctx& c, const Args& a) { return gen_ri(c, a.rd, a.rs1, a.imm, op_add); }
bool insn_slti(Ctx& c, const Args& a) { return gen_ri(c, a.rd, a.rs1, a.imm, slt_op); }
bool insn_sltiu(Ctx& c, const Args& a) { return gen_ri(c, a.rd, a.rs1, a.imm, sltu_op); }
bool insn_xori(Ctx& c, const Args& a) { return gen_ri(c, a.rd, a.rs1, a.imm, op_xor); }
bool insn_ori(Ctx& c, const Args& a) { return gen_ri(c, a.rd, a.rs1, a.imm, op_or); }
bool insn_andi(Ctx& c, const Args& a) { return gen_ri(c, a.rd, a.rs1, a.imm, op_and); }
bool insn_slli(Ctx& c, const Args& a) { return gen_ri(c, a.rd, a.rs1, a.imm, op_shl); }
bool insn_srli(Ctx& c, const Args& a) { return gen_ri(c, a.rd, a.rs1, a.imm, op_shrl); }
bool insn_srai(Ctx& c, const Args& a) { return gen_ri(c, a.rd, a.rs1, a.imm, op_shra); }

bool insn_add(Ctx& c, const Args& a) { return gen_rr(c, a.rd, a.rs1, a.rs2, op_add); }
bool insn_sub(Ctx& c, const Args& a) { return gen_rr(c, a.rd, a.rs1, a.rs2, op_sub); }
bool insn_sll(Ctx& c, const Args& a) { return gen_rr(c, a.rd, a.rs1, a.rs2, op_shl); }
bool insn_slt(Ctx& c, const Args& a) { return gen_rr(c, a.rd, a.rs1, a.rs2, slt_op); }
bool insn_sltu(Ctx& c, const Args& a) { return gen_rr(c, a.rd, a.rs1, a.rs2, sltu_op); }
bool insn_xor(Ctx& c, const Args& a) { return gen_rr(c, a.rd, a.rs1, a.rs2, op_xor); }
bool insn_srl(Ctx& c, const Args& a) { return gen_rr(c, a.rd, a.rs1, a.rs2, op_shrl); }
bool insn_sra(Ctx& c, const Args& a) { return gen_rr(c, a.rd, a.rs1, a.rs2, op_shra); }
bool insn_or(Ctx& c, const Args& a) { return gen_rr(c, a.rd, a.rs1, a.rs2, op_or); }
bool insn_and(Ctx& c, const Args& a) { return gen_rr(c, a.rd, a.rs1, a.rs2, op_and); }

bool insn_addiw(Ctx& c, const Args& a) { return gen_ri_w(c, a.rd, a.rs1, a.imm, op_add); }
// The 32-bit shifts take a 5-bit shamt; shamt[5] set is reserved.
bool insn_slliw(Ctx& c, const Args& a) { return a.imm < 32 && gen_ri_w(c, a.rd, a.rs1, a.imm, op_shl); }
bool insn_srliw(Ctx& c, const Args& a) { return a.imm < 32 && gen_ri_w(c, a.rd, a.rs1, a.imm, op_shrl); }
bool insn_sraiw(Ctx& c, const Args& a) { return a.imm < 32 && gen_ri_w(c, a.rd, a.rs1, a.imm, op_shra); }
bool insn_addw(Ctx& c, const Args& a) { return gen_rr_w(c, a.rd, a.rs1, a.rs2, op_add); }
bool insn_subw(Ctx& c, const Args& a) { return gen_rr_w(c, a.rd, a.rs1, a.rs2, op_sub); }
bool insn_sllw(Ctx& c, const Args& a) { return gen_rr_w(c, a.rd, a.rs1, a.rs2, op_shl); }
bool insn_srlw(Ctx& c, const Args& a) { return gen_rr_w(c, a.rd, a.rs1, a.rs2, op_shrl); }
bool insn_sraw(Ctx& c, const Args& a) { return gen_rr_w(c, a.rd, a.rs1, a.rs2, op_shra); }

// One hart, and every access is performed in program order: fence orders nothing more.
bool insn_fence(Ctx& c, const Args& a) { return true; }
// Zifencei: stores already invalidate translated code; fence.i also drops
// everything so a guest that patches code by other means (DMA) sees it.
bool insn_fence_i(Ctx& c, const Args& a) {
  c.b.exit(ir::ExitReason::FlushCode, c.next_pc());
  return true;
}

}  // namespace kiln::riscv

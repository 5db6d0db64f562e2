// Shapes shared by several instruction groups (RV64I and its compressed
// forms, loads/stores of integer and FP registers), so that each mnemonic's
// function is one line that names its operation.
#pragma once
#include "cpu/riscv/translate.h"
#include "cpu/riscv/trigger.h"

namespace kiln::riscv {

inline U32 lo32(Ctx& c, U64 v) { return c.b.trunc<T::I32>(v); }
inline U64 sx32(Ctx& c, U32 v) { return c.b.sext<T::I64>(v); }

// rd = op(rs1, rs2) on 64 bits
template <typename Op>
bool gen_rr(Ctx& c, unsigned rd, unsigned rs1, unsigned rs2, Op op) {
  c.set_x(rd, op(c.b, c.x(rs1), c.x(rs2)));
  return true;
}
// rd = op(rs1, imm) on 64 bits
template <typename Op>
bool gen_ri(Ctx& c, unsigned rd, unsigned rs1, int64_t imm, Op op) {
  c.set_x(rd, op(c.b, c.x(rs1), c.b.c64(uint64_t(imm))));
  return true;
}
// rd = sext(op32(rs1, rs2)): the W forms
template <typename Op>
bool gen_rr_w(Ctx& c, unsigned rd, unsigned rs1, unsigned rs2, Op op) {
  c.set_x(rd, sx32(c, op(c.b, lo32(c, c.x(rs1)), lo32(c, c.x(rs2)))));
  return true;
}
template <typename Op>
bool gen_ri_w(Ctx& c, unsigned rd, unsigned rs1, int64_t imm, Op op) {
  c.set_x(rd, sx32(c, op(c.b, lo32(c, c.x(rs1)), c.b.c32(uint32_t(imm)))));
  return true;
}

inline ir::MemOp memop(Ctx& c, unsigned size_log2, bool sign, bool aligned_only = false) {
  return ir::MemOp{uint8_t(size_log2), sign, aligned_only, uint8_t(c.mmu())};
}
inline U64 addr(Ctx& c, unsigned rs1, int64_t imm) { return c.b.add(c.x(rs1), c.b.c64(uint64_t(imm))); }

inline bool gen_load(Ctx& c, unsigned rd, unsigned rs1, int64_t imm, unsigned size_log2, bool sign) {
  U64 a = addr(c, rs1, imm);
  c.check_triggers(a, size_log2, kTriggerLoad);
  c.set_x(rd, c.b.load<T::I64>(a, memop(c, size_log2, sign)));
  return true;
}
inline bool gen_store(Ctx& c, unsigned rs2, unsigned rs1, int64_t imm, unsigned size_log2) {
  U64 a = addr(c, rs1, imm);
  c.check_triggers(a, size_log2, kTriggerStore);
  c.b.store(a, c.x(rs2), memop(c, size_log2, false));
  return true;
}
inline bool gen_branch(Ctx& c, B1 cond, int64_t offset) {
  c.b.branch(cond, c.pc + uint64_t(offset), c.next_pc());
  return true;
}
inline bool gen_jal(Ctx& c, unsigned rd, int64_t offset) {
  c.set_x(rd, c.b.c64(c.next_pc()));
  c.b.goto_(c.pc + uint64_t(offset));
  return true;
}
inline bool gen_jalr(Ctx& c, unsigned rd, unsigned rs1, int64_t imm) {
  U64 target = c.b.and_(addr(c, rs1, imm), c.b.c64(~1ull));  // before rd is written: rd may be rs1
  c.set_x(rd, c.b.c64(c.next_pc()));
  c.b.jump_indirect(target);
  return true;
}

// Floating-point loads and stores (the integer ones' shape, f registers).
bool gen_fload(Ctx& c, unsigned rd, unsigned rs1, int64_t imm, bool dbl);
bool gen_fstore(Ctx& c, unsigned rs2, unsigned rs1, int64_t imm, bool dbl);

using B = ir::Builder;
// Operation lambdas named for what they compute.
inline constexpr auto op_add = [](B& b, auto x, auto y) { return b.add(x, y); };
inline constexpr auto op_sub = [](B& b, auto x, auto y) { return b.sub(x, y); };
inline constexpr auto op_and = [](B& b, auto x, auto y) { return b.and_(x, y); };
inline constexpr auto op_or = [](B& b, auto x, auto y) { return b.or_(x, y); };
inline constexpr auto op_xor = [](B& b, auto x, auto y) { return b.xor_(x, y); };
inline constexpr auto op_shl = [](B& b, auto x, auto y) { return b.shl(x, y); };
inline constexpr auto op_shrl = [](B& b, auto x, auto y) { return b.shrl(x, y); };
inline constexpr auto op_shra = [](B& b, auto x, auto y) { return b.shra(x, y); };

}  // namespace kiln::riscv

// What an x86 semantics function sees: the decoded instruction and the
// translation context (Ctx) with the typed IR builder, operand access in the
// opcode-map notation, memory through segments, the stack, and the lazy flags
// of the block. Semantics functions (cpu/x86/insn/*.cpp) are named exactly as
// the mnemonic in the opcode map and return false for an invalid encoding
// (the caller raises #UD).
#pragma once
#include <cstdint>

#include "cpu/x86/decode.h"
#include "cpu/x86/flags.h"
#include "ir/builder.h"

namespace kiln::x86 {

using ir::B1;
using ir::U16;
using ir::U32;
using ir::U64;
using ir::U8;
using T = ir::Type;

// What the block knows about the flags at the current point of translation:
// after a flag-setting instruction in this block, its kind and IR operands,
// so a reader uses them directly (cmp; jcc becomes one compare).
struct BlockFlags {
  bool known = false;
  CcOp op = CcOp::Eflags;
  bool carry_in = false;  // ADC/SBB: the compare shortcuts do not apply
  ir::ValueId src = ir::kNoValue, src2 = ir::kNoValue, dst = ir::kNoValue;  // of the kind's width (Eflags: I64)
};

// Condition codes in the order of the Jcc opcodes (70-7F).
enum Cond : unsigned { kO, kNO, kB, kAE, kE, kNE, kBE, kA, kS, kNS, kP, kNP, kL, kGE, kLE, kG };

struct Ctx {
  ir::Builder& b;
  const Insn& in;
  Model model;
  uint64_t cs_base;
  uint16_t ip;  // this instruction's ip
  BlockFlags& flags;
  U16 ea_cache{};  // the ModR/M memory operand's offset, computed once per instruction

  uint16_t next_ip() const { return uint16_t(ip + in.len); }
  uint64_t next_pc() const { return cs_base + next_ip(); }
  bool is_8086() const { return model == Model::I8086; }
  unsigned opsize() const { return 16; }  // real mode; 32 with the operand-size prefix later
  // Width in bits of operand `i` of the row ('b' 8, else the operand size).
  unsigned width(unsigned i = 0) const { return in.row->ops[i].size == 'b' ? 8 : in.row->ops[i].size == 'w' ? 16 : opsize(); }

  // ---- registers
  template <T W> ir::Val<W> reg(unsigned r);            // AL..BH for 8 bits (r 4-7 are AH..BH)
  template <T W> void set_reg(unsigned r, ir::Val<W> v);
  U16 sreg(unsigned s) { return b.get<T::I16>(off_seg_sel(s)); }
  void set_sreg(unsigned s, U16 sel);                   // real mode: base = sel << 4

  // ---- memory (real mode: linear = base + 16-bit offset)
  int seg_of_ea() const;                                // the segment of the ModR/M memory operand
  U16 ea_offset();                                      // its 16-bit offset
  U64 linear(unsigned seg, U16 off) { return b.add(b.get<T::I64>(off_seg_base(seg)), b.zext<T::I64>(off)); }
  // A byte or word at seg:off. A word at offset 0xFFFF takes its second byte
  // from offset 0 of the same segment (8086) or raises #GP (286).
  template <T W> ir::Val<W> load(unsigned seg, U16 off);
  template <T W> void store(unsigned seg, U16 off, ir::Val<W> v);
  // Raises #GP when a word at `off` would cross the segment's end (286 and later).
  void check_word(U16 off);

  // ---- operands of the row, in its notation
  template <T W> ir::Val<W> read(unsigned i);
  template <T W> void write(unsigned i, ir::Val<W> v);
  // For read-modify-write memory operands: check before the first write (286 #GP).
  void prepare_write(unsigned i);

  // ---- stack
  template <T W> void push(ir::Val<W> v);
  template <T W> ir::Val<W> pop();  // reads and updates SP
  U16 sp() { return reg<T::I16>(SP); }

  // ---- flags
  // Records a flag-setting operation (operands and result of width W).
  template <T W> void set_cc(CcOp family8, ir::Val<W> src, ir::Val<W> src2, ir::Val<W> dst, bool carry_in = false);
  void set_cc_flags(U32 arith);  // the arithmetic flags computed in full (kind Eflags)
  B1 flag(uint32_t bit);         // one arithmetic flag (fl::CF...)
  U32 arith_flags();             // all six, as FLAGS bits
  U32 all_flags();               // FLAGS as PUSHF sees it
  void set_all_flags(U32 v);     // POPF, IRET, SAHF (callers keep bits they must not change)
  B1 cond(unsigned cc);          // a Jcc condition
  U64 other_flags() { return b.get<T::I64>(offsetof(X86State, flags)); }
  void set_other_flags(U64 v) { b.set(offsetof(X86State, flags), v); }

  // ---- control flow and exits
  void jump_ip(U16 ip);                   // to cs:ip (ends the block)
  void raise(unsigned vector, uint16_t return_ip);  // INT n, #DE...: ends the block
  void end_block() { b.goto_(next_pc()); }
};

}  // namespace kiln::x86

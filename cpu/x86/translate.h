// What an x86 semantics function sees: the decoded instruction and the
// translation context (Ctx) with the typed IR builder, operand access in the
// opcode-map notation, memory through segments, the stack, and the lazy flags
// of the block. Semantics functions (cpu/x86/insn/*.cpp) are named exactly as
// the mnemonic in the opcode map and return false for an invalid encoding
// (the caller raises #UD).
//
// Offsets are IR values of 64 bits holding an offset of the instruction's
// address size (16, 32 or 64 bits, already truncated); instruction pointers
// likewise hold an ip of the code size.
#pragma once
#include <cstdint>

#include "cpu/x86/decode.h"
#include "cpu/x86/flags.h"
#include "cpu/x86/mode.h"
#include "ir/builder.h"

namespace kiln::x86 {

using ir::B1;
using ir::U16;
using ir::U32;
using ir::U64;
using ir::U8;
using T = ir::Type;

// A value zero-extended to 64 bits (itself if it already is 64 bits).
template <ir::Type W>
ir::Val<ir::Type::I64> zext64(ir::Builder& b, ir::Val<W> v) {
  if constexpr (W == ir::Type::I64) return v;
  else return b.zext<ir::Type::I64>(v);
}

// A value brought to width W: zero-extended, truncated, or itself.
template <ir::Type W, ir::Type V>
ir::Val<W> resize(ir::Builder& b, ir::Val<V> v) {
  if constexpr (W == V) return v;
  else if constexpr (ir::type_bits(W) > ir::type_bits(V)) return b.zext<W>(v);
  else return b.trunc<W>(v);
}

// A value sign-extended to width W (itself if it already is W bits).
template <ir::Type W, ir::Type V>
ir::Val<W> sresize(ir::Builder& b, ir::Val<V> v) {
  if constexpr (W == V) return v;
  else return b.sext<W>(v);
}

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
  const TransMode& m;
  uint64_t ip;  // this instruction's ip
  BlockFlags& flags;
  U64 ea_cache{};  // the ModR/M memory operand's offset, computed once per instruction
  // Set when the instruction changed what the mode bits hold (a protected-mode
  // segment load): the block ends after it with a ModeChange exit.
  bool mode_changed = false;

  Model model() const { return m.model; }
  bool has(Feature f) const { return m.features.has(f); }  // what CPUID reports (features.h)
  bool is_8086() const { return m.model == Model::I8086; }
  bool is64() const { return m.code == CodeSize::Long64; }
  bool real_or_vm86() const { return !m.pe || m.vm86; }
  // IN/OUT/INS/OUTS may be refused (CPL above IOPL, or virtual-8086 mode): the TSS bitmap decides at run time.
  bool needs_io_check() const { return m.vm86 || (m.pe && m.cpl > 0); }
  uint64_t cs_base() const { return m.cs_base; }
  // The ip's width: 16 bits in 16-bit code, 32 in 32-bit code, 64 in 64-bit code.
  uint64_t ip_mask() const {
    return m.code == CodeSize::Long64 ? ~0ull : m.code == CodeSize::Prot32 ? 0xffffffffull : 0xffffull;
  }
  uint64_t next_ip() const { return (ip + in.len) & ip_mask(); }
  uint64_t pc_of(uint64_t an_ip) const { return is64() ? an_ip : (m.cs_base + an_ip) & 0xffffffffull; }
  uint64_t next_pc() const { return pc_of(next_ip()); }
  unsigned opsize() const { return in.opsize; }
  unsigned addrsize() const { return in.addrsize; }
  unsigned stacksize() const { return is64() ? 64 : m.ss32 ? 32 : 16; }
  // Width in bits of operand `i` of the row.
  unsigned width(unsigned i = 0) const;

  // ---- registers
  template <T W> ir::Val<W> reg(unsigned r);            // 8 bits: AL..BH without REX, AL..R15B with it
  template <T W> void set_reg(unsigned r, ir::Val<W> v);  // a 32-bit write zeroes bits 32-63
  U64 reg_n(unsigned r, unsigned bits);                 // a register of `bits`, zero-extended
  void set_reg_n(unsigned r, unsigned bits, U64 v);     // the low `bits` of v
  U16 sreg(unsigned s) { return b.get<T::I16>(off_seg_sel(s)); }
  // Loads a segment register (real mode and vm86: inline; protected mode: a
  // descriptor load through a helper that checks and may fault, after which
  // the block ends: the mode bits may have changed).
  void load_sreg(unsigned s, U16 sel);

  // ---- memory
  int seg_of_ea() const;                                 // the segment of the ModR/M memory operand
  U64 ea();                                              // its offset
  U64 addr_mask(U64 off);                                // truncated to the address size
  U64 linear(unsigned seg, U64 off);                     // the segment base added (32-bit wrap outside 64-bit mode)
  // The `bytes`-byte access at seg:off passes the segment's type and limit
  // checks (#GP, or #SS for SS) before anything is accessed.
  void check_segment(unsigned seg, U64 off, unsigned bytes, bool write);
  // Under alignment checking (TransMode::align_check): #AC(0) unless `linear`
  // is a multiple of `align`. Loads and stores check their own width; this is
  // for operands helpers access (x87).
  void check_alignment(U64 linear, unsigned align);
  template <T W> ir::Val<W> load(unsigned seg, U64 off);
  template <T W> void store(unsigned seg, U64 off, ir::Val<W> v);
  U64 load_n(unsigned seg, U64 off, unsigned bits);      // zero-extended
  void store_n(unsigned seg, U64 off, unsigned bits, U64 v);
  U64 off_const(uint64_t v) { return b.c64(v); }
  U64 off_add(U64 off, uint64_t k) { return addr_mask(b.add(off, b.c64(k))); }

  // ---- operands of the row, in its notation
  template <T W> ir::Val<W> read(unsigned i);
  template <T W> void write(unsigned i, ir::Val<W> v);
  // For read-modify-write memory operands: check before the first write.
  void prepare_write(unsigned i);

  // ---- stack (SP, ESP or RSP by the stack size)
  template <T W> void push(ir::Val<W> v);
  template <T W> ir::Val<W> pop();  // reads and updates the stack pointer
  U64 sp() { return reg_n(SP, stacksize()); }
  void set_sp(U64 v) { set_reg_n(SP, stacksize(), v); }
  U64 sp_add(U64 sp, int64_t k) { return stack_mask(b.add(sp, b.c64(uint64_t(k)))); }
  U64 stack_mask(U64 v);

  // ---- flags
  // Records a flag-setting operation (operands and result of width W).
  template <T W> void set_cc(CcOp family8, ir::Val<W> src, ir::Val<W> src2, ir::Val<W> dst, bool carry_in = false);
  void set_cc_flags(U32 arith);  // the arithmetic flags computed in full (kind Eflags)
  B1 flag(uint32_t bit);         // one arithmetic flag (fl::CF...)
  U32 arith_flags();             // all six, as FLAGS bits
  U32 all_flags();               // EFLAGS as PUSHF sees it (RF and VM read as 0)
  // POPF, IRET, SAHF: `writable` says which non-arithmetic bits may change.
  void set_all_flags(U32 v, uint32_t writable);
  B1 cond(unsigned cc);          // a Jcc condition
  U64 other_flags() { return b.get<T::I64>(offsetof(X86State, flags)); }
  void set_other_flags(U64 v) { b.set(offsetof(X86State, flags), v); }

  // ---- control flow and exits
  void jump_ip(U64 ip);                   // to cs:ip (ends the block)
  void goto_ip(uint64_t ip) { b.goto_(pc_of(ip & ip_mask())); }
  // A near branch's target (an ip already truncated to `mask`, the branch's
  // width) is checked before the branch changes anything: #GP(0) past CS's
  // limit (where the mode bits say a target of this width may be), or not
  // canonical in 64-bit mode. `taken`, if given, says whether the branch goes there.
  void check_near_target(U64 target, uint64_t mask, B1 taken = {});
  void check_near_target(uint64_t target, uint64_t mask, B1 taken = {});
  // Raises `vector` (a fault) unless `ok`; code after it runs only when `ok`.
  void fault_unless(B1 ok, unsigned vector, uint64_t error = kNoErrorCode);
  // Raises `vector` (a fault: the frame returns to this instruction).
  void fault(unsigned vector, uint64_t error = kNoErrorCode);
  // A software interrupt or trap (INT n, INT3, INTO): returns to the next instruction.
  void soft_interrupt(unsigned vector);
  // The 8086 pushes the next ip for #DE, which the 286 and later made a fault.
  void raise_at(unsigned vector, uint64_t return_ip);
  void end_block() { b.goto_(next_pc()); }
  // Ends the block so the next one is looked up under the new mode.
  void end_mode_change() { b.exit(ir::ExitReason::ModeChange, b.c64(next_pc())); }
  // Privileged instructions: true at CPL 0 (or in real mode); otherwise
  // raises #GP(0), which ends the block, and returns false.
  bool require_cpl0();
};

}  // namespace kiln::x86

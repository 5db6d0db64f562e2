// The typed IR builder frontends write semantics with. Values carry their IR
// type in the C++ type (U8..U64, B1), so a width mistake does not compile:
// add(U32, U64) has no overload, and widening needs an explicit zext/sext.
#pragma once
#include <cstddef>
#include <type_traits>

#include "ir/ir.h"

namespace kiln::ir {

template <Type T>
struct Val {
  ValueId id = kNoValue;
  static constexpr Type type = T;
};
using B1 = Val<Type::I1>;
using U8 = Val<Type::I8>;
using U16 = Val<Type::I16>;
using U32 = Val<Type::I32>;
using U64 = Val<Type::I64>;

template <Type T>
concept IntType = (T == Type::I8 || T == Type::I16 || T == Type::I32 || T == Type::I64);

class Builder {
 public:
  explicit Builder(Block& b) : b_(b) {}
  Block& block() { return b_; }

  template <Type T>
  Val<T> constant(uint64_t v) {
    return {emit(Op::Const, T, {}, v & mask(T))};
  }
  U64 c64(uint64_t v) { return constant<Type::I64>(v); }
  U32 c32(uint32_t v) { return constant<Type::I32>(v); }
  B1 c1(bool v) { return constant<Type::I1>(v); }

  template <Type T>
  Val<T> get(size_t offset) {
    return {emit(Op::Get, T, {}, offset)};
  }
  template <Type T>
  void set(size_t offset, Val<T> v) {
    emit(Op::Set, Type::Void, {v.id}, offset);
  }

#define KILN_BINOP(fn, op) \
  template <Type T>        \
    requires IntType<T>    \
  Val<T> fn(Val<T> a, Val<T> b) { return {emit(Op::op, T, {a.id, b.id})}; }
  KILN_BINOP(add, Add)
  KILN_BINOP(sub, Sub)
  KILN_BINOP(mul, Mul)
  KILN_BINOP(mulhs, MulHS)
  KILN_BINOP(mulhu, MulHU)
  KILN_BINOP(mulhsu, MulHSU)
  KILN_BINOP(divs, DivS)
  KILN_BINOP(divu, DivU)
  KILN_BINOP(rems, RemS)
  KILN_BINOP(remu, RemU)
  KILN_BINOP(and_, And)
  KILN_BINOP(or_, Or)
  KILN_BINOP(xor_, Xor)
  KILN_BINOP(shl, Shl)
  KILN_BINOP(shrl, ShrL)
  KILN_BINOP(shra, ShrA)
  KILN_BINOP(rotl, Rotl)
  KILN_BINOP(rotr, Rotr)
#undef KILN_BINOP

#define KILN_UNOP(fn, op) \
  template <Type T>       \
    requires IntType<T>   \
  Val<T> fn(Val<T> a) { return {emit(Op::op, T, {a.id})}; }
  KILN_UNOP(not_, Not)
  KILN_UNOP(neg, Neg)
  KILN_UNOP(clz, Clz)
  KILN_UNOP(ctz, Ctz)
  KILN_UNOP(popcnt, Popcnt)
  KILN_UNOP(bswap, Bswap)
#undef KILN_UNOP

#define KILN_CMP(fn, op) \
  template <Type T>      \
  B1 fn(Val<T> a, Val<T> b) { return {emit(Op::op, Type::I1, {a.id, b.id})}; }
  KILN_CMP(eq, CmpEq)
  KILN_CMP(ne, CmpNe)
  KILN_CMP(lts, CmpLtS)
  KILN_CMP(ltu, CmpLtU)
  KILN_CMP(ges, CmpGeS)
  KILN_CMP(geu, CmpGeU)
#undef KILN_CMP

  template <Type T>
  Val<T> select(B1 c, Val<T> a, Val<T> b) {
    return {emit(Op::Select, T, {c.id, a.id, b.id})};
  }

  template <Type To, Type From>
    requires(type_bits(To) > type_bits(From))
  Val<To> zext(Val<From> v) {
    return {emit(Op::ZExt, To, {v.id})};
  }
  template <Type To, Type From>
    requires(type_bits(To) > type_bits(From))
  Val<To> sext(Val<From> v) {
    return {emit(Op::SExt, To, {v.id})};
  }
  template <Type To, Type From>
    requires(type_bits(To) < type_bits(From))
  Val<To> trunc(Val<From> v) {
    return {emit(Op::Trunc, To, {v.id})};
  }

  template <Type T>
  Val<T> load(U64 addr, MemOp m) {
    return {emit(Op::Load, T, {addr.id}, m.pack())};
  }
  template <Type T>
  void store(U64 addr, Val<T> v, MemOp m) {
    emit(Op::Store, Type::Void, {addr.id, v.id}, m.pack());
  }
  template <Type T>
  Val<T> amo(AmoKind k, U64 addr, Val<T> v, MemOp m) {
    return {emit(Op::Amo, T, {addr.id, v.id}, m.pack(), uint64_t(k))};
  }

  U64 call(const Helper& h, U64 a = {}, U64 b = {}, U64 c = {}) {
    return {emit(Op::Call, Type::I64, {a.id, b.id, c.id}, reinterpret_cast<uintptr_t>(&h))};
  }

  // Forward-only labels (ir/ir.h, "Labels"): allocate, branch to, place.
  struct Label {
    uint32_t id;
  };
  Label new_label() { return {b_.labels++}; }
  void skip_if(B1 c, Label l) { emit(Op::SkipIf, Type::Void, {c.id}, l.id); }
  void skip(Label l) { emit(Op::Skip, Type::Void, {}, l.id); }
  void place(Label l) { emit(Op::Label, Type::Void, {}, l.id); }

  void insn_start(uint64_t pc, unsigned len) {
    emit(Op::InsnStart, Type::Void, {}, pc, len);
    b_.guest_insns++;
  }
  void goto_(uint64_t pc) { emit(Op::Goto, Type::Void, {}, pc); }
  void branch(B1 c, uint64_t taken, uint64_t not_taken) {
    emit(Op::Branch, Type::Void, {c.id}, taken, not_taken);
  }
  void jump_indirect(U64 target) { emit(Op::JumpIndirect, Type::Void, {target.id}); }
  void exit(ExitReason r, U64 next_pc) { emit(Op::Exit, Type::Void, {next_pc.id}, uint64_t(r)); }
  void exit(ExitReason r, uint64_t next_pc) { exit(r, c64(next_pc)); }

  bool terminated() const {
    return !b_.insts.empty() && (op_info(b_.insts.back().op).effects & kTerminator);
  }

 private:
  static constexpr uint64_t mask(Type t) {
    unsigned w = type_bits(t);
    return w >= 64 ? ~0ull : (1ull << w) - 1;
  }
  ValueId emit(Op op, Type t, std::initializer_list<ValueId> args, uint64_t imm = 0, uint64_t aux = 0) {
    Inst i{op, t};
    unsigned n = 0;
    for (ValueId a : args) i.a[n++] = a;
    i.imm = imm;
    i.aux = aux;
    b_.insts.push_back(i);
    return ValueId(b_.insts.size() - 1);
  }

  Block& b_;
};

}  // namespace kiln::ir

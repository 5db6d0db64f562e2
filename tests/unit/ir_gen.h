// Shared by the IR-level tests: raw instruction emission (ops and widths chosen
// at run time), helpers with honest effect declarations, a random block
// generator, and a reference evaluator written straight from ir/ops.inc's
// contract, to check the interpreter and the passes against.
#pragma once
#include <algorithm>
#include <cstring>
#include <initializer_list>
#include <random>
#include <vector>

#include "interp/interp.h"
#include "ir/eval.h"
#include "ir/ir.h"
#include "test_cpu.h"

namespace kiln::test {

using ir::Block;
using ir::Helper;
using ir::Inst;
using ir::Op;
using ir::Type;
using ir::ValueId;
namespace eval = ir::eval;

// Raw instruction emission, for ops and widths chosen at run time.
inline ValueId emit(Block& b, Op op, Type t, std::initializer_list<ValueId> args = {}, uint64_t imm = 0, uint64_t aux = 0) {
  Inst in{op, t};
  unsigned k = 0;
  for (ValueId a : args) in.a[k++] = a;
  in.imm = imm;
  in.aux = aux;
  b.insts.push_back(in);
  return ValueId(b.insts.size() - 1);
}
inline ValueId konst(Block& b, Type t, uint64_t v) { return emit(b, Op::Const, t, {}, v & eval::mask(type_bits(t))); }
inline void start(Block& b, uint64_t pc = 0x1000) {
  emit(b, Op::InsnStart, Type::Void, {}, pc, 4);
  b.guest_insns++;
}
inline void end(Block& b) { emit(b, Op::Goto, Type::Void, {}, 0x2000); }

// The value stored by the (n-th) Set to `offset`.
inline const Inst* set_to(const Block& b, uint64_t offset, unsigned nth = 0) {
  for (const Inst& in : b.insts)
    if (in.op == Op::Set && in.imm == offset && nth-- == 0) return &in;
  return nullptr;
}
inline unsigned count(const Block& b, Op op) {
  unsigned n = 0;
  for (const Inst& in : b.insts) n += in.op == op;
  return n;
}

inline constexpr Type kIntTypes[] = {Type::I8, Type::I16, Type::I32, Type::I64};

// Helpers whose declared effects are what they really do to the test state.
inline uint64_t pure_fn(void*, uint64_t a, uint64_t, uint64_t) { return a * 5 + 1; }
inline uint64_t reads_fn(void* env, uint64_t a, uint64_t, uint64_t) {
  return a ^ static_cast<test::TestState*>(static_cast<cpu::StateHeader*>(env))->r[2];
}
inline uint64_t writes_fn(void* env, uint64_t a, uint64_t, uint64_t) {
  auto* s = static_cast<test::TestState*>(static_cast<cpu::StateHeader*>(env));
  s->r[1] = s->r[1] * 3 + a;  // r1 is one of the registers random blocks Get and Set
  return a + 1;
}
inline uint64_t faults_fn(void* env, uint64_t a, uint64_t, uint64_t) {
  if (a == 0xdead) static_cast<cpu::StateHeader*>(env)->fault = 1;
  return a;
}
inline constexpr Helper kPureHelper{"pure", pure_fn, ir::kPure, 1};
inline constexpr Helper kReadsHelper{"reads", reads_fn, ir::kReadsState, 1};
inline constexpr Helper kWritesHelper{"writes", writes_fn, ir::kReadsState | ir::kWritesState, 1};
inline constexpr Helper kFaultHelper{"faults", faults_fn, ir::kMayFault, 1};


// A random, well-typed block over registers r0..r7 of the test state: Gets and
// Sets of every width (some overlapping), constants, pure ops, selects, width
// changes, helpers and control flow, including forward labels (regions skipped
// on a condition or always, nested, some left by a block exit). No memory ops:
// the semantic comparison below runs it without RAM-backed addresses.
inline Block random_block(std::mt19937_64& rng) {
  Block b;
  b.pc = 0x1000;
  auto pick = [&](size_t n) { return size_t(rng() % n); };
  std::vector<ValueId> of_type[6];  // values by Type
  auto any = [&](Type t) -> ValueId {
    auto& v = of_type[unsigned(t)];
    if (v.empty() || pick(4) == 0) {
      uint64_t c = pick(3) == 0 ? pick(4) : rng();  // small constants make identities likely
      ValueId id = konst(b, t, c);
      v.push_back(id);
      return id;
    }
    return v[pick(v.size())];
  };
  auto offset_for = [&](Type t) {
    unsigned bytes = type_bits(t) / 8;
    unsigned reg = unsigned(pick(6));
    return off_r(reg) + bytes * pick(8 / bytes);  // naturally aligned pieces of r0..r5
  };
  // Open regions, innermost last: the label, and how many values of each type
  // were visible when the region opened (the values defined inside it are not
  // visible after its label).
  struct Region {
    uint32_t label;
    size_t visible[6];
  };
  std::vector<Region> open;
  auto close = [&]() {
    for (unsigned t = 0; t < 6; t++) of_type[t].resize(open.back().visible[t]);
    emit(b, Op::Label, Type::Void, {}, open.back().label);
    open.pop_back();
  };
  auto exit_targets = [&]() { return std::pair<uint64_t, uint64_t>{0x2000 + 4 * pick(4), 0x3000 + 4 * pick(2)}; };
  unsigned n = 8 + unsigned(pick(40));
  uint64_t pc = 0x1000;
  for (unsigned i = 0; i < n; i++) {
    if (i == 0 || (pick(8) == 0 && open.empty())) {
      start(b, pc);
      pc += 4;
    }
    if (i > 0 && pick(10) == 0) {  // open a region: skipped on a condition, now and then always
      Region r{b.labels++, {}};
      for (unsigned t = 0; t < 6; t++) r.visible[t] = of_type[t].size();
      if (pick(6) == 0) {
        emit(b, Op::Skip, Type::Void, {}, r.label);
        open.push_back(r);
        close();  // a Skip must be followed by its label: skip an empty region
        continue;
      }
      emit(b, Op::SkipIf, Type::Void, {any(Type::I1)}, r.label);
      for (unsigned t = 0; t < 6; t++) r.visible[t] = of_type[t].size();  // the condition's constant stays
      open.push_back(r);
    }
    if (!open.empty() && pick(6) == 0) {
      if (pick(3) == 0) {  // leave the block inside the region: only the skip reaches the label
        auto [x, y] = exit_targets();
        if (pick(2)) emit(b, Op::Goto, Type::Void, {}, x);
        else emit(b, Op::Branch, Type::Void, {any(Type::I1)}, x, y);
      }
      close();
      continue;
    }
    Type t = pick(2) ? Type::I64 : kIntTypes[pick(4)];  // i64 is what the interpreter special-cases
    switch (pick(12)) {
      case 0:
      case 1:
        of_type[unsigned(t)].push_back(emit(b, Op::Get, t, {}, offset_for(t)));
        break;
      case 2:
      case 3:
        emit(b, Op::Set, Type::Void, {any(t)}, offset_for(t));
        break;
      case 4:
      case 5: {
        static const Op bins[] = {Op::Add, Op::Sub, Op::Mul, Op::MulHS, Op::MulHU, Op::MulHSU, Op::DivS,
                                  Op::DivU, Op::RemS, Op::RemU, Op::And, Op::Or, Op::Xor, Op::Shl,
                                  Op::ShrL, Op::ShrA, Op::Rotl, Op::Rotr};
        of_type[unsigned(t)].push_back(emit(b, bins[pick(std::size(bins))], t, {any(t), any(t)}));
        break;
      }
      case 6: {
        static const Op cmps[] = {Op::CmpEq, Op::CmpNe, Op::CmpLtS, Op::CmpLtU, Op::CmpGeS, Op::CmpGeU};
        ValueId c = emit(b, cmps[pick(6)], Type::I1, {any(t), any(t)});
        of_type[unsigned(Type::I1)].push_back(c);
        of_type[unsigned(t)].push_back(emit(b, Op::Select, t, {c, any(t), any(t)}));
        break;
      }
      case 7: {
        static const Op uns[] = {Op::Not, Op::Neg, Op::Clz, Op::Ctz, Op::Popcnt, Op::Bswap};
        of_type[unsigned(t)].push_back(emit(b, uns[pick(6)], t, {any(t)}));
        break;
      }
      case 8: {
        Type u = kIntTypes[pick(4)];
        if (u == t) break;
        Op op = type_bits(u) > type_bits(t) ? (pick(2) ? Op::ZExt : Op::SExt) : Op::Trunc;
        of_type[unsigned(u)].push_back(emit(b, op, u, {any(t)}));
        break;
      }
      case 9: {
        static const Helper* hs[] = {&kReadsHelper, &kWritesHelper, &kPureHelper};
        of_type[unsigned(Type::I64)].push_back(
            emit(b, Op::Call, Type::I64, {any(Type::I64)}, reinterpret_cast<uintptr_t>(hs[pick(3)])));
        break;
      }
      case 10:
      case 11: {
        // Read-modify-write of a whole register: the shape the interpreter's
        // operand forwarding (Get read in place, result computed into the field) targets.
        uint64_t off = off_r(unsigned(pick(6)));
        ValueId g = emit(b, Op::Get, Type::I64, {}, off);
        of_type[unsigned(Type::I64)].push_back(g);
        ValueId w = emit(b, pick(2) ? Op::Add : Op::Xor, Type::I64, {pick(2) ? g : any(Type::I64), any(Type::I64)});
        emit(b, Op::Set, Type::Void, {w}, pick(3) ? off : off_r(unsigned(pick(6))));
        break;
      }
    }
  }
  while (!open.empty()) close();
  switch (pick(4)) {
    case 0: emit(b, Op::Goto, Type::Void, {}, 0x2000); break;
    case 1: emit(b, Op::Branch, Type::Void, {any(Type::I1)}, 0x3000, 0x4000); break;
    case 2: emit(b, Op::JumpIndirect, Type::Void, {any(Type::I64)}); break;
    case 3: emit(b, Op::Exit, Type::Void, {any(Type::I64)}, uint64_t(ir::ExitReason::Halt)); break;
  }
  return b;
}

// What running a block did: how it exited (same shape as interp::ExitInfo).
struct RefExit {
  ir::ExitReason reason;
  uint8_t exit_index;
  uint32_t insns;
  uint64_t next_pc;
};

// The reference: one value per instruction, state accessed bytewise. Follows
// the contract in ir/ops.inc, not the interpreter's code. No memory ops.
inline RefExit reference_run(const Block& b, cpu::StateHeader* env) {
  uint8_t* base = reinterpret_cast<uint8_t*>(env);
  std::vector<uint64_t> v(b.insts.size(), 0);
  uint32_t insns = 0;
  uint64_t pc = 0;
  // The interpreter's exit index of a direct exit: the order in which the
  // block first names its target pc, 2 (unlinked) past the second.
  auto exit_index = [&](uint64_t target) -> uint8_t {
    std::vector<uint64_t> seen;
    for (const Inst& in : b.insts) {
      if (in.op != Op::Goto && in.op != Op::Branch) continue;
      for (uint64_t t : {in.imm, in.op == Op::Branch ? in.aux : in.imm})
        if (std::find(seen.begin(), seen.end(), t) == seen.end()) seen.push_back(t);
    }
    size_t k = size_t(std::find(seen.begin(), seen.end(), target) - seen.begin());
    return uint8_t(std::min<size_t>(k, 2));
  };
  auto label_index = [&](uint64_t id) {
    for (size_t k = 0; k < b.insts.size(); k++)
      if (b.insts[k].op == Op::Label && b.insts[k].imm == id) return k;
    return b.insts.size();
  };
  for (size_t i = 0; i < b.insts.size(); i++) {
    const Inst& in = b.insts[i];
    auto A = [&](unsigned k) { return v[in.a[k]]; };
    auto tb = [&](unsigned k) { return ir::type_bits(b.type_of(in.a[k])); };
    unsigned bits = ir::type_bits(in.type);
    switch (in.op) {
      case Op::Const: v[i] = in.imm; break;
      case Op::Get: std::memcpy(&v[i], base + in.imm, bits / 8); break;
      case Op::Set: { uint64_t x = A(0); std::memcpy(base + in.imm, &x, tb(0) / 8); break; }
      case Op::Select: v[i] = A(0) ? A(1) : A(2); break;
      case Op::Call: {
        const auto* h = reinterpret_cast<const Helper*>(in.imm);
        uint64_t r = h->fn(env, h->nargs > 0 ? A(0) : 0, h->nargs > 1 ? A(1) : 0, h->nargs > 2 ? A(2) : 0);
        if ((h->effects & ir::kMayFault) && env->fault) return {ir::ExitReason::Exception, 0, insns - 1, pc};
        v[i] = r;
        break;
      }
      case Op::InsnStart:
        insns++;
        pc = in.imm;
        break;
      case Op::SkipIf:
        if (A(0)) i = label_index(in.imm);
        break;
      case Op::Skip: i = label_index(in.imm); break;
      case Op::Goto: return {ir::ExitReason::None, exit_index(in.imm), insns, in.imm};
      case Op::Branch: return A(0) ? RefExit{ir::ExitReason::None, exit_index(in.imm), insns, in.imm}
                                   : RefExit{ir::ExitReason::None, exit_index(in.aux), insns, in.aux};
      case Op::JumpIndirect: return {ir::ExitReason::None, 2, insns, A(0)};
      case Op::Exit: return {ir::ExitReason(in.imm), 0, insns, A(0)};
      default:
        if (eval::is_binary(in.op)) v[i] = eval::binary(in.op, A(0), A(1), tb(0)) & eval::mask(bits);
        else if (eval::is_unary(in.op)) v[i] = eval::unary(in.op, A(0), bits) & eval::mask(bits);
        else if (eval::is_convert(in.op)) v[i] = eval::convert(in.op, A(0), tb(0), bits);
        break;  // memory ops: not generated
    }
  }
  return {ir::ExitReason::None, 0, insns, 0};
}

}  // namespace kiln::test

// Constant folding through ir/eval.h, the same code the interpreter runs.
// Aliasing a value to one of its operands is safe with labels: an operand
// dominates its user, so it dominates the user's uses too.
#include "ir/eval.h"
#include "ir/passes/passes.h"

namespace kiln::ir {

void fold_constants(Block& b) {
  size_t n = b.insts.size();
  std::vector<ValueId> alias(n);
  std::vector<bool> remove(n, false);
  for (size_t i = 0; i < n; i++) alias[i] = ValueId(i);
  auto is_const = [&](ValueId v) { return b.insts[v].op == Op::Const; };
  auto cval = [&](ValueId v) { return b.insts[v].imm; };
  for (size_t i = 0; i < n; i++) {
    Inst& in = b.insts[i];
    for (ValueId& a : in.a)
      if (a != kNoValue) a = alias[a];
    auto make_const = [&](uint64_t v) {
      in.op = Op::Const;
      in.imm = v & eval::mask(type_bits(in.type));
      in.aux = 0;
      in.a[0] = in.a[1] = in.a[2] = kNoValue;
    };
    if (eval::is_binary(in.op)) {
      unsigned bits = type_bits(b.insts[in.a[0]].type);
      if (is_const(in.a[0]) && is_const(in.a[1])) {
        make_const(eval::binary(in.op, cval(in.a[0]), cval(in.a[1]), bits));
      } else if (is_const(in.a[1]) && cval(in.a[1]) == 0 &&
                 (in.op == Op::Add || in.op == Op::Sub || in.op == Op::Or || in.op == Op::Xor ||
                  in.op == Op::Shl || in.op == Op::ShrL || in.op == Op::ShrA)) {
        alias[i] = in.a[0];  // x op 0 == x
      } else if (is_const(in.a[0]) && cval(in.a[0]) == 0 &&
                 (in.op == Op::Add || in.op == Op::Or || in.op == Op::Xor)) {
        alias[i] = in.a[1];  // 0 op x == x
      } else if (in.op == Op::And && is_const(in.a[1])) {
        // A mask of what is masked already (an x86 address wrapped to 32 bits twice, or a zero-extended 32-bit value).
        const Inst& x = b.insts[in.a[0]];
        const uint64_t c = cval(in.a[1]);
        if (x.op == Op::And && is_const(x.a[1]) && (cval(x.a[1]) & ~c) == 0) alias[i] = in.a[0];
        else if (x.op == Op::And && is_const(x.a[1]) && (c & ~cval(x.a[1])) == 0) in.a[0] = x.a[0];
        else if (x.op == Op::ZExt && (eval::mask(type_bits(b.insts[x.a[0]].type)) & ~c) == 0) alias[i] = in.a[0];
      }
    } else if (eval::is_unary(in.op) && is_const(in.a[0])) {
      make_const(eval::unary(in.op, cval(in.a[0]), type_bits(in.type)));
    } else if (eval::is_convert(in.op) && is_const(in.a[0])) {
      make_const(eval::convert(in.op, cval(in.a[0]), type_bits(b.insts[in.a[0]].type), type_bits(in.type)));
    } else if (eval::is_convert(in.op) && eval::is_convert(b.insts[in.a[0]].op)) {
      // A width change of a width change (frontends reading 64-bit register
      // slots produce trunc(zext x) and zext(trunc(zext x)) chains).
      const Inst& inner = b.insts[in.a[0]];
      const unsigned to = type_bits(in.type), from = type_bits(b.insts[inner.a[0]].type);
      if (in.op == inner.op) {
        in.a[0] = inner.a[0];  // zext(zext x), sext(sext x), trunc(trunc x): one step
      } else if (in.op == Op::Trunc) {  // of a zext or sext of x
        if (to == from) alias[i] = inner.a[0];
        else if (to < from) in.a[0] = inner.a[0];  // trunc x
        else in.op = inner.op, in.a[0] = inner.a[0];  // still wider than x: the extension of x
      } else if (in.op == Op::SExt && inner.op == Op::ZExt) {
        in.op = Op::ZExt, in.a[0] = inner.a[0];  // the zext's sign bit is 0
      }
    } else if (in.op == Op::Select && is_const(in.a[0])) {
      alias[i] = cval(in.a[0]) ? in.a[1] : in.a[2];
    } else if (in.op == Op::Branch && is_const(in.a[0])) {
      uint64_t target = cval(in.a[0]) ? in.imm : in.aux;
      in.op = Op::Goto;
      in.imm = target;
      in.aux = 0;
      in.a[0] = kNoValue;
    } else if (in.op == Op::SkipIf && is_const(in.a[0]) && cval(in.a[0]) == 0) {
      remove[i] = true;  // never taken (a skip always taken stays: what follows it must then be a label)
    } else if (in.op == Op::JumpIndirect && is_const(in.a[0])) {
      in.op = Op::Goto;
      in.imm = cval(in.a[0]);
      in.a[0] = kNoValue;
    }
  }
  compact(b, alias, remove);
}

}  // namespace kiln::ir

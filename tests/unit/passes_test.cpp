// The IR passes, one at a time: each test builds a small block, runs one pass,
// checks the block still verifies, and checks the rewrite it must (or must not)
// have made. Last, random blocks go through the whole pipeline: the output must
// verify and must compute the same guest state as the input (interpreter).
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "interp/interp.h"
#include "ir/builder.h"
#include "ir/eval.h"
#include "ir/ir.h"
#include "ir/passes/passes.h"
#include "ir_gen.h"
#include "test_cpu.h"

using namespace kiln;
using namespace kiln::ir;
using namespace kiln::test;

// ---------------------------------------------------------------- fold_constants

TEST_CASE("fold_constants folds all-constant ops to what eval gives", "[passes][fold]") {
  const uint64_t vals[] = {0, 1, 3, 0x7f, 0x80, 0xffff, 0x8000'0000, 0xffff'ffff'ffff'ffff, 0x8000'0000'0000'0000,
                           0x1234'5678'9abc'def0, 64, 65};
  std::vector<std::string> fails;
  for (Type t : kIntTypes) {
    unsigned bits = type_bits(t);
    for (unsigned o = 0; o < kNumOps; o++) {
      Op op = Op(o);
      bool bin = eval::is_binary(op), un = eval::is_unary(op);
      if (!bin && !un) continue;
      bool cmp = op >= Op::CmpEq && op <= Op::CmpGeU;
      for (uint64_t x : vals)
        for (uint64_t y : vals) {
          if (un && y != 0) continue;
          Block b;
          start(b);
          ValueId a = konst(b, t, x), c = konst(b, t, y);
          ValueId r = bin ? emit(b, op, cmp ? Type::I1 : t, {a, c}) : emit(b, op, t, {a});
          if (cmp) r = emit(b, Op::ZExt, Type::I64, {r});
          emit(b, Op::Set, Type::Void, {r}, off_r(0));
          end(b);
          REQUIRE(verify(b) == "");
          fold_constants(b);
          REQUIRE(verify(b) == "");
          uint64_t xm = x & eval::mask(bits), ym = y & eval::mask(bits);
          uint64_t want = bin ? eval::binary(op, xm, ym, bits) : eval::unary(op, xm, bits);
          want &= eval::mask(cmp ? 1 : bits);
          const Inst* s = set_to(b, off_r(0));
          const Inst& v = b[s->a[0]];
          if (v.op != Op::Const || v.imm != want)
            fails.push_back(std::string(op_info(op).name) + "." + type_name(t) + "(" + std::to_string(xm) + ", " +
                            std::to_string(ym) + "): got " + op_info(v.op).name + " " + std::to_string(v.imm) +
                            ", want " + std::to_string(want));
        }
    }
  }
  INFO((fails.empty() ? std::string() : fails.front()) << " (" << fails.size() << " failures)");
  CHECK(fails.empty());
}

TEST_CASE("fold_constants folds width changes", "[passes][fold]") {
  for (Type from : kIntTypes)
    for (Type to : kIntTypes) {
      if (from == to) continue;
      Op op = type_bits(to) > type_bits(from) ? Op::SExt : Op::Trunc;
      for (Op o : {op, op == Op::SExt ? Op::ZExt : Op::Trunc}) {
        Block b;
        start(b);
        uint64_t x = 0xfedc'ba98'7654'3210 & eval::mask(type_bits(from));
        ValueId c = konst(b, from, x);
        ValueId r = emit(b, o, to, {c});
        if (to != Type::I64) r = emit(b, Op::ZExt, Type::I64, {r});
        emit(b, Op::Set, Type::Void, {r}, off_r(0));
        end(b);
        REQUIRE(verify(b) == "");
        fold_constants(b);
        REQUIRE(verify(b) == "");
        const Inst& v = b[set_to(b, off_r(0))->a[0]];
        INFO(op_info(o).name << " " << type_name(from) << " -> " << type_name(to));
        REQUIRE(v.op == Op::Const);
        CHECK(v.imm == eval::convert(o, x, type_bits(from), type_bits(to)));
      }
    }
}

TEST_CASE("fold_constants simplifies identities and constant control flow", "[passes][fold]") {
  Block b;
  start(b);
  ValueId x = emit(b, Op::Get, Type::I64, {}, off_r(1));

  SECTION("x + 0 is x") {
    ValueId r = emit(b, Op::Add, Type::I64, {x, konst(b, Type::I64, 0)});
    emit(b, Op::Set, Type::Void, {r}, off_r(0));
    end(b);
    fold_constants(b);
    REQUIRE(verify(b) == "");
    CHECK(b[set_to(b, off_r(0))->a[0]].op == Op::Get);
  }
  SECTION("0 | x is x") {
    ValueId r = emit(b, Op::Or, Type::I64, {konst(b, Type::I64, 0), x});
    emit(b, Op::Set, Type::Void, {r}, off_r(0));
    end(b);
    fold_constants(b);
    REQUIRE(verify(b) == "");
    CHECK(b[set_to(b, off_r(0))->a[0]].op == Op::Get);
  }
  SECTION("0 - x is not x") {
    ValueId r = emit(b, Op::Sub, Type::I64, {konst(b, Type::I64, 0), x});
    emit(b, Op::Set, Type::Void, {r}, off_r(0));
    end(b);
    fold_constants(b);
    REQUIRE(verify(b) == "");
    CHECK(b[set_to(b, off_r(0))->a[0]].op == Op::Sub);
  }
  SECTION("select on a constant picks an arm") {
    ValueId y = emit(b, Op::Get, Type::I64, {}, off_r(2));
    ValueId s1 = emit(b, Op::Select, Type::I64, {konst(b, Type::I1, 1), x, y});
    ValueId s0 = emit(b, Op::Select, Type::I64, {konst(b, Type::I1, 0), x, y});
    emit(b, Op::Set, Type::Void, {s1}, off_r(3));
    emit(b, Op::Set, Type::Void, {s0}, off_r(4));
    end(b);
    fold_constants(b);
    REQUIRE(verify(b) == "");
    CHECK(b[set_to(b, off_r(3))->a[0]].imm == off_r(1));  // the Get of r1
    CHECK(b[set_to(b, off_r(4))->a[0]].imm == off_r(2));  // the Get of r2
  }
  SECTION("branch on a constant becomes a goto") {
    bool cond = GENERATE(true, false);
    emit(b, Op::Branch, Type::Void, {konst(b, Type::I1, cond)}, 0x3000, 0x4000);
    fold_constants(b);
    REQUIRE(verify(b) == "");
    CHECK(b.insts.back().op == Op::Goto);
    CHECK(b.insts.back().imm == (cond ? 0x3000u : 0x4000u));
  }
  SECTION("jump_indirect on a constant becomes a goto") {
    emit(b, Op::JumpIndirect, Type::Void, {konst(b, Type::I64, 0x5554)});
    fold_constants(b);
    REQUIRE(verify(b) == "");
    CHECK(b.insts.back().op == Op::Goto);
    CHECK(b.insts.back().imm == 0x5554);
  }
  SECTION("a branch on a non-constant stays") {
    ValueId c = emit(b, Op::CmpEq, Type::I1, {x, konst(b, Type::I64, 7)});
    emit(b, Op::Branch, Type::Void, {c}, 0x3000, 0x4000);
    fold_constants(b);
    REQUIRE(verify(b) == "");
    CHECK(b.insts.back().op == Op::Branch);
  }
  SECTION("folding chains through folded values") {
    ValueId a = emit(b, Op::Add, Type::I64, {konst(b, Type::I64, 2), konst(b, Type::I64, 3)});
    ValueId m = emit(b, Op::Mul, Type::I64, {a, konst(b, Type::I64, 7)});
    emit(b, Op::JumpIndirect, Type::Void, {m});
    fold_constants(b);
    REQUIRE(verify(b) == "");
    CHECK(b.insts.back().op == Op::Goto);
    CHECK(b.insts.back().imm == 35);
  }
}

// ---------------------------------------------------------------- forward_state

TEST_CASE("forward_state forwards a Set to a later Get", "[passes][forward]") {
  Block b;
  start(b);
  ValueId v = emit(b, Op::Add, Type::I64, {emit(b, Op::Get, Type::I64, {}, off_r(2)), konst(b, Type::I64, 1)});
  emit(b, Op::Set, Type::Void, {v}, off_r(1));
  ValueId u = emit(b, Op::Get, Type::I64, {}, off_r(1));
  emit(b, Op::Set, Type::Void, {u}, off_r(3));
  end(b);
  REQUIRE(verify(b) == "");
  forward_state(b);
  REQUIRE(verify(b) == "");
  const Inst* s = set_to(b, off_r(3));
  REQUIRE(s);
  CHECK(b[s->a[0]].op == Op::Add);  // the Set's value, not a re-read of r1
}

TEST_CASE("forward_state across labels: only what dominates is forwarded", "[passes][forward][labels]") {
  // r1 = 5; skip to L if r2 == 0; r1 = 7; L: r3 = r1. After L, r1 is 5 or 7:
  // neither Set may be forwarded to the Get, and the first Set is not dead.
  Block b;
  Builder B(b);
  B.insn_start(0x1000, 4);
  B.set(off_r(1), B.c64(5));
  Builder::Label l = B.new_label();
  B.skip_if(B.eq(B.get<Type::I64>(off_r(2)), B.c64(0)), l);
  B.set(off_r(1), B.c64(7));
  B.place(l);
  B.set(off_r(3), B.get<Type::I64>(off_r(1)));
  B.set(off_r(4), B.get<Type::I64>(off_r(2)));  // known before the skip: forwarded
  B.goto_(0x1004);
  REQUIRE(verify(b) == "");
  forward_state(b);
  REQUIRE(verify(b) == "");
  CHECK(set_to(b, off_r(1), 0));
  CHECK(set_to(b, off_r(1), 1));  // both Sets of r1 stay
  const Inst* r3 = set_to(b, off_r(3));
  REQUIRE(r3);
  CHECK(b[r3->a[0]].op == Op::Get);  // r1 read after the label, not a forwarded 5 or 7
  const Inst* r4 = set_to(b, off_r(4));
  REQUIRE(r4);
  CHECK(r4->a[0] < r3->a[0]);  // the Get of r2 from before the skip

  // Both tiers, both ways: r3 = 7 when r2 != 0, else 5.
  for (uint64_t r2 : {0, 1}) {
    TestMachine m;
    m.st->r[2] = r2;
    auto code = interp::compile(b);
    REQUIRE(code);
    interp::run(*code, m.st.get());
    CHECK(m.st->r[3] == (r2 ? 7 : 5));
  }
}

TEST_CASE("forward_state forwards a Set that dominates a label", "[passes][forward][labels]") {
  // r1 = x before the skip; the region does not touch r1: after the label r1 is still x.
  Block b;
  Builder B(b);
  B.insn_start(0x1000, 4);
  U64 x = B.add(B.get<Type::I64>(off_r(2)), B.c64(1));
  B.set(off_r(1), x);
  Builder::Label l = B.new_label();
  B.skip_if(B.eq(x, B.c64(0)), l);
  B.set(off_r(5), B.c64(7));
  B.place(l);
  B.set(off_r(3), B.get<Type::I64>(off_r(1)));
  B.goto_(0x1004);
  forward_state(b);
  REQUIRE(verify(b) == "");
  CHECK(b[set_to(b, off_r(3))->a[0]].op == Op::Add);
}

TEST_CASE("fold_constants drops a skip that is never taken", "[passes][fold][labels]") {
  Block b;
  Builder B(b);
  B.insn_start(0x1000, 4);
  Builder::Label l = B.new_label(), m = B.new_label();
  B.skip_if(B.c1(false), l);
  B.set(off_r(1), B.c64(1));
  B.place(l);
  B.skip_if(B.c1(true), m);
  B.set(off_r(2), B.c64(2));
  B.place(m);
  B.goto_(0x1004);
  fold_constants(b);
  REQUIRE(verify(b) == "");
  CHECK(count(b, Op::SkipIf) == 1);
}

TEST_CASE("forward_state forwards a Get to a later Get", "[passes][forward]") {
  Block b;
  start(b);
  ValueId g1 = emit(b, Op::Get, Type::I32, {}, off_r(1));
  ValueId g2 = emit(b, Op::Get, Type::I32, {}, off_r(1));
  emit(b, Op::Set, Type::Void, {emit(b, Op::Add, Type::I32, {g1, g2})}, off_r(3));
  end(b);
  forward_state(b);
  REQUIRE(verify(b) == "");
  const Inst& add = b[set_to(b, off_r(3))->a[0]];
  CHECK(add.a[0] == add.a[1]);
}

TEST_CASE("forward_state removes a Set overwritten before anything observes it", "[passes][forward]") {
  Block b;
  start(b);
  ValueId x = emit(b, Op::Get, Type::I64, {}, off_r(2));
  ValueId y = emit(b, Op::Get, Type::I64, {}, off_r(3));

  SECTION("nothing in between: the first Set goes") {
    emit(b, Op::Set, Type::Void, {x}, off_r(1));
    emit(b, Op::Set, Type::Void, {y}, off_r(1));
    end(b);
    forward_state(b);
    REQUIRE(verify(b) == "");
    CHECK(count(b, Op::Set) == 1);
    CHECK(set_to(b, off_r(1))->a[0] == y);
  }
  SECTION("an unrelated Set or an InsnStart in between does not observe it") {
    emit(b, Op::Set, Type::Void, {x}, off_r(1));
    emit(b, Op::Set, Type::Void, {x}, off_r(4));
    start(b, 0x1004);
    emit(b, Op::Set, Type::Void, {y}, off_r(1));
    end(b);
    forward_state(b);
    REQUIRE(verify(b) == "");
    CHECK(count(b, Op::Set) == 2);
    CHECK(set_to(b, off_r(1))->a[0] == y);
  }
  SECTION("a Get in between is forwarded, so the first Set still goes") {
    emit(b, Op::Set, Type::Void, {x}, off_r(1));
    ValueId u = emit(b, Op::Get, Type::I64, {}, off_r(1));
    emit(b, Op::Set, Type::Void, {u}, off_r(5));
    emit(b, Op::Set, Type::Void, {y}, off_r(1));
    end(b);
    forward_state(b);
    REQUIRE(verify(b) == "");
    CHECK(set_to(b, off_r(5))->a[0] == x);
    CHECK(set_to(b, off_r(1))->a[0] == y);
    CHECK(set_to(b, off_r(1), 1) == nullptr);
  }
  SECTION("a Load (may fault) in between keeps it") {
    emit(b, Op::Set, Type::Void, {x}, off_r(1));
    emit(b, Op::Load, Type::I64, {x}, MemOp{3, false, false, 0}.pack());
    emit(b, Op::Set, Type::Void, {y}, off_r(1));
    end(b);
    forward_state(b);
    REQUIRE(verify(b) == "");
    CHECK(count(b, Op::Set) == 2);
  }
  SECTION("a helper that reads state in between keeps it") {
    emit(b, Op::Set, Type::Void, {x}, off_r(1));
    emit(b, Op::Call, Type::I64, {x}, reinterpret_cast<uintptr_t>(&kReadsHelper));
    emit(b, Op::Set, Type::Void, {y}, off_r(1));
    end(b);
    forward_state(b);
    REQUIRE(verify(b) == "");
    CHECK(count(b, Op::Set) == 2);
  }
  SECTION("a helper that may fault in between keeps it") {
    emit(b, Op::Set, Type::Void, {x}, off_r(1));
    emit(b, Op::Call, Type::I64, {x}, reinterpret_cast<uintptr_t>(&kFaultHelper));
    emit(b, Op::Set, Type::Void, {y}, off_r(1));
    end(b);
    forward_state(b);
    REQUIRE(verify(b) == "");
    CHECK(count(b, Op::Set) == 2);
  }
  SECTION("a narrower Get of the same bytes in between keeps it") {
    emit(b, Op::Set, Type::Void, {x}, off_r(1));
    ValueId lo = emit(b, Op::Get, Type::I32, {}, off_r(1));
    emit(b, Op::Set, Type::Void, {lo}, off_r(5));
    emit(b, Op::Set, Type::Void, {y}, off_r(1));
    end(b);
    forward_state(b);
    REQUIRE(verify(b) == "");
    CHECK(set_to(b, off_r(1), 1) != nullptr);  // both Sets of r1 remain
  }
  SECTION("a narrower later Set does not kill a wider one") {
    emit(b, Op::Set, Type::Void, {x}, off_r(1));
    emit(b, Op::Set, Type::Void, {emit(b, Op::Trunc, Type::I32, {y})}, off_r(1));
    end(b);
    forward_state(b);
    REQUIRE(verify(b) == "");
    CHECK(count(b, Op::Set) == 2);
  }
}

TEST_CASE("forward_state does not forward across partial overlaps", "[passes][forward]") {
  Block b;
  start(b);
  ValueId x = emit(b, Op::Get, Type::I64, {}, off_r(2));

  SECTION("i64 Set, i32 Get of its low half") {
    emit(b, Op::Set, Type::Void, {x}, off_r(1));
    ValueId g = emit(b, Op::Get, Type::I32, {}, off_r(1));
    emit(b, Op::Set, Type::Void, {g}, off_r(3));
    end(b);
    forward_state(b);
    REQUIRE(verify(b) == "");
    const Inst& v = b[set_to(b, off_r(3))->a[0]];
    CHECK(v.op == Op::Get);
    CHECK(v.type == Type::I32);
  }
  SECTION("i32 Set, i64 Get of the same offset") {
    emit(b, Op::Set, Type::Void, {emit(b, Op::Trunc, Type::I32, {x})}, off_r(1));
    ValueId g = emit(b, Op::Get, Type::I64, {}, off_r(1));
    emit(b, Op::Set, Type::Void, {g}, off_r(3));
    end(b);
    forward_state(b);
    REQUIRE(verify(b) == "");
    const Inst& v = b[set_to(b, off_r(3))->a[0]];
    CHECK(v.op == Op::Get);
    CHECK(v.type == Type::I64);
  }
  SECTION("an i64 Set partly overwritten by an i32 Set is forgotten") {
    emit(b, Op::Set, Type::Void, {x}, off_r(1));
    emit(b, Op::Set, Type::Void, {konst(b, Type::I32, 5)}, off_r(1) + 4);
    ValueId g = emit(b, Op::Get, Type::I64, {}, off_r(1));
    emit(b, Op::Set, Type::Void, {g}, off_r(3));
    end(b);
    forward_state(b);
    REQUIRE(verify(b) == "");
    CHECK(b[set_to(b, off_r(3))->a[0]].op == Op::Get);
    CHECK(count(b, Op::Set) == 3);
  }
  SECTION("a helper that writes state forgets everything") {
    emit(b, Op::Set, Type::Void, {x}, off_r(1));
    emit(b, Op::Call, Type::I64, {x}, reinterpret_cast<uintptr_t>(&kWritesHelper));
    ValueId g = emit(b, Op::Get, Type::I64, {}, off_r(1));
    emit(b, Op::Set, Type::Void, {g}, off_r(3));
    end(b);
    forward_state(b);
    REQUIRE(verify(b) == "");
    CHECK(b[set_to(b, off_r(3))->a[0]].op == Op::Get);
  }
}

// ---------------------------------------------------------------- eliminate_dead_code

TEST_CASE("fold_constants shortens width-change chains", "[passes][fold]") {
  Block b;
  Builder B(b);
  B.insn_start(0x1000, 4);
  U32 x = B.trunc<Type::I32>(B.get<Type::I64>(off_r(1)));
  U64 z = B.zext<Type::I64>(x);
  B.set(off_r(2), B.zext<Type::I64>(B.trunc<Type::I32>(z)));  // zext(trunc(zext x)): zext x
  B.set(off_r(3), B.trunc<Type::I16>(z));                      // trunc(zext x) narrower than x: trunc x
  B.set(off_r(4), B.sext<Type::I64>(B.zext<Type::I32>(B.trunc<Type::I16>(x))));  // sext(zext y): zext y
  B.goto_(0x1004);
  REQUIRE(verify(b) == "");
  fold_constants(b);
  eliminate_dead_code(b);
  REQUIRE(verify(b) == "");
  const Inst& r2 = b[set_to(b, off_r(2))->a[0]];
  CHECK((r2.op == Op::ZExt && b[r2.a[0]].type == Type::I32));
  const Inst& r3 = b[set_to(b, off_r(3))->a[0]];
  CHECK((r3.op == Op::Trunc && b[r3.a[0]].type == Type::I32));
  const Inst& r4 = b[set_to(b, off_r(4))->a[0]];
  CHECK((r4.op == Op::ZExt && b[r4.a[0]].type == Type::I16));
  for (uint64_t v : {0x0123456789abcdefull, 0xfedcba98f6548321ull}) {
    TestMachine m;
    m.st->r[1] = v;
    auto code = interp::compile(b);
    REQUIRE(code);
    interp::run(*code, m.st.get());
    CHECK(m.st->r[2] == (v & 0xffffffff));
    CHECK(m.st->r[3] == (v & 0xffff));
    CHECK(m.st->r[4] == (v & 0xffff));
  }
}

TEST_CASE("share_values reuses a pure op's first result, not across a label", "[passes][share]") {
  Block b;
  Builder B(b);
  B.insn_start(0x1000, 4);
  U64 r1 = B.get<Type::I64>(off_r(1)), r2 = B.get<Type::I64>(off_r(2));
  B.set(off_r(3), B.add(r1, r2));
  B.set(off_r(4), B.add(r2, r1));  // commutes: the same value
  B.set(off_r(5), B.sub(r2, r1));  // does not
  Builder::Label l = B.new_label();
  B.skip_if(B.eq(r1, B.c64(0)), l);
  B.set(off_r(6), B.xor_(r1, r2));
  B.place(l);
  B.set(off_r(7), B.xor_(r1, r2));  // the one in the region does not dominate it
  B.goto_(0x1004);
  REQUIRE(verify(b) == "");
  share_values(b);
  REQUIRE(verify(b) == "");
  CHECK(set_to(b, off_r(3))->a[0] == set_to(b, off_r(4))->a[0]);
  CHECK(set_to(b, off_r(5))->a[0] != set_to(b, off_r(3))->a[0]);
  CHECK(set_to(b, off_r(6))->a[0] != set_to(b, off_r(7))->a[0]);
  CHECK(count(b, Op::Add) == 1);
  CHECK(count(b, Op::Xor) == 2);
}

TEST_CASE("eliminate_dead_code removes unused pure ops and Gets only", "[passes][dce]") {
  Block b;
  start(b);
  ValueId x = emit(b, Op::Get, Type::I64, {}, off_r(1));
  emit(b, Op::Get, Type::I64, {}, off_r(2));                       // unused Get
  ValueId dead = emit(b, Op::Add, Type::I64, {x, x});              // unused, and its operand
  emit(b, Op::Mul, Type::I64, {dead, konst(b, Type::I64, 3)});     // is used only by dead code
  emit(b, Op::Call, Type::I64, {x}, reinterpret_cast<uintptr_t>(&kPureHelper));    // pure helper, unused
  emit(b, Op::Call, Type::I64, {x}, reinterpret_cast<uintptr_t>(&kWritesHelper));  // result unused, but writes
  emit(b, Op::Load, Type::I64, {x}, MemOp{3, false, false, 0}.pack());             // unused, but may fault
  emit(b, Op::Store, Type::Void, {x, x}, MemOp{3, false, false, 0}.pack());
  emit(b, Op::Amo, Type::I64, {x, x}, MemOp{3, false, true, 0}.pack(), uint64_t(AmoKind::Add));
  emit(b, Op::Set, Type::Void, {x}, off_r(3));
  end(b);
  REQUIRE(verify(b) == "");
  eliminate_dead_code(b);
  REQUIRE(verify(b) == "");
  CHECK(count(b, Op::Get) == 1);
  CHECK(count(b, Op::Add) == 0);
  CHECK(count(b, Op::Mul) == 0);
  CHECK(count(b, Op::Const) == 0);
  CHECK(count(b, Op::Call) == 1);
  CHECK(b[0].op == Op::InsnStart);
  CHECK(count(b, Op::Load) == 1);
  CHECK(count(b, Op::Store) == 1);
  CHECK(count(b, Op::Amo) == 1);
  CHECK(count(b, Op::Set) == 1);
  CHECK(count(b, Op::Goto) == 1);
  CHECK(b.guest_insns == 1);
}

TEST_CASE("eliminate_dead_code removes an unused helper that only reads registers, then run_passes its Sets", "[passes][dce]") {
  // x86's flag materialisation (a helper reading the lazy-flag registers) whose result the dead-flag analysis
  // left unused: the call goes, and with it the Sets it alone observed.
  static constexpr Helper kReadsRegs{"reads_regs", reads_fn, ir::kReadsState | ir::kAccessesRegs | ir::kRegsReadOnly, 1};
  static constexpr Helper kWritesRegs{"writes_regs", writes_fn, ir::kReadsState | ir::kWritesState | ir::kAccessesRegs, 1};
  for (const Helper* h : {&kReadsRegs, &kWritesRegs}) {
    Block b;
    start(b);
    ValueId x = emit(b, Op::Get, Type::I64, {}, off_r(1));
    emit(b, Op::Set, Type::Void, {x}, off_r(2));  // observed only by the helper
    emit(b, Op::Call, Type::I64, {x}, reinterpret_cast<uintptr_t>(h));
    emit(b, Op::Set, Type::Void, {konst(b, Type::I64, 7)}, off_r(2));
    end(b);
    REQUIRE(run_passes(b, true) == "");
    const bool reads_only = h == &kReadsRegs;
    INFO(h->name);
    CHECK(count(b, Op::Call) == (reads_only ? 0 : 1));
    CHECK(count(b, Op::Set) == (reads_only ? 1 : 2));
  }
}

// ---------------------------------------------------------------- the pipeline

namespace {

struct Outcome {
  interp::ExitInfo exit;
  uint64_t r[8];
};
Outcome run_block(const Block& b, uint64_t seed) {
  TestMachine m;
  std::mt19937_64 rng(seed);
  for (uint64_t& r : m.st->r) r = rng();
  auto code = interp::compile(b);
  REQUIRE(code);
  Outcome o{interp::run(*code, m.st.get()), {}};
  for (unsigned i = 0; i < 8; i++) o.r[i] = m.st->r[i];
  return o;
}

}  // namespace

TEST_CASE("run_passes output verifies and computes the same state", "[passes][pipeline]") {
  std::mt19937_64 rng(20240611);
  unsigned changed = 0;
  for (int iter = 0; iter < 1500; iter++) {
    Block b = random_block(rng);
    REQUIRE(verify(b) == "");
    Block opt = b;
    std::string err = run_passes(opt, true);
    INFO("iteration " << iter << "\nbefore:\n" << print(b) << "after:\n" << print(opt));
    REQUIRE(err == "");
    REQUIRE(verify(opt) == "");
    changed += opt.insts.size() != b.insts.size();
    uint64_t seed = rng();
    Outcome before = run_block(b, seed), after = run_block(opt, seed);
    CHECK(after.exit.reason == before.exit.reason);
    CHECK(after.exit.next_pc == before.exit.next_pc);
    // (exit_index may differ: a folded Branch/JumpIndirect becomes a Goto, exit 0.)
    CHECK(after.exit.insns == before.exit.insns);
    for (unsigned i = 0; i < 8; i++) {
      INFO("r" << i);
      CHECK(after.r[i] == before.r[i]);
    }
  }
  CHECK(changed > 100);  // the generator does give the passes work
}

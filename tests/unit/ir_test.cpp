// The IR itself: the typed builder emits exactly the instruction it names, the
// verifier accepts well-formed blocks and rejects each kind of malformed one
// (bad blocks are made by editing Block::insts of a good one, so each SECTION
// breaks exactly one rule), and the printer names every op.
#include <catch2/catch.hpp>

#include <string>

#include "ir/builder.h"
#include "ir/ir.h"

using namespace kiln;
using namespace kiln::ir;

namespace {

uint64_t helper_fn(void*, uint64_t a, uint64_t b, uint64_t) { return a + b; }
constexpr Helper kHelper2{"add2", helper_fn, kReadsState | kWritesState, 2};

constexpr MemOp kMem8{3, false, false, 0};
constexpr MemOp kMem4{2, false, false, 0};

// Indices of the interesting instructions of good_block(), for the edits below.
struct Good {
  Block b;
  ValueId insn, get, c5, add, cmp, sel, c32, add32, trunc, zext, load, store, call, set, term;
};

// One instruction of nearly every shape, all well-typed.
Good good_block() {
  Good g;
  Builder B(g.b);
  g.b.pc = 0x1000;
  B.insn_start(0x1000, 4);
  g.insn = 0;
  U64 x = B.get<Type::I64>(64);
  U64 c5 = B.c64(5);
  U64 add = B.add(x, c5);
  B1 cmp = B.ltu(x, c5);
  U64 sel = B.select(cmp, add, x);
  U32 c32 = B.c32(0x12345678);
  U32 trunc = B.trunc<Type::I32>(sel);
  U32 add32 = B.add(trunc, c32);
  U64 zext = B.zext<Type::I64>(add32);
  U64 load = B.load<Type::I64>(zext, kMem8);
  B.store(zext, add32, kMem4);
  g.store = ValueId(g.b.insts.size() - 1);
  U64 call = B.call(kHelper2, load, zext);
  B.set(72, call);
  g.set = ValueId(g.b.insts.size() - 1);
  B.goto_(0x1004);
  g.term = ValueId(g.b.insts.size() - 1);
  g.get = x.id;
  g.c5 = c5.id;
  g.add = add.id;
  g.cmp = cmp.id;
  g.sel = sel.id;
  g.c32 = c32.id;
  g.trunc = trunc.id;
  g.add32 = add32.id;
  g.zext = zext.id;
  g.load = load.id;
  g.call = call.id;
  return g;
}

// The verifier must reject the block, and for the reason the test broke.
void require_rejected(const Block& b, const std::string& reason) {
  std::string err = verify(b);
  INFO("verify() said: \"" << err << "\", expected it to mention \"" << reason << "\"");
  REQUIRE_FALSE(err.empty());
  CHECK(err.find(reason) != std::string::npos);
}

}  // namespace

TEST_CASE("builder emits the instruction it names", "[ir][builder]") {
  Block b;
  Builder B(b);
  B.insn_start(0x80000000, 4);
  REQUIRE(b.guest_insns == 1);
  CHECK(b.insts[0].op == Op::InsnStart);
  CHECK(b.insts[0].imm == 0x80000000);
  CHECK(b.insts[0].aux == 4);

  // Constants are masked to their type.
  U32 c = B.c32(0xdeadbeef);
  Val<Type::I8> c8 = B.constant<Type::I8>(0x1ff);
  CHECK(b[c.id].op == Op::Const);
  CHECK(b[c.id].type == Type::I32);
  CHECK(b[c.id].imm == 0xdeadbeef);
  CHECK(b[c8.id].imm == 0xff);

  U64 g = B.get<Type::I64>(24);
  CHECK(b[g.id].op == Op::Get);
  CHECK(b[g.id].imm == 24);
  CHECK(b[g.id].type == Type::I64);

  U64 s = B.sub(g, B.c64(3));
  CHECK(b[s.id].op == Op::Sub);
  CHECK(b[s.id].type == Type::I64);
  CHECK(b[s.id].a[0] == g.id);
  CHECK(b[s.id].a[1] == s.id - 1);
  CHECK(b[s.id].a[2] == kNoValue);

  B1 lt = B.lts(g, s);
  CHECK(b[lt.id].op == Op::CmpLtS);
  CHECK(b[lt.id].type == Type::I1);

  U16 t = B.trunc<Type::I16>(s);
  CHECK(b[t.id].op == Op::Trunc);
  CHECK(b[t.id].type == Type::I16);
  U64 sx = B.sext<Type::I64>(t);
  CHECK(b[sx.id].op == Op::SExt);
  CHECK(b[sx.id].type == Type::I64);
  CHECK(b[sx.id].a[0] == t.id);

  MemOp m{1, true, true, 2};
  U32 l = B.load<Type::I32>(g, m);
  CHECK(b[l.id].op == Op::Load);
  CHECK(b[l.id].type == Type::I32);
  CHECK(MemOp::unpack(b[l.id].imm).size() == 2);
  CHECK(MemOp::unpack(b[l.id].imm).sign);
  CHECK(MemOp::unpack(b[l.id].imm).aligned_only);
  CHECK(MemOp::unpack(b[l.id].imm).mmu_idx == 2);

  U64 a = B.amo(AmoKind::MaxU, g, s, kMem8);
  CHECK(b[a.id].op == Op::Amo);
  CHECK(b[a.id].aux == uint64_t(AmoKind::MaxU));

  U64 r = B.call(kHelper2, g, s);
  CHECK(b[r.id].op == Op::Call);
  CHECK(b[r.id].type == Type::I64);
  CHECK(b[r.id].imm == reinterpret_cast<uintptr_t>(&kHelper2));
  CHECK(effects_of(b[r.id]) == (kReadsState | kWritesState));

  B.set(32, sx);
  CHECK(b.insts.back().op == Op::Set);
  CHECK(b.insts.back().type == Type::Void);
  CHECK(b.insts.back().imm == 32);
  CHECK(b.insts.back().a[0] == sx.id);

  CHECK_FALSE(B.terminated());
  B.branch(lt, 0x100, 0x200);
  CHECK(B.terminated());
  CHECK(b.insts.back().op == Op::Branch);
  CHECK(b.insts.back().imm == 0x100);
  CHECK(b.insts.back().aux == 0x200);
  CHECK(verify(b) == "");
}

TEST_CASE("builder exits and jumps", "[ir][builder]") {
  Block b;
  Builder B(b);
  B.insn_start(0x10, 2);
  B.exit(ExitReason::Wfi, 0x12);
  const Inst& e = b.insts.back();
  CHECK(e.op == Op::Exit);
  CHECK(e.imm == uint64_t(ExitReason::Wfi));
  CHECK(b[e.a[0]].op == Op::Const);
  CHECK(b[e.a[0]].imm == 0x12);
  CHECK(verify(b) == "");

  Block j;
  Builder J(j);
  J.insn_start(0x10, 4);
  J.jump_indirect(J.get<Type::I64>(8));
  CHECK(j.insts.back().op == Op::JumpIndirect);
  CHECK(verify(j) == "");
}

TEST_CASE("verifier accepts well-formed blocks", "[ir][verify]") {
  Good g = good_block();
  CHECK(verify(g.b) == "");

  // A block of one guest instruction that only jumps.
  Block b;
  Builder B(b);
  B.insn_start(0, 4);
  B.goto_(4);
  CHECK(verify(b) == "");
}

TEST_CASE("verifier rejects each broken rule", "[ir][verify]") {
  Good g = good_block();
  REQUIRE(verify(g.b) == "");
  Block& b = g.b;

  SECTION("operand used before its definition") {
    b[g.add].a[1] = g.cmp;  // the compare comes after the add
    require_rejected(b, "operand not defined before use");
  }
  SECTION("operand refers to itself") {
    b[g.add].a[0] = g.add;
    require_rejected(b, "operand not defined before use");
  }
  SECTION("missing operand") {
    b[g.add].a[1] = kNoValue;
    require_rejected(b, "missing operand");
  }
  SECTION("extra operand") {
    b[g.term].a[0] = g.get;  // Goto takes none
    require_rejected(b, "extra operand");
  }
  SECTION("operand that produces no value") {
    b[g.add].a[1] = g.insn;
    require_rejected(b, "produces no value");
  }
  SECTION("type mismatch on add") {
    b[g.add32].a[1] = g.c5;  // i32 + i64
    require_rejected(b, "operand types differ");
  }
  SECTION("add result type differs from its operands") {
    b[g.add].type = Type::I32;
    require_rejected(b, "result type wrong");
  }
  SECTION("compare result not i1") {
    b[g.cmp].type = Type::I64;
    require_rejected(b, "result type wrong");
  }
  SECTION("select condition not i1") {
    b[g.sel].a[0] = g.get;
    require_rejected(b, "bad select types");
  }
  SECTION("select arms of different types") {
    b[g.sel].type = Type::I32;
    require_rejected(b, "bad select types");
  }
  SECTION("zext that narrows") {
    b[g.zext].type = Type::I16;  // from i32
    require_rejected(b, "extension must widen");
  }
  SECTION("zext to the same width") {
    b[g.zext].type = Type::I32;
    require_rejected(b, "extension must widen");
  }
  SECTION("trunc that widens") {
    b[g.trunc].a[0] = g.c32;  // i32 -> i64
    b[g.trunc].type = Type::I64;
    require_rejected(b, "trunc must narrow");
  }
  SECTION("trunc to the same width") {
    b[g.trunc].a[0] = g.c32;  // i32 -> i32
    require_rejected(b, "trunc must narrow");
  }
  SECTION("load address not i64") {
    b[g.load].a[0] = g.add32;
    require_rejected(b, "address must be i64");
  }
  SECTION("store address not i64") {
    b[g.store].a[0] = g.add32;
    require_rejected(b, "address must be i64");
  }
  SECTION("load narrower than its access size") {
    b[g.load].type = Type::I32;  // 8-byte access into an i32
    require_rejected(b, "value narrower than the access");
  }
  SECTION("store value narrower than its access size") {
    b[g.store].imm = kMem8.pack();  // 8-byte store of an i32
    require_rejected(b, "value narrower than the access");
  }
  SECTION("store that produces a value") {
    b[g.store].type = Type::I32;
    require_rejected(b, "store produces a value");
  }
  SECTION("terminator in the middle") {
    Inst extra{Op::Goto, Type::Void};
    extra.imm = 0x2000;
    b.insts.insert(b.insts.begin() + g.set, extra);
    require_rejected(b, "must be followed by a label");
  }
  SECTION("no terminator at the end") {
    b.insts.pop_back();
    require_rejected(b, "does not end in a terminator");
  }
  SECTION("empty block") {
    b.insts.clear();
    require_rejected(b, "empty block");
  }
  SECTION("may-fault op before any insn_start") {
    // Turn the only InsnStart into an (unused) constant: the load now precedes every marker.
    b[g.insn] = Inst{Op::Const, Type::I64};
    b.guest_insns = 0;
    require_rejected(b, "may fault before any insn_start");
  }
  SECTION("guest_insns mismatch") {
    b.guest_insns = 2;
    require_rejected(b, "guest_insns does not match");
  }
  SECTION("zero-length guest instruction") {
    b[g.insn].aux = 0;
    require_rejected(b, "zero-length instruction");
  }
  SECTION("constant wider than its type") {
    b[g.c32].imm = 1ull << 32;
    require_rejected(b, "constant wider than its type");
  }
  SECTION("call argument not i64") {
    b[g.call].a[1] = g.add32;
    require_rejected(b, "helper arguments must be i64");
  }
  SECTION("call without a helper") {
    b[g.call].imm = 0;
    require_rejected(b, "call without helper");
  }
  SECTION("set of an i1") {
    b[g.set].a[0] = g.cmp;
    require_rejected(b, "bad set types");
  }
  SECTION("branch condition not i1") {
    b[g.term] = Inst{Op::Branch, Type::Void, {g.get, kNoValue, kNoValue}, 0x10, 0x20};
    require_rejected(b, "branch condition must be i1");
  }
  SECTION("jump_indirect target not i64") {
    b[g.term] = Inst{Op::JumpIndirect, Type::Void, {g.add32, kNoValue, kNoValue}};
    require_rejected(b, "next pc must be i64");
  }
  SECTION("terminator that produces a value") {
    b[g.term].type = Type::I64;
    require_rejected(b, "must not produce a value");
  }
}

namespace {
// The shape of an x86 REP instruction: skip everything if r == 0, else one
// step, then leave to this pc while more remain; after the label, go on.
struct Rep {
  Block b;
  Builder B{b};
  U64 x, y;
  Builder::Label done;
  Rep(bool finish = true) {
    B.insn_start(0x10, 2);
    x = B.get<Type::I64>(8);
    done = B.new_label();
    B.skip_if(B.eq(x, B.c64(0)), done);
    y = B.sub(x, B.c64(1));  // defined inside the skipped region
    B.set(8, y);
    B.branch(B.ne(y, B.c64(0)), 0x10, 0x12);
    if (finish) {
      B.place(done);
      B.goto_(0x12);
    }
  }
};
}  // namespace

TEST_CASE("verifier accepts forward labels and what dominates them", "[ir][verify][labels]") {
  Rep r;
  CHECK(r.b.labels == 1);
  CHECK(verify(r.b) == "");
  CHECK(print(r.b).find("SkipIf v3 L0") != std::string::npos);
  CHECK(print(r.b).find("Label L0") != std::string::npos);

  SECTION("a value from before the skip is visible after the label") {
    Rep q(false);
    q.B.place(q.done);
    q.B.set(16, q.x);
    q.B.goto_(0x12);
    CHECK(verify(q.b) == "");
  }
  SECTION("an unconditional skip, and two skips to one label") {
    Block b;
    Builder B(b);
    B.insn_start(0, 4);
    U64 x = B.get<Type::I64>(8);
    auto l = B.new_label(), m = B.new_label();
    B.skip_if(B.eq(x, B.c64(1)), l);
    B.skip_if(B.eq(x, B.c64(2)), l);
    B.skip(m);
    B.place(l);
    B.set(8, B.c64(7));
    B.place(m);
    B.set(16, x);
    B.goto_(4);
    CHECK(verify(b) == "");
  }
}

TEST_CASE("verifier rejects each broken label rule", "[ir][verify][labels]") {
  SECTION("a value defined in the skipped region used after the label") {
    Rep q(false);
    q.B.place(q.done);
    q.B.set(16, q.y);
    q.B.goto_(0x12);
    require_rejected(q.b, "does not dominate");
  }
  SECTION("a value from between two skips to one label") {
    Block b;
    Builder B(b);
    B.insn_start(0, 4);
    U64 x = B.get<Type::I64>(8);
    auto l = B.new_label();
    B.skip_if(B.eq(x, B.c64(1)), l);
    U64 z = B.add(x, x);
    B.skip_if(B.eq(z, B.c64(2)), l);
    B.place(l);
    B.set(16, z);
    B.goto_(4);
    require_rejected(b, "does not dominate");
  }
  SECTION("a backward skip") {
    Block b;
    Builder B(b);
    B.insn_start(0, 4);
    auto l = B.new_label();
    B.place(l);
    B.skip_if(B.c1(true), l);
    B.goto_(4);
    require_rejected(b, "backward skip");
  }
  SECTION("a label never placed") {
    Rep q(false);
    q.b.insts.pop_back();  // the branch
    q.B.goto_(0x12);
    require_rejected(q.b, "never placed");
  }
  SECTION("a label placed twice") {
    Rep q;
    q.b.insts.insert(q.b.insts.end() - 1, q.b.insts[q.b.insts.size() - 2]);
    require_rejected(q.b, "placed twice");
  }
  SECTION("a label id out of range") {
    Rep q;
    q.b.labels = 0;
    require_rejected(q.b, "out of range");
  }
  SECTION("code after a skip that no label reaches") {
    Block b;
    Builder B(b);
    B.insn_start(0, 4);
    auto l = B.new_label();
    B.skip(l);
    B.set(8, B.c64(1));
    B.place(l);
    B.goto_(4);
    require_rejected(b, "must be followed by a label");
  }
  SECTION("an instruction boundary inside a skipped region") {
    Block b;
    Builder B(b);
    B.insn_start(0, 4);
    auto l = B.new_label();
    B.skip_if(B.c1(true), l);
    B.insn_start(4, 4);
    B.place(l);
    B.goto_(8);
    require_rejected(b, "inside a skipped region");
  }
}

TEST_CASE("printer prints every op name", "[ir][print]") {
  // One single-instruction block per op. The printer does not verify, so the
  // instruction need not be well-formed; it only needs valid pointers (Call).
  for (unsigned o = 0; o < kNumOps; o++) {
    Op op = Op(o);
    const OpInfo& info = op_info(op);
    Block b;
    Inst in{op, (info.effects & (kTerminator | kMarker)) || op == Op::Set || op == Op::Store ? Type::Void
                                                                                             : Type::I64};
    if (op == Op::Call) in.imm = reinterpret_cast<uintptr_t>(&kHelper2);
    for (unsigned k = 0; k < info.nargs && k < 3; k++) in.a[k] = 0;
    b.insts.push_back(in);
    std::string out = print(b);
    INFO("op " << info.name << " printed as:\n" << out);
    // The name as a whole word: preceded by a space, followed by space or end of line.
    std::string name = info.name;
    size_t at = out.find(" " + name);
    bool whole = false;
    while (at != std::string::npos && !whole) {
      size_t end = at + 1 + name.size();
      whole = end == out.size() || out[end] == ' ' || out[end] == '\n';
      if (!whole) at = out.find(" " + name, at + 1);
    }
    CHECK(whole);
  }
}

TEST_CASE("printer shows operands and immediates", "[ir][print]") {
  Good g = good_block();
  std::string out = print(g.b);
  CHECK(out.find("block pc=0x1000") != std::string::npos);
  CHECK(out.find("v1:i64 = Get 0x40") != std::string::npos);
  CHECK(out.find("Add v1, v2") != std::string::npos);
  CHECK(out.find("@add2") != std::string::npos);
  CHECK(out.find("Goto 0x1004") != std::string::npos);
  CHECK(out.find("[size=8 mmu=0]") != std::string::npos);
}

TEST_CASE("verifier rejects a helper declared with more than three arguments", "[ir][verify]") {
  // Inst has three operands: a helper declaring more must be rejected, not read past Inst::a.
  static constexpr Helper kFour{"four", helper_fn, kPure, 4};
  Block b;
  Builder B(b);
  B.insn_start(0, 4);
  U64 x = B.c64(1);
  B.set(0, B.call(kFour, x, x, x));
  B.goto_(4);
  CHECK_FALSE(verify(b).empty());
}

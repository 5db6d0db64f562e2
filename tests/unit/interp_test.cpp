// The interpreter (interp::compile + interp::run) on hand-built blocks against
// a minimal test CPU (test_cpu.h): every pure op at every width against
// ir/eval.h, state and memory access of every width, faults and where they are
// reported, AMOs, helpers, block exits, and the operand-forwarding shortcuts
// compile.cpp takes (values read or computed in place in guest-state fields).
#include <catch2/catch.hpp>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "interp/interp.h"
#include "ir/builder.h"
#include "ir/eval.h"
#include "ir_gen.h"
#include "test_cpu.h"

using namespace kiln;
using namespace kiln::ir;
using namespace kiln::test;

namespace {

interp::ExitInfo run(const Block& b, TestMachine& m) {
  std::string err = verify(b);
  INFO("block:\n" << print(b));
  REQUIRE(err == "");
  auto code = interp::compile(b);
  REQUIRE(code);
  return interp::run(*code, m.st.get());
}

constexpr MemOp memop(unsigned size_log2, bool sign = false, bool aligned_only = false) {
  return MemOp{uint8_t(size_log2), sign, aligned_only, 0};
}

// Edge-case operands for a width: 0, 1, all ones (-1), MIN, MAX, and shift
// counts at and beyond the width.
std::vector<uint64_t> edge_values(unsigned bits) {
  uint64_t m = eval::mask(bits), min = 1ull << (bits - 1);
  return {0, 1, 2, 7, m, min, min - 1, bits - 1, bits, bits + 1, 2 * bits, 0x5a5a'5a5a'5a5a'5a5a & m,
          0x8765'4321'0fed'cba9 & m};
}

std::string hex(uint64_t v) {
  char b[24];
  std::snprintf(b, sizeof b, "0x%llx", (unsigned long long)v);
  return b;
}

}  // namespace

// ---------------------------------------------------------------- pure ops

TEST_CASE("every pure integer op at every width matches ir::eval", "[interp][ops]") {
  // r0 and r1 hold the operands, r2 receives the result. r2 starts as a
  // sentinel so a Set that writes too many bytes is caught too.
  const uint64_t sentinel = 0xeeee'eeee'eeee'eeee;
  std::vector<std::string> fails;
  unsigned blocks = 0;
  TestMachine m;  // one for all blocks: each sets every register it reads
  for (Type t : kIntTypes) {
    unsigned bits = type_bits(t);
    for (unsigned o = 0; o < kNumOps; o++) {
      Op op = Op(o);
      bool bin = eval::is_binary(op), un = eval::is_unary(op);
      if (!bin && !un) continue;
      bool cmp = op >= Op::CmpEq && op <= Op::CmpGeU;
      for (bool imm : {false, true}) {
        if (un && imm) continue;
        for (uint64_t x : edge_values(bits))
          for (uint64_t y : edge_values(bits)) {
            if (un && y != 0) continue;
            Block b;
            start(b);
            ValueId a = emit(b, Op::Get, t, {}, off_r(0));
            ValueId c = imm ? konst(b, t, y) : emit(b, Op::Get, t, {}, off_r(1));
            ValueId r = un ? emit(b, op, t, {a}) : emit(b, op, cmp ? Type::I1 : t, {a, c});
            Type rt = t;
            if (cmp) {  // an i1 cannot be Set: widen it
              r = emit(b, Op::ZExt, t, {r});
            }
            emit(b, Op::Set, Type::Void, {r}, off_r(2));
            end(b);
            m.st->r[0] = x | (~eval::mask(bits) & 0x1111'1111'1111'1111);  // junk above the width
            m.st->r[1] = y | (~eval::mask(bits) & 0x2222'2222'2222'2222);
            m.st->r[2] = sentinel;
            interp::ExitInfo e = run(b, m);
            blocks++;
            uint64_t want = bin ? eval::binary(op, x, y, bits) : eval::unary(op, x, bits);
            want &= eval::mask(cmp ? 1 : bits);
            want |= sentinel & ~eval::mask(type_bits(rt));
            if (m.st->r[2] != want || e.next_pc != 0x2000)
              fails.push_back(std::string(op_info(op).name) + "." + type_name(t) + (imm ? " (imm)" : "") + "(" +
                              hex(x) + ", " + hex(y) + ") = " + hex(m.st->r[2]) + ", want " + hex(want));
          }
      }
    }
  }
  INFO(fails.size() << " mismatches; first: " << (fails.empty() ? "" : fails.front()));
  CHECK(fails.empty());
  CHECK(blocks > 10000);
}

TEST_CASE("width changes and select", "[interp][ops]") {
  std::vector<std::string> fails;
  for (Type from : kIntTypes)
    for (Type to : kIntTypes) {
      if (from == to) continue;
      bool widen = type_bits(to) > type_bits(from);
      for (Op op : widen ? std::vector<Op>{Op::ZExt, Op::SExt} : std::vector<Op>{Op::Trunc})
        for (uint64_t x : edge_values(type_bits(from))) {
          Block b;
          start(b);
          ValueId r = emit(b, op, to, {emit(b, Op::Get, from, {}, off_r(0))});
          emit(b, Op::Set, Type::Void, {r}, off_r(2));
          end(b);
          TestMachine m;
          m.st->r[0] = x | (~eval::mask(type_bits(from)) & 0x3333'3333'3333'3333);
          m.st->r[2] = 0;
          run(b, m);
          uint64_t want = eval::convert(op, x, type_bits(from), type_bits(to));
          if (m.st->r[2] != want)
            fails.push_back(std::string(op_info(op).name) + " " + type_name(from) + "->" + type_name(to) + " " +
                            hex(x) + " = " + hex(m.st->r[2]) + ", want " + hex(want));
        }
    }
  INFO(fails.size() << " mismatches; first: " << (fails.empty() ? "" : fails.front()));
  CHECK(fails.empty());

  for (bool cond : {false, true}) {
    Block b;
    Builder B(b);
    B.insn_start(0x1000, 4);
    U64 x = B.get<Type::I64>(off_r(0)), y = B.get<Type::I64>(off_r(1));
    B.set(off_r(2), B.select(B.ne(B.get<Type::I64>(off_r(3)), B.c64(0)), x, y));
    B.goto_(0x2000);
    TestMachine m;
    m.st->r[0] = 111;
    m.st->r[1] = 222;
    m.st->r[3] = cond ? 0x1'0000'0000 : 0;  // only a high bit set: the compare is 64-bit
    run(b, m);
    CHECK(m.st->r[2] == (cond ? 111u : 222u));
  }
}

// ---------------------------------------------------------------- state

TEST_CASE("Set and Get of each width touch exactly their bytes", "[interp][state]") {
  for (Type t : kIntTypes) {
    unsigned bytes = type_bits(t) / 8;
    for (unsigned at = 0; at < 8; at += bytes) {
      Block b;
      start(b);
      // r1's piece at `at` := r0's low piece; r3 := the piece read back, zero-extended.
      ValueId v = emit(b, Op::Get, t, {}, off_r(0));
      emit(b, Op::Set, Type::Void, {v}, off_r(1) + at);
      ValueId g = emit(b, Op::Get, t, {}, off_r(1) + at);
      if (t != Type::I64) g = emit(b, Op::ZExt, Type::I64, {g});
      emit(b, Op::Set, Type::Void, {g}, off_r(3));
      // and an immediate Set of the same width into r4
      emit(b, Op::Set, Type::Void, {konst(b, t, 0xa5a5'a5a5'a5a5'a5a5)}, off_r(4) + at);
      end(b);
      TestMachine m;
      m.st->r[0] = 0x0123'4567'89ab'cdef;
      m.st->r[1] = ~0ull;
      m.st->r[4] = 0;
      run(b, m);
      INFO(type_name(t) << " at byte " << at);
      uint64_t piece = eval::mask(8 * bytes) << (8 * at);
      CHECK(m.st->r[1] == ((~0ull & ~piece) | ((0x0123'4567'89ab'cdefull << (8 * at)) & piece)));
      CHECK(m.st->r[3] == (0x0123'4567'89ab'cdef & eval::mask(8 * bytes)));
      CHECK(m.st->r[4] == (0xa5a5'a5a5'a5a5'a5a5 & piece));
    }
  }
}

// ---------------------------------------------------------------- memory

TEST_CASE("loads of each size, signed and unsigned, through RAM", "[interp][mem]") {
  TestMachine m;
  const uint8_t bytes[8] = {0x81, 0x92, 0xa3, 0xb4, 0xc5, 0xd6, 0xe7, 0xf8};  // every byte has its top bit set
  REQUIRE(m.map.write(kRamBase + 0x100, bytes, 8));
  for (unsigned lg = 0; lg < 4; lg++)
    for (bool sign : {false, true})
      for (Type t : kIntTypes) {
        if (type_bits(t) < 8u << lg) continue;
        Block b;
        start(b);
        ValueId l = emit(b, Op::Load, t, {konst(b, Type::I64, kRamBase + 0x100)}, memop(lg, sign).pack());
        if (t != Type::I64) l = emit(b, Op::ZExt, Type::I64, {l});
        emit(b, Op::Set, Type::Void, {l}, off_r(0));
        end(b);
        m.st->r[0] = 0;
        interp::ExitInfo e = run(b, m);
        REQUIRE(e.reason == ExitReason::None);
        uint64_t raw = 0;
        std::memcpy(&raw, bytes, 1u << lg);
        uint64_t want = (sign ? uint64_t(eval::sx(raw, 8u << lg)) : raw) & eval::mask(type_bits(t));
        INFO("size " << (1u << lg) << (sign ? " signed" : " unsigned") << " into " << type_name(t));
        CHECK(m.st->r[0] == want);
      }
}

TEST_CASE("stores of each size write exactly their bytes", "[interp][mem]") {
  TestMachine m;
  for (unsigned lg = 0; lg < 4; lg++) {
    std::vector<uint8_t> before(16, 0xcc);
    REQUIRE(m.map.write(kRamBase + 0x200, before.data(), 16));
    Block b;
    Builder B(b);
    B.insn_start(0x1000, 4);
    B.store(B.c64(kRamBase + 0x204), B.get<Type::I64>(off_r(0)), memop(lg));
    B.goto_(0x1004);
    m.st->r[0] = 0x1122'3344'5566'7788;
    run(b, m);
    uint8_t after[16];
    REQUIRE(m.map.read(kRamBase + 0x200, after, 16));
    INFO("store size " << (1u << lg));
    for (unsigned i = 0; i < 16; i++) {
      bool inside = i >= 4 && i < 4 + (1u << lg);
      uint8_t want = inside ? uint8_t(0x1122'3344'5566'7788ull >> (8 * (i - 4))) : 0xcc;
      CHECK(after[i] == want);
    }
  }
}

TEST_CASE("a load from unmapped memory stops the block at that instruction", "[interp][mem][fault]") {
  TestMachine m;
  Block b;
  Builder B(b);
  B.insn_start(0x1000, 4);
  B.set(off_r(0), B.c64(1));
  B.insn_start(0x1004, 2);
  B.set(off_r(1), B.c64(2));
  B.insn_start(0x1006, 4);
  U64 v = B.load<Type::I64>(B.c64(0x1000), memop(3));  // nothing is mapped at 0x1000
  B.set(off_r(2), v);
  B.insn_start(0x100a, 4);
  B.set(off_r(3), B.c64(4));
  B.goto_(0x100e);
  interp::ExitInfo e = run(b, m);
  CHECK(e.reason == ExitReason::Exception);
  CHECK(e.next_pc == 0x1006);  // the faulting instruction
  CHECK(e.insns == 2);         // completed before it
  CHECK(m.st->fault == 1);
  CHECK(m.tr.faults == 1);
  CHECK(m.tr.fault_va == 0x1000);
  CHECK(m.tr.fault_kind == mem::FaultKind::Access);
  CHECK(m.tr.fault_type == mem::AccessType::Read);
  CHECK(m.st->r[0] == 1);
  CHECK(m.st->r[1] == 2);
  CHECK(m.st->r[2] == 0);  // not written: the value was to be computed straight into it
  CHECK(m.st->r[3] == 0);
}

TEST_CASE("a store to unmapped memory faults as a write", "[interp][mem][fault]") {
  TestMachine m;
  Block b;
  Builder B(b);
  B.insn_start(0x1000, 4);
  B.store(B.c64(kRamBase + kRamSize), B.c64(1), memop(3));
  B.goto_(0x1004);
  interp::ExitInfo e = run(b, m);
  CHECK(e.reason == ExitReason::Exception);
  CHECK(e.next_pc == 0x1000);
  CHECK(e.insns == 0);
  CHECK(m.tr.fault_type == mem::AccessType::Write);
  CHECK(m.tr.fault_kind == mem::FaultKind::Access);
}

TEST_CASE("misaligned accesses", "[interp][mem]") {
  TestMachine m;
  SECTION("aligned_only load faults") {
    Block b;
    Builder B(b);
    B.insn_start(0x1000, 4);
    B.set(off_r(0), B.load<Type::I64>(B.c64(kRamBase + 0x102), memop(2, false, true)));
    B.goto_(0x1004);
    interp::ExitInfo e = run(b, m);
    CHECK(e.reason == ExitReason::Exception);
    CHECK(e.next_pc == 0x1000);
    CHECK(m.tr.fault_kind == mem::FaultKind::Misaligned);
    CHECK(m.tr.fault_type == mem::AccessType::Read);
    CHECK(m.tr.fault_va == kRamBase + 0x102);
  }
  SECTION("aligned_only store faults and writes nothing") {
    uint64_t zero = 0;
    REQUIRE(m.map.write(kRamBase + 0x100, &zero, 8));
    Block b;
    Builder B(b);
    B.insn_start(0x1000, 4);
    B.store(B.c64(kRamBase + 0x101), B.c64(~0ull), memop(1, false, true));
    B.goto_(0x1004);
    interp::ExitInfo e = run(b, m);
    CHECK(e.reason == ExitReason::Exception);
    CHECK(m.tr.fault_kind == mem::FaultKind::Misaligned);
    CHECK(m.tr.fault_type == mem::AccessType::Write);
    uint64_t after = 1;
    REQUIRE(m.map.read(kRamBase + 0x100, &after, 8));
    CHECK(after == 0);
  }
  SECTION("misaligned access within a page works when allowed") {
    const uint64_t v = 0x0807'0605'0403'0201;
    REQUIRE(m.map.write(kRamBase + 0x101, &v, 8));
    Block b;
    Builder B(b);
    B.insn_start(0x1000, 4);
    B.set(off_r(0), B.load<Type::I64>(B.c64(kRamBase + 0x101), memop(3)));
    B.store(B.c64(kRamBase + 0x203), B.c64(0xaabb'ccdd), memop(2));
    B.goto_(0x1004);
    interp::ExitInfo e = run(b, m);
    CHECK(e.reason == ExitReason::None);
    CHECK(m.st->r[0] == v);
    uint32_t w = 0;
    REQUIRE(m.map.read(kRamBase + 0x203, &w, 4));
    CHECK(w == 0xaabb'ccdd);
  }
  SECTION("a misaligned access that crosses a page works") {
    const uint64_t addr = kRamBase + mem::kPageSize - 3;  // 3 bytes on one page, 5 on the next
    const uint64_t v = 0x1122'3344'5566'7788;
    Block b;
    Builder B(b);
    B.insn_start(0x1000, 4);
    B.store(B.c64(addr), B.get<Type::I64>(off_r(0)), memop(3));
    B.set(off_r(1), B.load<Type::I64>(B.c64(addr), memop(3)));
    B.set(off_r(2), B.load<Type::I64>(B.c64(addr + 1), memop(2, true)));  // 2 + 2 bytes, signed
    B.goto_(0x1004);
    m.st->r[0] = v;
    interp::ExitInfo e = run(b, m);
    CHECK(e.reason == ExitReason::None);
    CHECK(m.st->r[1] == v);
    CHECK(m.st->r[2] == uint64_t(int64_t(int32_t(uint32_t(v >> 8)))));
    uint8_t raw[8];
    REQUIRE(m.map.read(addr, raw, 8));
    CHECK(std::memcmp(raw, &v, 8) == 0);
  }
  SECTION("a page-crossing store that faults on its second page writes nothing") {
    // tlb.cpp: "Check both pages before writing anything, so a fault leaves
    // memory untouched." The page after RAM is unmapped.
    const uint64_t addr = kRamBase + kRamSize - 4;
    const uint32_t before = 0x5555'5555;
    REQUIRE(m.map.write(addr, &before, 4));
    Block b;
    Builder B(b);
    B.insn_start(0x1000, 4);
    B.store(B.c64(addr), B.c64(~0ull), memop(3));
    B.goto_(0x1004);
    interp::ExitInfo e = run(b, m);
    CHECK(e.reason == ExitReason::Exception);
    CHECK(m.tr.fault_kind == mem::FaultKind::Access);
    uint32_t after = 0;
    REQUIRE(m.map.read(addr, &after, 4));
    CHECK(after == before);
  }
}

TEST_CASE("AMO kinds at 4 and 8 bytes", "[interp][mem][amo]") {
  struct Case {
    AmoKind k;
    const char* name;
  };
  const Case kinds[] = {{AmoKind::Swap, "swap"}, {AmoKind::Add, "add"},   {AmoKind::And, "and"},
                        {AmoKind::Or, "or"},     {AmoKind::Xor, "xor"},   {AmoKind::MinS, "mins"},
                        {AmoKind::MaxS, "maxs"}, {AmoKind::MinU, "minu"}, {AmoKind::MaxU, "maxu"}};
  // Pairs chosen so signed and unsigned orders disagree.
  const std::pair<uint64_t, uint64_t> pairs[] = {
      {5, 9}, {9, 5}, {0xffff'ffff'ffff'fffe, 3}, {3, 0xffff'ffff'ffff'fffe}, {0x8000'0000, 0x7fff'ffff}};
  for (unsigned lg : {2u, 3u})
    for (const Case& c : kinds)
      for (auto [oldv, opv] : pairs) {
        unsigned bits = 8u << lg;
        uint64_t m_ = eval::mask(bits);
        uint64_t o = oldv & m_, v = opv & m_;
        int64_t so = eval::sx(o, bits), sv = eval::sx(v, bits);
        uint64_t want_mem = 0;
        switch (c.k) {
          case AmoKind::Swap: want_mem = v; break;
          case AmoKind::Add: want_mem = o + v; break;
          case AmoKind::And: want_mem = o & v; break;
          case AmoKind::Or: want_mem = o | v; break;
          case AmoKind::Xor: want_mem = o ^ v; break;
          case AmoKind::MinS: want_mem = so < sv ? o : v; break;
          case AmoKind::MaxS: want_mem = so > sv ? o : v; break;
          case AmoKind::MinU: want_mem = o < v ? o : v; break;
          case AmoKind::MaxU: want_mem = o > v ? o : v; break;
        }
        want_mem &= m_;
        TestMachine m;
        const uint64_t addr = kRamBase + 0x300;
        const uint64_t fill = 0xdddd'dddd'dddd'dddd;
        REQUIRE(m.map.write(addr, &fill, 8));
        REQUIRE(m.map.write(addr, &o, 1u << lg));
        Block b;
        Builder B(b);
        B.insn_start(0x1000, 4);
        // r1 has junk above 32 bits for the 4-byte case; the frontend's trunc drops it.
        U64 opnd = B.get<Type::I64>(off_r(1));
        if (lg == 2) {
          U32 r = B.amo(c.k, B.c64(addr), B.trunc<Type::I32>(opnd), MemOp{2, false, true, 0});
          B.set(off_r(0), B.sext<Type::I64>(r));
        } else {
          B.set(off_r(0), B.amo(c.k, B.c64(addr), opnd, MemOp{3, false, true, 0}));
        }
        B.goto_(0x1004);
        m.st->r[1] = opv | (lg == 2 ? 0xabcd'0000'0000'0000 : 0);
        interp::ExitInfo e = run(b, m);
        INFO("amo" << c.name << (lg == 2 ? ".w" : ".d") << " old=" << hex(o) << " operand=" << hex(v));
        CHECK(e.reason == ExitReason::None);
        CHECK(m.st->r[0] == uint64_t(so));  // the old value, sign-extended
        uint64_t now = 0;
        REQUIRE(m.map.read(addr, &now, 8));
        CHECK((now & m_) == want_mem);
        CHECK((now & ~m_) == (fill & ~m_));  // a .w AMO leaves the next word alone
      }
}

TEST_CASE("an i64 AMO of 4 bytes returns the sign-extended old value", "[interp][mem][amo]") {
  TestMachine m;
  const uint64_t addr = kRamBase + 0x340;
  const uint32_t old = 0x8000'0001;
  REQUIRE(m.map.write(addr, &old, 4));
  Block b;
  Builder B(b);
  B.insn_start(0x1000, 4);
  B.set(off_r(0), B.amo(AmoKind::Add, B.c64(addr), B.c64(1), MemOp{2, true, true, 0}));
  B.goto_(0x1004);
  run(b, m);
  CHECK(m.st->r[0] == 0xffff'ffff'8000'0001);
  uint32_t now = 0;
  REQUIRE(m.map.read(addr, &now, 4));
  CHECK(now == 0x8000'0002);
}

TEST_CASE("a misaligned AMO faults as a store and writes nothing", "[interp][mem][amo]") {
  TestMachine m;
  const uint64_t addr = kRamBase + 0x382;
  uint64_t zero = 0;
  REQUIRE(m.map.write(kRamBase + 0x380, &zero, 8));
  Block b;
  Builder B(b);
  B.insn_start(0x1000, 4);
  B.insn_start(0x1004, 4);
  B.set(off_r(0), B.amo(AmoKind::Swap, B.c64(addr), B.c64(~0ull), MemOp{3, false, true, 0}));
  B.goto_(0x1008);
  interp::ExitInfo e = run(b, m);
  CHECK(e.reason == ExitReason::Exception);
  CHECK(e.next_pc == 0x1004);
  CHECK(e.insns == 1);
  CHECK(m.tr.fault_kind == mem::FaultKind::Misaligned);
  CHECK(m.tr.fault_type == mem::AccessType::Write);
  uint64_t now = 1;
  REQUIRE(m.map.read(kRamBase + 0x380, &now, 8));
  CHECK(now == 0);
}

// ---------------------------------------------------------------- helpers and exits

namespace {
uint64_t add3(void* env, uint64_t a, uint64_t b, uint64_t c) { return a + 2 * b + 3 * c; }
constexpr Helper kAdd3{"add3", add3, kPure, 3};
uint64_t fault_if(void* env, uint64_t a, uint64_t, uint64_t) {
  if (a) static_cast<cpu::StateHeader*>(env)->fault = 1;
  return 77;
}
constexpr Helper kFaultIf{"fault_if", fault_if, kMayFault | kWritesState, 1};
}  // namespace

TEST_CASE("helper calls pass their arguments and return a value", "[interp][call]") {
  TestMachine m;
  Block b;
  Builder B(b);
  B.insn_start(0x1000, 4);
  B.set(off_r(0), B.call(kAdd3, B.get<Type::I64>(off_r(1)), B.c64(10), B.c64(100)));
  B.goto_(0x1004);
  m.st->r[1] = 5;
  run(b, m);
  CHECK(m.st->r[0] == 5 + 20 + 300);
}

TEST_CASE("a may-fault helper that sets env->fault stops the block", "[interp][call][fault]") {
  for (bool faults : {false, true}) {
    TestMachine m;
    Block b;
    Builder B(b);
    B.insn_start(0x1000, 4);
    B.set(off_r(0), B.c64(1));
    B.insn_start(0x1004, 4);
    B.set(off_r(1), B.call(kFaultIf, B.c64(faults)));
    B.set(off_r(2), B.c64(3));
    B.insn_start(0x1008, 4);
    B.set(off_r(3), B.c64(4));
    B.goto_(0x100c);
    interp::ExitInfo e = run(b, m);
    INFO("faults: " << faults);
    if (faults) {
      CHECK(e.reason == ExitReason::Exception);
      CHECK(e.next_pc == 0x1004);
      CHECK(e.insns == 1);
      CHECK(m.st->r[0] == 1);
      CHECK(m.st->r[1] == 0);  // the result is not delivered
      CHECK(m.st->r[2] == 0);
      CHECK(m.st->r[3] == 0);
    } else {
      CHECK(e.reason == ExitReason::None);
      CHECK(e.next_pc == 0x100c);
      CHECK(e.insns == 3);
      CHECK(m.st->r[1] == 77);
      CHECK(m.st->r[3] == 4);
    }
  }
}

TEST_CASE("block exits", "[interp][exit]") {
  TestMachine m;
  SECTION("branch taken and not taken") {
    for (uint64_t x : {0ull, 1ull, 0x1'0000'0000ull}) {
      Block b;
      Builder B(b);
      B.insn_start(0x1000, 4);
      B.insn_start(0x1004, 4);
      B.branch(B.ne(B.get<Type::I64>(off_r(0)), B.c64(0)), 0x4000, 0x1008);
      m.st->r[0] = x;
      interp::ExitInfo e = run(b, m);
      CHECK(e.reason == ExitReason::None);
      CHECK(e.insns == 2);
      CHECK(e.next_pc == (x ? 0x4000u : 0x1008u));
      CHECK(e.exit_index == (x ? 0 : 1));
    }
  }
  SECTION("jump_indirect") {
    Block b;
    Builder B(b);
    B.insn_start(0x1000, 4);
    B.jump_indirect(B.and_(B.get<Type::I64>(off_r(0)), B.c64(~1ull)));
    m.st->r[0] = 0x8000'1235;
    interp::ExitInfo e = run(b, m);
    CHECK(e.reason == ExitReason::None);
    CHECK(e.next_pc == 0x8000'1234);
    CHECK(e.exit_index == 2);
    CHECK(e.insns == 1);
  }
  SECTION("exit with a reason and a computed next pc") {
    for (ExitReason r : {ExitReason::FlushCode, ExitReason::ModeChange, ExitReason::Wfi, ExitReason::Halt}) {
      Block b;
      Builder B(b);
      B.insn_start(0x1000, 4);
      B.exit(r, B.add(B.get<Type::I64>(off_r(0)), B.c64(4)));
      m.st->r[0] = 0x2000;
      interp::ExitInfo e = run(b, m);
      CHECK(e.reason == r);
      CHECK(e.next_pc == 0x2004);
      CHECK(e.insns == 1);
    }
  }
  SECTION("goto") {
    Block b;
    Builder B(b);
    B.insn_start(0x1000, 4);
    B.insn_start(0x1004, 4);
    B.insn_start(0x1008, 4);
    B.goto_(0x100c);
    interp::ExitInfo e = run(b, m);
    CHECK(e.reason == ExitReason::None);
    CHECK(e.next_pc == 0x100c);
    CHECK(e.insns == 3);
  }
}

// ---------------------------------------------------------------- operand forwarding (compile.cpp)

TEST_CASE("labels: a skipped region, and a block with two exits", "[interp][labels]") {
  // The x86 REP shape: if r1 == 0 skip; r1 -= 1; store r1 at 0x80000000; while
  // r1 != 0 leave to 0x1000 (this pc) else to 0x1004; the label goes to 0x1004.
  Block b;
  Builder B(b);
  B.insn_start(0x1000, 4);
  U64 r = B.get<Type::I64>(off_r(1));
  Builder::Label done = B.new_label();
  B.skip_if(B.eq(r, B.c64(0)), done);
  U64 r2 = B.sub(r, B.c64(1));
  B.set(off_r(1), r2);
  B.store(B.c64(kRamBase), r2, MemOp{3, false, false, 0});
  B.branch(B.ne(r2, B.c64(0)), 0x1000, 0x1004);
  B.place(done);
  B.goto_(0x1004);
  REQUIRE(verify(b) == "");
  struct Case {
    uint64_t r1, next_pc, r1_after;
    uint8_t exit_index;
    bool stored;
  };
  for (Case c : {Case{0, 0x1004, 0, 1, false}, Case{3, 0x1000, 2, 0, true}, Case{1, 0x1004, 0, 1, true}}) {
    TestMachine m;
    m.st->r[1] = c.r1;
    uint64_t* ram = reinterpret_cast<uint64_t*>(m.map.host_ptr(kRamBase, 8));
    *ram = 99;
    interp::ExitInfo e = run(b, m);
    INFO("r1 = " << c.r1);
    CHECK(e.reason == ExitReason::None);
    CHECK(e.next_pc == c.next_pc);
    CHECK(e.exit_index == c.exit_index);  // one link slot per target pc
    CHECK(e.insns == 1);
    CHECK(m.st->r[1] == c.r1_after);
    CHECK(*ram == (c.stored ? c.r1_after : 99));
  }
}

TEST_CASE("operand forwarding reads and writes guest fields in the right order", "[interp][forwarding]") {
  TestMachine m;
  m.st->r[1] = 41;
  m.st->r[2] = 1000;
  SECTION("v=Get x1; w=Add v,1; Set x1 w; u=Get x1; Set x2 u") {
    Block b;
    Builder B(b);
    B.insn_start(0x1000, 4);
    U64 v = B.get<Type::I64>(off_r(1));
    U64 w = B.add(v, B.c64(1));
    B.set(off_r(1), w);
    U64 u = B.get<Type::I64>(off_r(1));
    B.set(off_r(2), u);
    B.goto_(0x1004);
    run(b, m);
    CHECK(m.st->r[1] == 42);
    CHECK(m.st->r[2] == 42);
  }
  SECTION("v=Get x1; Set x1 (c); Set x2 v: the old x1, not the clobbered field") {
    Block b;
    Builder B(b);
    B.insn_start(0x1000, 4);
    U64 v = B.get<Type::I64>(off_r(1));
    B.set(off_r(1), B.c64(7));
    B.set(off_r(2), v);
    B.goto_(0x1004);
    run(b, m);
    CHECK(m.st->r[1] == 7);
    CHECK(m.st->r[2] == 41);
  }
  SECTION("swap x1 and x2 through two Gets") {
    Block b;
    Builder B(b);
    B.insn_start(0x1000, 4);
    U64 a = B.get<Type::I64>(off_r(1)), c = B.get<Type::I64>(off_r(2));
    B.set(off_r(1), c);
    B.set(off_r(2), a);
    B.goto_(0x1004);
    run(b, m);
    CHECK(m.st->r[1] == 1000);
    CHECK(m.st->r[2] == 41);
  }
  SECTION("a value computed into x1 while the old x1 is still needed") {
    Block b;
    Builder B(b);
    B.insn_start(0x1000, 4);
    U64 v = B.get<Type::I64>(off_r(1));
    B.set(off_r(1), B.mul(v, B.c64(2)));  // computed straight into x1
    B.set(off_r(2), B.add(v, B.c64(1)));  // must still see the old x1
    B.goto_(0x1004);
    run(b, m);
    CHECK(m.st->r[1] == 82);
    CHECK(m.st->r[2] == 42);
  }
  SECTION("a narrower Set into x1 clobbers a forwarded i64 Get") {
    Block b;
    Builder B(b);
    B.insn_start(0x1000, 4);
    U64 v = B.get<Type::I64>(off_r(1));
    B.set(off_r(1) + 4, B.c32(0xffff'ffff));
    B.set(off_r(2), v);
    B.goto_(0x1004);
    run(b, m);
    CHECK(m.st->r[1] == 0xffff'ffff'0000'0029);
    CHECK(m.st->r[2] == 41);
  }
  SECTION("a helper that writes state clobbers a forwarded Get") {
    Block b;
    Builder B(b);
    B.insn_start(0x1000, 4);
    U64 v = B.get<Type::I64>(off_r(1));
    B.call(kWritesHelper, B.c64(5));  // r1 = r1 * 3 + 5
    B.set(off_r(2), v);
    B.goto_(0x1004);
    run(b, m);
    CHECK(m.st->r[1] == 41 * 3 + 5);
    CHECK(m.st->r[2] == 41);
  }
  SECTION("a load computed into x1 that faults leaves x1 alone") {
    Block b;
    Builder B(b);
    B.insn_start(0x1000, 4);
    B.set(off_r(1), B.load<Type::I64>(B.c64(0x10), memop(3)));
    B.goto_(0x1004);
    interp::ExitInfo e = run(b, m);
    CHECK(e.reason == ExitReason::Exception);
    CHECK(m.st->r[1] == 41);
  }
}

TEST_CASE("interpreter agrees with a reference evaluator on random blocks", "[interp][random]") {
  // ir_gen.h's random blocks stress slot reuse and forwarding: Gets and Sets of
  // overlapping pieces of r0..r5, read-modify-writes, state-writing helpers.
  std::mt19937_64 rng(7);
  // One pair of machines for every iteration: a TestMachine's state holds the
  // softTLB (megabytes to zero), and making 6000 of them was most of this
  // test's time (over 10 minutes under ASan on a loaded 2-core machine).
  TestMachine mi, mr;
  for (int iter = 0; iter < 3000; iter++) {
    Block b = random_block(rng);
    REQUIRE(verify(b) == "");
    for (unsigned i = 0; i < 8; i++) mi.st->r[i] = mr.st->r[i] = rng();
    auto code = interp::compile(b);
    REQUIRE(code);
    interp::ExitInfo ei = interp::run(*code, mi.st.get());
    RefExit er = reference_run(b, mr.st.get());
    INFO("iteration " << iter << "\n" << print(b));
    CHECK(ei.reason == er.reason);
    CHECK(ei.next_pc == er.next_pc);
    CHECK(ei.exit_index == er.exit_index);
    CHECK(ei.insns == er.insns);
    for (unsigned i = 0; i < 8; i++) {
      INFO("r" << i);
      CHECK(mi.st->r[i] == mr.st->r[i]);
    }
  }
}

TEST_CASE("compile refuses a block needing more temporaries than scratch holds", "[interp][limits]") {
  // n i32 Gets (never read in place: only i64 Gets are) all live until a final
  // chain of adds consumes them.
  auto block_with_live_values = [](unsigned n) {
    Block b;
    start(b);
    std::vector<ValueId> vals;
    for (unsigned i = 0; i < n; i++) vals.push_back(emit(b, Op::Get, Type::I32, {}, off_r(i % 8)));
    ValueId sum = vals[0];
    for (unsigned i = 1; i < n; i++) sum = emit(b, Op::Add, Type::I32, {sum, vals[i]});
    emit(b, Op::Set, Type::Void, {sum}, off_r(0));
    end(b);
    return b;
  };
  Block small = block_with_live_values(cpu::kScratchSlots / 2);
  REQUIRE(verify(small) == "");
  CHECK(interp::compile(small) != nullptr);
  Block big = block_with_live_values(cpu::kScratchSlots + 8);
  REQUIRE(verify(big) == "");
  CHECK(interp::compile(big) == nullptr);
}

// The x86 frontend: the opcode map (every row parses, no two rows overlap),
// decoding (lengths, prefixes, immediates), and the lazy flags: for every ALU
// operation at 8 and 16 bits over edge values, the six flags as the block's IR
// readers compute them, as the materializing reference (flags.h) computes
// them, and as this test computes them independently must agree, and so must
// the sixteen Jcc conditions. Also: a flag store overwritten later in the
// block is dropped by the existing forward_state pass.
#include <catch2/catch.hpp>

#include <memory>
#include <new>

#include "cpu/x86/cpuid.h"
#include "cpu/x86/decode.h"
#include "cpu/x86/flags.h"
#include "cpu/x86/translate.h"
#include "interp/interp.h"
#include "ir/passes/passes.h"

using namespace kiln;
using namespace kiln::x86;

TEST_CASE("x86 opcode map: every row parses and has semantics", "[x86]") {
  for (const OpcodeRow& r : opcode_map()) {
    OperandSpec ops[3];
    INFO(r.mnemonic << " " << r.operands);
    CHECK(parse_operands(r.operands, ops));
    CHECK(r.fn != nullptr);
  }
}

TEST_CASE("x86 opcode map: no two rows overlap (rows with different mandatory prefixes do not)", "[x86]") {
  const auto& rows = opcode_map();
  for (Model m : {Model::I8086, Model::I286}) {
    auto valid = [&](const OpcodeRow& r) {
      return !((r.flags & kOnly86) && m != Model::I8086) && !((r.flags & kFrom186) && m == Model::I8086);
    };
    for (size_t i = 0; i < rows.size(); i++) {
      for (size_t j = i + 1; j < rows.size(); j++) {
        const OpcodeRow &a = rows[i], &b = rows[j];
        if (a.opcode != b.opcode || !valid(a) || !valid(b)) continue;
        INFO(std::hex << a.opcode << ": " << a.mnemonic << " " << a.operands << " / " << b.mnemonic << " " << b.operands);
        const bool other_prefix = a.prefix != kPfxAny && b.prefix != kPfxAny && a.prefix != b.prefix;
        CHECK((other_prefix || (a.reg >= 0 && b.reg >= 0 && a.reg != b.reg)));
      }
    }
  }
}

TEST_CASE("x86 decode: lengths, prefixes and immediates", "[x86]") {
  Insn in;
  const uint8_t add[] = {0x00, 0xD8};
  REQUIRE(decode(Model::I8086, CodeSize::Real16, add, sizeof add, &in));
  CHECK(in.len == 2);
  CHECK(std::string(in.row->mnemonic) == "ADD");
  CHECK(in.mod == 3);
  CHECK(in.reg == BX);
  const uint8_t movs[] = {0x26, 0xF3, 0xA4};
  REQUIRE(decode(Model::I8086, CodeSize::Real16, movs, sizeof movs, &in));
  CHECK(in.len == 3);
  CHECK(in.seg_override == ES);
  CHECK(in.rep == 0xF3);
  const uint8_t lock[] = {0xF0, 0x00, 0x07};
  REQUIRE(decode(Model::I286, CodeSize::Real16, lock, sizeof lock, &in));
  CHECK(in.len == 3);
  CHECK(in.lock);
  const uint8_t imm[] = {0x81, 0xC3, 0x34, 0x12};
  REQUIRE(decode(Model::I8086, CodeSize::Real16, imm, sizeof imm, &in));
  CHECK(in.imm == 0x1234);
  CHECK(std::string(in.row->mnemonic) == "ADD");
  const uint8_t callf[] = {0x9A, 0x78, 0x56, 0x34, 0x12};
  REQUIRE(decode(Model::I8086, CodeSize::Real16, callf, sizeof callf, &in));
  CHECK(in.imm == 0x5678);
  CHECK(in.imm2 == 0x1234);
  const uint8_t enter[] = {0xC8, 0x10, 0x00, 0x02};
  REQUIRE(decode(Model::I8086, CodeSize::Real16, enter, sizeof enter, &in));  // the 8086's alias of CA: RETF Iw
  CHECK(std::string(in.row->mnemonic) == "RETF");
  CHECK(in.len == 3);
  REQUIRE(decode(Model::I286, CodeSize::Real16, enter, sizeof enter, &in));
  CHECK(in.imm == 0x10);
  CHECK(in.imm2 == 2);
  // More 8086 aliases: 60-6F are Jcc, 0F is POP CS, F1 is a LOCK prefix.
  const uint8_t jo[] = {0x60, 0x05};
  REQUIRE(decode(Model::I8086, CodeSize::Real16, jo, sizeof jo, &in));
  CHECK(std::string(in.row->mnemonic) == "Jcc");
  CHECK(in.len == 2);
  const uint8_t pop_cs[] = {0x2E, 0x0F, 0x00, 0x00};
  REQUIRE(decode(Model::I8086, CodeSize::Real16, pop_cs, sizeof pop_cs, &in));
  CHECK(std::string(in.row->mnemonic) == "POP");
  CHECK(in.len == 2);
  const uint8_t f1[] = {0xF1, 0x00, 0xD8};
  REQUIRE(decode(Model::I8086, CodeSize::Real16, f1, sizeof f1, &in));
  CHECK(in.len == 3);
  CHECK(in.lock);
  const uint8_t test_alias[] = {0xF6, 0xC8, 0x12};  // F6 /1: TEST Eb,Ib on both
  REQUIRE(decode(Model::I286, CodeSize::Real16, test_alias, sizeof test_alias, &in));
  CHECK(std::string(in.row->mnemonic) == "TEST");
  CHECK(in.len == 3);
  const uint8_t opsize[] = {0x66, 0x01, 0xD8};  // the 386's operand-size prefix: #UD on the 286, JNZ... on the 8086
  CHECK(!decode(Model::I286, CodeSize::Real16, opsize, sizeof opsize, &in));
  REQUIRE(decode(Model::I8086, CodeSize::Real16, opsize, sizeof opsize, &in));
  CHECK(std::string(in.row->mnemonic) == "Jcc");
  CHECK(in.len == 2);
  const uint8_t lea_reg[] = {0x8D, 0xC0};
  CHECK(!decode(Model::I286, CodeSize::Real16, lea_reg, sizeof lea_reg, &in));  // M operand with a register
}

TEST_CASE("x86 decode: 32/64-bit sizes, REX, SIB, LOCK legality, the 8086/286 escapes and MOV CS", "[x86]") {
  Insn in;
  // 66 in 32-bit code: 16-bit operands; 67: 16-bit addresses.
  const uint8_t add16[] = {0x66, 0x01, 0xD8};
  REQUIRE(decode(Model::I386, CodeSize::Prot32, add16, sizeof add16, &in));
  CHECK(in.opsize == 16);
  CHECK(in.addrsize == 32);
  // REX.W + SIB: add rax, [r12 + r13*8 + 0x10]
  const uint8_t rex[] = {0x4B, 0x03, 0x44, 0xEC, 0x10};
  REQUIRE(decode(Model::X64, CodeSize::Long64, rex, sizeof rex, &in));
  CHECK(in.opsize == 64);
  CHECK(in.addrsize == 64);
  CHECK(in.has_sib);
  CHECK(in.base == 12);
  CHECK(in.index == 13);
  CHECK(in.scale == 3);
  CHECK(in.disp == 0x10);
  // PUSH is 64-bit by default in 64-bit mode; 66 makes it 16.
  const uint8_t push[] = {0x50};
  REQUIRE(decode(Model::X64, CodeSize::Long64, push, sizeof push, &in));
  CHECK(in.opsize == 64);
  // Iz: a 32-bit immediate sign-extended to 64 bits (add rax, -1).
  const uint8_t addimm[] = {0x48, 0x05, 0xFF, 0xFF, 0xFF, 0xFF};
  REQUIRE(decode(Model::X64, CodeSize::Long64, addimm, sizeof addimm, &in));
  CHECK(in.imm == ~0ull);
  // LOCK from the 386 on: a memory destination of a lockable row only, else #UD; the 286 ignores it.
  const uint8_t lock_mem[] = {0xF0, 0x01, 0x00}, lock_reg[] = {0xF0, 0x01, 0xC0}, lock_mov[] = {0xF0, 0x89, 0x00};
  CHECK(decode(Model::I386, CodeSize::Prot32, lock_mem, sizeof lock_mem, &in));
  CHECK(!decode(Model::I386, CodeSize::Prot32, lock_reg, sizeof lock_reg, &in));
  CHECK(!decode(Model::X64, CodeSize::Long64, lock_mov, sizeof lock_mov, &in));
  CHECK(decode(Model::I286, CodeSize::Real16, lock_reg, sizeof lock_reg, &in));
  // Before the 386 every D8-DF form is an escape, including those x87s never defined.
  const uint8_t esc[] = {0xD9, 0x08}, esc_reg[] = {0xDA, 0xE0};
  REQUIRE(decode(Model::I286, CodeSize::Real16, esc, sizeof esc, &in));
  CHECK(std::string(in.row->mnemonic) == "ESC");
  CHECK(in.opcode == 0xD9);
  CHECK(in.len == 2);
  REQUIRE(decode(Model::I8086, CodeSize::Real16, esc_reg, sizeof esc_reg, &in));
  CHECK(in.len == 2);
  // The 8086's MOV CS,Ew (8E /1, and its alias 8E /5).
  const uint8_t mov_cs[] = {0x8E, 0xC8}, mov_cs_alias[] = {0x8E, 0xE8};
  REQUIRE(decode(Model::I8086, CodeSize::Real16, mov_cs, sizeof mov_cs, &in));
  CHECK(in.reg == CS);
  REQUIRE(decode(Model::I8086, CodeSize::Real16, mov_cs_alias, sizeof mov_cs_alias, &in));
  CHECK(in.reg == CS);
}

namespace {
struct StateDeleter {
  void operator()(X86State* p) const {
    p->~X86State();
    ::operator delete(p, std::align_val_t(64));
  }
};
std::unique_ptr<X86State, StateDeleter> new_state() {
  return std::unique_ptr<X86State, StateDeleter>(new (::operator new(sizeof(X86State), std::align_val_t(64))) X86State());
}

constexpr uint32_t kFlagBits[6] = {fl::CF, fl::PF, fl::AF, fl::ZF, fl::SF, fl::OF};

// Independent flags of `op` (ADD..NEG, MUL, IMUL) on a, b with carry in `cin`, at `w` bits.
uint32_t expected_flags(const std::string& op, unsigned w, uint64_t a, uint64_t b, bool cin, uint64_t* result) {
  const uint64_t mask = (1ull << w) - 1;
  auto sx = [&](uint64_t v) { return int64_t(v << (64 - w)) >> (64 - w); };
  const int64_t smin = -(int64_t(1) << (w - 1)), smax = (int64_t(1) << (w - 1)) - 1;
  uint64_t r = 0;
  bool cf = false, of = false, af = false;
  if (op == "ADD" || op == "ADC" || op == "INC") {
    uint64_t c = op == "ADC" ? cin : 0, x = op == "INC" ? 1 : b;
    r = (a + x + c) & mask;
    cf = op == "INC" ? cin : (a + x + c) > mask;
    int64_t s = sx(a) + sx(x) + int64_t(c);
    of = s < smin || s > smax;
    af = (a & 15) + (x & 15) + c > 15;
  } else if (op == "SUB" || op == "SBB" || op == "CMP" || op == "DEC" || op == "NEG") {
    uint64_t c = op == "SBB" ? cin : 0, x = op == "DEC" ? 1 : b, y = a;
    if (op == "NEG") x = a, y = 0;
    r = (y - x - c) & mask;
    cf = op == "DEC" ? cin : y < x + c;
    int64_t s = sx(y) - sx(x) - int64_t(c);
    of = s < smin || s > smax;
    af = (y & 15) < (x & 15) + c;
  } else if (op == "MUL" || op == "IMUL") {  // AL/AX times BL/BX: CF = OF = the high half is needed
    if (op == "MUL") {
      cf = of = (a * b) > mask;
      r = (a * b) & mask;
    } else {
      int64_t p = sx(a) * sx(b);
      cf = of = p < smin || p > smax;
      r = uint64_t(p) & mask;
    }
  } else {
    r = (op == "AND" ? a & b : op == "OR" ? a | b : a ^ b) & mask;
  }
  *result = r;
  uint32_t f = 0;
  if (cf) f |= fl::CF;
  if (of) f |= fl::OF;
  if (af) f |= fl::AF;
  if (r == 0) f |= fl::ZF;
  if ((r >> (w - 1)) & 1) f |= fl::SF;
  if ((__builtin_popcountll(r & 0xff) & 1) == 0) f |= fl::PF;
  return f;
}

bool expected_cond(unsigned cc, uint32_t f) {
  bool c = f & fl::CF, z = f & fl::ZF, s = f & fl::SF, o = f & fl::OF, p = f & fl::PF;
  bool v[8] = {o, c, z, c || z, s, p, s != o, z || (s != o)};
  return v[cc >> 1] != bool(cc & 1);
}

// Translates `bytes` (one instruction on AL/BL or AX/BX), then stores every
// flag and every condition as the block's IR computes them.
ir::Block flags_block(const std::vector<uint8_t>& bytes, Model model) {
  ir::Block blk;
  ir::Builder b(blk);
  Insn in;
  REQUIRE(decode(model, CodeSize::Real16, bytes.data(), bytes.size(), &in));
  BlockFlags bf;
  const TransMode tm = TransMode::real(model);
    Ctx c{b, in, tm, 0, bf};
  b.insn_start(0, in.len);
  REQUIRE(in.row->fn(c));
  U64 fl = b.c64(0), cond = b.c64(0);
  for (unsigned i = 0; i < 6; i++) fl = b.or_(fl, b.shl(b.zext<T::I64>(c.flag(kFlagBits[i])), b.c64(i)));
  for (unsigned cc = 0; cc < 16; cc++) cond = b.or_(cond, b.shl(b.zext<T::I64>(c.cond(cc)), b.c64(cc)));
  b.set(off_gpr(8), fl);
  b.set(off_gpr(9), cond);
  b.goto_(0x100);
  REQUIRE(ir::verify(blk) == "");
  return blk;
}
}  // namespace

TEST_CASE("x86 lazy flags: IR readers, the reference and an independent model agree", "[x86]") {
  struct Case {
    const char* op;
    std::vector<uint8_t> b8, b16;  // "op al,bl" / "op ax,bx" (one operand: al / ax)
  };
  const Case cases[] = {
      {"ADD", {0x00, 0xD8}, {0x01, 0xD8}}, {"ADC", {0x10, 0xD8}, {0x11, 0xD8}}, {"SUB", {0x28, 0xD8}, {0x29, 0xD8}},
      {"SBB", {0x18, 0xD8}, {0x19, 0xD8}}, {"CMP", {0x38, 0xD8}, {0x39, 0xD8}}, {"AND", {0x20, 0xD8}, {0x21, 0xD8}},
      {"OR", {0x08, 0xD8}, {0x09, 0xD8}},  {"XOR", {0x30, 0xD8}, {0x31, 0xD8}}, {"INC", {0xFE, 0xC0}, {0xFF, 0xC0}},
      {"DEC", {0xFE, 0xC8}, {0xFF, 0xC8}}, {"NEG", {0xF6, 0xD8}, {0xF7, 0xD8}},
      {"MUL", {0xF6, 0xE3}, {0xF7, 0xE3}}, {"IMUL", {0xF6, 0xEB}, {0xF7, 0xEB}},
  };
  auto st = new_state();
  for (const Case& k : cases) {
   const bool mul = std::string(k.op) == "MUL" || std::string(k.op) == "IMUL";
   for (Model model : {Model::I286, Model::I386}) {  // (a 386 multiply clears ZF: the lazy kind Mul)
    if (model == Model::I386 && !mul) continue;
    st->model = model;
    for (unsigned w : {8u, 16u}) {
      auto code = interp::compile(flags_block(w == 8 ? k.b8 : k.b16, model));
      REQUIRE(code);
      const uint64_t top = w == 8 ? 0x80 : 0x8000, mask = (top << 1) - 1;
      const uint64_t edges[] = {0, 1, 2, 0x07, 0x08, 0x0F, 0x10, 0x55 & mask, 0xA5A5 & mask, top - 1, top, top + 1, mask - 1, mask};
      for (uint64_t a : edges) {
        for (uint64_t x : edges) {
          for (bool cin : {false, true}) {
            st->gpr[AX] = a;
            st->gpr[BX] = x;
            write_flags(*st, cin ? fl::CF : 0);
            interp::run(*code, st.get());
            uint64_t r;
            uint32_t want = expected_flags(k.op, w, a, x, cin, &r);
            if (model == Model::I386) want &= ~fl::ZF;
            INFO(k.op << w << " a=" << a << " b=" << x << " cin=" << cin << " 386 " << (model == Model::I386));
            if (std::string(k.op) != "CMP") CHECK((st->gpr[AX] & mask) == r);
            CHECK(arith_flags(*st) == want);
            uint32_t ir_flags = 0;
            for (unsigned i = 0; i < 6; i++)
              if ((st->gpr[8] >> i) & 1) ir_flags |= kFlagBits[i];
            CHECK(ir_flags == want);
            for (unsigned cc = 0; cc < 16; cc++) {
              INFO("cc " << cc);
              CHECK(bool((st->gpr[9] >> cc) & 1) == expected_cond(cc, want));
            }
          }
        }
      }
    }
   }
  }
}

TEST_CASE("x86 lazy flags: a flag store overwritten in the block is dropped", "[x86]") {
  ir::Block blk;
  ir::Builder b(blk);
  BlockFlags bf;
  for (std::vector<uint8_t> bytes : {std::vector<uint8_t>{0x00, 0xD8}, std::vector<uint8_t>{0x38, 0xD8}}) {  // add al,bl; cmp al,bl
    Insn in;
    REQUIRE(decode(Model::I286, CodeSize::Real16, bytes.data(), bytes.size(), &in));
    const TransMode tm = TransMode::real(Model::I286);
    Ctx c{b, in, tm, 0, bf};
    b.insn_start(0, 2);
    REQUIRE(in.row->fn(c));
  }
  b.goto_(4);
  auto stores_to = [&](size_t off) {
    unsigned n = 0;
    for (const ir::Inst& i : blk.insts) n += i.op == ir::Op::Set && i.imm == off;
    return n;
  };
  REQUIRE(stores_to(offsetof(X86State, cc_dst)) == 2);
  REQUIRE(ir::run_passes(blk, true) == "");
  CHECK(stores_to(offsetof(X86State, cc_dst)) == 1);
  CHECK(stores_to(offsetof(X86State, cc_op)) == 1);
}

TEST_CASE("x86 lazy flags: cmp; jcc is one compare of the operands", "[x86]") {
  // cmp ax,bx; jb / jl / jbe / je: the branch condition is the compare itself, no flag arithmetic.
  struct Case {
    uint8_t jcc;
    ir::Op op;
  };
  for (Case k : {Case{0x72, ir::Op::CmpLtU}, Case{0x7C, ir::Op::CmpLtS}, Case{0x76, ir::Op::CmpGeU},
                 Case{0x74, ir::Op::CmpEq}, Case{0x7F, ir::Op::CmpLtS}}) {
    ir::Block blk;
    ir::Builder b(blk);
    BlockFlags bf;
    uint16_t ip = 0;
    for (std::vector<uint8_t> bytes : {std::vector<uint8_t>{0x39, 0xD8}, std::vector<uint8_t>{k.jcc, 0x10}}) {
      Insn in;
      REQUIRE(decode(Model::I286, CodeSize::Real16, bytes.data(), bytes.size(), &in));
      const TransMode tm = TransMode::real(Model::I286);
    Ctx c{b, in, tm, ip, bf};
      b.insn_start(ip, in.len);
      REQUIRE(in.row->fn(c));
      ip += uint16_t(in.len);
    }
    REQUIRE(ir::run_passes(blk, true) == "");
    INFO(ir::print(blk));
    const ir::Inst& br = blk.insts.back();
    REQUIRE(br.op == ir::Op::Branch);
    const ir::Inst& cond = blk[br.a[0]];
    CHECK(cond.op == k.op);
    // The operands are the registers (16-bit parts of their 64-bit slots).
    for (unsigned k2 = 0; k2 < 2; k2++) {
      const ir::Inst& operand = blk[cond.a[k2]];
      CHECK(operand.op == ir::Op::Trunc);
      CHECK(blk[operand.a[0]].op == ir::Op::Get);
    }
    unsigned arith = 0;  // nothing else computed: the Sub for cc_dst, the zero-extensions for the Sets
    for (const ir::Inst& i : blk.insts)
      arith += i.op == ir::Op::Xor || i.op == ir::Op::And || i.op == ir::Op::Or || i.op == ir::Op::Popcnt || i.op == ir::Op::Call;
    CHECK(arith == 0);
  }
}

TEST_CASE("x86 decode: MOVBE on -cpu max only, memory forms only, not with F2", "[x86]") {
  Insn in;
  const uint8_t load[] = {0x0F, 0x38, 0xF0, 0x03};        // movbe eax, [rbx]
  const uint8_t store16[] = {0x66, 0x0F, 0x38, 0xF1, 0x03};  // movbe [rbx], ax
  const uint8_t store64[] = {0x48, 0x0F, 0x38, 0xF1, 0x03};  // movbe [rbx], rax
  REQUIRE(decode(Model::Max, CodeSize::Long64, load, sizeof load, &in));
  CHECK(std::string(in.row->mnemonic) == "MOVBE");
  CHECK(in.opsize == 32);
  REQUIRE(decode(Model::Max, CodeSize::Long64, store16, sizeof store16, &in));
  CHECK(in.opsize == 16);
  REQUIRE(decode(Model::Max, CodeSize::Long64, store64, sizeof store64, &in));
  CHECK(in.opsize == 64);
  REQUIRE(decode(Model::Max, CodeSize::Prot32, load, sizeof load, &in));
  CHECK(!decode(Model::X64, CodeSize::Long64, load, sizeof load, &in));  // qemu64 has no MOVBE
  const uint8_t reg_form[] = {0x0F, 0x38, 0xF0, 0xC3};
  CHECK(!decode(Model::Max, CodeSize::Long64, reg_form, sizeof reg_form, &in));
  const uint8_t crc32[] = {0xF2, 0x0F, 0x38, 0xF0, 0x03};  // CRC32 (SSE4.2): not implemented
  CHECK(!decode(Model::Max, CodeSize::Long64, crc32, sizeof crc32, &in));
  const uint8_t f3[] = {0xF3, 0x0F, 0x38, 0xF0, 0x03};
  CHECK(!decode(Model::Max, CodeSize::Long64, f3, sizeof f3, &in));
  // CPUID.1:ECX.MOVBE (bit 22) says the same; PGE (EDX bit 13) from the Pentium III on.
  CHECK((cpuid(Model::Max, 1, 0).ecx >> 22 & 1) == 1);
  CHECK((cpuid(Model::X64, 1, 0).ecx >> 22 & 1) == 0);
  CHECK((cpuid(Model::Pentium3, 1, 0).edx >> 13 & 1) == 1);
  CHECK((cpuid(Model::Pentium, 1, 0).edx >> 13 & 1) == 0);
  CHECK(cpuid(Model::Max, 1, 0).eax == cpuid(Model::X64, 1, 0).eax);
}

TEST_CASE("x86 -cpu flags: QEMU's spellings, its precedence, and one error line for what Kiln lacks", "[x86]") {
  auto flags = [](Model m, const char* f) { return apply_cpu_flags(m, "m", f); };
  auto has = [&](Model m, const char* f, Feature x) {
    Result<Features> r = flags(m, f);
    REQUIRE(r.ok());
    return r->has(x);
  };
  CHECK(flags(Model::X64, "").value() == model_features(Model::X64));
  CHECK(!has(Model::Pentium3, "-sse", Feature::Sse));
  CHECK(has(Model::Pentium3, "-sse", Feature::Mmx));
  CHECK(!has(Model::Pentium3, "sse=off", Feature::Sse));
  CHECK(!has(Model::Pentium3, "sse=no", Feature::Sse));
  CHECK(has(Model::X64, "+movbe", Feature::Movbe));
  CHECK(has(Model::X64, "movbe", Feature::Movbe));  // a bare name is =on
  CHECK(has(Model::X64, "movbe=on", Feature::Movbe));
  CHECK(!has(Model::X64, "-popcnt", Feature::Popcnt));
  CHECK(!has(Model::X64, "-sse3", Feature::Pni));  // aliases: sse3 = pni, lzcnt = abm, xd = nx, i64 = lm
  CHECK(!has(Model::X64, "-lzcnt", Feature::Abm));
  CHECK(!has(Model::X64, "-xd", Feature::Nx));
  // QEMU's order: feat=on|off in turn, then +feat, then -feat.
  CHECK(!has(Model::X64, "-popcnt,+popcnt", Feature::Popcnt));
  CHECK(has(Model::X64, "popcnt=off,+popcnt", Feature::Popcnt));
  CHECK(!has(Model::X64, "popcnt=on,popcnt=off", Feature::Popcnt));
  CHECK(has(Model::X64, "-avx", Feature::Sse2));  // a QEMU feature Kiln lacks: removing it changes nothing
  CHECK(flags(Model::X64, "-avx").value() == model_features(Model::X64));
  CHECK(!has(Model::Max, "-apic", Feature::X2apic));  // no APIC, so no x2APIC
  CHECK(has(Model::I486, "+tsc", Feature::Tsc));
  auto error = [&](Model m, const char* f) {
    Result<Features> r = flags(m, f);
    REQUIRE(!r.ok());
    return r.error();
  };
  CHECK(error(Model::X64, "+avx") == "-cpu m: CPU feature 'avx' is not implemented by Kiln");
  CHECK(error(Model::X64, "avx=on") == "-cpu m: CPU feature 'avx' is not implemented by Kiln");
  CHECK(error(Model::X64, "-bogus") == "-cpu m: unknown CPU feature or property 'bogus'");
  CHECK(error(Model::X64, "vendor=AuthenticAMD") == "-cpu m: unknown CPU feature or property 'vendor'");
  CHECK(error(Model::X64, "+") == "-cpu m: empty CPU feature name");
  CHECK(error(Model::X64, "sse=2") == "-cpu m: 'sse=2': on or off expected");
  CHECK(error(Model::Pentium3, "+lm") == "-cpu m: CPU feature 'lm' needs an x86-64 model (qemu64 or max)");
  CHECK(error(Model::I386, "-fpu") == "-cpu m: no CPUID, so no CPU features to change (486 and later have them)");
  CHECK(error(Model::X64, "-apic,+x2apic") == "-cpu m: x2apic needs apic");
}

TEST_CASE("x86 -cpu flags reach CPUID and the decoder", "[x86]") {
  Features p3 = apply_cpu_flags(Model::Pentium3, "pentium3", "-sse").value();
  CHECK((cpuid(Model::Pentium3, p3, 1, 0).edx >> 25 & 1) == 0);
  CHECK((cpuid(Model::Pentium3, p3, 1, 0).edx >> 23 & 1) == 1);  // MMX stays
  Insn in;
  const uint8_t xorps[] = {0x0F, 0x57, 0xC0};      // xorps xmm0, xmm0
  const uint8_t pminub[] = {0x0F, 0xDA, 0xC1};     // pminub mm0, mm1: an SSE addition to MMX
  const uint8_t paddb[] = {0x0F, 0xFC, 0xC1};      // paddb mm0, mm1: MMX
  const uint8_t popcnt[] = {0xF3, 0x0F, 0xB8, 0xC3};
  CHECK(decode(Model::Pentium3, CodeSize::Prot32, xorps, sizeof xorps, &in));
  CHECK(!decode(Model::Pentium3, p3, CodeSize::Prot32, xorps, sizeof xorps, &in));
  CHECK(!decode(Model::Pentium3, p3, CodeSize::Prot32, pminub, sizeof pminub, &in));
  CHECK(decode(Model::Pentium3, p3, CodeSize::Prot32, paddb, sizeof paddb, &in));
  const Features q = apply_cpu_flags(Model::X64, "qemu64", "-popcnt,-nx").value();
  CHECK(!decode(Model::X64, q, CodeSize::Long64, popcnt, sizeof popcnt, &in));
  CHECK(decode(Model::X64, CodeSize::Long64, popcnt, sizeof popcnt, &in));
  CHECK((cpuid(Model::X64, q, 1, 0).ecx >> 23 & 1) == 0);
  CHECK((cpuid(Model::X64, q, 0x80000001, 0).edx >> 20 & 1) == 0);
  CHECK((cpuid(Model::X64, 0x80000001, 0).edx >> 20 & 1) == 1);
}

TEST_CASE("x86 CPUID leaf 0xB: the x2APIC topology where the CPU has x2APIC", "[x86]") {
  const Features max = model_features(Model::Max);
  CHECK(cpuid(Model::Max, max, 0, 0, 1).eax == 0xb);
  CHECK(cpuid(Model::X64, 0, 0).eax == 2);
  CHECK(cpuid(Model::Pentium, 0, 0).eax == 1);
  const CpuidResult smt = cpuid(Model::Max, max, 0xb, 0, 3), core = cpuid(Model::Max, max, 0xb, 1, 3),
                    past = cpuid(Model::Max, max, 0xb, 2, 3);
  CHECK((smt.eax == 0 && smt.ebx == 1 && smt.ecx == 0x100 && smt.edx == 3));
  CHECK((core.eax == 0 && core.ebx == 1 && core.ecx == 0x201 && core.edx == 3));
  CHECK((past.eax == 0 && past.ebx == 0 && past.ecx == 2 && past.edx == 3));
  CHECK(cpuid(Model::Max, max, 1, 0, 3).ebx == (3u << 24 | 8u << 8));  // initial APIC ID, CLFLUSH size, no count
  // Past the highest basic leaf: the highest one's data (Intel).
  CHECK(cpuid(Model::Max, max, 0x20, 1, 3).ecx == 0x201);
}

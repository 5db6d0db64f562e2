// The RV64GC decode table (cpu/riscv/decode/rv64gc.inc) and decode(): the
// table's ordering rule, its rows' internal consistency, that the bucketed
// decode() finds what a plain first-match scan of the table finds, and field
// extraction for a few encodings checked against riscv64-unknown-elf-as.
#include <catch2/catch.hpp>

#include <random>
#include <string>

#include "cpu/riscv/decode.h"
#include "cpu/riscv/disasm.h"
#include "ir/builder.h"

using namespace kiln;
using namespace kiln::riscv;

namespace {

bool is_strict_superset(uint32_t a, uint32_t b) { return (a & b) == b && a != b; }

// First matching row by a linear scan: the meaning of "rows are tried in order".
const DecodeEntry* scan(uint32_t raw) {
  bool compressed = (raw & 3) != 3;
  if (compressed) raw &= 0xffff;
  for (const DecodeEntry& e : decode_table())
    if (e.compressed == compressed && (raw & e.mask) == e.match) return &e;
  return nullptr;
}

const DecodeEntry* dec(uint32_t raw, Args* a) { return decode(raw, a); }

}  // namespace

TEST_CASE("decode table: an earlier overlapping row is strictly more specific", "[riscv][decode]") {
  auto t = decode_table();
  REQUIRE(t.size() > 150);
  unsigned overlaps = 0;
  for (size_t i = 0; i < t.size(); i++)
    for (size_t j = i + 1; j < t.size(); j++) {
      const DecodeEntry &e1 = t[i], &e2 = t[j];
      if (e1.compressed != e2.compressed) continue;  // different widths never compete
      bool both_can_match = ((e1.mask & e2.mask) & (e1.match ^ e2.match)) == 0;
      if (!both_can_match) continue;
      overlaps++;
      INFO(e1.name << " (row " << i << ") overlaps later " << e2.name << " (row " << j << ")");
      CHECK(is_strict_superset(e1.mask, e2.mask));
    }
  CHECK(overlaps >= 5);  // c.jr/c.mv, c.ebreak/c.jalr/c.add, c.addi16sp/c.lui at least
}

TEST_CASE("decode table rows are self-consistent", "[riscv][decode]") {
  for (const DecodeEntry& e : decode_table()) {
    INFO(e.name);
    CHECK((e.match & ~e.mask) == 0);  // no fixed bit outside the mask
    if (e.compressed) {
      CHECK((e.mask >> 16) == 0);
      CHECK((e.mask & 3) == 3);        // the quadrant is fixed...
      CHECK((e.match & 3) != 3);       // ...and is not the 32-bit one
      CHECK((e.mask & 0xe000) == 0xe000);  // funct3: decode() buckets on it
    } else {
      CHECK((e.mask & 0x7f) == 0x7f);  // the major opcode is fixed: decode() buckets on it
      CHECK((e.match & 3) == 3);
    }
    CHECK(mnemonic(e).find('_') == std::string::npos);
  }
}

TEST_CASE("decode() agrees with a first-match scan of the table", "[riscv][decode]") {
  std::mt19937 rng(12345);
  Args a;
  // Every row's own pattern with random don't-care bits, plus random words.
  for (const DecodeEntry& e : decode_table())
    for (int k = 0; k < 64; k++) {
      uint32_t raw = (rng() & ~e.mask) | e.match;
      if (e.compressed) raw &= 0xffff;
      const DecodeEntry* d = dec(raw, &a);
      INFO(e.name << " raw=" << std::hex << raw);
      REQUIRE(d != nullptr);
      CHECK(d == scan(raw));
      // Whatever row won must itself match, and be this row or a more specific earlier one.
      CHECK((raw & d->mask) == d->match);
      if (d != &e) CHECK(is_strict_superset(d->mask, e.mask));
    }
  for (int k = 0; k < 100000; k++) {
    uint32_t raw = rng();
    CHECK(dec(raw, &a) == scan(raw));
  }
}

TEST_CASE("known encodings decode to the right mnemonic and fields", "[riscv][decode]") {
  Args a;
  const DecodeEntry* e;

  e = dec(0x00150513, &a);  // addi a0, a0, 1
  REQUIRE(e);
  CHECK(mnemonic(*e) == "addi");
  CHECK(a.rd == 10);
  CHECK(a.rs1 == 10);
  CHECK(a.imm == 1);

  e = dec(0xfff00293, &a);  // addi t0, zero, -1
  REQUIRE(e);
  CHECK(a.imm == -1);

  e = dec(0x7139, &a);  // c.addi16sp sp, -64
  REQUIRE(e);
  CHECK(mnemonic(*e) == "c.addi16sp");
  CHECK(a.rd == 2);
  CHECK(a.rs1 == 2);
  CHECK(a.imm == -64);

  e = dec(0x6141, &a);  // c.addi16sp sp, 16 (0x6141: nzimm[4] only)
  REQUIRE(e);
  CHECK(mnemonic(*e) == "c.addi16sp");
  CHECK(a.imm == 16);

  e = dec(0x8082, &a);  // c.jr ra (ret)
  REQUIRE(e);
  CHECK(mnemonic(*e) == "c.jr");
  CHECK(a.rs1 == 1);

  e = dec(0x852e, &a);  // c.mv a0, a1
  REQUIRE(e);
  CHECK(mnemonic(*e) == "c.mv");
  CHECK(a.rd == 10);
  CHECK(a.rs2 == 11);

  e = dec(0x9002, &a);  // c.ebreak
  REQUIRE(e);
  CHECK(mnemonic(*e) == "c.ebreak");
  e = dec(0x9082, &a);  // c.jalr ra
  REQUIRE(e);
  CHECK(mnemonic(*e) == "c.jalr");
  e = dec(0x952e, &a);  // c.add a0, a1
  REQUIRE(e);
  CHECK(mnemonic(*e) == "c.add");

  e = dec(0x6505, &a);  // c.lui a0, 0x1
  REQUIRE(e);
  CHECK(mnemonic(*e) == "c.lui");
  CHECK(a.rd == 10);
  CHECK(a.imm == 0x1000);

  e = dec(0x757d, &a);  // c.lui a0, 0xfffff  (-4096)
  REQUIRE(e);
  CHECK(mnemonic(*e) == "c.lui");
  CHECK(a.imm == -4096);

  e = dec(0x223170c3, &a);  // fmadd.d ft1, ft2, ft3, ft4, dyn
  REQUIRE(e);
  CHECK(mnemonic(*e) == "fmadd.d");
  CHECK(a.rd == 1);
  CHECK(a.rs1 == 2);
  CHECK(a.rs2 == 3);
  CHECK(a.rs3 == 4);
  CHECK(a.rm == 7);

  e = dec(0x30059573, &a);  // csrrw a0, mstatus, a1
  REQUIRE(e);
  CHECK(mnemonic(*e) == "csrrw");
  CHECK(a.csr == 0x300);
  CHECK(a.rd == 10);
  CHECK(a.rs1 == 11);

  e = dec(0x0fc0006f, &a);  // jal zero, +0xfc
  REQUIRE(e);
  CHECK(mnemonic(*e) == "jal");
  CHECK(a.imm == 0xfc);

  e = dec(0xffd54ee3, &a);  // blt a0, t4, -4
  REQUIRE(e);
  CHECK(mnemonic(*e) == "blt");
  CHECK(a.rs1 == 10);
  CHECK(a.rs2 == 29);
  CHECK(a.imm == -4);

  e = dec(0x4025d513, &a);  // srai a0, a1, 2
  REQUIRE(e);
  CHECK(mnemonic(*e) == "srai");
  CHECK(a.imm == 2);
}

TEST_CASE("all-zero and all-ones words are not usable instructions", "[riscv][decode]") {
  Args a;
  CHECK(dec(0xffffffff, &a) == nullptr);

  // 0x0000 is c.addi4spn with a zero immediate: either no row, or that row with
  // imm 0, which its semantics must reject (reserved -> illegal instruction).
  const DecodeEntry* e = dec(0x0000, &a);
  if (e) {
    CHECK(mnemonic(*e) == "c.addi4spn");
    CHECK(a.imm == 0);
    ir::Block blk;
    ir::Builder b(blk);
    b.insn_start(0x80000000, 2);
    Ctx ctx{b, 0x80000000, 2, 0, kPrivM, mmu_index(kPrivM), true, 0};
    CHECK_FALSE(e->fn(ctx, a));
  }
}

TEST_CASE("reserved compressed encodings are rejected by their semantics", "[riscv][decode]") {
  // Each decodes to its row, but the encoding is reserved (unprivileged spec,
  // chapter 16): the semantics function returns false -> illegal instruction.
  struct Case {
    uint16_t raw;
    const char* name;
  };
  const Case cases[] = {
      {0x8002, "c.jr"},        // c.jr x0
      {0x6101, "c.addi16sp"},  // c.addi16sp sp, 0
      {0x6501, "c.lui"},       // c.lui a0, 0
      {0x4002, "c.lwsp"},      // c.lwsp x0, 0(sp)
      {0x6002, "c.ldsp"},      // c.ldsp x0, 0(sp)
      {0x2005, "c.addiw"},     // c.addiw x0, 1
  };
  for (const Case& c : cases) {
    Args a;
    const DecodeEntry* e = dec(c.raw, &a);
    INFO(c.name << " " << std::hex << c.raw);
    REQUIRE(e);
    CHECK(mnemonic(*e) == c.name);
    ir::Block blk;
    ir::Builder b(blk);
    b.insn_start(0x80000000, 2);
    Ctx ctx{b, 0x80000000, 2, 0, kPrivM, mmu_index(kPrivM), true, 0};
    CHECK_FALSE(e->fn(ctx, a));
  }
}

TEST_CASE("disassembly: FP operands and rounding modes as assemblers write them", "[riscv][disasm]") {
  auto text = [](uint32_t raw) {
    std::string s = riscv::disassemble(raw, 0);
    return s.substr(s.find("  ") + 2);  // past the hex word
  };
  CHECK(text(0x02C5F553) == "fadd.d     fa0, fa1, fa2");      // dyn: no suffix
  CHECK(text(0xC0051553) == "fcvt.w.s   a0, fa0, rtz");       // one source, an explicit mode
  CHECK(text(0xE2050553) == "fmv.x.d    a0, fa0");            // rs2 selects the op: not an operand
  CHECK(text(0x58077053) == "fsqrt.s    ft0, fa4");
  CHECK(text(0x00100513) == "addi       a0, zero, 1");         // integer ops unchanged
}

#include "cpu/riscv/decode.h"

#include <array>
#include <string>
#include <vector>

#include "common/bits.h"
#include "cpu/riscv/insn/insns.h"

namespace kiln::riscv {

namespace {

// "0000000 ????? ..." -> mask and match (spaces ignored, '?' = don't care).
struct Pattern {
  uint32_t mask = 0, match = 0;
  unsigned width = 0;
};
constexpr Pattern parse(const char* s) {
  Pattern p;
  for (; *s; s++) {
    if (*s == ' ') continue;
    p.mask <<= 1;
    p.match <<= 1;
    if (*s != '?') {
      p.mask |= 1;
      p.match |= uint32_t(*s == '1');
    }
    p.width++;
  }
  return p;
}

// Every pattern has exactly the width its name says (c_* are 16-bit).
#define INSN(name, pattern, fmt) \
  static_assert(parse(pattern).width == (std::string_view(#name).starts_with("c_") ? 16 : 32), #name);
#include "cpu/riscv/decode/rv64gc.inc"
#undef INSN

#define INSN(name, pattern, fmt)                                                          \
  DecodeEntry{#name, parse(pattern).mask, parse(pattern).match, Format::fmt, insn_##name,             \
              std::string_view(#name).starts_with("c_")},
constexpr DecodeEntry kTable[] = {
#include "cpu/riscv/decode/rv64gc.inc"
};
#undef INSN

// Rows bucketed by the bits every row of a bucket fixes: the major opcode for
// 32-bit encodings, quadrant and funct3 for 16-bit ones. Built once, read-only after.
struct Buckets {
  std::array<std::vector<const DecodeEntry*>, 128> wide;
  std::array<std::vector<const DecodeEntry*>, 32> narrow;
};
const Buckets& buckets() {
  static const Buckets b = [] {
    Buckets out;
    for (const DecodeEntry& e : kTable) {
      if (e.compressed) out.narrow[(e.match & 3) | ((e.match >> 13) & 7) << 2].push_back(&e);
      else out.wide[e.match & 0x7f].push_back(&e);
    }
    return out;
  }();
  return b;
}

uint8_t creg(uint32_t raw, unsigned lo) { return uint8_t(8 + bits(raw, lo + 2, lo)); }

void extract(uint32_t r, Format f, Args* a) {
  a->raw = r;
  switch (f) {
    case Format::None: break;
    case Format::R: case Format::R4: case Format::Amo: case Format::Csr: case Format::I:
    case Format::S: case Format::B: case Format::U: case Format::J: case Format::Shift6:
      a->rd = uint8_t(bits(r, 11, 7));
      a->rs1 = uint8_t(bits(r, 19, 15));
      a->rs2 = uint8_t(bits(r, 24, 20));
      a->rs3 = uint8_t(bits(r, 31, 27));
      a->rm = uint8_t(bits(r, 14, 12));
      a->aq = bit(r, 26);
      a->rl = bit(r, 25);
      a->csr = uint32_t(bits(r, 31, 20));
      switch (f) {
        case Format::I: a->imm = sext(bits(r, 31, 20), 12); break;
        case Format::S: a->imm = sext(bits(r, 31, 25) << 5 | bits(r, 11, 7), 12); break;
        case Format::B:
          a->imm = sext(bit(r, 31) << 12 | bit(r, 7) << 11 | bits(r, 30, 25) << 5 | bits(r, 11, 8) << 1, 13);
          break;
        case Format::U: a->imm = sext(r & 0xfffff000u, 32); break;
        case Format::J:
          a->imm = sext(bit(r, 31) << 20 | bits(r, 19, 12) << 12 | bit(r, 20) << 11 | bits(r, 30, 21) << 1, 21);
          break;
        case Format::Shift6: a->imm = int64_t(bits(r, 25, 20)); break;
        case Format::Csr: a->imm = int64_t(bits(r, 19, 15)); break;  // zimm
        default: break;
      }
      break;
    case Format::CR:
      a->rd = a->rs1 = uint8_t(bits(r, 11, 7));
      a->rs2 = uint8_t(bits(r, 6, 2));
      break;
    case Format::CI:
      a->rd = a->rs1 = uint8_t(bits(r, 11, 7));
      a->imm = sext(bit(r, 12) << 5 | bits(r, 6, 2), 6);
      break;
    case Format::CISH:
      a->rd = a->rs1 = uint8_t(bits(r, 11, 7));
      a->imm = int64_t(bit(r, 12) << 5 | bits(r, 6, 2));
      break;
    case Format::CILUI:
      a->rd = uint8_t(bits(r, 11, 7));
      a->imm = sext(bit(r, 12) << 17 | bits(r, 6, 2) << 12, 18);
      break;
    case Format::CI16SP:
      a->rd = a->rs1 = 2;
      a->imm = sext(bit(r, 12) << 9 | bit(r, 6) << 4 | bit(r, 5) << 6 | bits(r, 4, 3) << 7 | bit(r, 2) << 5, 10);
      break;
    case Format::CLWSP:
      a->rd = uint8_t(bits(r, 11, 7));
      a->rs1 = 2;
      a->imm = int64_t(bit(r, 12) << 5 | bits(r, 6, 4) << 2 | bits(r, 3, 2) << 6);
      break;
    case Format::CLDSP:
      a->rd = uint8_t(bits(r, 11, 7));
      a->rs1 = 2;
      a->imm = int64_t(bit(r, 12) << 5 | bits(r, 6, 5) << 3 | bits(r, 4, 2) << 6);
      break;
    case Format::CSSW:
      a->rs2 = uint8_t(bits(r, 6, 2));
      a->rs1 = 2;
      a->imm = int64_t(bits(r, 12, 9) << 2 | bits(r, 8, 7) << 6);
      break;
    case Format::CSSD:
      a->rs2 = uint8_t(bits(r, 6, 2));
      a->rs1 = 2;
      a->imm = int64_t(bits(r, 12, 10) << 3 | bits(r, 9, 7) << 6);
      break;
    case Format::CIW:
      a->rd = creg(r, 2);
      a->rs1 = 2;
      a->imm = int64_t(bits(r, 12, 11) << 4 | bits(r, 10, 7) << 6 | bit(r, 6) << 2 | bit(r, 5) << 3);
      break;
    case Format::CLW:
    case Format::CLD:
      a->rd = a->rs2 = creg(r, 2);
      a->rs1 = creg(r, 7);
      a->imm = f == Format::CLW ? int64_t(bits(r, 12, 10) << 3 | bit(r, 6) << 2 | bit(r, 5) << 6)
                                : int64_t(bits(r, 12, 10) << 3 | bits(r, 6, 5) << 6);
      break;
    case Format::CA:
      a->rd = a->rs1 = creg(r, 7);
      a->rs2 = creg(r, 2);
      break;
    case Format::CB:
      a->rs1 = creg(r, 7);
      a->imm = sext(bit(r, 12) << 8 | bits(r, 11, 10) << 3 | bits(r, 6, 5) << 6 | bits(r, 4, 3) << 1 | bit(r, 2) << 5, 9);
      break;
    case Format::CBI:
      a->rd = a->rs1 = creg(r, 7);
      a->imm = sext(bit(r, 12) << 5 | bits(r, 6, 2), 6);
      break;
    case Format::CBSH:
      a->rd = a->rs1 = creg(r, 7);
      a->imm = int64_t(bit(r, 12) << 5 | bits(r, 6, 2));
      break;
    case Format::CJ:
      a->imm = sext(bit(r, 12) << 11 | bit(r, 11) << 4 | bits(r, 10, 9) << 8 | bit(r, 8) << 10 | bit(r, 7) << 6 |
                        bit(r, 6) << 7 | bits(r, 5, 3) << 1 | bit(r, 2) << 5,
                    12);
      break;
  }
}

}  // namespace

std::span<const DecodeEntry> decode_table() { return kTable; }

const DecodeEntry* decode(uint32_t raw, Args* args) {
  const Buckets& b = buckets();
  bool compressed = (raw & 3) != 3;
  if (compressed) raw &= 0xffff;
  const auto& bucket = compressed ? b.narrow[(raw & 3) | ((raw >> 13) & 7) << 2] : b.wide[raw & 0x7f];
  for (const DecodeEntry* e : bucket) {
    if ((raw & e->mask) == e->match) {
      *args = Args{};
      extract(raw, e->format, args);
      return e;
    }
  }
  return nullptr;
}

std::string mnemonic(const DecodeEntry& e) {
  std::string s = e.name;
  for (char& c : s)
    if (c == '_') c = '.';
  return s;
}

}  // namespace kiln::riscv

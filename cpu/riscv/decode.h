// RV64GC decoding: the table in decode/rv64gc.inc turned into mask/match rows,
// and field extraction per instruction format.
#pragma once
#include <cstdint>
#include <span>

#include "cpu/riscv/translate.h"

namespace kiln::riscv {

enum class Format : uint8_t {
  None, R, R4, I, S, B, U, J, Shift6, Amo, Csr,  // 32-bit
  CR, CI, CISH, CILUI, CI16SP, CLWSP, CLDSP, CSSW, CSSD, CIW, CLW, CLD, CA, CB, CBI, CBSH, CJ,  // 16-bit
};

struct DecodeEntry {
  const char* name;  // mnemonic as written in the table ("fadd_d")
  uint32_t mask, match;
  Format format;
  InsnFn fn;
  bool compressed;
};

std::span<const DecodeEntry> decode_table();
// Finds the row for an instruction (16-bit if (raw & 3) != 3) and extracts its
// fields; nullptr when no row matches.
const DecodeEntry* decode(uint32_t raw, Args* args);
// "fadd_d" -> "fadd.d"
std::string mnemonic(const DecodeEntry& e);

}  // namespace kiln::riscv

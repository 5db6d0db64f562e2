// Handler numbering shared by interp/compile.cpp and interp/run.cpp. Pure
// integer ops get a dense range: op * 8 + width index * 2 + (operand b is an
// immediate). Everything else has one handler per shape below that range.
#pragma once
#include <cstdint>

#include "ir/ir.h"

namespace kiln::interp {

constexpr unsigned width_index(ir::Type t) {
  switch (t) {
    case ir::Type::I16: return 1;
    case ir::Type::I32: return 2;
    case ir::Type::I64: return 3;
    default: return 0;  // I1 and I8
  }
}
constexpr unsigned kWidthBits[4] = {8, 16, 32, 64};

constexpr uint16_t pure_handler(ir::Op op, unsigned widx, bool imm) {
  return uint16_t(unsigned(op) * 8 + widx * 2 + (imm ? 1 : 0));
}

enum Handler : uint16_t {
  kFirstSpecial = ir::kNumOps * 8,
  kLdImm = kFirstSpecial,
  kGet8, kGet16, kGet32, kGet64,
  kSet8, kSet16, kSet32, kSet64,
  kSetImm8, kSetImm16, kSetImm32, kSetImm64,
  kSExt8, kSExt16, kSExt32, kSExt64,  // by result width; imm = 64 - source bits
  kMask,                              // Trunc: dst = a & imm
  kCopy,                              // ZExt: values are held zero-extended already
  kSelect,
  kLoad1, kLoad2, kLoad4, kLoad8,     // b = mmu index, c = aligned-only; imm = result mask
  kLoadS1, kLoadS2, kLoadS4,          // sign-extending
  kStore1, kStore2, kStore4, kStore8, // a = address, b = value, c = mmu | aligned << 8
  kAmo,                               // imm = cpu::amo_desc(...)
  kCall, kCallMayFault,               // a, b, c = arguments, imm = helper
  kSkipIf, kSkip,                     // b = index of the op the label is at
  // Exits: c = instructions retired; Goto/Branch: b = exit index; a Branch's next op is its not-taken Goto.
  kGoto, kBranch, kJumpIndirect, kExit,
  kNumHandlers
};

}  // namespace kiln::interp

// MMX and SSE-SSSE3: what the IR side (sse.cpp) and the helpers computing the
// operations (sse_int.cpp, sse_float.cpp) share. The IR side checks that the
// instruction may run (kSseCheck), fetches a memory or general-register
// source operand, and calls kSseExec with the register numbers; the helper
// reads and writes the XMM/MMX registers in X86State directly.
#pragma once
#include <cstdint>
#include <cstring>

#include "cpu/x86/state.h"
#include "ir/ir.h"

namespace kiln::x86 {

// (what | aligned << 2, linear address): #UD/#NM/#GP(0) checks before any
// operand is touched. what: bit 0 an SSE instruction (needs CR4.OSFXSR),
// bit 1 touches MMX registers (enters MMX mode: x87 tags valid, TOP 0).
extern const ir::Helper kSseCheck;
constexpr uint64_t kCheckSse = 1, kCheckMmx = 2, kCheckAligned = 4;
// (packed, source low, source high) -> a general-register or EFLAGS result.
extern const ir::Helper kSseExec;
// (linear address): a 16-byte store crossing a page checks the second page first.
extern const ir::Helper kSseProbeStore;

// kSseExec's first argument.
struct SseArgs {
  uint16_t key;        // opcode | mandatory prefix << 10 (sse_key)
  bool dst_mmx, src_mmx, src_value;  // src_value: the source is in the arguments (memory, GPR)
  uint8_t dst, src, imm;
  bool wide;           // 64-bit operand size (REX.W): MOVD/MOVQ, CVTSI2SS, CVTSS2SI
  uint64_t pack() const {
    return uint64_t(key) | uint64_t(dst_mmx) << 13 | uint64_t(src_mmx) << 14 | uint64_t(src_value) << 15 |
           uint64_t(dst) << 16 | uint64_t(src) << 24 | uint64_t(imm) << 32 | uint64_t(wide) << 40;
  }
  static SseArgs unpack(uint64_t v) {
    return SseArgs{uint16_t(v & 0x1fff), bool(v >> 13 & 1), bool(v >> 14 & 1), bool(v >> 15 & 1),
                   uint8_t(v >> 16 & 0x1f), uint8_t(v >> 24 & 0x1f), uint8_t(v >> 32), bool(v >> 40 & 1)};
  }
};
constexpr uint16_t sse_key(uint16_t opcode, uint8_t prefix) { return uint16_t(opcode | prefix << 10); }

// A 64- or 128-bit register value with typed lanes (lane indices wrap
// within the 16 bytes).
struct Vec {
  uint64_t q[2] = {0, 0};
  template <class L> L get(unsigned i) const {
    L v;
    std::memcpy(&v, reinterpret_cast<const uint8_t*>(this) + ((i * sizeof(L)) & (16 - sizeof(L))), sizeof(L));
    return v;
  }
  template <class L> void set(unsigned i, L v) {
    std::memcpy(reinterpret_cast<uint8_t*>(this) + ((i * sizeof(L)) & (16 - sizeof(L))), &v, sizeof(L));
  }
};

// One operation's operands: d (destination, also the first source), s (the
// second source); bytes: 8 (MMX) or 16 (XMM). The result goes to d.
struct SseOperands {
  X86State& st;
  SseArgs a;
  Vec d, s;
  unsigned bytes;
  uint64_t ret = 0;       // a general-register or EFLAGS result
  bool write_dst = true;  // false: the destination register is left alone
};

// Integer SIMD and data movement; false if `key` is not theirs.
bool sse_integer(SseOperands& o);
// Floating point (arithmetic, compares, conversions, logic, shuffles). False
// if `key` is not theirs; sets o.write_dst = false and records #XM/#UD on an
// unmasked exception.
bool sse_float(SseOperands& o);

}  // namespace kiln::x86

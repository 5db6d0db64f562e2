// The contract between the x87 rows (insn/x87.cpp, translation) and their
// helpers (insn/x87_exec.cpp, insn/x87_env.cpp): what one instruction is, packed into
// the helpers' first argument. The translation computes the memory operand's
// segment checks and linear address; the helpers do the rest (register
// stack, tags, status word, the arithmetic of common/softfloat80.h, and the
// memory accesses themselves, each state change after every access that can
// fault has succeeded).
#pragma once
#include <cstdint>

#include "cpu/x86/state.h"
#include "ir/ir.h"

namespace kiln::x86::x87 {

// Bits of the packed instruction code.
namespace code {
constexpr uint64_t kEscMask = 0xf;        // 0-7: opcode D8+n; kGroup15: 0F AE
constexpr uint64_t kGroup15 = 8;          // FXSAVE/FXRSTOR/LDMXCSR/STMXCSR
constexpr uint64_t kWait = 9;             // WAIT/FWAIT (9B)
constexpr unsigned kModrmShift = 4;       // bits 4-11: the ModR/M byte
constexpr unsigned kSegShift = 12;        // bits 12-14: the memory operand's segment
constexpr uint64_t kCondTrue = 1u << 15;  // FCMOVcc: its condition holds
constexpr uint64_t kOp32 = 1u << 16;      // 32-bit operand size (FSTENV/FSAVE formats)
constexpr uint64_t kRexW = 1u << 17;      // FXSAVE64/FXRSTOR64
constexpr uint64_t kCode64 = 1u << 18;    // 64-bit code (no 32-bit linear wrap)
constexpr unsigned kIpShift = 24;         // bits 24-63: the instruction's ip (FIP)
}  // namespace code

// (code) -> #NM / #MF / #UD before anything else (the checks every FP
// instruction makes before its memory operand's segment checks).
extern const ir::Helper kCheck;
// (code, linear address of the memory operand, its offset) -> the value an
// instruction hands back to IR (FNSTSW AX: the status word; FCOMI: EFLAGS'
// arithmetic flags), else 0.
extern const ir::Helper kExec;

// Shared by the execution files.
struct Insn87 {
  uint64_t code;
  unsigned esc() const { return unsigned(code & code::kEscMask); }
  unsigned modrm() const { return unsigned(code >> code::kModrmShift) & 0xff; }
  unsigned mod() const { return modrm() >> 6; }
  unsigned reg() const { return (modrm() >> 3) & 7; }
  unsigned rm() const { return modrm() & 7; }
  unsigned seg() const { return unsigned(code >> code::kSegShift) & 7; }
  bool op32() const { return code & code::kOp32; }
  uint64_t ip() const { return code >> code::kIpShift; }
};

// Memory of the data MMU, from a helper: false once a fault is recorded.
struct MemAccess {
  X86State& s;
  uint64_t linear;
  bool code64;
  uint64_t at(uint64_t off) const { return code64 ? linear + off : (linear + off) & 0xffffffffull; }
  bool read(uint64_t off, unsigned bytes, uint64_t* v) const;
  bool write(uint64_t off, unsigned bytes, uint64_t v) const;
  // May all `bytes` bytes from `off` on be written? Performs nothing.
  bool writable(uint64_t off, unsigned bytes) const;
};

// Environment, save areas and MXCSR (insn/x87_env.cpp); each returns false
// after recording a fault, having changed nothing.
bool store_env(X86State& s, const Insn87& in, const MemAccess& m);   // FNSTENV (then masks all exceptions)
bool load_env(X86State& s, const Insn87& in, const MemAccess& m);    // FLDENV
bool save_state(X86State& s, const Insn87& in, const MemAccess& m);  // FNSAVE (then FNINIT)
bool restore_state(X86State& s, const Insn87& in, const MemAccess& m);  // FRSTOR
bool group15(X86State& s, const Insn87& in, const MemAccess& m);     // FXSAVE FXRSTOR LDMXCSR STMXCSR
void init_fpu(X86State& s);                                          // FNINIT
// A control word as FLDCW (FLDENV, FRSTOR, FXRSTOR) loads it: bit 6 reads as
// one, bits 7 and 13-15 as zero (as on the host x87).
inline uint16_t loaded_control_word(uint16_t v) { return uint16_t((v & 0x1f3f) | 0x40); }
// The tag of a register's contents (0 valid, 1 zero, 2 special).
unsigned tag_of(uint64_t sig, uint16_t se);
// ES and B follow whether any pending exception is unmasked.
void update_summary(X86State& s);

}  // namespace kiln::x86::x87

// The IR's data: types, ops (generated from ops.inc), instructions, blocks and
// helper declarations. A Block is the code from one guest pc in one CPU mode:
// a flat vector of instructions in SSA form, where an instruction's index is
// the id of the value it produces. Both execution tiers consume only this.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace kiln::ir {

enum class Type : uint8_t { Void, I1, I8, I16, I32, I64 };

constexpr unsigned type_bits(Type t) {
  switch (t) {
    case Type::I1: return 1;
    case Type::I8: return 8;
    case Type::I16: return 16;
    case Type::I32: return 32;
    case Type::I64: return 64;
    default: return 0;
  }
}
const char* type_name(Type t);

enum Effect : uint32_t {
  kPure = 0,
  kReadsState = 1u << 0,
  kWritesState = 1u << 1,
  kMemRead = 1u << 2,
  kMemWrite = 1u << 3,
  kMayFault = 1u << 4,     // may stop the block with a guest exception pending
  kTerminator = 1u << 5,   // ends the block
  kMarker = 1u << 6,       // no run-time effect; carries metadata (InsnStart)
  kCallEffects = 1u << 7,  // effects are those of the called helper
  kEndsBlock = 1u << 8,    // (helpers) the block must end after this call
  kControl = 1u << 9,      // jumps forward to a label inside the block (SkipIf, Skip)
  // (helpers) reads or writes the guest register file [Block::regs_begin,
  // regs_end): the JIT stores the registers it holds before the call and
  // reloads them after it. Without this bit a helper must not touch them.
  kAccessesRegs = 1u << 10,
  kRegsReadOnly = 1u << 11,  // (with kAccessesRegs) it only reads them: nothing to reload after the call
};

enum class Op : uint8_t {
#define OP(name, nargs, effects) name,
#include "ir/ops.inc"
#undef OP
};
constexpr unsigned kNumOps = 0
#define OP(name, nargs, effects) +1
#include "ir/ops.inc"
#undef OP
    ;

struct OpInfo {
  const char* name;
  uint8_t nargs;
  uint32_t effects;
};
const OpInfo& op_info(Op op);

// A helper is a host function called from guest code: complex guest work that
// is not worth expressing in IR (CSR side effects, page walks, FP arithmetic).
// The first argument is the CPU state ("env"). A helper that faults records the
// guest exception in the CPU state and returns nonzero in env->fault (see
// cpu/common/state.h); the tiers check that after calls declared kMayFault.
using HelperFn = uint64_t (*)(void* env, uint64_t a, uint64_t b, uint64_t c);
struct Helper {
  const char* name;
  HelperFn fn;
  uint32_t effects;  // Effect bits: kPure, kReadsState, kWritesState, kMayFault, kEndsBlock, kMem*
  uint8_t nargs;
  // With kAccessesRegs: the state offsets [regs_begin, regs_end) of the
  // register file it touches (empty: all of it).
  uint32_t regs_begin = 0, regs_end = 0;
  bool touches_reg(uint64_t off) const { return regs_end <= regs_begin || (off >= regs_begin && off < regs_end); }
};

// Memory operation descriptor, packed into Inst::imm of Load/Store/Amo.
enum class Access : uint8_t { Read = 0, Write = 1, Exec = 2 };
struct MemOp {
  uint8_t size_log2;  // 0..3 (1, 2, 4, 8 bytes)
  bool sign;          // loads: sign-extend to the result type
  bool aligned_only;  // misaligned access faults instead of being performed
  uint8_t mmu_idx;    // which softTLB (privilege/translation regime)
  constexpr uint64_t pack() const {
    return uint64_t(size_log2) | uint64_t(sign) << 8 | uint64_t(aligned_only) << 9 |
           uint64_t(mmu_idx) << 16;
  }
  static constexpr MemOp unpack(uint64_t v) {
    return MemOp{uint8_t(v & 0xff), bool((v >> 8) & 1), bool((v >> 9) & 1), uint8_t((v >> 16) & 0xff)};
  }
  constexpr unsigned size() const { return 1u << size_log2; }
};

enum class AmoKind : uint8_t { Swap, Add, And, Or, Xor, MinS, MaxS, MinU, MaxU };

// Why a block returns to the engine other than by a plain jump.
enum class ExitReason : uint8_t {
  None = 0,      // plain exit: Goto/Branch/JumpIndirect
  Exception,     // a guest exception is pending in the CPU state
  FlushCode,     // the guest synchronised its instruction stream (RISC-V fence.i): end the block
  ModeChange,    // CPU mode bits may have changed (CSR write, mret): look up afresh
  Wfi,           // wait for interrupt
  Halt,          // the CPU stopped
};

using ValueId = uint32_t;
constexpr ValueId kNoValue = ~0u;

struct Inst {
  Op op;
  Type type;            // the type of the value produced (Void if none)
  ValueId a[3] = {kNoValue, kNoValue, kNoValue};
  uint64_t imm = 0;
  uint64_t aux = 0;
};

// Labels. A block is straight-line code that may skip forward: SkipIf and
// Skip continue at a Label later in the same block (never backwards: a loop is
// a block exit to its own pc, so the engine sees every iteration). The rules,
// which ir::verify enforces:
//  - Each label id (0..Block::labels-1) is placed by at most one Label, after
//    every SkipIf/Skip naming it.
//  - Values: a value may be used only where it dominates the use. After a
//    Label, the values visible are those visible at every way in: the
//    fall-through (unless a Skip or terminator precedes the Label) and each
//    SkipIf/Skip naming it. So values defined before a SkipIf stay visible
//    after its label; values defined between the SkipIf and the label do not.
//  - Terminators may end a region: a terminator or Skip that is not the last
//    instruction must be followed directly by a Label (no unreachable code).
//    A block may thus leave at several places (x86 REP: exit to the same pc
//    for the next element, or fall through to the next instruction); an exit
//    retires the block's instructions up to and including its own.
//  - No InsnStart between a SkipIf/Skip and its Label: a skip stays inside
//    one guest instruction, so a block's instruction count does not depend on
//    the path, and a fault's pc is always its own InsnStart's.
//  - Guest state and memory are just program order along the path taken:
//    Gets, Sets, loads, stores and calls that are skipped do not happen (nor
//    can their faults). A pass may treat a Set as known at a later point only
//    if it lies on every path there (it dominates it); see forward_state.
struct Block {
  uint64_t pc = 0;          // guest virtual pc of the first instruction
  uint64_t phys_pc = 0;     // its physical address (the cache key, with mode)
  uint64_t mode = 0;        // CPU mode bits the block was translated for
  uint32_t guest_insns = 0; // number of InsnStart markers
  uint32_t guest_bytes = 0; // bytes of guest code covered
  // The guest register file: state offsets [regs_begin, regs_end) that only
  // Get and Set touch while a block runs (no slow path or device reads or
  // writes them then, and no helper unless it declares kAccessesRegs). The JIT
  // keeps these in host registers across calls and writes them back only when
  // leaving native code (and around kAccessesRegs calls).
  uint32_t regs_begin = 0, regs_end = 0;
  uint32_t labels = 0;      // label ids allocated (Builder::new_label): 0..labels-1
  std::vector<Inst> insts;

  const Inst& operator[](ValueId v) const { return insts[v]; }
  Inst& operator[](ValueId v) { return insts[v]; }
  Type type_of(ValueId v) const { return insts[v].type; }
};

uint32_t effects_of(const Inst& inst);  // resolves kCallEffects through the helper

std::string print(const Block& b);                    // -d op
std::string verify(const Block& b);                   // "" when valid, else the first problem

}  // namespace kiln::ir

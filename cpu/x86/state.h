// x86 CPU state. Everything the IR reads or writes is a field here, at a fixed
// offset from the StateHeader base ("env"), so Get/Set name it by offsetof.
// General registers are 64-bit slots (long mode fits later); segment registers
// hold their selector and the hidden descriptor cache. Arithmetic flags are
// lazy (docs/design.md §3, §5): the last flag-setting operation is stored as
// (kind, operands, result) in cc_*, and `flags` holds only the bits no
// operation computes lazily (DF, IF, TF, IOPL, NT and the fixed bits).
#pragma once
#include <cstddef>
#include <cstdint>

#include "cpu/common/state.h"

namespace kiln::mem {
class PortSpace;
}

namespace kiln::x86 {

// The chip generation: real-mode behaviours that differ are modelled per model.
enum class Model : uint8_t { I8086, I286 };

enum Reg : unsigned { AX, CX, DX, BX, SP, BP, SI, DI };
enum SegReg : unsigned { ES, CS, SS, DS, FS, GS };

// EFLAGS bits
namespace fl {
constexpr uint32_t CF = 1u << 0, PF = 1u << 2, AF = 1u << 4, ZF = 1u << 6, SF = 1u << 7, TF = 1u << 8,
                   IF = 1u << 9, DF = 1u << 10, OF = 1u << 11;
constexpr uint32_t kArith = CF | PF | AF | ZF | SF | OF;  // the flags kept lazily
}  // namespace fl

// Exception vectors used in real mode.
enum Vector : uint8_t { kDivideError = 0, kDebug = 1, kBreakpoint = 3, kOverflow = 4, kBound = 5,
                        kInvalidOpcode = 6, kGeneralProtection = 13 };

// What produced the arithmetic flags (cc_op). The width is part of the kind;
// see cpu/x86/flags.h for how each one yields CF..OF.
enum class CcOp : uint8_t {
  Eflags = 0,  // cc_src holds the arithmetic flags themselves
  Add8, Add16, Add32, Add64,     // dst = src + src2 (+ carry in): carries come from the bits
  Sub8, Sub16, Sub32, Sub64,     // dst = src - src2 (- borrow in)
  Logic8, Logic16, Logic32, Logic64,  // dst = result; CF = OF = AF = 0
  Inc8, Inc16, Inc32, Inc64,     // dst = src + 1; src2 = the CF before
  Dec8, Dec16, Dec32, Dec64,     // dst = src - 1; src2 = the CF before
};

struct Segment {
  uint64_t base = 0;
  uint32_t limit = 0xffff;
  uint16_t selector = 0;
  uint16_t attr = 0;  // descriptor attributes (type, DPL, P, D/B...); unused in real mode
};

struct X86State : cpu::StateHeader {
  uint64_t gpr[16] = {};
  // Lazy arithmetic flags
  uint64_t cc_op = uint64_t(CcOp::Eflags);
  uint64_t cc_src = 0, cc_src2 = 0, cc_dst = 0;
  uint64_t flags = 0x2;  // non-arithmetic EFLAGS bits (the arithmetic ones are in cc_*)
  // The instruction pointer is not stored: pc (StateHeader) is the linear
  // address cs.base + ip, so ip = pc - cs.base.
  Segment seg[6];
  uint64_t cr0 = 0;
  // The exception recorded while StateHeader::fault is set: its vector, and
  // the ip the interrupt frame returns to.
  uint64_t pending_vector = 0, pending_return_ip = 0;
  Model model = Model::I8086;
  mem::PortSpace* ports = nullptr;  // the board's I/O port bus; none: every port reads as all ones
};

constexpr size_t off_gpr(unsigned r) { return offsetof(X86State, gpr) + 8 * r; }
constexpr size_t off_seg_base(unsigned s) { return offsetof(X86State, seg) + sizeof(Segment) * s + offsetof(Segment, base); }
constexpr size_t off_seg_sel(unsigned s) { return offsetof(X86State, seg) + sizeof(Segment) * s + offsetof(Segment, selector); }

inline X86State* xs(void* env) { return static_cast<X86State*>(static_cast<cpu::StateHeader*>(env)); }

// Records a guest exception from a helper: the tier sees env->fault and
// returns to the engine with the faulting instruction's pc.
inline void record_exception(X86State* s, unsigned vector, uint64_t return_ip) {
  s->pending_vector = vector;
  s->pending_return_ip = return_ip;
  s->fault = 1;
}

// The one MMU index of real mode.
constexpr unsigned kMmuReal = 0;

}  // namespace kiln::x86

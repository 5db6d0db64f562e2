// x86 decoding: Zydis 4 splits the bytes (prefixes, opcode, ModR/M,
// displacement, immediates) and gives the length; which semantics an opcode
// has comes from our own opcode map (cpu/x86/opcodes.inc), written in the
// manual's operand notation. The CPU mode (16/32/64-bit) is a parameter.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "cpu/x86/features.h"
#include "cpu/x86/state.h"

namespace kiln::x86 {

struct Ctx;
using InsnFn = bool (*)(Ctx&);

// One operand of an opcode-map row, from the manual's notation.
enum class Opnd : uint8_t {
  None,
  E,    // ModR/M r/m: register or memory (Eb, Ev, Ew)
  G,    // ModR/M reg: general register (Gb, Gv)
  M,    // ModR/M r/m, memory only (M, Mp)
  S,    // ModR/M reg: segment register (Sw)
  I,    // immediate (Ib, Iv, Iw)
  Is,   // immediate byte sign-extended to the operand size (Ibs)
  J,    // relative branch target (Jb, Jv)
  A,    // far pointer immediate seg:off (Ap)
  O,    // memory offset immediate (Ob, Ov)
  Z,    // general register in the opcode's low three bits (Zb, Zv)
  Acc,  // AL / AX
  Cl,   // CL (shift count)
  Dx,   // DX (port)
  C,    // ModR/M reg: control register (Cd)
  D,    // ModR/M reg: debug register (Dd)
  R,    // ModR/M r/m, register only (Rd, Ry)
  One,  // the constant 1 (shift count)
  Sreg, // a fixed segment register (ES, CS, SS, DS)
  X,    // string source DS:SI (segment overridable)
  Y,    // string destination ES:DI
  V,    // ModR/M reg: XMM register (Vps, Vss, Vdq...)
  W,    // ModR/M r/m: XMM register or memory
  U,    // ModR/M r/m: XMM register only
  P,    // ModR/M reg: MMX register (REX.R ignored)
  Q,    // ModR/M r/m: MMX register or memory
  N,    // ModR/M r/m: MMX register only
};

struct OperandSpec {
  Opnd kind = Opnd::None;
  // 'b' byte, 'w' word, 'd' dword, 'q' qword, 'v' the operand size,
  // 'z' the operand size with a 32-bit (sign-extended) immediate when it is
  // 64, 'y' dword or qword (64-bit operand size), 'p' far pointer, 'x' a
  // 128-bit SSE operand (ps, pd, dq), 0 none. SSE scalars: ss 'd', sd 'q'.
  char size = 0;
  uint8_t sreg = 0;  // for Opnd::Sreg
};

// Row flags
constexpr uint8_t kLock = 1;     // LOCK is allowed
constexpr uint8_t kOnly86 = 2;   // 8086 only (alias encodings the 186 redefined)
constexpr uint8_t kFrom186 = 4;  // 80186/80286 and later
constexpr uint8_t kRep = 8;      // string instruction: REP/REPE/REPNE apply
constexpr uint8_t kFrom386 = 16; // 80386 and later
constexpr uint8_t kDef64 = 32;   // 64-bit operand size by default in 64-bit mode (stack, near branches)
constexpr uint8_t kFrom486 = 64; // 80486 and later
constexpr uint8_t kFromP5 = 128; // Pentium and later

// The mandatory prefix an SSE/MMX row requires (OpcodeRow::prefix). Rows
// without one (kPfxAny) ignore 66/F2/F3 in their lookup. An instruction's
// mandatory prefix is its last F2/F3, else 66, else none.
enum : uint8_t { kPfxAny = 0, kPfxNone = 1, kPfx66 = 2, kPfxF3 = 3, kPfxF2 = 4 };

struct OpcodeRow {
  uint16_t opcode;  // one-byte map: 0x00-0xFF; 0F xx: 0x100 | xx; 0F 38 xx: 0x200 | xx; 0F 3A xx: 0x300 | xx
  int8_t reg;       // ModR/M reg field for group opcodes, -1 for all
  const char* mnemonic;
  const char* operands;  // manual notation, e.g. "Eb,Gb"
  uint8_t flags;
  InsnFn fn;
  OperandSpec ops[3];    // parsed from `operands` when the table is built
  uint8_t prefix = kPfxAny;  // kPfx*: SSE/MMX rows (ROWP in opcodes.inc)
  Feature needs = Feature::None;  // ROWP, ROWF: the CPU feature the instruction comes with (CPUID says)
};

// The opcode map: every row, parsed. Checked by tests (no overlaps).
const std::vector<OpcodeRow>& opcode_map();
// Parses operand notation ("Eb,Gb"); false if a name is unknown.
bool parse_operands(const char* text, OperandSpec out[3]);
// The row for (opcode, ModR/M reg) under `model` with `features`, or nullptr.
const OpcodeRow* find_row(uint16_t opcode, unsigned reg, Model model, const Features& features, uint8_t prefix = kPfxNone);

// One decoded instruction.
struct Insn {
  unsigned len = 0;
  uint16_t opcode = 0;  // as in OpcodeRow
  uint8_t opsize = 16, addrsize = 16;  // in bits
  uint8_t rex = 0;      // the REX prefix (0x40-0x4F) or 0
  bool has_modrm = false, has_sib = false;
  // reg: the ModR/M reg field with REX.R; rm: the raw r/m field (rm_reg() adds REX.B).
  uint8_t mod = 0, reg = 0, rm = 0;
  uint8_t scale = 0, index = 0, base = 0;  // SIB, index and base with REX.X/REX.B
  int64_t disp = 0;
  uint64_t imm = 0, imm2 = 0;  // imm2: the second immediate (ENTER, far pointers' selector)
  int seg_override = -1;       // SegReg or -1 (64-bit mode: FS and GS only)
  uint8_t rep = 0;             // 0, 0xF2 (REPNE) or 0xF3 (REP/REPE)
  bool lock = false;
  bool too_long = false;       // set when decode() fails: past the 15-byte limit (#GP(0), not #UD)
  const OpcodeRow* row = nullptr;
  unsigned rm_reg() const { return rm | ((rex & 1) << 3); }
};

enum class CodeSize : uint8_t { Real16, Prot16, Prot32, Long64 };

// Decodes the instruction in `bytes` (n of them available). False if the
// bytes are not a valid instruction for `model` with `features` (then #UD), or longer than 15
// bytes with its prefixes (out->too_long: #GP(0); not on the 8086, which has no limit).
bool decode(Model model, const Features& features, CodeSize size, const uint8_t* bytes, size_t n, Insn* out);
// The same with the model's own features (cpuid.h model_features).
bool decode(Model model, CodeSize size, const uint8_t* bytes, size_t n, Insn* out);

}  // namespace kiln::x86

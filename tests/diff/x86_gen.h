// Random x86 instruction sequences and the guest machine that runs them,
// shared by the two x86 differential tests: kiln_diff_x86 (interpreter vs
// JIT, tests/diff/x86_diff.cpp) and kiln_hostdiff_x86 (Kiln vs the host CPU,
// tests/hostdiff/x86_hostdiff.cpp).
//
// The generator emits user-level integer instructions (ALU at every width,
// ADC/SBB chains, shifts and rotates by every count, MUL/IMUL/DIV/IDIV, BSF/
// BSR, BT*, POPCNT/TZCNT/LZCNT, BSWAP, MOVBE, MOVZX/MOVSX, CMOVcc/SETcc, XADD/
// CMPXCHG/XCHG, LEA with random ModRM/SIB, string instructions with REP
// prefixes, PUSH/POP, BCD outside 64-bit code, and Jcc skipping the next
// instruction) for 64-bit, 32-bit or 16-bit code. Programs stay inside a
// sandbox: memory operands are based on a register the program
// never writes (R15 / EBX / BX) pointing into the data area, string
// instructions get their pointers and count set just before them, and the
// stack pointer is never an operand. It also tracks which arithmetic flags
// the manual leaves undefined (SDM Vol. 2 per instruction; AMD's BT* also
// leave ZF undefined) so that a comparison with real hardware can mask them,
// and puts a CMP before any flag reader whose input would be undefined
// (unless `undefined_too`).
//
// The machine: an X86Cpu of Model::Max (x86-64 with MOVBE) with RAM at 0
// (system tables, page tables, one HLT handler per vector) and, in long mode,
// RAM at kUserBase (code, data, stack) mapped 1:1. A program ends with UD2: its #UD, like any
// other exception, is delivered to the handler for its vector, which halts.
#pragma once
#include <cstdint>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "common/log.h"
#include "cpu/x86/cpu.h"
#include "cpu/x86/flags.h"
#include "engine/engine.h"
#include "jit/jit.h"
#include "mem/physmap.h"

namespace kiln::x86test {

using namespace kiln::x86;

enum class Mode { Long64, Prot32, Real16 };
inline const char* mode_name(Mode m) { return m == Mode::Long64 ? "64-bit" : m == Mode::Prot32 ? "32-bit" : "real"; }

// Arithmetic flags as the generator tracks them.
constexpr uint32_t kCF = fl::CF, kPF = fl::PF, kAF = fl::AF, kZF = fl::ZF, kSF = fl::SF, kOF = fl::OF;
constexpr uint32_t kAll = fl::kArith;

// ---- layout (physical = linear)
constexpr uint64_t kLowSize = 0x20000;
constexpr uint64_t kGdt = 0x500, kTss = 0x600, kIdt = 0x800, kPml4 = 0x1000, kHandlers = 0x4000, kKernelStack = 0x9000;
constexpr uint64_t kUserBase = 0x10000000, kUserSize = 0x20000;  // long mode: code and data up here
constexpr uint64_t kDataSize = 0x2000;
constexpr uint64_t kBaseOffset = 0x400;   // the memory base register's offset into the data area
constexpr uint64_t kStackOffset = 0x1800;  // the initial stack pointer's
inline uint64_t code_addr(Mode m) { return m == Mode::Long64 ? kUserBase : 0x10000; }
inline uint64_t data_addr(Mode m) { return m == Mode::Long64 ? kUserBase + 0x10000 : 0x12000; }
// Real mode: CS = 0x1000, DS = ES = SS = 0x1200, so offsets in the data area start at 0.

// Registers a program never writes: the stack pointer, the memory base, the
// SIB index (64-bit only) and the loop counter.
inline unsigned base_reg(Mode m) { return m == Mode::Long64 ? 15u : unsigned(BX); }
inline unsigned loop_reg(Mode m) { return m == Mode::Long64 ? 13u : unsigned(BP); }
inline bool reserved(Mode m, unsigned r) {
  return r == SP || r == base_reg(m) || r == loop_reg(m) || (m == Mode::Long64 && r == 14);
}

struct Insn {
  uint64_t addr;
  std::vector<uint8_t> bytes;
};

struct Program {
  Mode mode;
  std::vector<Insn> insns;  // the whole program (ends with UD2)
  uint32_t undefined = 0;   // flags left undefined at the end
  bool compat = false;      // has a 32-bit part (the registers' upper halves are undefined after it)
  std::vector<uint8_t> code() const {
    std::vector<uint8_t> c;
    for (const Insn& i : insns) c.insert(c.end(), i.bytes.begin(), i.bytes.end());
    return c;
  }
  uint64_t end() const { return insns.back().addr; }  // the final UD2
};

struct InitialState {
  uint64_t gpr[16];
  uint32_t flags;  // arithmetic flags and DF
  std::vector<uint8_t> data;
};

class Generator {
 public:
  Generator(uint64_t seed, Mode mode) : rng_(seed), m_(mode), code_(code_addr(mode)), data_(data_addr(mode)) {}
  // Places the program at `code` with its data area at `data` (32-bit code run in long mode's compatibility mode).
  void place(uint64_t code, uint64_t data) {
    code_ = code;
    data_ = data;
  }
  // TZCNT/LZCNT among the bit instructions (off for a host CPU without BMI1 and LZCNT, which runs them as BSF/BSR).
  bool bit_counts = true;
  // What the manual leaves undefined is compared too (against an Intel host; Kiln follows Intel): flag
  // readers get no CMP before them, 16-bit SHLD/SHRD count up to 31, and BSWAP has 16-bit operands.
  bool undefined_too = false;
  uint64_t u64() { return rng_(); }
  uint64_t below(uint64_t n) { return rng_() % n; }
  bool coin() { return rng_() & 1; }

  uint64_t value() {
    switch (below(6)) {
      case 0: return below(64) - 32;
      case 1: {
        static constexpr uint64_t kEdges[] = {0, 1, ~0ull, 0x7fffffffffffffffull, 0x8000000000000000ull, 0x7fffffff,
                                              0x80000000, 0xffffffff, 0x7fff, 0x8000, 0xffff, 0x7f, 0x80, 0xff};
        return kEdges[below(std::size(kEdges))];
      }
      case 2: return below(0x10000);
      case 3: return uint32_t(u64());
      default: return u64();
    }
  }

  InitialState state() {
    InitialState s;
    for (uint64_t& r : s.gpr) r = value();
    if (m_ != Mode::Long64)
      for (uint64_t& r : s.gpr) r = uint32_t(r);
    const uint64_t data = m_ == Mode::Real16 ? 0 : data_;
    s.gpr[SP] = data + kStackOffset;
    s.gpr[base_reg(m_)] = data + kBaseOffset;
    s.gpr[loop_reg(m_)] = 1 + below(3);
    if (m_ == Mode::Long64) s.gpr[14] = below(32);
    s.flags = uint32_t(u64()) & (kAll | fl::DF);
    s.data.resize(kDataSize);
    for (uint8_t& b : s.data) b = uint8_t(u64());
    return s;
  }

  // A program of `n` random instructions (plus the fixes flag readers need),
  // looped `loop` times by the loop register when `loop` (interp vs JIT).
  Program program(unsigned n, bool loop) {
    Program p{m_, {}, 0};
    prog_ = &p;
    pc_ = code_;
    undef_ = 0;
    const uint64_t body = pc_;
    for (unsigned i = 0; i < n; i++) one();
    if (loop) {
      const unsigned lr = loop_reg(m_);
      // dec loop_reg; jnz body (rel32 in 32/64-bit code, rel16 in 16-bit code)
      begin();
      if (m_ == Mode::Long64) emit({0x41, 0xFF, uint8_t(0xC8 | (lr & 7))});
      else emit({uint8_t(0x48 + lr)});
      end();
      begin();
      emit({0x0F, 0x85});
      const unsigned rel = m_ == Mode::Real16 ? 2 : 4;
      const int64_t disp = int64_t(body) - int64_t(pc_ + 2 + rel);
      imm(uint64_t(disp), rel);
      end();
    }
    begin();
    emit({0x0F, 0x0B});  // ud2
    end();
    p.undefined = undef_;
    prog_ = nullptr;
    return p;
  }

 private:
  // ---- the instruction being built
  std::vector<uint8_t> cur_;
  void begin() { cur_.clear(); }
  void emit(std::initializer_list<uint8_t> b) {
    for (uint8_t x : b) cur_.push_back(x);
  }
  void imm(uint64_t v, unsigned n) {
    for (unsigned i = 0; i < n; i++) cur_.push_back(uint8_t(v >> (8 * i)));
  }
  void end() {
    prog_->insns.push_back({pc_, cur_});
    pc_ += cur_.size();
  }

  // Flag bookkeeping: `reads` must be defined (else a CMP defines them all first).
  void need(uint32_t reads) {
    if (undefined_too || !(undef_ & reads)) return;
    const unsigned a = pick_any();
    insn(32, {0x39}, a, rr(a, pick_any()));  // cmp r32, r32
    undef_ = 0;
  }
  void effect(uint32_t defines, uint32_t undefines) { undef_ = (undef_ & ~defines) | undefines; }

  // ---- operands
  struct Rm {
    bool mem = false;
    unsigned reg = 0;   // register form
    bool index = false;  // 64-bit: [r15 + r14*scale + d8]
    unsigned scale = 0;
    int8_t disp = 0;
  };
  Rm rr(unsigned reg_field, unsigned rm_reg) {
    last_reg_ = reg_field;
    last_rm_ = rm_reg;
    Rm r;
    r.reg = rm_reg;
    return r;
  }
  unsigned last_reg_ = 0, last_rm_ = 0;
  unsigned nregs() const { return m_ == Mode::Long64 ? 16 : 8; }
  unsigned pick_any() { return unsigned(below(nregs())); }
  unsigned pick_dst() {
    for (;;) {
      unsigned r = pick_any();
      if (!reserved(m_, r)) return r;
    }
  }
  // 8-bit registers without REX: 4-7 are AH, CH, DH, BH (part of register r-4).
  bool legacy8_ok(unsigned r) const { return r < 8 && !reserved(m_, r & 3); }
  Rm mem() {
    Rm r;
    r.mem = true;
    r.disp = int8_t(below(256));
    if (m_ == Mode::Long64 && coin()) {
      r.index = true;
      r.scale = unsigned(below(4));
    }
    return r;
  }
  unsigned width() {
    if (m_ == Mode::Long64) return 8u << below(4);
    return 8u << below(3);
  }
  unsigned width_no8() {
    for (;;) {
      unsigned w = width();
      if (w != 8) return w;
    }
  }
  unsigned imm_bytes(unsigned w) const { return w == 8 ? 1 : w == 16 ? 2 : 4; }
  // Operand-size prefix and REX for an instruction with `reg` in ModRM.reg.
  bool force_rex_ = false;
  void operand_prefixes(unsigned w, const Rm& rm, unsigned reg = 0, bool legacy8 = false) {
    const bool is16 = m_ == Mode::Real16;
    if ((w == 16 && !is16) || (w == 32 && is16)) emit({0x66});
    if (m_ != Mode::Long64) return;
    uint8_t rex = 0x40;
    if (w == 64) rex |= 8;
    if (reg >= 8) rex |= 4;
    if (rm.mem) {
      rex |= 1;  // r15
      if (rm.index) rex |= 2;  // r14
    } else if (rm.reg >= 8) {
      rex |= 1;
    }
    if (rex != 0x40 || (w == 8 && !legacy8) || force_rex_) emit({rex});
  }
  void modrm(unsigned reg, unsigned rm_reg) { cur_.push_back(uint8_t(0xC0 | (reg & 7) << 3 | (rm_reg & 7))); }
  void modrm_of(unsigned reg, const Rm& rm) {
    if (!rm.mem) return modrm(reg, rm.reg);
    const unsigned b = m_ == Mode::Long64 ? 7 : m_ == Mode::Prot32 ? 3 : 7;  // r15, ebx, [bx]
    if (rm.index) {
      cur_.push_back(uint8_t(0x44 | (reg & 7) << 3));
      cur_.push_back(uint8_t(rm.scale << 6 | 6 << 3 | 7));
    } else {
      cur_.push_back(uint8_t(0x40 | (reg & 7) << 3 | b));
    }
    cur_.push_back(uint8_t(rm.disp));
  }
  // A full instruction: prefixes, opcode, ModRM (reg, rm), immediate.
  void insn(unsigned w, std::initializer_list<uint8_t> op, unsigned reg, const Rm& rm, bool legacy8 = false,
            uint64_t immv = 0, unsigned immn = 0) {
    begin();
    operand_prefixes(w, rm, reg, legacy8);
    emit(op);
    modrm_of(reg, rm);
    imm(immv, immn);
    end();
  }
  // Two operands of width w: the destination (writable, possibly memory) and a source register.
  struct Pair {
    Rm dst;
    unsigned src;
    bool legacy8;
  };
  Pair pair(unsigned w, bool allow_mem = true) {
    Pair p;
    p.legacy8 = false;
    if (allow_mem && below(4) == 0) {
      p.dst = mem();
      p.src = pick_any();
      if (w == 8 && m_ == Mode::Long64 && p.src >= 4 && p.src < 8) p.src -= 4;  // no SPL..DIL with mem: keep simple
      if (w == 8 && m_ != Mode::Long64) p.legacy8 = true;
      return p;
    }
    if (w == 8 && (m_ != Mode::Long64 || coin())) {
      p.legacy8 = true;
      unsigned d;
      do d = unsigned(below(8));
      while (!legacy8_ok(d));
      p.dst = rr(0, d);
      p.src = unsigned(below(8));
      return p;
    }
    p.dst = rr(0, pick_dst());
    p.src = pick_any();
    return p;
  }

  // ---- instruction kinds
  void alu() {
    const unsigned op = unsigned(below(8));  // add or adc sbb and sub xor cmp
    const unsigned w = width();
    if (op == 2 || op == 3) need(kCF);
    const bool logic = op == 1 || op == 4 || op == 6;
    switch (below(4)) {
      case 0: {  // r/m, imm
        Pair p = pair(w);
        const bool imm8 = w != 8 && coin();
        insn(w, {uint8_t(w == 8 ? 0x80 : imm8 ? 0x83 : 0x81)}, op, p.dst, p.legacy8, value(),
             imm8 ? 1 : imm_bytes(w));
        break;
      }
      case 1: {  // AL/eAX, imm
        begin();
        operand_prefixes(w, rr(0, 0), 0, true);
        emit({uint8_t(op * 8 + (w == 8 ? 4 : 5))});
        imm(value(), imm_bytes(w));
        end();
        break;
      }
      default: {  // r/m, r or r, r/m
        Pair p = pair(w);
        if (p.dst.mem && coin()) {
          if (w == 8 && m_ != Mode::Long64 && !legacy8_ok(p.src)) p.src = 0;
          else if (reserved(m_, p.src) && !(w == 8 && m_ != Mode::Long64)) p.src = pick_dst();
          insn(w, {uint8_t(op * 8 + (w == 8 ? 2 : 3))}, p.src, p.dst, p.legacy8);  // register destination
        } else {
          insn(w, {uint8_t(op * 8 + (w == 8 ? 0 : 1))}, p.src, p.dst, p.legacy8);
        }
      }
    }
    effect(logic ? kAll & ~kAF : kAll, logic ? kAF : 0);
  }
  void adc_chain() {
    const unsigned w = width_no8();
    const unsigned n = 2 + unsigned(below(3));
    const bool sub = coin();
    for (unsigned i = 0; i < n; i++) {
      Pair p = pair(w, false);
      insn(w, {uint8_t((i == 0 ? (sub ? 5 : 0) : (sub ? 3 : 2)) * 8 + 1)}, p.src, p.dst);
    }
    effect(kAll, 0);
  }
  void unary() {
    const unsigned w = width();
    Pair p = pair(w);
    switch (below(4)) {
      case 0: insn(w, {uint8_t(w == 8 ? 0xFE : 0xFF)}, 0, p.dst, p.legacy8); effect(kAll & ~kCF, 0); break;  // inc
      case 1: insn(w, {uint8_t(w == 8 ? 0xFE : 0xFF)}, 1, p.dst, p.legacy8); effect(kAll & ~kCF, 0); break;  // dec
      case 2: insn(w, {uint8_t(w == 8 ? 0xF6 : 0xF7)}, 2, p.dst, p.legacy8); break;                          // not
      default: insn(w, {uint8_t(w == 8 ? 0xF6 : 0xF7)}, 3, p.dst, p.legacy8); effect(kAll, 0); break;        // neg
    }
  }
  void test() {
    const unsigned w = width();
    Pair p = pair(w);
    if (coin()) insn(w, {uint8_t(w == 8 ? 0x84 : 0x85)}, p.src, p.dst, p.legacy8);
    else insn(w, {uint8_t(w == 8 ? 0xF6 : 0xF7)}, 0, p.dst, p.legacy8, value(), imm_bytes(w));
    effect(kAll & ~kAF, kAF);
  }
  // The count: 0..w+1 mostly, any byte sometimes.
  unsigned count(unsigned w) { return below(4) == 0 ? unsigned(below(256)) : unsigned(below(w + 2)); }
  void shift() {
    const unsigned op = unsigned(below(8));  // rol ror rcl rcr shl shr sal sar
    const unsigned w = width();
    unsigned c = count(w);
    const unsigned form = unsigned(below(3));  // by 1, by CL, by imm8
    if (form == 0) c = 1;
    if (op == 2 || op == 3) need(kCF);
    if (form == 1) {  // mov cl, c
      begin();
      emit({0xB1, uint8_t(c)});
      end();
    }
    Pair p = pair(w);
    if (form == 1 && !p.dst.mem && (p.dst.reg & (p.legacy8 ? 3 : 15)) == CX) p.dst = mem();
    const uint8_t base = form == 0 ? 0xD0 : form == 1 ? 0xD2 : 0xC0;
    insn(w, {uint8_t(base + (w == 8 ? 0 : 1))}, op, p.dst, p.legacy8, c, form == 2 ? 1 : 0);
    const unsigned mc = c & (w == 64 ? 63 : 31);
    if (mc == 0) return;
    if (op < 4) {
      effect(mc == 1 ? kCF | kOF : kCF, mc == 1 ? 0 : kOF);
    } else {
      uint32_t u = kAF | (mc == 1 ? 0 : kOF);
      if (op != 7 && mc >= w) u |= kCF;
      effect(kAll & ~u, u);
    }
  }
  void double_shift() {
    const unsigned w = width_no8();
    unsigned c = w == 16 && !undefined_too ? unsigned(below(17)) : count(w);
    const bool by_cl = coin();
    if (by_cl) {
      begin();
      emit({0xB1, uint8_t(c)});
      end();
    }
    Pair p = pair(w);
    if (by_cl && !p.dst.mem && p.dst.reg == CX) p.dst = mem();
    const uint8_t op = uint8_t((coin() ? 0xA4 : 0xAC) + (by_cl ? 1 : 0));
    insn(w, {0x0F, op}, p.src, p.dst, false, c, by_cl ? 0 : 1);
    const unsigned mc = c & (w == 64 ? 63 : 31);
    if (mc == 0) return;
    const uint32_t u = kAF | (mc == 1 ? 0 : kOF);
    effect(kAll & ~u, u);
  }
  // mul imul div idiv (F6/F7), imul r, r/m (0F AF), imul r, r/m, imm (69, 6B)
  void muldiv() {
    const unsigned w = width();
    const unsigned kind = unsigned(below(6));
    if (kind >= 4) {
      const unsigned ww = width_no8();
      Pair p = pair(ww);
      const unsigned dst = pick_dst();
      if (kind == 4) insn(ww, {0x0F, 0xAF}, dst, p.dst);
      else if (coin()) insn(ww, {0x6B}, dst, p.dst, false, value(), 1);
      else insn(ww, {0x69}, dst, p.dst, false, value(), imm_bytes(ww));
      effect(kCF | kOF, kAll & ~(kCF | kOF));
      return;
    }
    if (kind >= 2 && below(4) != 0) {  // usually make the divide fit: clear or sign-extend the high half
      begin();
      if (w == 8) {
        emit({0x30, 0xE4});  // xor ah, ah
      } else if (kind == 2) {
        operand_prefixes(w, rr(DX, DX));
        emit({0x31, 0xD2});  // xor edx, edx
      } else {
        operand_prefixes(w, rr(0, 0), 0, true);
        emit({0x99});  // cwd/cdq/cqo
      }
      end();
      if (w == 8 || kind == 2) effect(kAll & ~kAF, kAF);
    }
    Pair p = pair(w);
    insn(w, {uint8_t(w == 8 ? 0xF6 : 0xF7)}, 4 + kind, p.dst, p.legacy8);
    if (kind < 2) effect(kCF | kOF, kAll & ~(kCF | kOF));
    else effect(0, kAll);
  }
  void bits() {
    const unsigned w = width_no8();
    switch (below(7)) {
      case 6: {  // movbe r, m / m, r (the host and `-cpu max` have it)
        const bool load = coin();
        insn(w, {0x0F, 0x38, uint8_t(load ? 0xF0 : 0xF1)}, load ? pick_dst() : pick_any(), mem());
        break;
      }
      case 0: {  // bsf / bsr
        Pair p = pair(w);
        insn(w, {0x0F, uint8_t(coin() ? 0xBC : 0xBD)}, pick_dst(), p.dst);
        effect(kZF, kAll & ~kZF);
        break;
      }
      case 1: {  // bt/bts/btr/btc r/m, imm8
        Pair p = pair(w);
        const unsigned op = 4 + unsigned(below(4));
        insn(w, {0x0F, 0xBA}, op, p.dst, false, below(256), 1);
        effect(kCF, kAll & ~kCF);
        break;
      }
      case 2: {  // bt/bts/btr/btc r, r (register operands: the offset is taken modulo the width)
        Pair p = pair(w, false);
        static constexpr uint8_t kOps[] = {0xA3, 0xAB, 0xB3, 0xBB};
        insn(w, {0x0F, kOps[below(4)]}, p.src, p.dst);
        effect(kCF, kAll & ~kCF);
        break;
      }
      case 3: {  // popcnt, tzcnt, lzcnt (F3 0F B8/BC/BD: x86-64 model; the host needs POPCNT, BMI1 and LZCNT)
        Pair p = pair(w);
        const unsigned op = bit_counts ? unsigned(below(3)) : 0;
        static constexpr uint8_t kOps[] = {0xB8, 0xBC, 0xBD};
        insn(w, {0x0F, kOps[op]}, pick_dst(), p.dst);
        // The F3 prefix goes before any 66/REX: rebuild the bytes with it first.
        Insn& last = prog_->insns.back();
        last.bytes.insert(last.bytes.begin(), 0xF3);
        pc_ += 1;
        if (op == 0) effect(kAll, 0);
        else effect(kCF | kZF, kAll & ~(kCF | kZF));
        break;
      }
      case 4: {  // cmpxchg8b / cmpxchg16b m (16B: #GP unless 16-byte aligned)
        Rm m = mem();
        insn(m_ == Mode::Long64 && coin() ? 64 : 32, {0x0F, 0xC7}, 1, m);
        effect(kZF, 0);
        break;
      }
      default: {  // bswap (32/64; 16, whose result is undefined, only with undefined_too)
        unsigned ww = m_ == Mode::Long64 && coin() ? 64 : 32;
        if (undefined_too && below(4) == 0) ww = 16;
        const unsigned r = pick_dst();
        begin();
        operand_prefixes(ww, rr(0, r));
        emit({0x0F, uint8_t(0xC8 + (r & 7))});
        end();
      }
    }
  }
  void extend() {
    const unsigned w = width_no8();
    const unsigned dst = pick_dst();
    const bool from8 = coin();
    const bool sign = coin();
    if (m_ == Mode::Long64 && w == 64 && below(4) == 0) {  // movsxd
      insn(64, {0x63}, dst, coin() ? mem() : rr(dst, pick_any()));
      return;
    }
    Rm src;
    bool legacy8 = false;
    if (below(4) == 0) src = mem();
    else if (from8 && (m_ != Mode::Long64 || (dst < 8 && w != 64 && coin()))) {
      legacy8 = true;
      src = rr(dst, unsigned(below(8)));
    } else {
      src = rr(dst, pick_any());
    }
    insn(w, {0x0F, uint8_t((sign ? 0xBE : 0xB6) + (from8 ? 0 : 1))}, dst, src, legacy8);
  }
  void cond() {
    need(kAll);
    const unsigned cc = unsigned(below(16));
    if (coin()) {  // cmovcc
      const unsigned w = width_no8();
      Pair p = pair(w);
      insn(w, {0x0F, uint8_t(0x40 + cc)}, pick_dst(), p.dst);
    } else {  // setcc
      Pair p = pair(8);
      insn(8, {0x0F, uint8_t(0x90 + cc)}, 0, p.dst, p.legacy8);
    }
  }
  void exchange() {
    const unsigned w = width();
    Pair p = pair(w);
    unsigned src = p.src;
    if (w == 8 && p.legacy8) {
      while (!legacy8_ok(src)) src = unsigned(below(8));
    } else if (reserved(m_, src)) {
      src = pick_dst();
    }
    switch (below(3)) {
      case 0: insn(w, {0x0F, uint8_t(w == 8 ? 0xC0 : 0xC1)}, src, p.dst, p.legacy8); effect(kAll, 0); break;  // xadd
      case 1: insn(w, {0x0F, uint8_t(w == 8 ? 0xB0 : 0xB1)}, src, p.dst, p.legacy8); effect(kAll, 0); break;  // cmpxchg
      default: {  // xchg
        // With memory it is locked: keep it inside one 64-byte line (the memory base is 64-byte aligned), since
        // a split lock can hang a host CPU under a hypervisor with split-lock detection (it does on our VMs).
        if (p.dst.mem) {
          p.dst.index = false;
          const int off = ((p.dst.disp % 64) + 64) % 64, over = off + int(w / 8) - 64;
          if (over > 0) p.dst.disp = int8_t(p.dst.disp - over);
        }
        insn(w, {uint8_t(w == 8 ? 0x86 : 0x87)}, src, p.dst, p.legacy8);
        break;
      }
    }
  }
  // LEA with a random ModRM (and SIB, displacement) in either address size; no memory is accessed.
  void lea() {
    const unsigned w = width_no8();
    const unsigned dst = pick_dst();
    const bool swap_asize = below(4) == 0;
    const unsigned asize = m_ == Mode::Long64 ? (swap_asize ? 32 : 64) : m_ == Mode::Prot32 ? (swap_asize ? 16 : 32)
                                                                                            : (swap_asize ? 32 : 16);
    begin();
    if (swap_asize) emit({0x67});
    const bool is16 = m_ == Mode::Real16;
    if ((w == 16 && !is16) || (w == 32 && is16)) emit({0x66});
    const unsigned mod = unsigned(below(3)), rm = unsigned(below(8));
    if (m_ == Mode::Long64) emit({uint8_t(0x40 | (w == 64 ? 8 : 0) | (dst >= 8 ? 4 : 0) | unsigned(below(4)))});
    emit({0x8D, uint8_t(mod << 6 | (dst & 7) << 3 | rm)});
    unsigned disp = mod == 1 ? 1 : 0;
    if (asize == 16) {
      if (mod == 2 || (mod == 0 && rm == 6)) disp = 2;
    } else {
      if (mod == 2 || (mod == 0 && rm == 5)) disp = 4;
      if (rm == 4) {
        const uint8_t sib = uint8_t(below(256));
        cur_.push_back(sib);
        if (mod == 0 && (sib & 7) == 5) disp = 4;
      }
    }
    imm(value(), disp);
    end();
  }
  void move() {
    const unsigned w = width();
    switch (below(4)) {
      case 0: {  // mov r, imm (B0+r / B8+r, imm64 with REX.W)
        const unsigned r = w == 8 && m_ != Mode::Long64 ? 0 : pick_dst();
        begin();
        operand_prefixes(w, rr(0, r), 0, w == 8 && m_ != Mode::Long64);
        emit({uint8_t((w == 8 ? 0xB0 : 0xB8) + (r & 7))});
        imm(value(), w == 64 ? 8 : imm_bytes(w));
        end();
        break;
      }
      case 1: {  // mov r/m, imm
        Pair p = pair(w);
        insn(w, {uint8_t(w == 8 ? 0xC6 : 0xC7)}, 0, p.dst, p.legacy8, value(), imm_bytes(w));
        break;
      }
      default: {
        Pair p = pair(w);
        if (p.dst.mem && coin()) {
          unsigned d = p.src;
          if (w == 8 && p.legacy8) {
            while (!legacy8_ok(d)) d = unsigned(below(8));
          } else if (reserved(m_, d)) {
            d = pick_dst();
          }
          insn(w, {uint8_t(w == 8 ? 0x8A : 0x8B)}, d, p.dst, p.legacy8);
        } else {
          insn(w, {uint8_t(w == 8 ? 0x88 : 0x89)}, p.src, p.dst, p.legacy8);
        }
      }
    }
  }
  void stack() {
    switch (below(6)) {
      case 0: {  // push r
        const unsigned r = pick_any();
        begin();
        if (coin()) emit({0x66});
        if (r >= 8) emit({0x41});
        emit({uint8_t(0x50 + (r & 7))});
        end();
        break;
      }
      case 1: {  // pop r
        const unsigned r = pick_dst();
        begin();
        if (coin()) emit({0x66});
        if (r >= 8) emit({0x41});
        emit({uint8_t(0x58 + (r & 7))});
        end();
        break;
      }
      case 2:  // push imm8 / imm
        begin();
        if (coin()) emit({0x6A, uint8_t(below(256))});
        else {
          emit({0x68});
          imm(value(), m_ == Mode::Real16 ? 2 : 4);
        }
        end();
        break;
      case 3: insn(m_ == Mode::Real16 ? 16 : 32, {0xFF}, 6, mem()); break;  // push m
      case 4: insn(m_ == Mode::Real16 ? 16 : 32, {0x8F}, 0, mem()); break;  // pop m
      default:  // pushf
        need(kAll);
        begin();
        emit({0x9C});
        end();
    }
  }
  void flag_ops() {
    const unsigned kind = unsigned(below(7));
    if (kind == 2) need(kCF);
    if (kind == 4) need(kAll & ~kOF);
    begin();
    switch (kind) {
      case 0: emit({0xF8}); effect(kCF, 0); break;          // clc
      case 1: emit({0xF9}); effect(kCF, 0); break;          // stc
      case 2: emit({0xF5}); break;                          // cmc
      case 3: emit({0x9E}); effect(kAll & ~kOF, 0); break;  // sahf
      case 4: emit({0x9F}); break;                          // lahf
      case 5: {  // cbw family / cwd family
        const unsigned w = width_no8();
        operand_prefixes(w, rr(0, 0), 0, true);
        emit({uint8_t(coin() ? 0x98 : 0x99)});
        break;
      }
      default: emit({uint8_t(coin() ? 0xFC : 0xFD)});  // cld / std
    }
    end();
  }
  // Sets SI, DI and CX (pointers into the data area: up to 64 elements of 8 bytes either way) and runs one string instruction.
  void string() {
    const uint64_t data = m_ == Mode::Real16 ? 0 : data_;
    auto set = [&](unsigned r, uint64_t v) {  // mov r32, imm32 (mov r16, imm16 in 16-bit code)
      begin();
      emit({uint8_t(0xB8 + r)});
      imm(v, m_ == Mode::Real16 ? 2 : 4);
      end();
    };
    set(SI, data + 0x600 + below(0x600));
    set(DI, data + 0x600 + below(0x600));
    const uint64_t n = below(5) == 0 ? 0 : below(64);
    set(CX, n);
    static constexpr uint8_t kOps[] = {0xA4, 0xAA, 0xAC, 0xA6, 0xAE};  // movs stos lods cmps scas
    const uint8_t op = kOps[below(5)];
    const unsigned w = width();
    const bool compares = op == 0xA6 || op == 0xAE;
    const unsigned rep = unsigned(below(3));  // none, rep/repe, repne
    begin();
    if (rep == 1) emit({0xF3});
    if (rep == 2 && compares) emit({0xF2});
    if (rep == 2 && !compares) emit({0xF3});
    operand_prefixes(w, rr(0, 0), 0, true);
    emit({uint8_t(op + (w == 8 ? 0 : 1))});
    end();
    if (compares && (rep == 0 || n > 0)) effect(kAll, 0);
  }
  // BCD (not in 64-bit code): DAA DAS AAA AAS, AAM/AAD with base 10 or any (0: #DE).
  void bcd() {
    const unsigned kind = unsigned(below(6));
    need(kind < 2 ? kAF | kCF : kind < 4 ? kAF : 0);
    begin();
    static constexpr uint8_t kOps[] = {0x27, 0x2F, 0x37, 0x3F, 0xD4, 0xD5};
    emit({kOps[kind]});
    if (kind >= 4) emit({uint8_t(below(4) ? 10 : below(256))});
    end();
    if (kind < 2) effect(kAll & ~kOF, kOF);
    else if (kind < 4) effect(kAF | kCF, kOF | kSF | kZF | kPF);
    else effect(kSF | kZF | kPF, kOF | kAF | kCF);
  }
  // Jcc, or LOOP/LOOPE/LOOPNE/JrCXZ (E0-E3, sometimes with an address-size prefix), over the next instruction.
  void skip() {
    need(kAll);
    const bool loop_family = below(4) == 0;
    const unsigned cc = loop_family ? unsigned(below(4)) : unsigned(below(16));
    const bool asize = loop_family && coin();
    const size_t at = prog_->insns.size();
    const uint64_t jcc_pc = pc_;
    const unsigned jlen = asize ? 3 : 2;
    pc_ += jlen;
    const uint32_t before = undef_;
    one_plain();
    const uint64_t len = pc_ - (jcc_pc + jlen);
    if (len > 127) {  // too long to skip (a string setup is not): drop the jump
      pc_ = jcc_pc;
      prog_->insns.resize(at);
      undef_ = before;
      return;
    }
    std::vector<uint8_t> j;
    if (asize) j.push_back(0x67);
    j.push_back(uint8_t((loop_family ? 0xE0 : 0x70) + cc));
    j.push_back(uint8_t(len));
    prog_->insns.insert(prog_->insns.begin() + long(at), Insn{jcc_pc, j});
    undef_ |= before;
  }

  void one_plain() {
    switch (below(16)) {
      case 0: case 1: case 2: alu(); break;
      case 3: adc_chain(); break;
      case 4: unary(); break;
      case 5: test(); break;
      case 6: case 7: shift(); break;
      case 8: double_shift(); break;
      case 9: muldiv(); break;
      case 10: bits(); break;
      case 11: extend(); cond(); break;
      case 12: exchange(); lea(); break;
      case 13: move(); break;
      case 14: stack(); flag_ops(); break;
      default:
        if (m_ != Mode::Long64 && coin()) bcd();
        else string();
    }
  }
  void one() {
    if (below(12) == 0) skip();
    else one_plain();
  }

  std::mt19937_64 rng_;
  Mode m_;
  uint64_t code_, data_;
  Program* prog_ = nullptr;
  uint64_t pc_ = 0;
  uint32_t undef_ = 0;
};

// One guest: an X86Cpu in `mode` with the program and state loaded, run by one tier.
struct Guest {
  mem::PhysMap map;
  Log log;
  std::unique_ptr<X86Cpu> cpu;
  std::unique_ptr<engine::Engine> engine;
  Mode mode;

  void put64(uint64_t pa, uint64_t v) { map.write(pa, &v, 8); }

  Guest(Mode m, const Program& p, const InitialState& init, jit::Jit* jit) : mode(m) {
    (void)map.add_ram("low", 0, kLowSize);
    if (m == Mode::Long64) (void)map.add_ram("user", kUserBase, kUserSize);
    std::vector<uint8_t> code = p.code();
    map.write(code_addr(m), code.data(), code.size());
    map.write(data_addr(m), init.data.data(), init.data.size());
    // One handler per vector: hlt (16 bytes apart).
    for (unsigned v = 0; v < 32; v++) {
      const uint8_t hlt = 0xF4;
      map.write(kHandlers + 16 * v, &hlt, 1);
    }
    cpu = std::make_unique<X86Cpu>(map, Model::Max);
    X86State& s = cpu->s();
    std::memcpy(s.gpr, init.gpr, sizeof s.gpr);
    if (m == Mode::Real16) setup_real(s);
    else setup_protected(s, m == Mode::Long64);
    s.mem.flush_tlb();
    write_flags(s, init.flags | fl::IF | 2);
    engine::Options o;
    o.verify_ir = true;
    o.jit = jit;
    o.jit_threshold = o.jit_straight_threshold = 1;
    o.jit_sync = true;
    engine = std::make_unique<engine::Engine>(*cpu, map, log, o);
  }
  void setup_real(X86State& s) {
    for (unsigned v = 0; v < 256; v++) {
      const uint32_t vec = uint32_t(kHandlers >> 4) << 16 | (v < 32 ? 16 * v : 16 * 31);
      map.write(4 * v, &vec, 4);
    }
    cpu->set_sreg(DS, 0x1200);
    cpu->set_sreg(ES, 0x1200);
    cpu->set_sreg(SS, 0x1200);
    cpu->set_cs_ip(0x1000, 0);
  }
  void setup_protected(X86State& s, bool lm) {
    // GDT as Linux lays it out: null, kernel code (64-bit or 32-bit), kernel data, -, user code 32 (0x23),
    // user data (0x2B), user code 64 (0x33).
    put64(kGdt + 0, 0);
    put64(kGdt + 8, lm ? 0x00AF9A000000FFFFull : 0x00CF9A000000FFFFull);
    put64(kGdt + 16, 0x00CF92000000FFFFull);
    put64(kGdt + 24, 0);
    put64(kGdt + 32, 0x00CFFA000000FFFFull);
    put64(kGdt + 40, 0x00CFF2000000FFFFull);
    put64(kGdt + 48, 0x00AFFA000000FFFFull);
    s.gdtr = TableReg{kGdt, 55};
    // IDT: interrupt gates to the handlers, DPL 3.
    for (unsigned v = 0; v < 32; v++) {
      const uint64_t h = kHandlers + 16 * v;
      const uint64_t lo = (h & 0xffff) | 0x08ull << 16 | uint64_t(lm ? 0xEE : 0xEE) << 40 | ((h >> 16) & 0xffff) << 48;
      if (lm) {
        put64(kIdt + 16 * v, lo);
        put64(kIdt + 16 * v + 8, h >> 32);
      } else {
        put64(kIdt + 8 * v, lo);
      }
    }
    s.idtr = TableReg{kIdt, lm ? 32u * 16 - 1 : 32u * 8 - 1};
    const uint16_t code_attr = attr::kPresent | attr::kS | attr::kCode | attr::kReadable | attr::kAccessed | attr::kG;
    const uint16_t data_attr = attr::kPresent | attr::kS | attr::kWritable | attr::kAccessed | attr::kG | attr::kDB;
    s.cr0 = cr0::PE | cr0::MP | cr0::ET | cr0::NE;
    if (lm) {
      // Page tables: 1 GiB mapped 1:1 with 2 MiB pages, user accessible; a 64-bit TSS with RSP0.
      put64(kPml4, (kPml4 + 0x1000) | 7);
      put64(kPml4 + 0x1000, (kPml4 + 0x2000) | 7);
      for (uint64_t i = 0; i < 512; i++) put64(kPml4 + 0x2000 + 8 * i, i << 21 | 0x87);
      put64(kTss + 4, kKernelStack);
      s.tr = Segment{kTss, 0x67, 0x40, uint16_t(attr::kPresent | 0xB)};
      s.cr0 |= cr0::PG | cr0::WP;
      s.cr3 = kPml4;
      s.cr4 = cr4::PAE;
      s.efer = efer::LME | efer::LMA;
      s.seg[CS] = Segment{0, 0xffffffff, 0x33, uint16_t(code_attr | attr::kL | 3 << 5)};
      for (unsigned g : {SS, DS, ES, FS, GS}) s.seg[g] = Segment{0, 0xffffffff, 0x2B, uint16_t(data_attr | 3 << 5)};
      s.cpl = 3;
    } else {
      // 32-bit flat segments at CPL 0, no paging.
      s.seg[CS] = Segment{0, 0xffffffff, 0x08, uint16_t(code_attr | attr::kDB)};
      for (unsigned g : {SS, DS, ES, FS, GS}) s.seg[g] = Segment{0, 0xffffffff, 0x10, data_attr};
      s.cpl = 0;
    }
    s.pc = code_addr(mode);
  }

  // Runs until the CPU halts in a handler; false if it did not within the budget.
  bool run(int max_slices = 2000) {
    for (int i = 0; i < max_slices; i++)
      if (engine->run_for(1000) == engine::Engine::SliceEnd::Idle) return true;
    return false;
  }
  // The vector whose handler halted (after the HLT, the pc is one past it).
  unsigned vector() const { return unsigned((cpu->s().pc - 1 - kHandlers) / 16); }
  static bool has_error_code(unsigned v) { return v == 8 || (v >= 10 && v <= 14) || v == 17; }
  // Word `i` of the interrupt frame (0: the return ip, after any error code).
  uint64_t frame(unsigned i) {
    const X86State& s = cpu->s();
    const unsigned bytes = mode == Mode::Long64 ? 8 : mode == Mode::Prot32 ? 4 : 2;
    const uint64_t at = s.seg[SS].base + (s.gpr[SP] & (bytes == 2 ? 0xffff : ~0ull)) +
                        bytes * (i + (mode != Mode::Real16 && has_error_code(vector()) ? 1 : 0));
    uint64_t v = 0;
    map.read(at, &v, bytes);
    return v;
  }
  // Where the program stopped: the faulting instruction (or the final UD2), as a linear address.
  uint64_t stop_pc() { return mode == Mode::Real16 ? 0x10000 + frame(0) : frame(0); }
};

}  // namespace kiln::x86test

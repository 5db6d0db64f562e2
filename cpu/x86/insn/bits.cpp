// Bit and byte operations of the 386 and later (Intel SDM Vol. 2: BT, BTS,
// BTR, BTC, BSF, BSR, TZCNT, LZCNT, POPCNT, SHLD, SHRD, BSWAP, MOVBE, MOVZX, MOVSX,
// MOVSXD, SETcc, CMOVcc, CMPXCHG, CMPXCHG8B/16B, XADD, ARPL) and the hint
// NOPs. Flags the manual leaves undefined are what Intel CPUs leave there
// (measured on the host; docs/design.md "Undefined flags"): BT* keep them.
#include "cpu/x86/helpers.h"
#include "cpu/x86/insn/shapes.h"

namespace kiln::x86 {

namespace {
enum class Bt { Test, Set, Reset, Complement };

// BT* Ev,Gv / Ev,Ib. With a register bit offset and a memory operand, the
// offset selects the operand: the address moves by (offset >> log2 w) words.
bool gen_bt(Ctx& c, Bt kind) {
  return by_width(c.width(0), [&]<T W>() {
    ir::Builder& b = c.b;
    constexpr unsigned w = ir::type_bits(W);
    const bool imm = c.in.row->ops[1].kind == Opnd::I;
    ir::Val<W> offset = imm ? b.template constant<W>(c.in.imm & (w - 1)) : c.read<W>(1);
    ir::Val<W> bit = b.and_(offset, b.template constant<W>(w - 1));
    ir::Val<W> v;
    const bool memory = c.in.mod != 3;
    unsigned seg = 0;
    U64 addr{};
    if (memory && !imm) {
      seg = unsigned(c.seg_of_ea());
      // The signed word index, in bytes.
      U64 words = b.shra(sresize<T::I64>(b, offset), b.c64(__builtin_ctz(w)));
      addr = c.addr_mask(b.add(c.ea(), b.shl(words, b.c64(__builtin_ctz(w / 8)))));
      v = c.load<W>(seg, addr);
    } else {
      v = c.read<W>(0);
    }
    ir::Val<W> mask = b.shl(b.template constant<W>(1), bit);
    B1 set = b.ne(b.and_(v, mask), b.template constant<W>(0));
    if (kind != Bt::Test) {
      ir::Val<W> r = kind == Bt::Set ? b.or_(v, mask) : kind == Bt::Reset ? b.and_(v, b.not_(mask)) : b.xor_(v, mask);
      if (memory && !imm) c.store(seg, addr, r);
      else c.write<W>(0, r);
    }
    c.set_cc_flags(b.or_(b.and_(c.arith_flags(), b.c32(~fl::CF)), flag_bit(b, set, fl::CF)));
    return true;
  });
}
}  // namespace
bool BT(Ctx& c) { return gen_bt(c, Bt::Test); }
bool BTS(Ctx& c) { return gen_bt(c, Bt::Set); }
bool BTR(Ctx& c) { return gen_bt(c, Bt::Reset); }
bool BTC(Ctx& c) { return gen_bt(c, Bt::Complement); }

namespace {
// F3 0F BC/BD are TZCNT/LZCNT where the CPU has them (BMI1/ABM); elsewhere BSF/BSR.
bool has_lzcnt(const Ctx& c) { return c.has(Feature::Abm); }

bool gen_bit_scan(Ctx& c, bool forward) {
  const bool count = c.in.rep == 0xF3 && has_lzcnt(c);
  return by_width(c.width(0), [&]<T W>() {
    ir::Builder& b = c.b;
    constexpr unsigned w = ir::type_bits(W);
    ir::Val<W> src = c.read<W>(1);
    ir::Val<W> zero = b.template constant<W>(0);
    B1 is_zero = b.eq(src, zero);
    if (count) {  // TZCNT/LZCNT: the count (w for 0); CF = source 0, ZF = result 0, OF SF AF PF cleared
      ir::Val<W> n = forward ? b.ctz(src) : b.clz(src);
      c.write<W>(0, n);
      c.set_cc_flags(b.or_(flag_bit(b, is_zero, fl::CF), flag_bit(b, b.eq(n, zero), fl::ZF)));
      return true;
    }
    // BSF/BSR: the index; a zero source leaves the destination unchanged (as Intel and AMD CPUs do) and sets ZF.
    ir::Val<W> index = forward ? b.ctz(src) : b.sub(b.template constant<W>(w - 1), b.clz(src));
    if constexpr (W == T::I32) {  // unchanged means all 64 bits (Intel): no zeroing of bits 32-63 either
      const unsigned r = c.in.reg;
      c.set_reg(r, b.select(is_zero, c.reg<T::I64>(r), b.zext<T::I64>(index)));
    } else {
      c.write<W>(0, b.select(is_zero, c.read<W>(0), index));
    }
    // Flags: ZF = source 0; PF the parity of the index (of 0 for a zero source); CF OF SF AF cleared. Those are
    // a logic result's flags, with bit 8 set beside the index (below the sign, outside the parity byte) so an
    // index of 0 is not zero: kept lazy as kind Logic.
    ir::Val<W> shown = b.select(is_zero, zero, b.or_(index, b.template constant<W>(0x100)));
    c.set_cc<W>(CcOp::Logic8, src, src, shown);
    return true;
  });
}
}  // namespace
bool BSF(Ctx& c) { return gen_bit_scan(c, true); }
bool BSR(Ctx& c) { return gen_bit_scan(c, false); }

// POPCNT (F3 0F B8): ZF = source 0; CF, OF, SF, AF, PF cleared.
bool POPCNT(Ctx& c) {
  if (c.in.rep != 0xF3) return false;  // (the row needs CPUID.POPCNT)
  return by_width(c.width(0), [&]<T W>() {
    ir::Builder& b = c.b;
    ir::Val<W> src = c.read<W>(1);
    c.write<W>(0, b.popcnt(src));
    c.set_cc_flags(flag_bit(b, b.eq(src, b.template constant<W>(0)), fl::ZF));
    return true;
  });
}

namespace {
// SHLD/SHRD Ev,Gv,Ib|CL: the count masked to 5 bits (6 at 64 bits); 0 changes nothing. AF is cleared.
bool gen_double_shift(Ctx& c, bool left) {
  return by_width(c.width(0), [&]<T W>() {
    ir::Builder& b = c.b;
    constexpr unsigned w = ir::type_bits(W);
    ir::Val<W> d = c.read<W>(0);
    ir::Val<W> s = c.read<W>(1);
    U8 n8 = c.in.row->ops[2].kind == Opnd::I ? b.constant<T::I8>(c.in.imm) : c.reg<T::I8>(CX);
    n8 = b.and_(n8, b.constant<T::I8>(w == 64 ? 63 : 31));
    c.prepare_write(0);
    ir::Val<W> n = resize<W>(b, n8);
    ir::Val<W> one = b.template constant<W>(1);
    ir::Val<W> r, cf;
    if constexpr (w == 16) {
      // Counts up to 31 (above 16 the manual leaves the result undefined): Intel CPUs shift the 48 bits
      // d:s:d, which for counts up to 16 is the defined result.
      U64 n64 = b.zext<T::I64>(n8), d64 = b.zext<T::I64>(d);
      U64 all = b.or_(b.or_(b.shl(d64, b.c64(32)), b.shl(b.zext<T::I64>(s), b.c64(16))), d64);
      U64 one64 = b.c64(1);
      r = b.trunc<W>(left ? b.shrl(b.shl(all, n64), b.c64(32)) : b.shrl(all, n64));
      cf = b.trunc<W>(b.and_(b.shrl(all, left ? b.sub(b.c64(48), n64) : b.sub(n64, one64)), one64));
    } else {
      ir::Val<W> wm = b.template constant<W>(w - 1);
      ir::Val<W> back = b.and_(b.sub(b.template constant<W>(w), n), wm);  // w - n (n > 0)
      ir::Val<W> n1 = b.and_(b.sub(n, one), wm);
      ir::Val<W> nm = b.and_(n, wm);
      r = left ? b.or_(b.shl(d, nm), b.shrl(s, back)) : b.or_(b.shrl(d, nm), b.shl(s, back));
      cf = left ? b.and_(b.shrl(d, back), one) : b.and_(b.shrl(d, n1), one);
    }
    ir::Val<W> zero = b.template constant<W>(0);
    // OF: defined for a count of 1 (the sign changed); for any count, Intel CPUs give that of the first
    // one-bit step: the top bit of d against the bit shifted in next to it (bit w-2 of d, or bit 0 of s).
    ir::Val<W> next = left ? b.shl(d, one) : b.shl(s, b.template constant<W>(w - 1));
    B1 of = b.lts(b.xor_(d, next), zero);
    U32 f = b.or_(result_flags(b, r), b.or_(flag_bit(b, b.ne(cf, zero), fl::CF), flag_bit(b, of, fl::OF)));
    B1 none = b.eq(n8, b.constant<T::I8>(0));
    c.write<W>(0, b.select(none, d, r));
    c.set_cc_flags(b.select(none, c.arith_flags(), f));
    return true;
  });
}
}  // namespace
bool SHLD(Ctx& c) { return gen_double_shift(c, true); }
bool SHRD(Ctx& c) { return gen_double_shift(c, false); }

// BSWAP Zy: with a 16-bit operand size (66) the result is undefined; Intel CPUs clear the register's low
// 16 bits and keep the rest.
bool BSWAP(Ctx& c) {
  if (c.opsize() == 16) {
    c.set_reg((c.in.opcode & 7) | ((c.in.rex & 1) << 3), c.b.constant<T::I16>(0));
    return true;
  }
  return by_width(c.width(0), [&]<T W>() {
    c.write<W>(0, c.b.bswap(c.read<W>(0)));
    return true;
  });
}
// MOVBE Gv,Mv / Mv,Gv: a load or store with the bytes reversed (16 bits too, unlike BSWAP). Flags unchanged.
bool MOVBE(Ctx& c) {
  return by_width(c.opsize(), [&]<T W>() {
    c.write<W>(0, c.b.bswap(c.read<W>(1)));
    return true;
  });
}

namespace {
bool gen_extend(Ctx& c, bool sign) {
  const unsigned from = c.width(1);
  return by_width(c.opsize(), [&]<T W>() {
    ir::Builder& b = c.b;
    U64 v = from == 8 ? (sign ? b.sext<T::I64>(c.read<T::I8>(1)) : b.zext<T::I64>(c.read<T::I8>(1)))
                      : (sign ? b.sext<T::I64>(c.read<T::I16>(1)) : b.zext<T::I64>(c.read<T::I16>(1)));
    c.write<W>(0, resize<W>(b, v));
    return true;
  });
}
}  // namespace
bool MOVZX(Ctx& c) { return gen_extend(c, false); }
bool MOVSX(Ctx& c) { return gen_extend(c, true); }

// 63: MOVSXD Gv,Ed in 64-bit mode; ARPL Ew,Gw in protected mode (#UD in real
// and virtual-8086 mode): raises the RPL of Ew to that of Gw, ZF = it did.
bool ARPL(Ctx& c) {
  ir::Builder& b = c.b;
  if (c.is64()) {
    c.set_reg_n(c.in.reg, c.opsize(), b.sext<T::I64>(c.read<T::I32>(0)));
    return true;
  }
  if (c.real_or_vm86()) return false;
  U16 d = c.read<T::I16>(0);
  c.prepare_write(0);
  U16 want = b.and_(c.read<T::I16>(1), b.constant<T::I16>(3));
  B1 raise = b.ltu(b.and_(d, b.constant<T::I16>(3)), want);
  c.write<T::I16>(0, b.select(raise, b.or_(b.and_(d, b.constant<T::I16>(0xfffc)), want), d));
  c.set_cc_flags(b.or_(b.and_(c.arith_flags(), b.c32(~fl::ZF)), flag_bit(b, raise, fl::ZF)));
  return true;
}

bool SETcc(Ctx& c) {
  c.write<T::I8>(0, c.b.zext<T::I8>(c.cond(c.in.opcode & 15)));
  return true;
}

// CMOVcc: the source is read (and may fault) whatever the condition; a
// 32-bit destination is written (zero-extended) even when it is false.
bool CMOVcc(Ctx& c) {
  if (!c.has(Feature::Cmov)) return false;
  return by_width(c.width(0), [&]<T W>() {
    ir::Val<W> src = c.read<W>(1);
    ir::Val<W> dst = c.read<W>(0);
    c.write<W>(0, c.b.select(c.cond(c.in.opcode & 15), src, dst));
    return true;
  });
}

// CMPXCHG Ev,Gv: compares the accumulator with Ev (flags as CMP); equal:
// Ev = Gv; else the accumulator = Ev. A memory Ev is written either way.
bool CMPXCHG(Ctx& c) {
  return by_width(c.width(0), [&]<T W>() {
    ir::Builder& b = c.b;
    ir::Val<W> dst = c.read<W>(0);
    c.prepare_write(0);
    ir::Val<W> acc = c.reg<W>(AX);
    ir::Val<W> src = c.read<W>(1);
    B1 eq = b.eq(acc, dst);
    bool written = false;
    if constexpr (W == T::I32) {
      if (c.in.mod == 3) {
        // A 32-bit register Ev is only written (so zero-extended) when equal: a
        // mismatch leaves all 64 bits alone (as the host CPU does).
        const unsigned r = c.in.rm_reg();
        c.set_reg(r, b.select(eq, b.zext<T::I64>(src), c.reg<T::I64>(r)));
        written = true;
      }
    }
    if (!written) c.write<W>(0, b.select(eq, src, dst));
    if constexpr (W == T::I32) {  // RAX keeps its upper half when equal (no 32-bit write happens)
      c.set_reg(AX, b.select(eq, c.reg<T::I64>(AX), b.zext<T::I64>(dst)));
    } else {
      c.set_reg(AX, b.select(eq, c.reg<W>(AX), dst));  // read again: Ev may be the accumulator itself
    }
    c.set_cc<W>(CcOp::Sub8, acc, dst, b.sub(acc, dst));
    return true;
  });
}

namespace {
// (effective address): CMPXCHG16B's operand must be 16-byte aligned, else #GP(0) (with its error code).
uint64_t check_aligned16(void* env, uint64_t ea, uint64_t, uint64_t) {
  if (ea & 15) record_fault(xs(env), kGeneralProtection, 0);
  return 0;
}
const ir::Helper kCheckAligned16{"x86_check_aligned16", check_aligned16, ir::kWritesState | ir::kMayFault, 1};
}  // namespace

// CMPXCHG8B m64 (CMPXCHG16B m128 with REX.W): EDX:EAX against memory; equal:
// ZF = 1 and memory = ECX:EBX; else ZF = 0 and EDX:EAX = memory.
bool CMPXCHG8B(Ctx& c) {
  const unsigned half = (c.in.rex & 8) ? 64 : 32;
  if (half == 64 && !c.has(Feature::Cx16)) return false;
  if (half == 64) c.b.call(kCheckAligned16, c.ea());
  return by_width(half, [&]<T W>() {
    ir::Builder& b = c.b;
    constexpr unsigned bytes = ir::type_bits(W) / 8;
    const unsigned seg = unsigned(c.seg_of_ea());
    U64 at = c.ea();
    ir::Val<W> lo = c.load<W>(seg, at), hi = c.load<W>(seg, c.off_add(at, bytes));
    c.check_segment(seg, at, 2 * bytes, true);
    B1 eq = b.ne(b.and_(b.zext<T::I8>(b.eq(lo, c.reg<W>(AX))), b.zext<T::I8>(b.eq(hi, c.reg<W>(DX)))), b.constant<T::I8>(0));
    c.store(seg, at, b.select(eq, c.reg<W>(BX), lo));
    c.store(seg, c.off_add(at, bytes), b.select(eq, c.reg<W>(CX), hi));
    c.set_reg(AX, b.select(eq, c.reg<W>(AX), lo));
    c.set_reg(DX, b.select(eq, c.reg<W>(DX), hi));
    c.set_cc_flags(b.or_(b.and_(c.arith_flags(), b.c32(~fl::ZF)), flag_bit(b, eq, fl::ZF)));
    return true;
  });
}

// XADD Ev,Gv: Gv = Ev, Ev = the sum (flags as ADD). With two registers the
// sum is written last, so XADD r,r leaves the sum.
bool XADD(Ctx& c) {
  return by_width(c.width(0), [&]<T W>() {
    ir::Val<W> a = c.read<W>(0);
    c.prepare_write(0);
    ir::Val<W> x = c.read<W>(1);
    ir::Val<W> r = c.b.add(a, x);
    if (c.in.mod == 3) {
      c.write<W>(1, a);
      c.write<W>(0, r);
    } else {
      c.write<W>(0, r);
      c.write<W>(1, a);
    }
    c.set_cc<W>(CcOp::Add8, a, x, r);
    return true;
  });
}

// Hint NOPs (0F 0D, 0F 18-1F): no memory is accessed.
bool NOP(Ctx&) { return true; }

// 0F AE: the fences (mod 3, reg 5-7) order nothing on a one-thread-at-a-time
// CPU; CLFLUSH (reg 7 with memory) has nothing to flush. FXSAVE and the
// MXCSR forms come with the x87/SSE state.
bool GRP15(Ctx& c) {
  const unsigned reg = c.in.reg & 7;
  if (c.in.mod == 3) return reg >= 5;
  return reg == 7;
}

bool UD2(Ctx&) { return false; }

}  // namespace kiln::x86

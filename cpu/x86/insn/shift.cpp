// Shifts and rotates (Intel SDM Vol. 2: ROL, ROR, RCL, RCR, SHL/SAL, SHR,
// SAR; group 2: D0-D3, C0/C1 on the 186 and later). The 8086 uses the whole
// count (up to 255); the 186 and later mask it to 5 bits. A count of 0 changes
// nothing. Flags are computed in full (kind Eflags). AF is left as the chip
// leaves it undefined: cleared. OF is defined for counts of 1; for larger
// counts these formulas are the 286's (the 8086's are masked by the tests).
#include "cpu/x86/insn/shapes.h"

namespace kiln::x86 {

namespace {
enum class Sh { Rol, Ror, Rcl, Rcr, Shl, Shr, Sar };

// 64-bit operands: the count is masked to 6 bits, so every shift stays below
// 64 except the complementary ones, which are guarded.
bool gen_shift64(Ctx& c, Sh kind) {
  ir::Builder& b = c.b;
  U64 a = c.read<T::I64>(0);
  U64 n = b.and_(b.zext<T::I64>(c.read<T::I8>(1)), b.c64(63));
  c.prepare_write(0);
  U32 old = c.arith_flags();
  U64 one = b.c64(1), zero = b.c64(0);
  U64 n1 = b.sub(n, one);  // the count less one (used only when n != 0)
  auto safe_shl = [&](U64 x, U64 k) { return b.select(b.ltu(k, b.c64(64)), b.shl(x, b.and_(k, b.c64(63))), zero); };
  auto safe_shr = [&](U64 x, U64 k) { return b.select(b.ltu(k, b.c64(64)), b.shrl(x, b.and_(k, b.c64(63))), zero); };
  U64 r, cf;
  switch (kind) {
    case Sh::Shl: r = b.shl(a, n); cf = b.and_(b.shrl(a, b.and_(b.sub(b.c64(64), n), b.c64(63))), one); break;
    case Sh::Shr: r = b.shrl(a, n); cf = b.and_(b.shrl(a, b.and_(n1, b.c64(63))), one); break;
    case Sh::Sar: r = b.shra(a, n); cf = b.and_(b.shra(a, b.and_(n1, b.c64(63))), one); break;
    case Sh::Rol: r = b.rotl(a, n); cf = b.and_(r, one); break;
    case Sh::Ror: r = b.rotr(a, n); cf = b.shrl(r, b.c64(63)); break;
    case Sh::Rcl: {  // a 65-bit rotate left through CF by n (0 < n < 64)
      U64 in = b.zext<T::I64>(c.flag(fl::CF));
      r = b.or_(b.or_(b.shl(a, n), safe_shl(in, n1)), safe_shr(a, b.sub(b.c64(65), n)));
      cf = b.and_(safe_shr(a, b.sub(b.c64(64), n)), one);
      break;
    }
    default: {  // RCR
      U64 in = b.zext<T::I64>(c.flag(fl::CF));
      r = b.or_(b.or_(b.shrl(a, n), safe_shl(in, b.sub(b.c64(64), n))), safe_shl(a, b.sub(b.c64(65), n)));
      cf = b.and_(b.shrl(a, b.and_(n1, b.c64(63))), one);
      break;
    }
  }
  U64 msb = b.shrl(r, b.c64(63));
  U64 of;
  switch (kind) {
    case Sh::Shl: case Sh::Rol: case Sh::Rcl: of = b.xor_(msb, cf); break;
    case Sh::Shr: of = b.shrl(a, b.c64(63)); break;
    case Sh::Sar: of = zero; break;
    default: of = b.xor_(msb, b.and_(b.shrl(r, b.c64(62)), one)); break;
  }
  U32 nf = b.or_(flag_bit(b, b.ne(cf, zero), fl::CF), flag_bit(b, b.ne(of, zero), fl::OF));
  const bool rotate = kind == Sh::Rol || kind == Sh::Ror || kind == Sh::Rcl || kind == Sh::Rcr;
  if (rotate) nf = b.or_(nf, b.and_(old, b.c32(fl::PF | fl::ZF | fl::SF | fl::AF)));
  else nf = b.or_(nf, result_flags(b, r));
  B1 none = b.eq(n, zero);
  c.write<T::I64>(0, b.select(none, a, r));
  c.set_cc_flags(b.select(none, old, nf));
  return true;
}

bool gen_shift(Ctx& c, Sh kind) {
  if (c.width(0) == 64) return gen_shift64(c, kind);
  return by_width(c.width(0), [&]<T W>() {
    if constexpr (W == T::I64) {
      return false;  // gen_shift64
    } else {
      ir::Builder& b = c.b;
      constexpr unsigned w = ir::type_bits(W);
      ir::Val<W> a = c.read<W>(0);
      U8 n = [&] {
        if constexpr (W == T::I8) return c.read<T::I8>(1);
        else return b.trunc<T::I8>(c.read<W>(1));
      }();
      if (!c.is_8086()) n = b.and_(n, b.constant<T::I8>(31));
      c.prepare_write(0);
      U32 old = c.arith_flags();
      U64 a64 = b.zext<T::I64>(a);
      U64 n64 = b.zext<T::I64>(n);
      U64 one = b.c64(1);
      // Shifts by 32 or more give the same result and CF as by 32 (w <= 16; at 32 bits the count is below 32).
      U64 ns = b.select(b.ltu(n64, b.c64(32)), n64, b.c64(32));
      U64 r64, cf;
      const uint64_t m = (1ull << w) - 1;
      switch (kind) {
        case Sh::Shl:
          r64 = b.shl(a64, ns);
          cf = b.and_(b.shrl(r64, b.c64(w)), one);
          break;
        case Sh::Shr:
          r64 = b.shrl(a64, ns);
          cf = b.and_(b.shrl(a64, b.sub(ns, one)), one);
          break;
        case Sh::Sar: {
          U64 s64 = [&] { return b.sext<T::I64>(a); }();
          r64 = b.shra(s64, ns);
          cf = b.and_(b.shra(s64, b.sub(ns, one)), one);
          break;
        }
        case Sh::Rol:
        case Sh::Ror: {
          U64 k = b.remu(n64, b.c64(w));
          U64 left = kind == Sh::Rol ? k : b.remu(b.sub(b.c64(w), k), b.c64(w));
          r64 = b.and_(b.or_(b.shl(a64, left), b.shrl(a64, b.sub(b.c64(w), left))), b.c64(m));
          cf = kind == Sh::Rol ? b.and_(r64, one) : b.shrl(r64, b.c64(w - 1));
          break;
        }
        default: {  // RCL, RCR: a w+1-bit rotate through CF
          U64 v = b.or_(a64, b.shl(b.zext<T::I64>(c.flag(fl::CF)), b.c64(w)));
          U64 k = b.remu(n64, b.c64(w + 1));
          U64 left = kind == Sh::Rcl ? k : b.remu(b.sub(b.c64(w + 1), k), b.c64(w + 1));
          U64 full = b.and_(b.or_(b.shl(v, left), b.shrl(v, b.sub(b.c64(w + 1), left))), b.c64((m << 1) | 1));
          r64 = b.and_(full, b.c64(m));
          cf = b.shrl(full, b.c64(w));
          break;
        }
      }
      ir::Val<W> r = b.template trunc<W>(r64);
      B1 cfb = b.ne(cf, b.c64(0));
      U64 msb = b.and_(b.shrl(r64, b.c64(w - 1)), one);
      U64 of;
      switch (kind) {
        case Sh::Shl: case Sh::Rol: case Sh::Rcl: of = b.xor_(msb, cf); break;
        case Sh::Shr: of = b.and_(b.shrl(a64, b.c64(w - 1)), one); break;
        case Sh::Sar: of = b.c64(0); break;
        default: of = b.xor_(msb, b.and_(b.shrl(r64, b.c64(w - 2)), one)); break;  // ROR, RCR
      }
      U32 nf = b.or_(flag_bit(b, cfb, fl::CF), flag_bit(b, b.ne(of, b.c64(0)), fl::OF));
      const bool rotate = kind == Sh::Rol || kind == Sh::Ror || kind == Sh::Rcl || kind == Sh::Rcr;
      if (rotate) nf = b.or_(nf, b.and_(old, b.c32(fl::PF | fl::ZF | fl::SF | fl::AF)));
      else nf = b.or_(nf, result_flags(b, r));
      B1 none = b.eq(n, b.constant<T::I8>(0));
      c.write<W>(0, b.select(none, a, r));
    c.set_cc_flags(b.select(none, old, nf));
      return true;
    }
  });
}
}  // namespace

bool ROL(Ctx& c) { return gen_shift(c, Sh::Rol); }
bool ROR(Ctx& c) { return gen_shift(c, Sh::Ror); }
bool RCL(Ctx& c) { return gen_shift(c, Sh::Rcl); }
bool RCR(Ctx& c) { return gen_shift(c, Sh::Rcr); }
bool SHL(Ctx& c) { return gen_shift(c, Sh::Shl); }
bool SAL(Ctx& c) { return gen_shift(c, Sh::Shl); }  // reg 6: the 186+ alias of SHL (the 8086's SETMO is not modelled)
bool SHR(Ctx& c) { return gen_shift(c, Sh::Shr); }
bool SAR(Ctx& c) { return gen_shift(c, Sh::Sar); }

// SETMO / SETMOC (8086 only, undocumented; group 2 reg 6): when the count is
// not 0, the operand becomes all ones and the flags those of that result
// (CF = OF = AF = 0), as the 8086's microcode leaves them.
bool SETMO(Ctx& c) {
  return by_width(c.width(0), [&]<T W>() {
    ir::Builder& b = c.b;
    ir::Val<W> a = c.read<W>(0);
    ir::Val<W> count = c.read<W>(1);
    U32 old = c.arith_flags();
    ir::Val<W> ones = b.template constant<W>(~0ull);
    B1 none = b.eq(b.and_(count, b.template constant<W>(0xff)), b.template constant<W>(0));
    c.write<W>(0, b.select(none, a, ones));
    c.set_cc_flags(b.select(none, old, result_flags(b, ones)));
    return true;
  });
}

}  // namespace kiln::x86

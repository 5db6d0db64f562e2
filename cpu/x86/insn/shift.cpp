// Shifts and rotates (Intel SDM Vol. 2: ROL, ROR, RCL, RCR, SHL/SAL, SHR,
// SAR; group 2: D0-D3, C0/C1 on the 186 and later). The 8086 uses the whole
// count (up to 255); the 186 and later mask it to 5 bits. A count of 0 changes
// nothing. Flags are computed in full (kind Eflags).
//
// Where the SDM leaves flags undefined, the 386 and later do what Intel CPUs
// do (measured on the host; docs/design.md "Undefined flags"): AF cleared by
// SHL/SHR/SAR, kept by rotates; OF for a count above 1 is the OF of the first
// one-bit step (SHL/ROL/RCL: bit w-1 ^ bit w-2 of the operand, SHR: its bit
// w-1, SAR: 0, ROR: bit w-1 ^ bit 0, RCR: bit w-1 ^ CF), except that ROL
// and ROR of a register by an immediate count above 1 leave OF as it was
// (by CL, or of memory, they do not); RCL/RCR by a multiple of w+1 (8 and
// 16 bits) change no flag at all. The 8086 and the 286 keep their own OF
// for a count above 1, from the result (the 286 test vectors check it).
#include "cpu/x86/insn/shapes.h"

namespace kiln::x86 {

namespace {
enum class Sh { Rol, Ror, Rcl, Rcr, Shl, Shr, Sar };

// OF from the 386 on: the first one-bit step's, for any count (`a` is the
// w-bit operand zero-extended, `cf_in` the CF before, used by RCR).
U64 first_step_of(ir::Builder& b, Sh kind, U64 a, unsigned w, U64 cf_in) {
  U64 one = b.c64(1);
  U64 msb = b.and_(b.shrl(a, b.c64(w - 1)), one);
  switch (kind) {
    case Sh::Shl: case Sh::Rol: case Sh::Rcl: return b.xor_(msb, b.and_(b.shrl(a, b.c64(w - 2)), one));
    case Sh::Shr: return msb;
    case Sh::Sar: return b.c64(0);
    case Sh::Ror: return b.xor_(msb, b.and_(a, one));
    default: return b.xor_(msb, cf_in);  // RCR
  }
}

// OF from the 386 on, given the flags before (`old`): ROL/ROR of a register by an immediate count above 1
// (masked by `count_mask`) keep it, everything else gives the first step's.
U64 intel_of(Ctx& c, Sh kind, U64 a, unsigned w, U64 cf_in, U32 old, unsigned count_mask) {
  ir::Builder& b = c.b;
  const bool by_imm = c.in.row->ops[1].kind == Opnd::I;
  if ((kind == Sh::Rol || kind == Sh::Ror) && by_imm && c.in.mod == 3 && (c.in.imm & count_mask) > 1)
    return b.zext<T::I64>(b.and_(b.shrl(old, b.c32(__builtin_ctz(fl::OF))), b.c32(1)));
  return first_step_of(b, kind, a, w, cf_in);
}

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
  const bool through_cf = kind == Sh::Rcl || kind == Sh::Rcr;
  U64 in = through_cf ? b.zext<T::I64>(b.and_(old, b.c32(fl::CF))) : zero;
  U64 r, cf;
  switch (kind) {
    case Sh::Shl: r = b.shl(a, n); cf = b.and_(b.shrl(a, b.and_(b.sub(b.c64(64), n), b.c64(63))), one); break;
    case Sh::Shr: r = b.shrl(a, n); cf = b.and_(b.shrl(a, b.and_(n1, b.c64(63))), one); break;
    case Sh::Sar: r = b.shra(a, n); cf = b.and_(b.shra(a, b.and_(n1, b.c64(63))), one); break;
    case Sh::Rol: r = b.rotl(a, n); cf = b.and_(r, one); break;
    case Sh::Ror: r = b.rotr(a, n); cf = b.shrl(r, b.c64(63)); break;
    case Sh::Rcl: {  // a 65-bit rotate left through CF by n (0 < n < 64)
      r = b.or_(b.or_(b.shl(a, n), safe_shl(in, n1)), safe_shr(a, b.sub(b.c64(65), n)));
      cf = b.and_(safe_shr(a, b.sub(b.c64(64), n)), one);
      break;
    }
    default: {  // RCR
      r = b.or_(b.or_(b.shrl(a, n), safe_shl(in, b.sub(b.c64(64), n))), safe_shl(a, b.sub(b.c64(65), n)));
      cf = b.and_(b.shrl(a, b.and_(n1, b.c64(63))), one);
      break;
    }
  }
  U64 of = intel_of(c, kind, a, 64, in, old, 63);  // 64-bit code: always a 386 or later
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
      const bool through_cf = kind == Sh::Rcl || kind == Sh::Rcr;
      U64 cf_in = through_cf ? b.zext<T::I64>(b.and_(old, b.c32(fl::CF))) : b.c64(0);
      // RCL/RCR rotate by the count modulo w+1 (9 or 17; 33 at 32 bits is above any masked count).
      U64 k_rc = through_cf ? b.remu(n64, b.c64(w + 1)) : b.c64(0);
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
          U64 v = b.or_(a64, b.shl(cf_in, b.c64(w)));
          U64 k = k_rc;
          U64 left = kind == Sh::Rcl ? k : b.remu(b.sub(b.c64(w + 1), k), b.c64(w + 1));
          U64 full = b.and_(b.or_(b.shl(v, left), b.shrl(v, b.sub(b.c64(w + 1), left))), b.c64((m << 1) | 1));
          r64 = b.and_(full, b.c64(m));
          cf = b.shrl(full, b.c64(w));
          break;
        }
      }
      ir::Val<W> r = b.template trunc<W>(r64);
      B1 cfb = b.ne(cf, b.c64(0));
      const bool intel = is_386_or_later(c.model());
      U64 of;
      if (intel) {
        of = intel_of(c, kind, a64, w, cf_in, old, 31);
      } else {  // the 8086 and 286
        U64 msb = b.and_(b.shrl(r64, b.c64(w - 1)), one);
        switch (kind) {
          case Sh::Shl: case Sh::Rol: case Sh::Rcl: of = b.xor_(msb, cf); break;
          case Sh::Shr: of = b.and_(b.shrl(a64, b.c64(w - 1)), one); break;
          case Sh::Sar: of = b.c64(0); break;
          default: of = b.xor_(msb, b.and_(b.shrl(r64, b.c64(w - 2)), one)); break;  // ROR, RCR
        }
      }
      U32 nf = b.or_(flag_bit(b, cfb, fl::CF), flag_bit(b, b.ne(of, b.c64(0)), fl::OF));
      const bool rotate = kind == Sh::Rol || kind == Sh::Ror || kind == Sh::Rcl || kind == Sh::Rcr;
      if (rotate) nf = b.or_(nf, b.and_(old, b.c32(fl::PF | fl::ZF | fl::SF | fl::AF)));
      else nf = b.or_(nf, result_flags(b, r));
      // From the 386 on, RCL/RCR by a multiple of w+1 leave every flag (the 8086 and 286: OF changes).
      B1 none = intel && through_cf && w < 32 ? b.eq(k_rc, b.c64(0)) : b.eq(n, b.constant<T::I8>(0));
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

// The translation context's building blocks (cpu/x86/translate.h): registers,
// real-mode memory through segments, operands in the opcode-map notation, the
// stack, and the lazy-flag readers that turn (kind, operands) into one flag in
// IR. Everything here emits IR; nothing runs at translation time.
#include "cpu/x86/translate.h"

#include "cpu/x86/helpers.h"

namespace kiln::x86 {

namespace {
constexpr ir::MemOp kByte{0, false, false, kMmuReal};
constexpr ir::MemOp kWord{1, false, false, kMmuReal};  // misaligned is fine (the slow path splits it)
template <T W>
constexpr uint64_t msb_mask() {
  return 1ull << (ir::type_bits(W) - 1);
}
}  // namespace

// ---- registers
template <T W>
ir::Val<W> Ctx::reg(unsigned r) {
  if constexpr (W == T::I8) return r < 4 ? b.get<W>(off_gpr(r)) : b.get<W>(off_gpr(r - 4) + 1);
  else return b.get<W>(off_gpr(r));
}
template <T W>
void Ctx::set_reg(unsigned r, ir::Val<W> v) {
  if constexpr (W == T::I8) b.set(r < 4 ? off_gpr(r) : off_gpr(r - 4) + 1, v);
  else b.set(off_gpr(r), v);
}
void Ctx::set_sreg(unsigned s, U16 sel) {
  b.set(off_seg_sel(s), sel);
  b.set(off_seg_base(s), b.shl(b.zext<T::I64>(sel), b.c64(4)));
}

// ---- memory
int Ctx::seg_of_ea() const {
  if (in.seg_override >= 0) return in.seg_override;
  bool bp_based = in.rm == 2 || in.rm == 3 || (in.rm == 6 && in.mod != 0);
  return bp_based ? SS : DS;
}
U16 Ctx::ea_offset() {
  if (ea_cache.id != ir::kNoValue) return ea_cache;
  static constexpr int kBase[8] = {BX, BX, BP, BP, -1, -1, BP, BX};
  static constexpr int kIndex[8] = {SI, DI, SI, DI, SI, DI, -1, -1};
  U16 off = b.constant<T::I16>(uint64_t(in.disp));
  if (in.mod == 0 && in.rm == 6) return ea_cache = off;  // [disp16]
  if (kBase[in.rm] >= 0) off = b.add(off, reg<T::I16>(kBase[in.rm]));
  if (kIndex[in.rm] >= 0) off = b.add(off, reg<T::I16>(kIndex[in.rm]));
  return ea_cache = off;
}
void Ctx::check_word(U16 off) {
  b.call(kCheckWordOffset, b.zext<T::I64>(off), b.c64(ip));
}
template <T W>
ir::Val<W> Ctx::load(unsigned seg, U16 off) {
  if constexpr (W == T::I8) {
    return b.load<T::I8>(linear(seg, off), kByte);
  } else {
    static_assert(W == T::I16);
    if (!is_8086()) {  // past the check the word lies inside the segment: one access
      check_word(off);
      return b.load<T::I16>(linear(seg, off), kWord);
    }
    U16 lo = b.zext<T::I16>(b.load<T::I8>(linear(seg, off), kByte));
    U16 hi = b.zext<T::I16>(b.load<T::I8>(linear(seg, b.add(off, b.constant<T::I16>(1))), kByte));
    return b.or_(lo, b.shl(hi, b.constant<T::I16>(8)));
  }
}
template <T W>
void Ctx::store(unsigned seg, U16 off, ir::Val<W> v) {
  if constexpr (W == T::I8) {
    b.store(linear(seg, off), v, kByte);
  } else {
    static_assert(W == T::I16);
    if (!is_8086()) {
      check_word(off);
      b.store(linear(seg, off), v, kWord);
      return;
    }
    b.store(linear(seg, off), b.trunc<T::I8>(v), kByte);
    b.store(linear(seg, b.add(off, b.constant<T::I16>(1))), b.trunc<T::I8>(b.shrl(v, b.constant<T::I16>(8))), kByte);
  }
}

// ---- operands
template <T W>
ir::Val<W> Ctx::read(unsigned i) {
  const OperandSpec& o = in.row->ops[i];
  const int ds = in.seg_override >= 0 ? in.seg_override : int(DS);
  switch (o.kind) {
    case Opnd::E: return in.mod == 3 ? reg<W>(in.rm) : load<W>(seg_of_ea(), ea_offset());
    case Opnd::G: return reg<W>(in.reg);
    case Opnd::Z: return reg<W>(in.opcode & 7);
    case Opnd::Acc: return reg<W>(AX);
    case Opnd::Cl:
      if constexpr (W == T::I8) return reg<T::I8>(CX);
      else return b.zext<W>(reg<T::I8>(CX));
    case Opnd::Dx: if constexpr (W == T::I16) return reg<W>(DX); else break;
    case Opnd::One: return b.constant<W>(1);
    case Opnd::I: return b.constant<W>(in.imm);
    case Opnd::Is: return b.constant<W>(uint64_t(int64_t(int8_t(in.imm))));
    case Opnd::S: if constexpr (W == T::I16) return sreg(in.reg & 3); else break;
    case Opnd::Sreg: if constexpr (W == T::I16) return sreg(o.sreg); else break;
    case Opnd::O: return load<W>(ds, b.constant<T::I16>(in.imm));
    case Opnd::X: return load<W>(ds, reg<T::I16>(SI));
    case Opnd::Y: return load<W>(ES, reg<T::I16>(DI));
    default: break;
  }
  return b.constant<W>(0);  // not reached for a well-formed row (tests check the rows)
}

template <T W>
void Ctx::write(unsigned i, ir::Val<W> v) {
  const OperandSpec& o = in.row->ops[i];
  const int ds = in.seg_override >= 0 ? in.seg_override : int(DS);
  switch (o.kind) {
    case Opnd::E:
      if (in.mod == 3) set_reg(in.rm, v);
      else store(seg_of_ea(), ea_offset(), v);
      break;
    case Opnd::G: set_reg(in.reg, v); break;
    case Opnd::Z: set_reg(in.opcode & 7, v); break;
    case Opnd::Acc: set_reg(AX, v); break;
    case Opnd::O: store(ds, b.constant<T::I16>(in.imm), v); break;
    case Opnd::Y: store(ES, reg<T::I16>(DI), v); break;
    case Opnd::S:
    case Opnd::Sreg:
      if constexpr (W == T::I16) set_sreg(o.kind == Opnd::S ? in.reg & 3 : o.sreg, v);
      break;
    default: break;
  }
}
void Ctx::prepare_write(unsigned i) {
  const OperandSpec& o = in.row->ops[i];
  if (o.kind == Opnd::E && in.mod != 3 && width(i) == 16 && !is_8086()) check_word(ea_offset());
}

// ---- stack
template <T W>
void Ctx::push(ir::Val<W> v) {
  U16 sp2 = b.sub(sp(), b.constant<T::I16>(ir::type_bits(W) / 8));
  store(SS, sp2, v);
  set_reg(SP, sp2);
}
template <T W>
ir::Val<W> Ctx::pop() {
  U16 s = sp();
  ir::Val<W> v = load<W>(SS, s);
  set_reg(SP, b.add(s, b.constant<T::I16>(ir::type_bits(W) / 8)));
  return v;
}

// ---- flags
template <T W>
void Ctx::set_cc(CcOp family8, ir::Val<W> src, ir::Val<W> src2, ir::Val<W> dst, bool carry_in) {
  CcOp op = cc_at_width(family8, ir::type_bits(W));
  b.set(offsetof(X86State, cc_op), b.c64(uint64_t(op)));
  b.set(offsetof(X86State, cc_src), b.zext<T::I64>(src));
  b.set(offsetof(X86State, cc_src2), b.zext<T::I64>(src2));
  b.set(offsetof(X86State, cc_dst), b.zext<T::I64>(dst));
  flags = BlockFlags{true, op, carry_in, src.id, src2.id, dst.id};
}
void Ctx::set_cc_flags(U32 arith) {
  U64 v = b.zext<T::I64>(b.and_(arith, b.c32(fl::kArith)));
  b.set(offsetof(X86State, cc_op), b.c64(uint64_t(CcOp::Eflags)));
  b.set(offsetof(X86State, cc_src), v);
  flags = BlockFlags{true, CcOp::Eflags, false, v.id, ir::kNoValue, ir::kNoValue};
}

namespace {
// One flag of a known kind at width W, from the IR operands.
template <T W>
B1 flag_of(ir::Builder& b, const BlockFlags& f, uint32_t bit) {
  ir::Val<W> a{f.src}, r{f.dst};
  const unsigned family = (unsigned(f.op) - 1) / 4;  // 0 Add, 1 Sub, 2 Logic, 3 Inc, 4 Dec
  ir::Val<W> zero = b.constant<W>(0);
  ir::Val<W> x = (family >= 3) ? b.constant<W>(1) : ir::Val<W>{f.src2};
  auto msb = [&](ir::Val<W> v) { return b.lts(v, zero); };
  switch (bit) {
    case fl::ZF: return b.eq(r, zero);
    case fl::SF: return msb(r);
    case fl::PF: {
      U8 low = [&] { if constexpr (W == T::I8) return r; else return b.trunc<T::I8>(r); }();
      return b.eq(b.and_(b.popcnt(low), b.constant<T::I8>(1)), b.constant<T::I8>(0));
    }
    case fl::AF:
      if (family == 2) return b.c1(false);
      return b.ne(b.and_(b.xor_(b.xor_(a, x), r), b.constant<W>(0x10)), zero);
    case fl::CF:
      if (family == 2) return b.c1(false);
      if (family >= 3) return b.ne(ir::Val<W>{f.src2}, zero);
      if (!f.carry_in) return family == 0 ? b.ltu(r, a) : b.ltu(a, x);
      if (family == 0) return msb(b.or_(b.and_(a, x), b.and_(b.or_(a, x), b.not_(r))));
      return msb(b.or_(b.and_(b.not_(a), x), b.and_(b.not_(b.xor_(a, x)), r)));
    case fl::OF:
      if (family == 2) return b.c1(false);
      if (family == 0 || family == 3) return msb(b.and_(b.xor_(a, r), b.xor_(x, r)));
      return msb(b.and_(b.xor_(a, x), b.xor_(a, r)));
  }
  return b.c1(false);
}
}  // namespace

B1 Ctx::flag(uint32_t bit) {
  if (flags.known && flags.op != CcOp::Eflags) {
    switch (cc_width(flags.op)) {
      case 8: return flag_of<T::I8>(b, flags, bit);
      case 16: return flag_of<T::I16>(b, flags, bit);
      case 32: return flag_of<T::I32>(b, flags, bit);
      default: return flag_of<T::I64>(b, flags, bit);
    }
  }
  U64 all = flags.known ? U64{flags.src} : b.call(kArithFlags);
  return b.ne(b.and_(all, b.c64(bit)), b.c64(0));
}
U32 Ctx::arith_flags() {
  if (flags.known && flags.op == CcOp::Eflags) return b.trunc<T::I32>(U64{flags.src});
  return b.trunc<T::I32>(b.call(kArithFlags));  // the cc_* Sets are in the state already
}
U32 Ctx::all_flags() {
  return b.or_(b.and_(b.trunc<T::I32>(other_flags()), b.c32(~fl::kArith)), arith_flags());
}
void Ctx::set_all_flags(U32 v) {
  // 8086: bits 12-15 always read as 1; 286 in real mode: always 0. Bits 3 and 5 are 0, bit 1 is 1.
  const uint32_t fixed = is_8086() ? 0xF002 : 0x0002;
  set_other_flags(b.zext<T::I64>(b.or_(b.and_(v, b.c32(0x0F00)), b.c32(fixed))));
  set_cc_flags(v);
}
B1 Ctx::cond(unsigned cc) {
  const bool invert = cc & 1;
  if (flags.known && !flags.carry_in && unsigned(flags.op) >= unsigned(CcOp::Sub8) &&
      unsigned(flags.op) <= unsigned(CcOp::Sub64) && cc >= kB && cc != kS && cc != kNS && cc != kP && cc != kNP) {
    // After CMP/SUB: compare the operands themselves (and the inverse condition is the inverse compare).
    auto direct = [&]<T W>() -> B1 {
      ir::Val<W> a{flags.src}, x{flags.src2};
      switch (cc) {
        case kB: return b.ltu(a, x);
        case kAE: return b.geu(a, x);
        case kE: return b.eq(a, x);
        case kNE: return b.ne(a, x);
        case kBE: return b.geu(x, a);
        case kA: return b.ltu(x, a);
        case kL: return b.lts(a, x);
        case kGE: return b.ges(a, x);
        case kLE: return b.ges(x, a);
        default: return b.lts(x, a);  // kG
      }
    };
    switch (cc_width(flags.op)) {
      case 8: return direct.template operator()<T::I8>();
      case 16: return direct.template operator()<T::I16>();
      case 32: return direct.template operator()<T::I32>();
      default: return direct.template operator()<T::I64>();
    }
  } else {
    auto bit = [&](uint32_t f) { return b.zext<T::I8>(flag(f)); };
    U8 v;
    switch (cc & ~1u) {
      case kO: v = bit(fl::OF); break;
      case kB: v = bit(fl::CF); break;
      case kE: v = bit(fl::ZF); break;
      case kBE: v = b.or_(bit(fl::CF), bit(fl::ZF)); break;
      case kS: v = bit(fl::SF); break;
      case kP: v = bit(fl::PF); break;
      case kL: v = b.xor_(bit(fl::SF), bit(fl::OF)); break;
      default: v = b.or_(bit(fl::ZF), b.xor_(bit(fl::SF), bit(fl::OF))); break;  // kLE
    }
    return invert ? b.eq(v, b.constant<T::I8>(0)) : b.ne(v, b.constant<T::I8>(0));
  }
}

// ---- control flow
void Ctx::jump_ip(U16 target) { b.jump_indirect(b.add(b.c64(cs_base), b.zext<T::I64>(target))); }
void Ctx::raise(unsigned vector, uint16_t return_ip) {
  b.call(kRaise, b.c64(vector), b.c64(return_ip));
  b.exit(ir::ExitReason::Exception, cs_base + ip);  // not reached: the call always faults
}

#define KILN_X86_WIDTHS(X) X(T::I8) X(T::I16)
#define KILN_INST(W)                                                                    \
  template ir::Val<W> Ctx::reg<W>(unsigned);                                            \
  template void Ctx::set_reg<W>(unsigned, ir::Val<W>);                                  \
  template ir::Val<W> Ctx::load<W>(unsigned, U16);                                      \
  template void Ctx::store<W>(unsigned, U16, ir::Val<W>);                               \
  template ir::Val<W> Ctx::read<W>(unsigned);                                           \
  template void Ctx::write<W>(unsigned, ir::Val<W>);                                    \
  template void Ctx::push<W>(ir::Val<W>);                                               \
  template ir::Val<W> Ctx::pop<W>();                                                    \
  template void Ctx::set_cc<W>(CcOp, ir::Val<W>, ir::Val<W>, ir::Val<W>, bool);
KILN_X86_WIDTHS(KILN_INST)
#undef KILN_INST
#undef KILN_X86_WIDTHS

}  // namespace kiln::x86

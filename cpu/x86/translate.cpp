// The translation context's building blocks (cpu/x86/translate.h): registers,
// real-mode memory through segments, operands in the opcode-map notation, the
// stack, and the lazy-flag readers that turn (kind, operands) into one flag in
// IR. Everything here emits IR; nothing runs at translation time.
#include "cpu/x86/translate.h"

#include "cpu/x86/debug_traps.h"
#include "cpu/x86/helpers.h"

namespace kiln::x86 {

namespace {
constexpr unsigned log2_bytes(T w) { return w == T::I8 ? 0 : w == T::I16 ? 1 : w == T::I32 ? 2 : 3; }
}  // namespace

unsigned Ctx::width(unsigned i) const {
  switch (in.row->ops[i].size) {
    case 'b': return 8;
    case 'w': return 16;
    case 'd': return 32;
    case 'q': return 64;
    case 'y': return opsize() == 64 ? 64 : 32;
    default: return opsize();
  }
}

// ---- registers
// Every access is a whole 64-bit Get or Set of the register's slot (a part is
// extracted or merged in IR), so the JIT can keep the registers in host
// registers (ir::Block::regs_begin/end).
template <T W>
ir::Val<W> Ctx::reg(unsigned r) {
  if constexpr (W == T::I64) {
    return b.get<T::I64>(off_gpr(r));
  } else {
    if constexpr (W == T::I8) {
      if (!in.rex && r >= 4 && r < 8) return b.trunc<T::I8>(b.shrl(b.get<T::I64>(off_gpr(r - 4)), b.c64(8)));  // AH..BH
    }
    return b.trunc<W>(b.get<T::I64>(off_gpr(r)));
  }
}
template <T W>
void Ctx::set_reg(unsigned r, ir::Val<W> v) {
  if constexpr (W == T::I64) {
    b.set(off_gpr(r), v);
  } else if constexpr (W == T::I32) {
    b.set(off_gpr(r), b.zext<T::I64>(v));  // a 32-bit write zeroes bits 32-63
  } else {
    unsigned slot = r, shift = 0;
    if constexpr (W == T::I8) {
      if (!in.rex && r >= 4 && r < 8) slot = r - 4, shift = 8;  // AH..BH
    }
    const uint64_t mask = ((1ull << ir::type_bits(W)) - 1) << shift;
    U64 old = b.get<T::I64>(off_gpr(slot));
    U64 part = b.shl(b.zext<T::I64>(v), b.c64(shift));
    b.set(off_gpr(slot), b.or_(b.and_(old, b.c64(~mask)), part));
  }
}
U64 Ctx::reg_n(unsigned r, unsigned bits) {
  switch (bits) {
    case 8: return b.zext<T::I64>(reg<T::I8>(r));
    case 16: return b.zext<T::I64>(reg<T::I16>(r));
    case 32: return b.zext<T::I64>(reg<T::I32>(r));
    default: return reg<T::I64>(r);
  }
}
void Ctx::set_reg_n(unsigned r, unsigned bits, U64 v) {
  switch (bits) {
    case 8: set_reg(r, b.trunc<T::I8>(v)); break;
    case 16: set_reg(r, b.trunc<T::I16>(v)); break;
    case 32: set_reg(r, b.trunc<T::I32>(v)); break;
    default: set_reg(r, v); break;
  }
}
void Ctx::load_sreg(unsigned s, U16 sel) {
  if (real_or_vm86()) {
    b.set(off_seg_sel(s), sel);
    b.set(off_seg_base(s), b.shl(b.zext<T::I64>(sel), b.c64(4)));
    return;
  }
  b.call(kLoadSegment, b.c64(s), b.zext<T::I64>(sel));
  // The segment's attributes are in the mode bits (flat or not, SS.B, CS): look the next block up afresh.
  mode_changed = true;
}

// ---- memory
int Ctx::seg_of_ea() const {
  if (in.seg_override >= 0) return in.seg_override;
  if (addrsize() == 16) {
    bool bp_based = in.rm == 2 || in.rm == 3 || (in.rm == 6 && in.mod != 0);
    return bp_based ? SS : DS;
  }
  unsigned base;
  if (in.has_sib) {
    if ((in.base & 7) == 5 && in.mod == 0) return DS;  // no base
    base = in.base;
  } else {
    if (in.rm == 5 && in.mod == 0) return DS;  // disp32 or RIP-relative
    base = in.rm_reg();
  }
  return (base == SP || base == BP) ? SS : DS;
}
U64 Ctx::addr_mask(U64 off) {
  if (addrsize() == 64) return off;
  return b.and_(off, b.c64(addrsize() == 32 ? 0xffffffffull : 0xffffull));
}
U64 Ctx::ea() {
  if (ea_cache.id != ir::kNoValue) return ea_cache;
  if (addrsize() == 16) {
    static constexpr int kBase[8] = {BX, BX, BP, BP, -1, -1, BP, BX};
    static constexpr int kIndex[8] = {SI, DI, SI, DI, SI, DI, -1, -1};
    U16 off = b.constant<T::I16>(uint64_t(in.disp));
    if (!(in.mod == 0 && in.rm == 6)) {
      if (kBase[in.rm] >= 0) off = b.add(off, reg<T::I16>(kBase[in.rm]));
      if (kIndex[in.rm] >= 0) off = b.add(off, reg<T::I16>(kIndex[in.rm]));
    }
    return ea_cache = b.zext<T::I64>(off);
  }
  U64 off = b.c64(uint64_t(in.disp));
  if (in.has_sib) {
    if (!((in.base & 7) == 5 && in.mod == 0)) off = b.add(off, reg<T::I64>(in.base));
    if (in.index != SP) off = b.add(off, b.shl(reg<T::I64>(in.index), b.c64(in.scale)));
  } else if (in.rm == 5 && in.mod == 0) {
    if (is64()) off = b.c64(next_ip() + uint64_t(in.disp));  // RIP-relative
  } else {
    off = b.add(off, reg<T::I64>(in.rm_reg()));
  }
  return ea_cache = addr_mask(off);
}
U64 Ctx::linear(unsigned seg, U64 off) {
  if (is64()) return seg >= FS ? b.add(b.get<T::I64>(off_seg_base(seg)), off) : off;
  return b.and_(b.add(b.get<T::I64>(off_seg_base(seg)), off), b.c64(0xffffffffull));
}
void Ctx::check_segment(unsigned seg, U64 off, unsigned bytes, bool write) {
  if (is_8086() || (m.unchecked & (1u << seg))) return;
  // Real mode with 16-bit offsets: only an access running past 0xFFFF can
  // break the 64 KiB limit (a smaller cached limit left by protected mode is not modelled).
  if (real_or_vm86() && addrsize() == 16 && bytes == 1) return;
  b.call(kCheckSegment, off, b.c64(seg | bytes << 4 | (write ? 1u << 12 : 0)));
}
void Ctx::check_alignment(U64 lin, unsigned align) {
  if (!m.align_check || align <= 1) return;
  b.call(kRaiseIf, b.and_(lin, b.c64(align - 1)), b.c64(kAlignmentCheck | kErrorCodeZero), b.c64(kReturnToFaulting));
}

namespace {
// An access of W through the data MMU index. With alignment checking on
// (TransMode::align_check), a misaligned one faults in the softTLB's slow path
// (which every misaligned access takes anyway), and X86Cpu::raise_fault makes
// it #AC(0): aligned code pays nothing, code without the mode bit nothing.
template <T W>
ir::MemOp mem_op(const TransMode& m) {
  return ir::MemOp{uint8_t(log2_bytes(W)), false, m.align_check, m.mmu};
}
}  // namespace

template <T W>
ir::Val<W> Ctx::load(unsigned seg, U64 off) {
  const ir::MemOp op = mem_op<W>(m);
  if constexpr (W == T::I16) {
    if (is_8086()) {  // a word at offset 0xFFFF takes its second byte from offset 0
      ir::MemOp byte{0, false, false, m.mmu};
      U16 lo = b.zext<T::I16>(b.load<T::I8>(linear(seg, off), byte));
      U16 hi = b.zext<T::I16>(b.load<T::I8>(linear(seg, off_add(off, 1)), byte));
      return b.or_(lo, b.shl(hi, b.constant<T::I16>(8)));
    }
  }
  check_segment(seg, off, ir::type_bits(W) / 8, false);
  if (m.dbg_data) b.call(kDataBreakpoint, linear(seg, off), b.c64(ir::type_bits(W) / 8));
  return b.load<W>(linear(seg, off), op);
}
template <T W>
void Ctx::store(unsigned seg, U64 off, ir::Val<W> v) {
  const ir::MemOp op = mem_op<W>(m);
  if constexpr (W == T::I16) {
    if (is_8086()) {
      ir::MemOp byte{0, false, false, m.mmu};
      b.store(linear(seg, off), b.trunc<T::I8>(v), byte);
      b.store(linear(seg, off_add(off, 1)), b.trunc<T::I8>(b.shrl(v, b.constant<T::I16>(8))), byte);
      return;
    }
  }
  check_segment(seg, off, ir::type_bits(W) / 8, true);
  if (m.dbg_data) b.call(kDataBreakpoint, linear(seg, off), b.c64(ir::type_bits(W) / 8 | 1u << 8));
  b.store(linear(seg, off), v, op);
}
U64 Ctx::load_n(unsigned seg, U64 off, unsigned bits) {
  switch (bits) {
    case 8: return b.zext<T::I64>(load<T::I8>(seg, off));
    case 16: return b.zext<T::I64>(load<T::I16>(seg, off));
    case 32: return b.zext<T::I64>(load<T::I32>(seg, off));
    default: return load<T::I64>(seg, off);
  }
}
void Ctx::store_n(unsigned seg, U64 off, unsigned bits, U64 v) {
  switch (bits) {
    case 8: store(seg, off, b.trunc<T::I8>(v)); break;
    case 16: store(seg, off, b.trunc<T::I16>(v)); break;
    case 32: store(seg, off, b.trunc<T::I32>(v)); break;
    default: store(seg, off, v); break;
  }
}

// ---- operands
template <T W>
ir::Val<W> Ctx::read(unsigned i) {
  const OperandSpec& o = in.row->ops[i];
  const int ds = in.seg_override >= 0 ? in.seg_override : int(DS);
  switch (o.kind) {
    case Opnd::E:
    case Opnd::M: return in.mod == 3 ? reg<W>(in.rm_reg()) : load<W>(seg_of_ea(), ea());  // (M: decode ensures memory)
    case Opnd::R: return reg<W>(in.rm_reg());
    case Opnd::G: return reg<W>(in.reg);
    case Opnd::Z: return reg<W>((in.opcode & 7) | ((in.rex & 1) << 3));
    case Opnd::Acc: return reg<W>(AX);
    case Opnd::Cl:
      if constexpr (W == T::I8) return reg<T::I8>(CX);
      else return b.zext<W>(reg<T::I8>(CX));
    case Opnd::Dx: if constexpr (W == T::I16) return reg<W>(DX); else break;
    case Opnd::One: return b.constant<W>(1);
    case Opnd::I:
    case Opnd::Is: return b.constant<W>(in.imm);
    case Opnd::S: if constexpr (W == T::I16) return sreg(in.reg & 7); else break;
    case Opnd::Sreg: if constexpr (W == T::I16) return sreg(o.sreg); else break;
    case Opnd::O: return load<W>(ds, b.c64(in.imm));
    case Opnd::X: return load<W>(ds, reg_n(SI, addrsize()));
    case Opnd::Y: return load<W>(ES, reg_n(DI, addrsize()));
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
    case Opnd::M:
      if (in.mod == 3) set_reg(in.rm_reg(), v);
      else store(seg_of_ea(), ea(), v);
      break;
    case Opnd::R: set_reg(in.rm_reg(), v); break;
    case Opnd::G: set_reg(in.reg, v); break;
    case Opnd::Z: set_reg((in.opcode & 7) | ((in.rex & 1) << 3), v); break;
    case Opnd::Acc: set_reg(AX, v); break;
    case Opnd::O: store(ds, b.c64(in.imm), v); break;
    case Opnd::Y: store(ES, reg_n(DI, addrsize()), v); break;
    case Opnd::S:
    case Opnd::Sreg:
      if constexpr (W == T::I16) load_sreg(o.kind == Opnd::S ? in.reg & 7 : o.sreg, v);
      break;
    default: break;
  }
}
void Ctx::prepare_write(unsigned i) {
  const OperandSpec& o = in.row->ops[i];
  if (o.kind == Opnd::E && in.mod != 3) check_segment(unsigned(seg_of_ea()), ea(), width(i) / 8, true);
}

// ---- stack
U64 Ctx::stack_mask(U64 v) {
  const unsigned s = stacksize();
  return s == 64 ? v : b.and_(v, b.c64(s == 32 ? 0xffffffffull : 0xffffull));
}
template <T W>
void Ctx::push(ir::Val<W> v) {
  U64 sp2 = sp_add(sp(), -int64_t(ir::type_bits(W) / 8));
  store(SS, sp2, v);
  set_sp(sp2);
}
template <T W>
ir::Val<W> Ctx::pop() {
  U64 s = sp();
  ir::Val<W> v = load<W>(SS, s);
  set_sp(sp_add(s, ir::type_bits(W) / 8));
  return v;
}

// ---- flags
template <T W>
void Ctx::set_cc(CcOp family8, ir::Val<W> src, ir::Val<W> src2, ir::Val<W> dst, bool carry_in) {
  CcOp op = cc_at_width(family8, ir::type_bits(W));
  b.set(offsetof(X86State, cc_op), b.c64(uint64_t(op)));
  b.set(offsetof(X86State, cc_src), zext64(b, src));
  b.set(offsetof(X86State, cc_src2), zext64(b, src2));
  b.set(offsetof(X86State, cc_dst), zext64(b, dst));
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
  return b.or_(b.and_(b.trunc<T::I32>(other_flags()), b.c32(~(fl::kArith | fl::RF | fl::VM))), arith_flags());
}
void Ctx::set_all_flags(U32 v, uint32_t writable) {
  writable &= ~fl::kArith;
  if (model() < Model::I486) writable &= ~(fl::AC | fl::ID);  // the 386 keeps them 0 (how software tells it from a 486)
  // 8086: bits 12-15 always read as 1. Bit 1 is 1; bits 3, 5 and 15 are 0.
  const uint32_t fixed = is_8086() ? 0xF002 : 0x0002;
  U32 keep = b.and_(b.trunc<T::I32>(other_flags()), b.c32(~writable & ~fixed & ~fl::kArith & ~0x8028u));
  set_other_flags(b.zext<T::I64>(b.or_(b.or_(keep, b.and_(v, b.c32(writable))), b.c32(fixed))));
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
void Ctx::jump_ip(U64 target) {
  target = b.and_(target, b.c64(ip_mask()));
  if (is64()) b.jump_indirect(target);
  else b.jump_indirect(b.and_(b.add(b.c64(m.cs_base), target), b.c64(0xffffffffull)));
}
void Ctx::check_near_target(U64 target, uint64_t mask, B1 taken) {
  B1 ok;
  if (is64()) {
    ok = b.ltu(b.add(target, b.c64(1ull << 47)), b.c64(1ull << 48));  // bits 47-63 all equal: canonical
  } else {
    if (m.cs_limit == TransMode::kCheckNoTargets || (m.cs_limit == TransMode::kCheck32BitTargets && mask <= 0xffff)) return;
    ok = b.geu(b.zext<T::I64>(b.get<T::I32>(off_seg_limit(CS))), target);
  }
  if (taken.id != ir::kNoValue) ok = b.select(taken, ok, b.c1(true));
  fault_unless(ok, kGeneralProtection, 0);
}
void Ctx::check_near_target(uint64_t target, uint64_t mask, B1 taken) {
  if (is64() && uint64_t(int64_t(target << 16) >> 16) == target) return;  // canonical
  check_near_target(b.c64(target), mask, taken);
}
void Ctx::fault_unless(B1 ok, unsigned vector, uint64_t error) {
  ir::Builder::Label pass = b.new_label();
  b.skip_if(ok, pass);
  fault(vector, error);
  b.place(pass);
}
void Ctx::fault(unsigned vector, uint64_t error) {
  b.call(kRaiseFault, b.c64(vector), b.c64(error));
  b.exit(ir::ExitReason::Exception, b.c64(pc_of(ip)));  // not reached: the call always faults
}
void Ctx::soft_interrupt(unsigned vector) {
  b.call(kRaiseSoft, b.c64(vector), b.c64(next_ip()));
  b.exit(ir::ExitReason::Exception, b.c64(pc_of(ip)));
}
void Ctx::raise_at(unsigned vector, uint64_t return_ip) {
  b.call(kRaise, b.c64(vector), b.c64(return_ip));
  b.exit(ir::ExitReason::Exception, b.c64(pc_of(ip)));
}
bool Ctx::require_cpl0() {
  if (!m.pe || (!m.vm86 && m.cpl == 0)) return true;
  fault(kGeneralProtection, 0);
  return false;
}

#define KILN_X86_WIDTHS(X) X(T::I8) X(T::I16) X(T::I32) X(T::I64)
#define KILN_INST(W)                                                                    \
  template ir::Val<W> Ctx::reg<W>(unsigned);                                            \
  template void Ctx::set_reg<W>(unsigned, ir::Val<W>);                                  \
  template ir::Val<W> Ctx::load<W>(unsigned, U64);                                      \
  template void Ctx::store<W>(unsigned, U64, ir::Val<W>);                               \
  template ir::Val<W> Ctx::read<W>(unsigned);                                           \
  template void Ctx::write<W>(unsigned, ir::Val<W>);                                    \
  template void Ctx::push<W>(ir::Val<W>);                                               \
  template ir::Val<W> Ctx::pop<W>();                                                    \
  template void Ctx::set_cc<W>(CcOp, ir::Val<W>, ir::Val<W>, ir::Val<W>, bool);
KILN_X86_WIDTHS(KILN_INST)
#undef KILN_INST
#undef KILN_X86_WIDTHS

}  // namespace kiln::x86

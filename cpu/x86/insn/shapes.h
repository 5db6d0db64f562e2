// Shapes the x86 semantics files share: flags built from a result in IR.
#pragma once
#include "cpu/x86/insn/insns.h"

namespace kiln::x86 {

// FLAGS bit `bit` set when `v` is true.
inline U32 flag_bit(ir::Builder& b, B1 v, uint32_t bit) {
  return b.shl(b.zext<T::I32>(v), b.c32(uint32_t(__builtin_ctz(bit))));
}

// PF and SF of a result.
template <T W>
U32 parity_sign_flags(ir::Builder& b, ir::Val<W> r) {
  U8 low = [&] {
    if constexpr (W == T::I8) return r;
    else return b.template trunc<T::I8>(r);
  }();
  B1 pf = b.eq(b.and_(b.popcnt(low), b.constant<T::I8>(1)), b.constant<T::I8>(0));
  return b.or_(flag_bit(b, pf, fl::PF), flag_bit(b, b.lts(r, b.template constant<W>(0)), fl::SF));
}

// PF, ZF and SF of a result.
template <T W>
U32 result_flags(ir::Builder& b, ir::Val<W> r) {
  return b.or_(parity_sign_flags(b, r), flag_bit(b, b.eq(r, b.template constant<W>(0)), fl::ZF));
}

}  // namespace kiln::x86

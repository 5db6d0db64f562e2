// F and D extensions. Arithmetic is bit-exact soft-float (cpu/riscv/fpu.h on
// common/softfloat.h), called as helpers that resolve the dynamic rounding
// mode, accumulate fflags and mark mstatus.FS dirty. Moves, loads, stores and
// sign injection of whole registers are plain IR. An F/D instruction with
// mstatus.FS = Off, or with a reserved rounding mode, is illegal.
#include <cstddef>

#include "cpu/riscv/fpu.h"
#include "cpu/riscv/insn/insns.h"
#include "cpu/riscv/insn/shapes.h"

namespace kiln::riscv {

namespace {

constexpr uint64_t kBox = 0xffffffff00000000ull;
constexpr unsigned kDynamicRm = 7;

// Resolves rm (7 = frm); records illegal instruction for a reserved mode.
bool resolve_rm(RiscvState* s, uint64_t rm, unsigned* out) {
  if (rm == kDynamicRm) rm = s->frm;
  if (rm > 4) {
    record_exception(s, kIllegalInsn, 0);
    return false;
  }
  *out = unsigned(rm);
  return true;
}
void accrue(RiscvState* s, uint32_t flags) {
  if (flags) {
    s->fflags |= flags;
    s->mstatus |= mstatus::FS;
  }
}

using Fn2 = uint64_t (*)(uint64_t, uint64_t, unsigned, uint32_t&);
using Fn1 = uint64_t (*)(uint64_t, unsigned, uint32_t&);
using Fn3 = uint64_t (*)(uint64_t, uint64_t, uint64_t, unsigned, uint32_t&);
using FnCmp = uint64_t (*)(uint64_t, uint64_t, uint32_t&);
using FnPure1 = uint64_t (*)(uint64_t);

template <Fn2 F>
uint64_t h2(void* env, uint64_t a, uint64_t b, uint64_t rm) {
  unsigned r;
  if (!resolve_rm(rv(env), rm, &r)) return 0;
  uint32_t fl = 0;
  uint64_t v = F(a, b, r, fl);
  accrue(rv(env), fl);
  return v;
}
template <Fn1 F>
uint64_t h1(void* env, uint64_t a, uint64_t rm, uint64_t) {
  unsigned r;
  if (!resolve_rm(rv(env), rm, &r)) return 0;
  uint32_t fl = 0;
  uint64_t v = F(a, r, fl);
  accrue(rv(env), fl);
  return v;
}
// Fused multiply-add: three operands, so the rounding mode comes in RiscvState::helper_arg.
template <Fn3 F>
uint64_t h3(void* env, uint64_t a, uint64_t b, uint64_t c) {
  unsigned r;
  if (!resolve_rm(rv(env), rv(env)->helper_arg, &r)) return 0;
  uint32_t fl = 0;
  uint64_t v = F(a, b, c, r, fl);
  accrue(rv(env), fl);
  return v;
}
template <FnCmp F>
uint64_t hcmp(void* env, uint64_t a, uint64_t b, uint64_t) {
  uint32_t fl = 0;
  uint64_t v = F(a, b, fl);
  accrue(rv(env), fl);
  return v;
}
template <FnPure1 F>
uint64_t hpure(void* env, uint64_t a, uint64_t, uint64_t) {
  return F(a);
}

constexpr uint32_t kFpEffects = ir::kReadsState | ir::kWritesState | ir::kMayFault;
template <Fn2 F> constexpr ir::Helper kH2{"fp2", h2<F>, kFpEffects, 3};
template <Fn1 F> constexpr ir::Helper kH1{"fp1", h1<F>, kFpEffects, 2};
template <Fn3 F> constexpr ir::Helper kH3{"fp3", h3<F>, kFpEffects, 3};
template <FnCmp F> constexpr ir::Helper kHcmp{"fpcmp", hcmp<F>, ir::kReadsState | ir::kWritesState, 2};
template <FnPure1 F> constexpr ir::Helper kHpure{"fpclass", hpure<F>, ir::kPure, 1};

bool rm_ok(unsigned rm) { return rm <= 4 || rm == kDynamicRm; }

// fd = F(fs1, fs2) with rounding
template <Fn2 F>
bool gen_fp2(Ctx& c, const Args& a) {
  if (!c.fp_enabled || !rm_ok(a.rm)) return false;
  c.set_f(a.rd, c.b.call(kH2<F>, c.f(a.rs1), c.f(a.rs2), c.b.c64(a.rm)));
  return true;
}
// fd = F(fs1) with rounding (sqrt, float-to-float conversions)
template <Fn1 F>
bool gen_fp1(Ctx& c, const Args& a) {
  if (!c.fp_enabled || !rm_ok(a.rm)) return false;
  c.set_f(a.rd, c.b.call(kH1<F>, c.f(a.rs1), c.b.c64(a.rm)));
  return true;
}
template <Fn3 F>
bool gen_fp3(Ctx& c, const Args& a) {
  if (!c.fp_enabled || !rm_ok(a.rm)) return false;
  c.b.set(offsetof(RiscvState, helper_arg), c.b.c64(a.rm));
  c.set_f(a.rd, c.b.call(kH3<F>, c.f(a.rs1), c.f(a.rs2), c.f(a.rs3)));
  return true;
}
// fd = F(fs1, fs2) without rounding (min/max)
template <FnCmp F>
bool gen_fpminmax(Ctx& c, const Args& a) {
  if (!c.fp_enabled) return false;
  c.set_f(a.rd, c.b.call(kHcmp<F>, c.f(a.rs1), c.f(a.rs2)));
  return true;
}
// rd = F(fs1, fs2) (compares)
template <FnCmp F>
bool gen_fpcmp(Ctx& c, const Args& a) {
  if (!c.fp_enabled) return false;
  c.set_x(a.rd, c.b.call(kHcmp<F>, c.f(a.rs1), c.f(a.rs2)));
  return true;
}
// rd = F(fs1) with rounding (float to integer)
template <Fn1 F>
bool gen_fp_to_int(Ctx& c, const Args& a) {
  if (!c.fp_enabled || !rm_ok(a.rm)) return false;
  U64 v = c.b.call(kH1<F>, c.f(a.rs1), c.b.c64(a.rm));
  c.set_x(a.rd, v);
  return true;
}
// fd = F(rs1) with rounding (integer to float)
template <Fn1 F>
bool gen_int_to_fp(Ctx& c, const Args& a) {
  if (!c.fp_enabled || !rm_ok(a.rm)) return false;
  c.set_f(a.rd, c.b.call(kH1<F>, c.x(a.rs1), c.b.c64(a.rm)));
  return true;
}
template <FnPure1 F>
bool gen_fclass(Ctx& c, const Args& a) {
  if (!c.fp_enabled) return false;
  c.set_x(a.rd, c.b.call(kHpure<F>, c.f(a.rs1)));
  return true;
}
using FnSgnj = uint64_t (*)(uint64_t, uint64_t);
template <FnSgnj F>
uint64_t hsgnj(void* env, uint64_t a, uint64_t b, uint64_t) {
  return F(a, b);
}
template <FnSgnj F>
bool gen_sgnj(Ctx& c, const Args& a) {
  static constexpr ir::Helper h{"fsgnj", hsgnj<F>, ir::kPure, 2};
  if (!c.fp_enabled) return false;
  c.set_f(a.rd, c.b.call(h, c.f(a.rs1), c.f(a.rs2)));
  return true;
}

}  // namespace

bool gen_fload(Ctx& c, unsigned rd, unsigned rs1, int64_t imm, bool dbl) {
  if (!c.fp_enabled) return false;
  U64 a = addr(c, rs1, imm);
  c.check_triggers(a, dbl ? 3 : 2, kTriggerLoad);
  U64 v = c.b.load<T::I64>(a, memop(c, dbl ? 3 : 2, false));
  c.set_f(rd, dbl ? v : c.b.or_(v, c.b.c64(kBox)));
  return true;
}
bool gen_fstore(Ctx& c, unsigned rs2, unsigned rs1, int64_t imm, bool dbl) {
  if (!c.fp_enabled) return false;
  U64 a = addr(c, rs1, imm);
  c.check_triggers(a, dbl ? 3 : 2, kTriggerStore);
  c.b.store(a, c.f(rs2), memop(c, dbl ? 3 : 2, false));
  return true;
}

bool insn_flw(Ctx& c, const Args& a) { return gen_fload(c, a.rd, a.rs1, a.imm, false); }
bool insn_fld(Ctx& c, const Args& a) { return gen_fload(c, a.rd, a.rs1, a.imm, true); }
bool insn_fsw(Ctx& c, const Args& a) { return gen_fstore(c, a.rs2, a.rs1, a.imm, false); }
bool insn_fsd(Ctx& c, const Args& a) { return gen_fstore(c, a.rs2, a.rs1, a.imm, true); }

bool insn_fmadd_s(Ctx& c, const Args& a) { return gen_fp3<fpu::fmadd_s>(c, a); }
bool insn_fmsub_s(Ctx& c, const Args& a) { return gen_fp3<fpu::fmsub_s>(c, a); }
bool insn_fnmsub_s(Ctx& c, const Args& a) { return gen_fp3<fpu::fnmsub_s>(c, a); }
bool insn_fnmadd_s(Ctx& c, const Args& a) { return gen_fp3<fpu::fnmadd_s>(c, a); }
bool insn_fmadd_d(Ctx& c, const Args& a) { return gen_fp3<fpu::fmadd_d>(c, a); }
bool insn_fmsub_d(Ctx& c, const Args& a) { return gen_fp3<fpu::fmsub_d>(c, a); }
bool insn_fnmsub_d(Ctx& c, const Args& a) { return gen_fp3<fpu::fnmsub_d>(c, a); }
bool insn_fnmadd_d(Ctx& c, const Args& a) { return gen_fp3<fpu::fnmadd_d>(c, a); }

bool insn_fadd_s(Ctx& c, const Args& a) { return gen_fp2<fpu::fadd_s>(c, a); }
bool insn_fsub_s(Ctx& c, const Args& a) { return gen_fp2<fpu::fsub_s>(c, a); }
bool insn_fmul_s(Ctx& c, const Args& a) { return gen_fp2<fpu::fmul_s>(c, a); }
bool insn_fdiv_s(Ctx& c, const Args& a) { return gen_fp2<fpu::fdiv_s>(c, a); }
bool insn_fsqrt_s(Ctx& c, const Args& a) { return gen_fp1<fpu::fsqrt_s>(c, a); }
bool insn_fsgnj_s(Ctx& c, const Args& a) { return gen_sgnj<fpu::fsgnj_s>(c, a); }
bool insn_fsgnjn_s(Ctx& c, const Args& a) { return gen_sgnj<fpu::fsgnjn_s>(c, a); }
bool insn_fsgnjx_s(Ctx& c, const Args& a) { return gen_sgnj<fpu::fsgnjx_s>(c, a); }
bool insn_fmin_s(Ctx& c, const Args& a) { return gen_fpminmax<fpu::fmin_s>(c, a); }
bool insn_fmax_s(Ctx& c, const Args& a) { return gen_fpminmax<fpu::fmax_s>(c, a); }
bool insn_fcvt_w_s(Ctx& c, const Args& a) { return gen_fp_to_int<fpu::fcvt_w_s>(c, a); }
bool insn_fcvt_wu_s(Ctx& c, const Args& a) { return gen_fp_to_int<fpu::fcvt_wu_s>(c, a); }
bool insn_fcvt_l_s(Ctx& c, const Args& a) { return gen_fp_to_int<fpu::fcvt_l_s>(c, a); }
bool insn_fcvt_lu_s(Ctx& c, const Args& a) { return gen_fp_to_int<fpu::fcvt_lu_s>(c, a); }
bool insn_fmv_x_w(Ctx& c, const Args& a) {
  if (!c.fp_enabled) return false;
  c.set_x(a.rd, c.b.sext<T::I64>(c.b.trunc<T::I32>(c.f(a.rs1))));
  return true;
}
bool insn_fclass_s(Ctx& c, const Args& a) { return gen_fclass<fpu::fclass_s>(c, a); }
bool insn_feq_s(Ctx& c, const Args& a) { return gen_fpcmp<fpu::feq_s>(c, a); }
bool insn_flt_s(Ctx& c, const Args& a) { return gen_fpcmp<fpu::flt_s>(c, a); }
bool insn_fle_s(Ctx& c, const Args& a) { return gen_fpcmp<fpu::fle_s>(c, a); }
bool insn_fcvt_s_w(Ctx& c, const Args& a) { return gen_int_to_fp<fpu::fcvt_s_w>(c, a); }
bool insn_fcvt_s_wu(Ctx& c, const Args& a) { return gen_int_to_fp<fpu::fcvt_s_wu>(c, a); }
bool insn_fcvt_s_l(Ctx& c, const Args& a) { return gen_int_to_fp<fpu::fcvt_s_l>(c, a); }
bool insn_fcvt_s_lu(Ctx& c, const Args& a) { return gen_int_to_fp<fpu::fcvt_s_lu>(c, a); }
bool insn_fmv_w_x(Ctx& c, const Args& a) {
  if (!c.fp_enabled) return false;
  c.set_f(a.rd, c.b.or_(c.b.zext<T::I64>(c.b.trunc<T::I32>(c.x(a.rs1))), c.b.c64(kBox)));
  return true;
}

bool insn_fadd_d(Ctx& c, const Args& a) { return gen_fp2<fpu::fadd_d>(c, a); }
bool insn_fsub_d(Ctx& c, const Args& a) { return gen_fp2<fpu::fsub_d>(c, a); }
bool insn_fmul_d(Ctx& c, const Args& a) { return gen_fp2<fpu::fmul_d>(c, a); }
bool insn_fdiv_d(Ctx& c, const Args& a) { return gen_fp2<fpu::fdiv_d>(c, a); }
bool insn_fsqrt_d(Ctx& c, const Args& a) { return gen_fp1<fpu::fsqrt_d>(c, a); }
bool insn_fsgnj_d(Ctx& c, const Args& a) { return gen_sgnj<fpu::fsgnj_d>(c, a); }
bool insn_fsgnjn_d(Ctx& c, const Args& a) { return gen_sgnj<fpu::fsgnjn_d>(c, a); }
bool insn_fsgnjx_d(Ctx& c, const Args& a) { return gen_sgnj<fpu::fsgnjx_d>(c, a); }
bool insn_fmin_d(Ctx& c, const Args& a) { return gen_fpminmax<fpu::fmin_d>(c, a); }
bool insn_fmax_d(Ctx& c, const Args& a) { return gen_fpminmax<fpu::fmax_d>(c, a); }
bool insn_fcvt_s_d(Ctx& c, const Args& a) { return gen_fp1<fpu::fcvt_s_d>(c, a); }
bool insn_fcvt_d_s(Ctx& c, const Args& a) { return gen_fp1<fpu::fcvt_d_s>(c, a); }
bool insn_fcvt_w_d(Ctx& c, const Args& a) { return gen_fp_to_int<fpu::fcvt_w_d>(c, a); }
bool insn_fcvt_wu_d(Ctx& c, const Args& a) { return gen_fp_to_int<fpu::fcvt_wu_d>(c, a); }
bool insn_fcvt_l_d(Ctx& c, const Args& a) { return gen_fp_to_int<fpu::fcvt_l_d>(c, a); }
bool insn_fcvt_lu_d(Ctx& c, const Args& a) { return gen_fp_to_int<fpu::fcvt_lu_d>(c, a); }
bool insn_fmv_x_d(Ctx& c, const Args& a) {
  if (!c.fp_enabled) return false;
  c.set_x(a.rd, c.f(a.rs1));
  return true;
}
bool insn_fclass_d(Ctx& c, const Args& a) { return gen_fclass<fpu::fclass_d>(c, a); }
bool insn_feq_d(Ctx& c, const Args& a) { return gen_fpcmp<fpu::feq_d>(c, a); }
bool insn_flt_d(Ctx& c, const Args& a) { return gen_fpcmp<fpu::flt_d>(c, a); }
bool insn_fle_d(Ctx& c, const Args& a) { return gen_fpcmp<fpu::fle_d>(c, a); }
bool insn_fcvt_d_w(Ctx& c, const Args& a) { return gen_int_to_fp<fpu::fcvt_d_w>(c, a); }
bool insn_fcvt_d_wu(Ctx& c, const Args& a) { return gen_int_to_fp<fpu::fcvt_d_wu>(c, a); }
bool insn_fcvt_d_l(Ctx& c, const Args& a) { return gen_int_to_fp<fpu::fcvt_d_l>(c, a); }
bool insn_fcvt_d_lu(Ctx& c, const Args& a) { return gen_int_to_fp<fpu::fcvt_d_lu>(c, a); }
bool insn_fmv_d_x(Ctx& c, const Args& a) {
  if (!c.fp_enabled) return false;
  c.set_f(a.rd, c.x(a.rs1));
  return true;
}

}  // namespace kiln::riscv

// The interpreter loop, directly threaded (GNU C's labels as values): each
// handler ends in its own jump to the next one's code, which the host
// predicts per handler; with one switch, every op went through the same
// indirect jump, mispredicted at most changes of op (a third of the loop's
// time in a boot). The pure ops' handlers are generated from lists (one row per
// op, four widths, register or immediate second operand); their meaning comes
// from ir/eval.h.
#include "cpu/common/amo.h"
#include "interp/handlers.h"
#include "interp/interp.h"
#include "ir/eval.h"

namespace kiln::interp {

using ir::Op;

namespace {

template <Op O, unsigned W>
inline uint64_t bin(uint64_t a, uint64_t b) {
  return ir::eval::binary(O, a, b, W) & ir::eval::mask(W);
}
template <Op O, unsigned W>
inline uint64_t un(uint64_t a) {
  return ir::eval::unary(O, a, W) & ir::eval::mask(W);
}

struct HandlerTable {
  const void* at[kNumHandlers];
};

}  // namespace

#define KILN_BIN_OPS(X)                                                                                      \
  X(Add) X(Sub) X(Mul) X(MulHS) X(MulHU) X(MulHSU) X(DivS) X(DivU) X(RemS) X(RemU) X(And) X(Or) X(Xor) X(Shl) \
  X(ShrL) X(ShrA) X(Rotl) X(Rotr) X(CmpEq) X(CmpNe) X(CmpLtS) X(CmpLtU) X(CmpGeS) X(CmpGeU)
#define KILN_UN_OPS(X) X(Not) X(Neg) X(Clz) X(Ctz) X(Popcnt) X(Bswap)
// Every handler past the pure range, each with a labelled body below.
#define KILN_SPECIALS(X)                                                                                   \
  X(kLdImm) X(kGet8) X(kGet16) X(kGet32) X(kGet64) X(kSet8) X(kSet16) X(kSet32) X(kSet64) X(kSetImm8)      \
  X(kSetImm16) X(kSetImm32) X(kSetImm64) X(kSExt8) X(kSExt16) X(kSExt32) X(kSExt64) X(kMask) X(kCopy)     \
  X(kSelect) X(kLoad1) X(kLoad2) X(kLoad4) X(kLoad8) X(kLoadS1) X(kLoadS2) X(kLoadS4) X(kStore1) X(kStore2) \
  X(kStore4) X(kStore8) X(kAmo) X(kCall) X(kCallMayFault) X(kSkipIf) X(kSkip) X(kGoto) X(kBranch)         \
  X(kJumpIndirect) X(kExit)
#define KILN_COUNT(H) +1
static_assert(0 KILN_SPECIALS(KILN_COUNT) == kNumHandlers - kFirstSpecial, "a handler is missing from KILN_SPECIALS");
#undef KILN_COUNT

ExitInfo run(const Code& code, cpu::StateHeader* env) {
  uint8_t* const base = reinterpret_cast<uint8_t*>(env);
  mem::MemContext& m = env->mem;
  auto R = [base](uint32_t off) -> uint64_t& { return *reinterpret_cast<uint64_t*>(base + off); };
  const ICode* ip = code.ops.data();
  auto fault = [&]() { return ExitInfo{ir::ExitReason::Exception, 0, ip->insn, code.insn_pc[ip->insn]}; };

  // Handler number -> its code; numbers no op compiles to lead to `bad`.
  static const HandlerTable table = ({
    HandlerTable t;
    for (const void*& p : t.at) p = &&bad;
#define KILN_T_W(OPN, WI)                                          \
  t.at[pure_handler(Op::OPN, WI, false)] = &&L_##OPN##_##WI##_reg; \
  t.at[pure_handler(Op::OPN, WI, true)] = &&L_##OPN##_##WI##_imm;
#define KILN_T_BIN(OPN) KILN_T_W(OPN, 0) KILN_T_W(OPN, 1) KILN_T_W(OPN, 2) KILN_T_W(OPN, 3)
#define KILN_T_U(OPN, WI) t.at[pure_handler(Op::OPN, WI, false)] = &&L_##OPN##_##WI##_reg;
#define KILN_T_UN(OPN) KILN_T_U(OPN, 0) KILN_T_U(OPN, 1) KILN_T_U(OPN, 2) KILN_T_U(OPN, 3)
#define KILN_T_SPECIAL(H) t.at[H] = &&L_##H;
    KILN_BIN_OPS(KILN_T_BIN)
    KILN_UN_OPS(KILN_T_UN)
    KILN_SPECIALS(KILN_T_SPECIAL)
#undef KILN_T_SPECIAL
#undef KILN_T_UN
#undef KILN_T_U
#undef KILN_T_BIN
#undef KILN_T_W
    t;
  });
#define KILN_NEXT goto* table.at[(++ip)->handler]
  goto* table.at[ip->handler];

#define KILN_W(OPN, WI, W)                                                        \
  L_##OPN##_##WI##_reg : R(ip->dst) = bin<Op::OPN, W>(R(ip->a), R(ip->b)); KILN_NEXT; \
  L_##OPN##_##WI##_imm : R(ip->dst) = bin<Op::OPN, W>(R(ip->a), ip->imm); KILN_NEXT;
#define KILN_BIN(OPN) KILN_W(OPN, 0, 8) KILN_W(OPN, 1, 16) KILN_W(OPN, 2, 32) KILN_W(OPN, 3, 64)
  KILN_BIN_OPS(KILN_BIN)
#undef KILN_BIN
#undef KILN_W
#define KILN_U(OPN, WI, W) \
  L_##OPN##_##WI##_reg : R(ip->dst) = un<Op::OPN, W>(R(ip->a)); KILN_NEXT;
#define KILN_UN(OPN) KILN_U(OPN, 0, 8) KILN_U(OPN, 1, 16) KILN_U(OPN, 2, 32) KILN_U(OPN, 3, 64)
  KILN_UN_OPS(KILN_UN)
#undef KILN_UN
#undef KILN_U

L_kLdImm: R(ip->dst) = ip->imm; KILN_NEXT;
L_kGet8: R(ip->dst) = *reinterpret_cast<uint8_t*>(base + ip->a); KILN_NEXT;
L_kGet16: R(ip->dst) = *reinterpret_cast<uint16_t*>(base + ip->a); KILN_NEXT;
L_kGet32: R(ip->dst) = *reinterpret_cast<uint32_t*>(base + ip->a); KILN_NEXT;
L_kGet64: R(ip->dst) = *reinterpret_cast<uint64_t*>(base + ip->a); KILN_NEXT;
L_kSet8: *reinterpret_cast<uint8_t*>(base + ip->dst) = uint8_t(R(ip->a)); KILN_NEXT;
L_kSet16: *reinterpret_cast<uint16_t*>(base + ip->dst) = uint16_t(R(ip->a)); KILN_NEXT;
L_kSet32: *reinterpret_cast<uint32_t*>(base + ip->dst) = uint32_t(R(ip->a)); KILN_NEXT;
L_kSet64: *reinterpret_cast<uint64_t*>(base + ip->dst) = R(ip->a); KILN_NEXT;
L_kSetImm8: *reinterpret_cast<uint8_t*>(base + ip->dst) = uint8_t(ip->imm); KILN_NEXT;
L_kSetImm16: *reinterpret_cast<uint16_t*>(base + ip->dst) = uint16_t(ip->imm); KILN_NEXT;
L_kSetImm32: *reinterpret_cast<uint32_t*>(base + ip->dst) = uint32_t(ip->imm); KILN_NEXT;
L_kSetImm64: *reinterpret_cast<uint64_t*>(base + ip->dst) = ip->imm; KILN_NEXT;
L_kSExt8: R(ip->dst) = uint64_t(int64_t(R(ip->a) << ip->imm) >> ip->imm) & 0xff; KILN_NEXT;
L_kSExt16: R(ip->dst) = uint64_t(int64_t(R(ip->a) << ip->imm) >> ip->imm) & 0xffff; KILN_NEXT;
L_kSExt32: R(ip->dst) = uint64_t(int64_t(R(ip->a) << ip->imm) >> ip->imm) & 0xffffffff; KILN_NEXT;
L_kSExt64: R(ip->dst) = uint64_t(int64_t(R(ip->a) << ip->imm) >> ip->imm); KILN_NEXT;
L_kMask: R(ip->dst) = R(ip->a) & ip->imm; KILN_NEXT;
L_kCopy: R(ip->dst) = R(ip->a); KILN_NEXT;
L_kSelect: R(ip->dst) = R(ip->a) ? R(ip->b) : R(ip->c); KILN_NEXT;

#define KILN_LOAD(H, SIZE, SIGN)                                            \
  L_##H : {                                                                 \
    uint64_t v;                                                             \
    if (!mem::load(m, R(ip->a), SIZE, ip->b, ip->c, &v)) return fault();    \
    if (SIGN) v = uint64_t(ir::eval::sx(v, 8 * SIZE));                      \
    R(ip->dst) = v & ip->imm;                                               \
    KILN_NEXT;                                                              \
  }
  KILN_LOAD(kLoad1, 1, false) KILN_LOAD(kLoad2, 2, false) KILN_LOAD(kLoad4, 4, false)
  KILN_LOAD(kLoad8, 8, false) KILN_LOAD(kLoadS1, 1, true) KILN_LOAD(kLoadS2, 2, true)
  KILN_LOAD(kLoadS4, 4, true)
#undef KILN_LOAD
#define KILN_STORE(H, SIZE)                                                                               \
  L_##H : if (!mem::store(m, R(ip->a), SIZE, ip->c & 0xff, ip->c >> 8, R(ip->b))) return fault(); \
  KILN_NEXT;
  KILN_STORE(kStore1, 1) KILN_STORE(kStore2, 2) KILN_STORE(kStore4, 4) KILN_STORE(kStore8, 8)
#undef KILN_STORE

L_kAmo: {
  uint64_t v;
  if (!cpu::execute_amo(m, R(ip->a), R(ip->b), ip->imm, &v)) return fault();
  R(ip->dst) = v;
  KILN_NEXT;
}
L_kCall: {
  const auto* h = reinterpret_cast<const ir::Helper*>(ip->imm);
  R(ip->dst) = h->fn(env, ip->a != ~0u ? R(ip->a) : 0, ip->b != ~0u ? R(ip->b) : 0, ip->c != ~0u ? R(ip->c) : 0);
  KILN_NEXT;
}
L_kCallMayFault: {
  const auto* h = reinterpret_cast<const ir::Helper*>(ip->imm);
  uint64_t r = h->fn(env, ip->a != ~0u ? R(ip->a) : 0, ip->b != ~0u ? R(ip->b) : 0, ip->c != ~0u ? R(ip->c) : 0);
  if (env->fault) return fault();
  R(ip->dst) = r;
  KILN_NEXT;
}
L_kSkipIf:
  if (!R(ip->a)) KILN_NEXT;
  ip = code.ops.data() + ip->b;
  goto* table.at[ip->handler];
L_kSkip:
  ip = code.ops.data() + ip->b;
  goto* table.at[ip->handler];
L_kGoto: return {ir::ExitReason::None, uint8_t(ip->b), ip->c, ip->imm};
L_kBranch:
  if (!R(ip->a)) ++ip;  // the not-taken Goto, read here rather than dispatched to
  return {ir::ExitReason::None, uint8_t(ip->b), ip->c, ip->imm};
L_kJumpIndirect: return {ir::ExitReason::None, 2, ip->c, R(ip->a)};
L_kExit: return {ir::ExitReason(ip->imm), 0, ip->c, R(ip->a)};
bad:
  __builtin_trap();  // interp::compile never emits such a number
#undef KILN_NEXT
}

#undef KILN_SPECIALS
#undef KILN_UN_OPS
#undef KILN_BIN_OPS

}  // namespace kiln::interp

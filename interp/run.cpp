// The interpreter loop: one switch over pre-resolved handlers. The pure ops'
// cases are generated from a list (one row per op, four widths, register or
// immediate second operand); their meaning comes from ir/eval.h.
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

}  // namespace

ExitInfo run(const Code& code, cpu::StateHeader* env) {
  uint8_t* const base = reinterpret_cast<uint8_t*>(env);
  mem::MemContext& m = env->mem;
  auto R = [base](uint32_t off) -> uint64_t& { return *reinterpret_cast<uint64_t*>(base + off); };
  auto fault = [&](const ICode* ip) {
    return ExitInfo{ir::ExitReason::Exception, 0, ip->insn, code.insn_pc[ip->insn]};
  };

  for (const ICode* ip = code.ops.data();; ++ip) {
    switch (ip->handler) {
#define KILN_W(OPN, WI, W)                                                                   \
  case pure_handler(Op::OPN, WI, false): R(ip->dst) = bin<Op::OPN, W>(R(ip->a), R(ip->b)); break; \
  case pure_handler(Op::OPN, WI, true): R(ip->dst) = bin<Op::OPN, W>(R(ip->a), ip->imm); break;
#define KILN_BIN(OPN) KILN_W(OPN, 0, 8) KILN_W(OPN, 1, 16) KILN_W(OPN, 2, 32) KILN_W(OPN, 3, 64)
      KILN_BIN(Add) KILN_BIN(Sub) KILN_BIN(Mul) KILN_BIN(MulHS) KILN_BIN(MulHU) KILN_BIN(MulHSU)
      KILN_BIN(DivS) KILN_BIN(DivU) KILN_BIN(RemS) KILN_BIN(RemU) KILN_BIN(And) KILN_BIN(Or)
      KILN_BIN(Xor) KILN_BIN(Shl) KILN_BIN(ShrL) KILN_BIN(ShrA) KILN_BIN(Rotl) KILN_BIN(Rotr)
      KILN_BIN(CmpEq) KILN_BIN(CmpNe) KILN_BIN(CmpLtS) KILN_BIN(CmpLtU) KILN_BIN(CmpGeS) KILN_BIN(CmpGeU)
#undef KILN_BIN
#undef KILN_W
#define KILN_U(OPN, WI, W) \
  case pure_handler(Op::OPN, WI, false): R(ip->dst) = un<Op::OPN, W>(R(ip->a)); break;
#define KILN_UN(OPN) KILN_U(OPN, 0, 8) KILN_U(OPN, 1, 16) KILN_U(OPN, 2, 32) KILN_U(OPN, 3, 64)
      KILN_UN(Not) KILN_UN(Neg) KILN_UN(Clz) KILN_UN(Ctz) KILN_UN(Popcnt) KILN_UN(Bswap)
#undef KILN_UN
#undef KILN_U

      case kLdImm: R(ip->dst) = ip->imm; break;
      case kGet8: R(ip->dst) = *reinterpret_cast<uint8_t*>(base + ip->a); break;
      case kGet16: R(ip->dst) = *reinterpret_cast<uint16_t*>(base + ip->a); break;
      case kGet32: R(ip->dst) = *reinterpret_cast<uint32_t*>(base + ip->a); break;
      case kGet64: R(ip->dst) = *reinterpret_cast<uint64_t*>(base + ip->a); break;
      case kSet8: *reinterpret_cast<uint8_t*>(base + ip->dst) = uint8_t(R(ip->a)); break;
      case kSet16: *reinterpret_cast<uint16_t*>(base + ip->dst) = uint16_t(R(ip->a)); break;
      case kSet32: *reinterpret_cast<uint32_t*>(base + ip->dst) = uint32_t(R(ip->a)); break;
      case kSet64: *reinterpret_cast<uint64_t*>(base + ip->dst) = R(ip->a); break;
      case kSetImm8: *reinterpret_cast<uint8_t*>(base + ip->dst) = uint8_t(ip->imm); break;
      case kSetImm16: *reinterpret_cast<uint16_t*>(base + ip->dst) = uint16_t(ip->imm); break;
      case kSetImm32: *reinterpret_cast<uint32_t*>(base + ip->dst) = uint32_t(ip->imm); break;
      case kSetImm64: *reinterpret_cast<uint64_t*>(base + ip->dst) = ip->imm; break;
      case kSExt8: R(ip->dst) = uint64_t(int64_t(R(ip->a) << ip->imm) >> ip->imm) & 0xff; break;
      case kSExt16: R(ip->dst) = uint64_t(int64_t(R(ip->a) << ip->imm) >> ip->imm) & 0xffff; break;
      case kSExt32: R(ip->dst) = uint64_t(int64_t(R(ip->a) << ip->imm) >> ip->imm) & 0xffffffff; break;
      case kSExt64: R(ip->dst) = uint64_t(int64_t(R(ip->a) << ip->imm) >> ip->imm); break;
      case kMask: R(ip->dst) = R(ip->a) & ip->imm; break;
      case kCopy: R(ip->dst) = R(ip->a); break;
      case kSelect: R(ip->dst) = R(ip->a) ? R(ip->b) : R(ip->c); break;

#define KILN_LOAD(H, SIZE, SIGN)                                                  \
  case H: {                                                                       \
    uint64_t v;                                                                   \
    if (!mem::load(m, R(ip->a), SIZE, ip->b, ip->c, &v)) return fault(ip);        \
    if (SIGN) v = uint64_t(ir::eval::sx(v, 8 * SIZE));                            \
    R(ip->dst) = v & ip->imm;                                                     \
    break;                                                                        \
  }
      KILN_LOAD(kLoad1, 1, false) KILN_LOAD(kLoad2, 2, false) KILN_LOAD(kLoad4, 4, false)
      KILN_LOAD(kLoad8, 8, false) KILN_LOAD(kLoadS1, 1, true) KILN_LOAD(kLoadS2, 2, true)
      KILN_LOAD(kLoadS4, 4, true)
#undef KILN_LOAD
#define KILN_STORE(H, SIZE)                                                                   \
  case H:                                                                                     \
    if (!mem::store(m, R(ip->a), SIZE, ip->c & 0xff, ip->c >> 8, R(ip->b))) return fault(ip); \
    break;
      KILN_STORE(kStore1, 1) KILN_STORE(kStore2, 2) KILN_STORE(kStore4, 4) KILN_STORE(kStore8, 8)
#undef KILN_STORE

      case kAmo: {
        uint64_t v;
        if (!cpu::execute_amo(m, R(ip->a), R(ip->b), ip->imm, &v)) return fault(ip);
        R(ip->dst) = v;
        break;
      }
      case kCall: {
        const auto* h = reinterpret_cast<const ir::Helper*>(ip->imm);
        R(ip->dst) = h->fn(env, ip->a != ~0u ? R(ip->a) : 0, ip->b != ~0u ? R(ip->b) : 0, ip->c != ~0u ? R(ip->c) : 0);
        break;
      }
      case kCallMayFault: {
        const auto* h = reinterpret_cast<const ir::Helper*>(ip->imm);
        uint64_t r = h->fn(env, ip->a != ~0u ? R(ip->a) : 0, ip->b != ~0u ? R(ip->b) : 0, ip->c != ~0u ? R(ip->c) : 0);
        if (env->fault) return fault(ip);
        R(ip->dst) = r;
        break;
      }
      case kGoto: return {ir::ExitReason::None, 0, code.guest_insns, ip->imm};
      case kBranch:
        if (R(ip->a)) return {ir::ExitReason::None, 0, code.guest_insns, ip->imm};
        return {ir::ExitReason::None, 1, code.guest_insns, code.aux_pc};
      case kJumpIndirect: return {ir::ExitReason::None, 2, code.guest_insns, R(ip->a)};
      case kExit: return {ir::ExitReason(ip->imm), 0, code.guest_insns, R(ip->a)};
      default: __builtin_unreachable();
    }
  }
}

}  // namespace kiln::interp

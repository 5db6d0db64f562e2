// String instructions (Intel SDM Vol. 2: MOVS, CMPS, STOS, LODS, SCAS; INS
// and OUTS from the 186 on) with
// REP/REPE/REPNE. Their meaning lives in one helper that performs one
// instruction, its REP loop to completion, updating CX/SI/DI after every
// element so a fault mid-way leaves them exactly where the chip would (the
// instruction restarts with the remaining count). docs/design.md §5 plans
// REP loops as IR loops with internal labels; the IR has no labels yet.
#include "cpu/x86/flags.h"
#include "cpu/x86/helpers.h"
#include "cpu/x86/insn/insns.h"

namespace kiln::x86 {

namespace {
enum StrOp : unsigned { kMovs, kCmps, kStos, kLods, kScas, kIns, kOuts };

// info: op (bits 0-2), log2 element size (bits 3-4), source segment (bits
// 5-7), rep prefix (bits 8-15), address size / 16 (bits 16-18).
uint64_t string_helper(void* env, uint64_t info, uint64_t, uint64_t) {
  X86State* s = xs(env);
  const StrOp op = StrOp(info & 7);
  const unsigned size = 1u << ((info >> 3) & 3);
  const unsigned src_seg = unsigned(info >> 5) & 7;
  const unsigned rep = unsigned(info >> 8) & 0xff;
  const unsigned addr_bits = 16 * unsigned((info >> 16) & 7);
  const uint64_t amask = addr_bits == 64 ? ~0ull : (1ull << addr_bits) - 1;
  const int64_t step = (s->flags & fl::DF) ? -int64_t(size) : int64_t(size);
  const unsigned mmu = data_mmu(*s);
  auto rd = [&](unsigned r) { return s->gpr[r] & amask; };
  auto wr = [&](unsigned r, uint64_t v) {
    if (addr_bits == 16) s->gpr[r] = (s->gpr[r] & ~0xffffull) | (v & 0xffff);
    else s->gpr[r] = v & amask;  // a 32-bit write zeroes bits 32-63
  };
  // An element at seg:off (the 8086's word at offset 0xFFFF wraps within the segment; the 286's raises #GP).
  auto access = [&](unsigned seg, uint64_t off, bool write, uint64_t* v) {
    if (size > 1 && addr_bits == 16 && off == 0xffff && s->model != Model::I8086) {
      record_fault(s, kGeneralProtection, 0);
      return false;
    }
    auto linear = [&](uint64_t o) -> uint64_t {
      if (code64(*s)) return seg >= FS ? s->seg[seg].base + o : o;
      return (s->seg[seg].base + o) & 0xffffffffull;
    };
    if (s->model == Model::I8086 && size == 2) {
      for (unsigned i = 0; i < 2; i++) {
        const uint64_t va = linear((off + i) & 0xffff);
        if (write) {
          if (!mem::store(s->mem, va, 1, mmu, false, (*v >> (8 * i)) & 0xff)) return false;
        } else {
          uint64_t byte;
          if (!mem::load(s->mem, va, 1, mmu, false, &byte)) return false;
          *v = i == 0 ? byte : (*v | byte << 8);
        }
      }
      return true;
    }
    return write ? mem::store(s->mem, linear(off), size, mmu, false, *v) : mem::load(s->mem, linear(off), size, mmu, false, v);
  };
  const uint64_t mask = size == 8 ? ~0ull : (1ull << (8 * size)) - 1;
  for (;;) {
    if (rep && rd(CX) == 0) break;
    uint64_t a = 0, b = 0;
    switch (op) {
      case kMovs:
        if (!access(src_seg, rd(SI), false, &a) || !access(ES, rd(DI), true, &a)) return 0;
        break;
      case kCmps:
        if (!access(src_seg, rd(SI), false, &a) || !access(ES, rd(DI), false, &b)) return 0;
        break;
      case kStos:
        a = s->gpr[AX] & mask;
        if (!access(ES, rd(DI), true, &a)) return 0;
        break;
      case kLods:
        if (!access(src_seg, rd(SI), false, &a)) return 0;
        if (size == 4) s->gpr[AX] = a;
        else s->gpr[AX] = (s->gpr[AX] & ~mask) | a;
        break;
      case kScas:
        a = s->gpr[AX] & mask;
        if (!access(ES, rd(DI), false, &b)) return 0;
        break;
      case kIns:
        a = port_read(*s, uint16_t(s->gpr[DX]), size);
        if (!access(ES, rd(DI), true, &a)) return 0;
        break;
      case kOuts:
        if (!access(src_seg, rd(SI), false, &a) || !port_write(*s, uint16_t(s->gpr[DX]), size, a)) return 0;
        break;
    }
    if (op == kMovs || op == kCmps || op == kLods || op == kOuts) wr(SI, rd(SI) + uint64_t(step));
    if (op != kLods && op != kOuts) wr(DI, rd(DI) + uint64_t(step));
    if (op == kCmps || op == kScas) {
      static constexpr CcOp kSub[] = {CcOp::Sub8, CcOp::Sub16, CcOp::Sub32, CcOp::Sub64};
      s->cc_op = uint64_t(kSub[__builtin_ctz(size)]);
      s->cc_src = a;
      s->cc_src2 = b;
      s->cc_dst = (a - b) & mask;
    }
    if (!rep) break;
    wr(CX, rd(CX) - 1);
    if (rd(CX) == 0) break;
    if (op == kCmps || op == kScas) {
      bool zf = s->cc_dst == 0;
      if ((rep == 0xF3 && !zf) || (rep == 0xF2 && zf)) break;
    }
  }
  return 0;
}

bool gen_string(Ctx& c, StrOp op) {
  const OperandSpec* ops = c.in.row->ops;
  const bool wide = ops[0].size == 'v' || ops[1].size == 'v';  // (DX, a port, is 'w' but not the data)
  const unsigned size = wide ? c.opsize() / 8 : 1;
  const unsigned src_seg = c.in.seg_override >= 0 ? unsigned(c.in.seg_override) : DS;
  uint64_t info = op | uint64_t(__builtin_ctz(size)) << 3 | src_seg << 5 | uint64_t(c.in.rep) << 8 |
                  uint64_t(c.addrsize() / 16) << 16;
  c.b.call(kString, c.b.c64(info));
  c.flags = BlockFlags{};  // CMPS/SCAS changed them in the state
  return true;
}
}  // namespace

const ir::Helper kString{"x86_string", string_helper,
                         ir::kReadsState | ir::kWritesState | ir::kMemRead | ir::kMemWrite | ir::kMayFault, 1};

bool MOVS(Ctx& c) { return gen_string(c, kMovs); }
bool CMPS(Ctx& c) { return gen_string(c, kCmps); }
bool STOS(Ctx& c) { return gen_string(c, kStos); }
bool LODS(Ctx& c) { return gen_string(c, kLods); }
bool SCAS(Ctx& c) { return gen_string(c, kScas); }
bool INS(Ctx& c) { return gen_string(c, kIns); }
bool OUTS(Ctx& c) { return gen_string(c, kOuts); }

}  // namespace kiln::x86

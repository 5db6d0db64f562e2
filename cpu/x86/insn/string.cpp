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

// info: op (bits 0-2), word (bit 3), source segment (bits 4-6), rep prefix (bits 8-15), ip (bits 16-31).
uint64_t string_helper(void* env, uint64_t info, uint64_t, uint64_t) {
  X86State* s = xs(env);
  const StrOp op = StrOp(info & 7);
  const bool word = info & 8;
  const unsigned src_seg = unsigned(info >> 4) & 7;
  const unsigned rep = unsigned(info >> 8) & 0xff;
  const uint16_t ip = uint16_t(info >> 16);
  const unsigned size = word ? 2 : 1;
  const int step = (s->flags & fl::DF) ? -int(size) : int(size);
  auto r16 = [&](unsigned r) { return uint16_t(s->gpr[r]); };
  auto w16 = [&](unsigned r, uint16_t v) { s->gpr[r] = (s->gpr[r] & ~0xffffull) | v; };
  // A byte or word at seg:off (the word's second byte at offset+1 within the segment).
  auto access = [&](unsigned seg, uint16_t off, bool write, uint64_t* v) {
    if (word && off == 0xffff && s->model != Model::I8086) {
      record_exception(s, kGeneralProtection, ip);
      return false;
    }
    for (unsigned i = 0; i < size; i++) {
      uint64_t va = s->seg[seg].base + uint16_t(off + i);
      if (write) {
        if (!mem::store(s->mem, va, 1, kMmuReal, false, (*v >> (8 * i)) & 0xff)) return false;
      } else {
        uint64_t byte;
        if (!mem::load(s->mem, va, 1, kMmuReal, false, &byte)) return false;
        *v = i == 0 ? byte : (*v | byte << 8);
      }
    }
    return true;
  };
  const uint64_t mask = word ? 0xffff : 0xff;
  for (;;) {
    if (rep && r16(CX) == 0) break;
    uint64_t a = 0, b = 0;
    switch (op) {
      case kMovs:
        if (!access(src_seg, r16(SI), false, &a) || !access(ES, r16(DI), true, &a)) return 0;
        break;
      case kCmps:
        if (!access(src_seg, r16(SI), false, &a) || !access(ES, r16(DI), false, &b)) return 0;
        break;
      case kStos:
        a = s->gpr[AX] & mask;
        if (!access(ES, r16(DI), true, &a)) return 0;
        break;
      case kLods:
        if (!access(src_seg, r16(SI), false, &a)) return 0;
        s->gpr[AX] = (s->gpr[AX] & ~mask) | a;
        break;
      case kScas:
        a = s->gpr[AX] & mask;
        if (!access(ES, r16(DI), false, &b)) return 0;
        break;
      case kIns:
        a = port_read(*s, r16(DX), size);
        if (!access(ES, r16(DI), true, &a)) return 0;
        break;
      case kOuts:
        if (!access(src_seg, r16(SI), false, &a) || !port_write(*s, r16(DX), size, a)) return 0;
        break;
    }
    if (op == kMovs || op == kCmps || op == kLods || op == kOuts) w16(SI, uint16_t(r16(SI) + step));
    if (op != kLods && op != kOuts) w16(DI, uint16_t(r16(DI) + step));
    if (op == kCmps || op == kScas) {
      s->cc_op = uint64_t(word ? CcOp::Sub16 : CcOp::Sub8);
      s->cc_src = a;
      s->cc_src2 = b;
      s->cc_dst = (a - b) & mask;
    }
    if (!rep) break;
    w16(CX, uint16_t(r16(CX) - 1));
    if (r16(CX) == 0) break;
    if (op == kCmps || op == kScas) {
      bool zf = s->cc_dst == 0;
      if ((rep == 0xF3 && !zf) || (rep == 0xF2 && zf)) break;
    }
  }
  return 0;
}

bool gen_string(Ctx& c, StrOp op) {
  const OperandSpec* ops = c.in.row->ops;
  const bool word = ops[0].size == 'v' || ops[1].size == 'v';  // (DX, a port, is 'w' but not the data)
  const unsigned src_seg = c.in.seg_override >= 0 ? unsigned(c.in.seg_override) : DS;
  uint64_t info = op | (word ? 8 : 0) | src_seg << 4 | uint64_t(c.in.rep) << 8 | uint64_t(c.ip) << 16;
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

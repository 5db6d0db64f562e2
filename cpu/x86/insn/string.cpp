// String instructions (Intel SDM Vol. 2: MOVS, CMPS, STOS, LODS, SCAS; INS
// and OUTS from the 186 on) with REP/REPE/REPNE, in IR. One element is
// ordinary IR: its loads and stores through the segments, SI/DI stepped by
// the operand size (backwards with DF set), CMPS/SCAS setting the flags of a
// subtraction. A REP prefix wraps the element in the IR's forward labels:
//
//   if CX == 0: skip to done
//   one element; CX -= 1
//   if CX != 0 (and, for CMPS/SCAS, ZF as REPE/REPNE want): leave to this pc
//   done: leave to the next instruction
//
// so the REP instruction ends its block and every element is one trip through
// the engine's dispatch (where interrupts and stop requests are seen) or, once
// compiled, one iteration of a native loop (a block exiting to its own pc).
// The registers are written after the element's memory accesses, so a fault
// leaves CX/SI/DI at the faulting element and the instruction restarts there.
// On the 8086 both F2 and F3 repeat MOVS/STOS/LODS/INS/OUTS alike.
//
// REP MOVS and REP STOS first do a bulk step: a helper performs, in one call,
// the elements that lie wholly inside the softTLB-cached RAM pages of the
// current source and destination (where no access can fault, touch a device
// or translated code) without wrapping a segment offset, all but the last
// element; the IR then does that one as usual. Nothing else changes: with no
// such elements (a TLB miss, a device, a code page, a page or offset edge) the
// helper does none and the element loop goes on, filling the TLB.
#include "cpu/x86/flags.h"
#include "cpu/x86/helpers.h"
#include "cpu/x86/insn/insns.h"
#include "mem/tlb.h"

#include <algorithm>
#include <cstring>

namespace kiln::x86 {

namespace {
enum StrOp : unsigned { kMovs, kCmps, kStos, kLods, kScas, kIns, kOuts };

// How many elements of `size` bytes, from `at` stepping down or up, lie wholly
// inside the `span`-aligned range of `span` bytes that `at` is in (a segment's
// 64 KiB of offsets, or a page of linear addresses).
uint64_t elements_within(uint64_t at, unsigned size, bool down, uint64_t span) {
  uint64_t begin = at & ~(span - 1), end = begin + span;
  if (at + size > end) return 0;  // the first element crosses the edge
  return down ? (at - begin) / size + 1 : (end - at) / size;
}

// The host address of the cached page `va` lies on, for a read or a write,
// or nullptr (not cached, a device, translated code, a watchpoint).
uint8_t* host_page(mem::MemContext& m, uint64_t va, bool write) {
  const mem::TlbEntry& e = mem::tlb_entry(m, kMmuReal, va);
  uint64_t page = va & mem::kPageMask;
  if ((write ? e.addr_write : e.addr_read) != page) return nullptr;
  return reinterpret_cast<uint8_t*>(page + e.addend);
}

// (destination linear address, source linear address or the STOS value,
//  info: elements wanted (bits 0-15) | size 2 (16) | down (17) | STOS (18) |
//  DI (20-35) | SI (36-51)) -> the elements performed, updating nothing else.
uint64_t string_bulk(void* env, uint64_t dst, uint64_t src, uint64_t info) {
  mem::MemContext& m = xs(env)->mem;
  const uint64_t wanted = info & 0xffff;
  const unsigned size = (info >> 16 & 1) ? 2 : 1;
  const bool down = info >> 17 & 1, stos = info >> 18 & 1;
  const uint16_t di = uint16_t(info >> 20), si = uint16_t(info >> 36);
  uint64_t n = std::min({wanted, elements_within(di, size, down, 0x10000), elements_within(dst, size, down, mem::kPageSize)});
  if (!stos) n = std::min({n, elements_within(si, size, down, 0x10000), elements_within(src, size, down, mem::kPageSize)});
  if (n == 0) return 0;
  uint8_t* to = host_page(m, dst, true);
  const uint8_t* from = stos ? nullptr : host_page(m, src, false);
  if (!to || (!stos && !from)) return 0;
  to += dst & ~mem::kPageMask;
  if (from) from += src & ~mem::kPageMask;
  const int64_t step = down ? -int64_t(size) : int64_t(size);
  // Element by element, in order: an overlapping MOVS repeats what it copied, as the chip does.
  for (uint64_t i = 0; i < n; i++, to += step) {
    if (stos) {
      std::memcpy(to, &src, size);  // little-endian host: the low byte(s) of the value
    } else {
      std::memcpy(to, from, size);
      from += step;
    }
  }
  return n;
}
const ir::Helper kStringBulk{"x86_string_bulk", string_bulk, ir::kMemRead | ir::kMemWrite, 3};

// One element at width W; returns ZF of the comparison for CMPS/SCAS (else nothing).
template <T W>
B1 string_element(Ctx& c, StrOp op) {
  ir::Builder& b = c.b;
  const unsigned src_seg = c.in.seg_override >= 0 ? unsigned(c.in.seg_override) : DS;
  const uint64_t size = ir::type_bits(W) / 8;
  U16 si = c.reg<T::I16>(SI), di = c.reg<T::I16>(DI);
  auto port_width = [&] { return b.c64(ir::type_bits(W)); };
  B1 zf{};
  switch (op) {
    case kMovs: c.store<W>(ES, di, c.load<W>(src_seg, si)); break;
    case kCmps: {
      ir::Val<W> a = c.load<W>(src_seg, si), x = c.load<W>(ES, di);
      c.set_cc<W>(CcOp::Sub8, a, x, b.sub(a, x));
      zf = b.eq(a, x);
      break;
    }
    case kStos: c.store<W>(ES, di, c.reg<W>(AX)); break;
    case kLods: c.set_reg<W>(AX, c.load<W>(src_seg, si)); break;
    case kScas: {
      ir::Val<W> a = c.reg<W>(AX), x = c.load<W>(ES, di);
      c.set_cc<W>(CcOp::Sub8, a, x, b.sub(a, x));
      zf = b.eq(a, x);
      break;
    }
    case kIns: {
      U64 port = b.zext<T::I64>(c.reg<T::I16>(DX));
      c.store<W>(ES, di, b.template trunc<W>(b.call(kPortIn, port, port_width())));
      break;
    }
    case kOuts: {
      ir::Val<W> v = c.load<W>(src_seg, si);
      b.call(kPortOut, b.zext<T::I64>(c.reg<T::I16>(DX)), b.zext<T::I64>(v), port_width());
      break;
    }
  }
  // The step: +size, or -size with DF set.
  B1 down = b.ne(b.and_(c.other_flags(), b.c64(fl::DF)), b.c64(0));
  U16 step = b.select(down, b.constant<T::I16>(-size), b.constant<T::I16>(size));
  if (op == kMovs || op == kCmps || op == kLods || op == kOuts) c.set_reg(SI, b.add(si, step));
  if (op != kLods && op != kOuts) c.set_reg(DI, b.add(di, step));
  return zf;
}

// The bulk step of REP MOVS/STOS (see the top): CX - 1 elements at most;
// returns CX after it.
U16 bulk_step(Ctx& c, StrOp op, bool word, U16 cx) {
  ir::Builder& b = c.b;
  const unsigned src_seg = c.in.seg_override >= 0 ? unsigned(c.in.seg_override) : DS;
  U16 si = c.reg<T::I16>(SI), di = c.reg<T::I16>(DI);
  B1 down = b.ne(b.and_(c.other_flags(), b.c64(fl::DF)), b.c64(0));
  auto wide = [&](U16 v) { return b.zext<T::I64>(v); };
  U64 info = b.or_(b.or_(wide(b.sub(cx, b.constant<T::I16>(1))), b.shl(wide(di), b.c64(20))), b.shl(wide(si), b.c64(36)));
  info = b.or_(info, b.c64((word ? 1ull << 16 : 0) | (op == kStos ? 1ull << 18 : 0)));
  info = b.or_(info, b.select(down, b.c64(1ull << 17), b.c64(0)));
  U64 second = op == kStos ? (word ? wide(c.reg<T::I16>(AX)) : b.zext<T::I64>(c.reg<T::I8>(AX))) : c.linear(src_seg, si);
  U16 done = b.trunc<T::I16>(b.call(kStringBulk, c.linear(ES, di), second, info));
  U16 bytes = b.shl(done, b.constant<T::I16>(word ? 1 : 0));
  U16 step = b.select(down, b.neg(bytes), bytes);
  if (op == kMovs) c.set_reg(SI, b.add(si, step));
  c.set_reg(DI, b.add(di, step));
  U16 left = b.sub(cx, done);
  c.set_reg(CX, left);
  return left;
}

bool gen_string(Ctx& c, StrOp op) {
  const OperandSpec* ops = c.in.row->ops;
  const bool word = ops[0].size == 'v' || ops[1].size == 'v';  // (DX, a port, is 'w' but not the data)
  auto element = [&] { return word ? string_element<T::I16>(c, op) : string_element<T::I8>(c, op); };
  if (!c.in.rep) {
    element();
    return true;
  }
  ir::Builder& b = c.b;
  U16 cx = c.reg<T::I16>(CX);
  ir::Builder::Label done = b.new_label();
  b.skip_if(b.eq(cx, b.constant<T::I16>(0)), done);
  if (op == kMovs || op == kStos) cx = bulk_step(c, op, word, cx);
  B1 zf = element();
  U16 left = b.sub(cx, b.constant<T::I16>(1));
  c.set_reg(CX, left);
  B1 more = b.ne(left, b.constant<T::I16>(0));
  if (op == kCmps || op == kScas) {  // REPE (F3) goes on while equal, REPNE (F2) while not
    B1 go_on = c.in.rep == 0xF3 ? zf : b.eq(b.zext<T::I8>(zf), b.constant<T::I8>(0));
    more = b.select(go_on, more, b.c1(false));
  }
  b.branch(more, c.cs_base + c.ip, c.next_pc());
  b.place(done);
  c.flags = BlockFlags{};  // what the element set is not known on the CX == 0 way
  c.end_block();
  return true;
}
}  // namespace

bool MOVS(Ctx& c) { return gen_string(c, kMovs); }
bool CMPS(Ctx& c) { return gen_string(c, kCmps); }
bool STOS(Ctx& c) { return gen_string(c, kStos); }
bool LODS(Ctx& c) { return gen_string(c, kLods); }
bool SCAS(Ctx& c) { return gen_string(c, kScas); }
bool INS(Ctx& c) { return gen_string(c, kIns); }
bool OUTS(Ctx& c) { return gen_string(c, kOuts); }

}  // namespace kiln::x86

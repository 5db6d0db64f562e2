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
// CX, SI and DI are CX/ECX/RCX... by the address size; an element is a byte
// or of the operand size.
//
// REP MOVS and REP STOS first do a bulk step: a helper performs, in one call,
// the elements that lie wholly inside the softTLB-cached RAM pages of the
// current source and destination (where no access can fault, touch a device
// or translated code) without wrapping a segment offset, all but the last
// element; the IR then does that one as usual. Nothing else changes: with no
// such elements (a TLB miss, a device, a code page, a page or offset edge) the
// helper does none and the element loop goes on, filling the TLB. The bulk
// step runs where it cannot skip a segment check: 16-bit addresses in real
// and virtual-8086 mode (it never wraps the 64 KiB of offsets), and flat
// segments (page edges bound it; a flat segment's offsets wrap only at 4 GiB).
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
uint8_t* host_page(mem::MemContext& m, uint64_t va, bool write, unsigned mmu) {
  const mem::TlbEntry& e = mem::tlb_entry(m, mmu, va);
  uint64_t page = va & mem::kPageMask;
  if ((write ? e.addr_write : e.addr_read) != page) return nullptr;
  return reinterpret_cast<uint8_t*>(page + e.addend);
}

// (destination linear address, source linear address or the STOS value,
//  info: elements wanted (bits 0-15) | log2 size (16-17) | down (18) | STOS (19) |
//  16-bit offsets (20) | DI (21-36) | SI (37-52) | MMU index (53-54))
//  -> the elements performed, updating nothing else.
uint64_t string_bulk(void* env, uint64_t dst, uint64_t src, uint64_t info) {
  mem::MemContext& m = xs(env)->mem;
  const uint64_t wanted = info & 0xffff;
  const unsigned size = 1u << (info >> 16 & 3);
  const bool down = info >> 18 & 1, stos = info >> 19 & 1, offsets16 = info >> 20 & 1;
  const uint16_t di = uint16_t(info >> 21), si = uint16_t(info >> 37);
  const unsigned mmu = unsigned(info >> 53) & 3;
  uint64_t n = std::min(wanted, elements_within(dst, size, down, mem::kPageSize));
  if (offsets16) n = std::min(n, elements_within(di, size, down, 0x10000));
  if (!stos) {
    n = std::min(n, elements_within(src, size, down, mem::kPageSize));
    if (offsets16) n = std::min(n, elements_within(si, size, down, 0x10000));
  }
  if (n == 0) return 0;
  uint8_t* to = host_page(m, dst, true, mmu);
  const uint8_t* from = stos ? nullptr : host_page(m, src, false, mmu);
  if (!to || (!stos && !from)) return 0;
  to += dst & ~mem::kPageMask;
  if (from) from += src & ~mem::kPageMask;
  const int64_t step = down ? -int64_t(size) : int64_t(size);
  // Element by element, in order: an overlapping MOVS repeats what it copied, as the chip does.
  for (uint64_t i = 0; i < n; i++, to += step) {
    if (stos) {
      std::memcpy(to, &src, size);  // little-endian host: the low byte(s) of the value
    } else {
      std::memmove(to, from, size);  // one element may overlap itself (a load, then a store)
      from += step;
    }
  }
  return n;
}
const ir::Helper kStringBulk{"x86_string_bulk", string_bulk, ir::kMemRead | ir::kMemWrite, 3};

// (linear address, size): INS reads its port before it stores, and a port read
// may have side effects (an IDE data port moves on), so the store is tried
// first: its fault, or the rerun by itself that a store into translated code
// or a stopping device gets inside a block (mem::probe_store), happens before
// the read and the read happens once.
uint64_t ins_probe_store(void* env, uint64_t linear, uint64_t size, uint64_t) {
  X86State* s = xs(env);
  if (!mem::probe_store(s->mem, linear, unsigned(size), data_mmu(*s)) && s->mem.rerun_alone) s->fault = 1;
  return 0;
}
const ir::Helper kInsProbeStore{"x86_ins_probe_store", ins_probe_store,
                                ir::kReadsState | ir::kWritesState | ir::kMemRead | ir::kMayFault, 2};

// One element at width W; returns ZF of the comparison for CMPS/SCAS (else nothing).
template <T W>
B1 string_element(Ctx& c, StrOp op) {
  ir::Builder& b = c.b;
  const unsigned src_seg = c.in.seg_override >= 0 ? unsigned(c.in.seg_override) : DS;
  const uint64_t size = ir::type_bits(W) / 8;
  const unsigned abits = c.addrsize();
  U64 si = c.reg_n(SI, abits), di = c.reg_n(DI, abits);
  auto port_width = [&] { return b.c64(ir::type_bits(W)); };
  auto port = [&] {
    U64 p = b.zext<T::I64>(c.reg<T::I16>(DX));
    if (c.needs_io_check()) b.call(kCheckIo, p, b.c64(size));
    return p;
  };
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
      U64 p = port();
      c.check_segment(ES, di, unsigned(size), true);
      b.call(kInsProbeStore, c.linear(ES, di), b.c64(size));
      c.store<W>(ES, di, resize<W>(b, b.call(kPortIn, p, port_width())));
      break;
    }
    case kOuts: {
      ir::Val<W> v = c.load<W>(src_seg, si);
      U64 p = port();
      b.call(kPortOut, p, zext64(b, v), port_width());
      break;
    }
  }
  // The step: +size, or -size with DF set.
  B1 down = b.ne(b.and_(c.other_flags(), b.c64(fl::DF)), b.c64(0));
  U64 step = b.select(down, b.c64(-size), b.c64(size));
  if (op == kMovs || op == kCmps || op == kLods || op == kOuts) c.set_reg_n(SI, abits, c.addr_mask(b.add(si, step)));
  if (op != kLods && op != kOuts) c.set_reg_n(DI, abits, c.addr_mask(b.add(di, step)));
  return zf;
}

// Whether the bulk step may run (see the top).
bool bulk_allowed(const Ctx& c, unsigned src_seg, bool stos) {
  if (c.m.align_check) return false;  // each element's access is checked (#AC) instead
  if (c.real_or_vm86() && c.addrsize() == 16) return true;
  const bool dst_flat = c.m.unchecked & (1u << ES), src_flat = stos || (c.m.unchecked & (1u << src_seg));
  return c.addrsize() >= 32 && dst_flat && src_flat;
}

// The bulk step of REP MOVS/STOS (see the top): CX - 1 elements at most
// (and at most 0xFFFF); returns CX after it.
U64 bulk_step(Ctx& c, StrOp op, unsigned size, U64 cx) {
  ir::Builder& b = c.b;
  const unsigned src_seg = c.in.seg_override >= 0 ? unsigned(c.in.seg_override) : DS;
  const unsigned abits = c.addrsize();
  U64 si = c.reg_n(SI, abits), di = c.reg_n(DI, abits);
  B1 down = b.ne(b.and_(c.other_flags(), b.c64(fl::DF)), b.c64(0));
  U64 wanted = b.sub(cx, b.c64(1));
  wanted = b.select(b.ltu(wanted, b.c64(0xffff)), wanted, b.c64(0xffff));
  U64 info = b.or_(b.or_(wanted, b.shl(b.and_(di, b.c64(0xffff)), b.c64(21))), b.shl(b.and_(si, b.c64(0xffff)), b.c64(37)));
  info = b.or_(info, b.c64(uint64_t(__builtin_ctz(size)) << 16 | (op == kStos ? 1ull << 19 : 0) |
                           (abits == 16 ? 1ull << 20 : 0) | uint64_t(c.m.mmu) << 53));
  info = b.or_(info, b.select(down, b.c64(1ull << 18), b.c64(0)));
  U64 second = op == kStos ? c.reg_n(AX, 8 * size) : c.linear(src_seg, si);
  U64 done = b.call(kStringBulk, c.linear(ES, di), second, info);
  U64 bytes = b.shl(done, b.c64(__builtin_ctz(size)));
  U64 step = b.select(down, b.neg(bytes), bytes);
  if (op == kMovs) c.set_reg_n(SI, abits, c.addr_mask(b.add(si, step)));
  c.set_reg_n(DI, abits, c.addr_mask(b.add(di, step)));
  U64 left = b.sub(cx, done);
  c.set_reg_n(CX, abits, left);
  return left;
}

bool gen_string(Ctx& c, StrOp op) {
  const OperandSpec* ops = c.in.row->ops;
  const bool wide = ops[0].size == 'v' || ops[1].size == 'v';  // (DX, a port, is 'w' but not the data)
  const unsigned bits = wide ? c.opsize() : 8;
  auto element = [&] {
    switch (bits) {
      case 8: return string_element<T::I8>(c, op);
      case 16: return string_element<T::I16>(c, op);
      case 32: return string_element<T::I32>(c, op);
      default: return string_element<T::I64>(c, op);
    }
  };
  if (!c.in.rep) {
    element();
    return true;
  }
  ir::Builder& b = c.b;
  const unsigned abits = c.addrsize();
  U64 cx = c.reg_n(CX, abits);
  ir::Builder::Label done = b.new_label();
  b.skip_if(b.eq(cx, b.c64(0)), done);
  const unsigned src_seg = c.in.seg_override >= 0 ? unsigned(c.in.seg_override) : DS;
  if ((op == kMovs || op == kStos) && bulk_allowed(c, src_seg, op == kStos)) cx = bulk_step(c, op, bits / 8, cx);
  B1 zf = element();
  U64 left = c.addr_mask(b.sub(cx, b.c64(1)));
  c.set_reg_n(CX, abits, left);
  B1 more = b.ne(left, b.c64(0));
  if (op == kCmps || op == kScas) {  // REPE (F3) goes on while equal, REPNE (F2) while not
    B1 go_on = c.in.rep == 0xF3 ? zf : b.eq(b.zext<T::I8>(zf), b.constant<T::I8>(0));
    more = b.select(go_on, more, b.c1(false));
  }
  b.branch(more, c.pc_of(c.ip), c.next_pc());
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

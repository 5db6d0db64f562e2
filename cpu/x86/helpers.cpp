// The x86 helpers declared in cpu/x86/helpers.h (segment loads are in
// segment.cpp, string instructions in insn/string.cpp).
#include "cpu/x86/helpers.h"

#include "cpu/x86/flags.h"
#include "mem/port_space.h"

namespace kiln::x86 {

namespace {

uint64_t arith_flags_helper(void* env, uint64_t, uint64_t, uint64_t) { return arith_flags(*xs(env)); }

uint64_t raise_helper(void* env, uint64_t vector, uint64_t return_ip, uint64_t) {
  record_exception(xs(env), unsigned(vector), return_ip);
  return 0;
}
uint64_t raise_fault(void* env, uint64_t vector, uint64_t error, uint64_t) {
  record_fault(xs(env), unsigned(vector), error);
  return 0;
}
// vector bit 8: INT n, which virtual-8086 mode refuses below IOPL 3.
uint64_t raise_soft(void* env, uint64_t vector, uint64_t return_ip, uint64_t) {
  X86State* s = xs(env);
  if ((vector & 0x100) && vm86(*s) && ((s->flags >> 12) & 3) != 3) {
    record_fault(s, kGeneralProtection, 0);
    return 0;
  }
  record_exception(s, unsigned(vector & 0xff), return_ip);
  s->pending_soft = 1;
  return 0;
}

uint64_t raise_if(void* env, uint64_t cond, uint64_t vector, uint64_t return_ip) {
  if (cond) record_exception(xs(env), unsigned(vector & 0xff), return_ip, vector & kErrorCodeZero ? 0 : kNoErrorCode);
  return 0;
}

// Does the quotient fit? The 8086 also faults on the most negative quotient
// (its microcode checks the magnitude against 0x7F/0x7FFF); the 286 accepts it.
uint64_t divide_check(void* env, uint64_t dividend, uint64_t divisor, uint64_t info) {
  X86State* s = xs(env);
  const unsigned width = unsigned(info >> 1 & 0x7f);
  const bool is_signed = info & 1;
  const uint64_t ip = info >> 16;
  const uint64_t mask = (1ull << width) - 1;
  bool fault;
  if (divisor == 0) {
    fault = true;
  } else if (!is_signed) {
    fault = (dividend / divisor) > mask;
  } else {
    int64_t n = width == 32 ? int64_t(dividend) : int64_t(dividend << (64 - 2 * width)) >> (64 - 2 * width);
    int64_t d = int64_t(divisor << (64 - width)) >> (64 - width);
    if (n == INT64_MIN && d == -1) {
      fault = true;
    } else {
      int64_t q = n / d;
      int64_t lo = -(int64_t(1) << (width - 1)), hi = (int64_t(1) << (width - 1)) - 1;
      if (s->model == Model::I8086) lo++;
      fault = q < lo || q > hi;
    }
  }
  // The 8086 returns to the next instruction (ip given); later chips to the divide.
  if (fault) record_exception(s, kDivideError, s->model == Model::I8086 ? ip : kReturnToFaulting);
  return 0;
}

uint64_t check_segment(void* env, uint64_t off, uint64_t info, uint64_t) {
  X86State* s = xs(env);
  const unsigned seg = unsigned(info & 15);
  const unsigned bytes = unsigned(info >> 4) & 0xff;
  const bool write = info & (1u << 12);
  const Segment& g = s->seg[seg];
  // The 286 reports every real-mode segment overrun as #GP (its interrupt 13); the 386 uses #SS through SS.
  const unsigned vector = seg == SS && s->model != Model::I286 ? kStackFault : kGeneralProtection;
  const bool checked_type = protected_mode(*s) && !vm86(*s);
  if (checked_type) {
    bool ok = g.attr & attr::kPresent;  // a null selector loads a not-present cache
    if (write) ok = ok && !(g.attr & attr::kCode) && (g.attr & attr::kWritable);
    else ok = ok && (!(g.attr & attr::kCode) || (g.attr & attr::kReadable));
    if (!ok) {
      record_fault(s, vector, 0);
      return 0;
    }
  }
  const uint64_t last = off + bytes - 1;
  bool inside;
  if (checked_type && !(g.attr & attr::kCode) && (g.attr & attr::kExpandDown)) {
    const uint64_t upper = (g.attr & attr::kDB) ? 0xffffffffull : 0xffffull;
    inside = off > g.limit && last <= upper;
  } else {
    inside = last <= g.limit;
  }
  if (!inside) record_fault(s, vector, 0);
  return 0;
}

unsigned iopl(const X86State& s) { return unsigned(s.flags >> 12) & 3; }

uint64_t check_iopl(void* env, uint64_t, uint64_t, uint64_t) {
  X86State* s = xs(env);
  const bool allowed = vm86(*s) ? iopl(*s) == 3 : s->cpl <= iopl(*s);
  if (!allowed) record_fault(s, kGeneralProtection, 0);
  return 0;
}

uint64_t popf_mask(void* env, uint64_t writable, uint64_t, uint64_t) {
  X86State* s = xs(env);
  if (vm86(*s)) {
    if (iopl(*s) != 3) record_fault(s, kGeneralProtection, 0);
    return writable & ~uint64_t(fl::IOPL);
  }
  if (s->cpl > 0) writable &= ~uint64_t(fl::IOPL);
  if (s->cpl > iopl(*s)) writable &= ~uint64_t(fl::IF);
  return writable;
}

uint64_t check_io(void* env, uint64_t port, uint64_t bytes, uint64_t) {
  X86State* s = xs(env);
  if (!vm86(*s) && s->cpl <= iopl(*s)) return 0;
  // The bitmap's offset is at TSS+0x66 (32-bit and 64-bit TSS); a 16-bit TSS has none.
  const Segment& tr = s->tr;
  bool allowed = false;
  uint64_t base = 0, bits = 0;
  if ((tr.attr & 8) && tr.limit >= 0x67 && mem::load(s->mem, tr.base + 0x66, 2, (s->cr0 & cr0::PG) ? kMmuSuper : kMmuPhys, false, &base)) {
    const uint64_t at = base + port / 8;
    if (at + 1 <= tr.limit && mem::load(s->mem, tr.base + at, 2, (s->cr0 & cr0::PG) ? kMmuSuper : kMmuPhys, false, &bits))
      allowed = ((bits >> (port & 7)) & ((1u << bytes) - 1)) == 0;
    else if (s->fault) return 0;
  } else if (s->fault) {
    return 0;
  }
  if (!allowed) record_fault(s, kGeneralProtection, 0);
  return 0;
}

// STI: IF was 0, so the next instruction runs before any interrupt (its pc is the shadow).
uint64_t sti(void* env, uint64_t next_pc, uint64_t, uint64_t) {
  X86State* s = xs(env);
  if (s->flags & fl::IF) return 0;
  s->flags |= fl::IF;
  s->irq_shadow_pc = next_pc;
  if (s->intr) s->exit_request = 1;
  return 0;
}

uint64_t port_in(void* env, uint64_t port, uint64_t width, uint64_t) { return port_read(*xs(env), uint16_t(port), unsigned(width / 8)); }
uint64_t port_out(void* env, uint64_t port, uint64_t value, uint64_t width) {
  port_write(*xs(env), uint16_t(port), unsigned(width / 8), value);
  return 0;
}

}  // namespace

// It reads only the lazy-flag fields of the register file (cpu.cpp's register range).
const ir::Helper kArithFlags{"x86_arith_flags", arith_flags_helper, ir::kReadsState | ir::kAccessesRegs | ir::kRegsReadOnly, 0,
                             uint32_t(offsetof(X86State, cc_op)), uint32_t(offsetof(X86State, flags))};
const ir::Helper kRaise{"x86_raise", raise_helper, ir::kWritesState | ir::kMayFault | ir::kEndsBlock, 2};
const ir::Helper kRaiseFault{"x86_raise_fault", raise_fault, ir::kWritesState | ir::kMayFault | ir::kEndsBlock, 2};
const ir::Helper kRaiseSoft{"x86_raise_soft", raise_soft, ir::kWritesState | ir::kMayFault | ir::kEndsBlock, 2};
const ir::Helper kRaiseIf{"x86_raise_if", raise_if, ir::kWritesState | ir::kMayFault, 3};
const ir::Helper kDivideCheck{"x86_divide_check", divide_check, ir::kReadsState | ir::kWritesState | ir::kMayFault, 3};
const ir::Helper kCheckIopl{"x86_check_iopl", check_iopl, ir::kReadsState | ir::kWritesState | ir::kMayFault, 1};
const ir::Helper kPopfMask{"x86_popf_mask", popf_mask, ir::kReadsState | ir::kWritesState | ir::kMayFault, 1};
const ir::Helper kSti{"x86_sti", sti, ir::kReadsState | ir::kWritesState, 1};
const ir::Helper kCheckIo{"x86_check_io", check_io, ir::kReadsState | ir::kWritesState | ir::kMemRead | ir::kMayFault, 2};
const ir::Helper kPortIn{"x86_port_in", port_in, ir::kReadsState | ir::kWritesState, 2};
const ir::Helper kPortOut{"x86_port_out", port_out, ir::kReadsState | ir::kWritesState | ir::kMayFault, 3};
const ir::Helper kCheckSegment{"x86_check_segment", check_segment, ir::kReadsState | ir::kWritesState | ir::kMayFault, 2};

uint64_t port_read(X86State& s, uint16_t port, unsigned bytes) {
  if (!s.ports) return bytes == 4 ? 0xffffffffull : (1ull << (8 * bytes)) - 1;
  return s.ports->read(port, bytes);
}

bool port_write(X86State& s, uint16_t port, unsigned bytes, uint64_t value) {
  if (!s.ports) return true;
  if (!s.mem.single_insn && s.ports->write_may_stop(port, bytes)) {
    s.mem.rerun_alone = true;  // not a guest exception: the engine reruns the instruction alone
    s.fault = 1;
    return false;
  }
  s.ports->write(port, bytes, uint32_t(value));
  return true;
}

void write_flags(X86State& s, uint32_t value) {
  const uint32_t fixed = s.model == Model::I8086 ? 0xF002 : 0x0002;
  // The 8086 and the 286 in real mode have no IOPL or NT (the 286 gets them in protected mode); the 386 has no AC or ID.
  const uint32_t kept = s.model == Model::I8086 ? 0x0F00
                        : s.model == Model::I286 ? (protected_mode(s) ? 0x7F00 : 0x0F00)
                        : s.model == Model::I386 ? 0x037F00
                                                 : 0x3F7F00;
  s.flags = (value & kept) | fixed;
  s.cc_op = uint64_t(CcOp::Eflags);
  s.cc_src = value & fl::kArith;
}

}  // namespace kiln::x86

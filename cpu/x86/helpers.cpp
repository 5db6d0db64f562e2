// The x86 helpers declared in cpu/x86/helpers.h.
#include "cpu/x86/helpers.h"

#include "cpu/x86/flags.h"
#include "mem/port_space.h"

namespace kiln::x86 {

namespace {

uint64_t arith_flags_helper(void* env, uint64_t, uint64_t, uint64_t) { return arith_flags(*xs(env)); }

uint64_t check_word_offset(void* env, uint64_t offset, uint64_t ip, uint64_t) {
  if (offset == 0xffff) record_exception(xs(env), kGeneralProtection, ip);
  return 0;
}

uint64_t raise_helper(void* env, uint64_t vector, uint64_t return_ip, uint64_t) {
  record_exception(xs(env), unsigned(vector), return_ip);
  return 0;
}

// Does the quotient fit? The 8086 also faults on the most negative quotient
// (its microcode checks the magnitude against 0x7F/0x7FFF); the 286 accepts it.
uint64_t raise_if(void* env, uint64_t cond, uint64_t vector, uint64_t return_ip) {
  if (cond) record_exception(xs(env), unsigned(vector), return_ip);
  return 0;
}

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
    int64_t n = int64_t(dividend << (64 - 2 * width)) >> (64 - 2 * width);
    int64_t d = int64_t(divisor << (64 - width)) >> (64 - width);
    int64_t q = n / d;
    int64_t lo = -(int64_t(1) << (width - 1)), hi = (int64_t(1) << (width - 1)) - 1;
    if (s->model == Model::I8086) lo++;
    fault = q < lo || q > hi;
  }
  if (fault) record_exception(s, kDivideError, ip);
  return 0;
}

uint64_t port_in(void* env, uint64_t port, uint64_t width, uint64_t) { return port_read(*xs(env), uint16_t(port), unsigned(width / 8)); }
uint64_t port_out(void* env, uint64_t port, uint64_t value, uint64_t width) {
  port_write(*xs(env), uint16_t(port), unsigned(width / 8), value);
  return 0;
}

}  // namespace

const ir::Helper kArithFlags{"x86_arith_flags", arith_flags_helper, ir::kReadsState, 0};
const ir::Helper kCheckWordOffset{"x86_check_word_offset", check_word_offset, ir::kWritesState | ir::kMayFault, 2};
const ir::Helper kRaise{"x86_raise", raise_helper, ir::kWritesState | ir::kMayFault | ir::kEndsBlock, 2};
const ir::Helper kRaiseIf{"x86_raise_if", raise_if, ir::kWritesState | ir::kMayFault, 3};
const ir::Helper kDivideCheck{"x86_divide_check", divide_check, ir::kReadsState | ir::kWritesState | ir::kMayFault, 3};
const ir::Helper kPortIn{"x86_port_in", port_in, ir::kReadsState | ir::kWritesState, 2};
const ir::Helper kPortOut{"x86_port_out", port_out, ir::kReadsState | ir::kWritesState | ir::kMayFault, 3};

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
  s.flags = (value & 0x0F00) | fixed;
  s.cc_op = uint64_t(CcOp::Eflags);
  s.cc_src = value & fl::kArith;
}

}  // namespace kiln::x86

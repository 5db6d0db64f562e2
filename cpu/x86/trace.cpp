// -d int and -d cpu for x86: one line per interrupt or exception delivered
// (as RISC-V's deliver_trap logs its traps), and the register dump the engine
// prints before each block it dispatches, laid out as QEMU's -d cpu.
#include <cinttypes>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <string>

#include "common/log.h"
#include "cpu/x86/cpu.h"
#include "cpu/x86/flags.h"

namespace kiln::x86 {

namespace {
const char* mode_name(const X86State& s) {
  if (!protected_mode(s)) return "real";
  if (vm86(s)) return "vm86";
  if (long_mode(s)) return (s.seg[CS].attr & attr::kL) ? "long" : "compat";
  return (s.seg[CS].attr & attr::kDB) ? "prot32" : "prot16";
}

void append(std::string& out, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
void append(std::string& out, const char* fmt, ...) {
  char buf[160];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  out += buf;
}
}  // namespace

void X86Cpu::log_interrupt(unsigned vector, uint64_t error, const char* kind) {
  if (!log_ || !log_->enabled(kLogInt)) return;
  const X86State& s = *state_;
  char e[32] = "";
  if (error != kNoErrorCode) std::snprintf(e, sizeof e, " error=0x%" PRIx64, error);
  char cr2[32] = "";
  if (vector == kPageFault && std::strcmp(kind, "exception") == 0) std::snprintf(cr2, sizeof cr2, " cr2=0x%" PRIx64, s.cr2);
  log_->printf("x86: %s %u%s at %04x:%0*" PRIx64 " mode=%s cpl=%u%s\n", kind, vector, e,
               s.seg[CS].selector, code64(s) ? 16 : 8, ip(), mode_name(s), unsigned(s.cpl), cr2);
}

std::string X86Cpu::dump_registers() {
  const X86State& s = *state_;
  const uint32_t f = read_flags(s);
  std::string out;
  static const char* const kNames64[16] = {"RAX", "RCX", "RDX", "RBX", "RSP", "RBP", "RSI", "RDI",
                                           "R8 ", "R9 ", "R10", "R11", "R12", "R13", "R14", "R15"};
  static const char* const kNames32[8] = {"EAX", "ECX", "EDX", "EBX", "ESP", "EBP", "ESI", "EDI"};
  // QEMU's order: A B C D on the first line, then SI DI BP SP.
  static const unsigned kOrder[8] = {0, 3, 1, 2, 6, 7, 5, 4};
  if (long_mode(s)) {
    for (unsigned i = 0; i < 16; i++) {
      const unsigned r = i < 8 ? kOrder[i] : i;
      append(out, "%s=%016" PRIx64 "%s", kNames64[r], s.gpr[r], i % 4 == 3 ? "\n" : " ");
    }
    append(out, "RIP=%016" PRIx64 " RFL=%08x", ip(), f);
  } else {
    for (unsigned i = 0; i < 8; i++)
      append(out, "%s=%08" PRIx32 "%s", kNames32[kOrder[i]], uint32_t(s.gpr[kOrder[i]]), i % 4 == 3 ? "\n" : " ");
    append(out, "EIP=%08" PRIx32 " EFL=%08x", uint32_t(ip()), f);
  }
  append(out, " [%c%c%c%c%c%c%c] CPL=%u MODE=%s\n", f & fl::DF ? 'D' : '-', f & fl::OF ? 'O' : '-',
         f & fl::SF ? 'S' : '-', f & fl::ZF ? 'Z' : '-', f & fl::AF ? 'A' : '-', f & fl::PF ? 'P' : '-',
         f & fl::CF ? 'C' : '-', unsigned(s.cpl), mode_name(s));
  // Selector, base, limit, and bits 8-23 of the descriptor's high dword (attributes and limit 19:16).
  static const char* const kSegs[6] = {"ES", "CS", "SS", "DS", "FS", "GS"};
  for (unsigned i = 0; i < 6; i++) {
    const Segment& g = s.seg[i];
    const uint32_t limit_hi = (g.attr & attr::kG ? g.limit >> 28 : g.limit >> 16) & 0xf;
    const uint32_t flags = (uint32_t(g.attr & 0xff) << 8) | (uint32_t(g.attr & 0xf000) << 8) | (limit_hi << 16);
    if (long_mode(s))
      append(out, "%s =%04x %016" PRIx64 " %08x %08x\n", kSegs[i], g.selector, g.base, g.limit, flags);
    else
      append(out, "%s =%04x %08" PRIx32 " %08x %08x\n", kSegs[i], g.selector, uint32_t(g.base), g.limit, flags);
  }
  append(out, "CR0=%08" PRIx32 " CR2=%016" PRIx64 " CR3=%016" PRIx64 " CR4=%08" PRIx32 "\n", uint32_t(s.cr0), s.cr2,
         s.cr3, uint32_t(s.cr4));
  append(out, "EFER=%016" PRIx64 "\n", s.efer);
  return out;
}

}  // namespace kiln::x86

// kiln_hostdiff_x86: Kiln against the host CPU (x86-64 Linux hosts; elsewhere
// it exits 77, which ctest reports as skipped).
//
// Each case is a random straight-line 64-bit user-mode program (tests/diff/
// x86_gen.h, with Jcc over single instructions but no loop) and a random
// register file, flags and data area. The host runs it natively in a forked
// child: the code is copied to a fixed executable page at the same address
// Kiln uses, a small trampoline loads every general register and RFLAGS
// from a block, jumps to it, and stores them back when the program reaches
// its end; SIGSEGV/SIGBUS/SIGFPE/SIGILL/SIGTRAP are caught (on an alternate
// stack, so the data area stays as the fault left it) and report the
// registers at the fault; alarm() bounds the run. Kiln runs the same program
// in 64-bit long mode at CPL 3 under the interpreter and the JIT; its
// exception handlers halt, and the interrupt frame gives RIP, RFLAGS and RSP.
// Compared: all 16 registers, RIP, the data area, the exception class (none,
// #DE = SIGFPE, #UD = SIGILL, #GP/#SS/#PF = SIGSEGV/SIGBUS) and RFLAGS' CF,
// PF, AF, ZF, SF, OF, DF minus the flags the manual leaves undefined for the
// instructions that last wrote them (the generator tracks which).
//
// --all-flags compares those too, and what else the manual leaves undefined
// (flag readers then read undefined flags, 16-bit SHLD/SHRD count past 16):
// Kiln follows Intel there (docs/design.md "Undefined flags"), so it runs
// only on a GenuineIntel host and exits 77 (skipped) elsewhere. --survey
// compares all flags on any host but only lists the instructions whose
// undefined flags differ, one line each, and goes on (with --max-len 1).
//
//   kiln_hostdiff_x86 [--seed S|time] [--cases N] [--seconds T] [--max-len L] [--all-flags|--survey] [--verbose]
//
// KILN_HOSTDIFF_CASES=N in the environment runs N cases instead of the time
// budget (longer runs by hand). Exit 0 if all agree, 1 on a mismatch.
#include <chrono>
#include <cinttypes>
#include <cstring>
#include <cstdio>
#include <cstdlib>

#include "tests/diff/x86_gen.h"

#if defined(__x86_64__) && defined(__linux__)
#include <cpuid.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>
#define KILN_HOSTDIFF 1
#endif

namespace {

using namespace kiln;
using namespace kiln::x86test;

// Where a program stopped, and the state there.
struct Outcome {
  int cls = 0;  // 0: reached the end; else the exception's class (a signal number)
  uint64_t gpr[16] = {};
  uint64_t rip = 0;
  uint64_t rflags = 0;
  uint8_t data[kDataSize] = {};
};

// The signal the host raises for an exception vector.
int class_of_vector(unsigned v) {
  switch (v) {
    case kInvalidOpcode: return SIGILL;
    case kDivideError: return SIGFPE;
    case kBreakpoint: case kDebug: return SIGTRAP;
    default: return SIGSEGV;  // #GP, #SS, #PF (SIGBUS folds into this)
  }
}

#ifdef KILN_HOSTDIFF
// The trampoline (AT&T syntax). Block layout: rax rcx rdx rbx rsp rbp rsi rdi r8..r15 rflags.
// DS and ES get Linux's user data selector (0x2b): a 64-bit process runs with them null, which
// 64-bit code ignores but the compatibility-mode part of a program would fault on (#GP).
extern "C" void kiln_hostdiff_enter(uint64_t* regs, uint64_t code);
extern "C" void kiln_hostdiff_return();
asm(R"(
  .text
  .globl kiln_hostdiff_enter
  .type kiln_hostdiff_enter,@function
kiln_hostdiff_enter:
  push %rbx
  push %rbp
  push %r12
  push %r13
  push %r14
  push %r15
  mov %rsp, kiln_hostdiff_saved_rsp(%rip)
  mov %rdi, kiln_hostdiff_regs(%rip)
  mov %rsi, kiln_hostdiff_code(%rip)
  mov $0x2b, %eax
  mov %eax, %ds
  mov %eax, %es
  mov %rdi, %rsp
  pop %rax
  pop %rcx
  pop %rdx
  pop %rbx
  lea 8(%rsp), %rsp
  pop %rbp
  pop %rsi
  pop %rdi
  pop %r8
  pop %r9
  pop %r10
  pop %r11
  pop %r12
  pop %r13
  pop %r14
  pop %r15
  popfq
  mov -104(%rsp), %rsp
  jmp *kiln_hostdiff_code(%rip)
  .globl kiln_hostdiff_return
  .type kiln_hostdiff_return,@function
kiln_hostdiff_return:
  mov %rsp, kiln_hostdiff_user_rsp(%rip)
  mov kiln_hostdiff_regs(%rip), %rsp
  lea 136(%rsp), %rsp
  pushfq
  push %r15
  push %r14
  push %r13
  push %r12
  push %r11
  push %r10
  push %r9
  push %r8
  push %rdi
  push %rsi
  push %rbp
  push %rax
  push %rbx
  push %rdx
  push %rcx
  push %rax
  cld
  mov kiln_hostdiff_user_rsp(%rip), %rax
  mov %rax, 32(%rsp)
  mov kiln_hostdiff_saved_rsp(%rip), %rsp
  pop %r15
  pop %r14
  pop %r13
  pop %r12
  pop %rbp
  pop %rbx
  ret
  .bss
  .p2align 3
kiln_hostdiff_saved_rsp: .quad 0
kiln_hostdiff_regs: .quad 0
kiln_hostdiff_code: .quad 0
kiln_hostdiff_user_rsp: .quad 0
  .text
)");

Outcome* g_out;  // shared with the parent

void on_signal(int sig, siginfo_t*, void* ctx) {
  const auto* uc = static_cast<const ucontext_t*>(ctx);
  const greg_t* r = uc->uc_mcontext.gregs;
  static constexpr int kOrder[16] = {REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI, REG_RDI,
                                     REG_R8,  REG_R9,  REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15};
  for (unsigned i = 0; i < 16; i++) g_out->gpr[i] = uint64_t(r[kOrder[i]]);
  g_out->rip = uint64_t(r[REG_RIP]);
  g_out->rflags = uint64_t(r[REG_EFL]);
  std::memcpy(g_out->data, reinterpret_cast<void*>(data_addr(Mode::Long64)), kDataSize);
  g_out->cls = sig == SIGBUS ? SIGSEGV : sig;
  _exit(0);
}

// Runs the program natively; false (with `why`) if the child did not report.
bool run_host(const Program& p, const InitialState& init, Outcome* out, std::string* why) {
  *out = Outcome{};
  out->cls = -1;
  const pid_t pid = fork();
  if (pid < 0) {
    *why = "fork failed";
    return false;
  }
  if (pid == 0) {
    g_out = out;
    static uint8_t alt[64 * 1024];
    stack_t ss{};
    ss.ss_sp = alt;
    ss.ss_size = sizeof alt;
    sigaltstack(&ss, nullptr);
    struct sigaction sa{};
    sa.sa_sigaction = on_signal;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP}) sigaction(sig, &sa, nullptr);
    std::vector<uint8_t> code = p.code();
    code.resize(code.size() - 2);  // the final UD2 becomes: jmp *0(%rip); .quad kiln_hostdiff_return
    for (uint8_t b : {0xFF, 0x25, 0, 0, 0, 0}) code.push_back(b);
    const uint64_t back = reinterpret_cast<uint64_t>(&kiln_hostdiff_return);
    for (unsigned i = 0; i < 8; i++) code.push_back(uint8_t(back >> (8 * i)));
    std::memcpy(reinterpret_cast<void*>(code_addr(Mode::Long64)), code.data(), code.size());
    std::memcpy(reinterpret_cast<void*>(data_addr(Mode::Long64)), init.data.data(), kDataSize);
    uint64_t regs[17];
    std::memcpy(regs, init.gpr, sizeof init.gpr);
    regs[16] = init.flags | 0x202;
    alarm(2);
    kiln_hostdiff_enter(regs, code_addr(Mode::Long64));
    std::memcpy(out->gpr, regs, sizeof out->gpr);
    out->rflags = regs[16];
    out->rip = p.end();
    std::memcpy(out->data, reinterpret_cast<void*>(data_addr(Mode::Long64)), kDataSize);
    out->cls = 0;
    _exit(0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || out->cls < 0) {
    *why = WIFSIGNALED(status) ? "the host child died of signal " + std::to_string(WTERMSIG(status))
                               : "the host child did not report";
    return false;
  }
  return true;
}
#endif

// Kiln's outcome from a halted guest.
Outcome kiln_outcome(Guest& g) {
  Outcome o;
  const unsigned v = g.vector();
  const uint64_t rip = g.frame(0);
  o.cls = v == kInvalidOpcode && rip == 0 ? -1 : 0;
  std::memcpy(o.gpr, g.cpu->s().gpr, sizeof o.gpr);
  o.gpr[SP] = g.frame(3);
  o.rip = rip;
  o.rflags = g.frame(2);
  g.map.read(data_addr(Mode::Long64), o.data, kDataSize);
  return o;
}

// --all-flags: compare the flags the manual leaves undefined too (an Intel host: Kiln follows Intel).
// --survey: compare them, but only list the instructions whose undefined flags differ.
bool g_all_flags = false;
bool g_survey = false;

std::string compare(const Program& p, const Outcome& host, Guest& g) {
  Outcome k = kiln_outcome(g);
  const unsigned v = g.vector();
  const bool at_end = v == kInvalidOpcode && k.rip == p.end();
  k.cls = at_end ? 0 : class_of_vector(v);
  std::string out;
  char line[200];
  auto field = [&](const char* name, uint64_t x, uint64_t y) {
    if (x == y) return;
    std::snprintf(line, sizeof line, "  %-10s host 0x%016" PRIx64 "  kiln 0x%016" PRIx64 "\n", name, x, y);
    out += line;
  };
  field("stop", uint64_t(host.cls), uint64_t(k.cls));
  if (k.cls != 0) {
    std::snprintf(line, sizeof line, "  (kiln took vector %u)\n", v);
    if (host.cls != k.cls) out += line;
  }
  static const char* const kNames[16] = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
                                         "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};
  const uint64_t reg_mask = p.compat ? 0xffffffffull : ~0ull;  // upper halves: undefined after 32-bit code
  for (unsigned i = 0; i < 16; i++) field(kNames[i], host.gpr[i] & reg_mask, k.gpr[i] & reg_mask);
  field("rip", host.rip, k.rip);
  // At a fault, the flags the faulting instruction would have written are not yet written:
  // the tracked mask is for the end of the program, so compare them only when it was reached.
  const uint32_t mask = (kAll | fl::DF) & ~(g_all_flags || g_survey ? 0 : p.undefined);
  if (host.cls == 0) field("rflags", host.rflags & mask, k.rflags & mask);
  for (uint64_t i = 0; i < kDataSize; i += 8) {
    uint64_t x, y;
    std::memcpy(&x, &host.data[i], 8);
    std::memcpy(&y, &k.data[i], 8);
    char name[32];
    std::snprintf(name, sizeof name, "[%08" PRIx64 "]", data_addr(Mode::Long64) + i);
    field(name, x, y);
  }
  return out;
}

void list_program(const Program& p, const InitialState& init, Guest& g) {
  static const char* const kNames[16] = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
                                         "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};
  std::printf("  initial:");
  for (unsigned i = 0; i < 16; i++) std::printf("%s %s=%" PRIx64, i % 4 ? "" : "\n   ", kNames[i], init.gpr[i]);
  std::printf("\n    rflags=%x (undefined at the end: %x)\n", init.flags | 0x202, p.undefined);
  for (const Insn& in : p.insns) std::printf("    %s\n", g.cpu->disassemble(in.addr).c_str());
}

// Programs pinned because they once differed (each is run before the random
// cases, from a random state with the registers listed set).
struct Pinned {
  const char* what;
  std::vector<uint8_t> code;  // without the final UD2
  std::vector<std::pair<unsigned, uint64_t>> regs;
  uint32_t undefined;
};
const std::vector<Pinned>& pinned() {
  static const std::vector<Pinned> kPinned = {
      {"div r8b with REX: the remainder goes to AH, not SPL", {0x41, 0xF6, 0xF0}, {{AX, 0x0107}, {8, 2}}, kAll},
      {"lahf with REX.W writes AH", {0x48, 0x9F}, {}, 0},
      {"cmpxchg r10d, r11d, not equal: r10 untouched", {0x45, 0x0F, 0xB1, 0xDA},
       {{AX, 0xffff000000000011ull}, {10, 0xd1ac1f59113c96b1ull}}, 0},
      {"cmpxchg r10d, r11d, equal: r10 zero-extended", {0x45, 0x0F, 0xB1, 0xDA},
       {{AX, 0xffff0000113c96b1ull}, {10, 0xd1ac1f59113c96b1ull}}, 0},
      {"cmpxchg rax, r10 (Ev is the accumulator)", {0x4C, 0x0F, 0xB1, 0xD0}, {{AX, 0x997}}, 0},
      {"shrd bp, di, cl by 16", {0xB1, 0x10, 0x66, 0x0F, 0xAD, 0xFD}, {{BP, 0x65d8}, {DI, 0x09dd}}, kAF | kOF},
      {"shld bp, di, cl by 16", {0xB1, 0x10, 0x66, 0x0F, 0xA5, 0xFD}, {{BP, 0x65d8}, {DI, 0x09dd}}, kAF | kOF},
      {"shrd eax, ebx, 1 (OF)", {0x0F, 0xAC, 0xD8, 0x01}, {{AX, 0x80000001}, {BX, 0x1}}, kAF},
      {"std; rep movsq downwards, the destination 3 bytes below the source", {0xFD, 0xF3, 0x48, 0xA5, 0xFC},
       {{SI, kUserBase + 0x10bf1}, {DI, kUserBase + 0x10bee}, {CX, 0x1c}}, 0},
      {"cmpxchg16b misaligned: #GP(0) pushes its error code", {0x49, 0x0F, 0xC7, 0x4F, 0x27}, {}, 0},
      {"shld rax, rbx, 1 (OF)", {0x48, 0x0F, 0xA4, 0xD8, 0x01}, {{AX, 0x4000000000000000ull}, {BX, 0}}, kAF},
  };
  return kPinned;
}

// A program that far-jumps to 32-bit code (Linux's user code segment 0x23:
// compatibility mode), runs random 32-bit instructions there (BCD among
// them), and far-jumps back to 64-bit code (0x33) to end.
Program compat_program(Generator& g64, uint64_t seed, unsigned n) {
  const uint64_t start = code_addr(Mode::Long64), body = start + 12;
  Generator g32(seed ^ 0x5a5a5a5a, Mode::Prot32);
  g32.bit_counts = g64.bit_counts;
  g32.undefined_too = g64.undefined_too;
  g32.place(body, data_addr(Mode::Long64));
  Program q = g32.program(n, false);
  Program p{Mode::Long64, {}, q.undefined, true};
  auto le = [](std::vector<uint8_t>& v, uint64_t x, unsigned bytes) {
    for (unsigned i = 0; i < bytes; i++) v.push_back(uint8_t(x >> (8 * i)));
  };
  std::vector<uint8_t> there = {0xFF, 0x2D, 0, 0, 0, 0};  // jmp far [rip+0]: the m16:32 pointer follows
  le(there, body, 4);
  le(there, 0x23, 2);
  p.insns.push_back({start, there});
  q.insns.pop_back();  // its UD2
  const uint64_t back_at = q.insns.empty() ? body : q.insns.back().addr + q.insns.back().bytes.size();
  for (Insn& in : q.insns) p.insns.push_back(in);
  std::vector<uint8_t> back = {0xEA};  // jmp far 0x33:tail (32-bit code)
  le(back, back_at + 7, 4);
  le(back, 0x33, 2);
  p.insns.push_back({back_at, back});
  p.insns.push_back({back_at + 7, {0x0F, 0x0B}});
  return p;
}

Program pinned_program(const Pinned& pin) {
  Program p{Mode::Long64, {}, pin.undefined};
  std::vector<uint8_t> code = pin.code;
  code.push_back(0x0F);
  code.push_back(0x0B);
  // One Insn for the listing (the disassembler walks from its address).
  uint64_t at = code_addr(Mode::Long64);
  p.insns.push_back({at, std::vector<uint8_t>(code.begin(), code.end() - 2)});
  p.insns.push_back({at + code.size() - 2, {0x0F, 0x0B}});
  return p;
}

}  // namespace

int main(int argc, char** argv) {
#ifndef KILN_HOSTDIFF
  (void)argc;
  (void)argv;
  std::printf("kiln_hostdiff_x86: skipped: the host is not x86-64 Linux\n");
  return 77;
#else
  uint64_t seed = 1;
  uint64_t cases = ~0ull;
  double seconds = 10;
  unsigned max_len = 24;
  bool verbose = false;
  if (const char* env = std::getenv("KILN_HOSTDIFF_CASES")) cases = std::strtoull(env, nullptr, 0);
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "kiln_hostdiff_x86: %s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--seed") {
      std::string v = value();
      seed = v == "time" ? uint64_t(std::chrono::system_clock::now().time_since_epoch().count()) % 1000000007
                         : std::strtoull(v.c_str(), nullptr, 0);
    } else if (a == "--cases") {
      cases = std::strtoull(value(), nullptr, 0);
    } else if (a == "--seconds") {
      seconds = std::strtod(value(), nullptr);
    } else if (a == "--max-len") {
      max_len = unsigned(std::strtoul(value(), nullptr, 0));
    } else if (a == "--all-flags") {
      g_all_flags = true;
    } else if (a == "--survey") {
      g_survey = true;
    } else if (a == "--verbose") {
      verbose = true;
    } else {
      std::fprintf(stderr,
                   "usage: kiln_hostdiff_x86 [--seed S|time] [--cases N] [--seconds T] [--max-len L] "
                   "[--all-flags|--survey] [--verbose]\n");
      return 2;
    }
  }
  if (max_len == 0) max_len = 1;
  if (g_all_flags && g_survey) {
    std::fprintf(stderr, "kiln_hostdiff_x86: --all-flags and --survey exclude each other\n");
    return 2;
  }
  // Kiln's undefined flags are Intel's: --all-flags needs an Intel host to check them against.
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  char vendor[13] = {};
  __get_cpuid(0, &eax, &ebx, &ecx, &edx);
  std::memcpy(vendor, &ebx, 4);
  std::memcpy(vendor + 4, &edx, 4);
  std::memcpy(vendor + 8, &ecx, 4);
  if (g_all_flags && std::strcmp(vendor, "GenuineIntel") != 0) {
    std::printf("kiln_hostdiff_x86: skipped: --all-flags checks Kiln's undefined flags, which follow Intel, and "
                "this host is %s, not GenuineIntel\n", vendor);
    return 77;
  }
  // TZCNT/LZCNT (BMI1, and LZCNT in the extended leaf): without them the host runs F3 0F BC/BD as BSF/BSR.
  const bool bmi1 = __get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) && (ebx & (1u << 3));
  const bool lzcnt = __get_cpuid(0x80000001, &eax, &ebx, &ecx, &edx) && (ecx & (1u << 5));
  auto configure = [&](Generator& g) {
    g.bit_counts = bmi1 && lzcnt;
    g.undefined_too = g_all_flags;
  };
  // The code and data pages at the addresses Kiln's guest uses.
  auto map_fixed = [](uint64_t at, uint64_t size, int prot) {
    void* p = mmap(reinterpret_cast<void*>(at), size, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    return p == reinterpret_cast<void*>(at);
  };
  if (!map_fixed(code_addr(Mode::Long64), 0x10000, PROT_READ | PROT_WRITE | PROT_EXEC) ||
      !map_fixed(data_addr(Mode::Long64), kDataSize, PROT_READ | PROT_WRITE)) {
    std::printf("kiln_hostdiff_x86: skipped: cannot map the guest's addresses in this process\n");
    return 77;
  }
  void* shared = mmap(nullptr, sizeof(Outcome), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (shared == MAP_FAILED) {
    std::fprintf(stderr, "kiln_hostdiff_x86: cannot map shared memory\n");
    return 2;
  }
  Outcome* host = static_cast<Outcome*>(shared);
  std::unique_ptr<jit::Jit> jit;
  if (jit::available()) {
    std::string error;
    jit = jit::create(&error);
  }
  // Does this kernel run 32-bit user code (IA32 emulation)? A far jump there and back must come back.
  bool compat_ok = false;
  {
    Generator probe(0, Mode::Long64);
    configure(probe);
    Program p = compat_program(probe, 0, 1);
    p.insns.erase(p.insns.begin() + 1, p.insns.end() - 2);  // nothing in 32-bit code but the jump back
    p.insns[1].addr = p.insns[0].addr + p.insns[0].bytes.size();
    const uint64_t tail = p.insns[1].addr + 7;
    for (unsigned i = 0; i < 4; i++) p.insns[1].bytes[1 + i] = uint8_t(tail >> (8 * i));
    p.insns[2].addr = tail;
    InitialState init = probe.state();
    std::string why;
    compat_ok = run_host(p, init, host, &why) && host->cls == 0;
    if (!compat_ok) std::printf("kiln_hostdiff_x86: this kernel runs no 32-bit user code (a far jump to 0x23 faults): BCD and compatibility mode not compared\n");
  }
  auto t0 = std::chrono::steady_clock::now();
  uint64_t done = 0, insns = 0, faulted = 0;
  const uint64_t npinned = pinned().size();
  for (uint64_t c = 0; c < npinned || c - npinned < cases; c++) {
    const bool is_pinned = c < npinned;
    if (!is_pinned && cases == ~0ull && std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() > seconds)
      break;
    const uint64_t case_seed = is_pinned ? c : seed + c - npinned;
    Generator g(case_seed, Mode::Long64);
    configure(g);
    const bool compat = !is_pinned && compat_ok && g.below(4) == 0;
    Program p = is_pinned ? pinned_program(pinned()[c])
                : compat  ? compat_program(g, case_seed, 1 + unsigned(g.below(max_len)))
                          : g.program(1 + unsigned(g.below(max_len)), false);
    InitialState init = g.state();
    if (compat) init.gpr[BX] = data_addr(Mode::Long64) + kBaseOffset;  // the 32-bit code's memory base
    if (is_pinned)
      for (auto [r, v] : pinned()[c].regs) init.gpr[r] = v;
    std::string why;
    if (!run_host(p, init, host, &why)) {
      std::printf("kiln_hostdiff_x86: seed %" PRIu64 ": %s\n", case_seed, why.c_str());
      Guest listing(Mode::Long64, p, init, nullptr);
      list_program(p, init, listing);
      return 1;
    }
    done += !is_pinned;
    faulted += !is_pinned && host->cls != 0;
    for (jit::Jit* tier : {static_cast<jit::Jit*>(nullptr), jit.get()}) {
      Guest guest(Mode::Long64, p, init, tier);
      const bool halted = guest.run();
      if (!tier) insns += guest.cpu->s().insns_retired;
      std::string diff = halted ? compare(p, *host, guest) : "  Kiln did not halt\n";
      if (verbose && !tier) {
        std::printf("case seed %" PRIu64 ":\n", case_seed);
        list_program(p, init, guest);
      }
      if (g_survey && diff.rfind("  rflags", 0) == 0 && diff.find('\n') + 1 == diff.size()) {
        // Only the undefined flags differ: one line for the survey, and go on.
        std::printf("undefined flags differ (%s):%s", tier ? "jit" : "interp", diff.c_str() + 12);
        for (size_t i = 0; i + 1 < p.insns.size(); i++)
          std::printf("    %s\n", guest.cpu->disassemble(p.insns[i].addr).c_str());
        continue;
      }
      if (!diff.empty()) {
        if (is_pinned)
          std::printf("kiln_hostdiff_x86: MISMATCH (%s), pinned program: %s\n", tier ? "jit" : "interp",
                      pinned()[c].what);
        else
          std::printf("kiln_hostdiff_x86: MISMATCH (%s), seed %" PRIu64 " (rerun: --seed %" PRIu64
                      " --cases 1 --verbose)\n",
                      tier ? "jit" : "interp", case_seed, case_seed);
        list_program(p, init, guest);
        std::printf("  differences:\n%s", diff.c_str());
        return 1;
      }
      if (!jit) break;
    }
  }
  double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("kiln_hostdiff_x86: %" PRIu64 " pinned programs, %" PRIu64 " cases (seeds %" PRIu64 "..%" PRIu64 ", %" PRIu64
              " ended by an exception), %" PRIu64 " guest instructions, %.1f s: the host, interp%s agree\n",
              npinned, done, seed, seed + done - 1, faulted, insns, took, jit ? " and jit" : "");
  return done > 0 ? 0 : 1;
#endif
}

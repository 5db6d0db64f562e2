// The x87 instructions (cpu/x86/insn/x87*.cpp) against the host's x87
// (x86-64 hosts only): every register-operand instruction the translation
// has, on pairs of special and ordinary operands, in each rounding mode and
// precision control, with the stack one deep (ST(1) empty: underflow), two
// deep and full (overflow on a push). Kiln runs the instruction through the
// interpreter from the same register stack; the host runs the same bytes in
// a small generated stub and reports with FNSTSW, PUSHF and FXSAVE. The
// status word (exceptions, SF, ES/B, TOP, C1; C0/C2/C3 where the instruction
// defines them), every register in use and its tag, and FCOMI's ZF/PF/CF must
// agree. The transcendental instructions are left out: softfloat80_test.cpp
// compares those within their documented one-ulp tolerance.
#include <catch2/catch.hpp>

#include <sys/mman.h>

#include <cstring>
#include <memory>
#include <new>
#include <vector>

#include "common/softfloat80.h"
#include "cpu/x86/decode.h"
#include "cpu/x86/flags.h"
#include "cpu/x86/insn/x87.h"
#include "cpu/x86/translate.h"
#include "interp/interp.h"

using namespace kiln;
using namespace kiln::x86;
using kiln::sf::x87::F80;

#if defined(__x86_64__)
namespace {

struct StateDeleter {
  void operator()(X86State* p) const {
    p->~X86State();
    ::operator delete(p, std::align_val_t(64));
  }
};

bool run_one(X86State& st, const std::vector<uint8_t>& bytes) {
  ir::Block blk;
  ir::Builder b(blk);
  Insn in;
  REQUIRE(decode(st.model, CodeSize::Real16, bytes.data(), bytes.size(), &in));
  BlockFlags bf;
  const TransMode tm = TransMode::real(st.model);
  Ctx c{b, in, tm, 0, bf};
  b.insn_start(0, in.len);
  REQUIRE(in.row->fn(c));
  if (!b.terminated()) b.goto_(in.len);
  REQUIRE(ir::verify(blk) == "");
  auto code = interp::compile(blk);
  st.fault = 0;
  interp::run(*code, &st);
  return st.fault == 0;
}

// What the host reports: the status word, RFLAGS and the FXSAVE image.
struct alignas(64) HostArea {
  uint16_t cw, sw;
  uint32_t pad;
  uint64_t rflags;
  uint8_t values[8][12];  // 80-bit operands, pushed in order (12 apart: disp8 reaches them all)
  uint8_t pad2[512 - 16 - 96];
  uint8_t fxsave[512];
};

// A stub: FNINIT; FLDCW; FLD m80 x n; XOR EAX, EAX; the instruction; FNSTSW; PUSHF; FXSAVE; FNINIT; RET.
class HostRunner {
 public:
  HostRunner() {
    mem_ = mmap(nullptr, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  }
  ~HostRunner() {
    if (mem_ != MAP_FAILED) munmap(mem_, 4096);
  }
  bool ok() const { return mem_ != MAP_FAILED; }
  void run(HostArea* a, unsigned depth, const std::vector<uint8_t>& insn) {
    std::vector<uint8_t> c = {0xdb, 0xe3, 0xd9, 0x2f};  // fninit; fldcw [rdi]
    for (unsigned k = 0; k < depth; ++k) {
      c.insert(c.end(), {0xdb, 0x6f, uint8_t(16 + 12 * k)});  // fld tword [rdi + 16 + 12k]
    }
    c.insert(c.end(), {0x31, 0xc0});  // xor eax, eax: ZF and PF set, CF clear (FCMOVcc reads them)
    c.insert(c.end(), insn.begin(), insn.end());
    c.insert(c.end(), {0xdd, 0x7f, 0x02});                     // fnstsw [rdi + 2]
    c.insert(c.end(), {0x9c, 0x58, 0x48, 0x89, 0x47, 0x08});  // pushf; pop rax; mov [rdi + 8], rax
    c.insert(c.end(), {0x0f, 0xae, 0x87, 0x00, 0x02, 0x00, 0x00});  // fxsave [rdi + 512]
    c.insert(c.end(), {0xdb, 0xe3, 0xc3});                     // fninit; ret
    std::memcpy(mem_, c.data(), c.size());
    __builtin___clear_cache(static_cast<char*>(mem_), static_cast<char*>(mem_) + c.size());
    reinterpret_cast<void (*)(HostArea*)>(mem_)(a);
  }

 private:
  void* mem_;
};

struct Case {
  const char* name;
  std::vector<uint8_t> bytes;
  bool cond;   // defines C0, C2, C3
  bool flags;  // FCOMI family: ZF, PF, CF
};

}  // namespace

TEST_CASE("x87 register instructions vs the host x87", "[x86][x87]") {
  HostRunner host;
  REQUIRE(host.ok());
  std::unique_ptr<X86State, StateDeleter> st(new (::operator new(sizeof(X86State), std::align_val_t(64))) X86State());
  st->model = Model::X64;
  const F80 values[] = {
      {0, 0}, {0, 0x8000}, {1ull << 63, 0x3fff}, {0xc000000000000000ull, 0x3fff}, {0xb000000000000000ull, 0xc000},
      {0xaaaaaaaaaaaaaaabull, 0x3ffd}, {0x8000000000000001ull, 0x7ffe}, {1ull << 63, 0x0001}, {1, 0},
      {1ull << 63, 0x7fff}, {1ull << 63, 0xffff}, {0xc000000000000000ull, 0x7fff}, {0xa000000000000000ull, 0x7fff},
      {0xc90fdaa22168c235ull, 0x4001}, {1ull << 63, 0x403e}, {0xfffffffffffff800ull, 0x3ffe}};
  const std::vector<Case> cases = {
      {"fadd st0,st1", {0xd8, 0xc1}, false, false},  {"fmul st0,st1", {0xd8, 0xc9}, false, false},
      {"fsub st0,st1", {0xd8, 0xe1}, false, false},  {"fsubr st0,st1", {0xd8, 0xe9}, false, false},
      {"fdiv st0,st1", {0xd8, 0xf1}, false, false},  {"fdivr st0,st1", {0xd8, 0xf9}, false, false},
      {"fadd st1,st0", {0xdc, 0xc1}, false, false},  {"fsubr st1,st0", {0xdc, 0xe1}, false, false},
      {"fsub st1,st0", {0xdc, 0xe9}, false, false},  {"fdivr st1,st0", {0xdc, 0xf1}, false, false},
      {"fdiv st1,st0", {0xdc, 0xf9}, false, false},  {"faddp", {0xde, 0xc1}, false, false},
      {"fmulp", {0xde, 0xc9}, false, false},         {"fsubrp", {0xde, 0xe1}, false, false},
      {"fsubp", {0xde, 0xe9}, false, false},         {"fdivrp", {0xde, 0xf1}, false, false},
      {"fdivp", {0xde, 0xf9}, false, false},         {"fcom st1", {0xd8, 0xd1}, true, false},
      {"fcomp st1", {0xd8, 0xd9}, true, false},      {"fcompp", {0xde, 0xd9}, true, false},
      {"fucom st1", {0xdd, 0xe1}, true, false},      {"fucomp st1", {0xdd, 0xe9}, true, false},
      {"fucompp", {0xda, 0xe9}, true, false},        {"fcomi", {0xdb, 0xf1}, false, true},
      {"fucomi", {0xdb, 0xe9}, false, true},         {"fcomip", {0xdf, 0xf1}, false, true},
      {"fucomip", {0xdf, 0xe9}, false, true},        {"fxch", {0xd9, 0xc9}, false, false},
      {"fchs", {0xd9, 0xe0}, false, false},          {"fabs", {0xd9, 0xe1}, false, false},
      {"ftst", {0xd9, 0xe4}, true, false},           {"fxam", {0xd9, 0xe5}, true, false},
      {"fsqrt", {0xd9, 0xfa}, false, false},         {"frndint", {0xd9, 0xfc}, false, false},
      {"fscale", {0xd9, 0xfd}, false, false},        {"fxtract", {0xd9, 0xf4}, false, false},
      {"fprem", {0xd9, 0xf8}, true, false},          {"fprem1", {0xd9, 0xf5}, true, false},
      {"fld st1", {0xd9, 0xc1}, false, false},       {"fst st1", {0xdd, 0xd1}, false, false},
      {"fstp st1", {0xdd, 0xd9}, false, false},      {"fincstp", {0xd9, 0xf7}, false, false},
      {"fdecstp", {0xd9, 0xf6}, false, false},       {"ffree st1", {0xdd, 0xc1}, false, false},
      {"fld1", {0xd9, 0xe8}, false, false},          {"fldl2t", {0xd9, 0xe9}, false, false},
      {"fldpi", {0xd9, 0xeb}, false, false},         {"fldz", {0xd9, 0xee}, false, false},
      {"fnclex", {0xdb, 0xe2}, true, false},         {"fcmove st1", {0xda, 0xc9}, false, false},
      {"fcmovne st1", {0xdb, 0xc9}, false, false},   {"fcmovb st1", {0xda, 0xc1}, false, false},
  };
  const uint16_t cws[] = {0x037f, 0x077f, 0x0b7f, 0x0f7f, 0x027f, 0x007f};
  HostArea* a = new (std::align_val_t(64)) HostArea();
  unsigned mismatches = 0;
  for (const Case& k : cases) {
    for (uint16_t cw : cws) {
      for (unsigned depth : {1u, 2u, 8u}) {
        for (const F80& x : values) {
          for (const F80& y : values) {
            if (depth == 1 && !(y == values[0])) continue;  // y unused
            // Operands: the deepest is y (ST(1)), then x (ST(0)); a full stack repeats x.
            F80 ops[8];
            for (unsigned i = 0; i < depth; ++i) ops[i] = i == 0 && depth > 1 ? y : x;
            std::memset(a, 0, sizeof *a);
            a->cw = cw;
            for (unsigned i = 0; i < depth; ++i) {
              std::memcpy(a->values[i], &ops[i].sig, 8);
              std::memcpy(a->values[i] + 8, &ops[i].se, 2);
            }
            host.run(a, depth, k.bytes);
            // Kiln from the same stack.
            X86State::Fpu& f = st->fpu;
            f = X86State::Fpu{};
            f.fcw = cw;
            unsigned top = 0;
            for (unsigned i = 0; i < depth; ++i) {
              top = (top + 7) & 7;
              f.sig[top] = ops[i].sig;
              f.se[top] = ops[i].se;
              f.ftw = uint16_t((f.ftw & ~(3u << (2 * top))) | x87::tag_of(ops[i].sig, ops[i].se) << (2 * top));
            }
            f.fsw = uint16_t(top << 11);
            write_flags(*st, fl::ZF | fl::PF);
            REQUIRE(run_one(*st, k.bytes));
            uint16_t mask = 0xbaff & ~0x0500;  // B, TOP, C1, ES, SF, exceptions
            if (k.cond) mask |= 0x4500;
            INFO(k.name << " cw=" << std::hex << cw << " depth=" << depth << " x=" << x.sig << "/" << x.se
                        << " y=" << y.sig << "/" << y.se << " host sw=" << a->sw << " kiln sw=" << f.fsw);
            bool same = (a->sw & mask) == (f.fsw & mask);
            const unsigned ktop = (f.fsw >> 11) & 7;
            uint8_t tags = 0;
            for (unsigned p = 0; p < 8; ++p)
              if (((f.ftw >> (2 * p)) & 3) != 3) tags = uint8_t(tags | 1u << p);
            same = same && tags == a->fxsave[4];
            for (unsigned i = 0; i < 8 && same; ++i) {
              const unsigned p = (ktop + i) & 7;
              if (!(tags >> p & 1)) continue;
              uint64_t hsig;
              uint16_t hse;
              std::memcpy(&hsig, a->fxsave + 32 + 16 * i, 8);
              std::memcpy(&hse, a->fxsave + 40 + 16 * i, 2);
              same = hsig == f.sig[p] && hse == f.se[p];
              INFO("ST(" << i << ") host " << hsig << "/" << hse << " kiln " << f.sig[p] << "/" << f.se[p]);
              CHECK(same);
            }
            if (k.flags) {
              const uint32_t zpc = fl::ZF | fl::PF | fl::CF;
              same = same && (read_flags(*st) & zpc) == (a->rflags & zpc);
            }
            if (!same && ++mismatches <= 20) CHECK(same);
          }
        }
      }
    }
  }
  CHECK(mismatches == 0);
  ::operator delete(a, std::align_val_t(64));
}
#endif

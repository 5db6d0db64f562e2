// Forward labels (ir/ir.h, "Labels") under the JIT: random IR blocks with
// skipped regions run on both tiers with the same result, and a skipped
// region costs one host conditional branch.
#include <catch2/catch.hpp>

#include <random>
#include <sstream>
#include <thread>

#include "ir/builder.h"
#include "ir/passes/passes.h"
#include "ir_gen.h"
#include "jit/jit.h"

using namespace kiln;
using namespace kiln::test;
using ir::Builder;
using ir::U64;

namespace {
// Compiles one block and waits for its code.
struct Compiled {
  jit::Jit& jit;
  jit::Ticket ticket;
  jit::NativeFn fn = nullptr;
  Compiled(jit::Jit& j, const Block& b, bool quick) : jit(j) {
    const Block* region[] = {&b};
    ticket = jit.submit(region, this, nullptr, quick, jit::kHeadOnly);
    std::vector<jit::Finished> done;
    while (done.empty()) {
      jit.take_finished(this, &done);
      if (done.empty()) std::this_thread::yield();
    }
    fn = done[0].fn;
  }
  ~Compiled() { jit.release(ticket); }
};

unsigned conditional_jumps(const std::string& assembly) {
  std::istringstream in(assembly);
  unsigned n = 0;
  for (std::string line; std::getline(in, line);)
    if (line.size() > 2 && line[0] == '\t' && line[1] == 'j' && line.compare(1, 3, "jmp") != 0) n++;
  return n;
}
}  // namespace

TEST_CASE("JIT agrees with the interpreter on random blocks with labels", "[jit][labels][random]") {
  if (!jit::available()) {
    WARN("this build has no JIT");
    return;
  }
  std::string error;
  std::unique_ptr<jit::Jit> j = jit::create(&error);
  REQUIRE(j);
  std::mt19937_64 rng(11);
  TestMachine mi, mj;
  unsigned with_labels = 0;
  for (int iter = 0; iter < 200; iter++) {
    Block b = random_block(rng);
    if (iter % 2) REQUIRE(ir::run_passes(b, true) == "");
    REQUIRE(verify(b) == "");
    with_labels += b.labels > 0;
    for (unsigned i = 0; i < 8; i++) mi.st->r[i] = mj.st->r[i] = rng();
    auto code = interp::compile(b);
    REQUIRE(code);
    interp::ExitInfo ei = interp::run(*code, mi.st.get());
    Compiled c(*j, b, iter % 4 < 2);
    REQUIRE(c.fn);
    mj.st->pc = b.pc;
    mj.st->insns_retired = 0;
    mj.st->chain_budget = 100;
    cpu::BlockExit ej = jit::unpack_exit(j->entry()(mj.st.get(), c.fn), *mj.st);
    INFO("iteration " << iter << "\n" << print(b));
    CHECK(ei.reason == ej.reason);
    CHECK(ei.next_pc == ej.next_pc);
    CHECK(ei.insns == mj.st->insns_retired);
    for (unsigned i = 0; i < 8; i++) {
      INFO("r" << i);
      CHECK(mi.st->r[i] == mj.st->r[i]);
    }
  }
  CHECK(with_labels > 50);  // the generator does exercise labels
}

TEST_CASE("JIT code-quality pin: a skipped region is one host conditional branch", "[jit][quality][labels]") {
  if (!jit::available()) {
    WARN("this build has no JIT");
    return;
  }
  // r2 = writes(r1) unless r1 == 0; the helper call keeps LLVM from making the region a select.
  auto block = [](bool skip) {
    Block b;
    b.pc = 0x1000;
    Builder B(b);
    B.insn_start(0x1000, 4);
    U64 x = B.get<Type::I64>(off_r(1));
    Builder::Label done = B.new_label();
    if (skip) B.skip_if(B.eq(x, B.c64(0)), done);
    B.set(off_r(2), B.call(kWritesHelper, x));
    if (skip) B.place(done);
    B.goto_(0x2000);
    REQUIRE(ir::run_passes(b, true) == "");
    return b;
  };
  Block with = block(true), without = block(false);
  std::string error;
  const Block* r1[] = {&with};
  const Block* r2[] = {&without};
  std::string a = jit::region_assembly(r1, &error), b = jit::region_assembly(r2, &error);
  INFO(error << "\nwith the skip:\n" << a << "\nwithout:\n" << b);
  REQUIRE(!a.empty());
  REQUIRE(!b.empty());
  CHECK(conditional_jumps(a) == conditional_jumps(b) + 1);
}

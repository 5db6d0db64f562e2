// A extension: LR/SC and AMOs. One hart executes at a time, so an AMO is a
// load and a store with nothing in between. Atomics must be naturally aligned:
// a misaligned LR raises load-address-misaligned, SC and AMOs store/AMO-misaligned.
// The reservation is one address; SC succeeds only on the reserved address and
// always clears the reservation.
#include <cstddef>

#include "cpu/riscv/insn/insns.h"
#include "cpu/riscv/insn/shapes.h"

namespace kiln::riscv {

namespace {

constexpr size_t kReservation = offsetof(RiscvState, reservation);

uint64_t sc_helper(void* env, uint64_t addr, uint64_t value, uint64_t size) {
  RiscvState* s = rv(env);
  bool ok = s->reservation == addr;
  s->reservation = ~0ull;
  if (addr & (size - 1)) {
    record_exception(s, kStoreMisaligned, addr);
    return 0;
  }
  if (!ok) return 1;
  if (!mem::store(s->mem, addr, unsigned(size), data_mmu_index(*s), true, value)) {
    if (!s->fault) {
      // A debugger watchpoint stopped the store before it happened (no guest
      // exception): leave through the fault path, and keep the reservation so
      // that the SC, run again, can still succeed.
      s->reservation = addr;
      s->fault = 1;
    }
    return 0;
  }
  return 0;
}
constexpr ir::Helper kSc{"sc", sc_helper, ir::kReadsState | ir::kWritesState | ir::kMayFault | ir::kMemWrite, 3};

bool gen_lr(Ctx& c, const Args& a, unsigned size_log2) {
  U64 addr = c.x(a.rs1);
  c.check_triggers(addr, size_log2, kTriggerLoad);
  U64 v = c.b.load<T::I64>(addr, memop(c, size_log2, true, true));
  c.b.set(kReservation, addr);
  c.set_x(a.rd, v);
  return true;
}
bool gen_sc(Ctx& c, const Args& a, unsigned size_log2) {
  c.check_triggers(c.x(a.rs1), size_log2, kTriggerStore);
  c.set_x(a.rd, c.b.call(kSc, c.x(a.rs1), c.x(a.rs2), c.b.c64(1u << size_log2)));
  return true;
}
bool gen_amo(Ctx& c, const Args& a, ir::AmoKind k, unsigned size_log2) {
  c.check_triggers(c.x(a.rs1), size_log2, kTriggerLoad | kTriggerStore);  // a load and a store
  c.set_x(a.rd, c.b.amo<T::I64>(k, c.x(a.rs1), c.x(a.rs2), memop(c, size_log2, true, true)));
  return true;
}

}  // namespace

using K = ir::AmoKind;
bool insn_lr_w(Ctx& c, const Args& a) { return gen_lr(c, a, 2); }
bool insn_sc_w(Ctx& c, const Args& a) { return gen_sc(c, a, 2); }
bool insn_amoswap_w(Ctx& c, const Args& a) { return gen_amo(c, a, K::Swap, 2); }
bool insn_amoadd_w(Ctx& c, const Args& a) { return gen_amo(c, a, K::Add, 2); }
bool insn_amoxor_w(Ctx& c, const Args& a) { return gen_amo(c, a, K::Xor, 2); }
bool insn_amoand_w(Ctx& c, const Args& a) { return gen_amo(c, a, K::And, 2); }
bool insn_amoor_w(Ctx& c, const Args& a) { return gen_amo(c, a, K::Or, 2); }
bool insn_amomin_w(Ctx& c, const Args& a) { return gen_amo(c, a, K::MinS, 2); }
bool insn_amomax_w(Ctx& c, const Args& a) { return gen_amo(c, a, K::MaxS, 2); }
bool insn_amominu_w(Ctx& c, const Args& a) { return gen_amo(c, a, K::MinU, 2); }
bool insn_amomaxu_w(Ctx& c, const Args& a) { return gen_amo(c, a, K::MaxU, 2); }
bool insn_lr_d(Ctx& c, const Args& a) { return gen_lr(c, a, 3); }
bool insn_sc_d(Ctx& c, const Args& a) { return gen_sc(c, a, 3); }
bool insn_amoswap_d(Ctx& c, const Args& a) { return gen_amo(c, a, K::Swap, 3); }
bool insn_amoadd_d(Ctx& c, const Args& a) { return gen_amo(c, a, K::Add, 3); }
bool insn_amoxor_d(Ctx& c, const Args& a) { return gen_amo(c, a, K::Xor, 3); }
bool insn_amoand_d(Ctx& c, const Args& a) { return gen_amo(c, a, K::And, 3); }
bool insn_amoor_d(Ctx& c, const Args& a) { return gen_amo(c, a, K::Or, 3); }
bool insn_amomin_d(Ctx& c, const Args& a) { return gen_amo(c, a, K::MinS, 3); }
bool insn_amomax_d(Ctx& c, const Args& a) { return gen_amo(c, a, K::MaxS, 3); }
bool insn_amominu_d(Ctx& c, const Args& a) { return gen_amo(c, a, K::MinU, 3); }
bool insn_amomaxu_d(Ctx& c, const Args& a) { return gen_amo(c, a, K::MaxU, 3); }

}  // namespace kiln::riscv

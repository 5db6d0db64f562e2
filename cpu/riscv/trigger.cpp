// Sdtrig's trigger module (see trigger.h). What is implemented, as tinfo and
// the WARL tdata1 say: kTriggers triggers, each mcontrol (type 2) or
// mcontrol6 (type 6) or disabled (15); of their fields only load, store,
// execute and the M/S/U enables are writable. Everything else reads as the
// one value supported: match 0 (equal), action 0, no chain, timing before,
// select address, size 0 (any access; a load or store matches if any byte it
// touches is at tdata2), no hit bits, dmode 0, maskmax 0, VS/VU 0. tdata3
// (textra) is zero: no context conditions. tcontrol is not implemented, so
// action-0 triggers follow the spec's other reentrancy rule: none matches in
// M-mode while mstatus.MIE is 0, nor in S-mode while SIE is 0 when
// breakpoints are delegated to S.
#include "cpu/riscv/trigger.h"

#include <unordered_set>

#include "cpu/riscv/cpu.h"
#include "cpu/riscv/translate.h"

namespace kiln::riscv {

namespace {

enum TriggerCsr : unsigned { kTselect = 0x7a0, kTdata1 = 0x7a1, kTdata2 = 0x7a2, kTdata3 = 0x7a3, kTinfo = 0x7a4 };
constexpr unsigned kTypeShift = 60;
constexpr uint64_t kTypeMcontrol = 2, kTypeMcontrol6 = 6, kTypeDisabled = 15;
constexpr uint64_t kEnableU = 1u << 3, kEnableS = 1u << 4, kEnableM = 1u << 6;  // same bits in both types
constexpr uint64_t kAccessBits = kTriggerLoad | kTriggerStore | kTriggerExec;
constexpr uint64_t kWritable = kEnableM | kEnableS | kEnableU | kAccessBits;
// tinfo: version 1 (Sdtrig 1.0), the types every trigger supports.
constexpr uint64_t kTinfoValue = 1ull << 24 | 1u << kTypeMcontrol | 1u << kTypeMcontrol6;

uint64_t trigger_type(uint64_t tdata1) { return tdata1 >> kTypeShift; }
bool address_match(uint64_t tdata1) {
  return trigger_type(tdata1) == kTypeMcontrol || trigger_type(tdata1) == kTypeMcontrol6;
}

// Writing an unsupported type (0 included) disables the trigger, as the spec asks.
uint64_t legal_tdata1(uint64_t v) {
  if (!address_match(v)) return kTypeDisabled << kTypeShift;
  return (v & (0xfull << kTypeShift)) | (v & kWritable);
}

bool enabled_in(uint64_t tdata1, uint64_t priv) {
  return (tdata1 & (priv == kPrivM ? kEnableM : priv == kPrivS ? kEnableS : kEnableU)) != 0;
}

// Recomputes what translation and the engine use: the privilege levels with
// a load/store trigger, and the addresses of execute triggers.
void triggers_changed(RiscvState* s) {
  s->data_trigger_privs = 0;
  std::unordered_set<uint64_t> exec;
  for (unsigned i = 0; i < kTriggers; i++) {
    uint64_t t = s->tdata1[i];
    if (!address_match(t)) continue;
    for (uint64_t priv : {kPrivU, kPrivS, kPrivM})
      if ((t & (kTriggerLoad | kTriggerStore)) && enabled_in(t, priv)) s->data_trigger_privs |= 1u << priv;
    if ((t & kTriggerExec) && (t & (kEnableM | kEnableS | kEnableU))) exec.insert(s->tdata2[i]);
  }
  s->self->set_exec_triggers(std::move(exec));
}

uint64_t trigger_data_helper(void* env, uint64_t addr, uint64_t desc, uint64_t) {
  RiscvState* s = rv(env);
  if (trigger_fires(*s, unsigned(desc >> 8), addr, unsigned(desc & 0xff))) record_exception(s, kBreakpoint, addr);
  return 0;
}

}  // namespace

const ir::Helper kTriggerData{"trigger_data", trigger_data_helper,
                              ir::kReadsState | ir::kWritesState | ir::kMayFault, 2};

bool is_trigger_csr(unsigned csr) { return csr >= kTselect && csr <= kTinfo; }

uint64_t trigger_csr_read(const RiscvState* s, unsigned csr) {
  switch (csr) {
    case kTselect: return s->tselect;
    case kTdata1: return s->tdata1[s->tselect];
    case kTdata2: return s->tdata2[s->tselect];
    case kTinfo: return kTinfoValue;
    default: return 0;  // tdata3
  }
}

void trigger_csr_write(RiscvState* s, unsigned csr, uint64_t value) {
  switch (csr) {
    case kTselect:
      // WARL: an index past the last trigger leaves tselect as it was, so a
      // debugger reading it back sees its write did not take.
      if (value < kTriggers) s->tselect = value;
      return;
    case kTdata1: s->tdata1[s->tselect] = legal_tdata1(value); break;
    case kTdata2: s->tdata2[s->tselect] = value; break;
    default: return;  // tdata3 is zero, tinfo read-only
  }
  triggers_changed(s);
}

void reset_triggers(RiscvState* s) {
  s->tselect = 0;
  for (unsigned i = 0; i < kTriggers; i++) {
    s->tdata1[i] = kTypeMcontrol << kTypeShift;  // an address-match trigger, enabled nowhere
    s->tdata2[i] = 0;
  }
  triggers_changed(s);
}

bool trigger_fires(const RiscvState& s, unsigned kinds, uint64_t addr, unsigned size) {
  if (s.priv == kPrivM && !(s.mstatus & mstatus::MIE)) return false;
  if (s.priv == kPrivS && ((s.medeleg >> kBreakpoint) & 1) && !(s.mstatus & mstatus::SIE)) return false;
  for (unsigned i = 0; i < kTriggers; i++) {
    uint64_t t = s.tdata1[i];
    if (address_match(t) && (t & kinds) && enabled_in(t, s.priv) && s.tdata2[i] - addr < size) return true;
  }
  return false;
}

void Ctx::check_triggers(U64 addr, unsigned size_log2, unsigned kinds) {
  if (data_triggers) b.call(kTriggerData, addr, b.c64((1u << size_log2) | kinds << 8));
}

bool RiscvCpu::exec_trigger_fires() {
  RiscvState& st = *state_;
  if (!trigger_fires(st, kTriggerExec, st.pc, 1)) return false;
  record_exception(&st, kBreakpoint, st.pc);
  return true;
}

}  // namespace kiln::riscv

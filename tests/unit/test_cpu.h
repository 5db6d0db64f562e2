// A minimal guest "CPU" for running hand-built IR blocks in unit tests: a state
// struct deriving from cpu::StateHeader with a few fields, a physical map with
// RAM, and an identity mem::Translator that records the last fault.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>

#include "cpu/common/state.h"
#include "mem/physmap.h"
#include "mem/tlb.h"

namespace kiln::test {

struct TestState : cpu::StateHeader {
  uint64_t r[8] = {};  // "guest registers"
};
constexpr size_t off_r(unsigned i) { return offsetof(TestState, r) + 8 * i; }

// Identity translation with full permissions; a fault is recorded, not delivered.
class IdentityTranslator : public mem::Translator {
 public:
  bool translate(uint64_t va, unsigned, mem::AccessType, unsigned, uint64_t* pa, unsigned* prot) override {
    *pa = va;
    *prot = mem::kProtRead | mem::kProtWrite | mem::kProtExec;
    return true;
  }
  void raise_fault(uint64_t va, mem::AccessType type, mem::FaultKind kind) override {
    faults++;
    fault_va = va;
    fault_type = type;
    fault_kind = kind;
    if (state) state->fault = 1;
  }
  cpu::StateHeader* state = nullptr;
  unsigned faults = 0;
  uint64_t fault_va = 0;
  mem::AccessType fault_type = mem::AccessType::Read;
  mem::FaultKind fault_kind = mem::FaultKind::Page;
};

constexpr uint64_t kRamBase = 0x80000000;
constexpr uint64_t kRamSize = 64 * 1024;  // 16 pages; the page after it is unmapped

// RAM + translator + state wired together. The state is big (TLB + scratch) and
// 64-byte aligned, so it lives on the heap (operator new honours alignas).
struct TestMachine {
  mem::PhysMap map;
  IdentityTranslator tr;
  std::unique_ptr<TestState> st{new TestState()};

  TestMachine() {
    Status s = map.add_ram("ram", kRamBase, kRamSize);
    (void)s;
    st->mem.map = &map;
    st->mem.translator = &tr;
    st->mem.flush_tlb();  // an all-zero TLB entry would "hit" for page 0
    tr.state = st.get();
  }
};

}  // namespace kiln::test

#include "jit/runtime.h"

#include "cpu/common/amo.h"

namespace kiln::jit {

extern "C" bool kiln_jit_load(cpu::StateHeader* env, uint64_t va, uint64_t desc, uint64_t* out) {
  return mem::load_slow(env->mem, va, desc & 0xff, (desc >> 16) & 0xff, (desc >> 8) & 1, out);
}
extern "C" bool kiln_jit_store(cpu::StateHeader* env, uint64_t va, uint64_t value, uint64_t desc) {
  return mem::store_slow(env->mem, va, desc & 0xff, (desc >> 16) & 0xff, (desc >> 8) & 1, value);
}
extern "C" bool kiln_jit_amo(cpu::StateHeader* env, uint64_t va, uint64_t operand, uint64_t desc, uint64_t* out) {
  return cpu::execute_amo(env->mem, va, operand, desc, out);
}

}  // namespace kiln::jit

#include "devices/pc/isa_debugcon.h"

namespace kiln::devices {

uint64_t IsaDebugcon::read(uint64_t, unsigned) { return kReadback; }

void IsaDebugcon::write(uint64_t, unsigned, uint64_t value) { std::fputc(int(value & 0xff), out_); }

}  // namespace kiln::devices

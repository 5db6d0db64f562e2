#include "devices/pc/isa_debug_exit.h"

namespace kiln::devices {

uint64_t IsaDebugExit::read(uint64_t, unsigned) { return 0; }

// The status an exit() of (v << 1) | 1 leaves for the shell: its low 8 bits.
void IsaDebugExit::write(uint64_t, unsigned, uint64_t value) { exit_(int(((value << 1) | 1) & 0xff)); }

}  // namespace kiln::devices

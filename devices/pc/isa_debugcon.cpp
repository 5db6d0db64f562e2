#include "devices/pc/isa_debugcon.h"

namespace kiln::devices {

uint64_t IsaDebugcon::read(uint64_t, unsigned) { return kReadback; }

// Each byte reaches the host when the guest writes it (a ROM's progress report
// may never end its line); file and socket chardevs are unbuffered already.
void IsaDebugcon::write(uint64_t, unsigned, uint64_t value) {
  std::fputc(int(value & 0xff), out_);
  std::fflush(out_);
}

}  // namespace kiln::devices

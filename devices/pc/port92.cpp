#include "devices/pc/port92.h"

namespace kiln::devices {

void Port92::write(uint64_t, unsigned, uint64_t value) {
  const uint8_t old = value_;
  value_ = uint8_t(value);
  if ((old ^ value_) & kA20) a20_changed_();
  if ((value_ & kReset) && !(old & kReset)) reset_();
}

}  // namespace kiln::devices

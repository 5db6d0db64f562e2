#include "devices/riscv/sifive_test.h"

namespace kiln::devices {

SifiveTest::SifiveTest(ReportFn report) : report_(std::move(report)) {}

uint64_t SifiveTest::read(uint64_t offset, unsigned size) { return 0; }

void SifiveTest::write(uint64_t offset, unsigned size, uint64_t value) {
  if (offset != 0 || size < 2) return;
  uint32_t status = value & 0xffff;
  int code = int((value >> 16) & 0xffff);
  switch (status) {
    case kPass:
      report_(Kind::PowerOff, 0);
      break;
    case kFail:
      report_(Kind::Exit, code);
      break;
    case kReset:
      report_(Kind::Reset, 0);
      break;
    default:
      break;  // not a command
  }
}

}  // namespace kiln::devices

#include "common/log.h"

#include <cstring>
#include <sstream>

namespace kiln {

Log::~Log() {
  if (out_) std::fclose(out_);
}

bool Log::open_file(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (!f) return false;
  if (out_) std::fclose(out_);
  out_ = f;
  return true;
}

void Log::printf(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  std::vfprintf(stream(), fmt, ap);
  va_end(ap);
}

bool parse_log_mask(const std::string& list, uint32_t* mask, std::string* bad_item) {
  static constexpr struct {
    const char* name;
    uint32_t bit;
  } kNames[] = {{"in_asm", kLogInAsm}, {"op", kLogOp},       {"int", kLogInt},
                {"exec", kLogExec},    {"unimp", kLogUnimp}, {"guest_errors", kLogGuestErrors},
                {"cpu", kLogCpu}};
  uint32_t m = 0;
  std::stringstream ss(list);
  std::string item;
  while (std::getline(ss, item, ',')) {
    bool found = false;
    for (const auto& n : kNames) {
      if (item == n.name) {
        m |= n.bit;
        found = true;
      }
    }
    if (!found) {
      *bad_item = item;
      return false;
    }
  }
  *mask = m;
  return true;
}

}  // namespace kiln

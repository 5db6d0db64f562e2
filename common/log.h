// Logging: one place that knows where diagnostics go (stderr, or the -D file)
// and which -d categories are on. Passed by reference; no global state.
#pragma once
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <string>

namespace kiln {

enum LogCategory : uint32_t {
  kLogInAsm = 1u << 0,   // -d in_asm: guest instructions as translated
  kLogOp = 1u << 1,      // -d op: IR after passes
  kLogInt = 1u << 2,     // -d int: traps and interrupts
  kLogExec = 1u << 3,    // -d exec: every block executed
  kLogUnimp = 1u << 4,   // -d unimp: unimplemented features the guest touched
  kLogGuestErrors = 1u << 5,  // -d guest_errors
  kLogCpu = 1u << 6,     // -d cpu: the registers before each block dispatched
};

class Log {
 public:
  Log() = default;
  ~Log();
  Log(const Log&) = delete;
  Log& operator=(const Log&) = delete;
  bool enabled(uint32_t cat) const { return (mask_ & cat) != 0; }
  void set_mask(uint32_t mask) { mask_ = mask; }
  uint32_t mask() const { return mask_; }
  // Redirect -d output to a file; returns false if it cannot be opened.
  bool open_file(const std::string& path);
  void printf(const char* fmt, ...) __attribute__((format(printf, 2, 3)));
  std::FILE* stream() const { return out_ ? out_ : stderr; }

 private:
  uint32_t mask_ = 0;
  std::FILE* out_ = nullptr;
};

// Parses a -d list ("in_asm,op"); returns false and names the bad item on error.
bool parse_log_mask(const std::string& list, uint32_t* mask, std::string* bad_item);

}  // namespace kiln

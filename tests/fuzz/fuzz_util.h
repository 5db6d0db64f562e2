// Shared by the libFuzzer targets in this folder: the fuzz input as a file
// (the loaders take paths, as the command line gives them), a machine built
// the way `kiln` builds it, and a loud stop for a broken invariant (libFuzzer
// treats the abort as a crash and saves the input).
#pragma once
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "common/log.h"
#include "machine/machine.h"

namespace kiln::fuzz {

[[noreturn]] inline void fail(const std::string& what, const std::string& detail = "") {
  std::fprintf(stderr, "fuzz: %s%s%s\n", what.c_str(), detail.empty() ? "" : ": ", detail.c_str());
  std::abort();
}

// One temporary file per process (in $TMPDIR, which run.sh points at its own
// scratch directory), rewritten for every input.
class InputFile {
 public:
  explicit InputFile(const char* tag) {
    const char* dir = std::getenv("TMPDIR");
    path_ = std::string(dir && *dir ? dir : "/tmp") + "/kiln_fuzz_" + tag + "_XXXXXX";
    fd_ = mkstemp(path_.data());
    if (fd_ < 0) fail("cannot create a temporary file", path_);
  }
  ~InputFile() {
    close(fd_);
    unlink(path_.c_str());
  }
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  // Replaces the file's contents; returns its path.
  const std::string& write(const uint8_t* data, size_t size) {
    if (ftruncate(fd_, 0) != 0 || pwrite(fd_, data, size, 0) != ssize_t(size)) fail("cannot write", path_);
    return path_;
  }

 private:
  std::string path_;
  int fd_ = -1;
};

// A file holding one RISC-V instruction, `j .`: a stand-in firmware or kernel.
inline const std::string& spin_file() {
  static InputFile file("spin");
  static const std::string path = [] {
    static const uint8_t jump_to_self[4] = {0x6f, 0x00, 0x00, 0x00};
    return file.write(jump_to_self, sizeof jump_to_self);
  }();
  return path;
}

// Builds a machine from `cfg` as kiln's main() does (without running it): a
// bad image must come back as an error, never as a crash or an exception.
inline void build_machine(const machine::Config& cfg) {
  Log log;
  Result<std::unique_ptr<machine::Machine>> m = machine::create_machine(cfg, log);
  if (!m && m.error().empty()) fail("create_machine failed without saying why");
}

}  // namespace kiln::fuzz

// The host side of a serial port (-serial): where guest output goes and where
// guest input comes from. stdio is the terminal (raw mode and Ctrl-A escapes, in
// machine/console.h); null drops output; file:PATH writes a file; pty makes a
// pseudo-terminal and says its name, as QEMU does; unix:PATH connects to a Unix
// socket, or with ",server" listens on one and waits for a client.
#pragma once
#include <cstdio>
#include <string>

#include "common/result.h"

namespace kiln::machine {

class Chardev {
 public:
  // `option` names the command-line option in error messages.
  static Result<Chardev> open(const std::string& spec, const std::string& option = "-serial");
  Chardev() = default;
  ~Chardev();
  Chardev(Chardev&& o) noexcept { *this = std::move(o); }
  Chardev& operator=(Chardev&& o) noexcept;
  Chardev(const Chardev&) = delete;

  std::FILE* out() const { return out_; }
  int in_fd() const { return in_fd_; }          // -1: no input
  bool is_stdio() const { return stdio_; }      // the terminal: Ctrl-A escapes apply

 private:
  std::FILE* out_ = nullptr;
  int in_fd_ = -1;
  bool stdio_ = false;
  bool owns_ = false;  // out_ (and in_fd_, its descriptor) are ours to close
  std::string unlink_path_;  // a listening Unix socket's path, removed on close
};

}  // namespace kiln::machine

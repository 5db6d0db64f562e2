// Where the stub listens: QEMU's -gdb spellings ("tcp::PORT", "tcp:HOST:PORT",
// "unix:PATH", each optionally followed by ",server"/",nowait"-style options
// that change nothing here), parsed into an Endpoint, and the listening
// socket. One client at a time; another may connect after a detach.
#pragma once
#include <cstdint>
#include <string>

#include "common/result.h"

namespace kiln::gdbstub {

struct Endpoint {
  enum class Kind { Tcp, Unix } kind = Kind::Tcp;
  std::string host;  // tcp: empty means 127.0.0.1
  uint16_t port = 0;
  std::string path;  // unix
  std::string describe() const;
};

Result<Endpoint> parse_endpoint(const std::string& spec);

class Listener {
 public:
  Listener() = default;
  ~Listener();
  Listener(Listener&& o) noexcept : fd_(o.fd_), unlink_path_(std::move(o.unlink_path_)), bound_(std::move(o.bound_)) { o.fd_ = -1; }
  Listener& operator=(Listener&&) = delete;
  static Result<Listener> open(const Endpoint& e);
  int fd() const { return fd_; }
  // Where it listens: the endpoint it was opened with, with the port the kernel
  // chose for tcp::0.
  const Endpoint& bound() const { return bound_; }
  // Blocks until a client connects; returns its socket, or -1.
  int accept_client() const;

 private:
  int fd_ = -1;
  std::string unlink_path_;  // a unix socket's path, removed on close
  Endpoint bound_;
};

// Writes all of `data` (no SIGPIPE if the peer is gone); false on error.
bool send_all(int fd, const std::string& data);

}  // namespace kiln::gdbstub

#include "machine/chardev.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "common/parse.h"

namespace kiln::machine {

namespace {

// `who`: the option and its value, as the user wrote them ("-serial file:x").
Error fail(const std::string& who, const std::string& what) {
  return make_error(who + ": " + what + ": " + std::strerror(errno));
}

// A descriptor wrapped for the devices' stdio-style output, unbuffered so that
// each byte reaches the peer when the guest writes it.
Result<std::FILE*> wrap(int fd, const std::string& who) {
  std::FILE* f = fdopen(fd, "w");
  if (!f) {
    close(fd);
    return fail(who, "fdopen");
  }
  std::setvbuf(f, nullptr, _IONBF, 0);
  return f;
}

}  // namespace

Chardev& Chardev::operator=(Chardev&& o) noexcept {
  std::swap(out_, o.out_);
  std::swap(in_fd_, o.in_fd_);
  std::swap(stdio_, o.stdio_);
  std::swap(owns_, o.owns_);
  std::swap(unlink_path_, o.unlink_path_);
  return *this;
}

Chardev::~Chardev() {
  if (owns_ && out_) std::fclose(out_);  // closes in_fd_ too where it is the same descriptor
  if (!unlink_path_.empty()) unlink(unlink_path_.c_str());
}

Result<Chardev> Chardev::open(const std::string& spec, const std::string& option) {
  const std::string who = option + " " + spec;
  Chardev c;
  if (spec == "stdio") {
    c.out_ = stdout;
    c.in_fd_ = STDIN_FILENO;
    c.stdio_ = true;
    return c;
  }
  c.owns_ = true;
  if (spec == "null") {
    c.out_ = std::fopen("/dev/null", "w");
    if (!c.out_) return fail(who, "/dev/null");
    return c;
  }
  if (spec.rfind("file:", 0) == 0) {
    c.out_ = std::fopen(spec.c_str() + 5, "w");
    if (!c.out_) return fail(who, "cannot open '" + spec.substr(5) + "'");
    std::setvbuf(c.out_, nullptr, _IONBF, 0);
    return c;
  }
  if (spec == "pty") {
    int fd = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd < 0 || grantpt(fd) != 0 || unlockpt(fd) != 0) {
      if (fd >= 0) close(fd);
      return fail(who, "cannot make a pseudo-terminal");
    }
    termios t;
    if (tcgetattr(fd, &t) == 0) {  // raw, as QEMU's pty backend: the guest sees every byte
      cfmakeraw(&t);
      tcsetattr(fd, TCSANOW, &t);
    }
    std::fprintf(stderr, "kiln: %s: char device redirected to %s\n", who.c_str(), ptsname(fd));
    Result<std::FILE*> f = wrap(fd, who);
    if (!f) return make_error(f.error());
    c.out_ = *f;
    c.in_fd_ = fd;
    return c;
  }
  if (spec.rfind("unix:", 0) == 0) {
    std::vector<OptionPart> parts = split_options(spec.substr(5));
    std::string path = parts[0].key;
    bool server = false, wait = true;
    for (size_t i = 1; i < parts.size(); i++) {
      std::optional<bool> on = parts[i].has_value ? parse_bool(parts[i].value) : true;
      if (parts[i].key == "server" && on) server = *on;
      else if (parts[i].key == "wait" && on) wait = *on;
      else if (parts[i].key == "nowait" && !parts[i].has_value) wait = false;
      else return make_error(who + ": unknown option '" + parts[i].key + "'");
    }
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    if (path.empty() || path.size() >= sizeof a.sun_path) return make_error(who + ": bad socket path");
    std::memcpy(a.sun_path, path.c_str(), path.size() + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return fail(who, "socket");
    if (server) {
      if (!wait) {
        close(fd);
        return make_error(who + ": wait=off is not supported (Kiln waits for the client before starting)");
      }
      unlink(path.c_str());
      if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(fd, 1) != 0) {
        close(fd);
        return fail(who, "cannot listen");
      }
      c.unlink_path_ = path;
      std::fprintf(stderr, "kiln: %s: waiting for a connection on unix:%s\n", option.c_str(), path.c_str());
      int client = accept4(fd, nullptr, nullptr, SOCK_CLOEXEC);
      close(fd);
      if (client < 0) return fail(who, "accept");
      fd = client;
    } else if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      close(fd);
      return fail(who, "cannot connect");
    }
    Result<std::FILE*> f = wrap(fd, who);
    if (!f) return make_error(f.error());
    c.out_ = *f;
    c.in_fd_ = fd;
    return c;
  }
  return make_error(option + ": unsupported device '" + spec + "'");
}

}  // namespace kiln::machine

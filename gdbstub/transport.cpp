#include "gdbstub/transport.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <optional>

#include "common/parse.h"

namespace kiln::gdbstub {

std::string Endpoint::describe() const {
  if (kind == Kind::Unix) return "unix:" + path;
  return "tcp:" + (host.empty() ? std::string("127.0.0.1") : host) + ":" + std::to_string(port);
}

Result<Endpoint> parse_endpoint(const std::string& spec) {
  Endpoint e;
  std::string s = spec.substr(0, spec.find(','));  // QEMU's ,server,nowait / ,server=on,wait=off
  if (s.rfind("unix:", 0) == 0) {
    e.kind = Endpoint::Kind::Unix;
    e.path = s.substr(5);
    if (e.path.empty()) return make_error("-gdb: unix: needs a path");
    if (e.path.size() >= sizeof(sockaddr_un{}.sun_path)) return make_error("-gdb: unix socket path too long: " + e.path);
    return e;
  }
  std::string rest;
  if (s.rfind("tcp:", 0) == 0) rest = s.substr(4);
  else if (!s.empty() && s.find_first_not_of("0123456789") == std::string::npos) rest = ":" + s;  // QEMU's bare port
  else return make_error("-gdb: unsupported device '" + spec + "' (use tcp::PORT, tcp:HOST:PORT or unix:PATH)");
  size_t colon = rest.rfind(':');
  if (colon == std::string::npos) return make_error("-gdb: '" + spec + "' needs a port (tcp::PORT)");
  e.host = rest.substr(0, colon);
  std::string port = rest.substr(colon + 1);
  std::optional<uint64_t> p = parse_u64(port);
  if (!p || *p > 65535) return make_error("-gdb: bad port '" + port + "' in '" + spec + "'");
  e.port = uint16_t(*p);
  return e;
}

Listener::~Listener() {
  if (fd_ >= 0) close(fd_);
  if (!unlink_path_.empty()) unlink(unlink_path_.c_str());
}

Result<Listener> Listener::open(const Endpoint& e) {
  Listener l;
  auto fail = [&](const std::string& what) {
    return make_error("-gdb: cannot listen on " + e.describe() + ": " + what + ": " + std::strerror(errno));
  };
  if (e.kind == Endpoint::Kind::Unix) {
    l.fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (l.fd_ < 0) return fail("socket");
    struct stat st;
    if (lstat(e.path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode)) unlink(e.path.c_str());  // a stale socket
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::strncpy(a.sun_path, e.path.c_str(), sizeof a.sun_path - 1);
    if (bind(l.fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) < 0) return fail("bind");
    l.unlink_path_ = e.path;
  } else {
    addrinfo hints{}, *res = nullptr;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    // Loopback unless a host is named: the stub gives whoever connects the guest's memory.
    // A numeric address needs no /etc/hosts (some containers have none).
    std::string host = e.host.empty() ? "127.0.0.1" : e.host;
    if (int rc = getaddrinfo(host.c_str(), std::to_string(e.port).c_str(), &hints, &res); rc != 0)
      return make_error("-gdb: cannot resolve '" + host + "': " + gai_strerror(rc));
    l.fd_ = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    if (l.fd_ >= 0) setsockopt(l.fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    bool ok = l.fd_ >= 0 && bind(l.fd_, res->ai_addr, res->ai_addrlen) == 0;
    freeaddrinfo(res);
    if (!ok) return fail("bind");
  }
  if (listen(l.fd_, 1) < 0) return fail("listen");
  l.bound_ = e;
  if (e.kind == Endpoint::Kind::Tcp && e.port == 0) {  // tcp::0: the kernel chose a free port
    sockaddr_storage a{};
    socklen_t len = sizeof a;
    if (getsockname(l.fd_, reinterpret_cast<sockaddr*>(&a), &len) < 0) return fail("getsockname");
    l.bound_.port = ntohs(a.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&a)->sin6_port
                                                  : reinterpret_cast<sockaddr_in*>(&a)->sin_port);
  }
  return l;
}

int Listener::accept_client() const {
  for (;;) {
    int c = accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (c >= 0) {
      int one = 1;
      setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);  // fails harmlessly on unix sockets
      return c;
    }
    if (errno != EINTR && errno != ECONNABORTED) return -1;
  }
}

bool send_all(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += size_t(n);
  }
  return true;
}

}  // namespace kiln::gdbstub

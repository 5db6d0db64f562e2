#include "machine/console.h"

#include <poll.h>
#include <termios.h>
#include <unistd.h>

namespace kiln::machine {

Console::Console(Clock& events, int in_fd, bool terminal, std::function<void(uint8_t)> to_guest, std::function<void()> quit)
    : events_(events), to_guest_(std::move(to_guest)), quit_(std::move(quit)), in_fd_(in_fd) {
  if (in_fd_ < 0 || pipe(wake_) != 0) return;
  termios saved;
  if (terminal && isatty(in_fd_) && tcgetattr(in_fd_, &saved) == 0) {
    termios raw = saved;
    cfmakeraw(&raw);
    raw.c_oflag |= OPOST | ONLCR;  // keep "\n" -> "\r\n" on output
    if (tcsetattr(in_fd_, TCSANOW, &raw) == 0) saved_ = std::make_unique<termios>(saved);
  }
  thread_ = std::thread([this] { reader(); });
}

Console::~Console() {  // defined here, where termios is complete
  if (wake_[1] >= 0) {
    char c = 0;
    (void)!write(wake_[1], &c, 1);
  }
  if (thread_.joinable()) thread_.join();
  if (saved_) tcsetattr(in_fd_, TCSANOW, saved_.get());
  for (int fd : wake_)
    if (fd >= 0) close(fd);
}

void Console::reader() {
  bool escape = false;
  for (;;) {
    pollfd fds[2] = {{in_fd_, POLLIN, 0}, {wake_[0], POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) return;
    if (fds[1].revents) return;
    if (!(fds[0].revents & (POLLIN | POLLHUP))) continue;
    uint8_t buf[256];
    ssize_t n = read(in_fd_, buf, sizeof buf);
    if (n <= 0) return;  // end of input: the guest simply sees no more
    for (ssize_t i = 0; i < n; i++) {
      uint8_t b = buf[i];
      if (saved_ && escape) {
        escape = false;
        if (b == 'x') {
          events_.post(quit_);
          return;
        }
        if (b != 0x01) continue;  // unknown escape: dropped
      } else if (saved_ && b == 0x01) {
        escape = true;
        continue;
      }
      events_.post([this, b] { to_guest_(b); });
    }
  }
}

}  // namespace kiln::machine

#include "apps/stop_signals.h"

#include <pthread.h>

namespace kiln::apps {

StopSignals::StopSignals() {
  sigemptyset(&set_);
  for (int s : {SIGTERM, SIGINT, SIGHUP}) sigaddset(&set_, s);
  pthread_sigmask(SIG_BLOCK, &set_, nullptr);
  thread_ = std::thread([this] { wait_loop(); });
}

StopSignals::~StopSignals() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    done_ = true;
  }
  pthread_kill(thread_.native_handle(), SIGTERM);  // ends its sigwaitinfo(); done_ says why
  thread_.join();
}

void StopSignals::wait_loop() {
  for (;;) {
    siginfo_t info;
    int sig = sigwaitinfo(&set_, &info);
    if (sig < 0) continue;  // EINTR
    std::lock_guard<std::mutex> lock(mu_);
    if (done_) return;
    if (caught_) continue;  // already stopping
    caught_ = sig;
    sender_ = info.si_code == SI_USER || info.si_code == SI_QUEUE ? info.si_pid : 0;
    if (stop_) stop_(128 + sig);
  }
}

void StopSignals::watch(std::function<void(int)> stop) {
  std::lock_guard<std::mutex> lock(mu_);
  stop_ = std::move(stop);
  if (caught_ && stop_) stop_(128 + caught_);
}

int StopSignals::caught() {
  std::lock_guard<std::mutex> lock(mu_);
  return caught_;
}

std::string StopSignals::describe() {
  std::lock_guard<std::mutex> lock(mu_);
  std::string s = "terminating on signal " + std::to_string(caught_);
  if (sender_ > 0) s += " from pid " + std::to_string(sender_);
  return s;
}

}  // namespace kiln::apps

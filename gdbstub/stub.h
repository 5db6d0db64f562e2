// The GDB remote stub: serves one client at a time over a Listener, speaking
// the remote serial protocol against cpu::DebugSystem (all-stop; each CPU is a
// thread, ids 1..N). The guest runs on the calling thread inside serve();
// while it runs, a watcher thread reads the socket, so Ctrl-C (0x03), a new
// client or a vanished one stops it at the next block boundary.
#pragma once
#include <atomic>
#include <string>
#include <vector>

#include "cpu/common/debug.h"
#include "gdbstub/packet.h"
#include "gdbstub/transport.h"

namespace kiln::gdbstub {

class Stub {
 public:
  static constexpr size_t kPacketSize = 0x4000;  // offered in qSupported; longer packets drop the client

  Stub(cpu::DebugSystem& sys, Listener listener);
  ~Stub();
  // Runs the guest under the stub until it exits (returns its exit status) or
  // gdb kills it (0). start_halted (-S): wait for gdb before the first instruction.
  int serve(bool start_halted);
  // Makes `fd` (a connected stream socket; the stub closes it) the client, as
  // if it had just connected: serve(false) then answers it before the guest
  // runs. For tests and the fuzzer, which talk over a socketpair.
  void attach_client(int fd);
  // From any thread (a signal watcher), after asking the machine to stop:
  // stop waiting for gdb (a connection or a packet), so serve() resumes the
  // guest, which ends at once, and returns.
  void request_quit();

 private:
  enum class Action { None, Continue, Step, Detach, Kill };

  // Connection.
  bool read_packet(std::string* payload);  // false: the client is gone (or misbehaved)
  void reply(const std::string& payload);
  void drop_client();
  cpu::StopEvent run_guest(Action how);
  bool wait_input(int fd);

  // Packets (stub.cpp) and monitor commands.
  Action handle(const std::string& pkt);
  std::string stop_reply(const cpu::StopEvent& ev) const;
  std::string read_registers();
  std::string write_registers(std::string_view hex);
  std::string read_memory(std::string_view args);
  std::string write_memory(std::string_view args, bool binary);
  std::string breakpoint(std::string_view args, bool insert);
  Action vcont(std::string_view args);
  std::string xfer_features(std::string_view args);
  void monitor(const std::string& cmd);
  std::string monitor_text(const std::string& cmd);
  bool thread_ok(int64_t tid) const { return tid >= 1 && tid <= int64_t(sys_.cpu_count()); }
  cpu::DebugTarget& current() { return sys_.cpu(unsigned(g_thread_ - 1)); }
  cpu::DebugTarget& monitor_cpu() { return sys_.cpu(monitor_cpu_); }

  cpu::DebugSystem& sys_;
  Listener listener_;
  int client_ = -1;
  // Bytes received; those before inpos_ are parsed. (Consumed bytes are not
  // erased one by one: input buffered while the guest ran can be a megabyte.)
  std::string inbuf_;
  size_t inpos_ = 0;
  PacketReader reader_{kPacketSize};
  std::string last_sent_;  // for a '-' (retransmit)
  bool ack_mode_ = true;
  int64_t g_thread_ = 1;   // Hg: registers and memory
  // The CPU monitor commands act on: the one that last stopped, or `monitor hart N`.
  // (Not Hg, which gdb leaves on whichever thread it last read, e.g. after `info threads`.)
  unsigned monitor_cpu_ = 0;
  unsigned step_thread_ = 0;  // the CPU a Step action steps (0-based)
  cpu::StopEvent last_stop_{cpu::StopEvent::Interrupted, 0};
  cpu::AddrSpace mem_space_ = cpu::AddrSpace::Virtual;
  std::string xml_;        // the target description, made once
  int quit_[2] = {-1, -1};  // request_quit() writes here to wake a wait for gdb
  std::atomic<bool> quitting_{false};
};

}  // namespace kiln::gdbstub

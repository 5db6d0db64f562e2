// Fuzz target: the GDB stub (gdbstub/stub.h) serving a client whose bytes are
// the fuzz input, sent over a socketpair, against a real `spike` machine
// holding the built-in demo program: registers, memory in both address
// spaces, breakpoints, watchpoints, steps, vCont, qXfer, thread and monitor
// commands. Every resume is interrupted before it starts (BoundedSystem), so
// a continue runs at most one block and no input can hang the session. The
// session ends when the input does (the client hangs up) or at a kill; the
// stub must return, never crash.
//
// One machine serves every input (building one zeroes megabytes of softTLB):
// before each session its RAM and every register gdb can write are put back
// as they were when it was built.
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <thread>
#include <utility>
#include <vector>

#include "gdbstub/stub.h"
#include "roms/demo_image.h"
#include "tests/fuzz/fuzz_util.h"

using namespace kiln;

namespace {

// The machine's DebugSystem with resume() bounded. Once the client has gone
// (the stub then clears every breakpoint with remove_all() before running
// the guest on), the guest "exits" so that serve() returns.
class BoundedSystem final : public cpu::DebugSystem {
 public:
  explicit BoundedSystem(cpu::DebugSystem& inner) : in_(inner) {}
  unsigned cpu_count() const override { return in_.cpu_count(); }
  cpu::DebugTarget& cpu(unsigned index) override { return in_.cpu(index); }
  Status insert_breakpoint(uint64_t addr) override { return in_.insert_breakpoint(addr); }
  Status remove_breakpoint(uint64_t addr) override { return in_.remove_breakpoint(addr); }
  Status insert_watchpoint(uint64_t addr, uint64_t len, cpu::WatchKind kind) override {
    return in_.insert_watchpoint(addr, len, kind);
  }
  Status remove_watchpoint(uint64_t addr, uint64_t len, cpu::WatchKind kind) override {
    return in_.remove_watchpoint(addr, len, kind);
  }
  void remove_all() override {
    in_.remove_all();
    client_gone_ = true;
  }
  cpu::StopEvent resume() override {
    if (client_gone_) return {cpu::StopEvent::Exited, 0};
    in_.interrupt();
    return in_.resume();
  }
  cpu::StopEvent step(unsigned step_cpu) override { return in_.step(step_cpu); }
  void interrupt() override { in_.interrupt(); }
  void set_step_interrupts(bool on) override { in_.set_step_interrupts(on); }
  void set_stop_on_mode_switch(bool on) override { in_.set_stop_on_mode_switch(on); }
  std::string stats() const override { return in_.stats(); }

 private:
  cpu::DebugSystem& in_;
  bool client_gone_ = false;
};

// The spike machine with the demo loaded, and how to put it back that way.
class Machine {
 public:
  static constexpr uint64_t kRam = 0x80000000, kRamSize = 1 << 20;  // the demo needs 0x5c000 bytes
  static constexpr uint64_t kPage = 4096;

  Machine() {
    machine::Config cfg;
    cfg.board = "spike";
    cfg.ram_bytes = kRamSize;
    cfg.builtin_kernel.assign(roms::kDemoImage, roms::kDemoImage + roms::kDemoImageSize);
    Result<std::unique_ptr<machine::Machine>> m = machine::create_machine(cfg, log_);
    if (!m) fuzz::fail("cannot build the spike machine", m.error());
    machine_ = std::move(*m);
    sys_ = machine_->debug();
    cpu::DebugTarget& hart = sys_->cpu(0);
    ram_.resize(kRamSize);
    for (uint64_t off = 0; off < kRamSize; off += kPage)  // the page HTIF watches is a device: not saved
      if (hart.read_memory(cpu::AddrSpace::Physical, kRam + off, &ram_[off], kPage)) pages_.push_back(off);
    if (pages_.size() < kRamSize / kPage - 1) fuzz::fail("cannot read RAM");
    std::vector<uint8_t> value;
    for (const cpu::DebugRegister& r : hart.description().registers)
      if (hart.read_register(r.regnum, &value)) registers_.emplace_back(r.regnum, value);
  }
  cpu::DebugSystem& restored() {
    sys_->remove_all();
    sys_->set_step_interrupts(false);
    cpu::DebugTarget& hart = sys_->cpu(0);
    for (uint64_t off : pages_)
      if (!hart.write_memory(cpu::AddrSpace::Physical, kRam + off, &ram_[off], kPage)) fuzz::fail("cannot write RAM");
    for (const auto& [regnum, value] : registers_) (void)hart.write_register(regnum, value);  // some are read-only
    return *sys_;
  }

 private:
  Log log_;
  std::unique_ptr<machine::Machine> machine_;
  cpu::DebugSystem* sys_ = nullptr;
  std::vector<uint8_t> ram_;
  std::vector<uint64_t> pages_;  // offsets of the RAM pages saved
  std::vector<std::pair<unsigned, std::vector<uint8_t>>> registers_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (64 << 10)) return 0;  // stays far below the socket buffer: the write below never blocks
  static Machine& machine = *new Machine;  // never destroyed: the process exits with it
  BoundedSystem sys(machine.restored());

  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) fuzz::fail("socketpair");
  for (size_t done = 0; done < size;) {
    ssize_t n = write(sv[1], data + done, size - done);
    if (n <= 0) fuzz::fail("cannot write to the socketpair");
    done += size_t(n);
  }
  shutdown(sv[1], SHUT_WR);  // the client has said everything
  std::thread client([fd = sv[1]] {  // reads the replies until the stub closes its end
    char buf[4096];
    while (read(fd, buf, sizeof buf) > 0) {
    }
  });
  {
    gdbstub::Stub stub(sys, gdbstub::Listener());
    stub.attach_client(sv[0]);
    (void)stub.serve(false);
  }
  client.join();
  close(sv[1]);
  return 0;
}

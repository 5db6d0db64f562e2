// Fuzz target: the GDB stub (gdbstub/stub.h) serving a client whose bytes are
// the fuzz input, sent over a socketpair, against a real two-hart `virt`
// machine holding the built-in demo program: registers, memory in both address
// spaces, breakpoints, watchpoints, steps, vCont, qXfer, thread and monitor
// commands. Every resume is interrupted before it starts (BoundedSystem), so
// a continue runs at most one block and no input can hang the session. The
// session ends when the input does (the client hangs up) or at a kill; the
// stub must return, never crash.
//
// One machine serves every input (building one zeroes megabytes of softTLB):
// before each session the RAM holding the demo and the device tree and every
// register gdb can write are put back as they were when it was built.
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

// A two-hart virt machine running the demo (without its HTIF, which does not
// matter: it never runs for long), and how to put it back as it was built.
class Machine {
 public:
  static constexpr uint64_t kRam = 0x80000000, kRamSize = 16 << 20, kPage = 4096;

  Machine() {
    fuzz::InputFile kernel("gdb_kernel");  // read while the machine is built, then removed
    machine::Config cfg;
    cfg.board = "virt";
    cfg.smp = 2;
    cfg.ram_bytes = kRamSize;
    cfg.bios_none = true;
    cfg.kernel = kernel.write(roms::kDemoImage, roms::kDemoImageSize);
    Result<std::unique_ptr<machine::Machine>> m = machine::create_machine(cfg, log_);
    if (!m) fuzz::fail("cannot build the virt machine", m.error());
    machine_ = std::move(*m);
    sys_ = machine_->debug();
    // Saved: the demo (0x5c000 bytes) and the device tree (at RAM's end - 2 MiB).
    for (uint64_t base : {kRam, kRam + kRamSize - (2 << 20)})
      for (uint64_t pa = base; pa < base + (base == kRam ? 1 << 20 : 16 << 10); pa += kPage) {
        std::vector<uint8_t> page(kPage);
        if (!sys_->cpu(0).read_memory(cpu::AddrSpace::Physical, pa, page.data(), kPage)) fuzz::fail("cannot read RAM");
        pages_.emplace_back(pa, std::move(page));
      }
    registers_.resize(sys_->cpu_count());
    std::vector<uint8_t> value;
    for (unsigned i = 0; i < sys_->cpu_count(); i++)
      for (const cpu::DebugRegister& r : sys_->cpu(i).description().registers)
        if (sys_->cpu(i).read_register(r.regnum, &value)) registers_[i].emplace_back(r.regnum, value);
  }
  cpu::DebugSystem& restored() {
    sys_->remove_all();
    sys_->set_step_interrupts(false);
    for (const auto& [pa, page] : pages_)
      if (!sys_->cpu(0).write_memory(cpu::AddrSpace::Physical, pa, page.data(), kPage)) fuzz::fail("cannot write RAM");
    for (unsigned i = 0; i < sys_->cpu_count(); i++)
      for (const auto& [regnum, value] : registers_[i]) (void)sys_->cpu(i).write_register(regnum, value);  // some are read-only
    return *sys_;
  }

 private:
  Log log_;
  std::unique_ptr<machine::Machine> machine_;
  cpu::DebugSystem* sys_ = nullptr;
  std::vector<std::pair<uint64_t, std::vector<uint8_t>>> pages_;  // physical address, contents
  std::vector<std::vector<std::pair<unsigned, std::vector<uint8_t>>>> registers_;  // per hart: regnum, value
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

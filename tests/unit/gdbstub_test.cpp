// gdbstub/: the remote protocol's framing and encodings, and the target
// description generated from a DebugDescription. Malformed input must come
// out as an event or a false, never as a crash.
#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <ctime>
#include <string>
#include <thread>

#include "gdbstub/packet.h"
#include "gdbstub/stub.h"
#include "gdbstub/target_xml.h"

using namespace kiln;
using namespace kiln::gdbstub;
using Event = PacketReader::Event;

namespace {

std::vector<Event> feed(PacketReader& r, const std::string& bytes) {
  std::vector<Event> out;
  for (char c : bytes)
    if (Event e = r.feed(uint8_t(c)); e != Event::None) out.push_back(e);
  return out;
}

// One hart with one 64-bit register and 16 bytes of memory at 0x1000; the guest
// exits with status 3 as soon as it runs.
class FakeHart final : public cpu::DebugTarget {
 public:
  FakeHart() {
    desc_.architecture = "riscv:rv64";
    desc_.features = {{"org.gnu.gdb.riscv.cpu", ""}};
    desc_.registers = {{"pc", 64, 0, 0, "code_ptr", "general"}};
    for (unsigned i = 0; i < 16; i++) mem_[i] = uint8_t(0xa0 + i);
  }
  const cpu::DebugDescription& description() const override { return desc_; }
  bool read_register(unsigned regnum, std::vector<uint8_t>* out) override {
    if (regnum != 0) return false;
    out->assign(8, 0);
    std::memcpy(out->data(), &pc_, 8);
    return true;
  }
  bool write_register(unsigned, const std::vector<uint8_t>&) override { return false; }
  Status read_memory(cpu::AddrSpace, uint64_t addr, uint8_t* buf, size_t len) override {
    if (addr < 0x1000 || addr - 0x1000 + len > sizeof mem_) return make_error("unmapped");
    std::memcpy(buf, mem_ + (addr - 0x1000), len);
    return {};
  }
  Status write_memory(cpu::AddrSpace, uint64_t, const uint8_t*, size_t) override { return make_error("read-only"); }
  uint64_t pc() const override { return pc_; }
  void set_pc(uint64_t pc) override { pc_ = pc; }
  std::string mode_name() const override { return "M (machine)"; }
  bool monitor(const std::string&, std::string*) override { return false; }
  std::string monitor_help() const override { return ""; }

 private:
  cpu::DebugDescription desc_;
  uint8_t mem_[16];
  uint64_t pc_ = 0x1000;
};

class FakeSystem final : public cpu::DebugSystem {
 public:
  unsigned cpu_count() const override { return 1; }
  cpu::DebugTarget& cpu(unsigned) override { return hart_; }
  Status insert_breakpoint(uint64_t) override { return {}; }
  Status remove_breakpoint(uint64_t) override { return {}; }
  Status insert_watchpoint(uint64_t, uint64_t, cpu::WatchKind) override { return {}; }
  Status remove_watchpoint(uint64_t, uint64_t, cpu::WatchKind) override { return {}; }
  void remove_all() override {}
  // The first resume runs until interrupt() if run_until_interrupted; the guest then exits.
  cpu::StopEvent resume() override {
    if (run_until_interrupted && !resumed_) {
      resumed_ = true;
      for (int i = 0; i < 20000 && !interrupted_; i++) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      return {cpu::StopEvent::Interrupted, 0};
    }
    return {cpu::StopEvent::Exited, 0, 0, {}, 3};
  }
  cpu::StopEvent step(unsigned) override { return {cpu::StopEvent::Step, 0}; }
  void interrupt() override { interrupted_ = true; }
  bool run_until_interrupted = false;
  void set_step_interrupts(bool) override {}
  void set_stop_on_mode_switch(bool) override {}
  std::string stats() const override { return ""; }

 private:
  FakeHart hart_;
  bool resumed_ = false;
  std::atomic<bool> interrupted_{false};
};

// Sends `client` to a stub serving a FakeSystem over a socketpair; returns
// serve()'s result and everything the stub sent.
std::pair<int, std::string> session(const std::string& client) {
  int sv[2];
  REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
  REQUIRE(write(sv[1], client.data(), client.size()) == ssize_t(client.size()));
  shutdown(sv[1], SHUT_WR);
  FakeSystem sys;
  int code;
  {
    Stub stub(sys, Listener());
    stub.attach_client(sv[0]);
    code = stub.serve(false);
  }
  std::string sent;
  char buf[4096];
  for (ssize_t n; (n = read(sv[1], buf, sizeof buf)) > 0;) sent.append(buf, size_t(n));
  close(sv[1]);
  return {code, sent};
}

}  // namespace

TEST_CASE("Stub: an attached client is answered at once; a kill ends the session", "[gdbstub]") {
  auto [code, sent] = session(frame("?") + frame("m1000,4") + frame("m2000,4") + frame("k"));
  CHECK(code == 0);
  CHECK(sent == "+" + frame("T05thread:1;") + "+" + frame("a0a1a2a3") + "+" + frame("E14") + "+");
}

TEST_CASE("Stub: when the attached client hangs up, the guest runs on to its exit", "[gdbstub]") {
  auto [code, sent] = session(frame("g"));
  CHECK(code == 3);
  CHECK(sent == "+" + frame("0010000000000000"));
}

TEST_CASE("Stub: a megabyte of noise sent while the guest runs is skipped in linear time", "[gdbstub]") {
  // Everything the client sends while the guest runs is buffered; it used to
  // be consumed by erasing one byte at a time from the front: quadratic, 6 s
  // of CPU for this much, now a few milliseconds. (CPU time, not wall time,
  // so that a loaded machine does not fail the test.)
  const std::string client = frame("c") + std::string(1000000, 'x') + "\x03" + frame("k");
  int sv[2];
  REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
  std::thread writer([&] { CHECK(write(sv[1], client.data(), client.size()) == ssize_t(client.size())); });
  FakeSystem sys;
  sys.run_until_interrupted = true;
  const std::clock_t cpu0 = std::clock();
  {
    Stub stub(sys, Listener());
    stub.attach_client(sv[0]);
    CHECK(stub.serve(false) == 0);  // the kill after the noise was read
  }
  CHECK(double(std::clock() - cpu0) / CLOCKS_PER_SEC < 1.5);
  writer.join();
  std::string sent(64, '\0');
  sent.resize(size_t(std::max<ssize_t>(0, read(sv[1], sent.data(), sent.size()))));
  CHECK(sent == "+" + frame("T02thread:1;") + "+");
  close(sv[1]);
}

TEST_CASE("frame adds the checksum and escapes special bytes", "[gdbstub]") {
  CHECK(frame("OK") == "$OK#9a");
  CHECK(frame("") == "$#00");
  // '#' (0x23) goes out as '}' 0x03; the checksum covers what is sent.
  CHECK(frame("a#b") == "$a}\x03" "b#43");
  std::string back;
  REQUIRE(unescape("a}\x03" "b}]", &back));
  CHECK(back == "a#b}");
  CHECK_FALSE(unescape("ab}", &back));  // ends inside an escape
}

TEST_CASE("PacketReader: packets, acks, interrupts, bad checksums", "[gdbstub]") {
  PacketReader r(64);
  CHECK(feed(r, "+") == std::vector{Event::Ack});
  CHECK(feed(r, "$OK#9a") == std::vector{Event::Packet});
  CHECK(r.payload() == "OK");
  CHECK(feed(r, "$OK#9A") == std::vector{Event::Packet});  // either case
  CHECK(feed(r, "$OK#00") == std::vector{Event::BadChecksum});
  CHECK(feed(r, "$OK#zz") == std::vector{Event::BadChecksum});
  CHECK(feed(r, "\x03") == std::vector{Event::Interrupt});
  CHECK(feed(r, "-") == std::vector{Event::Nack});
  CHECK(feed(r, "garbage") == std::vector<Event>{});  // noise between packets
  // 0x03 inside a packet is data (binary X packets), not an interrupt.
  std::string p = std::string("X0,1:") + '\x03';
  CHECK(feed(r, frame(p)) == std::vector{Event::Packet});
  CHECK(r.payload() == p);
}

TEST_CASE("PacketReader: an oversize packet is reported once and skipped", "[gdbstub]") {
  PacketReader r(8);
  CHECK(feed(r, "$" + std::string(20, 'A') + "#00") == std::vector{Event::Oversize});
  CHECK(r.idle());
  CHECK(feed(r, "$OK#9a") == std::vector{Event::Packet});
}

TEST_CASE("hex helpers reject what is not hex", "[gdbstub]") {
  uint64_t v;
  CHECK(parse_hex("ffffffff80000000", &v));
  CHECK(v == 0xffffffff80000000ull);
  CHECK_FALSE(parse_hex("", &v));
  CHECK_FALSE(parse_hex("12g", &v));
  CHECK_FALSE(parse_hex("10000000000000000", &v));  // 17 digits
  std::vector<uint8_t> b;
  CHECK(hex_to_bytes("00ff7A", &b));
  CHECK(b == std::vector<uint8_t>{0, 0xff, 0x7a});
  CHECK(bytes_to_hex(b.data(), b.size()) == "00ff7a");
  CHECK_FALSE(hex_to_bytes("abc", &b));
  CHECK_FALSE(hex_to_bytes("zz", &b));
  CHECK(text_to_hex("Hi\n") == "48690a");
}

TEST_CASE("target_xml lists each feature's registers with their numbers", "[gdbstub]") {
  cpu::DebugDescription d;
  d.architecture = "i386:x86-64";
  d.features = {{"org.gnu.gdb.i386.core", "<flags id=\"f\" size=\"4\"/>\n"}, {"org.kiln.x86.system", ""}};
  d.registers = {{"rax", 64, 0, 0, "int64", "general"}, {"gdtr_base", 64, 80, 1, "data_ptr", ""}};
  std::string x = target_xml(d);
  CHECK(x.find("<architecture>i386:x86-64</architecture>") != std::string::npos);
  CHECK(x.find("<feature name=\"org.gnu.gdb.i386.core\">\n<flags id=\"f\" size=\"4\"/>\n  <reg name=\"rax\" bitsize=\"64\" "
               "regnum=\"0\" type=\"int64\" group=\"general\"/>\n</feature>") != std::string::npos);
  CHECK(x.find("<feature name=\"org.kiln.x86.system\">\n  <reg name=\"gdtr_base\" bitsize=\"64\" regnum=\"80\" "
               "type=\"data_ptr\"/>\n</feature>") != std::string::npos);
}

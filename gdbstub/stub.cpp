// The stub's connection handling, run control and packet dispatch (the GDB
// manual's "Remote Protocol" appendix). Replies: "OK", "Enn" for a request
// that cannot be met (bad syntax, unreadable memory), "" for packets not
// supported. Monitor commands are in monitor.cpp.
#include "gdbstub/stub.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <thread>

#include "gdbstub/target_xml.h"

namespace kiln::gdbstub {

namespace {

constexpr size_t kMaxPending = 1 << 20;  // input buffered while the guest runs

// Splits "a,b" (or with another separator) into its two parts.
bool split2(std::string_view s, char sep, std::string_view* a, std::string_view* b) {
  size_t p = s.find(sep);
  if (p == std::string_view::npos) return false;
  *a = s.substr(0, p);
  *b = s.substr(p + 1);
  return true;
}

std::string hex_u64(uint64_t v) {
  char buf[20];
  std::snprintf(buf, sizeof buf, "%" PRIx64, v);
  return buf;
}

// A thread id: hex, or -1 (all) / 0 (any).
bool parse_tid(std::string_view s, int64_t* tid) {
  if (s == "-1") {
    *tid = -1;
    return true;
  }
  uint64_t v;
  if (!parse_hex(s, &v) || v > 0xffffffff) return false;
  *tid = int64_t(v);
  return true;
}

}  // namespace

Stub::Stub(cpu::DebugSystem& sys, Listener listener) : sys_(sys), listener_(std::move(listener)) {
  xml_ = target_xml(sys_.cpu(0).description());
  if (pipe2(quit_, O_CLOEXEC) != 0) quit_[0] = quit_[1] = -1;
}

Stub::~Stub() {
  drop_client();
  for (int fd : quit_)
    if (fd >= 0) close(fd);
}

void Stub::request_quit() {
  quitting_ = true;
  if (quit_[1] >= 0) (void)!write(quit_[1], "q", 1);
}

// Waits until `fd` has input; false if Kiln is quitting instead.
bool Stub::wait_input(int fd) {
  for (;;) {
    pollfd p[2] = {{fd, POLLIN, 0}, {quit_[0], POLLIN, 0}};
    if (poll(p, quit_[0] >= 0 ? 2 : 1, -1) < 0 && errno != EINTR) return true;  // let the read report it
    if (quitting_) return false;
    if (p[0].revents) return true;
  }
}

void Stub::drop_client() {
  if (client_ >= 0) close(client_);
  client_ = -1;
  inbuf_.clear();
  inpos_ = 0;
  reader_ = PacketReader(kPacketSize);
  ack_mode_ = true;
  last_sent_.clear();
}

void Stub::attach_client(int fd) {
  drop_client();
  client_ = fd;
  last_stop_ = {cpu::StopEvent::Breakpoint, 0};
}

void Stub::reply(const std::string& payload) {
  if (client_ < 0) return;
  last_sent_ = frame(payload);
  if (!send_all(client_, last_sent_)) drop_client();
}

bool Stub::read_packet(std::string* payload) {
  for (;;) {
    while (inpos_ < inbuf_.size()) {
      uint8_t c = uint8_t(inbuf_[inpos_++]);
      switch (reader_.feed(c)) {
        case PacketReader::Event::Packet:
          if (ack_mode_ && !send_all(client_, "+")) return false;
          *payload = reader_.payload();
          return true;
        case PacketReader::Event::BadChecksum:
          // In ack mode '-' asks for it again; without acks the request fails.
          if (!send_all(client_, ack_mode_ ? "-" : frame("E01"))) return false;
          break;
        case PacketReader::Event::Nack:
          if (!last_sent_.empty() && !send_all(client_, last_sent_)) return false;
          break;
        case PacketReader::Event::Oversize:
          std::fprintf(stderr, "kiln: gdb: packet longer than %zu bytes: dropping the client\n", kPacketSize);
          return false;
        default:  // acks, and Ctrl-C while already stopped
          break;
      }
    }
    inbuf_.clear();
    inpos_ = 0;
    if (!wait_input(client_)) return false;
    char buf[4096];
    ssize_t n = read(client_, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;  // gone, possibly in the middle of a packet
    inbuf_.append(buf, size_t(n));
  }
}

// Runs the guest (or steps it) while a watcher thread listens to the socket:
// without a client, for one to connect; with one, for Ctrl-C or a hang-up.
cpu::StopEvent Stub::run_guest(Action how) {
  if (how == Action::Step) return sys_.step(step_thread_);
  int wake[2];
  if (pipe(wake) < 0) return sys_.resume();  // no watcher: run on, uninterruptible
  const int fd = client_ >= 0 ? client_ : listener_.fd();
  const bool listening = client_ < 0;
  int new_client = -1;
  bool hung_up = false;
  std::string pending;
  std::thread watcher([&] {
    for (;;) {
      pollfd p[2] = {{fd, POLLIN, 0}, {wake[0], POLLIN, 0}};
      if (poll(p, 2, -1) < 0) {
        if (errno == EINTR) continue;
        return;
      }
      if (p[1].revents) return;
      if (listening) {
        new_client = listener_.accept_client();
        if (new_client >= 0) sys_.interrupt();
        return;
      }
      char buf[4096];
      ssize_t n = read(fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0 || pending.size() > kMaxPending) {
        hung_up = true;
        sys_.interrupt();
        return;
      }
      for (ssize_t i = 0; i < n; i++) {
        if (buf[i] == 0x03) sys_.interrupt();
        else pending.push_back(buf[i]);
      }
    }
  });
  cpu::StopEvent ev = sys_.resume();
  (void)!write(wake[1], "x", 1);
  watcher.join();
  close(wake[0]);
  close(wake[1]);
  inbuf_ += pending;
  if (new_client >= 0) {
    client_ = new_client;
    std::fprintf(stderr, "kiln: gdb: client connected\n");
  }
  if (hung_up) {
    std::fprintf(stderr, "kiln: gdb: client disconnected; the guest runs on\n");
    drop_client();
  }
  return ev;
}

int Stub::serve(bool start_halted) {
  if (start_halted && wait_input(listener_.fd())) {
    client_ = listener_.accept_client();
    last_stop_ = {cpu::StopEvent::Breakpoint, 0};  // '?' reports SIGTRAP at the first instruction
  }
  for (;;) {
    if (client_ < 0) {
      sys_.remove_all();  // what a vanished client left behind
      cpu::StopEvent ev = run_guest(Action::Continue);
      if (ev.kind == cpu::StopEvent::Exited) return ev.exit_code;
      if (client_ < 0) continue;
      last_stop_ = {cpu::StopEvent::Breakpoint, ev.cpu};  // stopped for the new client
      g_thread_ = ev.cpu + 1;
      monitor_cpu_ = ev.cpu;
    }
    std::string pkt;
    if (!read_packet(&pkt)) {
      // Quitting: the machine was asked to stop, so the guest, resumed, ends at once.
      if (!quitting_) std::fprintf(stderr, "kiln: gdb: client disconnected; the guest runs on\n");
      drop_client();
      continue;
    }
    Action a = handle(pkt);
    if (a == Action::Kill) {
      drop_client();
      return 0;
    }
    if (a == Action::Detach) {
      sys_.remove_all();
      drop_client();
      continue;
    }
    if (a != Action::Continue && a != Action::Step) continue;
    cpu::StopEvent ev = run_guest(a);
    if (ev.kind == cpu::StopEvent::Exited) {
      char w[8];
      std::snprintf(w, sizeof w, "W%02x", unsigned(ev.exit_code) & 0xff);
      reply(w);
      drop_client();
      return ev.exit_code;
    }
    if (client_ < 0) continue;  // hung up while running: the guest runs on
    last_stop_ = ev;
    g_thread_ = ev.cpu + 1;
    monitor_cpu_ = ev.cpu;
    reply(stop_reply(ev));
  }
}

std::string Stub::stop_reply(const cpu::StopEvent& ev) const {
  std::string thread = "thread:" + hex_u64(ev.cpu + 1) + ";";
  switch (ev.kind) {
    case cpu::StopEvent::Interrupted: return "T02" + thread;
    case cpu::StopEvent::Watchpoint: {
      const char* what = ev.watch == cpu::WatchKind::Write ? "watch" : ev.watch == cpu::WatchKind::Read ? "rwatch" : "awatch";
      return std::string("T05") + what + ":" + hex_u64(ev.addr) + ";" + thread;
    }
    default: return "T05" + thread;
  }
}

std::string Stub::read_registers() {
  const cpu::DebugDescription& d = current().description();
  std::string out;
  std::vector<uint8_t> v;
  for (const cpu::DebugRegister& r : d.registers) {
    if (r.feature != 0) continue;
    if (current().read_register(r.regnum, &v)) out += bytes_to_hex(v.data(), v.size());
    else out += std::string(r.bitsize / 4, 'x');  // unavailable
  }
  return out;
}

std::string Stub::write_registers(std::string_view hex) {
  const cpu::DebugDescription& d = current().description();
  std::vector<uint8_t> bytes;
  if (!hex_to_bytes(hex, &bytes)) return "E01";
  size_t off = 0;
  for (const cpu::DebugRegister& r : d.registers) {
    if (r.feature != 0) continue;
    size_t n = r.bitsize / 8;
    if (off + n > bytes.size()) break;  // gdb may send fewer; the rest stay
    std::vector<uint8_t> value(bytes.begin() + long(off), bytes.begin() + long(off + n));
    if (!current().write_register(r.regnum, value)) return "E01";
    off += n;
  }
  return off == bytes.size() ? "OK" : "E01";
}

std::string Stub::read_memory(std::string_view args) {
  std::string_view a, l;
  uint64_t addr, len;
  if (!split2(args, ',', &a, &l) || !parse_hex(a, &addr) || !parse_hex(l, &len)) return "E01";
  len = std::min<uint64_t>(len, (kPacketSize - 16) / 2);
  std::vector<uint8_t> buf(len);
  if (current().read_memory(mem_space_, addr, buf.data(), len)) return bytes_to_hex(buf.data(), len);
  // Part of the range is unreadable: answer what can be read up to it.
  size_t n = 0;
  while (n < len && current().read_memory(mem_space_, addr + n, &buf[n], 1)) n++;
  return n ? bytes_to_hex(buf.data(), n) : "E14";
}

std::string Stub::write_memory(std::string_view args, bool binary) {
  std::string_view head, data, a, l;
  uint64_t addr, len;
  if (!split2(args, ':', &head, &data) || !split2(head, ',', &a, &l) || !parse_hex(a, &addr) || !parse_hex(l, &len))
    return "E01";
  std::vector<uint8_t> bytes;
  if (binary) {
    std::string raw;
    if (!unescape(data, &raw)) return "E01";
    bytes.assign(raw.begin(), raw.end());
  } else if (!hex_to_bytes(data, &bytes)) {
    return "E01";
  }
  if (bytes.size() != len) return "E01";
  if (len == 0) return "OK";  // gdb probes X support this way
  return current().write_memory(mem_space_, addr, bytes.data(), len) ? "OK" : "E14";
}

// Z/z TYPE,ADDR,KIND: 0 and 1 breakpoints (both ours, no guest memory is
// patched), 2 write, 3 read, 4 access watchpoints of KIND bytes.
std::string Stub::breakpoint(std::string_view args, bool insert) {
  std::string_view t, rest, a, k;
  uint64_t type, addr, kind;
  if (!split2(args, ',', &t, &rest) || !split2(rest, ',', &a, &k)) return "E01";
  k = k.substr(0, k.find(';'));  // conditions and commands are not supported: ignored
  if (!parse_hex(t, &type) || !parse_hex(a, &addr) || !parse_hex(k, &kind)) return "E01";
  if (type > 4) return "";
  Status s;
  if (type <= 1) {
    s = insert ? sys_.insert_breakpoint(addr) : sys_.remove_breakpoint(addr);
  } else {
    cpu::WatchKind w = type == 2 ? cpu::WatchKind::Write : type == 3 ? cpu::WatchKind::Read : cpu::WatchKind::Access;
    s = insert ? sys_.insert_watchpoint(addr, kind, w) : sys_.remove_watchpoint(addr, kind, w);
  }
  return s ? "OK" : "E22";
}

// vCont;ACTION[:TID]...: a step anywhere steps that CPU alone (the others wait);
// otherwise every CPU continues. Signals are not delivered to the guest.
Stub::Action Stub::vcont(std::string_view args) {
  Action act = Action::None;
  while (!args.empty()) {
    if (args[0] != ';') return Action::None;
    args.remove_prefix(1);
    size_t end = args.find(';');
    std::string_view item = args.substr(0, end);
    args = end == std::string_view::npos ? std::string_view() : args.substr(end);
    std::string_view verb = item.substr(0, item.find(':')), tid_s;
    int64_t tid = -1;
    if (item.find(':') != std::string_view::npos) {
      tid_s = item.substr(item.find(':') + 1);
      if (!parse_tid(tid_s, &tid) || (tid != -1 && tid != 0 && !thread_ok(tid))) return Action::None;
    }
    char v = verb.empty() ? 0 : verb[0];
    if ((v == 'C' || v == 'S') ? verb.size() != 3 : verb.size() != 1) return Action::None;
    if (v == 's' || v == 'S') {
      if (act != Action::Step) step_thread_ = unsigned((tid > 0 ? tid : g_thread_) - 1);
      act = Action::Step;
    } else if (v == 'c' || v == 'C') {
      if (act == Action::None) act = Action::Continue;
    } else {
      return Action::None;
    }
  }
  return act;
}

std::string Stub::xfer_features(std::string_view args) {
  // ANNEX:OFFSET,LENGTH
  std::string_view annex, range, o, l;
  uint64_t off, len;
  if (!split2(args, ':', &annex, &range) || !split2(range, ',', &o, &l) || !parse_hex(o, &off) || !parse_hex(l, &len))
    return "E01";
  if (annex != "target.xml") return "E00";
  if (off >= xml_.size()) return "l";
  len = std::min<uint64_t>(len, kPacketSize - 16);
  std::string part = xml_.substr(off, len);
  return (off + part.size() >= xml_.size() ? "l" : "m") + part;
}

Stub::Action Stub::handle(const std::string& pkt) {
  if (pkt.empty()) {
    reply("");
    return Action::None;
  }
  std::string_view p(pkt), args = p.substr(1);
  std::string_view a, b;
  uint64_t v;
  switch (p[0]) {
    case '?': reply(stop_reply(last_stop_)); return Action::None;
    case 'g': reply(read_registers()); return Action::None;
    case 'G': reply(write_registers(args)); return Action::None;
    case 'p': {
      std::vector<uint8_t> val;
      if (!parse_hex(args, &v) || v > 0xffffffff || !current().read_register(unsigned(v), &val)) reply("E01");
      else reply(bytes_to_hex(val.data(), val.size()));
      return Action::None;
    }
    case 'P': {
      std::vector<uint8_t> val;
      bool ok = split2(args, '=', &a, &b) && parse_hex(a, &v) && v <= 0xffffffff && hex_to_bytes(b, &val) &&
                current().write_register(unsigned(v), val);
      reply(ok ? "OK" : "E01");
      return Action::None;
    }
    case 'm': reply(read_memory(args)); return Action::None;
    case 'M': reply(write_memory(args, false)); return Action::None;
    case 'X': reply(write_memory(args, true)); return Action::None;
    case 'Z': reply(breakpoint(args, true)); return Action::None;
    case 'z': reply(breakpoint(args, false)); return Action::None;
    case 'c':
    case 's':
    case 'C':
    case 'S': {
      // [sig][;addr] / [addr]: resume at addr if given.
      std::string_view addr_s = args;
      if (p[0] == 'C' || p[0] == 'S') {
        size_t semi = args.find(';');
        addr_s = semi == std::string_view::npos ? std::string_view() : args.substr(semi + 1);
      }
      if (!addr_s.empty()) {
        if (!parse_hex(addr_s, &v)) {
          reply("E01");
          return Action::None;
        }
        current().set_pc(v);
      }
      if (p[0] == 's' || p[0] == 'S') {
        step_thread_ = unsigned(g_thread_ - 1);
        return Action::Step;
      }
      return Action::Continue;
    }
    case 'D': reply("OK"); return Action::Detach;
    case 'k': return Action::Kill;
    case 'H': {
      int64_t tid;
      if (args.size() < 2 || !parse_tid(args.substr(1), &tid) || (tid > 0 && !thread_ok(tid))) {
        reply("E01");
      } else {
        if (args[0] == 'g' && tid > 0) g_thread_ = tid;
        reply("OK");
      }
      return Action::None;
    }
    case 'T': {
      int64_t tid;
      reply(parse_tid(args, &tid) && thread_ok(tid) ? "OK" : "E01");
      return Action::None;
    }
    default: break;
  }
  if (p == "vCont?") reply("vCont;c;C;s;S");
  else if (p.rfind("vCont", 0) == 0) {
    Action act = vcont(p.substr(5));
    if (act == Action::None) reply("E01");
    return act;
  } else if (p.rfind("vKill", 0) == 0) {
    reply("OK");
    return Action::Kill;
  } else if (p.rfind("qSupported", 0) == 0) {
    reply("PacketSize=" + hex_u64(kPacketSize) + ";QStartNoAckMode+;qXfer:features:read+;vContSupported+");
  } else if (p == "QStartNoAckMode") {
    reply("OK");
    ack_mode_ = false;
  } else if (p == "qAttached" || p.rfind("qAttached:", 0) == 0) reply("1");
  else if (p == "qC") reply("QC" + hex_u64(uint64_t(g_thread_)));
  else if (p == "qfThreadInfo") {
    std::string r = "m";
    for (unsigned i = 0; i < sys_.cpu_count(); i++) r += (i ? "," : "") + hex_u64(i + 1);
    reply(r);
  } else if (p == "qsThreadInfo") reply("l");
  else if (p.rfind("qThreadExtraInfo,", 0) == 0) {
    int64_t tid;
    if (!parse_tid(p.substr(17), &tid) || !thread_ok(tid)) reply("E01");
    else reply(text_to_hex("CPU#" + std::to_string(tid - 1) + " [" + sys_.cpu(unsigned(tid - 1)).mode_name() + "]"));
  } else if (p.rfind("qXfer:features:read:", 0) == 0) reply(xfer_features(p.substr(20)));
  else if (p.rfind("qRcmd,", 0) == 0) {
    std::vector<uint8_t> cmd;
    if (!hex_to_bytes(p.substr(6), &cmd)) reply("E01");
    else monitor(std::string(cmd.begin(), cmd.end()));
  } else if (p.rfind("qSymbol", 0) == 0) reply("OK");
  else reply("");  // not supported
  return Action::None;
}

}  // namespace kiln::gdbstub

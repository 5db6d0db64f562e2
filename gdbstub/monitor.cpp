// `monitor` commands (qRcmd): the stub's own (statistics, step and
// mode-switch options, the memory view, physical memory) and, for anything
// else, the current CPU's (registers with CSRs, page-table walks, privilege).
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "gdbstub/stub.h"

namespace kiln::gdbstub {

namespace {

bool parse_number(const std::string& s, uint64_t* v) {
  if (s.empty()) return false;
  char* end = nullptr;
  errno = 0;
  *v = std::strtoull(s.c_str(), &end, 0);
  return !*end && !errno;
}

// on|off; anything else is an error.
bool parse_switch(const std::string& s, bool* on) {
  if (s == "on") *on = true;
  else if (s == "off") *on = false;
  else return false;
  return true;
}

}  // namespace

std::string Stub::monitor_text(const std::string& line) {
  std::istringstream in(line);
  std::string cmd, a1, a2, extra;
  in >> cmd >> a1 >> a2 >> extra;
  if (cmd == "help" || cmd.empty()) {
    return "Kiln monitor commands:\n"
           "  help                         this list\n"
           "  hart [N]                     the hart (thread N) these commands act on; default: the one that last stopped\n"
           "  stats                        block cache and JIT statistics\n"
           "  step-interrupts on|off       let interrupts and timers fire during a step (default off)\n"
           "  stop-on-mode-switch on|off   stop when a CPU changes privilege mode\n"
           "  memory virtual|physical      what gdb's memory accesses address (default virtual)\n"
           "  memory linear|segment        x86: linear is virtual; segment: offsets in DS\n"
           "  phys-read ADDR [LEN]         physical memory, in hex (LEN up to 4096, default 16)\n"
           "  phys-write ADDR HEXBYTES     write bytes to physical memory\n" +
           monitor_cpu().monitor_help();
  }
  bool on;
  uint64_t addr, len = 16;
  if (cmd == "stats") return sys_.stats();
  if (cmd == "hart") {
    uint64_t n;
    if (!a1.empty() && (!parse_number(a1, &n) || n < 1 || n > sys_.cpu_count()))
      return "usage: hart [N]   (N: a thread number, 1 to " + std::to_string(sys_.cpu_count()) + ")\n";
    if (!a1.empty()) monitor_cpu_ = unsigned(n - 1);
    return "monitor commands act on thread " + std::to_string(monitor_cpu_ + 1) + " (CPU#" + std::to_string(monitor_cpu_) +
           ", " + monitor_cpu().mode_name() + ")\n";
  }
  if (cmd == "step-interrupts") {
    if (!parse_switch(a1, &on)) return "usage: step-interrupts on|off\n";
    sys_.set_step_interrupts(on);
    return std::string("interrupts and timers during a step: ") + (on ? "on" : "off (held)") + "\n";
  }
  if (cmd == "stop-on-mode-switch") {
    if (!parse_switch(a1, &on)) return "usage: stop-on-mode-switch on|off\n";
    sys_.set_stop_on_mode_switch(on);
    return std::string("stop on mode switch: ") + (on ? "on" : "off") + "\n";
  }
  if (cmd == "memory") {
    const bool x86 = monitor_cpu().segmented();
    if (a1 == "virtual" || (x86 && a1 == "linear")) mem_space_ = cpu::AddrSpace::Virtual;
    else if (a1 == "physical") mem_space_ = cpu::AddrSpace::Physical;
    else if (x86 && a1 == "segment") mem_space_ = cpu::AddrSpace::Segment;
    else return x86 ? "usage: memory linear|physical|segment\n" : "usage: memory virtual|physical\n";
    return "gdb's memory accesses now use " + a1 + " addresses\n";
  }
  if (cmd == "phys-read") {
    if (!parse_number(a1, &addr) || (!a2.empty() && !parse_number(a2, &len)) || len == 0 || len > 4096)
      return "usage: phys-read ADDR [LEN]   (LEN 1 to 4096)\n";
    std::vector<uint8_t> buf(len);
    if (Status s = monitor_cpu().read_memory(cpu::AddrSpace::Physical, addr, buf.data(), len); !s)
      return "error: " + s.error() + "\n";
    std::string out;
    char tmp[24];
    for (uint64_t i = 0; i < len; i++) {
      if (i % 16 == 0) {
        std::snprintf(tmp, sizeof tmp, "%s0x%" PRIx64 ":", i ? "\n" : "", addr + i);
        out += tmp;
      }
      std::snprintf(tmp, sizeof tmp, " %02x", buf[i]);
      out += tmp;
    }
    return out + "\n";
  }
  if (cmd == "phys-write") {
    std::vector<uint8_t> bytes;
    if (!parse_number(a1, &addr) || !hex_to_bytes(a2, &bytes) || bytes.empty() || !extra.empty())
      return "usage: phys-write ADDR HEXBYTES   (e.g. phys-write 0x80001000 deadbeef)\n";
    if (Status s = monitor_cpu().write_memory(cpu::AddrSpace::Physical, addr, bytes.data(), bytes.size()); !s)
      return "error: " + s.error() + "\n";
    return "wrote " + std::to_string(bytes.size()) + " bytes\n";
  }
  std::string out;
  if (monitor_cpu().monitor(line, &out)) return out;
  return "unknown command '" + cmd + "' (try: monitor help)\n";
}

// Output goes back as "O" packets (hex text), then "OK".
void Stub::monitor(const std::string& cmd) {
  std::string text = monitor_text(cmd);
  const size_t chunk = (kPacketSize - 16) / 2;
  for (size_t off = 0; off < text.size(); off += chunk) reply("O" + text_to_hex(text.substr(off, chunk)));
  reply("OK");
}

}  // namespace kiln::gdbstub

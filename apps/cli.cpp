#include "apps/cli.h"

#include <cerrno>
#include <cstdlib>
#include <map>

#include "common/log.h"

namespace kiln::apps {

namespace {

// QEMU's -m: a number with an optional K/M/G/T suffix; no suffix means MiB.
Result<uint64_t> parse_size(const std::string& s) {
  if (s.empty()) return make_error("-m: empty size");
  errno = 0;
  char* end = nullptr;
  unsigned long long v = std::strtoull(s.c_str(), &end, 10);
  if (end == s.c_str() || errno) return make_error("-m: bad size '" + s + "'");
  std::string suffix(end);
  uint64_t mult = 1ull << 20;
  if (suffix == "K" || suffix == "k") mult = 1ull << 10;
  else if (suffix == "G" || suffix == "g") mult = 1ull << 30;
  else if (suffix == "T" || suffix == "t") mult = 1ull << 40;
  else if (!suffix.empty() && suffix != "M" && suffix != "m") return make_error("-m: bad size suffix in '" + s + "'");
  uint64_t bytes = v * mult;
  if (v == 0 || bytes / mult != v) return make_error("-m: size '" + s + "' out of range");
  if (bytes < (1ull << 20) || bytes > (64ull << 30)) return make_error("-m: guest RAM must be between 1M and 64G");
  if (bytes & 0xfff) return make_error("-m: size must be a multiple of 4K");
  return bytes;
}

// -accel jit[,threshold=N][,straight=N][,optimize=N][,sync=on] | interp
Status parse_accel(const std::string& v, machine::Config* m) {
  size_t comma = v.find(',');
  std::string name = v.substr(0, comma);
  if (name == "jit" && !machine::jit_available())
    return make_error("-accel jit: this build has no JIT tier (configured with -DKILN_JIT=OFF)");
  if (name != "jit" && name != "interp") return make_error("unknown accelerator '" + name + "' (available: jit, interp)");
  m->jit = name == "jit";
  while (comma != std::string::npos) {
    size_t next = v.find(',', comma + 1);
    std::string opt = v.substr(comma + 1, next == std::string::npos ? std::string::npos : next - comma - 1);
    size_t eq = opt.find('=');
    std::string key = opt.substr(0, eq);
    if (name == "jit" && eq != std::string::npos && (key == "threshold" || key == "straight" || key == "optimize")) {
      char* end = nullptr;
      unsigned long n = std::strtoul(opt.c_str() + eq + 1, &end, 10);
      unsigned long least = key == "optimize" ? 0 : 1;
      if (*end || eq + 1 == opt.size() || n < least || n > 1000000)
        return make_error("-accel jit: " + key + " must be " + std::to_string(least) + " to 1000000");
      if (key == "optimize")
        m->jit_optimize_after = n;
      else
        (key == "threshold" ? m->jit_threshold : m->jit_straight_threshold) = unsigned(n);
    } else if (name == "jit" && (opt == "sync=on" || opt == "sync=off")) {
      m->jit_sync = opt == "sync=on";
    } else {
      return make_error("-accel " + name + ": unknown option '" + opt + "'");
    }
    comma = next;
  }
  return {};
}

// -M NAME[,dumpdtb=FILE]
Status parse_machine(const std::string& v, machine::Config* m) {
  size_t comma = v.find(',');
  m->board = v.substr(0, comma);
  if (m->board != "spike" && m->board != "virt")
    return make_error("unknown machine '" + m->board + "' (available: spike, virt)");
  while (comma != std::string::npos) {
    size_t next = v.find(',', comma + 1);
    std::string opt = v.substr(comma + 1, next == std::string::npos ? std::string::npos : next - comma - 1);
    if (opt.rfind("dumpdtb=", 0) == 0 && m->board == "virt") m->dumpdtb = opt.substr(8);
    else return make_error("-M " + m->board + ": unknown machine option '" + opt + "'");
    comma = next;
  }
  return {};
}

// -drive file=F,format=raw,if=virtio[,snapshot=on][,readonly=on]
Status parse_drive(const std::string& v, machine::Config* m) {
  machine::Drive d;
  std::string iface = "virtio";
  size_t pos = 0;
  while (pos <= v.size()) {
    size_t next = v.find(',', pos);
    std::string kv = v.substr(pos, next == std::string::npos ? std::string::npos : next - pos);
    size_t eq = kv.find('=');
    std::string key = kv.substr(0, eq), val = eq == std::string::npos ? "" : kv.substr(eq + 1);
    if (key == "file") d.file = val;
    else if (key == "format" && val != "raw") return make_error("-drive: only format=raw is supported");
    else if (key == "if") iface = val;
    else if (key == "snapshot") d.snapshot = val == "on";
    else if (key == "readonly") d.read_only = val == "on";
    else if (key == "media" || key == "format" || key == "id") {
      // accepted for QEMU compatibility
    } else return make_error("-drive: unknown option '" + key + "'");
    if (next == std::string::npos) break;
    pos = next + 1;
  }
  if (d.file.empty()) return make_error("-drive: file= is required");
  if (iface != "virtio") return make_error("-drive: if=" + iface + " is not available yet (use if=virtio)");
  m->drives.push_back(d);
  return {};
}

// -chardev socket,id=ID,path=P[,server=on,wait=off] or socket,id=ID,host=H,port=N[,...]:
// the definition -gdb chardev:ID refers to, as a -gdb spec.
Status parse_chardev(const std::string& v, std::map<std::string, std::string>* chardevs) {
  size_t comma = v.find(',');
  std::string backend = v.substr(0, comma), id, path, host, port;
  if (backend != "socket") return make_error("-chardev: only the 'socket' backend is supported (for -gdb chardev:ID)");
  while (comma != std::string::npos) {
    size_t next = v.find(',', comma + 1);
    std::string kv = v.substr(comma + 1, next == std::string::npos ? std::string::npos : next - comma - 1);
    size_t eq = kv.find('=');
    std::string key = kv.substr(0, eq), val = eq == std::string::npos ? "" : kv.substr(eq + 1);
    if (key == "id") id = val;
    else if (key == "path") path = val;
    else if (key == "host") host = val;
    else if (key == "port") port = val;
    else if (key != "server" && key != "wait" && key != "nowait" && key != "telnet" && key != "nodelay")
      return make_error("-chardev: unknown option '" + key + "'");
    comma = next;
  }
  if (id.empty()) return make_error("-chardev: id= is required");
  if (path.empty() == port.empty()) return make_error("-chardev socket: give path= (unix) or port= (tcp)");
  (*chardevs)[id] = path.empty() ? "tcp:" + host + ":" + port : "unix:" + path;
  return {};
}

}  // namespace

std::string usage() {
  return R"(usage: kiln [options]
With no options, runs a built-in RISC-V demo guest.

  -M spike|virt         machine (board); spike: RV64GC, HTIF; virt: QEMU's RISC-V virt board
  -M virt,dumpdtb=FILE  write the device tree the guest would get and exit
  -m SIZE               guest RAM (default 128M; suffixes K, M, G)
  -smp N                harts (virt: 1 to 8, run in turn on one host thread)
  -bios FILE|none       firmware (virt default: Debian's OpenSBI fw_dynamic.bin)
  -kernel FILE          program or kernel (ELF, RISC-V Linux Image, or raw binary)
  -initrd FILE          initial ramdisk (virt)
  -append STRING        kernel command line (virt)
  -dtb FILE             use this device tree instead of the generated one (virt)
  -drive file=F,format=raw,if=virtio[,snapshot=on]   a virtio block device (virt)
  -device virtio-rng-device | virtio-serial-device   an entropy source / a console (hvc0) (virt)
  -serial stdio         the UART on the terminal (the default; Ctrl-A x quits)
  -no-reboot            exit instead of rebooting
  -nographic            no display (the only mode so far)
  -accel jit|interp     execution tier: hot code compiled with LLVM (default) or the interpreter only
  -accel jit,threshold=N,straight=M,optimize=K,sync=on
                        compile a block heading a loop after N runs (40000),
                        other code after M (100000); a small region again,
                        optimised, after K runs in native code (300000;
                        0: at once); sync: wait for the code (tests)
  -s                    shorthand for -gdb tcp::1234
  -gdb tcp::PORT | tcp:HOST:PORT | unix:PATH | chardev:ID
                        serve the GDB remote protocol there (tcp: localhost unless HOST)
  -chardev socket,id=ID,path=P[,server=on,wait=off]   a socket for -gdb chardev:ID
  -S                    start halted: wait for gdb before the first instruction
  -d LIST               log categories: in_asm,op,int,exec,unimp,guest_errors
  -D FILE               write the -d log to FILE
  --stats               print execution statistics on exit
  -h, --help            this help
  --version             version
Exit status: the guest's code (HTIF exit), or 2 for bad arguments or images.
)";
}

Result<Options> parse_args(const std::vector<std::string>& args) {
  Options o;
  std::map<std::string, std::string> chardevs;
  std::string gdb_spec;
  o.machine.jit = machine::jit_available();  // the JIT tier is the default where it exists
  if (args.empty()) {
    o.demo = true;
    return o;
  }
  for (size_t i = 0; i < args.size(); i++) {
    const std::string& a = args[i];
    auto value = [&](std::string* out) -> Status {
      if (i + 1 >= args.size()) return make_error("option '" + a + "' needs an argument");
      *out = args[++i];
      return {};
    };
    std::string v;
    // QEMU accepts --opt as well as -opt.
    std::string opt = (a.size() > 2 && a[0] == '-' && a[1] == '-') ? a.substr(1) : a;
    if (opt == "-h" || opt == "-help") {
      o.help = true;
    } else if (opt == "-version") {
      o.version = true;
    } else if (opt == "-stats") {
      o.stats = true;
      o.machine.stats = true;
    } else if (opt == "-nographic") {
      // Nothing to do: no display device exists yet.
    } else if (opt == "-M" || opt == "-machine") {
      if (Status s = value(&v); !s) return make_error(s.error());
      if (Status s = parse_machine(v, &o.machine); !s) return make_error(s.error());
    } else if (opt == "-smp") {
      if (Status s = value(&v); !s) return make_error(s.error());
      std::string n = v.substr(0, v.find(','));
      if (n.rfind("cpus=", 0) == 0) n = n.substr(5);
      char* end = nullptr;
      unsigned long c = std::strtoul(n.c_str(), &end, 10);
      if (n.empty() || *end || c < 1 || c > 64) return make_error("-smp: bad hart count '" + v + "' (1 to 64)");
      o.machine.smp = unsigned(c);
    } else if (opt == "-initrd") {
      if (Status s = value(&o.machine.initrd); !s) return make_error(s.error());
    } else if (opt == "-append") {
      if (Status s = value(&o.machine.append); !s) return make_error(s.error());
    } else if (opt == "-dtb") {
      if (Status s = value(&o.machine.dtb); !s) return make_error(s.error());
    } else if (opt == "-no-reboot") {
      o.machine.no_reboot = true;
    } else if (opt == "-drive") {
      if (Status s = value(&v); !s) return make_error(s.error());
      if (Status s = parse_drive(v, &o.machine); !s) return make_error(s.error());
    } else if (opt == "-device") {
      if (Status s = value(&v); !s) return make_error(s.error());
      std::string name = v.substr(0, v.find(','));
      if (name == "virtio-rng-device" || name == "virtio-serial-device") o.machine.virtio_devices.push_back(name);
      else if (name == "virtconsole") {
        // QEMU attaches a console port to a virtio-serial-device; Kiln's has one port already.
      } else return make_error("-device: unknown device '" + name + "' (available: virtio-rng-device, virtio-serial-device)");
    } else if (opt == "-serial") {
      if (Status s = value(&v); !s) return make_error(s.error());
      if (v != "stdio" && v != "mon:stdio") return make_error("-serial: only 'stdio' is supported so far");
    } else if (opt == "-m") {
      if (Status s = value(&v); !s) return make_error(s.error());
      Result<uint64_t> size = parse_size(v);
      if (!size) return make_error(size.error());
      o.machine.ram_bytes = *size;
    } else if (opt == "-bios") {
      if (Status s = value(&v); !s) return make_error(s.error());
      if (v == "none") o.machine.bios_none = true;
      else o.machine.bios = v;
    } else if (opt == "-kernel") {
      if (Status s = value(&v); !s) return make_error(s.error());
      o.machine.kernel = v;
    } else if (opt == "-accel") {
      if (Status s = value(&v); !s) return make_error(s.error());
      if (Status s = parse_accel(v, &o.machine); !s) return make_error(s.error());
    } else if (opt == "-s") {
      gdb_spec = "tcp::1234";
    } else if (opt == "-S") {
      o.gdb_wait = true;
    } else if (opt == "-gdb") {
      if (Status s = value(&gdb_spec); !s) return make_error(s.error());
      if (gdb_spec.empty()) return make_error("-gdb: empty device");
    } else if (opt == "-chardev") {
      if (Status s = value(&v); !s) return make_error(s.error());
      if (Status s = parse_chardev(v, &chardevs); !s) return make_error(s.error());
    } else if (opt == "-d") {
      if (Status s = value(&v); !s) return make_error(s.error());
      std::string bad;
      if (!parse_log_mask(v, &o.log_mask, &bad)) return make_error("-d: unknown log category '" + bad + "'");
    } else if (opt == "-D") {
      if (Status s = value(&o.log_file); !s) return make_error(s.error());
    } else {
      return make_error("unknown option '" + a + "' (try --help)");
    }
  }
  if (gdb_spec == "none") gdb_spec.clear();
  if (gdb_spec.rfind("chardev:", 0) == 0) {
    auto it = chardevs.find(gdb_spec.substr(8));
    if (it == chardevs.end()) return make_error("-gdb: no -chardev with id '" + gdb_spec.substr(8) + "'");
    gdb_spec = it->second;
  }
  if (!gdb_spec.empty()) {
    Result<gdbstub::Endpoint> e = gdbstub::parse_endpoint(gdb_spec);
    if (!e) return make_error(e.error());
    o.gdb = true;
    o.gdb_endpoint = *e;
  }
  if (o.gdb_wait && !o.gdb) return make_error("-S needs -s or -gdb: Kiln has no monitor to start the guest from");
  return o;
}

}  // namespace kiln::apps

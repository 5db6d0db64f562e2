#include "apps/cli.h"

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <algorithm>
#include <map>
#include <optional>

#include "common/log.h"
#include "common/parse.h"
#include "machine/pc.h"

namespace kiln::apps {

namespace {

// QEMU's -m: [size=]N with an optional K/M/G/T suffix; no suffix means MiB.
Result<uint64_t> parse_size(const std::string& text) {
  std::string s = text;
  for (const OptionPart& p : split_options(text)) {
    if (!p.has_value) continue;
    if (p.key == "size") s = p.value;
    else return make_error("-m: option '" + p.key + "' is not supported (memory hotplug is not modelled)");
  }
  if (s.empty()) return make_error("-m: empty size");
  size_t digits = s.find_first_not_of("0123456789");
  std::optional<uint64_t> v = parse_u64(std::string_view(s).substr(0, digits));
  if (!v) return make_error("-m: bad size '" + s + "'");
  std::string suffix = digits == std::string::npos ? "" : s.substr(digits);
  uint64_t mult = 1ull << 20;
  if (suffix == "K" || suffix == "k") mult = 1ull << 10;
  else if (suffix == "G" || suffix == "g") mult = 1ull << 30;
  else if (suffix == "T" || suffix == "t") mult = 1ull << 40;
  else if (!suffix.empty() && suffix != "M" && suffix != "m") return make_error("-m: bad size suffix in '" + s + "'");
  uint64_t bytes = *v * mult;
  if (*v == 0 || bytes / mult != *v) return make_error("-m: size '" + s + "' out of range");
  if (bytes < (1ull << 20) || bytes > (64ull << 30)) return make_error("-m: guest RAM must be between 1M and 64G");
  if (bytes & 0xfff) return make_error("-m: size must be a multiple of 4K");
  return bytes;
}

// A number in [least, most] for option `what`, or one error naming the range.
Result<uint64_t> parse_number(const std::string& what, const std::string& text, uint64_t least, uint64_t most) {
  std::optional<uint64_t> v = parse_u64(text);
  if (!v || *v < least || *v > most)
    return make_error(what + " must be " + std::to_string(least) + " to " + std::to_string(most) + " (got '" + text + "')");
  return *v;
}

// -accel jit[,threshold=N][,straight=N][,optimize=N][,sync=on] | interp | tcg.
// QEMU's tcg is its software engine; Kiln's is the default tier (jit where built).
Status parse_accel(const std::string& v, machine::Config* m) {
  std::vector<OptionPart> parts = split_options(v);
  std::string name = parts[0].key;
  if (parts[0].has_value) return make_error("-accel: give the accelerator's name first (tcg, jit or interp)");
  if (name == "tcg") name = machine::jit_available() ? "jit" : "interp";
  if (name == "kvm" || name == "xen" || name == "hvf" || name == "whpx" || name == "nvmm")
    return make_error("-accel " + name + ": not available, Kiln runs guests in software (use tcg, jit or interp)");
  if (name == "jit" && !machine::jit_available())
    return make_error("-accel jit: this build has no JIT tier (configured with -DKILN_JIT=OFF)");
  if (name != "jit" && name != "interp")
    return make_error("unknown accelerator '" + name + "' (available: tcg, jit, interp)");
  m->jit = name == "jit";
  for (size_t i = 1; i < parts.size(); i++) {
    const OptionPart& p = parts[i];
    const std::string& key = p.key;
    if (name == "jit" && (key == "threshold" || key == "straight" || key == "optimize")) {
      Result<uint64_t> n = parse_number("-accel jit: " + key, p.value, key == "optimize" ? 0 : 1, 1000000);
      if (!n) return make_error(n.error());
      if (key == "optimize") m->jit_optimize_after = *n;
      else (key == "threshold" ? m->jit_threshold : m->jit_straight_threshold) = unsigned(*n);
    } else if (name == "jit" && key == "sync") {
      std::optional<bool> on = p.has_value ? parse_bool(p.value) : true;
      if (!on) return make_error("-accel jit: sync must be on or off (got '" + p.value + "')");
      m->jit_sync = *on;
    } else {
      return make_error("-accel " + parts[0].key + ": unknown option '" + key + "'");
    }
  }
  return {};
}

// -rtc base=utc|localtime|DATE: the board checks the value (machine/pc_firmware_info.h).
Status parse_rtc(const std::string& v, machine::Config* m) {
  for (const OptionPart& p : split_options(v)) {
    if (p.key != "base" || !p.has_value)
      return make_error("-rtc: option '" + p.key + "' is not supported (only base=utc|localtime|DATE)");
    m->rtc_base = p.value;
  }
  return {};
}

// -M [type=]NAME[,dumpdtb=FILE][,kernel-entry=linux|pvh|multiboot|multiboot2][,accel=tcg|jit|interp]
Status parse_machine(const std::string& v, machine::Config* m) {
  std::vector<OptionPart> parts = split_options(v);
  for (size_t i = 0; i < parts.size(); i++) {
    const OptionPart& p = parts[i];
    if ((i == 0 && !p.has_value) || p.key == "type") {
      m->board = p.has_value ? p.value : p.key;
      if (m->board != "spike" && m->board != "virt" && m->board != "pc")
        return make_error("unknown machine '" + m->board + "' (available: spike, virt, pc)");
    } else if (p.key == "dumpdtb" && p.has_value) {
      if (p.value.empty()) return make_error("-M: dumpdtb= needs a file name");
      m->dumpdtb = p.value;
    } else if (p.key == "kernel-entry" && p.has_value) {
      if (p.value != "linux" && p.value != "pvh" && p.value != "multiboot" && p.value != "multiboot2")
        return make_error("-M: kernel-entry=" + p.value + " is not one of linux, pvh, multiboot, multiboot2");
      m->kernel_entry = p.value;
    } else if (p.key == "accel" && p.has_value) {
      if (Status s = parse_accel(p.value, m); !s) return s;
    } else {
      return make_error("-M " + m->board + ": unknown machine option '" + p.key + "'");
    }
  }
  if (!m->dumpdtb.empty() && m->board != "virt") return make_error("-M " + m->board + ": dumpdtb is a -M virt option");
  if (!m->kernel_entry.empty() && m->board != "pc") return make_error("-M " + m->board + ": kernel-entry is a -M pc option");
  return {};
}

// -smp [cpus=]N[,maxcpus=M][,sockets=S][,dies=D][,clusters=C][,cores=C][,threads=T], as QEMU reads it:
// missing counts are derived from the given ones, the topology's product must be maxcpus, and
// cpus <= maxcpus. Kiln runs `cpus` harts (no hotplug, so maxcpus only has to be consistent).
Status parse_smp(const std::string& v, machine::Config* m) {
  uint64_t cpus = 0, maxcpus = 0, sockets = 0, dies = 0, clusters = 0, cores = 0, threads = 0;
  std::vector<OptionPart> parts = split_options(v);
  for (size_t i = 0; i < parts.size(); i++) {
    const OptionPart& p = parts[i];
    std::string key = (i == 0 && !p.has_value) ? "cpus" : p.key;
    const std::string& text = (i == 0 && !p.has_value) ? p.key : p.value;
    uint64_t* field = key == "cpus" ? &cpus : key == "maxcpus" ? &maxcpus : key == "sockets" ? &sockets
                      : key == "dies" ? &dies : key == "clusters" ? &clusters : key == "cores" ? &cores
                      : key == "threads" ? &threads : nullptr;
    if (!field || (!p.has_value && i != 0)) return make_error("-smp: unknown option '" + p.key + "'");
    Result<uint64_t> n = parse_number("-smp: " + key, text, 1, 1024);
    if (!n) return make_error(n.error());
    *field = *n;
  }
  dies = dies ? dies : 1;
  clusters = clusters ? clusters : 1;
  if (cpus == 0 && maxcpus == 0) {
    sockets = sockets ? sockets : 1;
    cores = cores ? cores : 1;
    threads = threads ? threads : 1;
  } else {
    maxcpus = maxcpus ? maxcpus : cpus;
    uint64_t known = dies * clusters;
    if (sockets == 0) {  // QEMU prefers sockets when the count is split implicitly
      cores = cores ? cores : 1;
      threads = threads ? threads : 1;
      sockets = std::max<uint64_t>(maxcpus / (known * cores * threads), 1);
    } else if (cores == 0) {
      threads = threads ? threads : 1;
      cores = std::max<uint64_t>(maxcpus / (known * sockets * threads), 1);
    } else if (threads == 0) {
      threads = std::max<uint64_t>(maxcpus / (known * sockets * cores), 1);
    }
  }
  uint64_t product = sockets * dies * clusters * cores * threads;
  maxcpus = maxcpus ? maxcpus : product;
  cpus = cpus ? cpus : maxcpus;
  if (product != maxcpus)
    return make_error("-smp: invalid topology: sockets (" + std::to_string(sockets) + ") * dies (" + std::to_string(dies) +
                      ") * clusters (" + std::to_string(clusters) + ") * cores (" + std::to_string(cores) +
                      ") * threads (" + std::to_string(threads) + ") != maxcpus (" + std::to_string(maxcpus) + ")");
  if (cpus > maxcpus)
    return make_error("-smp: invalid topology: maxcpus (" + std::to_string(maxcpus) + ") must be at least cpus (" +
                      std::to_string(cpus) + ")");
  if (cpus > 64) return make_error("-smp: at most 64 CPUs (got " + std::to_string(cpus) + ")");
  m->smp = unsigned(cpus);
  return {};
}

// -serial stdio|mon:stdio|null|none|file:PATH|pty|unix:PATH[,server[=on]][,wait=off]
Status parse_serial(const std::string& v, machine::Config* m) {
  if (v == "stdio" || v == "mon:stdio") m->serial = "stdio";
  else if (v == "null" || v == "none") m->serial = "null";
  else if (v == "pty") m->serial = "pty";
  else if (v.rfind("file:", 0) == 0 && v.size() > 5) m->serial = v;
  else if (v.rfind("unix:", 0) == 0 && v.size() > 5) m->serial = v;
  else
    return make_error("-serial: unsupported device '" + v + "' (use stdio, mon:stdio, null, none, file:PATH, pty or unix:PATH)");
  return {};
}

// -drive file=F,format=raw[,if=virtio|ide|floppy][,index=N][,media=disk|cdrom][,snapshot[=on|off]][,readonly[=on|off]]:
// booleans in QEMU's spellings, a bare key meaning on (a "snapshot" that meant
// off let the guest's writes land in the image). Without if= the board picks
// (virt: virtio, pc: ide); the board refuses an interface it does not have.
Status parse_drive(const std::string& v, machine::Config* m) {
  machine::Drive d;
  bool index_given = false;
  for (const OptionPart& p : split_options(v)) {
    const std::string &key = p.key, &val = p.value;
    if (key == "file") d.file = val;
    else if (key == "format" && val != "raw") return make_error("-drive: only format=raw is supported");
    else if (key == "if") {
      if (val != "virtio" && val != "ide" && val != "floppy")
        return make_error("-drive: if=" + val + " is not available (use if=ide or if=floppy on -M pc, if=virtio on -M virt)");
      d.iface = val;
    } else if (key == "index") {
      std::optional<uint64_t> n = parse_u64(val, 10);
      if (!n || *n > 3) return make_error("-drive: index must be 0 to 3 (got '" + val + "')");
      d.index = int(*n);
      index_given = true;
    } else if (key == "media") {
      if (val != "disk" && val != "cdrom") return make_error("-drive: media must be disk or cdrom (got '" + val + "')");
      d.cdrom = val == "cdrom";
    } else if (key == "snapshot" || key == "readonly") {
      std::optional<bool> on = p.has_value ? parse_bool(val) : true;
      if (!on) return make_error("-drive: " + key + " must be on or off, yes or no, true or false (got '" + val + "')");
      (key == "snapshot" ? d.snapshot : d.read_only) = *on;
    } else if (key == "format" || key == "id") {
      // accepted for QEMU compatibility
    } else return make_error("-drive: unknown option '" + key + "'");
  }
  if (d.file.empty()) return make_error("-drive: file= is required");
  if (d.iface == "virtio" && (index_given || d.cdrom)) return make_error("-drive: index= and media=cdrom are for if=ide");
  if (d.iface == "floppy" && d.cdrom) return make_error("-drive: media=cdrom is for if=ide");
  if (d.iface == "floppy" && d.index > 1) return make_error("-drive: if=floppy takes index 0 (A:) or 1 (B:)");
  if (d.cdrom) d.read_only = true;
  m->drives.push_back(d);
  return {};
}

// -hda/-hdb/-hdc/-hdd F: an IDE disk at index 0-3; -cdrom F: an IDE CD-ROM at index 2 (QEMU's).
void add_ide_drive(const std::string& file, int index, bool cdrom, machine::Config* m) {
  machine::Drive d;
  d.file = file;
  d.iface = "ide";
  d.index = index;
  d.cdrom = cdrom;
  d.read_only = cdrom;
  m->drives.push_back(d);
}

// -fda/-fdb F: floppy drive A: or B: (if=floppy at index 0 or 1).
void add_floppy_drive(const std::string& file, int index, machine::Config* m) {
  machine::Drive d;
  d.file = file;
  d.iface = "floppy";
  d.index = index;
  m->drives.push_back(d);
}

// -boot [order=]DRIVES[,menu=on|off][,strict=on|off]: QEMU's letters, each at most once
// (a, b: floppy; c: hard disk; d: CD-ROM; n: network). Menus and strictness are accepted and ignored.
Status parse_boot(const std::string& v, machine::Config* m) {
  std::vector<OptionPart> parts = split_options(v);
  std::string order;
  for (size_t i = 0; i < parts.size(); i++) {
    const OptionPart& p = parts[i];
    if (i == 0 && !p.has_value) order = p.key;
    else if (p.key == "order" && p.has_value) order = p.value;
    else if ((p.key == "menu" || p.key == "strict") && p.has_value && parse_bool(p.value)) {
      // accepted for QEMU compatibility
    } else return make_error("-boot: unknown option '" + p.key + "' (use -boot [order=]DRIVES, e.g. -boot a or -boot order=cd)");
  }
  if (order.empty()) return make_error("-boot: no boot drives given (use letters a, b, c, d, n, e.g. -boot order=ac)");
  for (size_t i = 0; i < order.size(); i++) {
    if (std::string("abcdn").find(order[i]) == std::string::npos)
      return make_error("-boot: invalid boot device '" + std::string(1, order[i]) + "' in '" + order + "' (use a, b, c, d or n)");
    if (order.find(order[i]) != i) return make_error("-boot: boot device '" + std::string(1, order[i]) + "' given twice in '" + order + "'");
  }
  m->boot_order = order;
  return {};
}

// -chardev socket,id=ID,path=P[,server=on,wait=off] or socket,id=ID,host=H,port=N[,...]:
// the definition -gdb chardev:ID refers to, as a -gdb spec. -chardev stdio,id=ID and
// file,id=ID,path=F: the host side of an ISA device (isa-debugcon), into m->chardevs.
Status parse_chardev(const std::string& v, std::map<std::string, std::string>* chardevs, machine::Config* m) {
  size_t comma = v.find(',');
  std::string backend = v.substr(0, comma), id, path, host, port;
  if (backend != "socket" && backend != "stdio" && backend != "file")
    return make_error("-chardev: unknown backend '" + backend + "' (available: socket, stdio, file)");
  while (comma != std::string::npos) {
    size_t next = v.find(',', comma + 1);
    std::string kv = v.substr(comma + 1, next == std::string::npos ? std::string::npos : next - comma - 1);
    size_t eq = kv.find('=');
    std::string key = kv.substr(0, eq), val = eq == std::string::npos ? "" : kv.substr(eq + 1);
    const bool socket = backend == "socket";
    if (key == "id") id = val;
    else if (key == "path" && backend != "stdio") path = val;
    else if (key == "host" && socket) host = val;
    else if (key == "port" && socket) port = val;
    else if (!socket || (key != "server" && key != "wait" && key != "nowait" && key != "telnet" && key != "nodelay"))
      return make_error("-chardev " + backend + ": unknown option '" + key + "'");
    comma = next;
  }
  if (id.empty()) return make_error("-chardev: id= is required");
  if (chardevs->count(id) || m->chardevs.count(id)) return make_error("-chardev: duplicate id '" + id + "'");
  if (backend == "stdio") {
    m->chardevs[id] = "stdio";
    return {};
  }
  if (backend == "file") {
    if (path.empty()) return make_error("-chardev file: path= is required");
    m->chardevs[id] = "file:" + path;
    return {};
  }
  if (path.empty() == port.empty()) return make_error("-chardev socket: give path= (unix) or port= (tcp)");
  (*chardevs)[id] = path.empty() ? "tcp:" + host + ":" + port : "unix:" + path;
  return {};
}

// -device isa-debug-exit[,iobase=N][,iosize=N] | isa-debugcon[,iobase=N],chardev=ID
// (numbers decimal or 0x-hex; QEMU's defaults). The board claims the ports.
Status parse_isa_device(const std::string& v, machine::Config* m) {
  std::vector<OptionPart> parts = split_options(v);
  machine::IsaDevice d;
  d.driver = parts[0].key;
  const bool exit_device = d.driver == "isa-debug-exit";
  d.iobase = exit_device ? machine::pc::kDebugExitBase : machine::pc::kDebugconBase;
  d.iosize = exit_device ? machine::pc::kDebugExitPorts : 1;
  for (size_t i = 1; i < parts.size(); i++) {
    const OptionPart& p = parts[i];
    if (p.key == "iobase" || (p.key == "iosize" && exit_device)) {
      const uint64_t most = p.key == "iobase" ? 0xffff : 0x10000;
      std::optional<uint64_t> n = parse_u64(p.value, 0);
      if (!n || *n > most || (p.key == "iosize" && *n == 0))
        return make_error("-device " + d.driver + ": " + p.key + " must be " + (p.key == "iobase" ? "0" : "1") + " to 0x" +
                          (p.key == "iobase" ? "ffff" : "10000") + " (got '" + p.value + "')");
      (p.key == "iobase" ? d.iobase : d.iosize) = uint32_t(*n);
    } else if (p.key == "chardev" && !exit_device) {
      if (p.value.empty()) return make_error("-device isa-debugcon: chardev= needs an id");
      d.chardev = p.value;
    } else if (p.key == "id") {
      // accepted for QEMU compatibility
    } else {
      return make_error("-device " + d.driver + ": unknown option '" + p.key + "'");
    }
  }
  if (!exit_device && d.chardev.empty()) return make_error("-device isa-debugcon: chardev=ID is required");
  if (uint64_t(d.iobase) + d.iosize > 0x10000) return make_error("-device " + d.driver + ": ports past 0xffff");
  m->isa_devices.push_back(d);
  return {};
}

// A MAC address written as six hex bytes with colons (52:54:00:12:34:56).
bool parse_mac(const std::string& s, std::array<uint8_t, 6>* mac) {
  if (s.size() != 17) return false;
  for (unsigned i = 0; i < 6; i++) {
    if (i < 5 && s[3 * i + 2] != ':') return false;
    const std::string byte = s.substr(3 * i, 2);
    if (!std::isxdigit(uint8_t(byte[0])) || !std::isxdigit(uint8_t(byte[1]))) return false;
    (*mac)[i] = uint8_t(std::stoul(byte, nullptr, 16));
  }
  return true;
}

// -device pci-testdev[,romfile=F] | e1000[,mac=M][,romfile=[F]] (-M pc).
Status parse_pci_device(const std::string& v, machine::Config* m) {
  std::vector<OptionPart> parts = split_options(v);
  machine::PciDevice d{parts[0].key, ""};
  const bool nic = d.driver == "e1000";
  for (size_t i = 1; i < parts.size(); i++) {
    const OptionPart& p = parts[i];
    if (p.key == "romfile") {
      if (p.value.empty() && !nic) return make_error("-device " + d.driver + ": romfile= needs a file");
      d.romfile = p.value;
      d.no_rom = p.value.empty();
    } else if (nic && p.key == "mac") {
      if (!parse_mac(p.value, &d.mac)) return make_error("-device e1000: mac= wants six hex bytes like 52:54:00:12:34:56, not '" + p.value + "'");
      if (d.mac[0] & 1) return make_error("-device e1000: mac= " + p.value + " is a multicast address");
    } else if (nic && p.key == "netdev") {
      // QEMU's host side: Kiln's NIC has the null backend only.
    } else if (p.key != "id") {
      return make_error("-device " + d.driver + ": unknown option '" + p.key + "'");
    }
  }
  m->pci_devices.push_back(d);
  return {};
}

// -debugcon stdio|null|none|file:PATH: an isa-debugcon at 0xE9 on a chardev of its own.
Status parse_debugcon(const std::string& v, machine::Config* m) {
  if (m->chardevs.count("debugcon")) return make_error("-debugcon: given twice (or a -chardev has the id 'debugcon')");
  if (v == "none") return {};
  if (v != "stdio" && v != "null" && !(v.rfind("file:", 0) == 0 && v.size() > 5))
    return make_error("-debugcon: unsupported device '" + v + "' (use stdio, null, none or file:PATH)");
  m->chardevs["debugcon"] = v;
  m->isa_devices.push_back({"isa-debugcon", machine::pc::kDebugconBase, 1, "debugcon"});
  return {};
}

// ISA devices belong to -M pc, each debugcon names a -chardev, and the pc
// board has no debugger target yet.
Status check_isa_devices(const Options& o) {
  const machine::Config& m = o.machine;
  if (m.board != "pc") {
    if (!m.isa_devices.empty())
      return make_error("-device " + m.isa_devices.front().driver + ": an ISA device, for -M pc (not -M " + m.board + ")");
    if (!m.chardevs.empty())
      return make_error("-chardev " + m.chardevs.begin()->first + ": stdio and file chardevs are for -M pc's ISA devices");
  }
  for (const machine::IsaDevice& d : m.isa_devices)
    if (!d.chardev.empty() && !m.chardevs.count(d.chardev))
      return make_error("-device isa-debugcon: no -chardev with id '" + d.chardev + "'");
  return {};
}

}  // namespace

std::string usage() {
  return R"(usage: kiln [options]
With no options, runs a built-in RISC-V demo guest.

  -M spike|virt|pc      machine (board); spike: RV64GC, HTIF; virt: QEMU's RISC-V virt board;
                        pc: x86 from the reset vector, -bios ROM, ISA debug devices (a start)
  -M virt,dumpdtb=FILE  write the device tree the guest would get and exit
  -M pc,kernel-entry=E  how -kernel starts: linux (a bzImage's 32-bit entry), pvh (an ELF's or a
                        bzImage's vmlinux's PVH entry), multiboot, multiboot2; default: by the file
  -M NAME,accel=A       the same as -accel A
  -cpu MODEL            the CPU model: rv64|max on spike and virt (RV64GC); on -M pc 286, 386, 486,
                        pentium, pentium3, qemu64 (the default) or max
  -cpu MODEL,+F,-F,F=on|off  -M pc: CPUID features added or removed by QEMU's names (sse, popcnt, nx...);
                        only features Kiln implements can be added
  -m SIZE               guest RAM (default 128M; suffixes K, M, G)
  -smp [cpus=]N[,maxcpus=M,sockets=S,dies=D,clusters=C,cores=C,threads=T]
                        harts (virt: 1 to 8, run in turn on one host thread)
  -bios FILE|none       firmware (virt default: Debian's OpenSBI fw_dynamic.bin;
                        pc: a 64 KiB to 256 KiB ROM image, default Debian's SeaBIOS
                        bios-256k.bin; none with -kernel)
  -kernel FILE          program or kernel (ELF, RISC-V Linux Image, or raw binary; -M pc: an x86 bzImage)
  -initrd FILE          initial ramdisk (virt, pc)
  -append STRING        kernel command line (virt, pc)
  -dtb FILE             use this device tree instead of the generated one (virt)
  -drive file=F,format=raw,if=virtio[,snapshot=on][,readonly=on]   a virtio block device (virt)
  -drive file=F,format=raw,if=ide[,index=N][,media=cdrom][,snapshot=on][,readonly=on]
                        (pc) an IDE disk or ATAPI CD-ROM; index 0-3: primary master/slave, secondary master/slave
  -hda/-hdb/-hdc/-hdd F (pc) an IDE disk at index 0-3;  -cdrom F  (pc) a CD-ROM at index 2
  -drive file=F,format=raw,if=floppy[,index=0|1][,snapshot=on][,readonly=on]
                        (pc) a floppy disk in drive A: (index 0) or B: (1): a 720K, 1.2M, 1.44M or 2.88M image
  -fda/-fdb F           (pc) a floppy disk in drive A: / B:
  -boot [order=]DRIVES  (pc) the firmware's boot order: a floppy, c hard disk, d CD-ROM, n network
                        (default cad); e.g. -boot a
  -device virtio-rng-device | virtio-serial-device   an entropy source / a console (hvc0) (virt)
  -device isa-debug-exit[,iobase=N,iosize=N]   (pc) a write of v exits with status (v << 1) | 1
  -device isa-debugcon[,iobase=N],chardev=ID   (pc) bytes written to the port go to chardev ID
  -chardev stdio|file,id=ID[,path=F]           a host side for isa-debugcon
  -debugcon stdio|null|none|file:F             (pc) an isa-debugcon at port 0xE9
  -serial stdio|mon:stdio   the UART on the terminal (the default; Ctrl-A x quits)
  -serial null|none|file:PATH|pty|unix:PATH[,server=on]
                        output dropped, to a file, a new pseudo-terminal, or a Unix socket
  -device pci-testdev[,romfile=F]              (pc) a PCI device carrying expansion ROM F
  -device pc-testdev    (pc) QEMU's test ports for kvm-unit-tests: scratch at 0xE0/0xE8, IRQ lines at
                        0x2000+n, 64 KiB of MMIO scratch at 0xFF000000
  -device e1000[,mac=M][,romfile=[F]]          (pc) an Intel 82540EM NIC on a null network (frames sent are
                        dropped, none arrive) with iPXE's ROM (Debian's ipxe-qemu; romfile= for none)
  -nic none | -net none (pc) accepted: Kiln adds no NIC unless -device e1000 asks
  -option-rom FILE      (pc) an ISA option ROM the BIOS runs (fw_cfg's genroms/FILE's name)
  -vga std|none         (pc) QEMU's standard VGA with Bochs VBE and Debian's SeaVGABIOS as its ROM
                        (the default when a BIOS boots; none with -kernel)
  -screendump FILE      (pc) at exit, write the VGA's text screen to FILE (one line a row)
  -nodefaults           no default devices: no VGA, and the serial port is unconnected unless -serial names one
  -monitor none         accepted (Kiln has no monitor)
  -display none         accepted (no display window yet; see -screendump)
  -vnc none             accepted (Kiln has no VNC server)
  -no-reboot            exit instead of rebooting
  -rtc base=utc|localtime|DATE   (pc) the RTC's start: the host's time in UTC (the default) or
                        local time, or a date such as 2006-06-17T16:01:21
  -nographic            no display (the only mode so far)
  -accel jit|interp     execution tier: hot code compiled with LLVM (default) or the interpreter only
  -accel tcg            the default tier (QEMU's name for its software engine)
  -accel jit,threshold=N,straight=M,optimize=K,sync=on
                        compile a block heading a loop after N runs (40000),
                        other code after M (100000); a small region again,
                        optimised, after K runs in native code (300000;
                        0: at once); sync: wait for the code (tests)
  -s                    shorthand for -gdb tcp::1234
  -gdb tcp::PORT | tcp:HOST:PORT | unix:PATH | chardev:ID
                        serve the GDB remote protocol there (tcp: 127.0.0.1 unless HOST;
                        port 0: a free port, printed on stderr)
  -chardev socket,id=ID,path=P[,server=on,wait=off]   a socket for -gdb chardev:ID
  -S                    start halted: wait for gdb before the first instruction
  -d LIST               log categories: in_asm,op,int,exec,cpu,unimp,guest_errors
  -D FILE               write the -d log to FILE
  --stats               print execution statistics on exit
  -h, --help            this help
  --version             version
Exit status: the guest's code (HTIF exit, isa-debug-exit), 0 on guest power-off (and on a reset with -no-reboot),
2 for bad arguments or images,
4 when an x86 CPU halts with nothing left to wake it (pc), 6 on an x86 triple fault with -no-reboot (pc),
128+N after signal N (SIGTERM, SIGINT, SIGHUP: disk images are synced first).
)";
}

Result<Options> parse_args(const std::vector<std::string>& args) {
  Options o;
  std::map<std::string, std::string> chardevs;
  std::string gdb_spec, cpu;
  bool serial_given = false, nodefaults = false, rtc_given = false;
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
    auto value_nonempty = [&](std::string* out) -> Status {
      if (Status s = value(out); !s) return s;
      if (out->empty()) return make_error("option '" + a + "' needs a non-empty argument");
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
      if (Status s = parse_smp(v, &o.machine); !s) return make_error(s.error());
    } else if (opt == "-initrd") {
      if (Status s = value_nonempty(&o.machine.initrd); !s) return make_error(s.error());
    } else if (opt == "-append") {
      if (Status s = value(&o.machine.append); !s) return make_error(s.error());
    } else if (opt == "-dtb") {
      if (Status s = value_nonempty(&o.machine.dtb); !s) return make_error(s.error());
    } else if (opt == "-rtc") {
      if (Status s = value(&v); !s) return make_error(s.error());
      if (Status s = parse_rtc(v, &o.machine); !s) return make_error(s.error());
      rtc_given = true;
    } else if (opt == "-no-reboot") {
      o.machine.no_reboot = true;
    } else if (opt == "-drive") {
      if (Status s = value(&v); !s) return make_error(s.error());
      if (Status s = parse_drive(v, &o.machine); !s) return make_error(s.error());
    } else if (opt == "-fda" || opt == "-fdb") {
      if (Status s = value_nonempty(&v); !s) return make_error(s.error());
      add_floppy_drive(v, opt == "-fda" ? 0 : 1, &o.machine);
    } else if (opt == "-boot") {
      if (Status s = value(&v); !s) return make_error(s.error());
      if (Status s = parse_boot(v, &o.machine); !s) return make_error(s.error());
    } else if (opt == "-hda" || opt == "-hdb" || opt == "-hdc" || opt == "-hdd" || opt == "-cdrom") {
      if (Status s = value_nonempty(&v); !s) return make_error(s.error());
      add_ide_drive(v, opt == "-cdrom" ? 2 : opt[3] - 'a', opt == "-cdrom", &o.machine);
    } else if (opt == "-device") {
      if (Status s = value(&v); !s) return make_error(s.error());
      std::string name = v.substr(0, v.find(','));
      if (name == "isa-debug-exit" || name == "isa-debugcon") {
        if (Status s = parse_isa_device(v, &o.machine); !s) return make_error(s.error());
      } else if (name == "pci-testdev" || name == "e1000") {
        if (Status s = parse_pci_device(v, &o.machine); !s) return make_error(s.error());
      } else if (name == "pc-testdev") {
        if (v != name && v.rfind("pc-testdev,id=", 0) != 0) return make_error("-device pc-testdev: it takes no options (but id=)");
        if (o.machine.pc_testdev) return make_error("-device pc-testdev: given twice (its ports are fixed)");
        o.machine.pc_testdev = true;
      } else if (name == "virtio-rng-device" || name == "virtio-serial-device") o.machine.virtio_devices.push_back(name);
      else if (name == "virtconsole") {
        // QEMU attaches a console port to a virtio-serial-device; Kiln's has one port already.
      } else return make_error("-device: unknown device '" + name + "' (available: virtio-rng-device, virtio-serial-device, isa-debug-exit, isa-debugcon, pci-testdev, pc-testdev, e1000)");
    } else if (opt == "-serial") {
      if (Status s = value(&v); !s) return make_error(s.error());
      if (serial_given) return make_error("-serial: given twice, and the board has one serial port");
      if (Status s = parse_serial(v, &o.machine); !s) return make_error(s.error());
      serial_given = true;
    } else if (opt == "-vga") {
      if (Status s = value(&v); !s) return make_error(s.error());
      if (v != "std" && v != "none") return make_error("-vga: unknown type '" + v + "' (available: std, none)");
      o.machine.vga = v;
    } else if (opt == "-screendump") {
      if (Status s = value_nonempty(&o.machine.screendump); !s) return make_error(s.error());
    } else if (opt == "-option-rom") {
      if (Status s = value_nonempty(&v); !s) return make_error(s.error());
      o.machine.option_roms.push_back(v);
    } else if (opt == "-nodefaults") {
      nodefaults = true;  // no default devices: the serial port stays unconnected unless -serial names one
    } else if (opt == "-nic" || opt == "-net") {
      if (Status s = value(&v); !s) return make_error(s.error());
      if (v != "none") return make_error(opt + ": only 'none' is accepted (a NIC: -device e1000)");
    } else if (opt == "-monitor") {
      if (Status s = value(&v); !s) return make_error(s.error());
      if (v != "none") return make_error("-monitor: Kiln has no monitor (only '-monitor none' is accepted)");
    } else if (opt == "-vnc") {
      if (Status s = value(&v); !s) return make_error(s.error());
      if (v != "none") return make_error("-vnc: only 'none' is available (Kiln has no VNC server)");
    } else if (opt == "-display") {
      if (Status s = value(&v); !s) return make_error(s.error());
      if (v != "none") return make_error("-display: only 'none' is available (Kiln has no display yet)");
    } else if (opt == "-cpu") {
      if (Status s = value(&cpu); !s) return make_error(s.error());
    } else if (opt == "-m") {
      if (Status s = value(&v); !s) return make_error(s.error());
      Result<uint64_t> size = parse_size(v);
      if (!size) return make_error(size.error());
      o.machine.ram_bytes = *size;
    } else if (opt == "-bios") {
      if (Status s = value_nonempty(&v); !s) return make_error(s.error());
      if (v == "none") o.machine.bios_none = true;
      else o.machine.bios = v;
    } else if (opt == "-kernel") {
      if (Status s = value_nonempty(&v); !s) return make_error(s.error());
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
      if (Status s = parse_chardev(v, &chardevs, &o.machine); !s) return make_error(s.error());
    } else if (opt == "-debugcon") {
      if (Status s = value(&v); !s) return make_error(s.error());
      if (Status s = parse_debugcon(v, &o.machine); !s) return make_error(s.error());
    } else if (opt == "-d") {
      if (Status s = value(&v); !s) return make_error(s.error());
      std::string bad;
      if (!parse_log_mask(v, &o.log_mask, &bad)) return make_error("-d: unknown log category '" + bad + "'");
    } else if (opt == "-D") {
      if (Status s = value_nonempty(&o.log_file); !s) return make_error(s.error());
    } else {
      return make_error("unknown option '" + a + "' (try --help)");
    }
  }
  if (nodefaults && !serial_given) o.machine.serial = "null";
  if (nodefaults && o.machine.vga.empty()) o.machine.vga = "none";
  if (o.machine.board != "pc") {
    if (!o.machine.vga.empty() && o.machine.vga != "none") return make_error("-vga std: a VGA is for -M pc (not -M " + o.machine.board + ")");
    if (!o.machine.screendump.empty()) return make_error("-screendump: the text screen is -M pc's VGA (not -M " + o.machine.board + ")");
    if (!o.machine.option_roms.empty()) return make_error("-option-rom: option ROMs are for -M pc's BIOS (not -M " + o.machine.board + ")");
    if (o.machine.pc_testdev) return make_error("-device pc-testdev: an ISA device, for -M pc (not -M " + o.machine.board + ")");
    if (!o.machine.pci_devices.empty()) return make_error("-device " + o.machine.pci_devices.front().driver + ": a PCI device, for -M pc (not -M " + o.machine.board + ")");
  }
  if (rtc_given && o.machine.board != "pc") return make_error("-rtc: only -M pc has an MC146818 RTC to set");
  if (!o.machine.boot_order.empty() && o.machine.board != "pc") return make_error("-boot: only -M pc has firmware that takes a boot order");
  if (Status s = check_isa_devices(o); !s) return make_error(s.error());
  if (!cpu.empty() && o.machine.board == "pc") {  // the board checks the name and the feature flags
    const size_t comma = cpu.find(',');
    o.machine.cpu_model = cpu.substr(0, comma);
    if (comma != std::string::npos) o.machine.cpu_flags = cpu.substr(comma + 1);
  } else if (!cpu.empty()) {  // both RISC-V boards have one CPU model: RV64GC with the privileged architecture
    std::vector<OptionPart> parts = split_options(cpu);
    if (parts[0].key != "rv64" && parts[0].key != "max")
      return make_error("-cpu: unknown CPU model '" + parts[0].key + "' for -M " + o.machine.board + " (available: rv64, max)");
    if (parts.size() > 1) return make_error("-cpu " + parts[0].key + ": CPU properties are not supported ('" + parts[1].key + "')");
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

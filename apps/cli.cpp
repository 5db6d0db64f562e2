#include "apps/cli.h"

#include <cerrno>
#include <cstdlib>

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

}  // namespace

std::string usage() {
  return R"(usage: kiln [options]
With no options, runs a built-in RISC-V demo guest.

  -M spike              machine (board); spike: RV64GC, RAM at 0x80000000, HTIF
  -m SIZE               guest RAM (default 128M; suffixes K, M, G)
  -bios FILE|none       firmware image (ELF or raw binary at the reset address)
  -kernel FILE          program or kernel (ELF or raw binary)
  -nographic            no display (the only mode so far)
  -accel interp         execution tier (the JIT tier is not built yet)
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
    } else if (opt == "-nographic") {
      // Nothing to do: no display device exists yet.
    } else if (opt == "-M" || opt == "-machine") {
      if (Status s = value(&v); !s) return make_error(s.error());
      o.machine.board = v.substr(0, v.find(','));
      if (o.machine.board != "spike") return make_error("unknown machine '" + o.machine.board + "' (available: spike)");
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
      if (v == "jit") return make_error("-accel jit: this build has no JIT tier yet; use -accel interp");
      if (v != "interp") return make_error("unknown accelerator '" + v + "' (available: interp)");
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
  return o;
}

}  // namespace kiln::apps

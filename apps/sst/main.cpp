// kiln-sst: runs SingleStepTests CPU test vectors (JSON, optionally gzip'd)
// against Kiln's x86 CPU through the engine and the chosen tier, exactly as
// the machine will run guest code. Each test sets registers and RAM, runs one
// instruction (a REP string instruction to completion; with --until-hlt, up
// to and including the HLT the 286 files append), delivers any exception
// through the IVT, and compares registers, FLAGS (under metadata.json's
// per-opcode flags-mask) and RAM. Prints the first mismatches and
// "N passed, M failed"; exit status 0 when all pass, 1 when some fail, 2 on
// bad input.
#include <zlib.h>

#include <cctype>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

#include "apps/sst/json.h"
#include "common/parse.h"
#include "machine/x86_bare.h"

namespace kiln::sst {
namespace {

struct Args {
  machine::X86Model model = machine::X86Model::I8086;
  bool jit = false;
  bool until_hlt = false;
  unsigned max_reports = 5;
  std::vector<std::string> files;
};

constexpr const char* kUsage =
    "usage: kiln-sst [--cpu 8086|286|386] [--accel interp|jit] [--until-hlt] [--max-reports N] FILE...\n"
    "Runs SingleStepTests CPU test files (JSON, optionally gzip-compressed): one instruction per test,\n"
    "registers, flags (under metadata.json's flags-mask) and RAM compared. Prints 'N passed, M failed';\n"
    "exit status 0 when all pass, 1 when some fail, 2 on bad arguments or files.\n";

// Bad arguments: one line, exit status 2.
int usage(const char* msg) {
  std::fprintf(stderr, "kiln-sst: %s (try --help)\n", msg);
  return 2;
}

// Reads a file, inflating it when it is gzip-compressed.
Result<std::string> read_file(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) return make_error("cannot open " + path);
  std::string out;
  char buf[1 << 16];
  int n;
  while ((n = gzread(f, buf, sizeof buf)) > 0) out.append(buf, size_t(n));
  bool bad = n < 0;
  gzclose(f);
  if (bad) return make_error("cannot read " + path + " (corrupt gzip data?)");
  return out;
}

std::string dir_of(const std::string& path) {
  size_t s = path.rfind('/');
  return s == std::string::npos ? "." : path.substr(0, s);
}
std::string base_of(const std::string& path) {
  size_t s = path.rfind('/');
  return s == std::string::npos ? path : path.substr(s + 1);
}

// The flags mask for the file's opcode ("F6.6.json.gz": opcode F6, reg 6),
// from metadata.json beside it; all ones when there is none.
uint16_t flags_mask(const Json* meta, const std::string& file) {
  if (!meta) return 0xffff;
  std::string name = base_of(file);
  std::string op = name.substr(0, name.find('.'));
  std::string rest = name.substr(op.size());
  const Json* ops = meta->get("opcodes");
  const Json* entry = ops ? ops->get(op) : nullptr;
  if (!entry) return 0xffff;
  if (rest.size() >= 2 && rest[0] == '.' && std::isdigit(static_cast<unsigned char>(rest[1]))) {
    const Json* regs = entry->get("reg");
    const Json* r = regs ? regs->get(std::string(1, rest[1])) : nullptr;
    if (r) entry = r;
  }
  return uint16_t(entry->num("flags-mask", 0xffff));
}

std::set<std::string> revoked_hashes(const std::string& dir) {
  std::set<std::string> out;
  std::ifstream in(dir + "/revocation_list.txt");
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    out.insert(line.substr(0, line.find_first_of(" \t\r")));
  }
  return out;
}

// The registers in X86Regs's order; the 386's files name them as 32-bit registers and add FS and GS.
constexpr unsigned kFlagsIndex = 13, kSpIndex = 8;
constexpr const char* kRegNames16[] = {"ax", "bx", "cx", "dx", "cs", "ss", "ds", "es",
                                       "sp", "bp", "si", "di", "ip", "flags"};
constexpr const char* kRegNames32[] = {"eax", "ebx", "ecx", "edx", "cs", "ss", "ds", "es",
                                       "esp", "ebp", "esi", "edi", "eip", "eflags", "fs", "gs"};
// The 386's EFLAGS bits 18-31 do not exist (its files list them as ones): compared are 0-17 (up to VM).
constexpr uint32_t kEflags386 = 0x3ffff;

uint32_t* reg_slot(machine::X86Regs& r, unsigned i) {
  uint32_t* wide[] = {&r.ax, &r.bx, &r.cx, &r.dx, nullptr, nullptr, nullptr, nullptr,
                      &r.sp, &r.bp, &r.si, &r.di, &r.ip, &r.flags, nullptr, nullptr};
  return wide[i];
}
uint16_t* sreg_slot(machine::X86Regs& r, unsigned i) {
  uint16_t* narrow[] = {nullptr, nullptr, nullptr, nullptr, &r.cs, &r.ss, &r.ds, &r.es,
                        nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, &r.fs, &r.gs};
  return narrow[i];
}

class Runner {
 public:
  Runner(const Args& a, std::unique_ptr<machine::X86Bare> m)
      : args_(a), m_(std::move(m)), is386_(a.model == machine::X86Model::I386),
        names_(is386_ ? kRegNames32 : kRegNames16), nregs_(is386_ ? 16 : 14) {}

  // Runs one test; returns "" when it passes, else what differed.
  std::string run(const Json& test, uint16_t mask) {
    const Json* init = test.get("initial");
    const Json* fin = test.get("final");
    if (!init || !fin || !init->get("regs") || !fin->get("regs")) return "malformed test (no initial/final regs)";
    // Under the JIT, a first run compiles the block (its first execution is interpreted): run it again natively.
    for (int pass = 0; pass < (args_.jit ? 2 : 1); pass++) {
      load(*init);
      if (pass == 0) m_->code_changed();
      execute();
    }
    return compare(*init, *fin, mask, test);
  }

 private:
  void load(const Json& init) {
    const Json& r = *init.get("regs");
    machine::X86Regs regs{};
    for (unsigned i = 0; i < nregs_; i++) set(regs, i, uint32_t(r.num(names_[i])));
    m_->set_regs(regs);
    if (const Json* ram = init.get("ram"))
      for (const Json& e : ram->items)
        if (e.items.size() == 2) m_->ram()[uint64_t(e.items[0].number) % m_->ram_size()] = uint8_t(e.items[1].number);
  }

  void execute() {
    if (!args_.until_hlt) {
      m_->step();
      return;
    }
    for (int i = 0; i < 1000; i++)
      if (m_->step()) break;
  }

  std::string compare(const Json& init, const Json& fin, uint16_t mask, const Json& test) {
    const Json& ir = *init.get("regs");
    const Json& fr = *fin.get("regs");
    machine::X86Regs r = m_->regs();
    std::ostringstream out;
    char line[160];
    const uint32_t width = is386_ ? 0xffffffffu : 0xffffu;
    for (unsigned i = 0; i < nregs_; i++) {
      uint32_t want = uint32_t(fr.num(names_[i], ir.num(names_[i]))) & width;
      uint32_t have = get(r, i);
      if (i == kFlagsIndex) {
        // The 286 clears bits 12-15 of the initial value in real mode (IOPL and NT stay 0); the 386 keeps them.
        if (args_.model == machine::X86Model::I286 && !fr.get(names_[i])) want &= 0x0fff;
        const uint32_t m = is386_ ? (mask | 0xffff0000u) & kEflags386 : mask;
        want &= m;
        have &= m;
      }
      if (want != have) {
        std::snprintf(line, sizeof line, " %s=%0*x (expected %0*x)", names_[i], is386_ ? 8 : 4, have, is386_ ? 8 : 4, want);
        out << line;
      }
    }
    // Pushed FLAGS (an exception's frame) hold the same undefined bits: compare them under the mask too.
    // The frame is found from the final SS:SP (the 8086 files do not mark
    // exceptions; the 286 files' `flag_address` is one below the pushed FLAGS
    // in every sample test, so it is not used).
    uint64_t flag_addr = ~0ull;
    const char* sp = names_[kSpIndex];
    const bool frame = test.get("exception") ||
                       (fr.get("cs") && fr.get(sp) && uint16_t(fr.num(sp)) == uint16_t(ir.num(sp) - 6));
    if (frame) flag_addr = (uint64_t(uint16_t(fr.num("ss", ir.num("ss")))) << 4) + uint16_t(fr.num(sp, ir.num(sp)) + 4);
    if (const Json* ram = fin.get("ram")) {
      for (const Json& e : ram->items) {
        if (e.items.size() != 2) continue;
        uint64_t addr = uint64_t(e.items[0].number) % m_->ram_size();
        uint8_t want = uint8_t(e.items[1].number), have = m_->ram()[addr];
        if (addr == flag_addr % m_->ram_size() || addr == (flag_addr + 1) % m_->ram_size()) {
          uint8_t m = uint8_t(addr == flag_addr % m_->ram_size() ? mask : mask >> 8);
          want &= m;
          have &= m;
        }
        if (want != have) {
          std::snprintf(line, sizeof line, " [%05" PRIx64 "]=%02x (expected %02x)", addr, have, want);
          out << line;
        }
      }
    }
    return out.str();
  }

  static void set(machine::X86Regs& r, unsigned i, uint32_t v) {
    if (uint32_t* w = reg_slot(r, i)) *w = v;
    else *sreg_slot(r, i) = uint16_t(v);
  }
  static uint32_t get(machine::X86Regs& r, unsigned i) {
    if (uint32_t* w = reg_slot(r, i)) return *w;
    return *sreg_slot(r, i);
  }

  const Args& args_;
  std::unique_ptr<machine::X86Bare> m_;
  bool is386_;
  const char* const* names_;
  unsigned nregs_;
};

int run(const Args& a) {
  Result<std::unique_ptr<machine::X86Bare>> m = machine::X86Bare::create(a.model, a.jit);
  if (!m) {
    std::fprintf(stderr, "kiln-sst: %s\n", m.error().c_str());
    return 2;
  }
  Runner runner(a, std::move(*m));
  unsigned passed = 0, failed = 0, skipped = 0, reported = 0;
  for (const std::string& file : a.files) {
    Result<std::string> text = read_file(file);
    if (!text) {
      std::fprintf(stderr, "kiln-sst: %s\n", text.error().c_str());
      return 2;
    }
    Result<Json> tests = parse_json(*text);
    if (!tests || tests->kind != Json::Kind::Array) {
      std::fprintf(stderr, "kiln-sst: %s: %s\n", file.c_str(), tests ? "not an array of tests" : tests.error().c_str());
      return 2;
    }
    std::unique_ptr<Json> meta;
    if (Result<std::string> m = read_file(dir_of(file) + "/metadata.json")) {
      Result<Json> parsed = parse_json(*m);
      if (!parsed) {
        std::fprintf(stderr, "kiln-sst: %s/metadata.json: %s\n", dir_of(file).c_str(), parsed.error().c_str());
        return 2;
      }
      meta = std::make_unique<Json>(std::move(*parsed));
    }
    const uint16_t mask = flags_mask(meta.get(), file);
    const std::set<std::string> revoked = revoked_hashes(dir_of(file));
    for (const Json& t : tests->items) {
      const Json* h = t.get("test_hash");
      if (!h) h = t.get("hash");
      if (h && revoked.count(h->text)) {
        skipped++;
        continue;
      }
      std::string diff = runner.run(t, mask);
      if (diff.empty()) {
        passed++;
        continue;
      }
      failed++;
      if (reported++ < a.max_reports) {
        const Json* name = t.get("name");
        std::printf("FAIL %s #%u %s:%s\n", base_of(file).c_str(), unsigned(&t - tests->items.data()),
                    name ? name->text.c_str() : "?", diff.c_str());
      }
    }
  }
  if (skipped) std::printf("%u revoked tests skipped\n", skipped);
  std::printf("%u passed, %u failed\n", passed, failed);
  return failed ? 1 : 0;
}

}  // namespace
}  // namespace kiln::sst

int main(int argc, char** argv) {
  kiln::sst::Args a;
  for (int i = 1; i < argc; i++) {
    std::string s = argv[i];
    auto next = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    if (s == "--cpu") {
      const char* v = next();
      if (!v) return kiln::sst::usage("--cpu needs a value");
      if (std::strcmp(v, "8086") == 0) a.model = kiln::machine::X86Model::I8086;
      else if (std::strcmp(v, "286") == 0) a.model = kiln::machine::X86Model::I286;
      else if (std::strcmp(v, "386") == 0) a.model = kiln::machine::X86Model::I386;
      else return kiln::sst::usage("--cpu must be 8086, 286 or 386");
    } else if (s == "--accel") {
      const char* v = next();
      if (!v || (std::strcmp(v, "interp") != 0 && std::strcmp(v, "jit") != 0))
        return kiln::sst::usage("--accel must be interp or jit");
      a.jit = std::strcmp(v, "jit") == 0;
    } else if (s == "--help" || s == "-h") {
      std::fputs(kiln::sst::kUsage, stdout);
      return 0;
    } else if (s == "--until-hlt") {
      a.until_hlt = true;
    } else if (s == "--max-reports") {
      const char* v = next();
      std::optional<uint64_t> n = v ? kiln::parse_u64(v) : std::nullopt;
      if (!n || *n > 1000000) return kiln::sst::usage("--max-reports needs a number (0 to 1000000)");
      a.max_reports = unsigned(*n);
    } else if (!s.empty() && s[0] == '-') {
      return kiln::sst::usage(("unknown option " + s).c_str());
    } else {
      a.files.push_back(s);
    }
  }
  if (a.files.empty()) return kiln::sst::usage("no test files given");
  return kiln::sst::run(a);
}

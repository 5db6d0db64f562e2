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

#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include "apps/sst/json.h"
#include "common/log.h"
#include "cpu/x86/cpu.h"
#include "cpu/x86/flags.h"
#include "engine/engine.h"
#include "jit/jit.h"

namespace kiln::sst {
namespace {

struct Args {
  x86::Model model = x86::Model::I8086;
  bool jit = false;
  bool until_hlt = false;
  unsigned max_reports = 5;
  std::vector<std::string> files;
};

int usage(const char* msg) {
  std::fprintf(stderr, "kiln-sst: %s\nusage: kiln-sst [--cpu 8086|286] [--accel interp|jit] [--until-hlt] FILE...\n", msg);
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

constexpr const char* kRegNames[] = {"ax", "bx", "cx", "dx", "cs", "ss", "ds", "es", "sp", "bp", "si", "di", "ip", "flags"};

class Runner {
 public:
  Runner(const Args& a, jit::Jit* j) : args_(a) {
    const uint64_t ram = a.model == x86::Model::I8086 ? (1u << 20) : (16u << 20);
    Status s = map_.add_ram("ram", 0, ram);
    (void)s;
    ram_ = map_.host_ptr(0, ram);
    ram_size_ = ram;
    cpu_ = std::make_unique<x86::X86Cpu>(map_, a.model);
    engine::Options o;
    o.max_block_insns = 1;
    o.verify_ir = true;  // the IR of every instruction checked after every pass
    o.jit = j;
    o.jit_threshold = o.jit_straight_threshold = 1;
    o.jit_sync = true;
    engine_ = std::make_unique<engine::Engine>(*cpu_, map_, log_, o);
  }

  // Runs one test; returns "" when it passes, else what differed.
  std::string run(const Json& test, uint16_t mask) {
    const Json* init = test.get("initial");
    const Json* fin = test.get("final");
    if (!init || !fin || !init->get("regs") || !fin->get("regs")) return "malformed test (no initial/final regs)";
    engine_->flush_all();
    // Under the JIT, a first run compiles the block (the first execution is interpreted): run it again natively.
    for (int pass = 0; pass < (args_.jit ? 2 : 1); pass++) {
      load(*init);
      execute(test);
    }
    return compare(*init, *fin, mask, test);
  }

 private:
  uint16_t reg_value(const Json& regs, const char* name, uint16_t fallback) { return uint16_t(regs.num(name, fallback)); }

  void load(const Json& init) {
    x86::X86State& s = cpu_->s();
    const Json& r = *init.get("regs");
    const unsigned gpr_of[] = {x86::AX, x86::BX, x86::CX, x86::DX};
    const char* gnames[] = {"ax", "bx", "cx", "dx"};
    for (unsigned i = 0; i < 4; i++) s.gpr[gpr_of[i]] = uint16_t(r.num(gnames[i]));
    s.gpr[x86::SP] = uint16_t(r.num("sp"));
    s.gpr[x86::BP] = uint16_t(r.num("bp"));
    s.gpr[x86::SI] = uint16_t(r.num("si"));
    s.gpr[x86::DI] = uint16_t(r.num("di"));
    cpu_->set_sreg(x86::ES, uint16_t(r.num("es")));
    cpu_->set_sreg(x86::SS, uint16_t(r.num("ss")));
    cpu_->set_sreg(x86::DS, uint16_t(r.num("ds")));
    cpu_->set_cs_ip(uint16_t(r.num("cs")), uint16_t(r.num("ip")));
    x86::write_flags(s, uint32_t(r.num("flags")));
    s.fault = 0;
    if (const Json* ram = init.get("ram"))
      for (const Json& e : ram->items)
        if (e.items.size() == 2) ram_[uint64_t(e.items[0].number) % ram_size_] = uint8_t(e.items[1].number);
  }

  void execute(const Json& test) {
    if (args_.until_hlt) {
      for (int i = 0; i < 1000; i++)
        if (engine_->run_for(1) == engine::Engine::SliceEnd::Idle) break;
    } else {
      engine_->run_for(1);
    }
  }

  std::string compare(const Json& init, const Json& fin, uint16_t mask, const Json& test) {
    x86::X86State& s = cpu_->s();
    const Json& ir = *init.get("regs");
    const Json& fr = *fin.get("regs");
    uint16_t got[14] = {uint16_t(s.gpr[x86::AX]), uint16_t(s.gpr[x86::BX]), uint16_t(s.gpr[x86::CX]),
                        uint16_t(s.gpr[x86::DX]), s.seg[x86::CS].selector, s.seg[x86::SS].selector,
                        s.seg[x86::DS].selector, s.seg[x86::ES].selector, uint16_t(s.gpr[x86::SP]),
                        uint16_t(s.gpr[x86::BP]), uint16_t(s.gpr[x86::SI]), uint16_t(s.gpr[x86::DI]),
                        cpu_->ip(), uint16_t(x86::read_flags(s))};
    std::ostringstream out;
    char line[160];
    for (unsigned i = 0; i < 14; i++) {
      uint16_t want = uint16_t(fr.num(kRegNames[i], ir.num(kRegNames[i])));
      uint16_t have = got[i];
      if (i == 13) {
        if (args_.model != x86::Model::I8086 && !fr.get("flags")) want &= 0x0fff;  // the initial value's bits 12-15
        want &= mask;
        have &= mask;
      }
      if (want != have) {
        std::snprintf(line, sizeof line, " %s=%04x (expected %04x)", kRegNames[i], have, want);
        out << line;
      }
    }
    // Pushed FLAGS (an exception's frame) hold the same undefined bits: compare them under the mask too.
    // The frame is found from the final SS:SP (the 8086 files do not mark
    // exceptions; the 286 files' `flag_address` is one below the pushed FLAGS
    // in every sample test, so it is not used).
    uint64_t flag_addr = ~0ull;
    const bool frame = test.get("exception") ||
                       (fr.get("cs") && fr.get("sp") && uint16_t(fr.num("sp")) == uint16_t(ir.num("sp") - 6));
    if (frame) flag_addr = (uint64_t(uint16_t(fr.num("ss", ir.num("ss")))) << 4) + uint16_t(fr.num("sp", ir.num("sp")) + 4);
    if (const Json* ram = fin.get("ram")) {
      for (const Json& e : ram->items) {
        if (e.items.size() != 2) continue;
        uint64_t addr = uint64_t(e.items[0].number) % ram_size_;
        uint8_t want = uint8_t(e.items[1].number), have = ram_[addr];
        if (addr == flag_addr % ram_size_ || addr == (flag_addr + 1) % ram_size_) {
          uint8_t m = uint8_t(addr == flag_addr % ram_size_ ? mask : mask >> 8);
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

  const Args& args_;
  Log log_;
  mem::PhysMap map_;
  uint8_t* ram_ = nullptr;
  uint64_t ram_size_ = 0;
  std::unique_ptr<x86::X86Cpu> cpu_;
  std::unique_ptr<engine::Engine> engine_;
};

int run(const Args& a) {
  std::unique_ptr<jit::Jit> j;
  if (a.jit) {
    std::string error;
    j = jit::create(&error);
    if (!j) {
      std::fprintf(stderr, "kiln-sst: the JIT is not available: %s\n", error.c_str());
      return 2;
    }
  }
  Runner runner(a, j.get());
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
      if (std::strcmp(v, "8086") == 0) a.model = kiln::x86::Model::I8086;
      else if (std::strcmp(v, "286") == 0) a.model = kiln::x86::Model::I286;
      else return kiln::sst::usage("--cpu must be 8086 or 286");
    } else if (s == "--accel") {
      const char* v = next();
      if (!v || (std::strcmp(v, "interp") != 0 && std::strcmp(v, "jit") != 0))
        return kiln::sst::usage("--accel must be interp or jit");
      a.jit = std::strcmp(v, "jit") == 0;
    } else if (s == "--until-hlt") {
      a.until_hlt = true;
    } else if (s == "--max-reports") {
      const char* v = next();
      if (!v) return kiln::sst::usage("--max-reports needs a number");
      a.max_reports = unsigned(std::strtoul(v, nullptr, 10));
    } else if (!s.empty() && s[0] == '-') {
      return kiln::sst::usage(("unknown option " + s).c_str());
    } else {
      a.files.push_back(s);
    }
  }
  if (a.files.empty()) return kiln::sst::usage("no test files given");
  return kiln::sst::run(a);
}

// The `pc` board (-M pc) as issue 13 needs it: one x86 CPU from the reset
// vector, RAM, a -bios ROM image (machine/pc.h has the map) and the ISA
// debugging devices on the I/O port space. A CPU that halts with nothing left
// to wake it ends the run with one line and pc::kExitHalted.
#include <cstdio>
#include <map>

#include "cpu/x86/cpu.h"
#include "cpu/x86/debug.h"
#include "devices/pc/isa_debug_exit.h"
#include "devices/pc/isa_debugcon.h"
#include "engine/events.h"
#include "firmware/elf.h"
#include "machine/chardev.h"
#include "machine/debug.h"
#include "machine/machine.h"
#include "machine/pc.h"
#include "mem/port_space.h"

namespace kiln::machine {

namespace {

// The -cpu models (QEMU's names where QEMU has the model; 286 and 386 for
// CPU test ROMs). The default is QEMU's: qemu64.
struct CpuModel {
  const char* name;
  x86::Model model;
};
constexpr CpuModel kCpuModels[] = {
    {"286", x86::Model::I286},         {"386", x86::Model::I386},          {"486", x86::Model::I486},
    {"pentium", x86::Model::Pentium}, {"pentium3", x86::Model::Pentium3}, {"qemu64", x86::Model::X64},
    {"max", x86::Model::X64},
};

class Pc final : public Machine {
 public:
  explicit Pc(Log& log) : log_(log) {}

  Status build(const Config& cfg) {
    if (Status s = refuse_unsupported(cfg); !s) return s;
    Result<std::vector<uint8_t>> bios = read_bios(cfg);
    if (!bios) return make_error(bios.error());
    if (Status s = map_memory(cfg.ram_bytes, *bios); !s) return s;
    auto j = make_jit(cfg);
    if (!j) return make_error(j.error());
    jit_ = std::move(*j);
    x86::Model model = x86::Model::X64;
    if (!cfg.cpu_model.empty()) {
      const CpuModel* found = nullptr;
      for (const CpuModel& m : kCpuModels)
        if (cfg.cpu_model == m.name) found = &m;
      if (!found) return make_error("-cpu: unknown CPU model '" + cfg.cpu_model + "' for -M pc (available: " + cpu_model_names() + ")");
      model = found->model;
    }
    no_reboot_ = cfg.no_reboot;
    cpu_ = std::make_unique<x86::X86Cpu>(map_, model);
    cpu_->set_log(&log_);  // -d int
    cpu_->s().ports = &ports_;
    engine_ = std::make_unique<engine::Engine>(*cpu_, map_, log_,
                                               engine::Options{64, cfg.verify_ir, jit_.get(), cfg.jit_threshold, cfg.jit_straight_threshold,
                                                               cfg.jit_sync, cfg.stats, cfg.jit_optimize_after});
    engine_->set_events(&events_);
    for (const IsaDevice& d : cfg.isa_devices)
      if (Status s = add_device(cfg, d); !s) return s;
    return {};
  }

  int run() override {
    for (;;) {
      switch (engine_->run_for(0)) {
        case engine::Engine::SliceEnd::Stopped:
          return engine_->stop_code();
        case engine::Engine::SliceEnd::Idle:
          if (engine_->stop_requested()) break;  // asked to stop before the HLT: the next slice says Stopped
          if (int code = halted(); code >= 0) return code;
          break;
        default:
          break;
      }
    }
  }
  void request_stop(int code) override {
    events_.post([this, code] { engine_->request_stop(code); });
  }
  // The CPU under gdb (cpu/x86/debug.h), made on first use. A CPU halted for
  // good ends the run as it does without gdb (gdb sees the exit status).
  cpu::DebugSystem* debug() override {
    if (!debug_) {
      std::vector<DebugHart> harts;
      harts.push_back({cpu_.get(), engine_.get(), std::make_unique<x86::X86DebugTarget>(*cpu_)});
      debug_ = std::make_unique<MachineDebug>(std::move(harts), events_, jit_.get(), nullptr, [this] { return halted(); });
    }
    return debug_.get();
  }
  RunStats stats() const override {
    return {cpu_->s().insns_retired, engine_->stats(), jit_ ? jit_->stats() : jit::Stats{}, jit_ != nullptr};
  }

 private:
  // What this board does not have yet is refused, never silently ignored.
  static Status refuse_unsupported(const Config& cfg) {
    auto refuse = [](const std::string& what) { return make_error("-M pc does not support " + what + " yet"); };
    if (cfg.smp != 1) return refuse("-smp " + std::to_string(cfg.smp));
    if (!cfg.kernel.empty()) return refuse("-kernel");
    if (!cfg.initrd.empty()) return refuse("-initrd");
    if (!cfg.append.empty()) return refuse("-append");
    if (!cfg.dtb.empty()) return make_error("-M pc does not support -dtb (a device tree is for -M virt)");
    if (!cfg.drives.empty()) return refuse("-drive");
    if (!cfg.virtio_devices.empty()) return refuse("-device " + cfg.virtio_devices.front());
    if (!cfg.dumpdtb.empty()) return make_error("-M pc does not support dumpdtb (a device tree is for -M virt)");
    // No serial port yet: its output would go nowhere, which is what stdio and null/none can mean today.
    if (cfg.serial != "stdio" && cfg.serial != "null") return refuse("-serial " + cfg.serial + " (no serial port)");
    return {};
  }

  static Result<std::vector<uint8_t>> read_bios(const Config& cfg) {
    if (cfg.bios.empty() || cfg.bios_none)
      return make_error("-M pc needs -bios FILE: a ROM image of 64 KiB to 256 KiB (Debian's SeaBIOS becomes the default later)");
    Result<std::vector<uint8_t>> data = firmware::read_file(cfg.bios, pc::kBiosMaxBytes, "the largest PC BIOS image");
    if (!data) return make_error("-bios: " + data.error());
    if (data->empty() || data->size() % pc::kBiosUnit != 0)
      return make_error("-bios: '" + cfg.bios + "' is " + std::to_string(data->size()) +
                        " bytes; a PC BIOS image is 64, 128, 192 or 256 KiB");
    return data;
  }

  // RAM from 0 to the mirror and from 1 MiB on (above 4 GiB past kLowRamMaxEnd);
  // the image below 4 GiB and its mirror below 1 MiB, both read-only.
  Status map_memory(uint64_t ram_bytes, const std::vector<uint8_t>& bios) {
    const uint64_t mirror_bytes = std::min<uint64_t>(bios.size(), pc::kMirrorMaxBytes);
    const uint64_t mirror_base = pc::kMirrorTop - mirror_bytes;
    const uint64_t below_4g = std::min(ram_bytes, pc::kLowRamMaxEnd);
    if (Status s = map_.add_ram("low RAM", 0, std::min(below_4g, mirror_base)); !s) return s;
    if (below_4g > pc::kMirrorTop)
      if (Status s = map_.add_ram("RAM", pc::kMirrorTop, below_4g - pc::kMirrorTop); !s) return s;
    if (ram_bytes > below_4g)
      if (Status s = map_.add_ram("RAM above 4 GiB", pc::kHighRamBase, ram_bytes - below_4g); !s) return s;
    if (Status s = map_.add_rom("bios", pc::kBiosTop - bios.size(), bios.data(), bios.size()); !s) return s;
    return map_.add_rom("isa-bios", mirror_base, bios.data() + bios.size() - mirror_bytes, mirror_bytes);
  }

  Status add_device(const Config& cfg, const IsaDevice& d) {
    mem::PortDevice* dev;
    if (d.driver == "isa-debug-exit") {
      debug_exits_.push_back(std::make_unique<devices::IsaDebugExit>([this](int status) { engine_->request_stop(status); }));
      dev = debug_exits_.back().get();
    } else {
      Result<std::FILE*> out = chardev_output(cfg, d.chardev);
      if (!out) return make_error(out.error());
      debugcons_.push_back(std::make_unique<devices::IsaDebugcon>(*out));
      dev = debugcons_.back().get();
    }
    if (Status s = ports_.add(d.driver, d.iobase, d.iosize, dev); !s) return make_error("-device " + s.error());
    return {};
  }

  // The host side of chardev `id`, opened once however many devices share it.
  Result<std::FILE*> chardev_output(const Config& cfg, const std::string& id) {
    if (auto open = chardevs_.find(id); open != chardevs_.end()) return open->second.out();
    auto spec = cfg.chardevs.find(id);
    if (spec == cfg.chardevs.end()) return make_error("-device isa-debugcon: no -chardev with id '" + id + "'");
    Result<Chardev> c = Chardev::open(spec->second, "-chardev id=" + id);
    if (!c) return make_error(c.error());
    return chardevs_.emplace(id, std::move(*c)).first->second.out();
  }

  // HLT with nothing left to wake the CPU: no device can interrupt yet, so
  // with IF set too the wait would never end.
  int halted() {
    const x86::X86State& s = cpu_->s();
    if (cpu_->shutdown()) {  // a triple fault: a PC resets (QEMU too), or with -no-reboot Kiln ends
      std::fprintf(stderr, "kiln: x86 triple fault (shutdown) at %04X:%08llX%s\n", s.seg[x86::CS].selector,
                   (unsigned long long)cpu_->ip(), no_reboot_ ? "" : "; resetting");
      if (no_reboot_) return pc::kExitTripleFault;
      cpu_->reset();
      return -1;
    }
    const uint16_t cs = s.seg[x86::CS].selector;
    const uint16_t hlt_ip = uint16_t(cpu_->ip() - 1);  // HLT's opcode byte, the last of the instruction
    if (s.flags & x86::fl::IF)
      std::fprintf(stderr, "kiln: CPU halted with nothing to wake it at %04X:%04X (IF=1, but no device can interrupt yet)\n", cs, hlt_ip);
    else
      std::fprintf(stderr, "kiln: CPU halted with interrupts disabled at %04X:%04X\n", cs, hlt_ip);
    return pc::kExitHalted;
  }

  static std::string cpu_model_names() {
    std::string out;
    for (const CpuModel& m : kCpuModels) out += std::string(out.empty() ? "" : ", ") + m.name;
    return out;
  }

  Log& log_;
  bool no_reboot_ = false;
  mem::PhysMap map_;
  mem::PortSpace ports_;
  engine::EventLoop events_;
  std::unique_ptr<jit::Jit> jit_;  // before the engine: it releases its code into it
  std::unique_ptr<x86::X86Cpu> cpu_;
  std::unique_ptr<engine::Engine> engine_;
  std::unique_ptr<MachineDebug> debug_;  // after the engine: it detaches from it first
  std::map<std::string, Chardev> chardevs_;  // before the devices that write to them, so closed after them
  std::vector<std::unique_ptr<devices::IsaDebugExit>> debug_exits_;
  std::vector<std::unique_ptr<devices::IsaDebugcon>> debugcons_;
};

}  // namespace

Result<std::unique_ptr<Machine>> create_pc(const Config& cfg, Log& log) {
  auto m = std::make_unique<Pc>(log);
  if (Status s = m->build(cfg); !s) return make_error(s.error());
  return std::unique_ptr<Machine>(std::move(m));
}

}  // namespace kiln::machine

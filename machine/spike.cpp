// The `spike` board (like Spike and QEMU's -M spike): RAM at 0x80000000,
// HTIF through the program's tohost/fromhost symbols, and a CLINT at 0x2000000
// (timer and software interrupts, the `time` CSR). Bare-metal programs are
// loaded from -kernel or -bios (ELF, or a raw binary at the reset address) and
// entered in M-mode with a0 = hart id.
#include <cinttypes>

#include "cpu/riscv/cpu.h"
#include "cpu/riscv/debug.h"
#include "devices/riscv/clint.h"
#include "devices/riscv/htif.h"
#include "engine/events.h"
#include "firmware/elf.h"
#include "machine/chardev.h"
#include "firmware/placement.h"
#include "machine/debug.h"
#include "machine/machine.h"
#include "machine/mip_line.h"

namespace kiln::machine {

namespace {

constexpr uint64_t kRamBase = 0x80000000;
constexpr uint64_t kClintBase = 0x2000000;

constexpr uint16_t kEmRiscv = 243;

class Spike final : public Machine {
 public:
  explicit Spike(Log& log) : log_(log) {}

  Status build(const Config& cfg) {
    if (Status s = refuse_unsupported(cfg); !s) return s;
    if (Status s = map_.add_ram("ram", kRamBase, cfg.ram_bytes); !s) return s;
    auto j = make_jit(cfg);
    if (!j) return make_error(j.error());
    jit_ = std::move(*j);
    cpu_ = std::make_unique<riscv::RiscvCpu>(map_, log_, 0);
    engine_ = std::make_unique<engine::Engine>(*cpu_, map_, log_,
                                               engine::Options{64, cfg.verify_ir, jit_.get(), cfg.jit_threshold, cfg.jit_straight_threshold, cfg.jit_sync, cfg.stats,
                                                   cfg.jit_optimize_after});
    engine_->set_events(&events_);
    msip_ = std::make_unique<MipLine>(*cpu_, 3);
    mtip_ = std::make_unique<MipLine>(*cpu_, 7);
    clint_ = std::make_unique<devices::Clint>(events_, std::vector<devices::Clint::HartLines>{{msip_.get(), mtip_.get()}});
    cpu_->set_time_source([this] { return clint_->mtime(); });
    if (Status s = map_.add_mmio("clint", kClintBase, devices::Clint::kMmioSize, clint_.get()); !s) return s;
    // QEMU's spike connects the HTIF console to the first -serial.
    Result<Chardev> serial = Chardev::open(cfg.serial);
    if (!serial) return make_error(serial.error());
    serial_ = std::move(*serial);
    htif_ = std::make_unique<devices::Htif>(map_, serial_.out(), [this](int code) { engine_->request_stop(code); });

    // What to run: -bios FILE (unless "none"), then -kernel, then the built-in program,
    // each recorded in one placement table so that neither overwrites the other.
    firmware::Placement placed;
    placed.add_memory("guest RAM", kRamBase, cfg.ram_bytes);
    std::vector<firmware::LoadedImage> images;
    auto load = [&](const std::vector<uint8_t>& data, const std::string& name) -> Status {
      Result<firmware::LoadedImage> img = firmware::is_elf(data) ? firmware::load_elf(data, kEmRiscv, map_, name, &placed)
                                                                 : firmware::load_raw(data, kRamBase, map_, name, &placed);
      if (!img) return make_error(img.error());
      images.push_back(*img);
      return {};
    };
    auto load_file = [&](const char* option, const std::string& path) -> Status {
      Result<std::vector<uint8_t>> data = firmware::read_program(path, cfg.ram_bytes, "guest RAM");
      if (!data) return make_error(std::string(option) + ": " + data.error());
      return load(*data, std::string(option + 1) + " '" + path + "'");
    };
    if (!cfg.bios.empty() && !cfg.bios_none)
      if (Status s = load_file("-bios", cfg.bios); !s) return s;
    if (!cfg.kernel.empty()) {
      if (Status s = load_file("-kernel", cfg.kernel); !s) return s;
    } else if (images.empty() && !cfg.builtin_kernel.empty()) {
      if (Status s = load(cfg.builtin_kernel, "built-in demo"); !s) return s;
    }
    if (images.empty()) return make_error("-M spike needs a program: -kernel FILE or -bios FILE");

    const firmware::LoadedImage& first = images.front();
    uint64_t tohost = 0, fromhost = 0;
    for (const auto& img : images) {
      if (auto it = img.symbols.find("tohost"); it != img.symbols.end() && !tohost) tohost = it->second;
      if (auto it = img.symbols.find("fromhost"); it != img.symbols.end() && !fromhost) fromhost = it->second;
    }
    if (tohost) {
      if (Status s = htif_->attach(tohost, fromhost); !s) return make_error("HTIF: " + s.error());
    } else {
      std::fprintf(stderr, "kiln: warning: the program has no 'tohost' symbol; it cannot report an exit code\n");
    }
    cpu_->reset(first.entry);
    cpu_->s().x[10] = 0;  // a0 = hart id
    return {};
  }

  // What this board does not implement is refused, never silently ignored.
  static Status refuse_unsupported(const Config& cfg) {
    auto refuse = [](const std::string& what) { return make_error("-M spike does not support " + what); };
    if (cfg.smp != 1) return refuse("-smp " + std::to_string(cfg.smp) + " (it has one hart)");
    if (!cfg.initrd.empty()) return refuse("-initrd");
    if (!cfg.append.empty()) return refuse("-append");
    if (!cfg.dtb.empty()) return refuse("-dtb");
    if (!cfg.drives.empty()) return refuse("-drive");
    if (!cfg.virtio_devices.empty()) return refuse("-device " + cfg.virtio_devices.front());
    if (!cfg.dumpdtb.empty()) return refuse("dumpdtb");
    return {};
  }

  int run() override { return engine_->run(); }
  void request_stop(int code) override {
    events_.post([this, code] { engine_->request_stop(code); });
  }
  cpu::DebugSystem* debug() override {
    if (!debug_) {
      std::vector<DebugHart> harts;
      harts.push_back({cpu_.get(), engine_.get(), std::make_unique<riscv::RiscvDebugTarget>(*cpu_)});
      debug_ = std::make_unique<MachineDebug>(std::move(harts), events_, jit_.get(), nullptr);
    }
    return debug_.get();
  }
  RunStats stats() const override {
    return {cpu_->s().insns_retired, engine_->stats(), jit_ ? jit_->stats() : jit::Stats{}, jit_ != nullptr};
  }

 private:
  Log& log_;
  mem::PhysMap map_;
  engine::EventLoop events_;
  std::unique_ptr<jit::Jit> jit_;  // before the engines: they release their code into it
  std::unique_ptr<riscv::RiscvCpu> cpu_;
  std::unique_ptr<MipLine> msip_, mtip_;
  std::unique_ptr<devices::Clint> clint_;
  std::unique_ptr<engine::Engine> engine_;
  Chardev serial_;  // declared before the HTIF that writes to it, so it is closed after it
  std::unique_ptr<devices::Htif> htif_;
  std::unique_ptr<MachineDebug> debug_;  // last: it detaches from the engine first
};

}  // namespace

Result<std::unique_ptr<Machine>> create_spike(const Config& cfg, Log& log) {
  auto m = std::make_unique<Spike>(log);
  if (Status s = m->build(cfg); !s) return make_error(s.error());
  return std::unique_ptr<Machine>(std::move(m));
}

}  // namespace kiln::machine

// The `pc` board (-M pc): x86 CPUs (-smp N: the BSP from the reset vector,
// the APs waiting for a Startup IPI), RAM, a -bios ROM image (machine/pc.h has
// the map), the 8259A PICs and the 8254 PIT, the APICs, and the ISA devices
// on the I/O port space. CPUs that halt with nothing left to wake them end the
// run with one line and pc::kExitHalted.
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <deque>
#include <map>

#include "cpu/x86/apic_link.h"
#include "cpu/x86/cpu.h"
#include "cpu/x86/cpuid.h"
#include "cpu/x86/debug.h"
#include "devices/pc/floppy.h"
#include "devices/pc/fw_cfg.h"
#include "devices/pc/i8042.h"
#include "devices/pc/i8237.h"
#include "devices/pc/i8254.h"
#include "devices/pc/i8259.h"
#include "devices/pc/ioapic.h"
#include "devices/pc/lapic.h"
#include "devices/pc/ide.h"
#include "devices/pc/isa_debug_exit.h"
#include "devices/pc/pc_testdev.h"
#include "devices/pc/isa_debugcon.h"
#include "devices/pc/isa_serial.h"
#include "devices/pc/mc146818.h"
#include "devices/pc/port92.h"
#include "devices/pc/post_port.h"
#include "devices/pc/reset_control.h"
#include "devices/pc/vga.h"
#include "devices/pci/e1000.h"
#include "devices/pci/pci_testdev.h"
#include "devices/pci/std_vga.h"
#include "engine/events.h"
#include "firmware/acpi.h"
#include "firmware/elf.h"
#include "firmware/placement.h"
#include "machine/chardev.h"
#include "machine/code_watchers.h"
#include "machine/console.h"
#include "machine/debug.h"
#include "machine/machine.h"
#include "machine/pc.h"
#include "machine/pc_firmware_info.h"
#include "machine/pc_kernel_boot.h"
#include "machine/pc_pci.h"
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
    {"max", x86::Model::Max},
};

class Pc final : public Machine {
 public:
  explicit Pc(Log& log) : log_(log) {}
  ~Pc() override { console_.reset(); }  // its reader thread posts to the UART: stop it first

  Status build(const Config& cfg) {
    if (Status s = refuse_unsupported(cfg); !s) return s;
    direct_boot_ = !cfg.kernel.empty();
    Result<std::vector<uint8_t>> bios = direct_boot_ ? std::vector<uint8_t>{} : read_bios(cfg);
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
    // -cpu NAME,+feat,-feat: the model's CPUID features edited; the CPUs report and run that set.
    const std::string cpu_name = cfg.cpu_model.empty() ? "qemu64" : cfg.cpu_model;
    Result<x86::Features> features = x86::apply_cpu_flags(model, cpu_name, cfg.cpu_flags);
    if (!features) return make_error(features.error());
    no_reboot_ = cfg.no_reboot;
    if (cfg.smp < 1 || cfg.smp > kMaxCpus) return make_error("-smp: -M pc supports 1 to " + std::to_string(kMaxCpus) + " CPUs");
    if (cfg.smp > 1 && !features->has(x86::Feature::Apic)) {
      return make_error("-smp " + std::to_string(cfg.smp) + ": -cpu " + cpu_name + (model < x86::Model::Pentium ? "" : ",-apic") +
                        " has no local APIC to start other CPUs" + (model < x86::Model::Pentium ? " (use pentium or later)" : ""));
    }
    for (unsigned i = 0; i < cfg.smp; i++) add_cpu(cfg, model, *features);
    if (Status s = add_interrupt_devices(); !s) return s;
    if (Status s = add_ide(cfg); !s) return s;
    if (Status s = add_floppy(cfg); !s) return s;
    if (Status s = add_system_devices(cfg); !s) return s;
    if (Status s = add_pci(*bios); !s) return s;
    if (Status s = add_vga(cfg); !s) return s;
    if (Status s = add_pci_devices(cfg); !s) return s;
    if (Status s = add_option_roms(cfg); !s) return s;
    if (Status s = add_serial(cfg); !s) return s;
    if (direct_boot_) {
      // What firmware would have set up for the kernel (the PIIX4 PM registers,
      // the PIRQ routes, shadow RAM at 0xF0000, the ISA DMA cascade), and the ACPI tables there.
      pci_->set_up_without_firmware(pc::kAcpiPmBase, pc::kPirqIrqs);
      isa_dma_->set_up_cascade();
      const firmware::AcpiTables acpi =
          firmware::build_acpi_tables(pc::acpi_description({.ram_bytes = cfg.ram_bytes, .cpus = cfg.smp, .fdc = fdc_ != nullptr}));
      pc::AcpiImage acpi_image{.rsdp_addr = pc::kAcpiRsdpAddr, .tables_addr = pc::kAcpiTablesAddr, .rsdp = {}, .tables = {}};
      acpi.link(acpi_image.tables_addr, acpi_image.tables, acpi_image.rsdp);
      Result<pc::KernelEntry> entry = pc::load_kernel(cfg, map_, acpi_image);
      if (!entry) return make_error(entry.error());
      enter_protected32(*entry);
    }
    for (const IsaDevice& d : cfg.isa_devices)
      if (Status s = add_device(cfg, d); !s) return s;
    if (cfg.pc_testdev)
      if (Status s = add_pc_testdev(); !s) return s;
    return {};
  }

  int run() override {
    const int code = cores_.size() > 1 ? run_cores() : run_one();
    if (!screendump_.empty()) write_screendump();
    return code;
  }
  void request_stop(int code) override {
    events_.post([this, code] { stop_all(code); });
  }
  // The CPUs under gdb (cpu/x86/debug.h), a thread each, made on first use.
  // CPUs halted for good end the run as they do without gdb (gdb sees the
  // exit status).
  cpu::DebugSystem* debug() override {
    if (!debug_) {
      std::vector<DebugHart> harts;
      for (Core& c : cores_) harts.push_back({c.cpu.get(), c.engine.get(), std::make_unique<x86::X86DebugTarget>(*c.cpu)});
      debug_ = std::make_unique<MachineDebug>(std::move(harts), events_, jit_.get(), nullptr, [this] { return halted(); });
      debug_->set_enter_hart([this](unsigned i) { current_ = i; });
    }
    return debug_.get();
  }
  RunStats stats() const override {
    RunStats r{0, {}, jit_ ? jit_->stats() : jit::Stats{}, jit_ != nullptr};
    for (const Core& c : cores_) {
      r.guest_insns += c.cpu->s().insns_retired;
      r.engine.add(c.engine->stats());
    }
    // One CPU: its engine's time (add() leaves seconds out); several took turns: the run's time, not their sum.
    r.engine.seconds = cores_.size() > 1 ? seconds_ : cores_.empty() ? 0 : cores_[0].engine->stats().seconds;
    return r;
  }

 private:
  // ---- The CPUs (-smp N, issue 14): CPU i has APIC ID i; CPU 0 is the BSP ----
  // Each CPU has its engine (one JIT between them) and its INTR pin; a store
  // into translated code reaches every engine, and marking a code page
  // protects it in every CPU's TLB, as on virt.
  static constexpr unsigned kMaxCpus = 64;  // the command line's limit; xAPIC IDs go to 254
  class IntrPin final : public devices::IrqLine {
   public:
    explicit IntrPin(x86::X86Cpu& cpu) : cpu_(cpu) {}
    void set_level(bool high) override { cpu_.set_intr(high); }

   private:
    x86::X86Cpu& cpu_;
  };
  class CpuApicLink;
  struct Core {
    std::unique_ptr<x86::X86Cpu> cpu;
    std::unique_ptr<engine::Engine> engine;
    std::unique_ptr<IntrPin> intr_pin;
    std::unique_ptr<devices::LocalApic> lapic;  // none without CPUID.APIC
    std::unique_ptr<CpuApicLink> apic_link;
  };

  void add_cpu(const Config& cfg, x86::Model model, const x86::Features& features) {
    Core c;
    c.cpu = std::make_unique<x86::X86Cpu>(map_, model, features);
    c.cpu->set_log(&log_);  // -d int
    c.cpu->s().ports = &ports_;
    c.cpu->s().clock = &events_;  // the TSC counts the time the devices count
    c.engine = std::make_unique<engine::Engine>(*c.cpu, map_, log_,
                                                engine::Options{64, cfg.verify_ir, jit_.get(), cfg.jit_threshold, cfg.jit_straight_threshold,
                                                                cfg.jit_sync, cfg.stats, cfg.jit_optimize_after});
    c.engine->set_events(&events_);
    c.intr_pin = std::make_unique<IntrPin>(*c.cpu);
    code_watchers_.add(c.engine.get());
    c.cpu->s().mem.code_watcher = &code_watchers_;
    for (Core& other : cores_) {
      other.engine->add_peer_tlb(&c.cpu->s().mem);
      c.engine->add_peer_tlb(&other.cpu->s().mem);
    }
    if (!cores_.empty()) c.cpu->wait_for_sipi();  // an AP
    cores_.push_back(std::move(c));
  }
  void stop_all(int code) {
    for (Core& c : cores_) c.engine->request_stop(code);
  }

  int run_one() {
    engine::Engine& engine = *cores_[0].engine;
    for (;;) {
      switch (engine.run_for(0)) {
        case engine::Engine::SliceEnd::Stopped:
          return engine.stop_code();
        case engine::Engine::SliceEnd::Idle:
          if (engine.stop_requested()) break;  // asked to stop before the HLT: the next slice says Stopped
          if (int code = halted(); code >= 0) return code;
          break;
        default:
          break;
      }
    }
  }

  // Several CPUs on one host thread, as virt's harts: each runs a slice of
  // blocks in turn (the one running is the one whose local APIC 0xFEE00000
  // shows); a CPU waiting (HLT, wait-for-SIPI) is skipped until something is
  // pending for it, and when every CPU waits the board sleeps on the event
  // loop or, with nothing left to wake any of them, ends the run.
  int run_cores() {
    constexpr uint64_t kSliceBlocks = 2000;
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<bool> idle(cores_.size(), false);
    int code = -1;
    while (code < 0) {
      bool all_idle = true;
      for (size_t i = 0; i < cores_.size() && code < 0; i++) {
        Core& c = cores_[i];
        if (idle[i] && !c.cpu->wakeup_pending() && !c.engine->stop_requested()) continue;  // a stop ends the wait too
        current_ = unsigned(i);
        const engine::Engine::SliceEnd e = c.engine->run_for(kSliceBlocks);
        if (e == engine::Engine::SliceEnd::Stopped) code = c.engine->stop_code();
        else if (c.cpu->shutdown()) code = triple_fault(c);  // the others must not run on
        idle[i] = e == engine::Engine::SliceEnd::Idle;
        if (!idle[i]) all_idle = false;
      }
      if (code < 0 && all_idle) code = halted();
      if (code == -1 && all_idle) std::fill(idle.begin(), idle.end(), false);  // look at each again
    }
    seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return code;
  }
  // ---- end of the CPUs ----

  // What this board does not have yet is refused, never silently ignored.
  static Status refuse_unsupported(const Config& cfg) {
    // QEMU's rules: without a kernel there is nothing to hand a command line or an initrd to.
    if (cfg.kernel.empty() && !cfg.append.empty()) return make_error("-append only allowed with -kernel");
    if (cfg.kernel.empty() && !cfg.initrd.empty()) return make_error("-initrd only allowed with -kernel");
    if (cfg.kernel.empty() && !cfg.kernel_entry.empty()) return make_error("-M pc,kernel-entry= only allowed with -kernel");
    if (!cfg.kernel.empty() && !cfg.bios.empty() && !cfg.bios_none)
      return make_error("-M pc does not support -kernel with -bios FILE yet (Kiln's own loader boots -kernel: leave -bios out)");
    if (!cfg.dtb.empty()) return make_error("-M pc does not support -dtb (a device tree is for -M virt)");
    if (!cfg.virtio_devices.empty()) return make_error("-M pc does not support -device " + cfg.virtio_devices.front() + " yet");
    if (!cfg.dumpdtb.empty()) return make_error("-M pc does not support dumpdtb (a device tree is for -M virt)");
    return {};
  }

  // Without -bios, Debian's SeaBIOS (package seabios), as QEMU's pc takes its own SeaBIOS.
  static constexpr const char* kDefaultBios = "/usr/share/seabios/bios-256k.bin";

  static Result<std::vector<uint8_t>> read_bios(const Config& cfg) {
    if (cfg.bios_none)
      return make_error("-M pc: -bios none leaves nothing to run (give -bios FILE, leave -bios out for SeaBIOS, or boot a kernel with -kernel)");
    const std::string path = cfg.bios.empty() ? kDefaultBios : cfg.bios;
    if (cfg.bios.empty())
      if (std::FILE* f = std::fopen(path.c_str(), "rb")) std::fclose(f);
      else return make_error(std::string("-M pc: no -bios given, and the default, Debian's SeaBIOS (") + kDefaultBios +
                             ", package seabios), is missing");
    Result<std::vector<uint8_t>> data = firmware::read_file(path, pc::kBiosMaxBytes, "the largest PC BIOS image");
    if (!data) return make_error("-bios: " + data.error());
    if (data->empty() || data->size() % pc::kBiosUnit != 0)
      return make_error("-bios: '" + path + "' is " + std::to_string(data->size()) +
                        " bytes; a PC BIOS image is 64, 128, 192 or 256 KiB");
    return data;
  }

  // RAM from 0 to the PAM segments at 0xC0000 and from 1 MiB on (above 4 GiB
  // past kLowRamMaxEnd), the image read-only below 4 GiB. The i440FX (add_pci)
  // fills 0xC0000-0xFFFFF: shadow RAM or the image's tail, as PAM says.
  Status map_memory(uint64_t ram_bytes, const std::vector<uint8_t>& bios) {
    const uint64_t below_4g = pc::ram_below_4g(ram_bytes);
    if (Status s = map_.add_ram("low RAM", 0, std::min(below_4g, pc::kShadowBase)); !s) return s;
    if (below_4g > pc::kMirrorTop)
      if (Status s = map_.add_ram("RAM", pc::kMirrorTop, below_4g - pc::kMirrorTop); !s) return s;
    if (ram_bytes > below_4g)
      if (Status s = map_.add_ram("RAM above 4 GiB", pc::kHighRamBase, ram_bytes - below_4g); !s) return s;
    map_.set_open_bus(true);  // addresses nothing claims read all ones (SeaBIOS reads the absent local APIC)
    if (bios.empty()) return {};  // direct Linux boot: no firmware
    return map_.add_rom("bios", pc::kBiosTop - bios.size(), bios.data(), bios.size());
  }

  // ---- PCI (issue 14): bus 0, the i440FX's PAM shadow RAM, the PIIX3 (machine/pc_pci.h) ----
  Status add_pci(const std::vector<uint8_t>& bios) {
    // PCI interrupts are routed to the ISA IRQ lines (PIC and IOAPIC); the reset control
    // register at 0xCF9 sits inside mechanism #1's ports, which pass its bytes on.
    std::array<devices::IrqLine*, 16> isa_irqs;
    for (unsigned i = 0; i < isa_irqs.size(); i++) isa_irqs[i] = &isa_irq(i);
    auto p = PcPci::create(map_, ports_, bios, [this](uint64_t base, uint64_t size) { memory_changed(base, size); }, events_,
                           isa_irqs, reset_control_.get(), [this] { power_off(); });
    if (!p) return make_error(p.error());
    pci_ = std::move(*p);
    pci_->ide().connect(ide_[0].get(), ide_[1].get(), &code_watchers_);  // bus-master DMA for the IDE channels
    return {};
  }
  // ---- Display and option ROMs (issue 14, step 5) ----
  // QEMU's standard VGA at 02.0 (devices/pci/std_vga.h) with Debian's
  // SeaVGABIOS as its expansion ROM: there by default when a BIOS boots
  // (-kernel boots without firmware: no VGA unless -vga std), gone with
  // -vga none or -nodefaults. Without the ROM file the default VGA has no
  // ROM (nothing sets up a text mode); -vga std asks for it.
  static constexpr const char* kVgaBios = "/usr/share/seabios/vgabios-stdvga.bin";
  static constexpr unsigned kVgaSlot = 2, kFirstDeviceSlot = 3;
  static constexpr uint64_t kMaxRomBytes = 1 << 20;

  Status add_vga(const Config& cfg) {
    if (cfg.vga == "none" || (cfg.vga.empty() && direct_boot_)) {
      if (!cfg.screendump.empty()) return make_error("-screendump: the board has no VGA (-vga none, -nodefaults or -kernel without -vga std)");
      return {};
    }
    std::vector<uint8_t> rom;
    if (std::FILE* f = std::fopen(kVgaBios, "rb")) {
      std::fclose(f);
      auto data = firmware::read_file(kVgaBios, kMaxRomBytes, "a PCI expansion ROM");
      if (!data) return make_error("-vga std: " + data.error());
      rom = std::move(*data);
    } else if (cfg.vga == "std") {
      return make_error(std::string("-vga std: the VGA BIOS ") + kVgaBios + " is missing (Debian's seabios package)");
    }
    vga_ = std::make_unique<devices::pci::StdVga>(std::move(rom));
    devices::Vga& v = vga_->vga();
    if (Status s = pci_->add(vga_.get(), kVgaSlot); !s) return s;
    if (Status s = ports_.add("vga", devices::Vga::kPortBase, devices::Vga::kPorts, &v.ports()); !s) return s;
    if (Status s = ports_.add("vbe dispi", devices::Vga::kDispiBase, devices::Vga::kDispiPorts, &v.dispi()); !s) return s;
    if (Status s = map_.add_mmio("vga window", devices::Vga::kWindowBase, devices::Vga::kWindowBytes, &v.window()); !s) return s;
    screendump_ = cfg.screendump;
    return {};
  }

  // -device pci-testdev[,romfile=F] and e1000 in slots from 03 on, in command-line order.
  Status add_pci_devices(const Config& cfg) {
    unsigned slot = kFirstDeviceSlot;
    for (const PciDevice& d : cfg.pci_devices) {
      std::vector<uint8_t> rom;
      if (!d.romfile.empty()) {
        auto data = firmware::read_file(d.romfile, kMaxRomBytes, "a PCI expansion ROM");
        if (!data) return make_error("-device " + d.driver + ",romfile=: " + data.error());
        rom = std::move(*data);
      }
      if (slot >= 32) return make_error("-device " + d.driver + ": PCI bus 0 is full");
      if (d.driver == "e1000") {
        if (Status s = add_e1000(d, std::move(rom), slot++); !s) return s;
        continue;
      }
      testdevs_.push_back(std::make_unique<devices::pci::PciTestdev>(std::move(rom)));
      if (Status s = pci_->add(testdevs_.back().get(), slot++); !s) return s;
    }
    return {};
  }

  // -device e1000 (issue 14): an 82540EM on a null network (devices/pci/e1000.h).
  // Without romfile= it carries iPXE's ROM from Debian's ipxe-qemu (the file
  // QEMU uses, legacy and EFI images in one; SeaBIOS runs the legacy one), or
  // none if the package is missing. Like every -device, only when asked: QEMU's
  // pc adds one by default, Kiln's does not.
  static constexpr const char* kE1000Rom = "/usr/lib/ipxe/qemu/efi-e1000.rom";
  Status add_e1000(const PciDevice& d, std::vector<uint8_t> rom, unsigned slot) {
    if (rom.empty() && !d.no_rom) {
      if (std::FILE* f = std::fopen(kE1000Rom, "rb")) {
        std::fclose(f);
        auto data = firmware::read_file(kE1000Rom, kMaxRomBytes, "a PCI expansion ROM");
        if (!data) return make_error("-device e1000: " + data.error());
        rom = std::move(*data);
      }
    }
    nics_.push_back(std::make_unique<devices::pci::E1000>(d.mac, std::move(rom)));
    nics_.back()->set_code_watcher(&code_watchers_);
    return pci_->add(nics_.back().get(), slot);
  }

  // -option-rom F: QEMU hands each to SeaBIOS as fw_cfg file "genroms/" + F's
  // name; SeaBIOS copies it into the option ROM area (0xC0000-0xDFFFF),
  // checks its signature and checksum, and calls its initialisation entry.
  Status add_option_roms(const Config& cfg) {
    for (const std::string& path : cfg.option_roms) {
      if (direct_boot_) return make_error("-option-rom: needs a BIOS to run it (not -kernel's direct boot)");
      auto data = firmware::read_file(path, pc::kOptionRomAreaBytes, "the option ROM area");
      if (!data) return make_error("-option-rom: " + data.error());
      const std::string name = "genroms/" + path.substr(path.find_last_of('/') + 1);
      if (Status s = fw_cfg_->add_file(name, std::move(*data)); !s) return make_error("-option-rom: " + s.error());
    }
    return {};
  }

  // -screendump FILE: the VGA's text screen at exit.
  void write_screendump() {
    std::FILE* f = std::fopen(screendump_.c_str(), "w");
    if (!f) {
      std::fprintf(stderr, "kiln: -screendump: cannot write '%s'\n", screendump_.c_str());
      return;
    }
    const std::string text = vga_->vga().text_screen();
    std::fwrite(text.data(), 1, text.size(), f);
    std::fclose(f);
  }
  // ---- end of display and option ROMs ----

  // PAM or a BAR changed what [base, base + size) means: blocks translated
  // from it and TLB entries over it are stale (nothing ran yet while building).
  void memory_changed(uint64_t base, uint64_t size) {
    for (uint64_t page = base & mem::kPageMask; page < base + size; page += mem::kPageSize) code_watchers_.code_written(page, 1);
    for (Core& c : cores_) c.cpu->s().mem.flush_tlb();
  }
  // The guest's ACPI soft-off (S5 through the PIIX4's PM1 control): the run
  // ends with status 0, as QEMU's does. The writing instruction completes first.
  void power_off() {
    std::fprintf(stderr, "kiln: guest powered off (ACPI S5)\n");
    stop_all(0);
  }
  // ---- end PCI ----

  Status add_device(const Config& cfg, const IsaDevice& d) {
    mem::PortDevice* dev;
    if (d.driver == "isa-debug-exit") {
      debug_exits_.push_back(std::make_unique<devices::IsaDebugExit>([this](int status) { stop_all(status); }));
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

  // -device pc-testdev: its ports and 64 KiB of MMIO scratch; IRQ lines 0-15 as ISA devices drive them, 16-23 the IOAPIC's.
  Status add_pc_testdev() {
    std::array<devices::IrqLine*, devices::PcTestdev::kIrqLines> irqs{};
    for (unsigned n = 0; n < irqs.size(); n++) irqs[n] = n < 16 ? &isa_irq(n) : ioapic_ ? &ioapic_->pin(n) : nullptr;
    pc_testdev_ = std::make_unique<devices::PcTestdev>(irqs);
    using T = devices::PcTestdev;
    const struct { uint32_t base, count; mem::PortDevice* dev; } windows[] = {
        {T::kDataPort, 4, &pc_testdev_->data()}, {T::kFlushPort, 4, &pc_testdev_->flush()},
        {T::kDataBytePort, 4, &pc_testdev_->data()}, {T::kIrqPorts, T::kIrqLines, &pc_testdev_->irq()}};
    for (const auto& w : windows)
      if (Status s = ports_.add("pc-testdev", w.base, w.count, w.dev); !s) return make_error("-device " + s.error());
    if (Status s = map_.add_mmio("pc-testdev", T::kIomemBase, T::kIomemSize, &pc_testdev_->iomem()); !s)
      return make_error("-device pc-testdev: " + s.error());
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

  // ---- Interrupts (issue 14): the 8259A pair on the CPU's INTR pin, the 8254 PIT on IRQ0 and port 0x61.
  // With APICs the 8259A's INT reaches every CPU's LINT0 (only the BSP's is
  // unmasked at reset: the virtual wire), as on QEMU's pc.
  Status add_interrupt_devices() {
    if (Status s = add_apics(); !s) return s;
    Core& bsp = cores_[0];
    if (bsp.lapic) {
      for (Core& c : cores_) pic_int_.add(c.lapic->lint0());
      pic_ = std::make_unique<devices::I8259Pair>(pic_int_);
      for (Core& c : cores_) {
        c.lapic->set_extint_ack([this] { return pic_->acknowledge(); });
        c.cpu->set_inta([&lapic = *c.lapic] { return lapic.acknowledge(); });
      }
    } else {
      pic_ = std::make_unique<devices::I8259Pair>(*bsp.intr_pin);
      bsp.cpu->set_inta([this] { return pic_->acknowledge(); });
    }
    for (unsigned n = 0; ioapic_ && n < 16; n++)
      if (n != devices::I8259Pair::kCascadeIrq)
        isa_irqs_[n] = std::make_unique<devices::IrqSplitter>(pic_->irq(n), ioapic_->pin(n == 0 ? 2 : n));
    pit_ = std::make_unique<devices::I8254>(events_, isa_irq(0));
    using P = devices::I8259Pair;
    const struct {
      const char* name;
      uint32_t base, count;
      mem::PortDevice* dev;
    } ports[] = {
        {"i8259 master", P::kMasterPorts, 2, &pic_->master()},
        {"i8259 slave", P::kSlavePorts, 2, &pic_->slave()},
        {"i8259 elcr", P::kElcrPorts, 2, &pic_->elcr()},
        {"i8254", devices::I8254::kPorts, 4, pit_.get()},
        {"port 0x61", devices::I8254::kPortB, 1, &pit_->port_b()},
    };
    for (const auto& p : ports)
      if (Status s = ports_.add(p.name, p.base, p.count, p.dev); !s) return s;
    return {};
  }
  // ISA IRQ n as a device drives it: to the 8259A, and with the APICs to the IOAPIC too.
  devices::IrqLine& isa_irq(unsigned n) { return isa_irqs_[n] ? *isa_irqs_[n] : pic_->irq(n); }
  // Whether a halted CPU may still be woken by an interrupt.
  bool may_interrupt(const Core& c) const {
    return c.lapic ? c.lapic->may_interrupt(pic_->may_interrupt(), ioapic_->may_interrupt()) : pic_->may_interrupt();
  }
  // ---- end of the interrupt devices

  // ---- The APICs (issue 14), on CPUs with one (CPUID.1:EDX.APIC: the Pentium on, unless -cpu ...,-apic): the local
  // APIC at 0xFEE00000 drives the CPU's INTR, the 8259A reaching it through LINT0 (virtual wire), and
  // takes IA32_APIC_BASE and CR8; the IOAPIC at 0xFEC00000 receives each ISA IRQ beside the 8259A (IRQ0
  // on pin 2, QEMU's override; IRQ n on pin n) and delivers over the APIC bus. Each CPU has its local APIC
  // (APIC ID = its index, CPU 0 the BSP), all at 0xFEE00000: ApicWindow hands an access to the running CPU's.
  class CpuApicLink final : public x86::ApicLink {
   public:
    explicit CpuApicLink(devices::LocalApic& apic) : apic_(apic) {}
    uint64_t base_msr() const override { return apic_.base_msr(); }
    bool read_msr(uint32_t msr, uint64_t* v) override { return apic_.read_msr(msr, v); }
    bool write_msr(uint32_t msr, uint64_t v) override { return apic_.write_msr(msr, v); }
    uint8_t cr8() const override { return apic_.cr8(); }
    void write_cr8(uint8_t v) override { apic_.write_cr8(v); }
    uint8_t id() const override { return apic_.initial_id(); }

   private:
    devices::LocalApic& apic_;
  };
  class ApicWindow final : public mem::MmioDevice {
   public:
    explicit ApicWindow(Pc& pc) : pc_(pc) {}
    mem::AccessRules rules(uint64_t offset) const override { return pc_.cores_[0].lapic->rules(offset); }
    uint64_t read(uint64_t offset, unsigned size) override { return running().read(offset, size); }
    void write(uint64_t offset, unsigned size, uint64_t value) override { running().write(offset, size, value); }

   private:
    devices::LocalApic& running() { return *pc_.cores_[pc_.current_].lapic; }
    Pc& pc_;
  };

  Status add_apics() {
    if (!cores_[0].cpu->s().features.has(x86::Feature::Apic)) return {};  // the 486, or -cpu ...,-apic
    apic_bus_ = std::make_unique<devices::ApicBus>();
    for (unsigned i = 0; i < cores_.size(); i++) {
      Core& c = cores_[i];
      c.lapic = std::make_unique<devices::LocalApic>(events_, *c.intr_pin, uint8_t(i), i == 0, apic_bus_.get());
      c.apic_link = std::make_unique<CpuApicLink>(*c.lapic);
      c.cpu->s().apic = c.apic_link.get();
      c.lapic->set_cpu_signals({.nmi = [&cpu = *c.cpu] { cpu.nmi(); },
                                .init = [&cpu = *c.cpu](bool bsp) { cpu.init(bsp); },
                                .startup = [&cpu = *c.cpu](uint8_t vector) { cpu.startup(vector); }});
    }
    apic_window_ = std::make_unique<ApicWindow>(*this);
    ioapic_ = std::make_unique<devices::IoApic>(*apic_bus_);
    if (Status s = map_.add_mmio("lapic", devices::LocalApic::kDefaultBase, devices::LocalApic::kSize, apic_window_.get()); !s) return s;
    return map_.add_mmio("ioapic", devices::IoApic::kBase, devices::IoApic::kSize, ioapic_.get());
  }
  void reset_apics() {
    if (!ioapic_) return;
    for (Core& c : cores_) c.lapic->reset();
    ioapic_->reset();
  }
  // ---- end of the APICs
  // ---- Storage (issue 14): the PIIX3's IDE channels in legacy ISA mode (-drive if=ide, -hda..-hdd, -cdrom) ----
  // Both channels are always there, as on QEMU's pc, with the drives at
  // their index= (0-3: primary master, primary slave, secondary master,
  // secondary slave), the rest in the positions left, in order.
  Status add_ide(const Config& cfg) {
    using devices::IdeChannel;
    std::array<const Drive*, 4> at{};
    std::vector<const Drive*> unplaced;
    for (const Drive& d : cfg.drives) {
      if (d.iface == "floppy") continue;  // add_floppy's
      if (d.iface == "virtio") return make_error("-drive: -M pc has no virtio block device yet (use if=ide)");
      if (d.index < 0) {
        unplaced.push_back(&d);
      } else {
        if (at[size_t(d.index)]) return make_error("-drive: two drives at IDE index " + std::to_string(d.index));
        at[size_t(d.index)] = &d;
      }
    }
    for (const Drive* d : unplaced) {
      auto free = std::find(at.begin(), at.end(), nullptr);
      if (free == at.end()) return make_error("-drive: more than 4 IDE drives");
      *free = d;
    }
    ide_[0] = std::make_unique<IdeChannel>(isa_irq(IdeChannel::kPrimaryIrq));
    ide_[1] = std::make_unique<IdeChannel>(isa_irq(IdeChannel::kSecondaryIrq));
    for (size_t i = 0; i < at.size(); i++) {
      if (!at[i]) continue;
      auto image = devices::block::DiskImage::open(at[i]->file, {at[i]->snapshot, at[i]->read_only});
      if (!image) return make_error(image.error());
      if (at[i]->cdrom) ide_[i / 2]->attach_cdrom(unsigned(i % 2), std::move(*image));
      else ide_[i / 2]->attach_disk(unsigned(i % 2), std::move(*image));
    }
    const struct {
      const char* name;
      uint32_t base, count;
      mem::PortDevice* dev;
    } ports[] = {
        {"ide0", IdeChannel::kPrimaryBase, IdeChannel::kPorts, ide_[0].get()},
        {"ide0 control", IdeChannel::kPrimaryControl, 1, &ide_[0]->control_port()},
        {"ide1", IdeChannel::kSecondaryBase, IdeChannel::kPorts, ide_[1].get()},
        {"ide1 control", IdeChannel::kSecondaryControl, 1, &ide_[1]->control_port()},
    };
    for (const auto& p : ports)
      if (Status s = ports_.add(p.name, p.base, p.count, p.dev); !s) return s;
    return {};
  }

  // The CMOS's disk bytes: the primary channel's two positions, if hard disks (QEMU's rule).
  std::array<std::optional<pc::DiskGeometry>, 2> cmos_disks() const {
    std::array<std::optional<pc::DiskGeometry>, 2> out;
    for (unsigned unit = 0; unit < 2; unit++)
      if (auto g = ide_[0]->disk_geometry(unit)) out[unit] = pc::DiskGeometry{g->cylinders, g->heads, g->sectors};
    return out;
  }
  // ---- end of storage ----

  // ---- Floppy (issue 14): the 8237A DMA pair (0x00-0x0F, 0xC0-0xDF, pages 0x81-0x8F) and the 82077AA
  // floppy controller (0x3F0-0x3F5, 0x3F7; IRQ 6, DMA 2) with drives A: and B: (-fda, -fdb, -drive if=floppy) ----
  Status add_floppy(const Config& cfg) {
    using devices::FloppyController;
    isa_dma_ = std::make_unique<devices::I8237Pair>(map_, &code_watchers_);
    fdc_ = std::make_unique<FloppyController>(isa_irq(FloppyController::kIrq), *isa_dma_, events_);
    std::array<const Drive*, FloppyController::kDrives> at{};
    for (const Drive& d : cfg.drives) {
      if (d.iface != "floppy") continue;
      auto free = d.index >= 0 ? at.begin() + d.index : std::find(at.begin(), at.end(), nullptr);
      if (free == at.end()) return make_error("-drive: more than 2 floppy drives");
      if (*free) return make_error("-drive: two floppy drives at index " + std::to_string(d.index));
      *free = &d;
    }
    for (unsigned unit = 0; unit < at.size(); unit++) {
      if (!at[unit]) continue;
      auto image = devices::block::DiskImage::open(at[unit]->file, {at[unit]->snapshot, at[unit]->read_only});
      if (!image) return make_error(image.error());
      if (!FloppyController::format_for_size((*image)->size_bytes()))
        return make_error(std::string("floppy ") + char('A' + unit) + ": '" + at[unit]->file + "' is " +
                          std::to_string((*image)->size_bytes()) + " bytes; a floppy image is " + FloppyController::sizes_text());
      fdc_->attach(unit, std::move(*image));
      floppy_types_[unit] = fdc_->cmos_type(unit);
    }
    const struct {
      const char* name;
      uint32_t base, count;
      mem::PortDevice* dev;
    } ports[] = {
        {"dma1", devices::I8237Pair::kController1Ports, devices::I8237Pair::kController1PortCount, &isa_dma_->controller1()},
        {"dma2", devices::I8237Pair::kController2Ports, devices::I8237Pair::kController2PortCount, &isa_dma_->controller2()},
        {"dma pages", devices::I8237Pair::kPagePorts, devices::I8237Pair::kPagePortCount, &isa_dma_->page_registers()},
        {"fdc", FloppyController::kBase, FloppyController::kLowPorts, &fdc_->low_ports()},
        {"fdc dir", FloppyController::kDirPort, 1, &fdc_->dir_port()},
    };
    for (const auto& p : ports)
      if (Status s = ports_.add(p.name, p.base, p.count, p.dev); !s) return s;
    return {};
  }
  void reset_floppy() {
    isa_dma_->reset();
    fdc_->reset();
  }
  // ---- end of the floppy ----

  // Every CPU waits. HLT with nothing left to wake any CPU ends the run: IF
  // clear (and no NMI latched), or IF set while the PIC masks every input
  // (with the APICs: nor does an APIC source remain unmasked); an AP waiting
  // for SIPI waits for another CPU. Otherwise the host sleeps until the next
  // event (a timer) and the CPUs look again.
  int halted() {
    for (Core& c : cores_)
      if (c.cpu->shutdown()) return triple_fault(c);
    for (const Core& c : cores_)
      if (!c.cpu->waiting_for_sipi() && (c.cpu->s().flags & x86::fl::IF) && may_interrupt(c)) {
        events_.wait_for_event(kHaltWaitNs);
        events_.run_due();
        return -1;
      }
    for (const Core& c : cores_) {
      if (c.cpu->waiting_for_sipi()) continue;
      const x86::X86State& s = c.cpu->s();
      const uint16_t cs = s.seg[x86::CS].selector;
      const unsigned long long hlt_ip = c.cpu->ip() - 1;  // HLT's opcode byte, the last of the instruction
      const std::string which = cores_.size() > 1 ? "CPU " + std::to_string(&c - cores_.data()) : "CPU";
      if (s.flags & x86::fl::IF)
        std::fprintf(stderr, "kiln: %s halted with nothing to wake it at %04X:%04llX (IF=1, but the PIC masks every interrupt)\n",
                     which.c_str(), cs, hlt_ip);
      else
        std::fprintf(stderr, "kiln: %s halted with interrupts disabled at %04X:%04llX\n", which.c_str(), cs, hlt_ip);
      break;
    }
    return pc::kExitHalted;
  }
  // A triple fault (a shutdown cycle): a PC resets (QEMU too), or with -no-reboot Kiln ends.
  int triple_fault(Core& c) {
    const x86::X86State& s = c.cpu->s();
    const std::string which = cores_.size() > 1 ? " on CPU " + std::to_string(&c - cores_.data()) : "";
    std::fprintf(stderr, "kiln: x86 triple fault (shutdown)%s at %04X:%08llX%s\n", which.c_str(), s.seg[x86::CS].selector,
                 (unsigned long long)c.cpu->ip(), no_reboot_ || direct_boot_ ? "" : "; resetting");
    if (no_reboot_ || direct_boot_) return pc::kExitTripleFault;
    reset_board();
    return -1;
  }

  // ---- System devices (issue 14: what SeaBIOS reads early) and the board's reset ----
  // The RTC/CMOS, fw_cfg, the 8042, port 0x92, reset control at 0xCF9 and the
  // POST port; the CMOS bytes and fw_cfg items come from the board's map
  // (machine/pc_firmware_info.h).
  Status add_system_devices(const Config& cfg) {
    const auto host_now = std::chrono::system_clock::now().time_since_epoch();
    Result<int64_t> start = pc::rtc_start_ns(cfg.rtc_base, std::chrono::duration_cast<std::chrono::nanoseconds>(host_now).count());
    if (!start) return make_error(start.error());
    const pc::FirmwareFacts facts{.ram_bytes = cfg.ram_bytes, .cpus = cfg.smp, .boot_order = cfg.boot_order.empty() ? "cad" : cfg.boot_order,
                                  .ide_disks = cmos_disks(), .floppy_types = floppy_types_, .fdc = fdc_ != nullptr};
    rtc_ = std::make_unique<devices::Mc146818>(events_, isa_irq(8), *start);
    pc::fill_cmos(*rtc_, facts);
    fw_cfg_ = std::make_unique<devices::FwCfg>(map_);
    fw_cfg_->set_code_watcher(&code_watchers_);
    if (Status s = pc::fill_fw_cfg(*fw_cfg_, facts); !s) return s;
    kbc_ = std::make_unique<devices::I8042>(isa_irq(1), isa_irq(12), devices::I8042::Hooks{[this] { apply_a20(); }, [this] { request_reset(); }});
    port92_ = std::make_unique<devices::Port92>([this] { apply_a20(); }, [this] { request_reset(); });
    reset_control_ = std::make_unique<devices::ResetControl>([this] { request_reset(); });
    const struct {
      const char* name;
      uint32_t base, count;
      mem::PortDevice* dev;
    } ports[] = {
        {"rtc", devices::Mc146818::kBase, devices::Mc146818::kPorts, rtc_.get()},
        {"fw_cfg", devices::FwCfg::kBase, devices::FwCfg::kPorts, fw_cfg_.get()},
        {"i8042 data", devices::I8042::kDataPort, 1, &kbc_->data_port()},
        {"i8042 command", devices::I8042::kCommandPort, 1, &kbc_->command_port()},
        {"port92", devices::Port92::kPort, 1, port92_.get()},
        {"post", devices::PostPort::kPort, 1, &post_port_},
    };
    for (const auto& p : ports)
      if (Status s = ports_.add(p.name, p.base, p.count, p.dev); !s) return s;
    return {};
  }

  // A guest's reset request (0xCF9, port 0x92, the 8042). Those ports' writes
  // run as instructions of their own, so the posted reset happens right after
  // the writing instruction, between blocks, in either tier. With -no-reboot
  // the run ends instead (status 0, as QEMU's).
  void request_reset() {
    if (no_reboot_ || direct_boot_) {  // a directly booted kernel has no firmware to restart it
      stop_all(0);
      return;
    }
    events_.post([this] { reset_board(); });
  }

  // A system reset: the CPUs (the BSP to the reset vector, the APs waiting
  // for SIPI) and the devices, RAM and the CMOS kept.
  void reset_board() {
    for (Core& c : cores_) {
      c.cpu->reset();
      if (&c != &cores_[0]) c.cpu->wait_for_sipi();
    }
    reset_apics();
    rtc_->reset();
    kbc_->reset();
    port92_->reset();
    reset_control_->reset();
    fw_cfg_->reset();
    for (auto& ch : ide_) ch->reset();
    if (pci_) pci_->ide().reset();
    if (vga_) vga_->vga().reset();
    reset_floppy();
    for (auto& nic : nics_) nic->reset();
    apply_a20();
  }

  // The A20 gate: on if the 8042's output port or port 0x92 says so (the
  // chipset ORs them). Off, the CPU's physical addresses lose bit 20 (the
  // MMU's a20_mask; the 8086 has no bit 20 to lose).
  void apply_a20() {
    for (Core& c : cores_) {
      x86::X86State& s = c.cpu->s();
      if (s.model == x86::Model::I8086) return;
      constexpr uint64_t kBit20 = 1ull << 20;
      const uint64_t mask = kbc_->a20() || port92_->a20() ? s.a20_mask | kBit20 : s.a20_mask & ~kBit20;
      if (mask == s.a20_mask) continue;
      s.a20_mask = mask;
      s.mem.flush_tlb();  // cached translations hold the old physical addresses
    }
  }
  // ---- end of the system devices ----

  // ---- Serial port (issue 14): COM1, a 16550A at 0x3F8 on IRQ4, its host side from -serial ----
  // Only COM1, as QEMU's pc with one -serial. Input reaches it through the
  // console (machine/console.h: raw terminal, Ctrl-A x quits).
  Status add_serial(const Config& cfg) {
    Result<Chardev> serial = Chardev::open(cfg.serial);
    if (!serial) return make_error(serial.error());
    serial_ = std::move(*serial);
    com1_ = std::make_unique<devices::IsaSerial>(isa_irq(devices::IsaSerial::kCom1Irq), serial_.out());
    if (Status s = ports_.add("com1", devices::IsaSerial::kCom1, devices::IsaSerial::kPorts, com1_.get()); !s) return s;
    console_ = std::make_unique<Console>(events_, serial_.in_fd(), serial_.is_stdio(), [this](uint8_t b) { to_com1(b); },
                                         [this] { request_stop(0); });
    return {};
  }
  // Host input waits here while COM1's receive FIFO is full (a pasted line is
  // longer than 16 bytes): it is fed as the guest drains the FIFO, looked at
  // every kInputRetryNs, so nothing is lost to an overrun.
  void to_com1(uint8_t b) {
    pending_input_.push_back(b);
    feed_com1();
  }
  void feed_com1() {
    while (!pending_input_.empty() && com1_->uart().rx_space() > 0) {
      com1_->uart().receive(pending_input_.front());
      pending_input_.pop_front();
    }
    if (!pending_input_.empty() && !input_timer_armed_) {
      input_timer_armed_ = true;
      events_.schedule(events_.now_ns() + kInputRetryNs, [this] {
        input_timer_armed_ = false;
        feed_com1();
      });
    }
  }
  static constexpr uint64_t kInputRetryNs = 500'000;  // about a character time at 19200 baud
  // ---- end of the serial port ----

  // ---- Direct kernel boot (issue 14, boot paths 3-5): -kernel without firmware ----
  // machine/pc_kernel_boot.h loads the kernel and its boot information; the
  // CPU starts in 32-bit protected mode with the boot GDT's flat segments
  // (paging off, IF clear, A20 on, GPRs zero but those the entry names).
  void enter_protected32(const pc::KernelEntry& entry) {
    using namespace x86;
    X86State& s = cores_[0].cpu->s();  // the BSP (APs wait for SIPI, as firmware would leave them)
    s.gdtr = {pc::kBootGdt, sizeof pc::kBootGdtEntries - 1};
    constexpr uint16_t kFlat = attr::kPresent | attr::kS | attr::kAccessed | attr::kDB | attr::kG;
    for (unsigned r = ES; r <= GS; r++) s.seg[r] = Segment{0, 0xffffffff, pc::kBootDs, uint16_t(kFlat | attr::kWritable)};
    s.seg[CS] = Segment{0, 0xffffffff, pc::kBootCs, uint16_t(kFlat | attr::kCode | attr::kReadable)};
    s.cr0 = cr0::PE | cr0::ET;
    s.flags = 0x2;
    s.cpl = 0;
    for (uint64_t& r : s.gpr) r = 0;
    s.gpr[AX] = entry.eax;
    s.gpr[BX] = entry.ebx;
    s.gpr[SI] = entry.esi;
    s.pc = entry.eip;
    s.mem.flush_tlb();
  }
  // ---- end of the direct kernel boot ----

  static std::string cpu_model_names() {
    std::string out;
    for (const CpuModel& m : kCpuModels) out += std::string(out.empty() ? "" : ", ") + m.name;
    return out;
  }

  static constexpr uint64_t kHaltWaitNs = 10'000'000;  // a halted CPU looks again at least this often (gdb's interrupt)

  Log& log_;
  bool no_reboot_ = false;
  bool direct_boot_ = false;  // -kernel without firmware: a reset ends the run
  mem::PhysMap map_;
  mem::PortSpace ports_;
  engine::EventLoop events_;
  std::unique_ptr<jit::Jit> jit_;  // before the engines: they release their code into it
  std::vector<Core> cores_;        // after events_: the local APICs cancel their timers there
  unsigned current_ = 0;           // the CPU running now (whose local APIC 0xFEE00000 shows)
  CodeWatchers code_watchers_;     // every CPU's engine
  double seconds_ = 0;             // run_cores()'s time
  std::unique_ptr<MachineDebug> debug_;  // after the engines: it detaches from them first
  devices::IrqFanout pic_int_;           // the 8259A's INT to every LINT0
  std::unique_ptr<devices::I8259Pair> pic_;
  std::unique_ptr<devices::I8254> pit_;  // after events_: it cancels its timers there
  // The APICs (none without CPUID.APIC: before the Pentium, or -cpu ...,-apic).
  std::unique_ptr<devices::ApicBus> apic_bus_;
  std::unique_ptr<ApicWindow> apic_window_;
  std::unique_ptr<devices::IoApic> ioapic_;
  std::array<std::unique_ptr<devices::IrqSplitter>, 16> isa_irqs_;
  std::array<std::unique_ptr<devices::IdeChannel>, 2> ide_;  // primary, secondary
  std::unique_ptr<devices::I8237Pair> isa_dma_;  // the floppy's DMA (issue 14)
  std::unique_ptr<devices::FloppyController> fdc_;
  std::array<uint8_t, 2> floppy_types_{};  // CMOS drive types of A: and B:
  std::map<std::string, Chardev> chardevs_;  // before the devices that write to them, so closed after them
  std::vector<std::unique_ptr<devices::IsaDebugExit>> debug_exits_;
  std::vector<std::unique_ptr<devices::IsaDebugcon>> debugcons_;
  std::unique_ptr<devices::PcTestdev> pc_testdev_;
  std::unique_ptr<devices::Mc146818> rtc_;  // after events_: it cancels its timer there
  std::unique_ptr<devices::FwCfg> fw_cfg_;
  std::unique_ptr<devices::I8042> kbc_;
  std::unique_ptr<devices::Port92> port92_;
  std::unique_ptr<devices::ResetControl> reset_control_;
  devices::PostPort post_port_;
  std::unique_ptr<PcPci> pci_;  // PCI (issue 14)
  std::unique_ptr<devices::pci::StdVga> vga_;  // on pci_'s bus at 02.0 (if any)
  std::vector<std::unique_ptr<devices::pci::PciTestdev>> testdevs_;
  std::vector<std::unique_ptr<devices::pci::E1000>> nics_;  // -device e1000
  std::string screendump_;
  Chardev serial_;  // before the UART and the console that use it, so closed after them
  std::unique_ptr<devices::IsaSerial> com1_;
  std::deque<uint8_t> pending_input_;
  bool input_timer_armed_ = false;
  std::unique_ptr<Console> console_;
};

}  // namespace

Result<std::unique_ptr<Machine>> create_pc(const Config& cfg, Log& log) {
  auto m = std::make_unique<Pc>(log);
  if (Status s = m->build(cfg); !s) return make_error(s.error());
  return std::unique_ptr<Machine>(std::move(m));
}

}  // namespace kiln::machine

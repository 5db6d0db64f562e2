// The `pc` board (-M pc): one x86 CPU from the reset vector, RAM, a -bios ROM
// image (machine/pc.h has the map), the 8259A PICs and the 8254 PIT, and the
// ISA debugging devices on the I/O port space. A CPU that halts with nothing
// left to wake it ends the run with one line and pc::kExitHalted.
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <deque>
#include <map>

#include "cpu/x86/apic_link.h"
#include "cpu/x86/cpu.h"
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
#include "devices/pc/isa_debugcon.h"
#include "devices/pc/isa_serial.h"
#include "devices/pc/mc146818.h"
#include "devices/pc/port92.h"
#include "devices/pc/post_port.h"
#include "devices/pc/reset_control.h"
#include "engine/events.h"
#include "firmware/elf.h"
#include "firmware/placement.h"
#include "machine/chardev.h"
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
    no_reboot_ = cfg.no_reboot;
    cpu_ = std::make_unique<x86::X86Cpu>(map_, model);
    cpu_->set_log(&log_);  // -d int
    cpu_->s().ports = &ports_;
    engine_ = std::make_unique<engine::Engine>(*cpu_, map_, log_,
                                               engine::Options{64, cfg.verify_ir, jit_.get(), cfg.jit_threshold, cfg.jit_straight_threshold,
                                                               cfg.jit_sync, cfg.stats, cfg.jit_optimize_after});
    engine_->set_events(&events_);
    if (Status s = add_interrupt_devices(); !s) return s;
    if (Status s = add_ide(cfg); !s) return s;
    if (Status s = add_floppy(cfg); !s) return s;
    if (Status s = add_system_devices(cfg); !s) return s;
    if (Status s = add_pci(*bios); !s) return s;
    if (Status s = add_serial(cfg); !s) return s;
    if (direct_boot_) {
      Result<pc::KernelEntry> entry = pc::load_kernel(cfg, map_);
      if (!entry) return make_error(entry.error());
      enter_protected32(*entry);
    }
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
    // QEMU's rules: without a kernel there is nothing to hand a command line or an initrd to.
    if (cfg.kernel.empty() && !cfg.append.empty()) return make_error("-append only allowed with -kernel");
    if (cfg.kernel.empty() && !cfg.initrd.empty()) return make_error("-initrd only allowed with -kernel");
    if (cfg.kernel.empty() && !cfg.kernel_entry.empty()) return make_error("-M pc,kernel-entry= only allowed with -kernel");
    if (!cfg.kernel.empty() && !cfg.bios.empty() && !cfg.bios_none)
      return make_error("-M pc does not support -kernel with -bios FILE yet (Kiln's own loader boots -kernel: leave -bios out)");
    if (!cfg.dtb.empty()) return make_error("-M pc does not support -dtb (a device tree is for -M virt)");
    if (!cfg.virtio_devices.empty()) return refuse("-device " + cfg.virtio_devices.front());
    if (!cfg.dumpdtb.empty()) return make_error("-M pc does not support dumpdtb (a device tree is for -M virt)");
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
                           isa_irqs, reset_control_.get());
    if (!p) return make_error(p.error());
    pci_ = std::move(*p);
    pci_->ide().connect(ide_[0].get(), ide_[1].get(), engine_.get());  // bus-master DMA for the IDE channels
    return {};
  }
  // PAM or a BAR changed what [base, base + size) means: blocks translated
  // from it and TLB entries over it are stale (nothing ran yet while building).
  void memory_changed(uint64_t base, uint64_t size) {
    if (!engine_) return;
    for (uint64_t page = base & mem::kPageMask; page < base + size; page += mem::kPageSize) engine_->code_written(page, 1);
    cpu_->s().mem.flush_tlb();
  }
  // ---- end PCI ----

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

  // ---- Interrupts (issue 14): the 8259A pair on the CPU's INTR pin, the 8254 PIT on IRQ0 and port 0x61.
  class IntrPin final : public devices::IrqLine {
   public:
    explicit IntrPin(x86::X86Cpu& cpu) : cpu_(cpu) {}
    void set_level(bool high) override { cpu_.set_intr(high); }

   private:
    x86::X86Cpu& cpu_;
  };

  Status add_interrupt_devices() {
    intr_pin_ = std::make_unique<IntrPin>(*cpu_);
    if (Status s = add_apics(); !s) return s;
    pic_ = std::make_unique<devices::I8259Pair>(lapic_ ? lapic_->lint0() : *intr_pin_);
    if (lapic_) {
      lapic_->set_extint_ack([this] { return pic_->acknowledge(); });
      cpu_->set_inta([this] { return lapic_->acknowledge(); });
    } else {
      cpu_->set_inta([this] { return pic_->acknowledge(); });
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
  bool may_interrupt() const {
    return lapic_ ? lapic_->may_interrupt(pic_->may_interrupt(), ioapic_->may_interrupt()) : pic_->may_interrupt();
  }
  // ---- end of the interrupt devices

  // ---- The APICs (issue 14), on models with one (the Pentium on, as QEMU's CPUID.1:EDX.APIC): the local
  // APIC at 0xFEE00000 drives the CPU's INTR, the 8259A reaching it through LINT0 (virtual wire), and
  // takes IA32_APIC_BASE and CR8; the IOAPIC at 0xFEC00000 receives each ISA IRQ beside the 8259A (IRQ0
  // on pin 2, QEMU's override; IRQ n on pin n) and delivers over the APIC bus.
  class CpuApicLink final : public x86::ApicLink {
   public:
    explicit CpuApicLink(devices::LocalApic& apic) : apic_(apic) {}
    uint64_t base_msr() const override { return apic_.base_msr(); }
    bool write_base_msr(uint64_t v) override { return apic_.write_base_msr(v); }
    uint8_t cr8() const override { return apic_.cr8(); }
    void write_cr8(uint8_t v) override { apic_.write_cr8(v); }
    uint8_t id() const override { return apic_.id(); }

   private:
    devices::LocalApic& apic_;
  };

  Status add_apics() {
    if (cpu_->model() < x86::Model::Pentium) return {};
    apic_bus_ = std::make_unique<devices::ApicBus>();
    lapic_ = std::make_unique<devices::LocalApic>(events_, *intr_pin_, 0, true, apic_bus_.get());
    apic_link_ = std::make_unique<CpuApicLink>(*lapic_);
    cpu_->s().apic = apic_link_.get();
    ioapic_ = std::make_unique<devices::IoApic>(*apic_bus_);
    if (Status s = map_.add_mmio("lapic", devices::LocalApic::kDefaultBase, devices::LocalApic::kSize, lapic_.get()); !s) return s;
    return map_.add_mmio("ioapic", devices::IoApic::kBase, devices::IoApic::kSize, ioapic_.get());
  }
  void reset_apics() {
    if (!lapic_) return;
    lapic_->reset();
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
    isa_dma_ = std::make_unique<devices::I8237Pair>(map_, engine_.get());
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

  // HLT with nothing left to wake the CPU ends the run: IF clear (no NMI
  // source yet), or IF set while the PIC masks every input. Otherwise the
  // host sleeps until the next event (a timer) and the CPU looks again.
  int halted() {
    const x86::X86State& s = cpu_->s();
    if (cpu_->shutdown()) {  // a triple fault: a PC resets (QEMU too), or with -no-reboot Kiln ends
      std::fprintf(stderr, "kiln: x86 triple fault (shutdown) at %04X:%08llX%s\n", s.seg[x86::CS].selector,
                   (unsigned long long)cpu_->ip(), no_reboot_ || direct_boot_ ? "" : "; resetting");
      if (no_reboot_ || direct_boot_) return pc::kExitTripleFault;
      reset_board();
      return -1;
    }
    const uint16_t cs = s.seg[x86::CS].selector;
    const unsigned long long hlt_ip = cpu_->ip() - 1;  // HLT's opcode byte, the last of the instruction
    if ((s.flags & x86::fl::IF) && may_interrupt()) {
      events_.wait_for_event(kHaltWaitNs);
      events_.run_due();
      return -1;
    }
    if (s.flags & x86::fl::IF)  // (with the APICs: nor does an APIC source remain unmasked)
      std::fprintf(stderr, "kiln: CPU halted with nothing to wake it at %04X:%04llX (IF=1, but the PIC masks every interrupt)\n", cs, hlt_ip);
    else
      std::fprintf(stderr, "kiln: CPU halted with interrupts disabled at %04X:%04llX\n", cs, hlt_ip);
    return pc::kExitHalted;
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
                                  .ide_disks = cmos_disks(), .floppy_types = floppy_types_};
    rtc_ = std::make_unique<devices::Mc146818>(events_, isa_irq(8), *start);
    pc::fill_cmos(*rtc_, facts);
    fw_cfg_ = std::make_unique<devices::FwCfg>(map_);
    fw_cfg_->set_code_watcher(engine_.get());
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
      engine_->request_stop(0);
      return;
    }
    events_.post([this] { reset_board(); });
  }

  // A system reset: the CPU and the devices, RAM and the CMOS kept.
  void reset_board() {
    cpu_->reset();
    reset_apics();
    rtc_->reset();
    kbc_->reset();
    port92_->reset();
    reset_control_->reset();
    fw_cfg_->reset();
    for (auto& ch : ide_) ch->reset();
    if (pci_) pci_->ide().reset();
    reset_floppy();
    apply_a20();
  }

  // The A20 gate: on if the 8042's output port or port 0x92 says so (the
  // chipset ORs them). Off, the CPU's physical addresses lose bit 20 (the
  // MMU's a20_mask; the 8086 has no bit 20 to lose).
  void apply_a20() {
    x86::X86State& s = cpu_->s();
    if (s.model == x86::Model::I8086) return;
    constexpr uint64_t kBit20 = 1ull << 20;
    const uint64_t mask = kbc_->a20() || port92_->a20() ? s.a20_mask | kBit20 : s.a20_mask & ~kBit20;
    if (mask == s.a20_mask) return;
    s.a20_mask = mask;
    s.mem.flush_tlb();  // cached translations hold the old physical addresses
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
    X86State& s = cpu_->s();
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
  std::unique_ptr<jit::Jit> jit_;  // before the engine: it releases its code into it
  std::unique_ptr<x86::X86Cpu> cpu_;
  std::unique_ptr<engine::Engine> engine_;
  std::unique_ptr<MachineDebug> debug_;  // after the engine: it detaches from it first
  std::unique_ptr<IntrPin> intr_pin_;
  std::unique_ptr<devices::I8259Pair> pic_;
  std::unique_ptr<devices::I8254> pit_;  // after events_: it cancels its timers there
  // The APICs (none before the Pentium).
  std::unique_ptr<devices::ApicBus> apic_bus_;
  std::unique_ptr<devices::LocalApic> lapic_;  // after events_: it cancels its timer there
  std::unique_ptr<CpuApicLink> apic_link_;
  std::unique_ptr<devices::IoApic> ioapic_;
  std::array<std::unique_ptr<devices::IrqSplitter>, 16> isa_irqs_;
  std::array<std::unique_ptr<devices::IdeChannel>, 2> ide_;  // primary, secondary
  std::unique_ptr<devices::I8237Pair> isa_dma_;  // the floppy's DMA (issue 14)
  std::unique_ptr<devices::FloppyController> fdc_;
  std::array<uint8_t, 2> floppy_types_{};  // CMOS drive types of A: and B:
  std::map<std::string, Chardev> chardevs_;  // before the devices that write to them, so closed after them
  std::vector<std::unique_ptr<devices::IsaDebugExit>> debug_exits_;
  std::vector<std::unique_ptr<devices::IsaDebugcon>> debugcons_;
  std::unique_ptr<devices::Mc146818> rtc_;  // after events_: it cancels its timer there
  std::unique_ptr<devices::FwCfg> fw_cfg_;
  std::unique_ptr<devices::I8042> kbc_;
  std::unique_ptr<devices::Port92> port92_;
  std::unique_ptr<devices::ResetControl> reset_control_;
  devices::PostPort post_port_;
  std::unique_ptr<PcPci> pci_;  // PCI (issue 14)
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

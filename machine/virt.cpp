// The RISC-V `virt` board, with QEMU's memory map so that unmodified OpenSBI
// (generic platform) and Linux find everything: the map below is the one
// constant table the devices are placed from and the device tree is generated
// from. Boot: OpenSBI (fw_dynamic by default) at DRAM, entered in M-mode with
// a0 = hart id, a1 = the device tree, a2 = the fw_dynamic info block; the
// kernel at DRAM + its text offset; the initrd and device tree higher up.
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "cpu/riscv/cpu.h"
#include "cpu/riscv/debug.h"
#include "devices/riscv/clint.h"
#include "devices/riscv/plic.h"
#include "devices/riscv/sifive_test.h"
#include "devices/rtc/goldfish_rtc.h"
#include "devices/uart/ns16550a.h"
#include "devices/virtio/blk.h"
#include "devices/virtio/console.h"
#include "devices/virtio/rng.h"
#include "devices/virtio/mmio.h"
#include "engine/events.h"
#include "firmware/elf.h"
#include "firmware/fdt.h"
#include "firmware/placement.h"
#include "firmware/riscv_image.h"
#include "machine/chardev.h"
#include "machine/code_watchers.h"
#include "machine/console.h"
#include "machine/debug.h"
#include "machine/machine.h"
#include "machine/mip_line.h"
#include "machine/virt_map.h"

namespace kiln::machine {

namespace {

using namespace virt_map;
constexpr uint64_t kUartClock = 3686400;
constexpr uint16_t kEmRiscv = 243;
constexpr const char* kDefaultBios = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin";
// fw_dynamic's info block (OpenSBI docs, "FW_DYNAMIC"): magic "OSBI", version 2.
constexpr uint64_t kFwDynMagic = 0x4942534f, kFwDynVersion = 2, kNextModeS = 1;
// The device tree's slot: the last 2 MiB-aligned 2 MiB of RAM below 4 GiB.
constexpr uint64_t kMaxFdtBytes = 2ull << 20;


uint64_t align_up(uint64_t v, uint64_t a) { return (v + a - 1) & ~(a - 1); }
uint64_t align_down(uint64_t v, uint64_t a) { return v & ~(a - 1); }

class Virt final : public Machine {
 public:
  Virt(Log& log) : log_(log) {}
  ~Virt() override { console_.reset(); }

  Status build(const Config& cfg);
  int run() override;
  RunStats stats() const override;
  bool reset_requested() const override { return reset_; }
  void request_stop(int code) override {
    events_.post([this, code] {
      for (Hart& h : harts_) h.engine->request_stop(code);
    });
  }
  cpu::DebugSystem* debug() override;
  const std::string& dumpdtb() const { return dumpdtb_; }

 private:
  Result<std::vector<uint8_t>> make_fdt(const Config& cfg, uint64_t initrd_start, uint64_t initrd_end);
  int run_harts();
  Status load_payloads(const Config& cfg);

  Log& log_;
  mem::PhysMap map_;
  engine::EventLoop events_;
  std::unique_ptr<jit::Jit> jit_;  // before the harts: their engines release code into it
  struct Hart {
    std::unique_ptr<riscv::RiscvCpu> cpu;
    std::unique_ptr<engine::Engine> engine;
    std::unique_ptr<MipLine> msip, mtip, meip, seip;
  };
  std::vector<Hart> harts_;
  CodeWatchers code_watchers_;
  double seconds_ = 0;
  std::unique_ptr<devices::Clint> clint_;
  std::unique_ptr<devices::Plic> plic_;
  Chardev serial_;  // declared before the UART and console that use it, so it is closed after them
  std::unique_ptr<devices::Ns16550a> uart_;
  std::unique_ptr<devices::SifiveTest> test_;
  std::unique_ptr<devices::GoldfishRtc> rtc_;
  std::vector<std::unique_ptr<devices::virtio::Device>> virtio_devs_;
  std::vector<std::unique_ptr<devices::virtio::MmioTransport>> virtio_;
  std::unique_ptr<Console> console_;
  std::string dumpdtb_;
  bool reset_ = false;
  std::unique_ptr<MachineDebug> debug_;  // last: it detaches from the engines first
};

Status Virt::build(const Config& cfg) {
  if (cfg.smp < 1 || cfg.smp > 8) return make_error("-smp: -M virt supports 1 to 8 harts");
  if (Status s = map_.add_ram("ram", kDram, cfg.ram_bytes); !s) return s;
  auto j = make_jit(cfg);
  if (!j) return make_error(j.error());
  jit_ = std::move(*j);
  for (unsigned h = 0; h < cfg.smp; h++) {
    Hart hart;
    hart.cpu = std::make_unique<riscv::RiscvCpu>(map_, log_, h);
    hart.engine = std::make_unique<engine::Engine>(*hart.cpu, map_, log_,
                                                   engine::Options{64, cfg.verify_ir, jit_.get(), cfg.jit_threshold, cfg.jit_straight_threshold, cfg.jit_sync, cfg.stats,
                                                   cfg.jit_optimize_after});
    hart.engine->set_events(&events_);
    hart.msip = std::make_unique<MipLine>(*hart.cpu, 3);
    hart.mtip = std::make_unique<MipLine>(*hart.cpu, 7);
    hart.meip = std::make_unique<MipLine>(*hart.cpu, 11);
    hart.seip = std::make_unique<MipLine>(*hart.cpu, 9);
    code_watchers_.add(hart.engine.get());
    harts_.push_back(std::move(hart));
  }
  for (Hart& a : harts_) {
    a.cpu->s().mem.code_watcher = &code_watchers_;
    for (Hart& b : harts_)
      if (&a != &b) a.engine->add_peer_tlb(&b.cpu->s().mem);
  }
  auto stop_all = [this](int code) {
    for (Hart& h : harts_) h.engine->request_stop(code);
  };

  // Interrupt wiring: CLINT -> MSIP/MTIP per hart; PLIC contexts 2h (M) and 2h+1 (S) -> MEIP/SEIP.
  std::vector<devices::Clint::HartLines> clint_lines;
  std::vector<devices::IrqLine*> plic_contexts;
  for (Hart& h : harts_) {
    clint_lines.push_back({h.msip.get(), h.mtip.get()});
    plic_contexts.push_back(h.meip.get());
    plic_contexts.push_back(h.seip.get());
  }
  clint_ = std::make_unique<devices::Clint>(events_, clint_lines);
  for (Hart& h : harts_) {
    h.cpu->set_time_source([this] { return clint_->mtime(); });
    h.cpu->set_clock(&events_);  // offers Sstc
  }
  plic_ = std::make_unique<devices::Plic>(devices::Plic::kVirtSources, plic_contexts);
  Result<Chardev> serial = Chardev::open(cfg.serial);
  if (!serial) return make_error(serial.error());
  serial_ = std::move(*serial);
  uart_ = std::make_unique<devices::Ns16550a>(plic_->source(kUartIrq), serial_.out());
  test_ = std::make_unique<devices::SifiveTest>([this, stop_all, no_reboot = cfg.no_reboot](devices::SifiveTest::Kind k, int code) {
    if (k == devices::SifiveTest::Kind::Reset && !no_reboot) reset_ = true;  // -no-reboot: a reset ends Kiln
    stop_all(k == devices::SifiveTest::Kind::Exit ? code : 0);
  });
  rtc_ = std::make_unique<devices::GoldfishRtc>(events_, plic_->source(kRtcIrq));

  struct Mapping {
    const char* name;
    Range r;
    mem::MmioDevice* dev;
  };
  for (const Mapping& m : {Mapping{"clint", kClint, clint_.get()}, Mapping{"plic", kPlic, plic_.get()},
                           Mapping{"uart0", kUart, uart_.get()}, Mapping{"test", kTest, test_.get()},
                           Mapping{"rtc", kRtc, rtc_.get()}})
    if (Status s = map_.add_mmio(m.name, m.r.base, m.r.size, m.dev); !s) return s;

  // virtio-mmio slots: drives first, the rest empty (Linux probes them all).
  if (cfg.drives.size() + cfg.virtio_devices.size() > kVirtioSlots)
    return make_error("too many virtio devices (at most 8 on -M virt)");
  for (const Drive& d : cfg.drives) {
    if (d.iface == "ide") return make_error("-drive: -M virt has no IDE controller (use if=virtio)");
    if (d.iface == "floppy") return make_error("-drive: -M virt has no floppy controller (use if=virtio)");
    auto blk = devices::virtio::Blk::open(d.file, {d.snapshot, d.read_only});
    if (!blk) return make_error(blk.error());
    virtio_devs_.push_back(std::move(*blk));
  }
  for (const std::string& name : cfg.virtio_devices) {
    if (name == "virtio-rng-device") virtio_devs_.push_back(std::make_unique<devices::virtio::Rng>());
    else virtio_devs_.push_back(std::make_unique<devices::virtio::Console>(stdout));
  }
  for (unsigned i = 0; i < kVirtioSlots; i++) {
    devices::virtio::Device* dev = i < virtio_devs_.size() ? virtio_devs_[i].get() : nullptr;
    virtio_.push_back(std::make_unique<devices::virtio::MmioTransport>(map_, plic_->source(kVirtioIrq + i), dev));
    virtio_.back()->set_code_watcher(&code_watchers_);
    if (Status s = map_.add_mmio("virtio" + std::to_string(i), kVirtio.base + i * kVirtio.size, kVirtio.size, virtio_.back().get()); !s)
      return s;
  }

  if (Status s = load_payloads(cfg); !s) return s;
  if (!dumpdtb_.empty()) return {};  // the tree is written; nothing runs
  console_ = std::make_unique<Console>(events_, serial_.in_fd(), serial_.is_stdio(), [this](uint8_t b) { uart_->receive(b); },
                                       [stop_all] { stop_all(0); });
  return {};
}

Status Virt::load_payloads(const Config& cfg) {
  // QEMU's rules: without a kernel there is nothing to hand a command line or an initrd to.
  if (cfg.kernel.empty() && !cfg.append.empty()) return make_error("-append only allowed with -kernel");
  if (cfg.kernel.empty() && !cfg.initrd.empty()) return make_error("-initrd only allowed with -kernel");
  const uint64_t ram_end = kDram + cfg.ram_bytes;
  // Everything below is recorded here before it is written: an overlap is an error, not a silent overwrite.
  firmware::Placement placed;
  placed.add_memory("guest RAM", kDram, cfg.ram_bytes);
  placed.add_memory("mrom", kMrom.base, kMrom.size);
  uint64_t info[6] = {kFwDynMagic, kFwDynVersion, 0, kNextModeS, 0, 0};  // [2]: the kernel's entry, below
  if (Status s = placed.add("fw_dynamic info", kMrom.base, sizeof info); !s) return s;

  // Firmware (M-mode) at the start of DRAM, unless -bios none.
  uint64_t entry = kDram;
  bool have_firmware = !cfg.bios_none;
  if (have_firmware) {
    std::string path = cfg.bios.empty() ? kDefaultBios : cfg.bios;
    auto data = firmware::read_program(path, cfg.ram_bytes, "guest RAM");
    if (!data)
      return make_error(cfg.bios.empty() ? "default firmware: " + data.error() + " (install Debian's opensbi package, or give -bios)"
                                         : "-bios: " + data.error());
    std::string name = "firmware '" + path + "'";
    auto img = firmware::is_elf(*data) ? firmware::load_elf(*data, kEmRiscv, map_, name, &placed)
                                       : firmware::load_raw(*data, kDram, map_, name, &placed);
    if (!img) return make_error(img.error());
    entry = img->entry;
  }

  // Kernel: a Linux Image at DRAM + text_offset, an ELF where it says, or raw.
  uint64_t kernel_entry = 0, kernel_end = kDram;
  if (!cfg.kernel.empty()) {
    auto data = firmware::read_program(cfg.kernel, cfg.ram_bytes, "guest RAM");
    if (!data) return make_error("-kernel: " + data.error());
    std::string name = "kernel '" + cfg.kernel + "'";
    if (firmware::is_elf(*data)) {
      auto img = firmware::load_elf(*data, kEmRiscv, map_, name, &placed);
      if (!img) return make_error(img.error());
      kernel_entry = img->entry;
      kernel_end = img->high;
    } else {
      uint64_t offset = have_firmware ? 0x200000 : 0, size = data->size();
      if (firmware::is_riscv_image(*data)) {
        auto hdr = firmware::parse_riscv_image(*data);
        if (!hdr) return make_error(name + ": " + hdr.error());
        offset = hdr->text_offset;
        size = hdr->image_size;  // what it occupies once running, not just the file
      }
      if (offset >= cfg.ram_bytes)
        return make_error(name + ": loads at DRAM + " + firmware::hex(offset) + ", outside guest RAM (-m)");
      kernel_entry = kDram + offset;
      if (Status s = placed.add(name, kernel_entry, size); !s) return s;
      auto img = firmware::load_raw(*data, kernel_entry, map_, name);
      if (!img) return make_error(img.error());
      kernel_end = kernel_entry + size;
    }
    if (!have_firmware) entry = kernel_entry;
  } else if (!have_firmware) {
    return make_error("-M virt -bios none needs -kernel");
  }

  // initrd: far enough above the kernel that the kernel's own growth cannot reach it.
  uint64_t initrd_start = 0, initrd_end = 0;
  if (!cfg.initrd.empty()) {
    auto data = firmware::read_file(cfg.initrd, cfg.ram_bytes, "guest RAM");
    if (!data) return make_error("-initrd: " + data.error());
    uint64_t base = kernel_entry ? kernel_entry : kDram;
    initrd_start = align_up(std::max(kernel_end, base + std::min<uint64_t>(cfg.ram_bytes / 2, 128ull << 20)), 0x1000);
    auto img = firmware::load_raw(*data, initrd_start, map_, "initrd '" + cfg.initrd + "'", &placed);
    if (!img) return make_error(img.error());
    initrd_end = initrd_start + data->size();
  }

  // Device tree: generated from this board's map (or -dtb), in the last 2 MiB of RAM below 4 GiB.
  std::vector<uint8_t> fdt;
  std::string fdt_name = "device tree";
  if (!cfg.dtb.empty()) {
    auto data = firmware::read_file(cfg.dtb, kMaxFdtBytes, "the 2 MiB a device tree may use");
    if (!data) return make_error("-dtb: " + data.error());
    if (Status s = firmware::check_fdt(&*data); !s) return make_error("-dtb: '" + cfg.dtb + "': " + s.error());
    if (Status s = firmware::set_chosen(&*data, cfg.append, initrd_start, initrd_end); !s)
      return make_error("-dtb: '" + cfg.dtb + "': " + s.error());
    fdt = std::move(*data);
    fdt_name = "device tree '" + cfg.dtb + "'";
  } else {
    auto gen = make_fdt(cfg, initrd_start, initrd_end);
    if (!gen) return make_error(gen.error());
    fdt = std::move(*gen);
  }
  if (fdt.size() > kMaxFdtBytes) return make_error("device tree larger than 2 MiB");
  uint64_t fdt_addr = align_down(std::min<uint64_t>(ram_end, 0x100000000ull) - kMaxFdtBytes, kMaxFdtBytes);
  if (Status s = placed.add(fdt_name, fdt_addr, fdt.size()); !s) return s;
  map_.write(fdt_addr, fdt.data(), fdt.size());
  // dumpdtb (as on QEMU): the tree exactly as the guest would get it, -dtb, -append and initrd included.
  if (!cfg.dumpdtb.empty()) {
    std::FILE* f = std::fopen(cfg.dumpdtb.c_str(), "wb");
    bool written = f && std::fwrite(fdt.data(), 1, fdt.size(), f) == fdt.size();
    if (f && std::fclose(f) != 0) written = false;
    if (!written) return make_error("dumpdtb: cannot write '" + cfg.dumpdtb + "'");
    dumpdtb_ = cfg.dumpdtb;
    return {};
  }

  // fw_dynamic's info block, in the mask ROM as on QEMU.
  info[2] = kernel_entry;
  std::vector<uint8_t> rom(kMrom.size, 0);
  std::memcpy(rom.data(), info, sizeof info);
  if (Status s = map_.add_rom("mrom", kMrom.base, rom.data(), rom.size()); !s) return s;

  // Every hart enters the firmware; OpenSBI picks the boot hart from the info block.
  for (Hart& h : harts_) {
    h.cpu->reset(entry);
    h.cpu->s().x[10] = h.cpu->s().mhartid;  // a0: hart id
    h.cpu->s().x[11] = fdt_addr;            // a1: device tree
    h.cpu->s().x[12] = kMrom.base;          // a2: fw_dynamic info
  }
  return {};
}

Result<std::vector<uint8_t>> Virt::make_fdt(const Config& cfg, uint64_t initrd_start, uint64_t initrd_end) {
  firmware::FdtBuilder f;
  char name[64];
  uint32_t plic = f.new_phandle(), test = f.new_phandle();
  f.prop_u32("#address-cells", 2);
  f.prop_u32("#size-cells", 2);
  f.prop_string("compatible", "riscv-virtio");
  f.prop_string("model", "riscv-virtio,qemu");

  f.begin_node("chosen");
  if (!cfg.append.empty()) f.prop_string("bootargs", cfg.append);
  std::snprintf(name, sizeof name, "/soc/serial@%" PRIx64, kUart.base);
  f.prop_string("stdout-path", name);
  if (initrd_end) {
    f.prop_u64("linux,initrd-start", initrd_start);
    f.prop_u64("linux,initrd-end", initrd_end);
  }
  f.end_node();

  std::snprintf(name, sizeof name, "memory@%" PRIx64, kDram);
  f.begin_node(name);
  f.prop_string("device_type", "memory");
  f.prop_reg(kDram, cfg.ram_bytes);
  f.end_node();

  f.begin_node("cpus");
  f.prop_u32("#address-cells", 1);
  f.prop_u32("#size-cells", 0);
  f.prop_u32("timebase-frequency", uint32_t(riscv::RiscvCpu::kTimebaseHz));
  std::vector<uint32_t> clint_irqs, plic_irqs;
  for (unsigned h = 0; h < harts_.size(); h++) {
    uint32_t intc = f.new_phandle();
    std::snprintf(name, sizeof name, "cpu@%u", h);
    f.begin_node(name);
    f.prop_string("device_type", "cpu");
    f.prop_u32("reg", h);
    f.prop_string("status", "okay");
    f.prop_string("compatible", "riscv");
    f.prop_string("riscv,isa", "rv64imafdc_zicsr_zifencei_sstc");
    f.prop_string("mmu-type", "riscv,sv48");
    f.begin_node("interrupt-controller");
    f.prop_u32("#interrupt-cells", 1);
    f.prop_empty("interrupt-controller");
    f.prop_string("compatible", "riscv,cpu-intc");
    f.prop_u32("phandle", intc);
    f.end_node();
    f.end_node();
    clint_irqs.insert(clint_irqs.end(), {intc, 3, intc, 7});   // MSI, MTI
    plic_irqs.insert(plic_irqs.end(), {intc, 11, intc, 9});    // MEI, SEI
  }
  f.end_node();

  f.begin_node("soc");
  f.prop_u32("#address-cells", 2);
  f.prop_u32("#size-cells", 2);
  f.prop_string("compatible", "simple-bus");
  f.prop_empty("ranges");

  std::snprintf(name, sizeof name, "clint@%" PRIx64, kClint.base);
  f.begin_node(name);
  f.prop_strings("compatible", {"sifive,clint0", "riscv,clint0"});
  f.prop_reg(kClint.base, kClint.size);
  f.prop_cells("interrupts-extended", clint_irqs);
  f.end_node();

  std::snprintf(name, sizeof name, "plic@%" PRIx64, kPlic.base);
  f.begin_node(name);
  f.prop_strings("compatible", {"sifive,plic-1.0.0", "riscv,plic0"});
  f.prop_reg(kPlic.base, kPlic.size);
  f.prop_u32("#interrupt-cells", 1);
  f.prop_u32("#address-cells", 0);
  f.prop_empty("interrupt-controller");
  f.prop_u32("riscv,ndev", devices::Plic::kVirtSources);
  f.prop_cells("interrupts-extended", plic_irqs);
  f.prop_u32("phandle", plic);
  f.end_node();

  std::snprintf(name, sizeof name, "serial@%" PRIx64, kUart.base);
  f.begin_node(name);
  f.prop_string("compatible", "ns16550a");
  f.prop_reg(kUart.base, kUart.size);
  f.prop_u32("clock-frequency", uint32_t(kUartClock));
  f.prop_u32("interrupts", kUartIrq);
  f.prop_u32("interrupt-parent", plic);
  f.end_node();

  std::snprintf(name, sizeof name, "test@%" PRIx64, kTest.base);
  f.begin_node(name);
  f.prop_strings("compatible", {"sifive,test1", "sifive,test0", "syscon"});
  f.prop_reg(kTest.base, kTest.size);
  f.prop_u32("phandle", test);
  f.end_node();

  std::snprintf(name, sizeof name, "rtc@%" PRIx64, kRtc.base);
  f.begin_node(name);
  f.prop_string("compatible", "google,goldfish-rtc");
  f.prop_reg(kRtc.base, kRtc.size);
  f.prop_u32("interrupts", kRtcIrq);
  f.prop_u32("interrupt-parent", plic);
  f.end_node();

  for (unsigned i = 0; i < kVirtioSlots; i++) {
    uint64_t base = kVirtio.base + i * kVirtio.size;
    std::snprintf(name, sizeof name, "virtio_mmio@%" PRIx64, base);
    f.begin_node(name);
    f.prop_string("compatible", "virtio,mmio");
    f.prop_reg(base, kVirtio.size);
    f.prop_u32("interrupts", kVirtioIrq + i);
    f.prop_u32("interrupt-parent", plic);
    f.end_node();
  }
  f.end_node();  // soc

  f.begin_node("poweroff");
  f.prop_string("compatible", "syscon-poweroff");
  f.prop_u32("regmap", test);
  f.prop_u32("offset", 0);
  f.prop_u32("value", devices::SifiveTest::kPass);
  f.end_node();
  f.begin_node("reboot");
  f.prop_string("compatible", "syscon-reboot");
  f.prop_u32("regmap", test);
  f.prop_u32("offset", 0);
  f.prop_u32("value", devices::SifiveTest::kReset);
  f.end_node();
  return f.finish();
}

int Virt::run() {
  if (!dumpdtb_.empty()) return 0;
  auto t0 = std::chrono::steady_clock::now();
  int code;
  if (harts_.size() == 1) {
    code = harts_[0].engine->run();
  } else {
    code = run_harts();
  }
  seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return code;
}

// Several harts on one host thread: each runs a slice of blocks in turn; a
// hart waiting in WFI is skipped until an interrupt is pending for it, and
// when every hart waits, the thread sleeps on the event loop.
int Virt::run_harts() {
  constexpr uint64_t kSliceBlocks = 2000;
  std::vector<bool> idle(harts_.size(), false);
  for (;;) {
    bool all_idle = true;
    for (size_t i = 0; i < harts_.size(); i++) {
      Hart& h = harts_[i];
      if (idle[i] && !h.cpu->wakeup_pending() && !h.engine->stop_requested()) continue;  // a stop ends the wait too
      engine::Engine::SliceEnd e = h.engine->run_for(kSliceBlocks);
      if (e == engine::Engine::SliceEnd::Stopped) return h.engine->stop_code();
      idle[i] = e == engine::Engine::SliceEnd::Idle;
      if (!idle[i]) all_idle = false;
      // Another hart runs next: its stores may hit this hart's reserved address,
      // so the reservation cannot survive the switch (SC then fails and retries).
      h.cpu->s().reservation = ~0ull;
    }
    if (all_idle) {
      events_.wait_for_event(10'000'000);
      events_.run_due();
    }
  }
}

cpu::DebugSystem* Virt::debug() {
  if (!debug_) {
    std::vector<DebugHart> harts;
    for (Hart& h : harts_)
      harts.push_back({h.cpu.get(), h.engine.get(), std::make_unique<riscv::RiscvDebugTarget>(*h.cpu)});
    // As in run_harts(): a reservation does not survive a switch to another hart.
    debug_ = std::make_unique<MachineDebug>(std::move(harts), events_, jit_.get(),
                                            [this](unsigned i) { harts_[i].cpu->s().reservation = ~0ull; });
  }
  return debug_.get();
}

RunStats Virt::stats() const {
  RunStats r;
  for (const Hart& h : harts_) {
    r.guest_insns += h.cpu->s().insns_retired;
    r.engine.add(h.engine->stats());
  }
  if (jit_) {
    r.jit = jit_->stats();
    r.jit_on = true;
  }
  r.engine.seconds = seconds_;
  return r;
}

}  // namespace

Result<std::unique_ptr<Machine>> create_virt(const Config& cfg, Log& log) {
  auto m = std::make_unique<Virt>(log);
  if (Status s = m->build(cfg); !s) return make_error(s.error());
  return std::unique_ptr<Machine>(std::move(m));
}

}  // namespace kiln::machine

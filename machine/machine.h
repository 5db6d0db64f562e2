// Boards: the only place CPUs, engine, devices and firmware meet. A board is a
// constant memory map plus one wiring function; create_machine() picks it.
#pragma once
#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/log.h"
#include "common/result.h"
#include "cpu/common/debug.h"
#include "engine/engine.h"

namespace kiln::machine {

struct Drive {
  std::string file;
  bool snapshot = false;  // writes stay in memory
  bool read_only = false;
  // if=: "virtio", "ide", "floppy", or empty for the board's own (virt: virtio, pc: ide; QEMU's defaults).
  std::string iface;
  // if=ide: the position 0-3 (primary master, primary slave, secondary master,
  // secondary slave; QEMU's index=); if=floppy: 0 (A:) or 1 (B:); -1 for the first one free.
  int index = -1;
  bool cdrom = false;  // media=cdrom: an ATAPI CD-ROM (read-only)
};

// An ISA device of -M pc: -device isa-debug-exit|isa-debugcon, or -debugcon.
struct IsaDevice {
  std::string driver;   // "isa-debug-exit" or "isa-debugcon"
  uint32_t iobase = 0;
  uint32_t iosize = 0;  // isa-debug-exit's port count
  std::string chardev;  // isa-debugcon: the id of its host side in Config::chardevs
};

// A PCI device named with -device (-M pc): "pci-testdev" or "e1000", its ROM from romfile=.
struct PciDevice {
  std::string driver;
  std::string romfile;  // empty: no expansion ROM (e1000: iPXE's unless no_rom)
  bool no_rom = false;  // e1000's romfile= with no file, as QEMU's
  std::array<uint8_t, 6> mac{0x52, 0x54, 0x00, 0x12, 0x34, 0x56};  // e1000's mac=
};

struct Config {
  std::string board = "spike";
  uint64_t ram_bytes = 128ull << 20;
  unsigned smp = 1;
  std::string bios;        // path, or empty for the board's default
  bool bios_none = false;  // -bios none
  std::string kernel;
  std::string initrd;
  std::string append;      // kernel command line
  std::string dtb;         // -dtb: use this device tree instead of the generated one
  std::string dumpdtb;     // -M virt,dumpdtb=F: write the generated tree and exit
  // -M pc,kernel-entry=linux|pvh|multiboot|multiboot2: how -kernel is entered ("" picks by the file)
  std::string kernel_entry;
  bool no_reboot = false;  // a guest reset request ends Kiln instead
  std::string rtc_base = "utc";  // -rtc base=utc|localtime|DATE (-M pc's RTC)
  // -boot [order=]LETTERS (-M pc): a/b floppy, c hard disk, d CD-ROM, n network; empty: the board's default.
  std::string boot_order;
  std::string cpu_model;   // -cpu NAME (x86 boards; empty: the board's default)
  std::string cpu_flags;   // -cpu NAME,FLAGS: FLAGS as written (+feat,-feat,feat=on|off; cpu/x86/cpuid.h)
  // The serial port's host side (-serial): "stdio", "null", "pty", "file:PATH",
  // "unix:PATH[,server...]" (machine/chardev.h opens it).
  std::string serial = "stdio";
  std::vector<Drive> drives;  // virtio-blk (in slot order) or IDE, in command-line order
  // Other virtio devices, after the drives: "virtio-rng-device", "virtio-serial-device".
  std::vector<std::string> virtio_devices;
  std::vector<IsaDevice> isa_devices;  // -M pc, in command-line order
  std::vector<PciDevice> pci_devices;  // -M pc, in slots from 03 on, in command-line order
  bool pc_testdev = false;             // -M pc: -device pc-testdev (devices/pc/pc_testdev.h)
  // -vga std|none (-M pc): "" is the board's default (std when a BIOS boots,
  // none for -kernel's direct boot; -nodefaults makes it none).
  std::string vga;
  std::string screendump;  // -screendump FILE: the VGA's text screen written there at exit
  std::vector<std::string> option_roms;  // -option-rom FILE (-M pc): fw_cfg's genroms/NAME
  // Host character devices for the ISA devices (-chardev stdio|file, -debugcon):
  // id -> a machine/chardev.h spec ("stdio", "null", "file:PATH").
  std::map<std::string, std::string> chardevs;
  std::vector<uint8_t> builtin_kernel;  // used when no -kernel is given (the demo)
  bool jit = false;                     // -accel jit (else the interpreter alone)
  unsigned jit_threshold = 40000;            // -accel jit,threshold=N
  unsigned jit_straight_threshold = 100000;  // -accel jit,straight=N
  bool jit_sync = false;                // wait for each compilation (tests: deterministic tier-up)
  uint64_t jit_optimize_after = 300000;  // -accel jit,optimize=N
  bool stats = false;                   // --stats: also time native code
  // Run the IR verifier on every block after every pass: on in debug builds
  // (the sanitizer CI build runs every guest test this way).
#ifdef NDEBUG
  bool verify_ir = false;
#else
  bool verify_ir = true;
#endif
};

struct RunStats {
  uint64_t guest_insns = 0;
  engine::Stats engine;
  jit::Stats jit;
  bool jit_on = false;
};

// True if this build has the JIT tier.
bool jit_available();
// The JIT a board shares between its harts, if -accel jit.
Result<std::unique_ptr<jit::Jit>> make_jit(const Config& cfg);

class Machine {
 public:
  virtual ~Machine() = default;
  // Runs the guest until it stops; returns Kiln's exit status.
  virtual int run() = 0;
  // True if the guest stopped by asking for a reset: the caller builds the
  // machine afresh from the same configuration (a cold reset) and runs again.
  virtual bool reset_requested() const { return false; }
  // From any thread (the host signal watcher): stop the guest at its next
  // block boundary, as a power-off does, so that run() (or the debugger's
  // resume) returns `code` and the machine shuts down in order.
  virtual void request_stop(int code) = 0;
  virtual RunStats stats() const = 0;
  // The machine as a debugger drives it (made on the first call; from then on
  // resume()/step() run the guest instead of run()).
  virtual cpu::DebugSystem* debug() = 0;
};

Result<std::unique_ptr<Machine>> create_machine(const Config& cfg, Log& log);
// The boards (one file each).
Result<std::unique_ptr<Machine>> create_spike(const Config& cfg, Log& log);
Result<std::unique_ptr<Machine>> create_virt(const Config& cfg, Log& log);
Result<std::unique_ptr<Machine>> create_pc(const Config& cfg, Log& log);

}  // namespace kiln::machine

// apps::parse_args: the QEMU-style command line. Every bad argument must be an
// error (exit status 2 in main), never silently ignored.
#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

#include "apps/cli.h"
#include "common/log.h"

using namespace kiln;
using apps::parse_args;

namespace {

apps::Options ok(std::vector<std::string> args) {
  Result<apps::Options> r = parse_args(args);
  INFO("args: " << [&] {
    std::string s;
    for (auto& a : args) s += a + " ";
    return s;
  }());
  if (!r.ok()) FAIL("unexpected error: " << r.error());
  return *r;
}
std::string err(std::vector<std::string> args) {
  Result<apps::Options> r = parse_args(args);
  if (r.ok()) {
    std::string s;
    for (auto& a : args) s += a + " ";
    FAIL("accepted: " << s);
  }
  return r.error();
}
bool mentions(const std::string& text, const std::string& what) { return text.find(what) != std::string::npos; }

}  // namespace

TEST_CASE("no arguments runs the demo", "[cli]") {
  apps::Options o = ok({});
  CHECK(o.demo);
  CHECK(o.machine.board == "spike");
  CHECK(o.machine.ram_bytes == 128ull << 20);
}

TEST_CASE("known flags", "[cli]") {
  CHECK_FALSE(ok({"-nographic"}).demo);
  CHECK(ok({"-h"}).help);
  CHECK(ok({"--help"}).help);
  CHECK(ok({"-help"}).help);
  CHECK(ok({"--version"}).version);
  CHECK(ok({"-version"}).version);
  CHECK(ok({"--stats"}).stats);
  CHECK(ok({"-M", "spike"}).machine.board == "spike");
  CHECK(ok({"-machine", "spike"}).machine.board == "spike");
  CHECK(ok({"-kernel", "prog.elf"}).machine.kernel == "prog.elf");
  CHECK(ok({"--kernel", "prog.elf"}).machine.kernel == "prog.elf");
  CHECK(ok({"-bios", "fw.bin"}).machine.bios == "fw.bin");
  CHECK(ok({"-D", "log.txt"}).log_file == "log.txt");

  apps::Options o = ok({"-M", "spike", "-m", "256M", "-nographic", "-kernel", "k.elf", "--stats"});
  CHECK(o.machine.ram_bytes == 256ull << 20);
  CHECK(o.machine.kernel == "k.elf");
  CHECK(o.stats);
  CHECK_FALSE(o.demo);
}

TEST_CASE("-bios none", "[cli]") {
  apps::Options o = ok({"-bios", "none", "-kernel", "k.elf"});
  CHECK(o.machine.bios_none);
  CHECK(o.machine.bios.empty());
}

TEST_CASE("-m sizes", "[cli]") {
  CHECK(ok({"-m", "512M"}).machine.ram_bytes == 512ull << 20);
  CHECK(ok({"-m", "512m"}).machine.ram_bytes == 512ull << 20);
  CHECK(ok({"-m", "1G"}).machine.ram_bytes == 1ull << 30);
  CHECK(ok({"-m", "64"}).machine.ram_bytes == 64ull << 20);  // no suffix: MiB
  CHECK(ok({"-m", "2048K"}).machine.ram_bytes == 2ull << 20);
  CHECK(ok({"-m", "64G"}).machine.ram_bytes == 64ull << 30);  // the upper limit
  CHECK(ok({"-m", "1M"}).machine.ram_bytes == 1ull << 20);    // the lower limit

  for (const char* bad : {"", "abc", "0", "0M", "12X", "1.5G", "512MB", "-1", "65G", "1T", "512K", "1025K",
                          "99999999999999999999", "18446744073709551615G", "M"}) {
    INFO("-m '" << bad << "'");
    CHECK(mentions(err({"-m", bad}), "-m"));
  }
}

TEST_CASE("-accel", "[cli]") {
  ok({"-accel", "interp"});
  if (machine::jit_available()) {
    CHECK(ok({"-accel", "jit"}).machine.jit);
    CHECK(ok({"-accel", "jit,threshold=5,sync=on"}).machine.jit_threshold == 5);
    CHECK(mentions(err({"-accel", "jit,threshold=0"}), "threshold"));
    CHECK(ok({"-accel", "jit,straight=7"}).machine.jit_straight_threshold == 7);
    CHECK(ok({"-accel", "jit,optimize=0"}).machine.jit_optimize_after == 0);
    CHECK(mentions(err({"-accel", "jit,straight="}), "straight"));
    CHECK(mentions(err({"-accel", "jit,straight=2000000"}), "straight"));
    CHECK(mentions(err({"-accel", "jit,frob=1"}), "frob"));
  } else {
    CHECK(mentions(err({"-accel", "jit"}), "JIT"));
  }
  CHECK_FALSE(ok({"-accel", "interp"}).machine.jit);
  CHECK(mentions(err({"-accel", "kvm"}), "kvm"));
}

TEST_CASE("-d log categories", "[cli]") {
  apps::Options o = ok({"-d", "in_asm,op"});
  CHECK(o.log_mask == (kLogInAsm | kLogOp));
  CHECK(ok({"-d", "int,exec,unimp,guest_errors"}).log_mask == (kLogInt | kLogExec | kLogUnimp | kLogGuestErrors));
  CHECK(ok({"-d", "in_asm,int,cpu"}).log_mask == (kLogInAsm | kLogInt | kLogCpu));
  CHECK(mentions(err({"-d", "nope"}), "nope"));
  CHECK(mentions(err({"-d", "in_asm,nope"}), "nope"));
}

TEST_CASE("unknown options and missing arguments", "[cli]") {
  CHECK(mentions(err({"-frobnicate"}), "-frobnicate"));
  CHECK(mentions(err({"kernel.elf"}), "kernel.elf"));  // a bare word is not an option
  CHECK(mentions(err({"-M", "vax"}), "vax"));
  CHECK(mentions(err({"-M", "virt,frob=1"}), "frob"));
  for (const char* opt : {"-m", "-M", "-bios", "-kernel", "-accel", "-d", "-D"}) {
    INFO(opt);
    CHECK(mentions(err({opt}), "needs an argument"));
  }
  // A missing argument after valid options is still caught.
  CHECK(mentions(err({"-nographic", "-kernel"}), "needs an argument"));
}

TEST_CASE("gdb options: -s, -gdb, -chardev, -S", "[cli][gdb]") {
  apps::Options o = ok({"-s"});
  CHECK(o.gdb);
  CHECK(o.gdb_endpoint.kind == gdbstub::Endpoint::Kind::Tcp);
  CHECK(o.gdb_endpoint.port == 1234);
  CHECK_FALSE(o.gdb_wait);
  o = ok({"-S", "-gdb", "tcp::5555"});
  CHECK(o.gdb_wait);
  CHECK(o.gdb_endpoint.port == 5555);
  o = ok({"-gdb", "tcp:127.0.0.1:4444"});
  CHECK(o.gdb_endpoint.host == "127.0.0.1");
  o = ok({"-gdb", "unix:/tmp/k.sock,server,nowait"});
  CHECK(o.gdb_endpoint.kind == gdbstub::Endpoint::Kind::Unix);
  CHECK(o.gdb_endpoint.path == "/tmp/k.sock");
  // The -gdb may come before the -chardev it names.
  o = ok({"-gdb", "chardev:g", "-chardev", "socket,path=/tmp/g.sock,server=on,wait=off,id=g"});
  CHECK(o.gdb_endpoint.path == "/tmp/g.sock");
  o = ok({"-chardev", "socket,host=localhost,port=7777,server=on,wait=off,id=t", "-gdb", "chardev:t"});
  CHECK(o.gdb_endpoint.port == 7777);
  o = ok({"-gdb", "none"});
  CHECK_FALSE(o.gdb);
  CHECK(mentions(err({"-S"}), "-S needs"));
  CHECK(mentions(err({"-gdb", "tcp:"}), "-gdb"));
  CHECK(mentions(err({"-gdb", "tcp::x"}), "bad port"));
  CHECK(mentions(err({"-gdb", "unix:"}), "needs a path"));
  CHECK(mentions(err({"-gdb", "pipe:foo"}), "unsupported device"));
  CHECK(mentions(err({"-gdb", "chardev:x"}), "no -chardev"));
  CHECK(mentions(err({"-chardev", "socket,path=p"}), "id="));
  CHECK(mentions(err({"-chardev", "socket,id=a"}), "path="));
  CHECK(mentions(err({"-chardev", "socket,id=a,path=p,frob=1"}), "unknown option"));
  CHECK(mentions(err({"-chardev", "pipe,id=a"}), "unknown backend 'pipe'"));
  CHECK(mentions(err({"-chardev", "socket,id=a,path=p", "-chardev", "socket,id=a,path=q"}), "duplicate id 'a'"));
  // stdio and file chardevs are the host side of -M pc's ISA devices, not of -gdb.
  CHECK(mentions(err({"-M", "pc", "-chardev", "stdio,id=a", "-gdb", "chardev:a"}), "no -chardev with id 'a'"));
}

TEST_CASE("-M pc: -bios, -chardev stdio|file, -device isa-debug-exit|isa-debugcon, -debugcon", "[cli][pc]") {
  apps::Options o = ok({"-machine", "pc,accel=tcg", "-bios", "rom.bin", "-nodefaults", "-display", "none", "-serial", "none",
                        "-chardev", "stdio,id=out", "-chardev", "file,id=log,path=log.txt",
                        "-device", "isa-debugcon,iobase=0x402,chardev=log", "-device", "isa-debugcon,chardev=out,iobase=128",
                        "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04", "-device", "isa-debug-exit", "-debugcon", "file:e9.txt"});
  CHECK(o.machine.board == "pc");
  CHECK(o.machine.bios == "rom.bin");
  CHECK(o.machine.chardevs == std::map<std::string, std::string>{{"out", "stdio"}, {"log", "file:log.txt"}, {"debugcon", "file:e9.txt"}});
  REQUIRE(o.machine.isa_devices.size() == 5);
  auto is = [](const machine::IsaDevice& d, const char* driver, uint32_t base, uint32_t size, const char* chardev) {
    return d.driver == driver && d.iobase == base && d.iosize == size && d.chardev == chardev;
  };
  CHECK(is(o.machine.isa_devices[0], "isa-debugcon", 0x402, 1, "log"));
  CHECK(is(o.machine.isa_devices[1], "isa-debugcon", 128, 1, "out"));
  CHECK(is(o.machine.isa_devices[2], "isa-debug-exit", 0xf4, 4, ""));
  CHECK(is(o.machine.isa_devices[3], "isa-debug-exit", 0x501, 2, ""));  // QEMU's defaults
  CHECK(is(o.machine.isa_devices[4], "isa-debugcon", 0xe9, 1, "debugcon"));
  // A device may name a -chardev that comes after it; -debugcon none adds nothing.
  o = ok({"-M", "pc", "-device", "isa-debugcon,chardev=c", "-chardev", "stdio,id=c", "-debugcon", "none"});
  CHECK(o.machine.isa_devices.size() == 1);

  CHECK(mentions(err({"-M", "pc", "-device", "isa-debugcon"}), "chardev=ID is required"));
  CHECK(mentions(err({"-M", "pc", "-device", "isa-debugcon,chardev=nope"}), "no -chardev with id 'nope'"));
  CHECK(mentions(err({"-M", "pc", "-device", "isa-debugcon,chardev="}), "chardev= needs an id"));
  CHECK(mentions(err({"-M", "pc", "-device", "isa-debug-exit,chardev=c"}), "unknown option 'chardev'"));
  CHECK(mentions(err({"-M", "pc", "-device", "isa-debugcon,iosize=2,chardev=c", "-chardev", "stdio,id=c"}), "unknown option 'iosize'"));
  for (const char* bad : {"iobase=", "iobase=-1", "iobase=0x10000", "iobase=65536", "iobase=0xg", "iobase= 1"})
    CHECK(mentions(err({"-M", "pc", "-device", std::string("isa-debug-exit,") + bad}), "iobase must be 0 to 0xffff"));
  CHECK(mentions(err({"-M", "pc", "-device", "isa-debug-exit,iosize=0"}), "iosize must be 1 to 0x10000"));
  CHECK(mentions(err({"-M", "pc", "-device", "isa-debug-exit,iobase=0xffff,iosize=2"}), "ports past 0xffff"));
  CHECK(mentions(err({"-M", "pc", "-chardev", "stdio,id=a,path=x"}), "-chardev stdio: unknown option 'path'"));
  CHECK(mentions(err({"-M", "pc", "-chardev", "file,id=a,port=1"}), "-chardev file: unknown option 'port'"));
  CHECK(mentions(err({"-M", "pc", "-chardev", "file,id=a"}), "path= is required"));
  CHECK(mentions(err({"-M", "pc", "-chardev", "stdio,id=a", "-chardev", "file,id=a,path=x"}), "duplicate id 'a'"));
  CHECK(mentions(err({"-M", "pc", "-debugcon", "stdio", "-debugcon", "stdio"}), "-debugcon: given twice"));
  CHECK(mentions(err({"-M", "pc", "-debugcon", "vc"}), "unsupported device 'vc'"));
  {  // -cpu NAME,FLAGS: the board applies the flags (cpu/x86/cpuid.h apply_cpu_flags)
    const apps::Options o = ok({"-M", "pc", "-cpu", "pentium,+sse,fxsr=on"});
    CHECK(o.machine.cpu_model == "pentium");
    CHECK(o.machine.cpu_flags == "+sse,fxsr=on");
    CHECK(ok({"-M", "pc", "-cpu", "max"}).machine.cpu_flags.empty());
  }
  CHECK(ok({"-M", "pc", "-s", "-S"}).gdb);  // x86 under gdb (cpu/x86/debug.h)
  // ISA devices and their chardevs are -M pc's.
  CHECK(mentions(err({"-M", "virt", "-device", "isa-debug-exit"}), "an ISA device, for -M pc (not -M virt)"));
  CHECK(mentions(err({"-debugcon", "stdio"}), "an ISA device, for -M pc (not -M spike)"));
  CHECK(mentions(err({"-M", "virt", "-chardev", "stdio,id=a"}), "for -M pc's ISA devices"));
}

TEST_CASE("numbers parse strictly: no sign, no wrap, no spaces", "[cli]") {
  if (machine::jit_available()) {
    for (const char* bad : {"threshold=-18446744073709551615", "threshold=-1", "threshold=+5", "threshold= 5",
                            "threshold=5x", "threshold=0x10", "threshold=18446744073709551621", "threshold="}) {
      INFO(bad);
      CHECK(mentions(err({"-accel", std::string("jit,") + bad}), "threshold"));
    }
  }
  for (const char* bad : {"-1", "+2", " 2", "2 ", "0x2", "18446744073709551617", "-18446744073709551615"}) {
    INFO("-smp '" << bad << "'");
    CHECK(mentions(err({"-smp", bad}), "-smp"));
  }
  CHECK(mentions(err({"-m", "-1G"}), "-m"));
  CHECK(mentions(err({"-m", "-18446744073709551615"}), "-m"));
  CHECK(mentions(err({"-gdb", "tcp::-1"}), "bad port"));
  CHECK(mentions(err({"-gdb", "tcp::65536"}), "bad port"));
  CHECK(ok({"-gdb", "tcp::0"}).gdb_endpoint.port == 0);  // the kernel picks one; Kiln prints it
  CHECK(ok({"-m", "size=256M"}).machine.ram_bytes == 256ull << 20);
  CHECK(mentions(err({"-m", "size=256M,maxmem=1G"}), "maxmem"));
}

TEST_CASE("empty values are errors", "[cli]") {
  for (const char* opt : {"-bios", "-kernel", "-initrd", "-dtb", "-D"}) {
    INFO(opt);
    CHECK(mentions(err({opt, ""}), "non-empty"));
  }
  CHECK(mentions(err({"-M", "virt,dumpdtb="}), "dumpdtb"));
  CHECK(mentions(err({"-M", "spike,dumpdtb=x.dtb"}), "dumpdtb"));
  CHECK(ok({"-append", ""}).machine.append.empty());  // an empty command line is a command line
}

TEST_CASE("-smp takes QEMU's topology syntax", "[cli]") {
  CHECK(ok({"-smp", "2"}).machine.smp == 2);
  CHECK(ok({"-smp", "cpus=3"}).machine.smp == 3);
  CHECK(ok({"-smp", "sockets=2,cores=2"}).machine.smp == 4);
  CHECK(ok({"-smp", "cores=2,threads=2"}).machine.smp == 4);
  CHECK(ok({"-smp", "4,sockets=1,cores=2,threads=2"}).machine.smp == 4);
  CHECK(ok({"-smp", "4,cores=2"}).machine.smp == 4);              // sockets derived: 2
  CHECK(ok({"-smp", "2,maxcpus=4"}).machine.smp == 2);            // room for hotplug: consistent, runs 2
  CHECK(ok({"-smp", "cpus=2,maxcpus=4,sockets=2,cores=2"}).machine.smp == 2);
  CHECK(ok({"-smp", "maxcpus=4"}).machine.smp == 4);
  CHECK(mentions(err({"-smp", "4,sockets=3,cores=2"}), "topology"));   // 6 != 4
  CHECK(mentions(err({"-smp", "4,maxcpus=2"}), "maxcpus"));
  CHECK(mentions(err({"-smp", "2,frob=1"}), "frob"));
  CHECK(mentions(err({"-smp", "2,cores"}), "cores"));
  CHECK(mentions(err({"-smp", "0"}), "-smp"));
  CHECK(mentions(err({"-smp", "sockets=0"}), "-smp"));
  CHECK(mentions(err({"-smp", "65"}), "64"));
}

TEST_CASE("QEMU spellings test harnesses pass", "[cli]") {
  apps::Options o = ok({"-nodefaults", "-nographic", "-serial", "mon:stdio", "-machine", "virt", "-accel", "tcg", "-cpu",
                        "rv64", "-smp", "2", "-bios", "fw.bin", "-kernel", "T.flat", "-append", "a b c"});
  CHECK(o.machine.board == "virt");
  CHECK(o.machine.serial == "stdio");
  CHECK(o.machine.smp == 2);
  CHECK(o.machine.jit == machine::jit_available());
  CHECK(o.machine.append == "a b c");
  CHECK(ok({"-nodefaults"}).machine.serial == "null");  // no -serial: the port is not connected, as in QEMU
  CHECK(ok({"-serial", "stdio"}).machine.serial == "stdio");
  CHECK(ok({"-serial", "null"}).machine.serial == "null");
  CHECK(ok({"-serial", "none"}).machine.serial == "null");
  CHECK(ok({"-serial", "file:out.txt"}).machine.serial == "file:out.txt");
  CHECK(ok({"-serial", "pty"}).machine.serial == "pty");
  CHECK(ok({"-serial", "unix:/tmp/s.sock,server=on"}).machine.serial == "unix:/tmp/s.sock,server=on");
  CHECK(mentions(err({"-serial", "file:"}), "-serial"));
  CHECK(mentions(err({"-serial", "vc"}), "vc"));
  CHECK(mentions(err({"-serial", "stdio", "-serial", "null"}), "twice"));
  ok({"-monitor", "none"});
  CHECK(mentions(err({"-monitor", "stdio"}), "monitor"));
  ok({"-display", "none"});
  CHECK(mentions(err({"-display", "sdl"}), "display"));
  CHECK(ok({"-machine", "virt,accel=tcg"}).machine.jit == machine::jit_available());
  CHECK_FALSE(ok({"-machine", "virt,accel=interp"}).machine.jit);
  CHECK(ok({"-machine", "type=virt"}).machine.board == "virt");
  CHECK(mentions(err({"-machine", "virt,accel=kvm"}), "software"));
  CHECK(mentions(err({"-accel", "kvm"}), "kvm"));
  CHECK(mentions(err({"-accel", "tcg,thread=multi"}), "thread"));
  ok({"-cpu", "rv64"});
  ok({"-cpu", "max"});
  CHECK(mentions(err({"-cpu", "sifive-u54"}), "sifive-u54"));
  CHECK(mentions(err({"-cpu", "rv64,v=true"}), "properties"));
  CHECK(mentions(err({"-M", "virt", "-cpu", "pentium"}), "-M virt"));
}

TEST_CASE("-rtc base=: -M pc only, base= only", "[cli][pc]") {
  CHECK(ok({"-M", "pc"}).machine.rtc_base == "utc");
  CHECK(ok({"-M", "pc", "-rtc", "base=localtime"}).machine.rtc_base == "localtime");
  CHECK(ok({"-M", "pc", "-rtc", "base=2006-06-17T16:01:21"}).machine.rtc_base == "2006-06-17T16:01:21");
  CHECK(mentions(err({"-M", "pc", "-rtc", "clock=vm"}), "-rtc: option 'clock' is not supported"));
  CHECK(mentions(err({"-M", "pc", "-rtc", "base"}), "-rtc: option 'base' is not supported"));
  CHECK(mentions(err({"-M", "virt", "-rtc", "base=utc"}), "only -M pc"));
  CHECK(mentions(err({"-M", "pc", "-rtc"}), "needs an argument"));
}

TEST_CASE("-M pc: -vga, -screendump, -option-rom, -device pci-testdev", "[cli][pc]") {
  apps::Options o = ok({"-M", "pc", "-bios", "rom.bin", "-vga", "std", "-screendump", "s.txt", "-option-rom", "a.rom",
                        "-option-rom", "b.rom", "-device", "pci-testdev,romfile=p.rom", "-device", "pci-testdev"});
  CHECK(o.machine.vga == "std");
  CHECK(o.machine.screendump == "s.txt");
  CHECK(o.machine.option_roms == std::vector<std::string>{"a.rom", "b.rom"});
  REQUIRE(o.machine.pci_devices.size() == 2);
  CHECK(o.machine.pci_devices[0].driver == "pci-testdev");
  CHECK(o.machine.pci_devices[0].romfile == "p.rom");
  CHECK(o.machine.pci_devices[1].romfile.empty());
  CHECK(ok({"-M", "pc", "-bios", "rom.bin"}).machine.vga.empty());  // the board's default
  CHECK(ok({"-M", "pc", "-bios", "rom.bin", "-nodefaults"}).machine.vga == "none");
  CHECK(ok({"-M", "pc", "-bios", "rom.bin", "-nodefaults", "-vga", "std"}).machine.vga == "std");
  CHECK(mentions(err({"-M", "pc", "-vga", "cirrus"}), "cirrus"));
  CHECK(mentions(err({"-M", "pc", "-device", "pci-testdev,romfile="}), "romfile="));
  CHECK(mentions(err({"-M", "pc", "-device", "pci-testdev,bar=1"}), "bar"));
  CHECK(mentions(err({"-M", "virt", "-vga", "std"}), "-M pc"));
  CHECK(mentions(err({"-M", "virt", "-screendump", "s.txt"}), "-M pc"));
  CHECK(mentions(err({"-M", "virt", "-device", "pci-testdev"}), "-M pc"));
  CHECK(mentions(err({"-screendump", ""}), "-screendump"));
}

TEST_CASE("-M pc: -device e1000, -nic none", "[cli][pc]") {
  apps::Options o = ok({"-M", "pc", "-bios", "rom.bin", "-nic", "none", "-device", "e1000",
                        "-device", "e1000,mac=02:aB:cd:00:01:ff,romfile=", "-device", "e1000,id=n,netdev=x,romfile=i.rom"});
  REQUIRE(o.machine.pci_devices.size() == 3);
  CHECK(o.machine.pci_devices[0].driver == "e1000");
  CHECK(o.machine.pci_devices[0].mac == std::array<uint8_t, 6>{0x52, 0x54, 0x00, 0x12, 0x34, 0x56});
  CHECK_FALSE(o.machine.pci_devices[0].no_rom);
  CHECK(o.machine.pci_devices[1].mac == std::array<uint8_t, 6>{0x02, 0xab, 0xcd, 0x00, 0x01, 0xff});
  CHECK(o.machine.pci_devices[1].no_rom);
  CHECK(o.machine.pci_devices[2].romfile == "i.rom");
  for (const char* bad : {"e1000,mac=52:54:00:12:34", "e1000,mac=52-54-00-12-34-56", "e1000,mac=52:54:00:12:34:5g"})
    CHECK(mentions(err({"-M", "pc", "-device", bad}), "mac="));
  CHECK(mentions(err({"-M", "pc", "-device", "e1000,mac=01:00:5e:00:00:01"}), "multicast"));
  CHECK(mentions(err({"-M", "pc", "-device", "e1000,model=x"}), "model"));
  CHECK(mentions(err({"-M", "pc", "-nic", "user"}), "-device e1000"));
  CHECK(mentions(err({"-M", "virt", "-device", "e1000"}), "-M pc"));
}

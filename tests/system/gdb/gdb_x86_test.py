#!/usr/bin/env python3
"""System test of Kiln's GDB stub on x86 (-M pc), driven by real gdb
(gdb-multiarch) in batch mode with scripts/gdb/kiln-x86.py loaded, on
roms/x86/modes.asm, which walks real -> protected -> paging -> ring 3 ->
long mode: one session from the reset vector to the guest's exit, without
reconnecting. It breaks at the reset vector and at a linear address in real
mode, stops on each mode switch (CR0.PE, CR0.PG, EFER.LMA, 64-bit code) and
steps across them, disassembles in each mode, reads GDTR, CR0, EFER, x87 and
SSE registers, watches a memory write (the stop comes after it, as x86 gdb
expects), reads memory through linear, physical and DS-relative addresses and
walks the page tables.

Scenario halt (roms/x86/pc_halt.asm): a CPU halted with interrupts disabled
ends the run under gdb as without it (status 4), and gdb sees that exit.

Scenario smp (roms/x86/smp.asm, -smp 2): each CPU is a gdb thread; a
breakpoint in the APs' 32-bit code stops in thread 2, whose registers are
its own (the BSP is elsewhere); continuing runs the ROM to its end.

usage: gdb_x86_test.py modes|halt|smp --kiln KILN --accel ACCEL --rom ROM.bin --src SRC
Exit status 0 on success, 1 on failure.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gdb_test  # noqa: E402  (Kiln, run_gdb, expect, fail, wait_for_socket)
from gdb_test import Kiln, expect, fail, run_gdb, wait_for_socket  # noqa: E402

ROM_BASE = 0xF0000  # modes.asm runs from the mirror below 1 MiB


def rom_symbols(src, work, rom="modes"):
    """Linear addresses of a ROM's labels: nasm's map file of the same source."""
    asm = os.path.join(src, "roms", "x86", rom + ".asm")
    out = os.path.join(work, rom + ".map")
    r = subprocess.run(["nasm", "-f", "bin", "-I", os.path.dirname(asm) + "/", "--before", "[map symbols %s]" % out,
                        "-o", os.path.join(work, "m.bin"), asm],
                       capture_output=True, text=True)
    if r.returncode != 0:
        fail("nasm failed", r.stderr)
    syms = {}
    with open(out) as f:
        for line in f:
            m = re.match(r"\s*([0-9A-F]+)\s+([0-9A-F]+)\s+(\S+)$", line)
            if m:
                syms[m.group(3)] = ROM_BASE + int(m.group(2), 16)
    return syms


def halted_pc(a, work, extra=()):
    """Kiln -M pc -S on the ROM, waiting for gdb on a Unix socket."""
    sock = os.path.join(work, "gdb.sock")
    k = Kiln([a.kiln, "-M", "pc", *extra, "-bios", a.rom, "-accel", a.accel, "-no-reboot", "-debugcon", "stdio",
              "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04", "-S", "-gdb", "unix:" + sock], work)
    wait_for_socket(sock, k)
    return k, sock


def halt(a, work):
    k, sock = halted_pc(a, work)
    script = os.path.join(a.src, "scripts", "gdb", "kiln-x86.py")
    out = run_gdb(f"target remote {sock}\nsource {script}\ncontinue\n", work, kiln=k)
    code = k.wait(60)
    kout = k.output()
    expect(out, [r"exited with code 04"], "Kiln's output:\n" + kout)
    if code != 4 or "CPU halted with interrupts disabled at F000:FFF5" not in kout:
        fail("a halted CPU did not end the run under gdb (status %s)" % code, out, kout)


def smp(a, work):
    s = rom_symbols(a.src, work, "smp")
    k, sock = halted_pc(a, work, ["-smp", "2"])
    script = os.path.join(a.src, "scripts", "gdb", "kiln-x86.py")
    out = run_gdb(f"""target remote {sock}
source {script}
info threads
break *{s["ap32"]:#x}
continue
info threads
p/x $pc
thread 1
p/x $pc
delete
continue
""", work, kiln=k)
    code = k.wait(60)
    kout = k.output()
    expect(out, [r"\* 1\s+Thread 1", r"2\s+Thread 2", r"Thread 2 .*hit Breakpoint 1", r"\* 2\s+Thread 2",
                 r"\$1 = %#x" % s["ap32"], r"\$2 = 0x(?!%x)" % s["ap32"], r"exited normally"], "Kiln's output:\n" + kout)
    if code != 0 or "RPNSIFMLAW" not in kout:  # -no-reboot: the ROM's reset ends the run (status 0)
        fail("the ROM did not reach its reset under gdb (status %s)" % code, out, kout)


def modes(a, work):
    s = rom_symbols(a.src, work)
    k, sock = halted_pc(a, work)
    script = os.path.join(a.src, "scripts", "gdb", "kiln-x86.py")
    out = run_gdb(f"""target remote {sock}
source {script}
echo == reset\\n
info registers rip cs
print/x $cs_base
print/x $ip_offset
kiln-arch
x/i $pc
echo == real-mode break\\n
break *{s['start']:#x}
kiln-break 0xf000:{s['start'] - ROM_BASE + 1:#x}
continue
print/x $pc
print/x $ip_offset
x/2i $pc
continue
print/x $ip_offset
delete
print $st0
print $xmm0
print/x $xmm15.uint128
info registers fctrl fstat ftag fop mxcsr
info float
echo == to protected mode\\n
monitor stop-on-mode-switch on
continue
print/x $cr0
print/x $gdtr_base
print/x $gdtr_limit
kiln-arch
x/i $pc
stepi
echo == in pm32\\n
print/x $pc
print/x $cs_attr
kiln-arch
x/i $pc
echo == to paging\\n
continue
print/x $cr0 & 0x80000000
kiln-arch
echo == watch\\n
watch *(unsigned int *)0x406000
continue
echo == after the write\\n
x/i $pc
delete
x/wx 0x406000
monitor walk 0x406000
monitor memory physical
x/wx 0x6000
x/wx 0x406000
monitor memory segment
x/wx 0x406000
monitor memory linear
monitor memory bogus
echo == to long mode\\n
while ($efer & 0x400) == 0
  continue
end
print/x $efer
print/x $cr0
kiln-arch
echo == to 64-bit code\\n
continue
print/x $pc
print/x $cs_attr
kiln-arch
x/i $pc
stepi
print/x $rax & 0xff
monitor regs
echo == to the end\\n
monitor stop-on-mode-switch off
continue
""", work, kiln=k)
    code = k.wait(60)
    kout = k.output()
    expect(out, [
        # The reset vector: F000:FFF0, linear FFFFFFF0, real-mode disassembly (the far jump to start).
        r"== reset\nrip\s+0xfffffff0 .*\ncs\s+0xf000 ",
        r"\$1 = 0xffff0000\n\$2 = 0xfff0\n",
        r"kiln-x86: real mode: disassembling as i8086\n=> 0xfffffff0:\tljmpw? \$0xf000[:,]\$%#x" % (s["start"] - ROM_BASE),
        # A breakpoint at a linear address in real mode stops there.
        r"\$3 = %#x\n\$4 = %#x\n=> %#x:\tcli\s*\n\s+%#x:\txorw %%ax, ?%%ax" % (s["start"], s["start"] - ROM_BASE, s["start"], s["start"] + 1),
        # x87 and SSE state: empty registers, the reset control word, the full tag word.
        # ... and one at F000:start+1 (kiln-break SEG:OFF), the next instruction.
        r"Breakpoint 2 at %#x\n" % (s["start"] + 1),
        r"Breakpoint 2, 0x0+%x in \?\? \(\)\n\$5 = %#x\n" % (s["start"] + 1, s["start"] - ROM_BASE + 1),
        r"\$6 = 0\n\$7 = \{v4_float = \{0, 0, 0, 0\}.*\n\$8 = 0x0\n",
        r"fctrl\s+0x37f .*\nfstat\s+0x0 .*\nftag\s+0xffff .*\nfop\s+0x0 .*\nmxcsr\s+0x1f80 ",
        r"R7: Empty",
        # CR0.PE set: a stop; GDTR as LGDT loaded it; still 16-bit code (the far jump), then 32-bit code.
        r"== to protected mode\n.*\n(?:.*\n)*?\$9 = 0x60000011\n\$10 = 0x1000\n\$11 = 0x57\n"
        r"kiln-x86: protected mode \(16-bit\): disassembling as i8086\n=> 0x[0-9a-f]+:\tljmpl \$0x8[:,]\$%#x" % s["pm32"],
        r"== in pm32\n\$12 = %#x\n\$13 = 0x[cC]09b\nkiln-x86: protected mode \(32-bit\): disassembling as i386\n"
        r"=> %#x:\tmovw \$0x10, ?%%ax" % (s["pm32"], s["pm32"]),
        # CR0.PG set: a stop.
        r"== to paging\n(?:.*\n)*?\$14 = 0x80000000\nkiln-x86: protected mode \(32-bit\)",
        # The watchpoint stops after the write: the next instruction is the compare that reads it back.
        r"Hardware watchpoint \d+: \*\(unsigned int \*\)0x406000",
        r"Old value = 0\nNew value = 1515852340\n",
        r"== after the write\n=> 0x[0-9a-f]+:\tcmpl \$0x5a5a1234, ?0x6000",
        r"0x406000:\s+0x5a5a1234\n",
        r"0x406000 -> 0x6000",
        # The same address linear, then physical (the alias's target, and what is at it), then DS-relative.
        r"0x406000:\s+0x5a5a1234\n0x6000:\s+0x5a5a1234\n0x406000:\s+0x00000000\n0x406000:\s+0x5a5a1234\n",
        r"gdb's memory accesses now use physical addresses\ngdb's memory accesses now use segment addresses\n",
        r"usage: memory linear\|physical\|segment",
        # EFER.LMA set with CR0.PG (compatibility code until the far jump), then 64-bit code at lm64.
        r"\$\d+ = 0xd01\n\$\d+ = 0xe0010011\nkiln-x86: long mode, compatibility code \(32-bit\): disassembling as i386\n",
        r"== to 64-bit code\n(?:.*\n)*?\$\d+ = %#x\n\$\d+ = 0xa09b\nkiln-x86: long mode, 64-bit code: disassembling as i386:x86-64\n"
        r"=> %#x:\tmovb \$0x4c, ?%%al\n" % (s["lm64"], s["lm64"]),
        r"\$\d+ = 0x4c\n",
        r"mode: long mode \(64-bit\), CPL 0\n(?:.*\n)*?gdtr_base\s+0x0+1000\n(?:.*\n)*?efer\s+0x0+d01\n",
        r"exited with code 01",
    ], "Kiln's output:\n" + kout)
    if code != 1 or "RPIGULS\nPASS" not in kout:
        fail("the ROM did not pass under gdb (status %s)" % code, out, kout)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("scenario", choices=["modes", "halt", "smp"])
    ap.add_argument("--kiln", required=True)
    ap.add_argument("--accel", required=True)
    ap.add_argument("--rom", required=True)
    ap.add_argument("--src", required=True)
    a = ap.parse_args()
    if not gdb_test.GDB:
        print("FAIL: gdb-multiarch not found (scripts/install-deps.sh installs it)")
        return 1
    work = tempfile.mkdtemp(prefix="kiln-gdb-x86-")  # Unix socket paths are short
    t0 = time.time()
    try:
        {"modes": modes, "halt": halt, "smp": smp}[a.scenario](a, work)
    finally:
        for p in gdb_test.STARTED:
            if p.poll() is None:
                p.kill()
                p.wait()
        shutil.rmtree(work, ignore_errors=True)
    print("PASS: x86 %s under -accel %s (%.1f s)" % (a.scenario, a.accel, time.time() - t0))
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Linux boot time, milestone by milestone: Kiln (jit, interp) vs QEMU (TCG).

Kernels (--kernels, default all whose files are present):

  riscv64  ../shared/images/riscv64: Image + initrd.gz on -M virt (OpenSBI
           fw_dynamic: Kiln's default firmware, given to QEMU as -bios)
  amd64    ~/.cache/kiln/linux: Debian's linux-image-amd64 vmlinuz +
           initrd.cpio.gz on -M pc, direct kernel boot
           (scripts/x86-linux.sh --fetch-only)
  i386     ~/.cache/kiln/linux-i386: Debian's linux-image-686, likewise
           (scripts/x86-linux.sh --arch i386 --fetch-only)

Each run boots one kernel with -m 512M -nographic under Kiln's JIT, Kiln's
interpreter or QEMU, reads the serial console as it streams and notes, for
each milestone, the wall time since the start and the process's CPU time
(user + system of all its threads, /proc/PID/stat, 10 ms ticks):

  Linux version          the kernel's first line (the x86 command line has
                         earlyprintk, the riscv64 one earlycon, so it shows at
                         kernel entry, not when the real console registers)
  Freeing unused kernel  the end of kernel init: user space starts
  marker                 the init's marker (KILN-X86-LINUX-MARKER, KILN-BOOT-OK)
  exit                   the init's last line (KILN-X86-LINUX-DONE,
                         KILN-INIT-DONE), then the emulator's exit; CPU time
                         from os.wait4's resource usage

The x86 init resets after DONE and the riscv64 one powers off; both end the
emulator (QEMU runs with -no-reboot). One that has not exited --grace seconds
after DONE is killed and its run counts as such.

Repetitions rotate the order of the emulators, so all see the same machine
load. The tables (markdown on stdout, progress on stderr) show the median per
phase, CPU time first (the figure to trust on a busy machine), then wall time,
then Kiln's --stats (guest instructions, JIT compile time and its share of the
run). A benchmark, never a test: it exits 0 whatever the guests do; only bad
arguments give 2.
"""

import argparse
import os
import re
import select
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import time

from compare import host_cpu  # bench/compare.py, beside this script

HERE = os.path.dirname(os.path.abspath(__file__))
CACHE = os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "kiln")
RISCV_FW = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin"
GOAL_COMPILE_SHARE = 0.10  # issue 4: JIT compile time under 10% of a riscv64 Linux boot
LEGACY_IRQ = "noapic nolapic acpi=off"  # x86 without the APIC and ACPI (--legacy-irq)
CLK_TCK = os.sysconf("SC_CLK_TCK")

# The kernel's milestones on the console (the init's marker and DONE are per guest): key, text.
MILESTONES = [("version", b"Linux version"), ("init", b"Freeing unused kernel")]
# Phases between consecutive milestones: (title, from key or None for the start, to key).
PHASES = [("early", None, "version"), ("kernel init", "version", "init"),
          ("user space", "init", "marker")]

# Lines of kiln --stats (stderr, merged into the output here).
STAT_RES = {"time": re.compile(rb"^kiln: time: ([0-9.]+) s", re.M),
            "compile": re.compile(rb"^kiln: compile time: ([0-9.]+) s", re.M),
            "instrs": re.compile(rb"^kiln: guest instructions: ([0-9]+)", re.M)}


class Guest:
    """One kernel and initramfs and how each emulator boots them."""

    def __init__(self, directory, kernel, initrd, machine, append, marker, done, qemu, qemu_args,
                 kiln_args, fetch):
        self.directory = directory
        self.kernel = kernel          # file names in directory
        self.initrd = initrd
        self.machine = machine
        self.append = append          # the kernel command line before --legacy-irq/--append-extra
        self.marker = marker
        self.done = done
        self.qemu = qemu              # QEMU binary name
        self.qemu_args = qemu_args    # QEMU's own arguments besides the common ones
        self.kiln_args = kiln_args
        self.fetch = fetch            # how to get the files


GUESTS = {
    "riscv64": Guest(os.path.join(HERE, "..", "..", "shared", "images", "riscv64"), "Image",
                     "initrd.gz", "virt", "console=ttyS0 earlycon panic=-1", b"KILN-BOOT-OK",
                     b"KILN-INIT-DONE", "qemu-system-riscv64", ["-bios", RISCV_FW], ["-no-reboot"],
                     "the riscv64 images of ../shared/images"),
    "amd64": Guest(os.environ.get("KILN_LINUX_CACHE") or os.path.join(CACHE, "linux"),
                   "vmlinuz", "initrd.cpio.gz", "pc",
                   "console=ttyS0 earlyprintk=serial,ttyS0 panic=-1 kiln.test",
                   b"KILN-X86-LINUX-MARKER", b"KILN-X86-LINUX-DONE", "qemu-system-x86_64", [],
                   [], "scripts/x86-linux.sh --fetch-only"),
    # Kiln's default -cpu on -M pc is qemu64 for either kernel; qemu-system-i386's is qemu32.
    "i386": Guest(os.environ.get("KILN_LINUX_I386_CACHE") or os.path.join(CACHE, "linux-i386"),
                  "vmlinuz", "initrd.cpio.gz", "pc",
                  "console=ttyS0 earlyprintk=serial,ttyS0 panic=-1 kiln.test",
                  b"KILN-X86-LINUX-MARKER", b"KILN-X86-LINUX-DONE", "qemu-system-i386",
                  ["-cpu", "qemu64"], [], "scripts/x86-linux.sh --arch i386 --fetch-only"),
}
ALL_MODES = ["jit", "interp", "qemu"]
MODE_TITLE = {"jit": "kiln jit", "interp": "kiln interp", "qemu": "qemu (tcg)"}


class Run:
    """One boot: per milestone key the wall and CPU seconds since the start."""

    def __init__(self):
        self.wall = {}
        self.cpu = {}
        self.stats = {}
        self.status = "ok"

    def ok(self):
        return self.status == "ok"


def process_cpu(pid):
    """User + system seconds of pid and all its threads so far, or None once it is gone."""
    try:
        with open("/proc/%d/stat" % pid, "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime: fields 14 and 15


def reap(pid, deadline):
    """(wait status, resource usage of the child and all its threads) once pid has exited, or
    None at deadline (None: wait as long as it takes). os.wait4, since Popen.wait drops the usage."""
    while True:
        done, status, usage = os.wait4(pid, 0 if deadline is None else os.WNOHANG)
        if done:
            return status, usage
        if time.monotonic() >= deadline:
            return None
        time.sleep(0.01)


def boot(cmd, guest, timeout, grace):
    """Boots once; the milestones' times, --stats and a status."""
    run = Run()
    watch = MILESTONES + [("marker", guest.marker), ("done", guest.done)]
    longest = max(len(text) for _, text in watch)
    start = time.monotonic()
    try:
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT)
    except OSError as e:
        run.status = "cannot start: %s" % (e.strerror or e)
        return run
    fd = p.stdout.fileno()
    out = bytearray()
    killed = None
    while True:
        now = time.monotonic()
        limit = start + timeout
        if "done" in run.wall:
            limit = min(limit, start + run.wall["done"] + grace)
        if now >= limit:
            killed = "no exit %.0f s after DONE" % grace if "done" in run.wall else "timeout"
            break
        ready, _, _ = select.select([fd], [], [], limit - now)
        if not ready:
            continue
        chunk = os.read(fd, 65536)
        if not chunk:
            break  # the emulator closed its output: it is exiting
        t = time.monotonic() - start
        scan_from = max(0, len(out) - longest)
        out += chunk
        for key, text in watch:
            if key not in run.wall and out.find(text, scan_from) >= 0:
                run.wall[key] = t
                run.cpu[key] = process_cpu(p.pid)
    reaped = None
    if killed is None:
        # Output closed; the process gets the rest of its time to exit.
        reaped = reap(p.pid, start + timeout)
        if reaped is None:
            killed = "timeout"
    if reaped is None:
        p.send_signal(signal.SIGKILL)
        reaped = reap(p.pid, None)
    status, usage = reaped
    p.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
    run.cpu["exit"] = usage.ru_utime + usage.ru_stime
    run.wall["exit"] = time.monotonic() - start
    p.stdout.close()
    for key, pattern in STAT_RES.items():
        m = pattern.search(out)
        if m:
            run.stats[key] = float(m.group(1))
    if killed:
        run.status = killed
    elif "done" not in run.wall:
        run.status = "exit %d before DONE" % p.returncode
    elif p.returncode != 0:
        run.status = "exit %d" % p.returncode
    return run


def median_of(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def phase_median(runs, clock, start_key, end_key):
    """Median over the runs that reached end_key of end - start (start None: the run's start)."""
    values = []
    for r in runs:
        times = r.cpu if clock == "cpu" else r.wall
        if end_key == "exit" and not r.ok():
            continue  # a killed run's exit time is ours, not the guest's
        if times.get(end_key) is None or (start_key and times.get(start_key) is None):
            continue
        values.append(times[end_key] - (times[start_key] if start_key else 0.0))
    return median_of(values)


def fmt(value, spec="{:.2f}"):
    return spec.format(value) if value is not None else "-"


def status_text(runs):
    bad = [r.status for r in runs if not r.ok()]
    if not bad:
        return "ok"
    return "; ".join(sorted(set(bad))) + " (%d/%d runs)" % (len(bad), len(runs))


def print_times(results, clock, runs):
    title = "CPU time (user + system, all threads)" if clock == "cpu" else "wall time"
    print("\n### Linux boot, %s, median of %d (seconds)\n" % (title, runs))
    head = ["kernel", "emulator"] + [t for t, _, _ in PHASES] + ["to marker", "to exit",
                                                                  "QEMU/this (marker)", "status"]
    print("| " + " | ".join(head) + " |")
    print("|---|---|" + "---:|" * (len(head) - 3) + "---|")
    for kernel, modes in results.items():
        qemu = phase_median(modes["qemu"], clock, None, "marker") if "qemu" in modes else None
        for mode, rs in modes.items():
            cells = [kernel, MODE_TITLE[mode]]
            cells += [fmt(phase_median(rs, clock, a, b)) for _, a, b in PHASES]
            marker = phase_median(rs, clock, None, "marker")
            cells += [fmt(marker), fmt(phase_median(rs, clock, None, "exit"))]
            cells.append("%.2fx" % (qemu / marker) if qemu and marker else "-")
            cells.append(status_text(rs))
            print("| " + " | ".join(cells) + " |")


def print_stats(results, runs):
    rows = [(k, m, rs) for k, modes in results.items() for m, rs in modes.items() if m != "qemu"]
    if not rows:
        return
    print("\n### Kiln --stats, median of %d\n" % runs)
    print("| kernel | emulator | guest instrs (M) | MIPS (instrs / CPU to exit) | JIT compile (s) "
          "| compile share |")
    print("|---|---|---:|---:|---:|---:|")
    goals = []
    for kernel, mode, rs in rows:
        instrs = median_of(r.stats.get("instrs") for r in rs)
        cpu = phase_median(rs, "cpu", None, "exit")
        compile_s = median_of(r.stats.get("compile") for r in rs)
        # Compile time over Kiln's own run time (`kiln: time:`), per run, then the median.
        share = median_of(r.stats["compile"] / r.stats["time"] for r in rs
                          if r.stats.get("compile") is not None and r.stats.get("time"))
        print("| %s | %s | %s | %s | %s | %s |" % (
            kernel, MODE_TITLE[mode], fmt(instrs and instrs / 1e6, "{:.0f}"),
            fmt(instrs / 1e6 / cpu if instrs and cpu else None, "{:.0f}"), fmt(compile_s),
            fmt(share and share * 100, "{:.0f}%")))
        if kernel == "riscv64" and share is not None:
            verdict = ("met" if share < GOAL_COMPILE_SHARE
                       else "missed by %.1fx" % (share / GOAL_COMPILE_SHARE))
            goals.append("%s %s: JIT compile time is %.0f%% of the boot; issue 4's goal is under "
                         "%.0f%%: %s." % (kernel, mode, share * 100, GOAL_COMPILE_SHARE * 100,
                                          verdict))
    print()
    for line in goals:
        print(line)


def run_items(times):
    """A run's (milestone, seconds) in the order reached, for the progress lines."""
    return [(k, v) for k, v in sorted(times.items(), key=lambda kv: kv[1] or 0) if v is not None]


def parse_list(text, allowed, what, ap):
    items = [x.strip() for x in text.split(",") if x.strip()]
    for x in items:
        if x not in allowed:
            ap.error("unknown %s %r (choose from %s)" % (what, x, ", ".join(allowed)))
    return [x for x in allowed if x in items]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kernels", default=",".join(GUESTS),
                    help="comma-separated subset of riscv64,amd64,i386 (default: all present)")
    ap.add_argument("--modes", default=",".join(ALL_MODES),
                    help="comma-separated subset of jit,interp,qemu (default: all)")
    ap.add_argument("--runs", type=int, default=3, help="boots per kernel and emulator (3)")
    ap.add_argument("--kiln", help="the kiln binary (without it: no jit/interp rows)")
    ap.add_argument("--kiln-args", default="", help="extra arguments for kiln (one string)")
    ap.add_argument("--append-extra", default="", help="added to every kernel command line")
    ap.add_argument("--legacy-irq", action="store_true",
                    help="x86: add '%s' to the command line" % LEGACY_IRQ)
    ap.add_argument("--smp", type=int, help="-smp N for every emulator (default: none given)")
    ap.add_argument("--images", action="append", default=[], metavar="KERNEL=DIR",
                    help="where a kernel's files are (repeatable)")
    ap.add_argument("--timeout", type=float, default=600.0, help="seconds per boot (600)")
    ap.add_argument("--grace", type=float, default=5.0,
                    help="seconds an emulator may take to exit after DONE before it is killed (5)")
    a = ap.parse_args()
    if a.runs < 1:
        ap.error("--runs must be at least 1")
    kernels = parse_list(a.kernels, list(GUESTS), "kernel", ap)
    wanted = parse_list(a.modes, ALL_MODES, "mode", ap)
    for item in a.images:
        name, sep, directory = item.partition("=")
        if not sep or name not in GUESTS:
            ap.error("--images takes KERNEL=DIR with KERNEL one of %s" % ", ".join(GUESTS))
        GUESTS[name].directory = directory

    notes = []
    kiln = a.kiln if a.kiln and os.path.isfile(a.kiln) and os.access(a.kiln, os.X_OK) else None
    if not kiln and {"jit", "interp"} & set(wanted):
        notes.append("Kiln: no kiln binary (%s), its rows omitted." % (a.kiln or "give --kiln"))
    commands = {}  # kernel -> {mode: argv}
    appends = {}  # kernel -> its command line
    for kernel in kernels:
        g = GUESTS[kernel]
        image, initrd = (os.path.join(g.directory, f) for f in (g.kernel, g.initrd))
        if not (os.path.isfile(image) and os.path.isfile(initrd)):
            notes.append("%s: no %s or %s (%s), rows omitted." % (kernel, image, initrd, g.fetch))
            continue
        append = g.append
        if a.legacy_irq and g.machine == "pc":
            append += " " + LEGACY_IRQ
        if a.append_extra:
            append += " " + a.append_extra
        appends[kernel] = append
        common = ["-M", g.machine, "-m", "512M", "-nographic", "-kernel", image, "-initrd",
                  initrd, "-append", append] + (["-smp", str(a.smp)] if a.smp else [])
        cmds = {}
        for accel in ("jit", "interp"):
            if accel in wanted and kiln:
                cmds[accel] = ([kiln, "-accel", accel, "--stats"] + g.kiln_args + common
                               + shlex.split(a.kiln_args))
        if "qemu" in wanted:
            qemu = shutil.which(g.qemu)
            if qemu:
                cmds["qemu"] = [qemu, "-accel", "tcg", "-no-reboot"] + g.qemu_args + common
            else:
                notes.append("%s: %s not installed, QEMU row omitted (apt-get install %s)."
                             % (kernel, g.qemu, "qemu-system-misc" if kernel == "riscv64"
                                else "qemu-system-x86"))
        if cmds:
            commands[kernel] = cmds
        for mode, argv in cmds.items():
            print("[%s %s] %s" % (kernel, mode, " ".join(shlex.quote(x) for x in argv)),
                  file=sys.stderr)

    results = {k: {m: [] for m in cmds} for k, cmds in commands.items()}
    for i in range(a.runs):
        for kernel, cmds in commands.items():
            order = list(cmds)
            for mode in order[i % len(order):] + order[:i % len(order)]:  # rotate who goes first
                r = boot(cmds[mode], GUESTS[kernel], a.timeout, a.grace)
                results[kernel][mode].append(r)
                print("[%s %s] run %d: %s; cpu %s; %s" % (
                    kernel, mode, i + 1,
                    ", ".join("%s %.2f" % (k, v) for k, v in run_items(r.wall)),
                    ", ".join("%s %.2f" % (k, v) for k, v in run_items(r.cpu)), r.status),
                    file=sys.stderr)

    print("Host: %s; load average at the end: %.2f." % (host_cpu(), os.getloadavg()[0]))
    if results:
        for clock in ("cpu", "wall"):
            print_times(results, clock, a.runs)
        print("\nearly = start to `Linux version` (firmware or boot protocol, decompressor, "
              "early setup); kernel init = to `Freeing unused kernel`; user space = to the "
              "marker; to exit = through DONE to the emulator's exit. Each phase is its own "
              "median, so they need not add up. QEMU/this above 1: faster than QEMU.")
        for kernel in commands:
            print("%s: `-append %s`" % (kernel, shlex.quote(appends[kernel])))
        print_stats(results, a.runs)
    for note in notes:
        print(note)
    return 0


if __name__ == "__main__":
    sys.exit(main())

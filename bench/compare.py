#!/usr/bin/env python3
"""Time Kiln's benchmark workloads in up to four ways and compare.

Modes (--modes, default all that are available), for --arch riscv64 (the
default; workloads are build/bench/riscv/*.elf):

  jit     kiln -M spike -accel jit  [--kiln-args] -kernel X.elf --stats
  interp  kiln -M spike -accel interp [--kiln-args] -kernel X.elf --stats
  qemu    qemu-system-riscv64 -M spike -bios none -nographic -kernel X.elf
  native  the same workload C source compiled for the host (bench/native/)

and for --arch x86_64 or i386 (workloads are build/bench/<arch>/*.rom, bench/x86/):

  jit     kiln -M pc -accel jit [--kiln-args] -bios X.rom DEBUG_ARGS --stats
  interp  kiln -M pc -accel interp [--kiln-args] -bios X.rom DEBUG_ARGS --stats
  qemu    qemu-system-x86_64 (or -i386) -M pc -bios X.rom DEBUG_ARGS -nodefaults
  native  as above

where DEBUG_ARGS = -debugcon stdio -device isa-debug-exit,iobase=0xf4,iosize=0x04
-display none; the guest's exit status v comes back as (v << 1) | 1.

Every repetition runs each mode once per workload, rotating which mode goes
first, so all modes see the same machine conditions; the table shows the
median wall time of the successful runs per mode and the ratios

  jit vs interp   interp time / jit time   (how many times faster the JIT is)
  QEMU/jit        QEMU time / jit time     (>1: Kiln jit is faster than QEMU)
  jit/native      jit time / native time   (how many times slower than native)

and, per workload, whether the issue's goal is met and if not, by how much:
riscv64 (issue 4): integer workloads jit at least 2.5x QEMU's speed and
within 2x of native, memory-bound ones within 4x of native; x86 (issue 13): integer workloads interp at least 100 guest MIPS and jit at least 1.5x
QEMU's speed, memory-bound ones jit within 1.5x of native.

Each run's output must hold the workload's `checksum ... OK` line; anything
else (FAIL, a guest trap, a crash, a timeout) shows in the status column.
A benchmark is never a test: the script exits 0 whatever the workloads do;
only bad arguments give 2.
"""

import argparse
import os
import re
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import time

# Listed first, in this order; any other workload image in the directory follows.
KNOWN_WORKLOADS = ["hash", "sort", "interp", "matmul", "memwalk", "memwalk_sv39_4k",
                   "memwalk_sv39_2m", "memwalk_4k", "memwalk_4m", "memcopy"]
INTEGER_WORKLOADS = {"hash", "sort", "interp", "matmul"}
MEMORY_WORKLOADS = {"memwalk", "memwalk_sv39_4k", "memwalk_sv39_2m", "memwalk_4k", "memwalk_4m",
                    "memcopy"}

# The paging variants run memwalk's walk; on the host, paging is the host's,
# so their native reference is the memwalk binary.
NATIVE_BINARY = {"memwalk_sv39_4k": "memwalk", "memwalk_sv39_2m": "memwalk",
                 "memwalk_4k": "memwalk", "memwalk_4m": "memwalk"}

X86_DEBUG_ARGS = ["-debugcon", "stdio", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
                  "-display", "none"]


class Arch:
    """What differs between the guest architectures: images, commands, goals.

    goals_int/goals_mem: (metric, bound, at_least) per workload class, metric
    one of "QEMU/jit", "jit/native", "interp MIPS"."""

    def __init__(self, ext, qemu, kiln_args, qemu_args, debug_exit, icount, issue, goals_int,
                 goals_mem, goal_line, variants_note):
        self.ext = ext                # workload image suffix
        self.qemu = qemu              # default QEMU binary
        self.kiln_args = kiln_args    # image -> Kiln arguments after -accel
        self.qemu_args = qemu_args    # image -> QEMU arguments
        self.debug_exit = debug_exit  # exit status arrives as (v << 1) | 1
        self.icount = icount          # the guest prints instret under QEMU -icount
        self.issue = issue
        self.goals_int = goals_int
        self.goals_mem = goals_mem
        self.goal_line = goal_line
        self.variants_note = variants_note


def x86_arch(qemu):
    """Issue 13's goals, the same for x86_64 and i386 (bench/x86/ ROMs)."""
    return Arch(
        ".rom", qemu,
        lambda image: ["-bios", image] + X86_DEBUG_ARGS + ["--stats"],
        lambda image: ["-M", "pc", "-bios", image] + X86_DEBUG_ARGS + ["-nodefaults"],
        True, False, "issue 13",
        [("interp MIPS", 100.0, True), ("QEMU/jit", 1.5, True)],
        [("jit/native", 1.5, False)],
        "Goals: integer workloads interp MIPS >= 100 and QEMU/jit >= 1.5; "
        "memory-bound workloads jit/native <= 1.5.",
        "native for memwalk_4k/_4m: the memwalk binary (the same walk under the "
        "host's own paging; for i386 the host's 64-bit build).")


ARCHES = {
    # Issue 4's goals for Kiln jit on riscv64.
    "riscv64": Arch(
        ".elf", "qemu-system-riscv64",
        lambda image: ["-kernel", image, "--stats"],
        lambda image: ["-M", "spike", "-bios", "none", "-nographic", "-kernel", image],
        False, True, "issue 4",
        [("QEMU/jit", 2.5, True), ("jit/native", 2.0, False)],
        [("jit/native", 4.0, False)],
        "Goals: integer workloads QEMU/jit >= 2.5 and jit/native <= 2.0; "
        "memory-bound workloads jit/native <= 4.0.",
        "native for memwalk_sv39_*: the memwalk binary (the same walk under the "
        "host's own paging)."),
    "x86_64": x86_arch("qemu-system-x86_64"),
    "i386": x86_arch("qemu-system-i386"),
}
MACHINE = {"riscv64": "spike", "x86_64": "pc", "i386": "pc"}

ALL_MODES = ["jit", "interp", "qemu", "native"]
MODE_TITLE = {"jit": "jit", "interp": "interp", "qemu": "QEMU", "native": "native"}

STATS_RE = re.compile(r"guest instructions:\s*([0-9]+)")
COMPILE_RE = re.compile(r"compile time:\s*([0-9.]+)\s*s")
INSTRET_RE = re.compile(r"\binstret\s*[:=]?\s*([0-9]+)", re.IGNORECASE)
CHECK_RE = re.compile(r"checksum\s+0x[0-9a-f]+\s+expected\s+0x[0-9a-f]+\s+(OK|FAIL)",
                      re.IGNORECASE)


class Outcome:
    """One run of one workload in one mode."""

    def __init__(self, seconds, returncode, stdout, stderr, timed_out=False, error=None,
                 cpu_seconds=0.0):
        self.seconds = seconds
        self.cpu_seconds = cpu_seconds  # user + system time of the run (all threads)
        self.returncode = returncode
        self.debug_exit = False  # set for x86 emulator runs: see decode_exit
        self.stdout = stdout
        self.stderr = stderr
        self.timed_out = timed_out
        self.error = error

    def status(self):
        if self.error:
            return "error: " + self.error
        if self.timed_out:
            return "timeout"
        if self.debug_exit and self.returncode >= 0 and self.returncode % 2 == 0:
            # isa-debug-exit always gives an odd status; an even one is the
            # emulator's own (an error, a triple fault, the CPU halted).
            return "exit %d (not through isa-debug-exit)" % self.returncode
        code = self.returncode
        if self.debug_exit and code > 0:
            code >>= 1
        check = CHECK_RE.search(self.stdout)
        if code == 0 and check and check.group(1).upper() == "OK":
            return "ok"
        if check and check.group(1).upper() == "FAIL":
            return "self-check FAIL (exit %d)" % code
        if code == 3:
            return "guest trap (exit 3)"
        if code is not None and code < 0:
            return "killed by signal %d" % -code
        return "exit %d" % code

    def ok(self):
        return self.status() == "ok"


def children_cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_once(argv, timeout):
    start = time.perf_counter()
    cpu_start = children_cpu_seconds()
    try:
        proc = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        return Outcome(time.perf_counter() - start, None, _text(e.stdout), _text(e.stderr),
                       timed_out=True)
    except OSError as e:
        return Outcome(0.0, None, "", "", error=str(e.strerror or e))
    return Outcome(time.perf_counter() - start, proc.returncode, _text(proc.stdout),
                   _text(proc.stderr), cpu_seconds=children_cpu_seconds() - cpu_start)


def _text(data):
    if data is None:
        return ""
    return data.decode("utf-8", errors="replace")


def find_workloads(elf_dir, only, ext):
    names = {}
    for entry in sorted(os.listdir(elf_dir)):
        if entry.endswith(ext):
            names[entry[:-len(ext)]] = os.path.join(elf_dir, entry)
    ordered = [n for n in KNOWN_WORKLOADS if n in names]
    ordered += [n for n in sorted(names) if n not in KNOWN_WORKLOADS]
    if only:
        wanted = [w.strip() for w in only.split(",") if w.strip()]
        for w in wanted:
            if w not in names:
                print("warning: no %s%s in %s" % (w, ext, elf_dir), file=sys.stderr)
        ordered = [n for n in ordered if n in wanted]
    return [(n, names[n]) for n in ordered]


def summarize(outcomes, clock):
    """(median seconds (wall or CPU) of the successful runs or None, status text)."""
    statuses = [o.status() for o in outcomes]
    good = [o.cpu_seconds if clock == "cpu" else o.seconds for o in outcomes if o.ok()]
    bad = sorted(set(s for s in statuses if s != "ok"))
    median = statistics.median(good) if good else None
    if not bad:
        return median, "ok"
    text = "; ".join(bad)
    if good:
        text += " (%d/%d runs)" % (len(outcomes) - len(good), len(outcomes))
    return median, text


def executable(path):
    return path if path and os.path.isfile(path) and os.access(path, os.X_OK) else None


def kiln_command(kiln, accel, extra, arch):
    return lambda name, elf: [kiln, "-M", MACHINE[arch], "-accel", accel] + extra + \
        ARCHES[arch].kiln_args(elf)


def pick_modes(args):
    """({mode: how to build its command}, [note lines about left-out modes])."""
    wanted = [m.strip() for m in args.modes.split(",") if m.strip()]
    for m in wanted:
        if m not in ALL_MODES:
            raise ValueError("unknown mode %r (choose from %s)" % (m, ", ".join(ALL_MODES)))
    if args.no_qemu and "qemu" in wanted:
        wanted.remove("qemu")
    notes, modes = [], {}
    kiln = executable(args.kiln)
    kiln_extra = shlex.split(args.kiln_args)
    for accel in ("jit", "interp"):
        if accel not in wanted:
            continue
        if kiln:
            modes[accel] = kiln_command(kiln, accel, kiln_extra, args.arch)
        else:
            notes.append("Kiln %s: no kiln binary (%s), column omitted."
                         % (accel, args.kiln or "give --kiln"))
    if "qemu" in wanted:
        qemu = shutil.which(args.qemu or ARCHES[args.arch].qemu)
        if qemu:
            modes["qemu"] = lambda name, elf: [qemu] + ARCHES[args.arch].qemu_args(elf)
        else:
            notes.append("QEMU: %s not installed, column omitted."
                         % (args.qemu or ARCHES[args.arch].qemu))
    if "native" in wanted:
        native_dir = args.native or os.path.join(os.path.dirname(
            os.path.abspath(args.elfs)), "native")
        if os.path.isdir(native_dir):
            modes["native"] = lambda name, elf: [
                os.path.join(native_dir, NATIVE_BINARY.get(name, name))]
        else:
            notes.append("native: no %s (build the bench_native_* targets), column omitted."
                         % native_dir)
    return {m: modes[m] for m in ALL_MODES if m in modes}, notes


def measure(name, elf, modes, args):
    """Runs one workload args.runs times in every mode (round-robin)."""
    runs = {m: [] for m in modes}
    order = list(modes)
    for i in range(args.runs):
        # Rotate the starting mode so none always runs first (or last).
        for mode in order[i % len(order):] + order[:i % len(order)]:
            argv = modes[mode](name, elf)
            if not os.path.exists(argv[0]):
                o = Outcome(0.0, None, "", "", error="no %s" % argv[0])
            else:
                o = run_once(argv, args.timeout)
            o.debug_exit = ARCHES[args.arch].debug_exit and mode != "native"
            runs[mode].append(o)
            print("[%s] %s run %d: %.3fs (cpu %.3fs) %s"
                  % (name, mode, i + 1, o.seconds, o.cpu_seconds, o.status()), file=sys.stderr)
    return runs


def guest_instructions(runs, elf, args):
    """Kiln's --stats count; else QEMU -icount (the guest's instret is exact then)."""
    for mode in ("jit", "interp"):
        for o in runs.get(mode, []):
            m = STATS_RE.search(o.stderr)
            if m:
                return int(m.group(1)), "kiln --stats"
    qemu = shutil.which(args.qemu or "qemu-system-riscv64")
    if qemu and ARCHES[args.arch].icount and not args.no_icount and not args.no_qemu:
        o = run_once([qemu, "-M", "spike", "-bios", "none", "-nographic",
                      "-icount", "shift=0", "-kernel", elf], args.timeout)
        m = INSTRET_RE.search(o.stdout)
        if m:
            return int(m.group(1)), "qemu -icount"
    return None, None


def compile_seconds(outcomes):
    values = [float(m.group(1)) for m in (COMPILE_RE.search(o.stderr) for o in outcomes if o.ok())
              if m]
    return statistics.median(values) if values else None


def goal_text(name, t, instrs, arch):
    """The issue's goal for this workload: 'met', or what is missing and by how much."""
    jit, qemu, native, interp = t.get("jit"), t.get("qemu"), t.get("native"), t.get("interp")
    metrics = {"QEMU/jit": qemu / jit if jit and qemu else None,
               "jit/native": jit / native if jit and native else None,
               "interp MIPS": instrs / 1e6 / interp if instrs and interp else None}
    if name in INTEGER_WORKLOADS:
        goals = ARCHES[arch].goals_int
    elif name in MEMORY_WORKLOADS:
        goals = ARCHES[arch].goals_mem
    else:
        return "-"
    checks = [(label, metrics[label], goal, at_least) for label, goal, at_least in goals]
    parts, measured = [], False
    for label, value, goal, at_least in checks:
        if value is None:
            continue
        measured = True
        # "by how much": the factor jit would have to speed up to meet it.
        if at_least and value < goal:
            parts.append("%s %.2f, needs >= %.1f: %.2fx short" % (label, value, goal, goal / value))
        elif not at_least and value > goal:
            parts.append("%s %.2f, needs <= %.1f: %.2fx short" % (label, value, goal, value / goal))
    if not measured:
        return "n/a"
    return "missed: " + "; ".join(parts) if parts else "met"


def ratio(a, b):
    return "%.2fx" % (a / b) if a and b else "n/a"


def print_table(rows, modes, notes, args):
    clock = "CPU time, user + system" if args.clock == "cpu" else "wall time"
    print("runs: %d per mode (median %s, including start-up); host: %s; "
          "load average at start: %s" % (args.runs, clock, host_cpu(), load_average()))
    print()
    head = ["workload", "guest instrs (M)"] + ["%s (s)" % MODE_TITLE[m] for m in modes]
    has_jit = "jit" in modes
    interp_mips = "interp" in modes and args.arch != "riscv64"
    goal_head = "goal (%s)" % ARCHES[args.arch].issue
    if has_jit:
        head += ["jit MIPS", "jit compile (s)"]
        if interp_mips:
            head.append("interp MIPS")
        if "interp" in modes:
            head.append("jit vs interp")
        if "qemu" in modes:
            head.append("QEMU/jit")
        if "native" in modes:
            head.append("jit/native")
        head.append(goal_head)
    head.append("status")
    print("| " + " | ".join(head) + " |")
    left = {"workload", goal_head, "status"}
    print("|" + "".join("---|" if h in left else "---:|" for h in head))
    sources = set()
    for name, instrs, source, times, compile_s, statuses in rows:
        if source:
            sources.add(source)
        cells = [name, "%.1f" % (instrs / 1e6) if instrs is not None else "n/a"]
        cells += ["%.3f" % times[m] if times[m] else "n/a" for m in modes]
        if has_jit:
            jit = times["jit"]
            cells.append("%.1f" % (instrs / 1e6 / jit) if instrs and jit else "n/a")
            cells.append("%.3f" % compile_s if compile_s is not None else "n/a")
            if interp_mips:
                interp = times["interp"]
                cells.append("%.1f" % (instrs / 1e6 / interp) if instrs and interp else "n/a")
            if "interp" in modes:
                cells.append(ratio(times["interp"], jit))
            if "qemu" in modes:
                cells.append(ratio(times["qemu"], jit))
            if "native" in modes:
                cells.append(ratio(jit, times["native"]))
            cells.append(goal_text(name, times, instrs, args.arch))
        bad = ["%s: %s" % (m, statuses[m]) for m in modes if statuses[m] != "ok"]
        cells.append("; ".join(bad) if bad else "ok")
        print("| " + " | ".join(cells) + " |")
    print()
    if sources:
        print("Instruction counts from %s." % ", ".join(sorted(sources)))
    if has_jit:
        print("jit vs interp = interp time / jit time; QEMU/jit = QEMU time / jit time "
              "(above 1: Kiln jit is faster); jit/native = jit time / native time. "
              "jit compile = the JIT's compile time from --stats.")
        print(ARCHES[args.arch].goal_line)
    if "native" in modes and any(r[0] in NATIVE_BINARY for r in rows):
        print(ARCHES[args.arch].variants_note)
    for note in notes:
        print(note)


def host_cpu():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return "%s x %d" % (line.split(":", 1)[1].strip(), os.cpu_count() or 0)
    except OSError:
        pass
    return "unknown"


def load_average():
    try:
        return "%.2f" % os.getloadavg()[0]
    except OSError:
        return "unknown"


def main():
    ap = argparse.ArgumentParser(
        description="Run Kiln's benchmark workloads under Kiln (jit, interp), "
                    "QEMU and natively, and print a markdown table.")
    ap.add_argument("--arch", choices=sorted(ARCHES), default="riscv64",
                    help="guest architecture (riscv64: *.elf for -M spike; x86_64, i386: "
                    "*.rom for -M pc); default riscv64")
    ap.add_argument("--kiln", help="path of the kiln binary (without it: no jit/interp)")
    ap.add_argument("--elfs", required=True, help="directory holding the workload images "
                    "(build/bench/riscv, build/bench/x86_64 or build/bench/i386)")
    ap.add_argument("--native", help="directory of the host builds "
                    "(default: native/ next to --elfs, i.e. build/bench/native)")
    ap.add_argument("--modes", default=",".join(ALL_MODES),
                    help="comma-separated subset of jit,interp,qemu,native (default: all)")
    ap.add_argument("--runs", type=int, default=3, help="runs per workload and mode (3)")
    ap.add_argument("--kiln-args", default="", help="extra arguments for kiln (one string)")
    ap.add_argument("--qemu", default=None,
                    help="QEMU to compare with (default: qemu-system-riscv64, -x86_64 or "
                    "-i386 from PATH)")
    ap.add_argument("--no-qemu", action="store_true", help="same as leaving qemu out of --modes")
    ap.add_argument("--no-icount", action="store_true",
                    help="never spend an extra QEMU -icount run on counting instructions")
    ap.add_argument("--only", help="comma-separated workload names")
    ap.add_argument("--clock", choices=["wall", "cpu"], default="wall",
                    help="time each run by wall clock (default) or by its CPU time "
                    "(user + system, all threads: fairer on a loaded machine)")
    ap.add_argument("--timeout", type=float, default=600.0, help="seconds per run (600)")
    args = ap.parse_args()

    if args.runs < 1:
        ap.error("--runs must be at least 1")
    if not os.path.isdir(args.elfs):
        ap.error("no such directory: %s" % args.elfs)
    try:
        modes, notes = pick_modes(args)
    except ValueError as e:
        ap.error(str(e))
    if not modes:
        print("warning: no mode can run", file=sys.stderr)

    workloads = find_workloads(args.elfs, args.only, ARCHES[args.arch].ext)
    if not workloads:
        print("warning: no workload images (*%s) in %s" % (ARCHES[args.arch].ext, args.elfs),
              file=sys.stderr)

    rows = []
    for name, elf in workloads:
        runs = measure(name, elf, modes, args)
        instrs, source = guest_instructions(runs, elf, args)
        times, statuses = {}, {}
        for mode in modes:
            times[mode], statuses[mode] = summarize(runs[mode], args.clock)
        rows.append((name, instrs, source, times, compile_seconds(runs.get("jit", [])), statuses))

    print_table(rows, list(modes), notes, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Compare Kiln with QEMU on the RISC-V benchmark workloads.

Runs every workload ELF in a directory N times under Kiln and N times under
qemu-system-riscv64 (alternating, so both see the same machine conditions),
takes the median wall time of each, and prints a markdown table:

  workload | guest instrs (M) | Kiln time (s) | Kiln MIPS | QEMU time (s) |
  QEMU/Kiln speed ratio | status

The guest instruction count comes from the `guest instructions: N` line Kiln
prints with --stats, else from the `instret N` line the workload prints
itself; if Kiln is not available it comes from one extra, untimed QEMU run
with -icount shift=0 (where the guest's instret counts instructions).  The
speed ratio is Kiln time / QEMU time: how many times faster QEMU is.

A benchmark is never a test: this script reports failures (self-check
mismatch, crash, timeout, missing emulator) in the table and exits 0.  Only
bad arguments give a nonzero status (2).
"""

import argparse
import os
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import time

# Listed first, in this order; any other *.elf in the directory follows.
KNOWN_WORKLOADS = ["hash", "sort", "interp", "matmul", "memwalk", "memcopy"]

STATS_RE = re.compile(
    r"guest[\s_-]*instr(?:uction)?s?(?:[\s_-]*retired)?\s*[:=]?\s*([0-9][0-9,_']*)",
    re.IGNORECASE)
INSTRET_RE = re.compile(r"\binstret\s*[:=]?\s*([0-9]+)", re.IGNORECASE)
CHECK_RE = re.compile(r"checksum\s+0x[0-9a-f]+\s+expected\s+0x[0-9a-f]+\s+(OK|FAIL)",
                      re.IGNORECASE)


class Outcome:
    """One run of one workload under one emulator."""

    def __init__(self, seconds, returncode, stdout, stderr, timed_out=False, error=None):
        self.seconds = seconds
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        self.timed_out = timed_out
        self.error = error

    def status(self):
        if self.error:
            return "error: " + self.error
        if self.timed_out:
            return "timeout"
        check = CHECK_RE.search(self.stdout)
        if self.returncode == 0 and check and check.group(1).upper() == "OK":
            return "ok"
        if check and check.group(1).upper() == "FAIL":
            return "self-check FAIL (exit %d)" % self.returncode
        if self.returncode == 3:
            return "guest trap (exit 3)"
        return "exit %d" % self.returncode

    def ok(self):
        return self.status() == "ok"


def run_once(argv, timeout):
    start = time.perf_counter()
    try:
        proc = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        return Outcome(time.perf_counter() - start, None, _text(e.stdout), _text(e.stderr),
                       timed_out=True)
    except OSError as e:
        return Outcome(0.0, None, "", "", error=str(e.strerror or e))
    return Outcome(time.perf_counter() - start, proc.returncode, _text(proc.stdout),
                   _text(proc.stderr))


def _text(data):
    if data is None:
        return ""
    return data.decode("utf-8", errors="replace")


def parse_int(text):
    return int(re.sub(r"[,_']", "", text))


def guest_instructions(outcome):
    """Kiln's --stats count, else the guest's own instret line."""
    m = STATS_RE.search(outcome.stderr) or STATS_RE.search(outcome.stdout)
    if m:
        return parse_int(m.group(1)), "kiln --stats"
    m = INSTRET_RE.search(outcome.stdout)
    if m:
        return int(m.group(1)), "guest instret"
    return None, None


def find_workloads(elf_dir, only):
    names = {}
    for entry in sorted(os.listdir(elf_dir)):
        if entry.endswith(".elf"):
            names[entry[:-4]] = os.path.join(elf_dir, entry)
    ordered = [n for n in KNOWN_WORKLOADS if n in names]
    ordered += [n for n in sorted(names) if n not in KNOWN_WORKLOADS]
    if only:
        wanted = [w.strip() for w in only.split(",") if w.strip()]
        missing = [w for w in wanted if w not in names]
        for w in missing:
            print("warning: no %s.elf in %s" % (w, elf_dir), file=sys.stderr)
        ordered = [n for n in ordered if n in wanted]
    return [(n, names[n]) for n in ordered]


def fmt_seconds(values):
    return "%.3f" % statistics.median(values) if values else "n/a"


def summarize(outcomes):
    """(median seconds of the successful runs or None, status text)."""
    if not outcomes:
        return None, None
    statuses = [o.status() for o in outcomes]
    good = [o.seconds for o in outcomes if o.ok()]
    bad = sorted(set(s for s in statuses if s != "ok"))
    if not bad:
        return statistics.median(good), "ok"
    text = "; ".join(bad)
    if good:
        text += " (%d/%d runs)" % (len(outcomes) - len(good), len(outcomes))
    return (statistics.median(good) if good else None), text


def main():
    ap = argparse.ArgumentParser(
        description="Run Kiln's RISC-V benchmark workloads under Kiln and QEMU.")
    ap.add_argument("--kiln", help="path of the kiln binary (omit to run QEMU only)")
    ap.add_argument("--elfs", required=True, help="directory holding the workload ELFs")
    ap.add_argument("--runs", type=int, default=3, help="runs per workload and emulator (3)")
    ap.add_argument("--accel", default="interp", help="Kiln execution tier: interp or jit")
    ap.add_argument("--kiln-args", default="", help="extra arguments for kiln (one string)")
    ap.add_argument("--qemu", default=None,
                    help="qemu-system-riscv64 to compare with (default: the one in PATH)")
    ap.add_argument("--no-qemu", action="store_true", help="do not run QEMU")
    ap.add_argument("--no-icount", action="store_true",
                    help="never spend an extra QEMU -icount run on counting instructions")
    ap.add_argument("--only", help="comma-separated workload names")
    ap.add_argument("--timeout", type=float, default=600.0, help="seconds per run (600)")
    args = ap.parse_args()

    if args.runs < 1:
        ap.error("--runs must be at least 1")
    if not os.path.isdir(args.elfs):
        ap.error("no such directory: %s" % args.elfs)

    kiln = None
    if args.kiln:
        if os.path.isfile(args.kiln) and os.access(args.kiln, os.X_OK):
            kiln = os.path.abspath(args.kiln)
        else:
            print("warning: kiln binary %s not found or not executable; QEMU only"
                  % args.kiln, file=sys.stderr)

    qemu = None
    if not args.no_qemu:
        qemu = args.qemu or shutil.which("qemu-system-riscv64")
        if qemu and not shutil.which(qemu):
            print("warning: %s not found; Kiln only" % qemu, file=sys.stderr)
            qemu = None

    workloads = find_workloads(args.elfs, args.only)
    if not workloads:
        print("warning: no workload ELFs in %s" % args.elfs, file=sys.stderr)

    kiln_extra = shlex.split(args.kiln_args)
    rows = []
    for name, elf in workloads:
        kiln_cmd = None
        if kiln:
            kiln_cmd = [kiln, "-M", "spike", "-accel", args.accel] + kiln_extra + \
                       ["-kernel", elf, "--stats"]
        qemu_cmd = None
        if qemu:
            qemu_cmd = [qemu, "-M", "spike", "-bios", "none", "-nographic", "-kernel", elf]

        kiln_runs, qemu_runs = [], []
        for i in range(args.runs):
            if kiln_cmd:
                o = run_once(kiln_cmd, args.timeout)
                kiln_runs.append(o)
                print("[%s] kiln run %d: %.3fs %s" % (name, i + 1, o.seconds, o.status()),
                      file=sys.stderr)
            if qemu_cmd:
                o = run_once(qemu_cmd, args.timeout)
                qemu_runs.append(o)
                print("[%s] qemu run %d: %.3fs %s" % (name, i + 1, o.seconds, o.status()),
                      file=sys.stderr)

        instrs, source = None, None
        for o in kiln_runs:
            instrs, source = guest_instructions(o)
            if instrs is not None:
                break
        if instrs is None and qemu and not args.no_icount:
            o = run_once([qemu, "-M", "spike", "-bios", "none", "-nographic",
                          "-icount", "shift=0", "-kernel", elf], args.timeout)
            m = INSTRET_RE.search(o.stdout)
            if m:
                instrs, source = int(m.group(1)), "qemu -icount"

        kiln_time, kiln_status = summarize(kiln_runs)
        qemu_time, qemu_status = summarize(qemu_runs)
        rows.append((name, instrs, source, kiln_time, kiln_status, qemu_time, qemu_status))

    print_table(rows, kiln, qemu, args)
    return 0


def print_table(rows, kiln, qemu, args):
    print("Kiln: %s (-accel %s)  QEMU: %s  runs: %d (median wall time)" % (
        kiln or "not run", args.accel, qemu or "not run", args.runs))
    print()
    print("| workload | guest instrs (M) | Kiln time (s) | Kiln MIPS | QEMU time (s) "
          "| QEMU/Kiln speed ratio | status |")
    print("|---|---:|---:|---:|---:|---:|---|")
    sources = set()
    for name, instrs, source, kt, ks, qt, qs in rows:
        instr_text = "%.1f" % (instrs / 1e6) if instrs is not None else "n/a"
        if source:
            sources.add(source)
        kiln_mips = "%.1f" % (instrs / 1e6 / kt) if instrs is not None and kt else "n/a"
        ratio = "%.2fx" % (kt / qt) if kt and qt else "n/a"
        status = []
        if ks is not None:
            status.append("kiln: " + ks)
        if qs is not None:
            status.append("qemu: " + qs)
        print("| %s | %s | %s | %s | %s | %s | %s |" % (
            name, instr_text, "%.3f" % kt if kt else "n/a", kiln_mips,
            "%.3f" % qt if qt else "n/a", ratio, ", ".join(status) or "not run"))
    print()
    if sources:
        print("Instruction counts from: %s." % ", ".join(sorted(sources)))
    print("Speed ratio = Kiln time / QEMU time (how many times faster QEMU is); "
          "times include emulator start-up.")


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Time to the Linux boot marker: Kiln (jit, interp) vs QEMU on the riscv64 virt board.

Boots ../shared/images/riscv64 (Image + initrd.gz) with OpenSBI fw_dynamic
under Kiln's two tiers and, when installed, qemu-system-riscv64, alternating
runs, and prints a markdown table of the median time to `KILN-BOOT-OK` and
to exit.  Kiln runs with --stats; for the JIT the table adds its compile
time and that time's share of the boot (compile time / Kiln's own `time:`),
which issue 4 wants under 10%.
A benchmark, never a test: failures are reported in the table; exit 0.

usage: bench/boot.py --kiln build/kiln [--modes jit,interp,qemu] [--runs 3] [--smp 1] [--images DIR]
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

FW = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin"
GOAL_COMPILE_SHARE = 0.10  # issue 4: JIT compile time under 10% of a Linux boot
# Lines of kiln --stats (stderr, merged into the output here).
STAT_RES = {"time": re.compile(rb"^kiln: time: ([0-9.]+) s"),
            "compile": re.compile(rb"^kiln: compile time: ([0-9.]+) s"),
            "instrs": re.compile(rb"^kiln: guest instructions: ([0-9]+)")}


def boot(cmd, timeout):
    """Runs cmd; returns (seconds to the marker or None, seconds to exit, status, {stat: value})."""
    start = time.monotonic()
    marker = None
    stats = {}
    try:
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    except OSError as e:
        return None, 0.0, f"cannot start: {e}", stats
    ok = False
    for line in p.stdout:
        if marker is None and b"KILN-BOOT-OK" in line:
            marker = time.monotonic() - start
        if b"KILN-INIT-DONE" in line:
            ok = True
        for key, pattern in STAT_RES.items():
            m = pattern.match(line.strip())
            if m:
                stats[key] = float(m.group(1))
        if time.monotonic() - start > timeout:
            p.kill()
            p.wait()
            return marker, time.monotonic() - start, "timeout", stats
    p.wait()
    total = time.monotonic() - start
    status = "ok" if ok and p.returncode == 0 else f"exit {p.returncode}"
    return marker, total, status, stats


def fmt(value, spec):
    return spec.format(value) if value is not None else "-"


def median_of(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kiln", required=True)
    ap.add_argument("--modes", default="jit,interp,qemu", help="subset of jit,interp,qemu (default: all)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--smp", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=300)
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--images", default=os.path.join(here, "..", "..", "shared", "images", "riscv64"))
    a = ap.parse_args()
    modes = [m.strip() for m in a.modes.split(",") if m.strip()]
    if any(m not in ("jit", "interp", "qemu") for m in modes):
        ap.error("--modes takes jit, interp and qemu")
    image, initrd = os.path.join(a.images, "Image"), os.path.join(a.images, "initrd.gz")
    if not os.path.exists(image):
        print(f"no kernel at {image}: nothing to measure")
        return 0
    common = ["-M", "virt", "-m", "512M", "-smp", str(a.smp), "-nographic", "-no-reboot", "-kernel", image,
              "-initrd", initrd, "-append", "console=ttyS0 panic=-1"]
    runners = {}
    for accel in ("jit", "interp"):
        if accel in modes:
            runners[f"kiln {accel}"] = [a.kiln, "-accel", accel, "--stats"] + common
    qemu = shutil.which("qemu-system-riscv64")
    notes = []
    if "qemu" in modes:
        if qemu:
            runners["qemu (tcg)"] = [qemu, "-bios", FW] + common
        else:
            notes.append("QEMU: qemu-system-riscv64 not installed, row omitted.")
    results = {name: [] for name in runners}
    for i in range(a.runs):
        for name, cmd in runners.items():  # alternate, so all see the same machine load
            r = boot(cmd, a.timeout)
            results[name].append(r)
            print(f"[{name}] run {i + 1}: marker {r[0]} s, exit {r[1]:.2f} s, {r[2]}, stats {r[3]}", file=sys.stderr)
    print(f"\nLinux boot, -smp {a.smp}, median of {a.runs} (wall seconds from start)\n")
    print("| emulator | to KILN-BOOT-OK (s) | to exit (s) | guest instrs (M) | JIT compile (s) | compile share | status |")
    print("|---|---:|---:|---:|---:|---:|---|")
    med, shares = {}, {}
    for name, rs in results.items():
        med[name] = median_of(r[0] for r in rs)
        instrs = median_of(r[3].get("instrs") for r in rs)
        compile_s = median_of(r[3].get("compile") for r in rs)
        # Compile time over Kiln's own run time, per run, then the median.
        share = median_of(r[3]["compile"] / r[3]["time"] for r in rs
                          if r[3].get("compile") is not None and r[3].get("time"))
        if share is not None:
            shares[name] = share
        print(f"| {name} | {fmt(med[name], '{:.2f}')} | {statistics.median(r[1] for r in rs):.2f} "
              f"| {fmt(instrs and instrs / 1e6, '{:.0f}')} | {fmt(compile_s, '{:.2f}')} "
              f"| {fmt(share and share * 100, '{:.0f}%')} | {', '.join(sorted(set(r[2] for r in rs)))} |")
    print()
    for name, share in shares.items():
        verdict = "met" if share < GOAL_COMPILE_SHARE else f"missed by {share / GOAL_COMPILE_SHARE:.1f}x"
        print(f"{name}: JIT compile time is {share * 100:.0f}% of the boot (Kiln's `time:`); "
              f"goal under {GOAL_COMPILE_SHARE * 100:.0f}%: {verdict}.")
    if med.get("qemu (tcg)"):
        for name in runners:
            if name.startswith("kiln") and med.get(name):
                print(f"{name}/QEMU time ratio to the marker: {med[name] / med['qemu (tcg)']:.2f}x")
    for note in notes:
        print(note)
    return 0


if __name__ == "__main__":
    sys.exit(main())

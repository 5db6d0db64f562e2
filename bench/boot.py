#!/usr/bin/env python3
"""Time to the Linux boot marker: Kiln vs QEMU on the riscv64 virt board.

Boots ../shared/images/riscv64 (Image + initrd.gz) with OpenSBI fw_dynamic
under Kiln and, when installed, qemu-system-riscv64, alternating runs, and
prints a markdown table of the median time to `KILN-BOOT-OK` and to exit.
A benchmark, never a test: failures are reported in the table; exit 0.

usage: bench/boot.py --kiln build/kiln [--runs 3] [--smp 1] [--images DIR]
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

FW = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin"


def boot(cmd, timeout):
    """Runs cmd; returns (seconds to the marker or None, seconds to exit, ok)."""
    start = time.monotonic()
    marker = None
    try:
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    except OSError as e:
        return None, 0.0, f"cannot start: {e}"
    ok = False
    for line in p.stdout:
        if marker is None and b"KILN-BOOT-OK" in line:
            marker = time.monotonic() - start
        if b"KILN-INIT-DONE" in line:
            ok = True
        if time.monotonic() - start > timeout:
            p.kill()
            return marker, time.monotonic() - start, "timeout"
    p.wait()
    total = time.monotonic() - start
    status = "ok" if ok and p.returncode == 0 else f"exit {p.returncode}"
    return marker, total, status


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kiln", required=True)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--smp", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=300)
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--images", default=os.path.join(here, "..", "..", "shared", "images", "riscv64"))
    a = ap.parse_args()
    image, initrd = os.path.join(a.images, "Image"), os.path.join(a.images, "initrd.gz")
    if not os.path.exists(image):
        print(f"no kernel at {image}: nothing to measure")
        return 0
    common = ["-M", "virt", "-m", "512M", "-smp", str(a.smp), "-nographic", "-no-reboot", "-kernel", image,
              "-initrd", initrd, "-append", "console=ttyS0 panic=-1"]
    runners = {"kiln (interp)": [a.kiln] + common}
    qemu = shutil.which("qemu-system-riscv64")
    if qemu:
        runners["qemu (tcg)"] = [qemu, "-bios", FW] + common
    results = {name: [] for name in runners}
    for i in range(a.runs):
        for name, cmd in runners.items():  # alternate, so both see the same machine load
            r = boot(cmd, a.timeout)
            results[name].append(r)
            print(f"[{name}] run {i + 1}: marker {r[0]} s, exit {r[1]:.2f} s, {r[2]}", file=sys.stderr)
    print(f"\nLinux boot, -smp {a.smp}, median of {a.runs} (wall seconds from start)\n")
    print("| emulator | to KILN-BOOT-OK (s) | to exit (s) | status |")
    print("|---|---:|---:|---|")
    med = {}
    for name, rs in results.items():
        marks = [r[0] for r in rs if r[0] is not None]
        m = statistics.median(marks) if marks else None
        med[name] = m
        print(f"| {name} | {m:.2f} |" if m is not None else f"| {name} | - |", end="")
        print(f" {statistics.median(r[1] for r in rs):.2f} | {', '.join(sorted(set(r[2] for r in rs)))} |")
    if qemu and all(med.values()):
        print(f"\nKiln/QEMU time ratio to the marker: {med['kiln (interp)'] / med['qemu (tcg)']:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""What Kiln does to a disk image, seen from outside (issue 12, "a disk image is
the user's work"). disk_guest (bare metal on -M virt -bios none) reads a command
from sector 0 and writes a known pattern to sectors 1..4 through virtio-blk;
this script checks the image file after each run:

  - snapshot (every spelling): the file is unchanged; without it (or =off) the
    pattern is in the file
  - readonly (every spelling): VIRTIO_BLK_F_RO offered, the write gets IOERR
  - the pattern is in the file however Kiln ends: power-off, -no-reboot reset,
    a reset that starts over (the image reopened), SIGTERM/SIGINT/SIGHUP (clean
    exit, 128 + signal), Ctrl-A x on a terminal, gdb's kill packet
  - a second Kiln cannot open an image in use (one line, exit 2)

usage: disk_test.py --kiln K --guest disk_guest.elf --work DIR"""
import argparse
import os
import pty
import signal
import socket
import subprocess
import sys
import time

SECTOR = 512
PATTERN = bytes((i * 13 + i // SECTOR + 0x5A) & 0xFF for i in range(4 * SECTOR))
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures.append(what)


def make_image(path, command):
    with open(path, "wb") as f:
        f.write(command.encode().ljust(SECTOR, b"\0") + bytes(15 * SECTOR))
    with open(path, "rb") as f:
        return f.read()


def pattern_in(path):
    with open(path, "rb") as f:
        return f.read()[SECTOR:5 * SECTOR] == PATTERN


def kiln_args(args, image, drive_opts="", extra=()):
    return [args.kiln, "-M", "virt", "-bios", "none", "-kernel", args.guest, *extra,
            "-drive", f"file={image},format=raw,if=virtio{drive_opts}"]


def run(args, image, drive_opts="", extra=()):
    try:
        return subprocess.run(kiln_args(args, image, drive_opts, extra), capture_output=True, text=True,
                              timeout=30, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as e:  # a guest that never ends: a failure, not a crash of the test
        return subprocess.CompletedProcess(e.cmd, None, "", "(timed out)")


def start(args, image, drive_opts="", extra=(), stdin=subprocess.DEVNULL):
    """Starts Kiln on a "wait" image and returns once the guest has written (or fails)."""
    p = subprocess.Popen(kiln_args(args, image, drive_opts, extra), stdin=stdin, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    line = p.stdout.readline()  # the UART flushes at each newline
    if "written" in line:
        line = p.stdout.readline()
    if "waiting" not in line:
        p.kill()
        out, err = p.communicate()
        raise SystemExit(f"the guest did not start waiting: {line!r} {out!r} {err!r}")
    return p


def finish(p, timeout=20):
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        return None, out, err + "(killed after the timeout)"
    return p.returncode, out, err


def check_unchanged(args, image, command, opts, marker, what):
    """Runs `command` with -drive ...opts: it prints `marker` and the file stays as it was."""
    before = make_image(image, command)
    r = run(args, image, opts)
    with open(image, "rb") as f:
        after = f.read()
    check(r.returncode == 0 and marker in r.stdout and after == before,
          f"-drive ...{opts}: {what}, the file unchanged ({r.returncode} {r.stdout.strip()} {r.stderr.strip()})")


def snapshot_and_plain(args, image):
    for opts in [",snapshot", ",snapshot=on", ",snapshot=yes", ",snapshot=true", ",snapshot,readonly=off"]:
        check_unchanged(args, image, "write", opts, "disk: written", "the guest wrote and read back")
    for opts in ["", ",snapshot=off", ",snapshot=no", ",snapshot=false"]:
        make_image(image, "write")
        r = run(args, image, opts)
        check(r.returncode == 0 and pattern_in(image), f"-drive ...{opts}: the guest's writes are in the file")


def read_only(args, image):
    for opts in [",readonly", ",readonly=on", ",readonly=yes", ",readonly=true", ",readonly,snapshot"]:
        check_unchanged(args, image, "readonly", opts, "disk: read-only ok", "VIRTIO_BLK_F_RO, the write refused")


def resets(args, image):
    make_image(image, "reset")
    r = run(args, image, extra=["-no-reboot"])
    with open(image, "rb") as f:
        head = f.read(5)
    check(r.returncode == 0 and r.stdout == "disk: reset\n" and head == b"write",
          f"-no-reboot: the guest's write before its reset is in the file ({r.returncode} {r.stderr.strip()})")
    # Without -no-reboot the machine is built afresh: the image is closed and reopened (and relocked).
    make_image(image, "reset")
    r = run(args, image)
    check(r.returncode == 0 and r.stdout == "disk: reset\ndisk: written\n" and pattern_in(image),
          f"a reset reopens the image and the next boot writes to it ({r.returncode} {r.stdout!r} {r.stderr.strip()})")


def signals(args, image):
    # Several harts all waiting for an interrupt (the guest's other harts park in wfi) must stop too.
    for sig, extra in [(signal.SIGTERM, []), (signal.SIGINT, []), (signal.SIGHUP, []), (signal.SIGTERM, ["-smp", "2"])]:
        make_image(image, "wait")
        p = start(args, image, extra=extra)
        time.sleep(0.5)  # every hart now waits for an interrupt
        p.send_signal(sig)
        code, out, err = finish(p)
        check(code == 128 + sig and pattern_in(image) and err.startswith(f"kiln: terminating on signal {int(sig)} from pid"),
              f"{sig.name} {' '.join(extra)}: a clean exit with status {128 + sig}, the writes in the file ({code} {err.strip()})")


def lock(args, image):
    make_image(image, "wait")
    p = start(args, image)
    for opts in ["", ",snapshot=on", ",readonly=on"]:
        r = run(args, image, opts)
        check(r.returncode == 2 and r.stderr == f"kiln: disk image '{image}' is in use: process {p.pid} (kiln) has it open for writing\n",
              f"a second Kiln on an image in use{opts or ' (read-write)'}: one line, exit 2 ({r.returncode} {r.stderr.strip()})")
    p.send_signal(signal.SIGTERM)
    finish(p)
    # Two readers may share an image.
    make_image(image, "wait")
    p = start(args, image, ",snapshot=on")
    r = run(args, image, ",readonly=on")  # it opens the image; the guest's write then fails (status 3)
    check(r.returncode == 3 and "disk: FAIL write" in r.stdout, f"two read-only users share an image ({r.stderr.strip()})")
    r = run(args, image)
    check(r.returncode == 2 and f"is in use: process {p.pid} (kiln) has it open\n" in r.stderr,
          f"a writer is refused while a reader has the image ({r.stderr.strip()})")
    p.send_signal(signal.SIGTERM)
    finish(p)


def console_quit(args, image):
    for extra in [[], ["-smp", "2"]]:
        make_image(image, "wait")
        master, slave = pty.openpty()
        p = start(args, image, extra=["-nographic", *extra], stdin=slave)
        os.close(slave)
        time.sleep(0.5)
        os.write(master, b"\x01x")  # Ctrl-A x
        code, out, err = finish(p)
        os.close(master)
        check(code == 0 and pattern_in(image), f"Ctrl-A x {' '.join(extra)}: exit 0, the writes in the file ({code} {err.strip()})")


def gdb_kill(args, image):
    make_image(image, "wait")
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    p = start(args, image, extra=["-gdb", f"tcp:127.0.0.1:{port}"])
    c = socket.create_connection(("127.0.0.1", port), timeout=10)
    c.sendall(b"$k#6b")
    code, out, err = finish(p)
    c.close()
    check(code == 0 and pattern_in(image), f"gdb kill: exit 0, the writes in the file ({code} {err.strip()})")


def gdb_signal(args, image):
    """SIGTERM under gdb: while Kiln waits for a connection (-S), for a packet from a connected gdb,
    and while the guest runs (two harts, both waiting for an interrupt)."""
    make_image(image, "wait")
    for connect in [False, True, "continue"]:
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        smp = ["-smp", "2"] if connect == "continue" else []
        p = subprocess.Popen(kiln_args(args, image, extra=["-S", "-gdb", f"tcp:127.0.0.1:{port}", *smp]),
                             stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        p.stderr.readline()  # "waiting for a connection": it listens
        c = None
        if connect:
            c = socket.create_connection(("127.0.0.1", port), timeout=10)
            c.sendall(b"$?#3f")
            c.recv(100)  # the stop reply: the stub now waits for the next packet
        if connect == "continue":
            c.sendall(b"+$c#63")
            if "waiting" not in p.stdout.readline() + p.stdout.readline():
                check(False, "under gdb the guest did not start waiting")
            time.sleep(0.5)
        p.send_signal(signal.SIGTERM)
        code, out, err = finish(p)
        if c:
            c.close()
        what = {False: "while waiting for gdb to connect", True: "while waiting for gdb packets",
                "continue": "while the guest runs under gdb (-smp 2)"}[connect]
        check(code == 143 and "terminating on signal 15" in err, f"SIGTERM {what}: exit 143 ({code} {err.strip()})")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kiln", required=True)
    ap.add_argument("--guest", required=True)
    ap.add_argument("--work", required=True)
    args = ap.parse_args()
    image = os.path.join(args.work, f"disk_test_{os.getpid()}.img")
    try:
        for scenario in [snapshot_and_plain, read_only, resets, signals, lock, console_quit, gdb_kill, gdb_signal]:
            scenario(args, image)
    finally:
        if os.path.exists(image):
            os.remove(image)
    if failures:
        print(f"{len(failures)} failed")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

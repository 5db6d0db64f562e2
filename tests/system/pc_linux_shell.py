#!/usr/bin/env python3
"""The README's first command, checked: scripts/x86-linux.sh boots Debian's
x86_64 kernel on -M pc with -nographic on a terminal (a pty here), the busybox
shell answers a command typed on that terminal, Ctrl-C reaches the guest (not
Kiln), and Ctrl-A x quits Kiln with status 0. Skips (77) without the cache that
scripts/x86-linux.sh --fetch-only fills.

usage: pc_linux_shell.py KILN SOURCE_DIR"""
import os
import pty
import select
import signal
import subprocess
import sys
import time


def main():
  kiln, src = sys.argv[1], sys.argv[2]
  cache = os.environ.get("KILN_LINUX_CACHE", os.path.join(os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "kiln", "linux"))
  init = os.path.join(cache, "initramfs", "init")
  if not os.path.exists(os.path.join(cache, "vmlinuz")) or not os.path.exists(init) or "cttyhack" not in open(init).read():
    print("SKIP: %s has no Debian kernel and shell initramfs (run scripts/x86-linux.sh --fetch-only)" % cache)
    return 77
  master, slave = pty.openpty()
  proc = subprocess.Popen(["bash", os.path.join(src, "scripts", "x86-linux.sh"), kiln], stdin=slave, stdout=slave, stderr=slave,
                          cwd=src, start_new_session=True)
  os.close(slave)
  seen = bytearray()

  def wait_for(text, seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
      if text in seen:
        return True
      r, _, _ = select.select([master], [], [], 1.0)
      if r:
        try:
          chunk = os.read(master, 4096)
        except OSError:
          return text in seen
        if not chunk:
          return text in seen
        seen.extend(chunk)
    return text in seen

  def fail(why):
    print("FAIL: " + why)
    print(bytes(seen[-3000:]).decode(errors="replace"))
    os.killpg(proc.pid, signal.SIGKILL)
    return 1

  if not wait_for(b"busybox shell on Kiln", 600):
    return fail("no shell banner")
  time.sleep(1)
  os.write(master, b"echo kiln-$((6*7))-ok\r")
  if not wait_for(b"kiln-42-ok", 60):
    return fail("the shell did not answer a typed command")
  # Ctrl-C interrupts the guest's foreground command (the shell has a controlling tty), not Kiln.
  os.write(master, b"sleep 100\r")
  time.sleep(2)
  os.write(master, b"\x03")
  os.write(master, b"echo after-$((1+1))\r")
  if not wait_for(b"after-2", 60):
    return fail("Ctrl-C did not interrupt the guest's sleep, or Kiln did not survive it")
  os.write(master, b"\x01x")
  try:
    rc = proc.wait(30)
  except subprocess.TimeoutExpired:
    return fail("Ctrl-A x did not quit Kiln")
  if rc != 0:
    return fail("Kiln exited with %d after Ctrl-A x (expected 0)" % rc)
  print("PASS: busybox shell answered on the terminal, Ctrl-C reached the guest, Ctrl-A x quit")
  return 0


if __name__ == "__main__":
  sys.exit(main())

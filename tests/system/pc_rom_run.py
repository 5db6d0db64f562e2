"""What the disk-image ROM tests (pc_ide.py, pc_floppy.py) share: their common
arguments, and running Kiln on a test ROM whose debugcon output must match."""
import argparse
import subprocess


def parser(doc):
  """An argument parser with --kiln, --rom, --accel and --work; callers add their own flags."""
  ap = argparse.ArgumentParser(description=doc)
  ap.add_argument("--kiln", required=True)
  ap.add_argument("--rom", required=True)
  ap.add_argument("--accel", required=True)
  ap.add_argument("--work", required=True)
  return ap


def run(cmd, want):
  """Runs `cmd`; True if it exits 1 (the ROM's PASS) with exactly `want` on stdout and nothing on stderr."""
  r = subprocess.run(cmd, capture_output=True, timeout=60)
  out = r.stdout.decode(errors="replace")
  if r.returncode == 1 and out == want and not r.stderr:
    return True
  print("FAIL: %s\nexit %d\nstdout %r\nstderr %r" % (" ".join(cmd), r.returncode, out, r.stderr.decode(errors="replace")))
  return False

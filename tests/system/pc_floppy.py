#!/usr/bin/env python3
"""roms/x86/floppy.asm on -M pc with the floppy images it expects, made here:
drive A: a 1.44 MB disk, drive B: a read-only 720K disk, byte j of sector s
holding (5s + j) & 0xFF. Afterwards drive A's file must hold the ROM's writes
(LBA 200-201: (3j + 1) & 0xFF over 1 KiB; LBA 738-755, the formatted track:
0xE5) and nothing else changed, or with --snapshot be unchanged; B never changes.

usage: pc_floppy.py --kiln K --rom floppy.bin --accel A --work DIR [--snapshot] [--fda]"""
import os
import sys

import pc_rom_run

SECTOR = 512


def image(sectors):
  return b"".join(bytes((s * 5 + j) & 0xFF for j in range(SECTOR)) for s in range(sectors))


def main():
  ap = pc_rom_run.parser(__doc__)
  ap.add_argument("--snapshot", action="store_true")
  ap.add_argument("--fda", action="store_true", help="attach drive A with -fda instead of -drive")
  a = ap.parse_args()
  tag = "%s_%s%s" % (a.accel.split(",")[0], "snap" if a.snapshot else "rw", "_fda" if a.fda else "")
  path_a = os.path.join(a.work, "pc_floppy_a_%s.img" % tag)
  path_b = os.path.join(a.work, "pc_floppy_b_%s.img" % tag)
  orig_a, orig_b = image(2880), image(1440)
  with open(path_a, "wb") as f:
    f.write(orig_a)
  with open(path_b, "wb") as f:
    f.write(orig_b)
  drive_a = ["-fda", path_a] if a.fda else ["-drive", "file=%s,format=raw,if=floppy,index=0%s" % (path_a, ",snapshot=on" if a.snapshot else "")]
  cmd = [a.kiln, "-M", "pc", "-accel", a.accel, "-bios", a.rom, *drive_a,
         "-drive", "file=%s,format=raw,if=floppy,index=1,readonly=on" % path_b,
         "-debugcon", "stdio", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
  ok = pc_rom_run.run(cmd, "DCSVKRIWPAEFN\nPASS\n")
  expected = bytearray(orig_a)
  if not a.snapshot:
    expected[200 * SECTOR:202 * SECTOR] = bytes((3 * j + 1) & 0xFF for j in range(2 * SECTOR))
    expected[738 * SECTOR:756 * SECTOR] = b"\xE5" * (18 * SECTOR)
  for path, want, name in ((path_a, bytes(expected), "A"), (path_b, orig_b, "B")):
    with open(path, "rb") as f:
      now = f.read()
    if now != want:
      bad = next(i for i in range(min(len(now), len(want))) if now[i] != want[i]) if len(now) == len(want) else -1
      print("FAIL: drive %s's image is not as expected (first difference at byte %d)" % (name, bad))
      ok = False
    os.remove(path)
  print("PASS" if ok else "FAILED")
  return 0 if ok else 1


if __name__ == "__main__":
  sys.exit(main())

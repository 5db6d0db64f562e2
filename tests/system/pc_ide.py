#!/usr/bin/env python3
"""roms/x86/ide.asm (or with --dma roms/x86/ide_dma.asm) on -M pc with a raw
disk and an ISO-shaped CD-ROM image, made here, and the disk file checked
afterwards: the ROM's writes (ide.asm: sector 10; ide_dma.asm: sectors
1500-1502) are in the file, or with snapshot=on the file is unchanged.

usage: pc_ide.py --kiln K --rom ide.bin --accel A --work DIR [--snapshot] [--hda] [--dma]"""
import os
import sys

import pc_rom_run

SECTOR = 512


def disk_bytes():
  return b"".join(bytes((s * 3 + j) & 0xFF for j in range(SECTOR)) for s in range(2048))


def main():
  ap = pc_rom_run.parser(__doc__)
  ap.add_argument("--snapshot", action="store_true")
  ap.add_argument("--hda", action="store_true", help="attach the disk with -hda instead of -drive")
  ap.add_argument("--dma", action="store_true", help="the bus-master DMA ROM (ide_dma.asm)")
  a = ap.parse_args()
  tag = "%s_%s%s%s" % (a.accel.split(",")[0], "snap" if a.snapshot else "rw", "_hda" if a.hda else "", "_dma" if a.dma else "")
  disk = os.path.join(a.work, "pc_ide_disk_%s.img" % tag)
  iso = os.path.join(a.work, "pc_ide_cd_%s.iso" % tag)
  original = disk_bytes()
  with open(disk, "wb") as f:
    f.write(original)
  cd = bytearray((s * 7 + j) & 0xFF for s in range(32) for j in range(2048))
  cd[16 * 2048:16 * 2048 + 7] = b"\x01CD001\x01"
  with open(iso, "wb") as f:
    f.write(cd)
  drive = ["-hda", disk] if a.hda else ["-drive", "file=%s,format=raw,if=ide,index=0%s" % (disk, ",snapshot=on" if a.snapshot else "")]
  cmd = [a.kiln, "-M", "pc", "-accel", a.accel, "-bios", a.rom, *drive, "-cdrom", iso,
         "-debugcon", "stdio", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
  ok = pc_rom_run.run(cmd, "PIRWLEA\nPASS\n" if a.dma else "SIRCXMTWQD\nPASS\n")
  with open(disk, "rb") as f:
    now = f.read()
  expected = bytearray(original)
  if a.snapshot:
    pass
  elif a.dma:
    expected[1500 * SECTOR:1501 * SECTOR] = bytes((0x10 + j) & 0xFF for j in range(SECTOR))
    expected[1501 * SECTOR:1503 * SECTOR] = bytes((0x20 + j) & 0xFF for j in range(2 * SECTOR))
  else:
    expected[10 * SECTOR:11 * SECTOR] = bytes((0x80 + j) & 0xFF for j in range(SECTOR))
  if now != bytes(expected):
    print("FAIL: the disk image is not as expected (%s)" % ("unchanged" if a.snapshot else "the ROM's sectors written"))
    ok = False
  os.remove(disk)
  os.remove(iso)
  print("PASS" if ok else "FAILED")
  return 0 if ok else 1


if __name__ == "__main__":
  sys.exit(main())

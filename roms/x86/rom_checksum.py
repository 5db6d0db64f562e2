#!/usr/bin/env python3
"""Sets an option ROM image's last byte so that all its bytes sum to 0 (mod 256),
as a BIOS checks before running the ROM. Usage: rom_checksum.py FILE"""
import sys

path = sys.argv[1]
data = bytearray(open(path, "rb").read())
data[-1] = (-sum(data[:-1])) & 0xFF
open(path, "wb").write(data)

#!/usr/bin/env bash
# Debian's amd64 kernel (direct boot, as pc_linux_ide_dma.sh) drives the
# 82077AA through its floppy driver: it reports a post-1991 82077 and drive
# fd0 as 1.44M (the CMOS type), reads the whole disk through DMA channel 2
# (checksum and markers on both heads) and writes a sector (checked in the
# file afterwards). Debian builds floppy as a module, so the test makes its
# own initramfs (busybox and floppy.ko from the cache's linux-image tree:
# linux_module_initramfs.sh). Direct boot runs no firmware: Kiln's
# loader sets up the DMA cascade (channel 4) as SeaBIOS's dma_setup would,
# and the init checks it did (/dev/port). With --nodma the driver runs the controller in its non-DMA
# mode instead (floppy=nodma: Linux's pseudo-DMA, bytes through the FIFO in
# the interrupt handler). Skips (exit 77) when the cache has not been filled.
# usage: pc_linux_floppy.sh KILN [--nodma] [extra kiln args...]
set -u
kiln=$1
shift
module_args=
if [ "${1:-}" = --nodma ]; then
  module_args=floppy=nodma
  shift
fi
. "$(dirname "$0")/linux_module_initramfs.sh"
initramfs_modules drivers/block/floppy
sed "s/@MODULE_ARGS@/$module_args/" <<'INIT' | initramfs_init
# The DMA cascade the loader set up: controller 2's mask register (0xDE, as the PIIX3 reads it back) has channel 4's bit clear.
echo "DMA2-MASK: $(dd if=/dev/port bs=1 skip=222 count=1 2>/dev/null | od -An -tx1 | tr -d ' ')"
insmod /modules/floppy.ko @MODULE_ARGS@ || echo "insmod floppy failed"
i=0
while [ ! -b /dev/fd0 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
dmesg | grep -iE 'floppy|fdc|fd0' | sed 's/^/DMESG: /'
echo "MARKER1: $(dd if=/dev/fd0 bs=512 skip=0 count=1 2>/dev/null | head -c 24)"
echo "MARKER2: $(dd if=/dev/fd0 bs=512 skip=1000 count=1 2>/dev/null | head -c 24)"
echo "SUM: $(dd if=/dev/fd0 bs=9216 count=160 2>/dev/null | md5sum | cut -c1-32)"
printf KILN-LINUX-WROTE-FLOPPY-SECTOR-100 | dd of=/dev/fd0 bs=512 seek=100 conv=sync,fsync 2>/dev/null && echo WROTE
echo KILN-FLOPPY-DONE
reboot -f
INIT

# A 1.44 MB disk of pseudo-random bytes with markers in sectors 0 and 1000 (cylinder 27, head 1).
python3 - "$work/floppy.img" <<'PY'
import random, sys
r = random.Random(14)
data = bytearray(r.getrandbits(8) for _ in range(1474560))
data[0:24] = b"KILN-FLOPPY-SECTOR-00000"
data[1000 * 512:1000 * 512 + 24] = b"KILN-FLOPPY-SECTOR-01000"
open(sys.argv[1], "wb").write(data)
PY
want_sum=$(md5sum "$work/floppy.img" | cut -c1-32)

boot_kernel "$kiln" 256M -fda "$work/floppy.img" -append "console=ttyS0 panic=-1 kiln.test" "$@"
grep -E "DMESG|MARKER|SUM|WROTE|insmod|KILN-FLOPPY|DMA2-MASK" "$log"
grep -q "KILN-FLOPPY-DONE" "$log" || fail "init did not reach KILN-FLOPPY-DONE"
grep -qE "DMA2-MASK: f[02468ace]" "$log" || fail "the loader left the DMA cascade (channel 4) masked"
grep -q "DMESG: .*FDC 0 is a post-1991 82077" "$log" || fail "the floppy driver did not find a post-1991 82077"
grep -q "DMESG: .*fd0 is 1.44M" "$log" || fail "fd0 is not a 1.44M drive"
[ -z "$module_args" ] || grep -q "DMESG: .*floppy0: nodma=1" "$log" || fail "the driver did not take floppy=nodma"
grep -q "MARKER1: KILN-FLOPPY-SECTOR-00000" "$log" || fail "sector 0's marker was not read"
grep -q "MARKER2: KILN-FLOPPY-SECTOR-01000" "$log" || fail "sector 1000's marker was not read"
grep -q "^SUM: $want_sum" "$log" || fail "the disk's checksum as read differs from the image's ($want_sum)"
grep -q "^WROTE" "$log" || fail "the write to sector 100 failed"
sector_holds "$work/floppy.img" 100 KILN-LINUX-WROTE-FLOPPY-SECTOR-100 || fail "sector 100 of the image does not hold what Linux wrote"
grep -qiE "DMESG: .*(I/O error|timeout|reset)" "$log" && fail "the floppy driver reported errors"
[ "$rc" -eq 0 ] || fail "kiln exited with $rc after the markers (expected the reset to end the run, 0)"
echo "PASS: Debian's Linux read and wrote a 1.44 MB floppy through its floppy driver (${module_args:-ISA DMA})"

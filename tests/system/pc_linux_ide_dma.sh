#!/usr/bin/env bash
# Debian's amd64 kernel (direct boot, as boot_pc_linux.sh) finds a raw disk
# on the primary IDE channel and a CD-ROM on the secondary through ata_piix,
# in a DMA mode (sysfs's xfer_mode), reads both by bus-master DMA (markers
# and checksums) and writes a sector of the disk (checked in the file
# afterwards). Debian builds libata, ata_piix, sd and sr as modules, so this
# test makes its own initramfs (linux_module_initramfs.sh): busybox and those
# modules from the linux-image package unpacked in the cache, and an init
# that loads them, does the above and resets. Skips
# (exit 77) when the cache has not been filled.
# usage: pc_linux_ide_dma.sh KILN [extra kiln args...]
set -u
kiln=$1
shift
. "$(dirname "$0")/linux_module_initramfs.sh"

# The modules ata_piix and sd_mod need, in load order (modinfo's depends= of Debian's 6.1 kernel).
modules="drivers/scsi/scsi_common drivers/scsi/scsi_mod drivers/ata/libata drivers/ata/ata_piix
  crypto/crct10dif_common crypto/crct10dif_generic lib/crc-t10dif lib/crc64 crypto/crc64_rocksoft_generic
  lib/crc64-rocksoft block/t10-pi drivers/scsi/sd_mod drivers/cdrom/cdrom drivers/scsi/sr_mod"
initramfs_modules $modules
initramfs_init <<INIT
# No firmware ran (direct boot), so do what SeaBIOS does: set the IDETIM
# decode-enable bits of both channels (config 0x41, 0x43); ata_piix checks them.
printf '\\200' | dd of=/sys/bus/pci/devices/0000:00:01.1/config bs=1 seek=65 conv=notrunc 2>/dev/null
printf '\\200' | dd of=/sys/bus/pci/devices/0000:00:01.1/config bs=1 seek=67 conv=notrunc 2>/dev/null
for m in $(for m in $modules; do basename "$m"; done | tr '\n' ' '); do insmod /modules/\$m.ko || echo "insmod \$m failed"; done
i=0
while { [ ! -b /dev/sda ] || [ ! -b /dev/sr0 ]; } && [ \$i -lt 100 ]; do sleep 0.1; i=\$((i + 1)); done
dmesg | grep -E 'ata[0-9]|sd 0|sr 1' | sed 's/^/DMESG: /'
echo "XFER disk: \$(cat /sys/class/ata_device/dev1.0/xfer_mode) cd: \$(cat /sys/class/ata_device/dev2.0/xfer_mode)"
echo "MARKER1: \$(dd if=/dev/sda bs=512 skip=0 count=1 2>/dev/null | head -c 24)"
echo "MARKER2: \$(dd if=/dev/sda bs=4096 skip=200 count=1 2>/dev/null | head -c 24)"
echo "SUM: \$(dd if=/dev/sda bs=65536 count=16 2>/dev/null | md5sum | cut -c1-32)"
echo "CDMARKER: \$(dd if=/dev/sr0 bs=2048 skip=20 count=1 2>/dev/null | head -c 24)"
echo "CDSUM: \$(dd if=/dev/sr0 bs=2048 count=32 2>/dev/null | md5sum | cut -c1-32)"
printf KILN-LINUX-WROTE-SECTOR-1000 | dd of=/dev/sda bs=512 seek=1000 conv=sync,fsync 2>/dev/null && echo WROTE
echo KILN-IDE-DMA-DONE
reboot -f
INIT

# A 1 MiB disk: a marker in sector 0, another at 800 KiB, pseudo-random bytes
# elsewhere; a 64 KiB CD image likewise, with a marker in its sector 20.
python3 - "$work/disk.img" "$work/cd.iso" <<'PY'
import random, sys
r = random.Random(14)
data = bytearray(r.getrandbits(8) for _ in range(1 << 20))
data[0:24] = b"KILN-IDE-DMA-SECTOR-0000"
data[800 * 1024:800 * 1024 + 24] = b"KILN-IDE-DMA-AT-800-KiB!"
open(sys.argv[1], "wb").write(data)
cd = bytearray(r.getrandbits(8) for _ in range(32 * 2048))
cd[20 * 2048:20 * 2048 + 24] = b"KILN-IDE-DMA-CD-SECTOR20"
open(sys.argv[2], "wb").write(cd)
PY
want_sum=$(md5sum "$work/disk.img" | cut -c1-32)
want_cdsum=$(md5sum "$work/cd.iso" | cut -c1-32)

boot_kernel "$kiln" 512M -drive file="$work/disk.img",format=raw,if=ide -cdrom "$work/cd.iso" \
  -append "console=ttyS0 noapic nolapic acpi=off panic=-1 kiln.test" "$@"
grep -E "DMESG|XFER|MARKER|SUM|WROTE|insmod|KILN-IDE" "$log"
grep -q "KILN-IDE-DMA-DONE" "$log" || fail "init did not reach KILN-IDE-DMA-DONE"
grep -qE "DMESG: .*ata1: PATA max (MW|U)DMA[0-9].* bmdma 0x[1-9a-f]" "$log" || fail "ata_piix did not find the bus master"
grep -qE "XFER disk: XFER_(MW_DMA|UDMA)_[0-9] cd: XFER_(MW_DMA|UDMA)_[0-9]" "$log" || fail "the disk and the CD-ROM are not in a DMA mode"
grep -q "MARKER1: KILN-IDE-DMA-SECTOR-0000" "$log" || fail "sector 0's marker was not read"
grep -q "MARKER2: KILN-IDE-DMA-AT-800-KiB!" "$log" || fail "the marker at 800 KiB was not read"
grep -q "^SUM: $want_sum" "$log" || fail "the disk's checksum as read differs from the image's ($want_sum)"
grep -q "CDMARKER: KILN-IDE-DMA-CD-SECTOR20" "$log" || fail "the CD-ROM's marker was not read"
grep -q "CDSUM: $want_cdsum" "$log" || fail "the CD-ROM's checksum as read differs from the image's ($want_cdsum)"
grep -q "^WROTE" "$log" || fail "the write to sector 1000 failed"
sector_holds "$work/disk.img" 1000 KILN-LINUX-WROTE-SECTOR-1000 || fail "sector 1000 of the disk file does not hold what Linux wrote"
grep -qiE "DMESG: .*(failed command|BMDMA stat|exception Emask)" "$log" && fail "libata reported errors"
[ "$rc" -eq 0 ] || fail "kiln exited with $rc after the markers (expected the reset to end the run, 0)"
echo "PASS: Debian's Linux read and wrote the IDE disk and read the CD-ROM through ata_piix by bus-master DMA"

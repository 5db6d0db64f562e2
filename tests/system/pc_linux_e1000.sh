#!/usr/bin/env bash
# Debian's amd64 kernel (direct boot, ACPI and the IOAPIC on) loads e1000.ko
# (from the linux-image package unpacked in the cache, by
# linux_module_initramfs.sh as pc_linux_ide_dma.sh does for ata_piix) for -device e1000: the EEPROM's checksum and MAC (the
# driver bit-bangs the 82540's Microwire EEPROM), the PHY's link at 1000 Mb/s
# full duplex, INTA# through \_SB.LNKC at IRQ 11 (level, active high: no
# interrupt storm), and frames sent through the transmit ring (pings on the
# null network: sent, never answered). The init powers off through ACPI.
# Skips (exit 77) when the cache has not been filled.
# usage: pc_linux_e1000.sh KILN [extra kiln args...]
set -u
kiln=$1
shift
. "$(dirname "$0")/linux_module_initramfs.sh"
initramfs_modules drivers/net/ethernet/intel/e1000/e1000
initramfs_init <<'INIT'
insmod /modules/e1000.ko || echo "insmod e1000 failed"
ip link set eth0 up
ip addr add 10.0.2.15/24 dev eth0
i=0
while [ "$(cat /sys/class/net/eth0/carrier 2>/dev/null)" != 1 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
echo "NIC: $(cat /sys/class/net/eth0/address) carrier $(cat /sys/class/net/eth0/carrier) speed $(cat /sys/class/net/eth0/speed) $(cat /sys/class/net/eth0/duplex)"
ping -c 2 -W 1 10.0.2.2 >/dev/null 2>&1
echo "TX: $(cat /sys/class/net/eth0/statistics/tx_packets) RX: $(cat /sys/class/net/eth0/statistics/rx_packets)"
echo "IRQ: $(grep eth0 /proc/interrupts | tr -s ' ')"
dmesg | grep -E 'e1000|LNK|nobody cared|Disabling IRQ' | sed 's/^/DMESG: /'
echo KILN-E1000-DONE
poweroff -f
INIT

boot_kernel "$kiln" 256M -device e1000,mac=52:54:00:12:34:57 -append "console=ttyS0 panic=-1" "$@"
grep -E "^(NIC|TX|IRQ|DMESG):|insmod" "$log"
grep -q "KILN-E1000-DONE" "$log" || fail "init did not reach KILN-E1000-DONE"
grep -q "DMESG: .*e1000 0000:00:03.0 eth0: (PCI:33MHz:32-bit) 52:54:00:12:34:57" "$log" || fail "e1000 did not find the NIC with its MAC"
grep -qE "DMESG: .*(EEPROM Checksum|Invalid MAC)" "$log" && fail "e1000 rejected the EEPROM"
grep -q "^NIC: 52:54:00:12:34:57 carrier 1 speed 1000 full" "$log" || fail "no link at 1000 Mb/s full duplex"
grep -qE "^TX: [1-9][0-9]* RX: 0" "$log" || fail "no frames went out through the transmit ring"
grep -qE "^IRQ: +11: [1-9][0-9]* IO-APIC 11-fasteoi eth0" "$log" || fail "no interrupts from the NIC on IRQ 11"
grep -qE "DMESG: .*(nobody cared|Disabling IRQ)" "$log" && fail "an interrupt storm"
[ "$rc" -eq 0 ] || fail "kiln exited with $rc (expected the ACPI power-off, 0)"
echo "PASS: Debian's e1000 driver read the EEPROM, saw the link, sent frames and took interrupts"

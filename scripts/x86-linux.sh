#!/bin/bash
# Fetches Debian's amd64 kernel and busybox-static into a cache outside the
# tree (never committed) and builds a busybox initramfs whose init prints a
# marker, then (unless --fetch-only) boots it on -M pc by the direct kernel
# boot: scripts/x86-linux.sh [--fetch-only] [KILN [extra kiln args...]]
# Cache: $KILN_LINUX_CACHE (default ~/.cache/kiln/linux): vmlinuz, initrd.cpio.gz.
# With kiln.test in -append (extra args cannot add to it: see tests/system/boot_pc_linux.sh)
# the init powers off through ACPI after its markers (resets if booted with acpi=off) instead
# of starting a shell.
set -euo pipefail
cache=${KILN_LINUX_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kiln/linux}
fetch_only=0
if [ "${1:-}" = --fetch-only ]; then fetch_only=1; shift; fi
kiln=${1:-build/kiln}
[ $# -gt 0 ] && shift
mkdir -p "$cache"
cd "$cache"
if [ ! -f vmlinuz ]; then
  pkg=$(apt-cache depends linux-image-amd64 | sed -n 's/.*Depends: \(linux-image-[0-9].*-amd64\)$/\1/p' | head -1)
  apt-get download "$pkg" >/dev/null
  dpkg -x "$pkg"_*.deb root
  cp root/boot/vmlinuz-* vmlinuz
fi
if [ ! -f initrd.cpio.gz ] || ! grep -q 'poweroff -f' initramfs/init 2>/dev/null; then
  [ -x root/bin/busybox ] || { apt-get download busybox-static >/dev/null; dpkg -x busybox-static_*.deb root; }
  rm -rf initramfs && mkdir -p initramfs/bin initramfs/proc initramfs/sys initramfs/dev
  cp root/bin/busybox initramfs/bin/busybox
  cat > initramfs/init <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
echo KILN-X86-LINUX-MARKER
# Tests boot with kiln.test on the command line: an ACPI power-off then ends Kiln (without
# ACPI a reset does: direct boot has no firmware to restart).
if grep -q kiln.test /proc/cmdline; then
  grep 'LOC:' /proc/interrupts  # the local APIC timer's count
  echo KILN-X86-LINUX-DONE
  if [ -d /sys/firmware/acpi ]; then poweroff -f; else reboot -f; fi
fi
exec sh
INIT
  chmod +x initramfs/init
  (cd initramfs && find . | cpio -o -H newc --quiet | gzip -9) > initrd.cpio.gz
fi
[ $fetch_only = 1 ] && exit 0
cd - >/dev/null
exec "$kiln" -M pc -m 512M -kernel "$cache/vmlinuz" -initrd "$cache/initrd.cpio.gz" \
  -append "console=ttyS0 earlyprintk=serial,ttyS0" -nographic "$@"

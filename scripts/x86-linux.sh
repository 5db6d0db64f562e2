#!/bin/bash
# Fetches Debian's x86 kernel and busybox-static into a cache outside the
# tree (never committed) and builds a busybox initramfs whose init prints a
# marker, then (unless --fetch-only) boots it on -M pc by the direct kernel
# boot: scripts/x86-linux.sh [--arch amd64|i386] [--fetch-only] [KILN [extra kiln args...]]
# --arch amd64 (the default): linux-image-amd64 and busybox-static, cache
#   $KILN_LINUX_CACHE (default ~/.cache/kiln/linux).
# --arch i386: linux-image-686 (32-bit paging, no PAE) and busybox-static:i386,
#   cache $KILN_LINUX_I386_CACHE (default ~/.cache/kiln/linux-i386); the i386
#   architecture is added to dpkg (and the lists updated) the first time.
# Each cache holds vmlinuz and initrd.cpio.gz. With kiln.test in -append (extra
# args cannot add to it: see tests/system/boot_pc_linux.sh) the init prints the
# /proc/cpuinfo flags and its local APIC timer count, then powers off through ACPI
# (resets if booted with acpi=off) instead of starting a shell.
set -euo pipefail
cache_root=${XDG_CACHE_HOME:-$HOME/.cache}/kiln
arch=amd64
fetch_only=0
while [ $# -gt 0 ]; do
  case "$1" in
    --arch) arch=${2:-}; shift 2 || { echo "x86-linux.sh: --arch needs amd64 or i386" >&2; exit 2; } ;;
    --fetch-only) fetch_only=1; shift ;;
    *) break ;;
  esac
done
case "$arch" in
  amd64) cache=${KILN_LINUX_CACHE:-$cache_root/linux}; flavour=amd64; pkg_arch= ;;
  i386) cache=${KILN_LINUX_I386_CACHE:-$cache_root/linux-i386}; flavour=686; pkg_arch=:i386 ;;
  *) echo "x86-linux.sh: unknown --arch '$arch' (amd64 or i386)" >&2; exit 2 ;;
esac
kiln=${1:-build/kiln}
[ $# -gt 0 ] && shift
mkdir -p "$cache"
cd "$cache"
# apt-get download of :i386 packages needs the architecture in dpkg and its package lists.
if [ -n "$pkg_arch" ] && { [ ! -f vmlinuz ] || [ ! -x root/bin/busybox ]; }; then
  dpkg --print-foreign-architectures | grep -qx i386 || dpkg --add-architecture i386
  apt-cache show "linux-image-$flavour$pkg_arch" >/dev/null 2>&1 || apt-get update -o DPkg::Lock::Timeout=300 >/dev/null
fi
if [ ! -f vmlinuz ]; then
  pkg=$(apt-cache depends "linux-image-$flavour$pkg_arch" |
    sed -n "s/.*Depends: \(linux-image-[0-9][^:]*-$flavour\)\(:i386\)\?\$/\1/p" | head -1)
  apt-get download "$pkg$pkg_arch" >/dev/null
  dpkg -x "$pkg"_*.deb root
  cp root/boot/vmlinuz-* vmlinuz
fi
if [ ! -f initrd.cpio.gz ] || ! grep -q 'cttyhack' initramfs/init 2>/dev/null; then
  [ -x root/bin/busybox ] || { apt-get download "busybox-static$pkg_arch" >/dev/null; dpkg -x busybox-static_*.deb root; }
  rm -rf initramfs && mkdir -p initramfs/bin initramfs/proc initramfs/sys initramfs/dev
  cp root/bin/busybox initramfs/bin/busybox
  cat > initramfs/init <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev  # the console device for cttyhack (a controlling tty: Ctrl-C)
echo KILN-X86-LINUX-MARKER
# Tests boot with kiln.test on the command line: they compare the flags the kernel
# found with the model's CPUID; an ACPI power-off then ends Kiln (without ACPI a
# reset does: direct boot has no firmware to restart).
if grep -q kiln.test /proc/cmdline; then
  echo "KILN-CPU-FLAGS:$(sed -n 's/^flags[[:space:]]*:\(.*\)$/\1/p' /proc/cpuinfo | head -1):END"
  grep 'LOC:' /proc/interrupts  # the local APIC timer's count
  echo KILN-X86-LINUX-DONE
  if [ -d /sys/firmware/acpi ]; then poweroff -f; else reboot -f; fi
fi
echo "busybox shell on Kiln's -M pc (Ctrl-A x quits Kiln; poweroff -f powers off)"
exec setsid cttyhack sh
INIT
  chmod +x initramfs/init
  (cd initramfs && find . | cpio -o -H newc --quiet | gzip -9) > initrd.cpio.gz
fi
[ $fetch_only = 1 ] && exit 0
cd - >/dev/null
exec "$kiln" -M pc -m 512M -kernel "$cache/vmlinuz" -initrd "$cache/initrd.cpio.gz" \
  -append "console=ttyS0 earlyprintk=serial,ttyS0" -nographic "$@"

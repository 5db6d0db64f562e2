# Sourced (not run) by the tests that boot Debian's amd64 kernel by the direct
# kernel boot with an initramfs of their own, because the driver they test is
# a module in Debian's build (pc_linux_floppy.sh, pc_linux_ide_dma.sh,
# pc_linux_e1000.sh): busybox and the modules from the linux-image package
# unpacked in the cache (root/, which scripts/x86-linux.sh fills), and an
# init of the test's own after the usual mounts.
#
#   initramfs_modules MODULE...  MODULE: a path below the kernel's module tree
#       without .ko (drivers/block/floppy). Sets cache (the kernel is
#       $cache/vmlinuz) and work (a temporary folder, removed at exit, with
#       log = $work/log), and copies busybox and the modules (to /modules/NAME.ko
#       in the initramfs); skips the test (exit 77) without them.
#   initramfs_init  the init's commands on stdin (after busybox's links and
#       the proc, sysfs and devtmpfs mounts); writes $work/initrd.cpio.gz.
#   boot_kernel KILN MEMORY ARGS...  runs KILN -M pc -m MEMORY on the cache's
#       kernel and $work's initramfs with ARGS (timeout 600 s, no input), all
#       output to $log; sets rc to its exit status.
#   fail MESSAGE  the log's tail, FAIL: MESSAGE (exit $rc), exit 1.
#   sector_holds IMAGE N TEXT  whether 512-byte sector N of IMAGE holds TEXT,
#       zero-padded (what the guest wrote there with dd conv=sync).

initramfs_modules() {
  cache=${KILN_LINUX_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kiln/linux}
  local moddir m
  moddir=$(ls -d "$cache"/root/lib/modules/*/kernel 2>/dev/null | head -1)
  if [ ! -f "$cache/vmlinuz" ] || [ ! -x "$cache/root/bin/busybox" ] || [ -z "$moddir" ]; then
    echo "SKIP: $cache has no Debian kernel, modules and busybox (run scripts/x86-linux.sh --fetch-only)"
    exit 77
  fi
  for m in "$@"; do
    [ -f "$moddir/$m.ko" ] || { echo "SKIP: the cache's kernel has no $m.ko (run scripts/x86-linux.sh --fetch-only)"; exit 77; }
  done
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  log="$work/log"
  mkdir -p "$work/root/bin" "$work/root/proc" "$work/root/sys" "$work/root/dev" "$work/root/modules"
  cp "$cache/root/bin/busybox" "$work/root/bin/busybox"
  for m in "$@"; do
    cp "$moddir/$m.ko" "$work/root/modules/"
  done
}

initramfs_init() {
  {
    printf '%s\n' '#!/bin/busybox sh' '/bin/busybox --install -s /bin' 'mount -t proc proc /proc' \
      'mount -t sysfs sysfs /sys' 'mount -t devtmpfs devtmpfs /dev'
    cat
  } > "$work/root/init"
  chmod +x "$work/root/init"
  (cd "$work/root" && find . | cpio -o -H newc --quiet | gzip -1) > "$work/initrd.cpio.gz"
}

boot_kernel() {
  local kiln=$1 memory=$2
  shift 2
  timeout 600 "$kiln" -M pc -m "$memory" -nographic -kernel "$cache/vmlinuz" -initrd "$work/initrd.cpio.gz" \
    "$@" </dev/null >"$log" 2>&1
  rc=$?
}

fail() { tail -n 20 "$log"; echo "FAIL: $1 (exit $rc)"; exit 1; }

sector_holds() {
  python3 - "$1" "$2" "$3" <<'PY'
import sys
d = open(sys.argv[1], "rb").read()
n = int(sys.argv[2])
sys.exit(0 if d[n * 512:(n + 1) * 512] == sys.argv[3].encode().ljust(512, b"\0") else 1)
PY
}

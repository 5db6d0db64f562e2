#!/usr/bin/env bash
# Boots the shared riscv64 Linux (../shared/images/riscv64) on -M virt and
# checks its markers and a clean power-off. Skips (exit 77) where the images
# are not present, e.g. a user's fresh clone without ../shared.
# usage: boot_linux.sh KILN SOURCE_DIR [extra kiln args...]
set -u
kiln=$1 src=$2
shift 2
img="$src/../shared/images/riscv64"
if [ ! -f "$img/Image" ] || [ ! -f "$img/initrd.gz" ]; then
  echo "SKIP: $img/Image not found (the shared Linux images are only present beside the repo in CI)"
  exit 77
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
timeout 900 "$kiln" -M virt -m 512M -nographic -no-reboot -kernel "$img/Image" -initrd "$img/initrd.gz" \
  -append "console=ttyS0 panic=-1" --stats "$@" </dev/null >"$log" 2>&1
rc=$?
tail -n 25 "$log"
if ! grep -q "KILN-BOOT-OK" "$log"; then echo "FAIL: no KILN-BOOT-OK marker (exit $rc)"; exit 1; fi
if ! grep -q "KILN-INIT-DONE" "$log"; then echo "FAIL: userland did not reach KILN-INIT-DONE (exit $rc)"; exit 1; fi
if [ "$rc" -ne 0 ]; then echo "FAIL: kiln exited with $rc after the markers (expected a clean power-off, 0)"; exit 1; fi
echo "PASS: Linux booted to its markers and powered off"

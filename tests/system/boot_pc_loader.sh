#!/usr/bin/env bash
# Boots Debian's amd64 kernel and the busybox initrd through SeaBIOS and a boot
# loader from Debian's packages: syslinux on a partitioned IDE disk, or
# isolinux on an El Torito CD-ROM (images made by scripts/x86-boot-images.sh).
# Checks the loader's banner on COM1 (its config says SERIAL 0), then what the
# direct boot checks (pc_linux_checks.sh): the init's markers, ACPI, the IOAPIC
# and the local APIC timer in use, the TSC's frequency found, and the
# ACPI power-off that ends the run (status 0). Skips (exit 77) when the images
# have not been built.
# usage: boot_pc_loader.sh disk|cd KILN [extra kiln args...]
set -u
source "$(dirname "$0")/pc_linux_checks.sh"
kind=$1
kiln=$2
shift 2
cache=${KILN_LINUX_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kiln/linux}
case $kind in
  disk) image=$cache/syslinux-disk.img banner=SYSLINUX drive=(-drive "file=$cache/syslinux-disk.img,format=raw,if=ide,snapshot=on") ;;
  cd) image=$cache/isolinux-cd.iso banner=ISOLINUX drive=(-cdrom "$cache/isolinux-cd.iso") ;;
  *) echo "usage: boot_pc_loader.sh disk|cd KILN [args...]"; exit 2 ;;
esac
if [ ! -f "$image" ]; then
  echo "SKIP: $image missing (run scripts/x86-linux.sh --fetch-only, then scripts/x86-boot-images.sh)"
  exit 77
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
start=$(date +%s)
timeout 600 "$kiln" -M pc -m 512M -nographic -no-reboot -bios /usr/share/seabios/bios-256k.bin "${drive[@]}" "$@" \
  </dev/null >"$log" 2>&1
rc=$?
echo "(kiln ran $(( $(date +%s) - start )) s)"
tail -n 15 "$log"
if ! grep -q "$banner [0-9]" "$log"; then echo "FAIL: no $banner banner on COM1 (exit $rc)"; exit 1; fi
if grep -q "Command line:.* noapic" "$log"; then
  echo "FAIL: $image boots with noapic, as images before ACPI did (rebuild it: scripts/x86-boot-images.sh)"; exit 1
fi
pc_linux_check_started "$log" "$rc" || exit 1
pc_linux_check_finished "$log" "$rc" || exit 1
echo "PASS: SeaBIOS and $banner booted Debian's x86_64 Linux with ACPI and the APICs to its busybox init, which powered off"

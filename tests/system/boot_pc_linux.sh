#!/usr/bin/env bash
# Boots Debian's amd64 kernel with a busybox initramfs on -M pc by the direct
# kernel boot (scripts/x86-linux.sh fetches both into the cache) and checks
# the init's markers and its ACPI power-off that ends the run (ACPI, the
# IOAPIC and the local APIC timer in use). Skips (exit 77) when the
# cache has not been filled (scripts/x86-linux.sh --fetch-only fills it).
# usage: boot_pc_linux.sh KILN [extra kiln args...]
set -u
kiln=$1
shift
cache=${KILN_LINUX_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kiln/linux}
if [ ! -f "$cache/vmlinuz" ] || [ ! -f "$cache/initrd.cpio.gz" ] || ! grep -q 'poweroff -f' "$cache/initramfs/init" 2>/dev/null; then
  echo "SKIP: $cache has no Debian kernel and test initramfs (run scripts/x86-linux.sh --fetch-only)"
  exit 77
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
timeout 600 "$kiln" -M pc -m 512M -nographic -kernel "$cache/vmlinuz" -initrd "$cache/initrd.cpio.gz" \
  -append "console=ttyS0 panic=-1 kiln.test" "$@" </dev/null >"$log" 2>&1
rc=$?
tail -n 15 "$log"
if ! grep -q "KILN-X86-LINUX-MARKER" "$log"; then echo "FAIL: no KILN-X86-LINUX-MARKER (exit $rc)"; exit 1; fi
if ! grep -q "KILN-X86-LINUX-DONE" "$log"; then echo "FAIL: init did not reach KILN-X86-LINUX-DONE (exit $rc)"; exit 1; fi
for line in "ACPI: Using IOAPIC for interrupt routing" "ACPI: PM: (supports S0 S5)" "LOC: *[1-9][0-9]* *Local timer interrupts"; do
  if ! grep -q "$line" "$log"; then echo "FAIL: no '$line' in the log (ACPI, the IOAPIC or the local APIC timer unused)"; exit 1; fi
done
if ! grep -q "kiln: guest powered off (ACPI S5)" "$log"; then echo "FAIL: the init did not power off through ACPI (exit $rc)"; exit 1; fi
if [ "$rc" -ne 0 ]; then echo "FAIL: kiln exited with $rc after the power-off (expected 0)"; exit 1; fi
echo "PASS: Debian's x86_64 Linux booted with ACPI and the APICs to its busybox init and powered off"

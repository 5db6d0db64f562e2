#!/usr/bin/env bash
# Boots Debian's x86 kernel with a busybox initramfs on -M pc by the direct
# kernel boot (scripts/x86-linux.sh fetches both into the cache) and checks
# the init's markers, its ACPI power-off that ends the run (ACPI, the IOAPIC
# and the local APIC timer in use), the TSC's frequency found, and
# that the flags the kernel lists in
# /proc/cpuinfo are exactly those Kiln's CPUID gives the model (below).
# Skips (exit 77) when the cache has not been filled
# (scripts/x86-linux.sh [--arch i386] --fetch-only fills it).
# usage: boot_pc_linux.sh [--arch amd64|i386] [--cpu MODEL[,+feat,-feat,feat=on|off...]] [--smp N] KILN [extra kiln args...]
# (--smp N: -smp N, and the kernel must bring up all N CPUs.)
# (-M pc,kernel-entry=pvh among the extra args boots the same kernel through its PVH entry.)
set -u
source "$(dirname "$0")/pc_linux_checks.sh"
arch=amd64
cpu=qemu64  # Kiln's default -cpu
cpu_args=()
smp=1
while [ $# -gt 0 ]; do
  case "$1" in
    --arch) arch=$2; shift 2 ;;
    --cpu) cpu=$2; cpu_args=(-cpu "$2"); shift 2 ;;
    --smp) smp=$2; cpu_args+=(-smp "$2"); shift 2 ;;
    *) break ;;
  esac
done
kiln=$1
shift
cache_root=${XDG_CACHE_HOME:-$HOME/.cache}/kiln
case "$arch" in
  amd64) cache=${KILN_LINUX_CACHE:-$cache_root/linux}; fetch="scripts/x86-linux.sh --fetch-only" ;;
  i386) cache=${KILN_LINUX_I386_CACHE:-$cache_root/linux-i386}; fetch="scripts/x86-linux.sh --arch i386 --fetch-only" ;;
  *) echo "FAIL: unknown --arch $arch"; exit 1 ;;
esac

# The flags Linux 6.1 lists for each model's CPUID (cpu/x86/cpuid.cpp), in the
# kernel's order. Linux names some bits its own way (pni = SSE3, abm = LZCNT) and
# adds "cpuid" (the instruction exists), "xtopology" (CPUID leaf 0xB, which Kiln
# reports with x2APIC) and, on x86-64, "rep_good" (family 6),
# "nopl" and "pti" (Meltdown page-table isolation: Kiln says GenuineIntel and
# does not report RDCL_NO). It hides one bit it was given: "pat" (cleared
# on family 6 below model 15 for an
# erratum of those CPUs; Kiln's models are 6/6 and 6/7). The i386 kernel adds
# none of the x86-64 ones. A flag missing here or extra in the kernel's list
# means CPUID and the implementation disagree. -cpu's feature flags edit the
# model's list (as QEMU applies them: feat=on|off, then +feat, then -feat), kept in
# the kernel's order (linux_order; without pat, which it hides on these models).
p6_flags="fpu pse tsc msr pae cx8 apic sep mtrr pge cmov pse36 clflush mmx fxsr sse"
linux_order="fpu pse tsc msr pae cx8 apic sep mtrr pge cmov pse36 clflush mmx fxsr sse sse2 syscall nx rdtscp lm"
linux_order="$linux_order rep_good nopl xtopology cpuid pni ssse3 cx16 x2apic movbe popcnt abm pti"
model=${cpu%%,*}
case "$arch/$model" in
  i386/pentium3) expected="$p6_flags cpuid" ;;
  i386/qemu64) expected="$p6_flags sse2 syscall nx rdtscp lm cpuid pni ssse3 cx16 popcnt abm" ;;
  amd64/qemu64) expected="$p6_flags sse2 syscall nx rdtscp lm rep_good nopl cpuid pni ssse3 cx16 popcnt abm pti" ;;
  amd64/max) expected="$p6_flags sse2 syscall nx rdtscp lm rep_good nopl xtopology cpuid pni ssse3 cx16 x2apic movbe popcnt abm pti" ;;
  *) echo "FAIL: no expected CPU flags for $arch/$model"; exit 1 ;;
esac
if [ "$model" != "$cpu" ]; then
  declare -A have=()
  for f in $expected; do have[$f]=1; done
  IFS=, read -r -a props <<<"${cpu#*,}"
  linux_name() {  # -cpu's aliases, as Linux names the bits
    case "$1" in sse3) echo pni ;; lzcnt) echo abm ;; xd) echo nx ;; i64) echo lm ;; *) echo "$1" ;; esac
  }
  for pass in set plus minus; do
    for p in "${props[@]}"; do
      case "$pass/$p" in
        set/*=on) have[$(linux_name "${p%=on}")]=1 ;;
        set/*=off) unset "have[$(linux_name "${p%=off}")]" ;;
        plus/+*) have[$(linux_name "${p#+}")]=1 ;;
        minus/-*) unset "have[$(linux_name "${p#-}")]" ;;
      esac
    done
  done
  [ -z "${have[apic]:-}" ] && unset "have[x2apic]"  # no APIC, no x2APIC
  if [ -n "${have[x2apic]:-}" ]; then have[xtopology]=1; else unset "have[xtopology]"; fi  # leaf 0xB
  expected=""
  for f in $linux_order; do [ -n "${have[$f]:-}" ] && expected="$expected $f"; done
  expected=${expected# }
fi

if [ ! -f "$cache/vmlinuz" ] || [ ! -f "$cache/initrd.cpio.gz" ] || ! grep -q 'cttyhack' "$cache/initramfs/init" 2>/dev/null; then
  echo "SKIP: $cache has no Debian kernel and test initramfs (run $fetch)"
  exit 77
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
timeout 600 "$kiln" -M pc "${cpu_args[@]}" -m 512M -nographic -kernel "$cache/vmlinuz" -initrd "$cache/initrd.cpio.gz" \
  -append "console=ttyS0 panic=-1 kiln.test" "$@" </dev/null >"$log" 2>&1
rc=$?
tail -n 15 "$log"
pc_linux_check_started "$log" "$rc" || exit 1
flags=$(sed -n 's/^KILN-CPU-FLAGS: *\(.*\):END\r*$/\1/p' "$log" | head -1)
if [ "$flags" != "$expected" ]; then
  echo "FAIL: /proc/cpuinfo flags for -cpu $cpu differ from Kiln's CPUID"
  echo "  kernel:   $flags"
  echo "  expected: $expected"
  exit 1
fi
if [ "$smp" -gt 1 ] && ! grep -q "smp: Brought up 1 node, $smp CPUs" "$log"; then
  echo "FAIL: the kernel did not bring up $smp CPUs"; exit 1
fi
pc_linux_check_finished "$log" "$rc" || exit 1
echo "PASS: Debian's $arch Linux booted with ACPI and the APICs to its busybox init on -cpu $cpu -smp $smp with the expected CPU flags, and powered off"

#!/usr/bin/env bash
# Runs Debian's memtest86+ (scripts/x86-memtest.sh fills the cache) on -M pc
# -m 64M by the direct boot until its serial status line reports the first
# pass complete ("Pass: 1") with "Errors: 0" throughout. Skips (77) without the cache.
# usage: boot_memtest.sh KILN ia32|x64 [extra kiln args...]
set -u
kiln=$1
bits=$2
shift 2
cache=${KILN_MEMTEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kiln/memtest}
bin="$cache/memtest86+$bits.bin"
if [ ! -f "$bin" ]; then echo "SKIP: no $bin (run scripts/x86-memtest.sh --fetch-only)"; exit 77; fi
log=$(mktemp)
trap 'rm -f "$log"; [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null' EXIT
"$kiln" -M pc -m 64M -display none -serial "file:$log" -kernel "$bin" \
  -append "console=ttyS0,115200 nopause" "$@" </dev/null >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 1200); do
  sleep 1
  if ! kill -0 "$pid" 2>/dev/null; then echo "FAIL: kiln ended before the first pass"; tail -c 400 "$log"; exit 1; fi
  if grep -aq "Pass: *1" "$log"; then break; fi
done
status=$(tr -d '\033' <"$log" | grep -ao "Errors: *[0-9]*" | sort -u | tr '\n' ' ')
if ! grep -aq "Pass: *1" "$log"; then echo "FAIL: no completed pass in 1200 s ($status)"; exit 1; fi
if [ "$status" != "Errors: 0 " ]; then echo "FAIL: memtest86+ reported errors: $status"; exit 1; fi
echo "PASS: memtest86+ $bits completed a pass with no errors"

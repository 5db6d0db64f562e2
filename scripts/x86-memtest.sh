#!/bin/bash
# Fetches Debian's memtest86+ into a cache outside the tree (never committed)
# and, unless --fetch-only, runs its 32-bit binary on -M pc by the direct boot
# with the serial console on stdio: scripts/x86-memtest.sh [--fetch-only] [KILN [extra kiln args...]]
# Cache: $KILN_MEMTEST_CACHE (default ~/.cache/kiln/memtest): memtest86+ia32.bin, memtest86+x64.bin.
set -euo pipefail
cache=${KILN_MEMTEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kiln/memtest}
fetch_only=0
if [ "${1:-}" = --fetch-only ]; then fetch_only=1; shift; fi
kiln=${1:-build/kiln}
[ $# -gt 0 ] && shift
mkdir -p "$cache"
if [ ! -f "$cache/memtest86+ia32.bin" ]; then
  (cd "$cache" && apt-get download memtest86+ >/dev/null 2>&1 && dpkg -x memtest86+_*.deb root &&
   cp root/boot/memtest86+ia32.bin root/boot/memtest86+x64.bin .)
fi
[ $fetch_only = 1 ] && exit 0
exec "$kiln" -M pc -m 64M -nographic -kernel "$cache/memtest86+ia32.bin" -append "console=ttyS0,115200 nopause" "$@"

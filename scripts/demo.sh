#!/usr/bin/env bash
# README command 1: install what Kiln needs, build it, and boot Debian's x86_64
# Linux (kernel and busybox fetched from Debian into ~/.cache/kiln/linux by
# scripts/x86-linux.sh) on -M pc to an interactive busybox shell on this
# terminal; Ctrl-A x quits, as in QEMU. `--riscv`: the built-in RV64GC demo
# guest (a Mandelbrot set) instead.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh build
if [ "${1:-}" = --riscv ]; then
  exec ./build/kiln --stats
fi
exec bash scripts/x86-linux.sh build/kiln

#!/usr/bin/env bash
# Runs the benchmark workloads (RISC-V, or x86_64 with --arch x86_64) under
# Kiln and QEMU and prints a markdown table.  The work is done by compare.py (python3, stdlib only);
# see bench/README.md or `bench/run.sh --help` for the options.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec python3 "$here/compare.py" "$@"

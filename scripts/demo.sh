#!/usr/bin/env bash
# README command 1: install what Kiln needs, build it, and boot the built-in demo guest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh build
./build/kiln --stats

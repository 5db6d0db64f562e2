#!/usr/bin/env bash
# README command 2: install what Kiln needs, build it, and run the whole test
# suite: once in the normal build, again in an interpreter-only build
# (-DKILN_JIT=OFF), once more (unit, guest and system tests) in a build with
# AddressSanitizer and UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
# Guest images fetched from Debian into a cache outside the tree (tests that need them skip without it).
bash scripts/x86-linux.sh --fetch-only
bash scripts/x86-linux.sh --arch i386 --fetch-only
# ... and boot images of them with Debian's boot loaders (syslinux disk, isolinux CD); kept when up to date.
bash scripts/x86-boot-images.sh
bash scripts/x86-memtest.sh --fetch-only
jobs=$(nproc)

echo "== build (RelWithDebInfo)"
bash scripts/build.sh build
echo "== tests (RelWithDebInfo)"
(cd build && ctest -j"$jobs" --output-on-failure)

echo "== build (interpreter only, -DKILN_JIT=OFF)"
bash scripts/build.sh build-nojit -DKILN_JIT=OFF
echo "== tests (interpreter only)"
# The configuration without LLVM must keep working: unit, guest and system tests (the Linux boots
# that need the JIT-free path most are the same as the interp-tier ones above, so plain-only ones are left out).
(cd build-nojit && ctest -j"$jobs" -LE plain-only --output-on-failure)

echo "== build (ASan + UBSan)"
bash scripts/build.sh build-asan -DCMAKE_BUILD_TYPE=Debug -DKILN_SANITIZE=ON
echo "== tests (ASan + UBSan)"
# Tests labelled plain-only repeat what another sanitized test covers and are too slow under ASan.
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest -j"$jobs" -LE plain-only --output-on-failure)

# Fuzzing: every libFuzzer target for a bounded time from its committed corpus
# (tests/fuzz/run.sh builds them with clang-19 in build-fuzz/).
echo "== fuzz (libFuzzer, ${KILN_FUZZ_SECONDS:-30} s per target)"
bash tests/fuzz/run.sh

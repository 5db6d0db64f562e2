#!/usr/bin/env bash
# Builds Kiln's libFuzzer targets (tests/fuzz/*.cpp) with clang-19 in a build
# directory of their own (ASan, UBSan and coverage on every library; no JIT),
# then runs each for a bounded time from a copy of its committed corpus
# (tests/fuzz/corpus/TARGET/; the tree is never written), NPROC at a time.
# Fails if any target finds a crash, a leak, a timeout or a broken invariant;
# the input that did it is kept under BUILD/fuzz-crashes/.
#
#   tests/fuzz/run.sh [TARGET...]      default: every target
#   KILN_FUZZ_SECONDS=N                seconds per target (default 30)
#   KILN_FUZZ_BUILD=DIR                build directory (default build-fuzz)
#   KILN_FUZZ_JOBS=N                   targets run at once (default: nproc)
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${KILN_FUZZ_SECONDS:-30}
build=${KILN_FUZZ_BUILD:-build-fuzz}
jobs=${KILN_FUZZ_JOBS:-$(nproc)}
if [ $# -gt 0 ]; then
  targets=("$@")
else
  targets=()
  for f in tests/fuzz/*.cpp; do targets+=("$(basename "$f" .cpp)"); done
fi

cmake -S . -B "$build" -G Ninja -DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19 \
  -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS_DEBUG="-O1 -gline-tables-only" \
  -DCMAKE_CXX_FLAGS_DEBUG="-O1 -gline-tables-only" \
  -DKILN_FUZZ=ON -DKILN_TESTS=OFF -DKILN_JIT=OFF >/dev/null
ninja -C "$build" -j"$(nproc)" $(printf 'fuzz_%s ' "${targets[@]}")

scratch=$(mktemp -d "${TMPDIR:-/tmp}/kiln-fuzz.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$build/fuzz-crashes"
crashes=$(cd "$build/fuzz-crashes" && pwd)

# One target: its corpus copied to scratch, its output in scratch/TARGET.log,
# its verdict in scratch/TARGET.status ("ok EXECS" or "FAIL").
run_one() {
  local t=$1 corpus=$scratch/corpus/$1
  mkdir -p "$corpus" "$scratch/tmp-$t"
  if [ -d "tests/fuzz/corpus/$t" ]; then cp -r "tests/fuzz/corpus/$t/." "$corpus/"; fi
  if TMPDIR="$scratch/tmp-$t" ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
      "$build/fuzz/fuzz_$t" "$corpus" -max_total_time="$seconds" -max_len=8192 -timeout=30 -close_fd_mask=3 \
      -artifact_prefix="$crashes/$t-" >"$scratch/$t.log" 2>&1; then
    echo "ok $(grep -o 'Done [0-9]* runs' "$scratch/$t.log" | grep -o '[0-9]*' || echo '?')" >"$scratch/$t.status"
  else
    echo FAIL >"$scratch/$t.status"
  fi
}

echo "fuzz: ${#targets[@]} targets, ${seconds} s each, $jobs at a time"
running=0
for t in "${targets[@]}"; do
  if [ ! -x "$build/fuzz/fuzz_$t" ]; then
    echo "fuzz: no such target '$t'" >&2
    exit 2
  fi
  run_one "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then
    wait -n
    running=$((running - 1))
  fi
done
wait

failed=()
for t in "${targets[@]}"; do
  read -r verdict runs <"$scratch/$t.status"
  if [ "$verdict" = ok ]; then
    printf '  %-16s ok   %s runs\n' "$t" "$runs"
  else
    failed+=("$t")
    printf '  %-16s FAIL\n' "$t"
    grep -E 'ERROR|SUMMARY|fuzz:|runtime error|Test unit written|deadly signal' "$scratch/$t.log" | head -20 | sed 's/^/    /'
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: FAILED: ${failed[*]} (crashing inputs in $crashes/; reproduce with $build/fuzz/fuzz_TARGET FILE)"
  exit 1
fi
echo "fuzz: all ${#targets[@]} targets ran ${seconds} s each without a crash"

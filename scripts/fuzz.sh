#!/usr/bin/env bash
# Runs lcp's fuzz targets (built by the `asan` preset in build-asan/) for a
# while each, two at a time, and prints one line per target: executions,
# coverage and findings. Inputs it finds that add coverage are kept in
# build-asan/fuzz-work/<reader>/ and reused by the next run.
#
#   scripts/fuzz.sh [--time SECONDS] [--runs N] [--jobs P] [READER ...]
#
# SECONDS per target defaults to 60 (CI's bounded run); --runs stops a target
# after N executions instead (the long run: --runs 10000000). P targets run at
# once (default 2). The readers default to all of them. A crash, hang,
# out-of-memory or sanitizer report fails the run and leaves the input in
# build-asan/fuzz-work/findings/; fix it, then keep the input in
# test/fuzz/regressions/<reader>/ (docs/Security.md).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=60
runs=-1
jobs=2
readers=()
while [ $# -gt 0 ]; do
  case "$1" in
    --time) seconds="$2"; shift 2 ;;
    --runs) runs="$2"; seconds=0; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
    *) readers+=("$1"); shift ;;
  esac
done
[ ${#readers[@]} -gt 0 ] || readers=(onnx mlir npy manifest safetensors cluster tensor-message)

build=build-asan
work=$build/fuzz-work
corpus=$build/test/fuzz/corpus
mkdir -p "$work/findings"
for r in "${readers[@]}"; do
  [ -x "$build/bin/lcp-fuzz-$r" ] || {
    echo "fuzz.sh: $build/bin/lcp-fuzz-$r is not built (scripts/sanitize.sh asan builds it)" >&2
    exit 2
  }
done

# ASan records the stack of every allocation and free in its stack depot,
# which it never frees. Its fast unwinder follows frame pointers, and
# Debian's MLIR and protobuf libraries are built without them, so past the
# third frame it reads stack garbage, and each garbage stack is a new depot
# entry: on the MLIR target, 1.4 million stacks (78 MB) after 500,000
# inputs (docs/Security.md). Three frames reach the caller of the allocator;
# rerun a finding's input without this for full allocation stacks. A
# value the caller gives for the option comes later and wins.
export ASAN_OPTIONS="malloc_context_size=3${ASAN_OPTIONS:+:$ASAN_OPTIONS}"

run_one() {
  local r=$1 seconds=$2 runs=$3 build=$4 work=$5 corpus=$6
  mkdir -p "$work/$r"
  # A reader whose fuzzing never found anything has no regressions yet
  # (libFuzzer refuses a corpus folder that does not exist).
  local regressions=()
  if [ -d "test/fuzz/regressions/$r" ]; then
    regressions=("test/fuzz/regressions/$r")
  fi
  # A hang is an input that takes over 10 s; 2 GiB of memory is a finding,
  # and so is one allocation over 512 MB (libFuzzer names the input that
  # made it, where a peak of the process's memory would not).
  "$build/bin/lcp-fuzz-$r" "$work/$r" "$corpus/$r" "${regressions[@]}" \
    -dict="$corpus/$r.dict" -max_total_time="$seconds" -runs="$runs" \
    -max_len=65536 -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=512 \
    -print_final_stats=1 \
    -artifact_prefix="$work/findings/$r-" > "$work/$r.log" 2>&1
  echo "$r exit $?" >> "$work/$r.log"
}
export -f run_one
printf '%s\n' "${readers[@]}" |
  xargs -P "$jobs" -I{} bash -c "run_one {} $seconds $runs $build $work $corpus" || true

# The summary reads logs that may lack a field (a run that crashed early).
set +e +o pipefail
status=0
printf '%-12s %12s %10s %8s %8s %s\n' reader executions exec/s cov ft findings
for r in "${readers[@]}"; do
  log=$work/$r.log
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  found=$(ls "$work/findings" | grep -c "^$r-" || true)
  printf '%-12s %12s %10s %8s %8s %s\n' "$r" "${execs:-?}" "${speed:-?}" \
    "${cov:-?}" "${ft:-?}" "$found"
  if [ "$found" != 0 ] || ! grep -q "^$r exit 0$" "$log"; then
    status=1
    echo "fuzz.sh: $r found a problem; its log is $log:" >&2
    grep -E "ERROR|SUMMARY|Test unit written|internal error|does not" "$log" | head -5 >&2
  fi
done
exit $status

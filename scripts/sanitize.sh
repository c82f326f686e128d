#!/usr/bin/env bash
# Builds and runs lcp's checks under the sanitizers (docs/Security.md):
#
#   asan  AddressSanitizer + UndefinedBehaviorSanitizer over the readers, the
#         importer, the evaluator, the package format and the distributed
#         runtime: the unit tests, the ONNX conformance runner, the replay of
#         every fuzz regression, 10,000 inferences across 4 workers, and a
#         bounded fuzzing run (--fuzz-time seconds per target, default 60).
#   tsan  ThreadSanitizer over the threaded executor: lcp-runtime-stress runs
#         10,000 inferences of a split model, two models from two threads.
#
#   scripts/sanitize.sh [asan] [tsan] [--fuzz-time SECONDS]
#
# Needs clang-19 and libclang-rt-19-dev, and build/bin/lcp-compile (the
# default build) to compile the stress test's package.
set -euo pipefail
cd "$(dirname "$0")/.."

fuzz_time=60
presets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --fuzz-time) fuzz_time="$2"; shift 2 ;;
    asan|tsan) presets+=("$1"); shift ;;
    *) echo "sanitize.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ ${#presets[@]} -gt 0 ] || presets=(asan tsan)

status=0
for preset in "${presets[@]}"; do
  build=build-$preset
  cmake --preset "$preset" > "$build.configure.log" 2>&1 ||
    { cat "$build.configure.log"; exit 1; }
  case $preset in
  asan)
    ninja -C "$build" -j2 lcp-unit-tests lcp-onnx-conformance \
      lcp-fuzz-onnx lcp-fuzz-mlir lcp-fuzz-npy lcp-fuzz-manifest \
      lcp-fuzz-safetensors lcp-fuzz-cluster lcp-cluster-tests \
      lcp-fuzz-tensor-message lcp-distributed-tests lcp-worker \
      lcp-runtime-stress
    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:malloc_context_size=3
    export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
    echo "== asan: unit tests, conformance and fuzz regressions"
    # The distributed tests' package, compiled by the default build (the
    # compiler is not built under ASan here).
    rm -rf "$build/test/distributed-package"
    build/bin/lcp-compile -q test/models/lenet_split4.onnx \
      --lcp-outline-branches -o "$build/test/distributed-package"
    ctest --test-dir "$build" -E '^(dialect-doc-up-to-date|distributed-package)$' \
      -FS distributed_package --output-on-failure || status=1
    # The coordinator and its 4 workers all under ASan and LSan: a worker
    # that leaks or errs exits non-zero when stopped, which fails the run.
    echo "== asan: 10,000 inferences across 4 workers"
    package=$build/distributed-package
    rm -rf "$package"
    build/bin/lcp-compile -q test/models/lenet_split4.onnx \
      --lcp-outline-branches -o "$package"
    python3 test/distributed/with-workers.py --worker "$build/bin/lcp-worker" \
      --count 4 -- "$build/bin/lcp-runtime-stress" "$package" --runs 10000 \
      --models 2 --threads 1 --workers @WORKERS@ || status=1
    echo "== asan: ${fuzz_time} s of fuzzing per target"
    scripts/fuzz.sh --time "$fuzz_time" || status=1
    ;;
  tsan)
    ninja -C "$build" -j2 lcp-runtime-stress
    package=$build/stress-package
    rm -rf "$package"
    build/bin/lcp-compile -q test/models/lenet_split8.onnx -o "$package"
    echo "== tsan: 10,000 inferences, 2 models x 2 threads"
    TSAN_OPTIONS=halt_on_error=1:exitcode=66 \
      "$build/bin/lcp-runtime-stress" "$package" --runs 10000 --models 2 \
      --threads 2 || status=1
    ;;
  esac
done
exit $status

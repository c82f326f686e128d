#!/usr/bin/env bash
# Installs what is needed, builds lcp and runs the whole test suite:
# lit (IR, import, passes, tools) and ctest (unit and conformance tests).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --with-torch
bash scripts/build.sh
status=0
python3 /usr/lib/llvm-19/build/utils/lit/lit.py -sv build/test || status=1
# -V shows the conformance runner's per-op table and the unit tests.
ctest --test-dir build -V || status=1
exit $status

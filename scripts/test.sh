#!/usr/bin/env bash
# Installs what is needed, builds lcp and runs the whole test suite:
# lit (IR, import, passes, tools), ctest (unit and conformance tests),
# pytest (the Python package), then the sanitizer checks (scripts/sanitize.sh: the readers, importer and
# package format under ASan+UBSan with 60 s of fuzzing per target, and the
# threaded executor under TSan).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --with-torch
bash scripts/build.sh
status=0
python3 /usr/lib/llvm-19/build/utils/lit/lit.py -sv build/test || status=1
# -V shows the conformance runner's per-op table and the unit tests.
ctest --test-dir build -V || status=1
# The Python package (build/python; scripts/build.sh also installed it).
PYTHONPATH=build/python /usr/bin/python3 -m pytest test/python -v || status=1
bash scripts/sanitize.sh || status=1
exit $status

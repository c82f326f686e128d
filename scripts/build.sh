#!/usr/bin/env bash
# Installs what is needed and builds lcp into build/ (tools in build/bin),
# then installs the Python package `lcp` into the system Python's
# site-packages (a full build only; arguments build just those targets).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset default
cmake --build --preset default "$@"
if [ $# -eq 0 ]; then
  cmake --install build --component python
fi

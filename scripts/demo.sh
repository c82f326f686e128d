#!/usr/bin/env bash
# Installs what is needed, builds lcp and runs the main job on the bundled
# Split2 LCP model: import it, outline its branches, and run it with the
# reference evaluator, comparing with PyTorch's outputs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
model=test/models/tiny_split2.onnx
out=build/demo
mkdir -p "$out"

echo "== lcp-opt: import $model and outline its branches"
build/bin/lcp-opt "$model" --lcp-outline-branches \
  --mlir-elide-resource-strings-if-larger=32 -o "$out/tiny_split2.mlir"
build/bin/lcp-opt "$model" --lcp-outline-branches \
  --emit-bytecode -o "$out/tiny_split2.mlirbc" 2>/dev/null
grep -E "lcp\.(branch|merge)" "$out/tiny_split2.mlir"

echo "== lcp-run: 3 samples through the outlined model (bytecode)"
build/bin/lcp-run "$out/tiny_split2.mlirbc" \
  --input test/models/tiny_split2.batch3.input.npy \
  --output "$out/tiny_split2.batch3.output.npy"
build/bin/lcp-run "$out/tiny_split2.mlirbc" \
  --input test/models/tiny_split2.input.npy

echo "== compare with PyTorch's outputs (|a - b| <= 1e-4 + 1e-4 |b|)"
build/bin/lcp-run "$out/tiny_split2.mlirbc" \
  --input test/models/tiny_split2.batch3.input.npy \
  --expect test/models/tiny_split2.batch3.output.npy

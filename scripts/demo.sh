#!/usr/bin/env bash
# Installs what is needed, builds lcp and runs the main job on a bundled LCP
# model: import it, outline its branches, run it with the reference
# evaluator, compile it into a CPU package and run that, comparing both with
# PyTorch's outputs; then quantize it to int8 and check that the compiled
# int8 package computes the reference evaluator's bits.
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

model=test/models/lenet_split4.onnx
echo "== lcp-compile: $model (a trained LeNet Split4) into a cpu:host package"
rm -rf "$out/lenet_split4.pkg"
build/bin/lcp-compile "$model" -o "$out/lenet_split4.pkg"
echo "== lcp-run: the package on 64 Fashion-MNIST test images, against PyTorch"
build/bin/lcp-run "$out/lenet_split4.pkg" \
  --input test/models/fmnist_test_sample.input.npy \
  --expect test/models/lenet_split4.output.npy
echo "== lcp-run: timing, branches on 2 threads"
build/bin/lcp-run "$out/lenet_split4.pkg" --threads 2 --repeat 50 \
  --input test/models/fmnist_test_sample.input.npy \
  --output "$out/lenet_split4.logits.npy"

echo "== lcp-quantize: $model to int8, calibrated on the 64 sample images"
build/bin/lcp-opt "$model" --lcp-quantize="mode=int8 calibration=test/models/fmnist_test_sample.input.npy" \
  --emit-bytecode -o "$out/lenet_split4.int8.mlirbc"
rm -rf "$out/lenet_split4.int8.pkg"
build/bin/lcp-compile -q "$out/lenet_split4.int8.mlirbc" -o "$out/lenet_split4.int8.pkg"
echo "== the int8 package and the reference evaluator give the same bits"
build/bin/lcp-run "$out/lenet_split4.int8.mlirbc" \
  --input test/models/fmnist_test_sample.input.npy --output "$out/int8.reference.npy"
build/bin/lcp-run "$out/lenet_split4.int8.pkg" \
  --input test/models/fmnist_test_sample.input.npy --output "$out/int8.package.npy"
cmp "$out/int8.reference.npy" "$out/int8.package.npy" && echo "identical"
echo "== lcp-run: int8 timing, branches on 2 threads"
build/bin/lcp-run "$out/lenet_split4.int8.pkg" --threads 2 --repeat 50 \
  --input test/models/fmnist_test_sample.input.npy \
  --output "$out/lenet_split4.int8.logits.npy"

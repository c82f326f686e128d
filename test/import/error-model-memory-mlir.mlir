// MLIR input is held to the same limit as ONNX (--max-model-bytes): the
// tools refuse the model before anything allocates what it declares.
// RUN: not lcp-compile %s --target=cpu:host -o %t.pkg 2>&1 | FileCheck %s -DFILE=%s
// CHECK: [[FILE]]:[[@LINE+1]]:1: error: argument 0 of type 'tensor<65536x65536xf32>' needs 17179869184 bytes, more than the limit of 4294967296 bytes (lcp's limit on a model's memory; raise it with --max-model-bytes)
func.func @main(%x: tensor<65536x65536xf32>) -> tensor<65536x65536xf32> {
  return %x : tensor<65536x65536xf32>
}

// RUN: %numpy-python -c "import numpy as np; np.save('%t.x.npy', np.array([[0.25, -0.25, 1.0, 100.0, -100.0, 0.0, 0.05, -0.05]], np.float32))"
// RUN: %numpy-python -c "import numpy as np; np.save('%t.want.npy', np.array([[0.4, -0.2, 1.0, 13.0, -12.4, 0.0, 0.2, 0.0]], np.float32))"
// RUN: lcp-run %s --input %t.x.npy --expect %t.want.npy | FileCheck %s
// CHECK: output 0 matches

// The same cases compiled by the CPU backend give the same bits as the
// reference evaluator.
// RUN: lcp-run %s --input %t.x.npy --output %t.ref0.npy
// RUN: rm -rf %t.pkg && lcp-compile -q %s -o %t.pkg
// RUN: lcp-run %t.pkg --input %t.x.npy --output %t.pkg0.npy
// RUN: cmp %t.ref0.npy %t.pkg0.npy

// The integer contract (docs/INTEGER.md) through quantize, requantize and
// dequantize, worked out by hand. Quantize with scale 0.1 and zero point
// -3 (inv_scale 10): q = floor(10x + 0.5) - 3 clamped to [-128, 127]:
//   0.25 -> floor(3.0) - 3 = 0      -0.25 -> floor(-2.0) - 3 = -5
//   1.0  -> 10 - 3 = 7              100   -> 997, clamped to 127
//   -100 -> -1003, clamped to -128  0.0   -> -3
//   0.05 -> floor(1.0) - 3 = -2     -0.05 -> floor(0.0) - 3 = -3
// Requantize to scale 0.2, zero point 5 (M = 1/2, ties up):
// y = 5 + round((q + 3) / 2): 7, 4, 10, 70, 5 + round(-62.5) = -57, 5,
// 5 + round(0.5) = 6, 5. Dequantize: 0.2 * (y - 5):
// 0.4, -0.2, 1.0, 13.0, -12.4, 0.0, 0.2, 0.0.
func.func @main(%x: tensor<1x8xf32>) -> tensor<1x8xf32> {
  %q = lcp.quantize %x : (tensor<1x8xf32>) -> tensor<1x8x!quant.uniform<i8:f32, 0.1:-3>>
  %r = lcp.requantize %q : (tensor<1x8x!quant.uniform<i8:f32, 0.1:-3>>) -> tensor<1x8x!quant.uniform<i8:f32, 0.2:5>>
  %y = lcp.dequantize %r : (tensor<1x8x!quant.uniform<i8:f32, 0.2:5>>) -> tensor<1x8xf32>
  return %y : tensor<1x8xf32>
}

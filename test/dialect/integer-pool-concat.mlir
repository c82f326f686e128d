// RUN: %numpy-python -c "import numpy as np; np.save('%t.p.npy', np.array([[[[-1.0, 0.5], [0.25, -0.75]]]], np.float32))"
// RUN: %numpy-python -c "import numpy as np; np.save('%t.pool.npy', np.array([[[[-1.0, 0.5], [0.25, 0.5]]]], np.float32)); np.save('%t.cat.npy', np.array([[[[-1.0, 0.5], [0.25, 0.5]], [[-1.0, 0.5], [0.25, -0.75]]]], np.float32))"
// RUN: lcp-run %s --input %t.p.npy --expect %t.pool.npy --expect %t.cat.npy | FileCheck %s
// CHECK: output 0 matches
// CHECK: output 1 matches

// The same cases compiled by the CPU backend give the same bits as the
// reference evaluator.
// RUN: lcp-run %s --input %t.p.npy --output %t.ref0.npy --output %t.ref1.npy
// RUN: rm -rf %t.pkg && lcp-compile -q %s -o %t.pkg
// RUN: lcp-run %t.pkg --input %t.p.npy --output %t.pkg0.npy --output %t.pkg1.npy
// RUN: cmp %t.ref0.npy %t.pkg0.npy
// RUN: cmp %t.ref1.npy %t.pkg1.npy

// Max pooling and concatenation on int8, worked out by hand. Quantized
// with scale 0.25 and zero point 2 (inv_scale 4), the input
// [[-1.0, 0.5], [0.25, -0.75]] is [[floor(-3.5), floor(2.5)],
// [floor(1.5), floor(-2.5)]] + 2 = [[-2, 4], [3, -1]]. A 2x2 max pool with
// stride 1 and one row and column of padding before: padding is the
// storage minimum, never chosen over a real value (were it a real zero,
// q = 2, the first window would give 2, not -2):
//   [[max(-2), max(-2, 4)], [max(-2, 3), max(-2, 4, 3, -1)]]
//   = [[-2, 4], [3, 4]] -> 0.25 * (q - 2) = [[-1.0, 0.5], [0.25, 0.5]].
// The concat of the pool and the quantized input along channels only moves
// bytes.
func.func @main(%p: tensor<1x1x2x2xf32>) -> (tensor<1x1x2x2xf32>, tensor<1x2x2x2xf32>) {
  %q = lcp.quantize %p : (tensor<1x1x2x2xf32>) -> tensor<1x1x2x2x!quant.uniform<i8:f32, 0.25:2>>
  %m = lcp.max_pool2d %q {kernel = array<i64: 2, 2>, pads = array<i64: 1, 1, 0, 0>} : (tensor<1x1x2x2x!quant.uniform<i8:f32, 0.25:2>>) -> tensor<1x1x2x2x!quant.uniform<i8:f32, 0.25:2>>
  %c = lcp.concat %m, %q {axis = 1 : i64} : (tensor<1x1x2x2x!quant.uniform<i8:f32, 0.25:2>>, tensor<1x1x2x2x!quant.uniform<i8:f32, 0.25:2>>) -> tensor<1x2x2x2x!quant.uniform<i8:f32, 0.25:2>>
  %md = lcp.dequantize %m : (tensor<1x1x2x2x!quant.uniform<i8:f32, 0.25:2>>) -> tensor<1x1x2x2xf32>
  %cd = lcp.dequantize %c : (tensor<1x2x2x2x!quant.uniform<i8:f32, 0.25:2>>) -> tensor<1x2x2x2xf32>
  return %md, %cd : tensor<1x1x2x2xf32>, tensor<1x2x2x2xf32>
}

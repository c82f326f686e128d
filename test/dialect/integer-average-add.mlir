// RUN: %numpy-python -c "import numpy as np; np.save('%t.a.npy', np.array([[[[1.0, -1.0], [0.5, 2.0]]]], np.float32)); np.save('%t.r.npy', np.array([[[[1.0, 2.0, 3.0]]]], np.float32))"
// RUN: %numpy-python -c "import numpy as np; np.save('%t.add.npy', np.array([[[[2.0, -2.0], [2.0, 4.0]]]], np.float32)); np.save('%t.gap.npy', np.array([[[[0.5]]]], np.float32)); np.save('%t.avg.npy', np.array([[[[1.5, 3.0]]]], np.float32))"
// RUN: lcp-run %s --input %t.a.npy --input %t.r.npy --expect %t.add.npy --expect %t.gap.npy --expect %t.avg.npy | FileCheck %s
// CHECK: output 0 matches
// CHECK: output 1 matches
// CHECK: output 2 matches

// The same cases compiled by the CPU backend give the same bits as the
// reference evaluator.
// RUN: lcp-run %s --input %t.a.npy --input %t.r.npy --output %t.ref0.npy --output %t.ref1.npy --output %t.ref2.npy
// RUN: rm -rf %t.pkg && lcp-compile -q %s -o %t.pkg
// RUN: lcp-run %t.pkg --input %t.a.npy --input %t.r.npy --output %t.pkg0.npy --output %t.pkg1.npy --output %t.pkg2.npy
// RUN: cmp %t.ref0.npy %t.pkg0.npy
// RUN: cmp %t.ref1.npy %t.pkg1.npy
// RUN: cmp %t.ref2.npy %t.pkg2.npy

// Residual add, global and windowed average pooling on int8, worked out by
// hand (docs/INTEGER.md).
//
// a = [[1.0, -1.0], [0.5, 2.0]]: at scale 0.5, zero point 0 (inv_scale 2)
// it is [[2, -2], [1, 4]]; at scale 0.25, zero point -4 (inv_scale 4) it is
// [[0, -8], [-2, 4]], i.e. q - zp = [[4, -4], [2, 8]]. Their sum at scale 1,
// zero point 3 rescales each operand on its own (M = 0.5 and 0.25), rounding
// half up, then adds: 3 + [[1 + 1, -1 - 1], [round(0.5) + round(0.5), 2 + 2]]
// = [[5, 1], [5, 7]] -> [[2, -2], [2, 4]] (the third element shows the two
// roundings: the real sum is 1.0).
//
// The global average of [[2, -2], [1, 4]] at scale 0.5 to scale 0.5: sum 5
// over 4 elements, M = 0.5 / (0.5 * 4) = 0.25: round(1.25) = 1 -> 0.5.
//
// r = [1.0, 2.0, 3.0] at scale 0.5 is [2, 4, 6]. A 1x2 average pool with
// stride 2 and one column of padding at the end, count_include_pad off:
// the first window averages 2 elements (M = 0.5 / (0.5 * 2) = 0.5,
// round(3.0) = 3 -> 1.5), the second only 1 (M = 1: 6 -> 3.0).
func.func @main(%a: tensor<1x1x2x2xf32>, %r: tensor<1x1x1x3xf32>) -> (tensor<1x1x2x2xf32>, tensor<1x1x1x1xf32>, tensor<1x1x1x2xf32>) {
  %qa = lcp.quantize %a : (tensor<1x1x2x2xf32>) -> tensor<1x1x2x2x!quant.uniform<i8:f32, 0.5>>
  %qb = lcp.quantize %a : (tensor<1x1x2x2xf32>) -> tensor<1x1x2x2x!quant.uniform<i8:f32, 0.25:-4>>
  %s = lcp.add %qa, %qb : (tensor<1x1x2x2x!quant.uniform<i8:f32, 0.5>>, tensor<1x1x2x2x!quant.uniform<i8:f32, 0.25:-4>>) -> tensor<1x1x2x2x!quant.uniform<i8:f32, 1.0:3>>
  %sd = lcp.dequantize %s : (tensor<1x1x2x2x!quant.uniform<i8:f32, 1.0:3>>) -> tensor<1x1x2x2xf32>
  %g = lcp.global_avg_pool %qa : (tensor<1x1x2x2x!quant.uniform<i8:f32, 0.5>>) -> tensor<1x1x1x1x!quant.uniform<i8:f32, 0.5>>
  %gd = lcp.dequantize %g : (tensor<1x1x1x1x!quant.uniform<i8:f32, 0.5>>) -> tensor<1x1x1x1xf32>
  %qr = lcp.quantize %r : (tensor<1x1x1x3xf32>) -> tensor<1x1x1x3x!quant.uniform<i8:f32, 0.5>>
  %p = lcp.avg_pool2d %qr {kernel = array<i64: 1, 2>, strides = array<i64: 1, 2>, pads = array<i64: 0, 0, 0, 1>} : (tensor<1x1x1x3x!quant.uniform<i8:f32, 0.5>>) -> tensor<1x1x1x2x!quant.uniform<i8:f32, 0.5>>
  %pd = lcp.dequantize %p : (tensor<1x1x1x2x!quant.uniform<i8:f32, 0.5>>) -> tensor<1x1x1x2xf32>
  return %sd, %gd, %pd : tensor<1x1x2x2xf32>, tensor<1x1x1x1xf32>, tensor<1x1x1x2xf32>
}

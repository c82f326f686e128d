// RUN: %numpy-python -c "import numpy as np; np.save('%t.x.npy', np.array([[[[1.0, 0.5], [0.25, -3 * 2.0 ** -13]]]], np.float32)); np.save('%t.r.npy', np.array([[3.0]], np.float32))"
// RUN: %numpy-python -c "import numpy as np; np.save('%t.avg.npy', np.array([[[[7167 / 16384]]]], np.float32)); np.save('%t.gap.npy', np.array([[[[3583 / 8192]]]], np.float32)); np.save('%t.add.npy', np.array([[[[2.0, 1.0], [0.5, -2 / 4096]]]], np.float32)); np.save('%t.sat.npy', np.array([[32767 / 8192]], np.float32))"
// RUN: lcp-run %s --input %t.x.npy --input %t.r.npy --expect %t.avg.npy --expect %t.gap.npy --expect %t.add.npy --expect %t.sat.npy | FileCheck %s
// CHECK: output 0 matches
// CHECK: output 1 matches
// CHECK: output 2 matches
// CHECK: output 3 matches

// The same cases compiled by the CPU backend give the same bits as the
// reference evaluator.
// RUN: lcp-run %s --input %t.x.npy --input %t.r.npy --output %t.ref0.npy --output %t.ref1.npy --output %t.ref2.npy --output %t.ref3.npy
// RUN: rm -rf %t.pkg && lcp-compile -q %s -o %t.pkg
// RUN: lcp-run %t.pkg --input %t.x.npy --input %t.r.npy --output %t.pkg0.npy --output %t.pkg1.npy --output %t.pkg2.npy --output %t.pkg3.npy
// RUN: cmp %t.ref0.npy %t.pkg0.npy
// RUN: cmp %t.ref1.npy %t.pkg1.npy
// RUN: cmp %t.ref2.npy %t.pkg2.npy
// RUN: cmp %t.ref3.npy %t.pkg3.npy

// fixed16 average pooling and residual adds, worked out by hand
// (docs/INTEGER.md): the int8 requantize rule with zero point 0, scales
// 2^-f and the int16 clamp.
//
// x = [[1.0, 0.5], [0.25, -3 * 2^-13]] in Q3.13 is [[8192, 4096], [2048,
// -3]], sum 14333.
// - 2x2 average pool into Q2.14: M = 2^-13 / (2^-14 * 4) = 0.5, so
//   14333 * 0.5 = 7166.5 rounds half up to 7167 (half to even would give
//   7166) -> 7167 * 2^-14.
// - Global average into Q3.13: M = 1/4, 3583.25 -> 3583 -> 3583 * 2^-13.
// - x + x with the output in Q4.12: each operand is rescaled on its own
//   (M = 0.5), [[4096, 2048], [1024, round(-1.5) = -1]] (half away from
//   zero would give -2), then summed: [[8192, 4096], [2048, -2]] * 2^-12.
// - r + r with r = 3.0 in Q3.13 (24576) and the output in Q3.13: 49152
//   saturates to 32767 -> 32767 / 8192.
func.func @main(%x: tensor<1x1x2x2xf32>, %r: tensor<1x1xf32>) -> (tensor<1x1x1x1xf32>, tensor<1x1x1x1xf32>, tensor<1x1x2x2xf32>, tensor<1x1xf32>) {
  %q = lcp.quantize %x : (tensor<1x1x2x2xf32>) -> tensor<1x1x2x2x!quant.uniform<i16:f32, 1.220703125e-04>>
  %avg = lcp.avg_pool2d %q {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x1x2x2x!quant.uniform<i16:f32, 1.220703125e-04>>) -> tensor<1x1x1x1x!quant.uniform<i16:f32, 6.103515625e-05>>
  %gap = lcp.global_avg_pool %q : (tensor<1x1x2x2x!quant.uniform<i16:f32, 1.220703125e-04>>) -> tensor<1x1x1x1x!quant.uniform<i16:f32, 1.220703125e-04>>
  %add = lcp.add %q, %q : (tensor<1x1x2x2x!quant.uniform<i16:f32, 1.220703125e-04>>, tensor<1x1x2x2x!quant.uniform<i16:f32, 1.220703125e-04>>) -> tensor<1x1x2x2x!quant.uniform<i16:f32, 2.44140625e-04>>
  %rq = lcp.quantize %r : (tensor<1x1xf32>) -> tensor<1x1x!quant.uniform<i16:f32, 1.220703125e-04>>
  %sat = lcp.add %rq, %rq : (tensor<1x1x!quant.uniform<i16:f32, 1.220703125e-04>>, tensor<1x1x!quant.uniform<i16:f32, 1.220703125e-04>>) -> tensor<1x1x!quant.uniform<i16:f32, 1.220703125e-04>>
  %avgf = lcp.dequantize %avg : (tensor<1x1x1x1x!quant.uniform<i16:f32, 6.103515625e-05>>) -> tensor<1x1x1x1xf32>
  %gapf = lcp.dequantize %gap : (tensor<1x1x1x1x!quant.uniform<i16:f32, 1.220703125e-04>>) -> tensor<1x1x1x1xf32>
  %addf = lcp.dequantize %add : (tensor<1x1x2x2x!quant.uniform<i16:f32, 2.44140625e-04>>) -> tensor<1x1x2x2xf32>
  %satf = lcp.dequantize %sat : (tensor<1x1x!quant.uniform<i16:f32, 1.220703125e-04>>) -> tensor<1x1xf32>
  return %avgf, %gapf, %addf, %satf : tensor<1x1x1x1xf32>, tensor<1x1x1x1xf32>, tensor<1x1x2x2xf32>, tensor<1x1xf32>
}

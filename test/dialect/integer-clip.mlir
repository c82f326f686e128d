// RUN: %numpy-python -c "import numpy as np; np.save('%t.x.npy', np.array([[-1.0, -0.5, 0.5, 1.0]], np.float32)); np.save('%t.want.npy', np.array([[-0.75, -0.5, 0.5, 0.75]], np.float32))"
// RUN: lcp-run %s --input %t.x.npy --expect %t.want.npy | FileCheck %s
// CHECK: output 0 matches

// The same cases compiled by the CPU backend give the same bits as the
// reference evaluator.
// RUN: lcp-run %s --input %t.x.npy --output %t.ref0.npy
// RUN: rm -rf %t.pkg && lcp-compile -q %s -o %t.pkg
// RUN: lcp-run %t.pkg --input %t.x.npy --output %t.pkg0.npy
// RUN: cmp %t.ref0.npy %t.pkg0.npy

// Clip on int8, worked out by hand (docs/INTEGER.md): the bounds are
// quantized by the compiler rule, half away from zero. With scale 0.25 and
// zero point 0 (inv_scale 4), x = [-1.0, -0.5, 0.5, 1.0] is [floor(-3.5),
// floor(-1.5), floor(2.5), floor(4.5)] = [-4, -2, 2, 4]. clip(-0.625, 0.625)
// clamps to [round(-2.5), round(2.5)] = [-3, 3] (rounding half up would
// give -2 below): [-3, -2, 2, 3] -> 0.25 * q = [-0.75, -0.5, 0.5, 0.75].
func.func @main(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %q = lcp.quantize %x : (tensor<1x4xf32>) -> tensor<1x4x!quant.uniform<i8:f32, 0.25>>
  %c = lcp.clip %q {min = -0.625 : f32, max = 0.625 : f32} : (tensor<1x4x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x4x!quant.uniform<i8:f32, 0.25>>
  %y = lcp.dequantize %c : (tensor<1x4x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}

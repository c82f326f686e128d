// RUN: %numpy-python -c "import numpy as np; np.save('%t.x.npy', np.array([[0.5, -0.5]], np.float32)); np.save('%t.want.npy', np.array([[0.25, 2.0 ** -13, 0.0]], np.float32))"
// RUN: lcp-run %s --input %t.x.npy --expect %t.want.npy | FileCheck %s
// CHECK: output 0 matches

// The same cases compiled by the CPU backend give the same bits as the
// reference evaluator.
// RUN: lcp-run %s --input %t.x.npy --output %t.ref0.npy
// RUN: rm -rf %t.pkg && lcp-compile -q %s -o %t.pkg
// RUN: lcp-run %t.pkg --input %t.x.npy --output %t.pkg0.npy
// RUN: cmp %t.ref0.npy %t.pkg0.npy

// A fixed16 (Q3.13) dense layer, worked out by hand (docs/INTEGER.md).
// x = [0.5, -0.5] quantized with inv_scale 2^13: [floor(4096.5),
// floor(-4095.5)] = [4096, -4096]. Weights (Q3.13) [[4096, 2048], [1, 0],
// [0, 1]], i.e. [[0.5, 0.25], [2^-13, 0], [0, 2^-13]]; biases in the
// accumulator's Q26 format: [0.125 * 2^26 = 8388608, 0, 0]. The 48-bit
// accumulators shift right by 13 + 13 - 13 = 13, rounding half up:
//   row 0: 8388608 + 4096 * 4096 - 4096 * 2048 = 16777216 -> 2048 -> 0.25
//   row 1: 4096 (half an output step)  -> (4096 + 4096) >> 13 = 1 -> 2^-13
//   row 2: -4096 (minus half a step)   -> (-4096 + 4096) >> 13 = 0 -> 0
func.func @main(%x: tensor<1x2xf32>) -> tensor<1x3xf32> {
  %q = lcp.quantize %x : (tensor<1x2xf32>) -> tensor<1x2x!quant.uniform<i16:f32, 1.220703125e-04>>
  %w = lcp.constant dense_resource<fixed_w> : tensor<3x2x!quant.uniform<i16:f32, 1.220703125e-04>>
  %b = lcp.constant dense_resource<fixed_b> : tensor<3x!quant.uniform<i32:f32, 1.4901161193847656e-08>>
  %d = lcp.dense %q, %w, %b : (tensor<1x2x!quant.uniform<i16:f32, 1.220703125e-04>>, tensor<3x2x!quant.uniform<i16:f32, 1.220703125e-04>>, tensor<3x!quant.uniform<i32:f32, 1.4901161193847656e-08>>) -> tensor<1x3x!quant.uniform<i16:f32, 1.220703125e-04>>
  %y = lcp.dequantize %d : (tensor<1x3x!quant.uniform<i16:f32, 1.220703125e-04>>) -> tensor<1x3xf32>
  return %y : tensor<1x3xf32>
}

// Storage integers, little-endian, after the alignment header:
// fixed_w (i16): 4096, 2048, 1, 0, 0, 1; fixed_b (i32): 8388608, 0, 0.
{-#
  dialect_resources: {
    builtin: {
      fixed_w: "0x02000000001000080100000000000100",
      fixed_b: "0x04000000000080000000000000000000"
    }
  }
#-}

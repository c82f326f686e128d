// RUN: %numpy-python -c "import numpy as np; np.save('%t.x.npy', np.array([[1.0, -0.5, 0.25]], np.float32)); np.save('%t.c.npy', np.array([[[[0.5, -0.25]]]], np.float32))"
// RUN: %numpy-python -c "import numpy as np; np.save('%t.dense.npy', np.array([[0.3, -2.2]], np.float32)); np.save('%t.relu.npy', np.array([[0.3, 0.0]], np.float32))"
// RUN: %numpy-python -c "import numpy as np; np.save('%t.conv.npy', np.array([[[[-0.6, 1.0]]]], np.float32))"
// RUN: lcp-run %s --input %t.x.npy --input %t.c.npy --expect %t.dense.npy --expect %t.relu.npy --expect %t.conv.npy | FileCheck %s
// CHECK: output 0 matches
// CHECK: output 1 matches
// CHECK: output 2 matches

// The same cases compiled by the CPU backend give the same bits as the
// reference evaluator.
// RUN: lcp-run %s --input %t.x.npy --input %t.c.npy --output %t.ref0.npy --output %t.ref1.npy --output %t.ref2.npy
// RUN: rm -rf %t.pkg && lcp-compile -q %s -o %t.pkg
// RUN: lcp-run %t.pkg --input %t.x.npy --input %t.c.npy --output %t.pkg0.npy --output %t.pkg1.npy --output %t.pkg2.npy
// RUN: cmp %t.ref0.npy %t.pkg0.npy
// RUN: cmp %t.ref1.npy %t.pkg1.npy
// RUN: cmp %t.ref2.npy %t.pkg2.npy

// The int8 contract (docs/INTEGER.md) through a dense layer, a relu and a
// padded convolution, worked out by hand.
//
// Dense: x = [1.0, -0.5, 0.25] quantized with scale 0.05, zero point 10
// (inv_scale 20): floor(20x + 0.5) + 10 = [30, 0, 15], so x - zp =
// [20, -10, 5]. Weights per output channel (scales 0.01, 0.02):
// [[10, -20, 30], [-127, 0, 127]]; int32 biases [100, -300]. Output scale
// 0.1, zero point -5:
//   acc0 = 100 + 200 + 200 + 150 = 650, M0 = 0.05 * 0.01 / 0.1 = 0.005,
//          y0 = -5 + round(3.25) = -2 -> 0.1 * (-2 + 5) = 0.3
//   acc1 = -300 - 2540 + 0 + 635 = -2205, M1 = 0.01,
//          y1 = -5 + round(-22.05) = -27 -> 0.1 * (-27 + 5) = -2.2
// Relu on integers is max(y, zero point): [-2, -5] -> [0.3, 0.0].
//
// Convolution: [0.5, -0.25] with scale 0.25, zero point -3 (inv_scale 4):
// [floor(2.5), floor(-0.5)] - 3 = [-1, -4], so x - zp = [2, -1]. A 1x3
// kernel [3, -2, 1] (scale 0.5), one column of padding each side, which
// contributes nothing (it is a real zero):
//   out0 = -2 * 2 + 1 * -1 = -5,  out1 = 3 * 2 + -2 * -1 = 8.
// Output scale 0.2, zero point 0: M = 0.25 * 0.5 / 0.2 = 0.625:
//   round(-3.125) = -3 -> -0.6,  round(5.0) = 5 -> 1.0.
func.func @main(%x: tensor<1x3xf32>, %c: tensor<1x1x1x2xf32>) -> (tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x1x1x2xf32>) {
  %q = lcp.quantize %x : (tensor<1x3xf32>) -> tensor<1x3x!quant.uniform<i8:f32, 0.05:10>>
  %w = lcp.constant dense_resource<dense_w> : tensor<2x3x!quant.uniform<i8:f32:0, {0.01, 0.02}>>
  %b = lcp.constant dense_resource<dense_b> : tensor<2x!quant.uniform<i32:f32:0, {0.0005, 0.001}>>
  %d = lcp.dense %q, %w, %b : (tensor<1x3x!quant.uniform<i8:f32, 0.05:10>>, tensor<2x3x!quant.uniform<i8:f32:0, {0.01, 0.02}>>, tensor<2x!quant.uniform<i32:f32:0, {0.0005, 0.001}>>) -> tensor<1x2x!quant.uniform<i8:f32, 0.1:-5>>
  %r = lcp.relu %d : (tensor<1x2x!quant.uniform<i8:f32, 0.1:-5>>) -> tensor<1x2x!quant.uniform<i8:f32, 0.1:-5>>
  %dd = lcp.dequantize %d : (tensor<1x2x!quant.uniform<i8:f32, 0.1:-5>>) -> tensor<1x2xf32>
  %rd = lcp.dequantize %r : (tensor<1x2x!quant.uniform<i8:f32, 0.1:-5>>) -> tensor<1x2xf32>
  %cq = lcp.quantize %c : (tensor<1x1x1x2xf32>) -> tensor<1x1x1x2x!quant.uniform<i8:f32, 0.25:-3>>
  %k = lcp.constant dense_resource<conv_w> : tensor<1x1x1x3x!quant.uniform<i8:f32, 0.5>>
  %y = lcp.conv2d %cq, %k {pads = array<i64: 0, 1, 0, 1>} : (tensor<1x1x1x2x!quant.uniform<i8:f32, 0.25:-3>>, tensor<1x1x1x3x!quant.uniform<i8:f32, 0.5>>) -> tensor<1x1x1x2x!quant.uniform<i8:f32, 0.2>>
  %yd = lcp.dequantize %y : (tensor<1x1x1x2x!quant.uniform<i8:f32, 0.2>>) -> tensor<1x1x1x2xf32>
  return %dd, %rd, %yd : tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x1x1x2xf32>
}

// Storage integers, little-endian, after a 4-byte alignment header:
// dense_w: 10, -20, 30, -127, 0, 127; dense_b: 100, -300; conv_w: 3, -2, 1.
{-#
  dialect_resources: {
    builtin: {
      dense_w: "0x010000000AEC1E81007F",
      dense_b: "0x0400000064000000D4FEFFFF",
      conv_w: "0x0100000003FE01"
    }
  }
#-}

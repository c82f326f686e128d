// RUN: %numpy-python -c "import numpy as np; p = np.array([[-1.0, 0.5, 0.25], [-0.75, 1.0, 0.0]], np.float32); np.save('%t.p.npy', p); np.save('%t.t.npy', p.T.copy()); np.save('%t.s.npy', p[1:2, 1:3].copy())"
// RUN: lcp-run %s --input %t.p.npy --expect %t.t.npy --expect %t.s.npy | FileCheck %s
// CHECK: output 0 matches
// CHECK: output 1 matches

// The same cases compiled by the CPU backend give the same bits as the
// reference evaluator.
// RUN: lcp-run %s --input %t.p.npy --output %t.ref0.npy --output %t.ref1.npy
// RUN: rm -rf %t.pkg && lcp-compile -q %s -o %t.pkg
// RUN: lcp-run %t.pkg --input %t.p.npy --output %t.pkg0.npy --output %t.pkg1.npy
// RUN: cmp %t.ref0.npy %t.pkg0.npy
// RUN: cmp %t.ref1.npy %t.pkg1.npy

// Transpose and slice on int8 only move elements, which keep their input's
// quant type. With scale 0.25 and zero point 2 every input element is a
// multiple of the scale within range, so quantizing and dequantizing gives
// it back exactly: the outputs are numpy's transpose and slice of the input.
func.func @main(%p: tensor<2x3xf32>) -> (tensor<3x2xf32>, tensor<1x2xf32>) {
  %q = lcp.quantize %p : (tensor<2x3xf32>) -> tensor<2x3x!quant.uniform<i8:f32, 0.25:2>>
  %t = lcp.transpose %q {perm = array<i64: 1, 0>} : (tensor<2x3x!quant.uniform<i8:f32, 0.25:2>>) -> tensor<3x2x!quant.uniform<i8:f32, 0.25:2>>
  %s = lcp.slice %q {offsets = array<i64: 1, 1>} : (tensor<2x3x!quant.uniform<i8:f32, 0.25:2>>) -> tensor<1x2x!quant.uniform<i8:f32, 0.25:2>>
  %td = lcp.dequantize %t : (tensor<3x2x!quant.uniform<i8:f32, 0.25:2>>) -> tensor<3x2xf32>
  %sd = lcp.dequantize %s : (tensor<1x2x!quant.uniform<i8:f32, 0.25:2>>) -> tensor<1x2xf32>
  return %td, %sd : tensor<3x2xf32>, tensor<1x2xf32>
}

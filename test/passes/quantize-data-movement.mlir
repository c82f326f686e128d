// RUN: %numpy-python -c "import numpy as np; np.save('%t.cal.npy', np.array([[-1.0, 0.5], [0.5, 2.0]], np.float32)); np.save('%t.x.npy', np.array([[0.5, 0.8]], np.float32))"
// RUN: lcp-opt %s --lcp-quantize="mode=int8 calibration=%t.cal.npy" -o %t.q.mlir 2>&1 | FileCheck %s --check-prefix=REMARK
// RUN: FileCheck %s < %t.q.mlir
// RUN: lcp-run %t.q.mlir --input %t.x.npy | FileCheck %s --check-prefix=OUT

// Transpose and slice move integers: they keep their input's quant type,
// like reshape, so nothing runs in f32 between the dense layer and the
// model's output.
// REMARK: remark: lcp-quantize: int8 from 2 calibration samples: 1 layers in integers; in f32: none

// CHECK:      %[[D:.*]] = lcp.dense {{.*}} -> tensor<1x2x!quant.uniform<i8:f32, [[T:.*]]>>
// CHECK-NEXT: %[[TR:.*]] = lcp.transpose %[[D]] {{.*}} -> tensor<2x1x!quant.uniform<i8:f32, [[T]]>>
// CHECK-NEXT: %[[S:.*]] = lcp.slice %[[TR]] {{.*}} -> tensor<1x1x!quant.uniform<i8:f32, [[T]]>>
// CHECK-NEXT: lcp.dequantize %[[S]]

// The quantized model evaluates, worked out by hand. The input's range
// [-1, 2] gives scale 3/255 and zero point -43, so x = [0.5, 0.8] is
// [0, 25] (0.8 is 68 steps above the zero point). The slice reads only
// the dense layer's second output, -x[1], whose calibrated range [-2, -0.5]
// widens to [-2, 0]: scale 2/255, zero point 127. -0.8 is exactly 102 of
// those steps below zero, q = 25, and dequantizes back to -0.8.
// OUT: output 0: shape 1x1
// OUT-NEXT: {{^}}  -0.8{{$}}
func.func @main(%x: tensor<1x2xf32>) -> tensor<1x1xf32> {
  %w = lcp.constant dense<[[1.0, 0.0], [0.0, -1.0]]> : tensor<2x2xf32>
  %d = lcp.dense %x, %w : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
  %t = lcp.transpose %d {perm = array<i64: 1, 0>} : (tensor<1x2xf32>) -> tensor<2x1xf32>
  %s = lcp.slice %t {offsets = array<i64: 1, 0>} : (tensor<2x1xf32>) -> tensor<1x1xf32>
  return %s : tensor<1x1xf32>
}

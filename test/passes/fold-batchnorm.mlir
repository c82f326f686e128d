// RUN: lcp-opt %s --lcp-fold-batchnorm -split-input-file -verify-diagnostics | FileCheck %s

// Outputs stay within 1e-5 of the original's (|a - b| <= 1e-5 + 1e-5 |b|),
// the reference evaluator running both on one random input; no batch_norm
// is left.
// RUN: %numpy-python %S/Inputs/batchnorm_net.py > %t.mlir
// RUN: %numpy-python -c "import numpy as np; np.save('%t.x.npy', np.random.default_rng(4).standard_normal((1, 3, 8, 8)).astype(np.float32))"
// RUN: lcp-run %t.mlir --input %t.x.npy --output %t.before.0.npy --output %t.before.1.npy
// RUN: lcp-opt %t.mlir --lcp-fold-batchnorm -o %t.folded.mlir 2>&1 | FileCheck %s --check-prefix=REMARK
// RUN: FileCheck %s --check-prefix=FOLDED < %t.folded.mlir
// RUN: lcp-run %t.folded.mlir --input %t.x.npy --output %t.after.0.npy --output %t.after.1.npy
// RUN: %numpy-python -c "import numpy as np; \
// RUN:   [np.testing.assert_allclose(np.load('%t.after.npy'.replace('.npy', s)), np.load('%t.before.npy'.replace('.npy', s)), rtol=1e-5, atol=1e-5) for s in ('.0.npy', '.1.npy')]; print('within 1e-5')" | FileCheck %s --check-prefix=CLOSE

// REMARK: remark: folded 2 batch_norm op(s) into the preceding convolution or dense layer, 2 into a scale and shift
// FOLDED-NOT: lcp.batch_norm
// FOLDED:     lcp.conv2d %arg0, %{{.*}}, %{{.*}} : (tensor<1x3x8x8xf32>, tensor<6x3x3x3xf32>, tensor<6xf32>) -> tensor<1x6x6x6xf32>
// FOLDED:     lcp.mul %{{.*}}, %{{.*}} : (tensor<1x6x6x6xf32>, tensor<1x6x1x1xf32>) -> tensor<1x6x6x6xf32>
// FOLDED:     lcp.add
// FOLDED:     lcp.dense %{{.*}}, %{{.*}}, %{{.*}} : (tensor<1x216xf32>, tensor<4x216xf32>, tensor<4xf32>) -> tensor<1x4xf32>
// CLOSE: within 1e-5

// Hand-checkable: scale 2, shift 1, mean 3, variance 3 with epsilon 1
// make s = 2 / sqrt(4) = 1 and t = 1 - 3 = -2; the convolution's weight
// 4 stays 4 and its bias 5 becomes 5 * 1 - 2 = 3.
// CHECK-LABEL: func.func @by_hand
// CHECK-NEXT: %[[W:.*]] = lcp.constant dense<4.000000e+00> : tensor<1x1x1x1xf32>
// CHECK-NEXT: %[[B:.*]] = lcp.constant dense<3.000000e+00> : tensor<1xf32>
// CHECK-NEXT: %[[C:.*]] = lcp.conv2d %arg0, %[[W]], %[[B]]
// CHECK-NEXT: return %[[C]]
// expected-remark @below {{folded 1 batch_norm op(s) into the preceding convolution or dense layer, 0 into a scale and shift}}
func.func @by_hand(%x: tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32> {
  %w = lcp.constant dense<4.0> : tensor<1x1x1x1xf32>
  %b = lcp.constant dense<5.0> : tensor<1xf32>
  %c = lcp.conv2d %x, %w, %b : (tensor<1x1x2x2xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>) -> tensor<1x1x2x2xf32>
  %scale = lcp.constant dense<2.0> : tensor<1xf32>
  %shift = lcp.constant dense<1.0> : tensor<1xf32>
  %mean = lcp.constant dense<3.0> : tensor<1xf32>
  %var = lcp.constant dense<3.0> : tensor<1xf32>
  %y = lcp.batch_norm %c, %scale, %shift, %mean, %var {epsilon = 1.0 : f32} : (tensor<1x1x2x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x2x2xf32>
  return %y : tensor<1x1x2x2xf32>
}

// -----

// Parameters that are not constants: left alone, with a remark.
// CHECK-LABEL: func.func @not_constant
// CHECK: lcp.batch_norm
// expected-remark @below {{folded 0 batch_norm op(s) into the preceding convolution or dense layer, 0 into a scale and shift}}
func.func @not_constant(%x: tensor<1x1x2x2xf32>, %scale: tensor<1xf32>) -> tensor<1x1x2x2xf32> {
  %shift = lcp.constant dense<1.0> : tensor<1xf32>
  // expected-remark @below {{not folded: its parameters are not constants}}
  %y = lcp.batch_norm %x, %scale, %shift, %shift, %shift : (tensor<1x1x2x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x2x2xf32>
  return %y : tensor<1x1x2x2xf32>
}

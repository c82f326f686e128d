// RUN: lcp-opt %s --lcp-split="branches=2" | FileCheck %s
// RUN: lcp-opt %s --lcp-split="branches=2" -o %t.split.mlir
// RUN: %numpy-python -c "import numpy as np; np.save('%t.x.npy', np.random.default_rng(5).standard_normal((1, 1, 8, 8)).astype(np.float32))"
// RUN: lcp-run %s --input %t.x.npy --output %t.original.npy
// RUN: lcp-run %t.split.mlir --input %t.x.npy --expect %t.original.npy

// Pins down --lcp-split on a small original model (conv 4, hidden dense 6,
// classifier 3). Split2 halves the conv to 2 channels and the hidden layer
// to 3 features per branch; each branch takes its block of the original's
// weights, and the merge gathers the classifier's columns. This original's
// weights are block diagonal already (hidden features 0-2 read only
// channels 0-1, features 3-5 only channels 2-3), so Split2 drops nothing
// and must compute exactly what the original computes.

// CHECK-LABEL: func.func @main
// CHECK: %[[B0:.*]] = lcp.branch "b0"(%arg0) : (tensor<1x1x8x8xf32>) -> tensor<1x3xf32>
// CHECK: lcp.conv2d {{.*}} : (tensor<1x1x8x8xf32>, tensor<2x1x3x3xf32>, tensor<2xf32>) -> tensor<1x2x6x6xf32>
// CHECK: lcp.max_pool2d {{.*}} -> tensor<1x2x3x3xf32>
// CHECK: lcp.reshape {{.*}} : (tensor<1x2x3x3xf32>) -> tensor<1x18xf32>
// CHECK: lcp.dense {{.*}} : (tensor<1x18xf32>, tensor<3x18xf32>, tensor<3xf32>) -> tensor<1x3xf32>
// CHECK: lcp.yield
// CHECK: %[[B1:.*]] = lcp.branch "b1"(%arg0)
// CHECK: %[[M:.*]] = lcp.merge "merge"(%[[B0]], %[[B1]]) : (tensor<1x3xf32>, tensor<1x3xf32>) -> tensor<1x3xf32>
// CHECK: lcp.concat {{.*}} -> tensor<1x6xf32>
// CHECK: lcp.dense {{.*}} : (tensor<1x6xf32>, tensor<3x6xf32>, tensor<3xf32>) -> tensor<1x3xf32>
// CHECK: return %[[M]]
func.func @main(%x: tensor<1x1x8x8xf32>) -> tensor<1x3xf32> {
  %cw = lcp.constant dense<[[[[2.04, -2.56, 0.42], [-0.57, -0.45, -0.22], [-2.02, -0.23, -0.87]]], [[[3.32, 0.23, -0.35], [-0.28, -0.67, -1.06], [-0.39, 0.48, -0.24]]], [[[0.96, -0.2, 0.02], [1.55, 0.55, -0.51], [-0.18, 0.54, 1.94]]], [[[-0.27, -0.24, 1.0], [-0.89, -0.29, 0.88], [0.58, 0.09, 0.67]]]]> : tensor<4x1x3x3xf32>
  %cb = lcp.constant dense<[-2.83, 1.02, -0.96, -1.67]> : tensor<4xf32>
  %hw = lcp.constant dense<[[0.28, 0.7, -0.44, -1.08, 0.03, -0.05, 1.41, 0.75, 0.19, 1.11, -0.21, -0.93, 0.58, 0.58, -0.21, -0.78, 0.23, -2.49, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [1.41, -0.02, -0.37, -1.72, 1.68, 0.75, 0.75, 1.14, 0.35, -0.64, -0.8, -0.8, 1.37, -1.46, -0.6, -0.32, 0.22, 0.58, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [-2.04, -0.34, -0.61, 0.53, -2.28, 1.17, 1.07, -1.3, -0.98, -0.8, 0.04, 0.64, 2.05, -0.2, 0.77, 0.16, 1.76, 0.74, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -2.09, 0.86, -0.48, 0.13, 0.84, 1.08, 1.04, 0.16, 1.61, -0.28, -0.14, 0.8, -0.55, 2.16, 1.02, 2.18, -0.03, -0.38], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.2, -0.28, -1.61, 0.76, -1.76, 0.65, -0.01, 1.13, -0.07, -0.82, 0.36, -0.56, -0.18, 0.04, -0.13, -0.19, -0.83, -0.19], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1.15, -0.66, -0.08, -0.57, 1.74, 0.21, -1.01, -0.79, -0.06, 2.3, -0.18, 0.13, 0.51, -0.04, 2.28, -0.53, 0.74, 0.16]]> : tensor<6x36xf32>
  %hb = lcp.constant dense<[0.62, -1.18, 1.77, -0.12, 0.03, -0.93]> : tensor<6xf32>
  %lw = lcp.constant dense<[[-0.73, 0.56, 0.99, 0.75, 1.21, 0.71], [0.03, 0.84, 0.59, -0.1, 0.73, 1.29], [0.23, -0.36, 0.72, 1.9, -0.21, -0.09]]> : tensor<3x6xf32>
  %lb = lcp.constant dense<[-0.14, 1.22, -1.84]> : tensor<3xf32>
  %c = lcp.conv2d %x, %cw, %cb : (tensor<1x1x8x8xf32>, tensor<4x1x3x3xf32>, tensor<4xf32>) -> tensor<1x4x6x6xf32>
  %r = lcp.relu %c : (tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  %p = lcp.max_pool2d %r {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x4x6x6xf32>) -> tensor<1x4x3x3xf32>
  %f = lcp.reshape %p : (tensor<1x4x3x3xf32>) -> tensor<1x36xf32>
  %h = lcp.dense %f, %hw, %hb : (tensor<1x36xf32>, tensor<6x36xf32>, tensor<6xf32>) -> tensor<1x6xf32>
  %hr = lcp.relu %h : (tensor<1x6xf32>) -> tensor<1x6xf32>
  %y = lcp.dense %hr, %lw, %lb : (tensor<1x6xf32>, tensor<3x6xf32>, tensor<3xf32>) -> tensor<1x3xf32>
  return %y : tensor<1x3xf32>
}

// RUN: %numpy-python -c "import numpy as np; np.save('%t.x.npy', np.random.default_rng(11).standard_normal((1, 3, 9, 9)).astype(np.float32))"
// RUN: lcp-run %s --input %t.x.npy --output %t.reference.npy
// RUN: rm -rf %t.pkg
// RUN: lcp-compile -q %s -o %t.pkg
// RUN: lcp-run %t.pkg --input %t.x.npy --expect %t.reference.npy | FileCheck %s
// RUN: lcp-run %t.pkg --input %t.x.npy --threads 2 --expect %t.reference.npy | FileCheck %s
// CHECK: output 0 matches

// Every compute op the Halide backend emits, compiled for cpu:host and run
// through the runtime, must match the reference evaluator on the same input
// (|a - b| <= 1e-4 + 1e-4 |b|): strided, dilated and grouped convolution,
// both pools with padding, count_include_pad and ceil_mode, LRN, batch norm,
// broadcasting add and mul, clip, global average pooling, concat, transpose,
// matmul, reshape, dense and softmax. This unsplit function is one unit.

func.func @main(%x: tensor<1x3x9x9xf32>) -> tensor<1x5xf32> {
  %w1 = lcp.constant dense<[[[[0.2, -0.1, 0.3], [0.5, 0.1, -0.4], [0.0, 0.25, 0.1]]], [[[-0.3, 0.2, 0.1], [0.1, -0.2, 0.6], [0.2, 0.0, -0.1]]], [[[0.4, 0.4, -0.2], [0.0, 0.1, 0.2], [-0.5, 0.3, 0.1]]], [[[0.1, 0.1, 0.1], [0.2, -0.6, 0.2], [0.1, 0.1, 0.3]]], [[[0.3, -0.2, 0.0], [0.1, 0.2, 0.3], [0.4, -0.1, 0.2]]], [[[-0.2, 0.5, 0.1], [0.3, 0.0, -0.3], [0.2, 0.1, 0.0]]]]> : tensor<6x1x3x3xf32>
  %b1 = lcp.constant dense<[0.1, -0.1, 0.2, 0.0, 0.05, -0.2]> : tensor<6xf32>
  %c1 = lcp.conv2d %x, %w1, %b1 {groups = 3 : i64, pads = array<i64: 1, 1, 1, 0>, strides = array<i64: 1, 2>, dilations = array<i64: 2, 1>} : (tensor<1x3x9x9xf32>, tensor<6x1x3x3xf32>, tensor<6xf32>) -> tensor<1x6x7x4xf32>
  %scale = lcp.constant dense<[1.5, 0.5, 1.0, 2.0, 0.75, 1.25]> : tensor<6xf32>
  %shift = lcp.constant dense<[0.1, 0.2, -0.3, 0.0, 0.5, -0.1]> : tensor<6xf32>
  %mean = lcp.constant dense<[0.0, 0.1, -0.1, 0.2, 0.0, 0.3]> : tensor<6xf32>
  %var = lcp.constant dense<[1.0, 0.5, 2.0, 0.25, 1.5, 0.8]> : tensor<6xf32>
  %bn = lcp.batch_norm %c1, %scale, %shift, %mean, %var {epsilon = 1.0e-3 : f32} : (tensor<1x6x7x4xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>) -> tensor<1x6x7x4xf32>
  %cl = lcp.clip %bn {min = -0.5 : f32, max = 1.5 : f32} : (tensor<1x6x7x4xf32>) -> tensor<1x6x7x4xf32>
  %lrn = lcp.lrn %cl {size = 3 : i64, alpha = 0.1 : f32, beta = 0.75 : f32, bias = 2.0 : f32} : (tensor<1x6x7x4xf32>) -> tensor<1x6x7x4xf32>
  %avg = lcp.avg_pool2d %lrn {kernel = array<i64: 3, 2>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, ceil_mode, count_include_pad} : (tensor<1x6x7x4xf32>) -> tensor<1x6x4x3xf32>
  %avg2 = lcp.avg_pool2d %lrn {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 0, 0>} : (tensor<1x6x7x4xf32>) -> tensor<1x6x4x2xf32>
  %max = lcp.max_pool2d %lrn {kernel = array<i64: 2, 2>, strides = array<i64: 1, 1>, pads = array<i64: 0, 1, 1, 0>, dilations = array<i64: 2, 1>, ceil_mode} : (tensor<1x6x7x4xf32>) -> tensor<1x6x6x4xf32>
  %half = lcp.constant dense<[[[[0.5]], [[1.0]], [[-1.0]], [[2.0]], [[0.25]], [[1.5]]]]> : tensor<1x6x1x1xf32>
  %mul = lcp.mul %max, %half : (tensor<1x6x6x4xf32>, tensor<1x6x1x1xf32>) -> tensor<1x6x6x4xf32>
  %row = lcp.constant dense<[0.1, 0.2, 0.3, 0.4]> : tensor<4xf32>
  %add = lcp.add %mul, %row : (tensor<1x6x6x4xf32>, tensor<4xf32>) -> tensor<1x6x6x4xf32>
  %g1 = lcp.global_avg_pool %add : (tensor<1x6x6x4xf32>) -> tensor<1x6x1x1xf32>
  %g2 = lcp.global_avg_pool %avg : (tensor<1x6x4x3xf32>) -> tensor<1x6x1x1xf32>
  %g3 = lcp.global_avg_pool %avg2 : (tensor<1x6x4x2xf32>) -> tensor<1x6x1x1xf32>
  %cat = lcp.concat %g1, %g2, %g3 {axis = 1 : i64} : (tensor<1x6x1x1xf32>, tensor<1x6x1x1xf32>, tensor<1x6x1x1xf32>) -> tensor<1x18x1x1xf32>
  %f = lcp.reshape %cat : (tensor<1x18x1x1xf32>) -> tensor<1x18xf32>
  %t = lcp.reshape %f : (tensor<1x18xf32>) -> tensor<3x6xf32>
  %tt = lcp.transpose %t {perm = array<i64: 1, 0>} : (tensor<3x6xf32>) -> tensor<6x3xf32>
  %m = lcp.constant dense<[[0.5, -0.5], [0.25, 1.0], [1.0, 0.75]]> : tensor<3x2xf32>
  %mm = lcp.matmul %tt, %m : (tensor<6x3xf32>, tensor<3x2xf32>) -> tensor<6x2xf32>
  %r = lcp.relu %mm : (tensor<6x2xf32>) -> tensor<6x2xf32>
  %rf = lcp.reshape %r : (tensor<6x2xf32>) -> tensor<1x12xf32>
  %dw = lcp.constant dense<0.15> : tensor<5x12xf32>
  %db = lcp.constant dense<[0.0, 0.1, -0.1, 0.2, 0.3]> : tensor<5xf32>
  %d = lcp.dense %rf, %dw, %db : (tensor<1x12xf32>, tensor<5x12xf32>, tensor<5xf32>) -> tensor<1x5xf32>
  %s = lcp.softmax %d {axis = 1 : i64} : (tensor<1x5xf32>) -> tensor<1x5xf32>
  return %s : tensor<1x5xf32>
}

// RUN: lcp-opt %s --lcp-fuse-stems -split-input-file -verify-diagnostics | FileCheck %s

// The fused network computes what the original does: the reference
// evaluator runs both on one random input.
// RUN: %numpy-python -c "import numpy as np; np.save('%t.x.npy', np.random.default_rng(2).standard_normal((1, 2, 6, 6)).astype(np.float32))"
// RUN: lcp-run %S/Inputs/stem-net.mlir --input %t.x.npy --output %t.reference.npy
// RUN: lcp-opt %S/Inputs/stem-net.mlir --lcp-fuse-stems -o %t.fused.mlir 2>&1 | FileCheck %s --check-prefix=REMARK
// RUN: FileCheck %s --check-prefix=FUSED < %t.fused.mlir
// RUN: lcp-run %t.fused.mlir --input %t.x.npy --expect %t.reference.npy | FileCheck %s --check-prefix=MATCH
// RUN: rm -rf %t.pkg && lcp-compile -q %t.fused.mlir -o %t.pkg
// RUN: lcp-run %t.pkg --input %t.x.npy --expect %t.reference.npy | FileCheck %s --check-prefix=MATCH
// RUN: lcp-run %t.pkg --input %t.x.npy --threads 2 --expect %t.reference.npy | FileCheck %s --check-prefix=MATCH

// With the target's vector lanes given, the pass fuses only where a
// branch's first convolution fills vectors poorly: its 6-wide rows fill
// 6 of 16 lanes, but 6 of 8 is enough, and 2 channels fill 2 lanes.
// RUN: lcp-opt %S/Inputs/stem-net.mlir --lcp-fuse-stems="lanes=16" 2>&1 >/dev/null | FileCheck %s --check-prefix=REMARK
// RUN: lcp-opt %S/Inputs/stem-net.mlir --lcp-fuse-stems="lanes=8" 2>&1 >/dev/null | FileCheck %s --check-prefix=FILLS8
// RUN: lcp-opt %S/Inputs/stem-net.mlir --lcp-fuse-stems="lanes=2" 2>&1 >/dev/null | FileCheck %s --check-prefix=FILLS2

// REMARK: remark: fused the first 4 layer(s) of 3 branches into a stem: conv2d, batch_norm, relu, max_pool2d
// FILLS8: remark: no stem fused: each branch's first convolution fills 8-lane vectors on its own
// FILLS2: remark: no stem fused: each branch's first convolution fills 2-lane vectors on its own
// MATCH: output 0 matches

// Inputs/stem-net.mlir: three branches begin with conv2d (2 -> 2),
// batch_norm, relu and max_pool2d, then differ in weights only. The stem
// computes those four layers 6 channels wide, its constants the branches'
// concatenated in branch order, and slices channels 0-1, 2-3 and 4-5 back
// out; each branch keeps the rest of its layers.
// FUSED:      %[[S:.*]]:3 = lcp.stem "stem"(%arg0) : (tensor<1x2x6x6xf32>) -> (tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>)
// FUSED:        lcp.constant dense_resource<weight.stem> : tensor<6x2x3x3xf32>
// FUSED-NEXT:   lcp.constant dense<[-2.018000e-01, 2.418000e-01, 4.652000e-01, 2.081000e-01, 8.240000e-02, -3.956000e-01]> : tensor<6xf32>
// FUSED-NEXT:   lcp.conv2d {{.*}} -> tensor<1x6x6x6xf32>
// FUSED:        lcp.batch_norm {{.*}} -> tensor<1x6x6x6xf32>
// FUSED-NEXT:   lcp.relu {{.*}} -> tensor<1x6x6x6xf32>
// FUSED-NEXT:   %[[P:.*]] = lcp.max_pool2d {{.*}} -> tensor<1x6x3x3xf32>
// FUSED-NEXT:   lcp.slice %[[P]] {offsets = array<i64: 0, 0, 0, 0>} : (tensor<1x6x3x3xf32>) -> tensor<1x2x3x3xf32>
// FUSED-NEXT:   lcp.slice %[[P]] {offsets = array<i64: 0, 2, 0, 0>}
// FUSED-NEXT:   lcp.slice %[[P]] {offsets = array<i64: 0, 4, 0, 0>}
// FUSED-NEXT:   lcp.yield
// FUSED:      lcp.branch "b0"(%[[S]]#0) : (tensor<1x2x3x3xf32>) -> tensor<1x1xf32>
// FUSED-NEXT: ^bb0(%[[IN:.*]]: tensor<1x2x3x3xf32>):
// FUSED-NEXT:   lcp.constant
// FUSED-NEXT:   lcp.conv2d %[[IN]]
// FUSED:      lcp.branch "b1"(%[[S]]#1)
// FUSED:      lcp.branch "b2"(%[[S]]#2)
// FUSED:      lcp.merge "merge"

// A chain ends where a layer mixes channels: LRN stays in the branches.
// CHECK-LABEL: func.func @stops_at_lrn
// CHECK: lcp.stem "stem"
// CHECK: lcp.conv2d {{.*}} -> tensor<1x4x2x2xf32>
// CHECK-NEXT: lcp.relu {{.*}} -> tensor<1x4x2x2xf32>
// CHECK-NEXT: lcp.slice
// CHECK: lcp.branch "b0"
// CHECK-NEXT: ^bb0(%[[IN:.*]]: tensor<1x2x2x2xf32>):
// CHECK-NEXT: lcp.lrn %[[IN]]
// expected-remark @below {{fused the first 2 layer(s) of 2 branches into a stem: conv2d, relu}}
func.func @stops_at_lrn(%x: tensor<1x1x2x2xf32>) -> (tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>) {
  %b0 = lcp.branch "b0"(%x) : (tensor<1x1x2x2xf32>) -> tensor<1x2x2x2xf32> {
  ^bb0(%in: tensor<1x1x2x2xf32>):
    %w = lcp.constant dense<[[[[1.0]]], [[[2.0]]]]> : tensor<2x1x1x1xf32>
    %c = lcp.conv2d %in, %w : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x2x2xf32>
    %r = lcp.relu %c : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
    %l = lcp.lrn %r {size = 3 : i64, alpha = 0.1 : f32, beta = 0.75 : f32, bias = 1.0 : f32} : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
    lcp.yield %l : tensor<1x2x2x2xf32>
  }
  %b1 = lcp.branch "b1"(%x) : (tensor<1x1x2x2xf32>) -> tensor<1x2x2x2xf32> {
  ^bb0(%in: tensor<1x1x2x2xf32>):
    %w = lcp.constant dense<[[[[3.0]]], [[[4.0]]]]> : tensor<2x1x1x1xf32>
    %c = lcp.conv2d %in, %w : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x2x2xf32>
    %r = lcp.relu %c : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
    %l = lcp.lrn %r {size = 3 : i64, alpha = 0.1 : f32, beta = 0.75 : f32, bias = 1.0 : f32} : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
    lcp.yield %l : tensor<1x2x2x2xf32>
  }
  return %b0, %b1 : tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>
}

// -----

// Only the common prefix fuses: the branches' pools differ in stride.
// CHECK-LABEL: func.func @common_prefix
// CHECK: lcp.stem
// CHECK-NOT: lcp.max_pool2d
// CHECK: lcp.yield
// CHECK: lcp.branch "b0"
// CHECK: lcp.max_pool2d %{{.*}} {kernel = array<i64: 2, 2>} :
// CHECK: lcp.branch "b1"
// CHECK: lcp.max_pool2d {{.*}}strides = array<i64: 2, 2>
// expected-remark @below {{fused the first 1 layer(s) of 2 branches into a stem: conv2d}}
func.func @common_prefix(%x: tensor<1x1x4x4xf32>) -> (tensor<1x1x3x3xf32>, tensor<1x1x2x2xf32>) {
  %b0 = lcp.branch "b0"(%x) : (tensor<1x1x4x4xf32>) -> tensor<1x1x3x3xf32> {
  ^bb0(%in: tensor<1x1x4x4xf32>):
    %w = lcp.constant dense<2.0> : tensor<1x1x1x1xf32>
    %c = lcp.conv2d %in, %w : (tensor<1x1x4x4xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x4x4xf32>
    %p = lcp.max_pool2d %c {kernel = array<i64: 2, 2>, strides = array<i64: 1, 1>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x3x3xf32>
    lcp.yield %p : tensor<1x1x3x3xf32>
  }
  %b1 = lcp.branch "b1"(%x) : (tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32> {
  ^bb0(%in: tensor<1x1x4x4xf32>):
    %w = lcp.constant dense<3.0> : tensor<1x1x1x1xf32>
    %c = lcp.conv2d %in, %w : (tensor<1x1x4x4xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x4x4xf32>
    %p = lcp.max_pool2d %c {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32>
    lcp.yield %p : tensor<1x1x2x2xf32>
  }
  return %b0, %b1 : tensor<1x1x3x3xf32>, tensor<1x1x2x2xf32>
}

// -----

// Branches that begin differently are left alone.
// CHECK-LABEL: func.func @different_starts
// CHECK-NOT: lcp.stem
// expected-remark @below {{no stem fused: the branches do not begin with the same convolution of their input}}
func.func @different_starts(%x: tensor<1x1x2x2xf32>) -> (tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>) {
  %b0 = lcp.branch "b0"(%x) : (tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32> {
  ^bb0(%in: tensor<1x1x2x2xf32>):
    %w = lcp.constant dense<2.0> : tensor<1x1x1x1xf32>
    %c = lcp.conv2d %in, %w : (tensor<1x1x2x2xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x2x2xf32>
    lcp.yield %c : tensor<1x1x2x2xf32>
  }
  %b1 = lcp.branch "b1"(%x) : (tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32> {
  ^bb0(%in: tensor<1x1x2x2xf32>):
    %r = lcp.relu %in : (tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32>
    lcp.yield %r : tensor<1x1x2x2xf32>
  }
  return %b0, %b1 : tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>
}

// -----

// A branch that reads its input twice (here a residual add) keeps it.
// CHECK-LABEL: func.func @input_used_twice
// CHECK-NOT: lcp.stem
// expected-remark @below {{no stem fused: the branches do not begin with the same convolution of their input}}
func.func @input_used_twice(%x: tensor<1x1x2x2xf32>) -> (tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>) {
  %b0 = lcp.branch "b0"(%x) : (tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32> {
  ^bb0(%in: tensor<1x1x2x2xf32>):
    %w = lcp.constant dense<2.0> : tensor<1x1x1x1xf32>
    %c = lcp.conv2d %in, %w : (tensor<1x1x2x2xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x2x2xf32>
    %a = lcp.add %c, %in : (tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32>
    lcp.yield %a : tensor<1x1x2x2xf32>
  }
  %b1 = lcp.branch "b1"(%x) : (tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32> {
  ^bb0(%in: tensor<1x1x2x2xf32>):
    %w = lcp.constant dense<3.0> : tensor<1x1x1x1xf32>
    %c = lcp.conv2d %in, %w : (tensor<1x1x2x2xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x2x2xf32>
    lcp.yield %c : tensor<1x1x2x2xf32>
  }
  return %b0, %b1 : tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>
}

// -----

// CHECK-LABEL: func.func @one_branch
// expected-remark @below {{no stem fused: fewer than two branches}}
func.func @one_branch(%x: tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32> {
  %b0 = lcp.branch "b0"(%x) : (tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32> {
  ^bb0(%in: tensor<1x1x2x2xf32>):
    %w = lcp.constant dense<2.0> : tensor<1x1x1x1xf32>
    %c = lcp.conv2d %in, %w : (tensor<1x1x2x2xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x2x2xf32>
    lcp.yield %c : tensor<1x1x2x2xf32>
  }
  return %b0 : tensor<1x1x2x2xf32>
}

// -----

// Branches that read different values are left alone.
// CHECK-LABEL: func.func @different_inputs
// CHECK-NOT: lcp.stem
// expected-remark @below {{no stem fused: the branches do not all read one shared input}}
func.func @different_inputs(%x: tensor<1x1x2x2xf32>, %y: tensor<1x1x2x2xf32>) -> (tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>) {
  %b0 = lcp.branch "b0"(%x) : (tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32> {
  ^bb0(%in: tensor<1x1x2x2xf32>):
    %w = lcp.constant dense<2.0> : tensor<1x1x1x1xf32>
    %c = lcp.conv2d %in, %w : (tensor<1x1x2x2xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x2x2xf32>
    lcp.yield %c : tensor<1x1x2x2xf32>
  }
  %b1 = lcp.branch "b1"(%y) : (tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32> {
  ^bb0(%in: tensor<1x1x2x2xf32>):
    %w = lcp.constant dense<2.0> : tensor<1x1x1x1xf32>
    %c = lcp.conv2d %in, %w : (tensor<1x1x2x2xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x2x2xf32>
    lcp.yield %c : tensor<1x1x2x2xf32>
  }
  return %b0, %b1 : tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>
}

// RUN: lcp-opt %s --lcp-outline-branches -split-input-file -verify-diagnostics | FileCheck %s

// Pins down --lcp-outline-branches: two independent chains from the input
// that meet at one concat become lcp.branch ops; the concat and the
// classifier become the lcp.merge. A constant used by both branches is
// cloned into each, so that every unit is self-contained.

// CHECK-LABEL: func.func @split2
// CHECK: %[[B0:.*]] = lcp.branch "b0"(%arg0) : (tensor<1x2x4x4xf32>) -> tensor<1x4xf32>
// CHECK-NEXT: ^bb0(%[[IN0:.*]]: tensor<1x2x4x4xf32>):
// CHECK: lcp.constant dense<5.000000e-01> : tensor<1x1x1x1xf32>
// CHECK: lcp.relu %[[IN0]]
// CHECK: lcp.mul
// CHECK: lcp.yield %{{.*}} : tensor<1x4xf32>
// CHECK: %[[B1:.*]] = lcp.branch "b1"(%arg0)
// CHECK: lcp.constant dense<5.000000e-01> : tensor<1x1x1x1xf32>
// CHECK: lcp.global_avg_pool
// CHECK: lcp.yield
// CHECK: %[[M:.*]] = lcp.merge "merge"(%[[B0]], %[[B1]]) : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x3xf32>
// CHECK-NEXT: ^bb0(%[[X0:.*]]: tensor<1x4xf32>, %[[X1:.*]]: tensor<1x4xf32>):
// CHECK: lcp.concat %[[X0]], %[[X1]]
// CHECK: lcp.dense
// CHECK: lcp.yield %{{.*}} : tensor<1x3xf32>
// CHECK: return %[[M]] : tensor<1x3xf32>
// expected-remark @below {{outlined 2 branches and the merge}}
func.func @split2(%x: tensor<1x2x4x4xf32>) -> tensor<1x3xf32> {
  %half = lcp.constant dense<0.5> : tensor<1x1x1x1xf32>
  %w = lcp.constant dense<0.25> : tensor<3x8xf32>
  %a0 = lcp.relu %x : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %a1 = lcp.mul %a0, %half : (tensor<1x2x4x4xf32>, tensor<1x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %a2 = lcp.global_avg_pool %a1 : (tensor<1x2x4x4xf32>) -> tensor<1x2x1x1xf32>
  %a3 = lcp.reshape %a2 : (tensor<1x2x1x1xf32>) -> tensor<1x2xf32>
  %a4 = lcp.concat %a3, %a3 {axis = 1 : i64} : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x4xf32>
  %b0 = lcp.mul %x, %half : (tensor<1x2x4x4xf32>, tensor<1x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %b1 = lcp.global_avg_pool %b0 : (tensor<1x2x4x4xf32>) -> tensor<1x2x1x1xf32>
  %b2 = lcp.reshape %b1 : (tensor<1x2x1x1xf32>) -> tensor<1x2xf32>
  %b3 = lcp.concat %b2, %b2 {axis = 1 : i64} : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x4xf32>
  %c = lcp.concat %a4, %b3 {axis = 1 : i64} : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x8xf32>
  %y = lcp.dense %c, %w : (tensor<1x8xf32>, tensor<3x8xf32>) -> tensor<1x3xf32>
  return %y : tensor<1x3xf32>
}

// -----

// A concat inside the network (inception style): both paths share the stem,
// so they are not independent branches and nothing is outlined.

// CHECK-LABEL: func.func @inception
// CHECK-NOT: lcp.branch
// CHECK-NOT: lcp.merge
// expected-remark @below {{no LCP structure: the inputs of the concat share computation (they are not independent branches)}}
func.func @inception(%x: tensor<1x2xf32>) -> tensor<1x4xf32> {
  %stem = lcp.relu %x : (tensor<1x2xf32>) -> tensor<1x2xf32>
  %p0 = lcp.relu %stem : (tensor<1x2xf32>) -> tensor<1x2xf32>
  %p1 = lcp.add %stem, %stem : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x2xf32>
  %c = lcp.concat %p0, %p1 {axis = 1 : i64} : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x4xf32>
  return %c : tensor<1x4xf32>
}

// -----

// A skip connection from a branch around the concat breaks the pattern.

// CHECK-LABEL: func.func @skip
// CHECK-NOT: lcp.branch
// expected-remark @below {{no LCP structure: a value of branch 0 is used outside the branch other than by the concat (e.g. a skip connection)}}
func.func @skip(%x: tensor<1x2xf32>) -> tensor<2x4xf32> {
  %a = lcp.relu %x : (tensor<1x2xf32>) -> tensor<1x2xf32>
  %b = lcp.add %x, %x : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x2xf32>
  %c = lcp.concat %a, %b {axis = 1 : i64} : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x4xf32>
  %r = lcp.reshape %a : (tensor<1x2xf32>) -> tensor<2x1xf32>
  %y = lcp.mul %c, %r : (tensor<1x4xf32>, tensor<2x1xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

// No concat at all: a plain network.

// CHECK-LABEL: func.func @plain
// CHECK-NOT: lcp.branch
// expected-remark @below {{no LCP structure: no concat joins branches}}
func.func @plain(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %a = lcp.relu %x : (tensor<1x2xf32>) -> tensor<1x2xf32>
  return %a : tensor<1x2xf32>
}

// -----

// A concat of the raw input: the "branches" compute nothing.

// CHECK-LABEL: func.func @input_concat
// CHECK-NOT: lcp.branch
// expected-remark @below {{no LCP structure: concat input 0 is not computed by a branch}}
func.func @input_concat(%x: tensor<1x2xf32>) -> tensor<1x4xf32> {
  %c = lcp.concat %x, %x {axis = 1 : i64} : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x4xf32>
  return %c : tensor<1x4xf32>
}

// -----

// An op that is neither in a branch nor after the concat (it reads the input
// and feeds the merge) breaks the pattern.

// CHECK-LABEL: func.func @side_input
// CHECK-NOT: lcp.branch
// expected-remark @below {{no LCP structure: op 'lcp.relu' is neither in a branch nor after the concat}}
func.func @side_input(%x: tensor<1x4xf32>) -> tensor<1x8xf32> {
  %w = lcp.constant dense<1.0> : tensor<8x4xf32>
  %a = lcp.relu %x : (tensor<1x4xf32>) -> tensor<1x4xf32>
  %b = lcp.add %x, %x : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32>
  %c = lcp.concat %a, %b {axis = 1 : i64} : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x8xf32>
  %s = lcp.relu %x : (tensor<1x4xf32>) -> tensor<1x4xf32>
  %t = lcp.dense %s, %w : (tensor<1x4xf32>, tensor<8x4xf32>) -> tensor<1x8xf32>
  %y = lcp.add %c, %t : (tensor<1x8xf32>, tensor<1x8xf32>) -> tensor<1x8xf32>
  return %y : tensor<1x8xf32>
}

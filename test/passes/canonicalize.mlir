// RUN: lcp-opt %s --canonicalize -split-input-file | FileCheck %s

// Pins down the lcp folders that --canonicalize applies: ops that compute
// nothing disappear, and an op of the same kind as the one before it reads
// that one's input.

// CHECK-LABEL: func.func @identities
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x3x3xf32>)
// CHECK-NEXT: return %[[X]], %[[X]], %[[X]], %[[X]], %[[X]], %[[X]]
func.func @identities(%x: tensor<1x2x3x3xf32>) -> (tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>) {
  %zero = lcp.constant dense<0.0> : tensor<1x2x1x1xf32>
  %one = lcp.constant dense<1.0> : tensor<3xf32>
  %a = lcp.add %x, %zero : (tensor<1x2x3x3xf32>, tensor<1x2x1x1xf32>) -> tensor<1x2x3x3xf32>
  %m = lcp.mul %one, %x : (tensor<3xf32>, tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  %r = lcp.reshape %x : (tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  %t = lcp.transpose %x {perm = array<i64: 0, 1, 2, 3>} : (tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  %s = lcp.slice %x {offsets = array<i64: 0, 0, 0, 0>} : (tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  %c = lcp.concat %x {axis = 1 : i64} : (tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  return %a, %m, %r, %t, %s, %c : tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>
}

// -----

// Adding zero that broadcasts x wider, adding a non-zero, and a real
// permutation are kept.
// CHECK-LABEL: func.func @kept
// CHECK: lcp.add
// CHECK: lcp.add
// CHECK: lcp.transpose
func.func @kept(%x: tensor<1x3xf32>) -> (tensor<2x3xf32>, tensor<1x3xf32>, tensor<3x1xf32>) {
  %zero = lcp.constant dense<0.0> : tensor<2x3xf32>
  %half = lcp.constant dense<0.5> : tensor<3xf32>
  %a = lcp.add %x, %zero : (tensor<1x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %b = lcp.add %x, %half : (tensor<1x3xf32>, tensor<3xf32>) -> tensor<1x3xf32>
  %t = lcp.transpose %x {perm = array<i64: 1, 0>} : (tensor<1x3xf32>) -> tensor<3x1xf32>
  return %a, %b, %t : tensor<2x3xf32>, tensor<1x3xf32>, tensor<3x1xf32>
}

// -----

// CHECK-LABEL: func.func @chains
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x2x2xf32>)
// CHECK-NEXT: %[[R:.*]] = lcp.relu %[[X]]
// CHECK-NEXT: %[[F:.*]] = lcp.reshape %[[X]] : (tensor<1x2x2x2xf32>) -> tensor<8xf32>
// CHECK-NEXT: return %[[R]], %[[F]]
func.func @chains(%x: tensor<1x2x2x2xf32>) -> (tensor<1x2x2x2xf32>, tensor<8xf32>) {
  %r1 = lcp.relu %x : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %r2 = lcp.relu %r1 : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %f1 = lcp.reshape %x : (tensor<1x2x2x2xf32>) -> tensor<1x8xf32>
  %f2 = lcp.reshape %f1 : (tensor<1x8xf32>) -> tensor<8xf32>
  return %r2, %f2 : tensor<1x2x2x2xf32>, tensor<8xf32>
}

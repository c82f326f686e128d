// RUN: lcp-opt %s | lcp-opt | FileCheck %s
// RUN: lcp-opt %s -mlir-print-op-generic | lcp-opt | FileCheck %s

// Pins down the custom assembly of every lcp op: each op parses, verifies,
// prints and parses again to the same text, both from its custom form and
// from its generic form. Covers the optional parts: absent and present
// biases, optional attributes (clip bounds, the unit's device), unit
// attributes (ceil_mode, count_include_pad), default-valued attributes
// (elided when they hold their default, printed otherwise), dense and
// dense_resource constants, quantized element types, and branches and the
// merge with their regions.

// CHECK-LABEL: func.func @constant
func.func @constant() -> (tensor<2x3xf32>, tensor<4xf32>, tensor<2xf32>) {
  // CHECK-NEXT: %[[SPLAT:.*]] = lcp.constant dense<5.000000e-01> : tensor<2x3xf32>
  %splat = lcp.constant dense<0.5> : tensor<2x3xf32>
  // CHECK-NEXT: %[[LIT:.*]] = lcp.constant dense<[1.000000e+00, -2.000000e+00, 0.000000e+00, 2.500000e-01]> : tensor<4xf32>
  %lit = lcp.constant dense<[1.0, -2.0, 0.0, 0.25]> : tensor<4xf32>
  // CHECK-NEXT: %[[RES:.*]] = lcp.constant dense_resource<weight> : tensor<2xf32>
  %res = lcp.constant dense_resource<weight> : tensor<2xf32>
  // CHECK-NEXT: return %[[SPLAT]], %[[LIT]], %[[RES]] : tensor<2x3xf32>, tensor<4xf32>, tensor<2xf32>
  return %splat, %lit, %res : tensor<2x3xf32>, tensor<4xf32>, tensor<2xf32>
}

// CHECK-LABEL: func.func @conv2d
// CHECK-SAME: (%[[X:.*]]: tensor<1x4x8x8xf32>, %[[W:.*]]: tensor<6x4x3x3xf32>, %[[WG:.*]]: tensor<6x2x3x3xf32>, %[[B:.*]]: tensor<6xf32>)
func.func @conv2d(%x: tensor<1x4x8x8xf32>, %w: tensor<6x4x3x3xf32>,
                  %wg: tensor<6x2x3x3xf32>, %b: tensor<6xf32>) {
  // No bias, every attribute at its default (and so elided).
  // CHECK-NEXT: lcp.conv2d %[[X]], %[[W]] : (tensor<1x4x8x8xf32>, tensor<6x4x3x3xf32>) -> tensor<1x6x6x6xf32>
  %0 = lcp.conv2d %x, %w : (tensor<1x4x8x8xf32>, tensor<6x4x3x3xf32>) -> tensor<1x6x6x6xf32>
  // A bias; default values written out are elided when printed.
  // CHECK-NEXT: lcp.conv2d %[[X]], %[[W]], %[[B]] : (tensor<1x4x8x8xf32>, tensor<6x4x3x3xf32>, tensor<6xf32>) -> tensor<1x6x6x6xf32>
  %1 = lcp.conv2d %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x4x8x8xf32>, tensor<6x4x3x3xf32>, tensor<6xf32>) -> tensor<1x6x6x6xf32>
  // Every attribute away from its default: out = (8 + 1 + 2 - 5) / 2 + 1 = 4
  // rows and (8 + 0 + 0 - 5) / 2 + 1 = 2 columns.
  // CHECK-NEXT: lcp.conv2d %[[X]], %[[WG]], %[[B]] {dilations = array<i64: 2, 2>, groups = 2 : i64, pads = array<i64: 1, 0, 2, 0>, strides = array<i64: 2, 2>} : (tensor<1x4x8x8xf32>, tensor<6x2x3x3xf32>, tensor<6xf32>) -> tensor<1x6x4x2xf32>
  %2 = lcp.conv2d %x, %wg, %b {strides = array<i64: 2, 2>, pads = array<i64: 1, 0, 2, 0>, dilations = array<i64: 2, 2>, groups = 2 : i64} : (tensor<1x4x8x8xf32>, tensor<6x2x3x3xf32>, tensor<6xf32>) -> tensor<1x6x4x2xf32>
  return
}

// CHECK-LABEL: func.func @dense
// CHECK-SAME: (%[[X:.*]]: tensor<2x8xf32>, %[[W:.*]]: tensor<3x8xf32>, %[[B:.*]]: tensor<3xf32>)
func.func @dense(%x: tensor<2x8xf32>, %w: tensor<3x8xf32>, %b: tensor<3xf32>) {
  // CHECK-NEXT: lcp.dense %[[X]], %[[W]] : (tensor<2x8xf32>, tensor<3x8xf32>) -> tensor<2x3xf32>
  %0 = lcp.dense %x, %w : (tensor<2x8xf32>, tensor<3x8xf32>) -> tensor<2x3xf32>
  // CHECK-NEXT: lcp.dense %[[X]], %[[W]], %[[B]] : (tensor<2x8xf32>, tensor<3x8xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %1 = lcp.dense %x, %w, %b : (tensor<2x8xf32>, tensor<3x8xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return
}

// CHECK-LABEL: func.func @matmul
// CHECK-SAME: (%[[A:.*]]: tensor<2x3xf32>, %[[B:.*]]: tensor<3x4xf32>, %[[C:.*]]: tensor<5x1x2x3xf32>, %[[D:.*]]: tensor<7x3x4xf32>)
func.func @matmul(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>,
                  %c: tensor<5x1x2x3xf32>, %d: tensor<7x3x4xf32>) {
  // CHECK-NEXT: lcp.matmul %[[A]], %[[B]] : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  %0 = lcp.matmul %a, %b : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  // Batch dimensions [5, 1] and [7] broadcast to [5, 7].
  // CHECK-NEXT: lcp.matmul %[[C]], %[[D]] : (tensor<5x1x2x3xf32>, tensor<7x3x4xf32>) -> tensor<5x7x2x4xf32>
  %1 = lcp.matmul %c, %d : (tensor<5x1x2x3xf32>, tensor<7x3x4xf32>) -> tensor<5x7x2x4xf32>
  return
}

// CHECK-LABEL: func.func @transpose
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x3xf32>)
func.func @transpose(%x: tensor<1x2x3xf32>) {
  // CHECK-NEXT: lcp.transpose %[[X]] {perm = array<i64: 2, 0, 1>} : (tensor<1x2x3xf32>) -> tensor<3x1x2xf32>
  %0 = lcp.transpose %x {perm = array<i64: 2, 0, 1>} : (tensor<1x2x3xf32>) -> tensor<3x1x2xf32>
  return
}

// CHECK-LABEL: func.func @elementwise
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>, %[[R:.*]]: tensor<3xf32>, %[[S:.*]]: tensor<f32>, %[[C:.*]]: tensor<4x1x1xf32>)
func.func @elementwise(%x: tensor<2x3xf32>, %r: tensor<3xf32>, %s: tensor<f32>,
                       %c: tensor<4x1x1xf32>) {
  // CHECK-NEXT: lcp.add %[[X]], %[[X]] : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %0 = lcp.add %x, %x : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK-NEXT: lcp.add %[[X]], %[[R]] : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %1 = lcp.add %x, %r : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // Both operands broadcast.
  // CHECK-NEXT: lcp.add %[[C]], %[[X]] : (tensor<4x1x1xf32>, tensor<2x3xf32>) -> tensor<4x2x3xf32>
  %2 = lcp.add %c, %x : (tensor<4x1x1xf32>, tensor<2x3xf32>) -> tensor<4x2x3xf32>
  // CHECK-NEXT: lcp.mul %[[S]], %[[X]] : (tensor<f32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %3 = lcp.mul %s, %x : (tensor<f32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK-NEXT: lcp.mul %[[X]], %[[R]] : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %4 = lcp.mul %x, %r : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK-NEXT: lcp.relu %[[X]] : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %5 = lcp.relu %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK-NEXT: lcp.clip %[[X]] : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %6 = lcp.clip %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK-NEXT: lcp.clip %[[X]] {min = 0.000000e+00 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %7 = lcp.clip %x {min = 0.0 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK-NEXT: lcp.clip %[[X]] {max = 6.000000e+00 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %8 = lcp.clip %x {max = 6.0 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK-NEXT: lcp.clip %[[X]] {max = 6.000000e+00 : f32, min = 0.000000e+00 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %9 = lcp.clip %x {min = 0.0 : f32, max = 6.0 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // Equal bounds are allowed.
  // CHECK-NEXT: lcp.clip %[[X]] {max = 1.000000e+00 : f32, min = 1.000000e+00 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %10 = lcp.clip %x {min = 1.0 : f32, max = 1.0 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// CHECK-LABEL: func.func @max_pool2d
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x7x7xf32>)
func.func @max_pool2d(%x: tensor<1x2x7x7xf32>) {
  // Only the required kernel.
  // CHECK-NEXT: lcp.max_pool2d %[[X]] {kernel = array<i64: 2, 2>} : (tensor<1x2x7x7xf32>) -> tensor<1x2x6x6xf32>
  %0 = lcp.max_pool2d %x {kernel = array<i64: 2, 2>} : (tensor<1x2x7x7xf32>) -> tensor<1x2x6x6xf32>
  // Defaults written out are elided.
  // CHECK-NEXT: lcp.max_pool2d %[[X]] {kernel = array<i64: 2, 2>} : (tensor<1x2x7x7xf32>) -> tensor<1x2x6x6xf32>
  %1 = lcp.max_pool2d %x {kernel = array<i64: 2, 2>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x2x7x7xf32>) -> tensor<1x2x6x6xf32>
  // Floor mode: (7 - 2) / 2 + 1 = 3.
  // CHECK-NEXT: lcp.max_pool2d %[[X]] {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x2x7x7xf32>) -> tensor<1x2x3x3xf32>
  %2 = lcp.max_pool2d %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x2x7x7xf32>) -> tensor<1x2x3x3xf32>
  // Ceil mode: ceil((7 - 2) / 2) + 1 = 4.
  // CHECK-NEXT: lcp.max_pool2d %[[X]] {ceil_mode, kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x2x7x7xf32>) -> tensor<1x2x4x4xf32>
  %3 = lcp.max_pool2d %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, ceil_mode} : (tensor<1x2x7x7xf32>) -> tensor<1x2x4x4xf32>
  // Pads and dilations: rows (7 + 1 + 1 - 5) / 1 + 1 = 5, columns
  // (7 + 0 + 0 - 3) / 1 + 1 = 5.
  // CHECK-NEXT: lcp.max_pool2d %[[X]] {dilations = array<i64: 2, 1>, kernel = array<i64: 3, 3>, pads = array<i64: 1, 0, 1, 0>} : (tensor<1x2x7x7xf32>) -> tensor<1x2x5x5xf32>
  %4 = lcp.max_pool2d %x {kernel = array<i64: 3, 3>, pads = array<i64: 1, 0, 1, 0>, dilations = array<i64: 2, 1>} : (tensor<1x2x7x7xf32>) -> tensor<1x2x5x5xf32>
  return
}

// CHECK-LABEL: func.func @avg_pool2d
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x7x7xf32>, %[[Y:.*]]: tensor<1x1x5x5xf32>)
func.func @avg_pool2d(%x: tensor<1x2x7x7xf32>, %y: tensor<1x1x5x5xf32>) {
  // CHECK-NEXT: lcp.avg_pool2d %[[X]] {kernel = array<i64: 3, 3>} : (tensor<1x2x7x7xf32>) -> tensor<1x2x5x5xf32>
  %0 = lcp.avg_pool2d %x {kernel = array<i64: 3, 3>} : (tensor<1x2x7x7xf32>) -> tensor<1x2x5x5xf32>
  // CHECK-NEXT: lcp.avg_pool2d %[[X]] {kernel = array<i64: 3, 3>} : (tensor<1x2x7x7xf32>) -> tensor<1x2x5x5xf32>
  %1 = lcp.avg_pool2d %x {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x2x7x7xf32>) -> tensor<1x2x5x5xf32>
  // CHECK-NEXT: lcp.avg_pool2d %[[X]] {count_include_pad, kernel = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x2x7x7xf32>) -> tensor<1x2x7x7xf32>
  %2 = lcp.avg_pool2d %x {kernel = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, count_include_pad} : (tensor<1x2x7x7xf32>) -> tensor<1x2x7x7xf32>
  // Ceil mode: ceil((7 - 2) / 2) + 1 = 4.
  // CHECK-NEXT: lcp.avg_pool2d %[[X]] {ceil_mode, count_include_pad, kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x2x7x7xf32>) -> tensor<1x2x4x4xf32>
  %3 = lcp.avg_pool2d %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, ceil_mode, count_include_pad} : (tensor<1x2x7x7xf32>) -> tensor<1x2x4x4xf32>
  // Ceil mode drops a last window that would start in the bottom or right
  // padding: ceil((5 + 1 + 1 - 2) / 2) + 1 = 4, but the window at 3 * 2 = 6
  // starts after the input (1 + 5 = 6), so 3 remain.
  // CHECK-NEXT: lcp.avg_pool2d %[[Y]] {ceil_mode, kernel = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x1x5x5xf32>) -> tensor<1x1x3x3xf32>
  %4 = lcp.avg_pool2d %y {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, ceil_mode} : (tensor<1x1x5x5xf32>) -> tensor<1x1x3x3xf32>
  return
}

// CHECK-LABEL: func.func @normalization
// CHECK-SAME: (%[[X:.*]]: tensor<1x3x4x4xf32>, %[[P:.*]]: tensor<3xf32>, %[[V:.*]]: tensor<2x3xf32>)
func.func @normalization(%x: tensor<1x3x4x4xf32>, %p: tensor<3xf32>,
                         %v: tensor<2x3xf32>) {
  // CHECK-NEXT: lcp.global_avg_pool %[[X]] : (tensor<1x3x4x4xf32>) -> tensor<1x3x1x1xf32>
  %0 = lcp.global_avg_pool %x : (tensor<1x3x4x4xf32>) -> tensor<1x3x1x1xf32>
  // The default epsilon is elided.
  // CHECK-NEXT: lcp.batch_norm %[[X]], %[[P]], %[[P]], %[[P]], %[[P]] : (tensor<1x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<1x3x4x4xf32>
  %1 = lcp.batch_norm %x, %p, %p, %p, %p : (tensor<1x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<1x3x4x4xf32>
  // CHECK-NEXT: lcp.batch_norm %[[X]], %[[P]], %[[P]], %[[P]], %[[P]] : (tensor<1x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<1x3x4x4xf32>
  %2 = lcp.batch_norm %x, %p, %p, %p, %p {epsilon = 1.0e-5 : f32} : (tensor<1x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<1x3x4x4xf32>
  // Rank 2 input, explicit epsilon (zero is allowed).
  // CHECK-NEXT: lcp.batch_norm %[[V]], %[[P]], %[[P]], %[[P]], %[[P]] {epsilon = 0.000000e+00 : f32} : (tensor<2x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %3 = lcp.batch_norm %v, %p, %p, %p, %p {epsilon = 0.0 : f32} : (tensor<2x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // Only the required size; defaults written out are elided.
  // CHECK-NEXT: lcp.lrn %[[X]] {size = 3 : i64} : (tensor<1x3x4x4xf32>) -> tensor<1x3x4x4xf32>
  %4 = lcp.lrn %x {size = 3 : i64} : (tensor<1x3x4x4xf32>) -> tensor<1x3x4x4xf32>
  // CHECK-NEXT: lcp.lrn %[[X]] {size = 3 : i64} : (tensor<1x3x4x4xf32>) -> tensor<1x3x4x4xf32>
  %5 = lcp.lrn %x {size = 3 : i64, alpha = 1.0e-4 : f32, beta = 0.75 : f32, bias = 1.0 : f32} : (tensor<1x3x4x4xf32>) -> tensor<1x3x4x4xf32>
  // CHECK-NEXT: lcp.lrn %[[X]] {alpha = 2.000000e-04 : f32, beta = 5.000000e-01 : f32, bias = 2.000000e+00 : f32, size = 5 : i64} : (tensor<1x3x4x4xf32>) -> tensor<1x3x4x4xf32>
  %6 = lcp.lrn %x {size = 5 : i64, alpha = 2.0e-4 : f32, beta = 0.5 : f32, bias = 2.0 : f32} : (tensor<1x3x4x4xf32>) -> tensor<1x3x4x4xf32>
  return
}

// CHECK-LABEL: func.func @shapes
// CHECK-SAME: (%[[A:.*]]: tensor<1x2xf32>, %[[B:.*]]: tensor<1x3xf32>, %[[X:.*]]: tensor<1x2x3x4xf32>)
func.func @shapes(%a: tensor<1x2xf32>, %b: tensor<1x3xf32>,
                  %x: tensor<1x2x3x4xf32>) {
  // CHECK-NEXT: lcp.concat %[[A]] {axis = 0 : i64} : (tensor<1x2xf32>) -> tensor<1x2xf32>
  %0 = lcp.concat %a {axis = 0 : i64} : (tensor<1x2xf32>) -> tensor<1x2xf32>
  // CHECK-NEXT: lcp.concat %[[A]], %[[B]], %[[A]] {axis = 1 : i64} : (tensor<1x2xf32>, tensor<1x3xf32>, tensor<1x2xf32>) -> tensor<1x7xf32>
  %1 = lcp.concat %a, %b, %a {axis = 1 : i64} : (tensor<1x2xf32>, tensor<1x3xf32>, tensor<1x2xf32>) -> tensor<1x7xf32>
  // CHECK-NEXT: lcp.reshape %[[X]] : (tensor<1x2x3x4xf32>) -> tensor<1x24xf32>
  %2 = lcp.reshape %x : (tensor<1x2x3x4xf32>) -> tensor<1x24xf32>
  // CHECK-NEXT: lcp.reshape %[[A]] : (tensor<1x2xf32>) -> tensor<2xf32>
  %3 = lcp.reshape %a : (tensor<1x2xf32>) -> tensor<2xf32>
  // CHECK-NEXT: lcp.softmax %[[B]] {axis = 1 : i64} : (tensor<1x3xf32>) -> tensor<1x3xf32>
  %4 = lcp.softmax %b {axis = 1 : i64} : (tensor<1x3xf32>) -> tensor<1x3xf32>
  // CHECK-NEXT: lcp.softmax %[[B]] {axis = 0 : i64} : (tensor<1x3xf32>) -> tensor<1x3xf32>
  %5 = lcp.softmax %b {axis = 0 : i64} : (tensor<1x3xf32>) -> tensor<1x3xf32>
  return
}

// A whole LCP network: two branches (one placed on a device, one that
// yields two values) and the merge.

// CHECK-LABEL: func.func @network
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x4x4xf32>) -> tensor<1x3xf32>
func.func @network(%x: tensor<1x2x4x4xf32>) -> tensor<1x3xf32> {
  // CHECK-NEXT: %[[B0:.*]] = lcp.branch "b0"(%[[X]]) : (tensor<1x2x4x4xf32>) -> tensor<1x2xf32> {
  // CHECK-NEXT: ^bb0(%[[IN0:.*]]: tensor<1x2x4x4xf32>):
  // CHECK-NEXT:   %[[R:.*]] = lcp.relu %[[IN0]] : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  // CHECK-NEXT:   %[[G:.*]] = lcp.global_avg_pool %[[R]] : (tensor<1x2x4x4xf32>) -> tensor<1x2x1x1xf32>
  // CHECK-NEXT:   %[[F:.*]] = lcp.reshape %[[G]] : (tensor<1x2x1x1xf32>) -> tensor<1x2xf32>
  // CHECK-NEXT:   lcp.yield %[[F]] : tensor<1x2xf32>
  // CHECK-NEXT: }
  %b0 = lcp.branch "b0"(%x) : (tensor<1x2x4x4xf32>) -> tensor<1x2xf32> {
  ^bb0(%in: tensor<1x2x4x4xf32>):
    %r = lcp.relu %in : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
    %g = lcp.global_avg_pool %r : (tensor<1x2x4x4xf32>) -> tensor<1x2x1x1xf32>
    %f = lcp.reshape %g : (tensor<1x2x1x1xf32>) -> tensor<1x2xf32>
    lcp.yield %f : tensor<1x2xf32>
  }
  // CHECK-NEXT: %[[B1:.*]]:2 = lcp.branch "b1"(%[[X]]) {device = "cpu:1"} : (tensor<1x2x4x4xf32>) -> (tensor<1x1xf32>, tensor<1x1xf32>) {
  // CHECK-NEXT: ^bb0(%[[IN1:.*]]: tensor<1x2x4x4xf32>):
  // CHECK-NEXT:   %[[C:.*]] = lcp.constant dense<2.500000e-01> : tensor<1x32xf32>
  // CHECK-NEXT:   %[[F1:.*]] = lcp.reshape %[[IN1]] : (tensor<1x2x4x4xf32>) -> tensor<1x32xf32>
  // CHECK-NEXT:   %[[D:.*]] = lcp.dense %[[F1]], %[[C]] : (tensor<1x32xf32>, tensor<1x32xf32>) -> tensor<1x1xf32>
  // CHECK-NEXT:   lcp.yield %[[D]], %[[D]] : tensor<1x1xf32>, tensor<1x1xf32>
  // CHECK-NEXT: }
  %b1:2 = lcp.branch "b1"(%x) {device = "cpu:1"} : (tensor<1x2x4x4xf32>) -> (tensor<1x1xf32>, tensor<1x1xf32>) {
  ^bb0(%in: tensor<1x2x4x4xf32>):
    %c = lcp.constant dense<0.25> : tensor<1x32xf32>
    %f = lcp.reshape %in : (tensor<1x2x4x4xf32>) -> tensor<1x32xf32>
    %d = lcp.dense %f, %c : (tensor<1x32xf32>, tensor<1x32xf32>) -> tensor<1x1xf32>
    lcp.yield %d, %d : tensor<1x1xf32>, tensor<1x1xf32>
  }
  // CHECK-NEXT: %[[M:.*]] = lcp.merge "merge"(%[[B0]], %[[B1]]#0, %[[B1]]#1) : (tensor<1x2xf32>, tensor<1x1xf32>, tensor<1x1xf32>) -> tensor<1x3xf32> {
  // CHECK-NEXT: ^bb0(%[[M0:.*]]: tensor<1x2xf32>, %[[M1:.*]]: tensor<1x1xf32>, %[[M2:.*]]: tensor<1x1xf32>):
  // CHECK-NEXT:   %[[CAT:.*]] = lcp.concat %[[M0]], %[[M1]], %[[M2]] {axis = 1 : i64} : (tensor<1x2xf32>, tensor<1x1xf32>, tensor<1x1xf32>) -> tensor<1x4xf32>
  // CHECK-NEXT:   %[[W:.*]] = lcp.constant dense<1.000000e+00> : tensor<3x4xf32>
  // CHECK-NEXT:   %[[BIAS:.*]] = lcp.constant dense<[1.000000e+00, 2.000000e+00, 3.000000e+00]> : tensor<3xf32>
  // CHECK-NEXT:   %[[Y:.*]] = lcp.dense %[[CAT]], %[[W]], %[[BIAS]] : (tensor<1x4xf32>, tensor<3x4xf32>, tensor<3xf32>) -> tensor<1x3xf32>
  // CHECK-NEXT:   %[[P:.*]] = lcp.softmax %[[Y]] {axis = 1 : i64} : (tensor<1x3xf32>) -> tensor<1x3xf32>
  // CHECK-NEXT:   lcp.yield %[[P]] : tensor<1x3xf32>
  // CHECK-NEXT: }
  %m = lcp.merge "merge"(%b0, %b1#0, %b1#1) : (tensor<1x2xf32>, tensor<1x1xf32>, tensor<1x1xf32>) -> tensor<1x3xf32> {
  ^bb0(%p0: tensor<1x2xf32>, %p1: tensor<1x1xf32>, %p2: tensor<1x1xf32>):
    %cat = lcp.concat %p0, %p1, %p2 {axis = 1 : i64} : (tensor<1x2xf32>, tensor<1x1xf32>, tensor<1x1xf32>) -> tensor<1x4xf32>
    %w = lcp.constant dense<1.0> : tensor<3x4xf32>
    %bias = lcp.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
    %y = lcp.dense %cat, %w, %bias : (tensor<1x4xf32>, tensor<3x4xf32>, tensor<3xf32>) -> tensor<1x3xf32>
    %p = lcp.softmax %y {axis = 1 : i64} : (tensor<1x3xf32>) -> tensor<1x3xf32>
    lcp.yield %p : tensor<1x3xf32>
  }
  // CHECK-NEXT: return %[[M]] : tensor<1x3xf32>
  return %m : tensor<1x3xf32>
}

// A stem: the fused first layer of two branches, sliced back into each
// branch's channels.

// CHECK-LABEL: func.func @stem
func.func @stem(%x: tensor<1x1x4x4xf32>) -> (tensor<1x1x4x4xf32>, tensor<1x2x4x4xf32>) {
  // CHECK-NEXT: %[[S:.*]]:2 = lcp.stem "stem"(%{{.*}}) : (tensor<1x1x4x4xf32>) -> (tensor<1x1x4x4xf32>, tensor<1x2x4x4xf32>) {
  // CHECK-NEXT: ^bb0(%[[IN:.*]]: tensor<1x1x4x4xf32>):
  // CHECK-NEXT:   %[[W:.*]] = lcp.constant dense<5.000000e-01> : tensor<3x1x1x1xf32>
  // CHECK-NEXT:   %[[C:.*]] = lcp.conv2d %[[IN]], %[[W]] : (tensor<1x1x4x4xf32>, tensor<3x1x1x1xf32>) -> tensor<1x3x4x4xf32>
  // CHECK-NEXT:   %[[S0:.*]] = lcp.slice %[[C]] {offsets = array<i64: 0, 0, 0, 0>} : (tensor<1x3x4x4xf32>) -> tensor<1x1x4x4xf32>
  // CHECK-NEXT:   %[[S1:.*]] = lcp.slice %[[C]] {offsets = array<i64: 0, 1, 0, 0>} : (tensor<1x3x4x4xf32>) -> tensor<1x2x4x4xf32>
  // CHECK-NEXT:   lcp.yield %[[S0]], %[[S1]] : tensor<1x1x4x4xf32>, tensor<1x2x4x4xf32>
  // CHECK-NEXT: }
  %s:2 = lcp.stem "stem"(%x) : (tensor<1x1x4x4xf32>) -> (tensor<1x1x4x4xf32>, tensor<1x2x4x4xf32>) {
  ^bb0(%in: tensor<1x1x4x4xf32>):
    %w = lcp.constant dense<0.5> : tensor<3x1x1x1xf32>
    %c = lcp.conv2d %in, %w : (tensor<1x1x4x4xf32>, tensor<3x1x1x1xf32>) -> tensor<1x3x4x4xf32>
    %s0 = lcp.slice %c {offsets = array<i64: 0, 0, 0, 0>} : (tensor<1x3x4x4xf32>) -> tensor<1x1x4x4xf32>
    %s1 = lcp.slice %c {offsets = array<i64: 0, 1, 0, 0>} : (tensor<1x3x4x4xf32>) -> tensor<1x2x4x4xf32>
    lcp.yield %s0, %s1 : tensor<1x1x4x4xf32>, tensor<1x2x4x4xf32>
  }
  // CHECK-NEXT: return %[[S]]#0, %[[S]]#1
  return %s#0, %s#1 : tensor<1x1x4x4xf32>, tensor<1x2x4x4xf32>
}

// Units without inputs or results: the body has no arguments, and the yield
// has no operands.

// A model-parallel part, as --lcp-place makes it.
// CHECK-LABEL: func.func @part
func.func @part(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  // CHECK-NEXT: %[[P:.*]] = lcp.part "l0_p0"(%{{.*}}) {device = "d1"} : (tensor<1x2xf32>) -> tensor<1x2xf32> {
  // CHECK-NEXT: ^bb0(%[[A:.*]]: tensor<1x2xf32>):
  // CHECK-NEXT:   %[[R:.*]] = lcp.relu %[[A]]
  // CHECK-NEXT:   lcp.yield %[[R]] : tensor<1x2xf32>
  // CHECK-NEXT: }
  %0 = lcp.part "l0_p0"(%x) {device = "d1"} : (tensor<1x2xf32>) -> tensor<1x2xf32> {
  ^bb0(%a: tensor<1x2xf32>):
    %r = lcp.relu %a : (tensor<1x2xf32>) -> tensor<1x2xf32>
    lcp.yield %r : tensor<1x2xf32>
  }
  return %0 : tensor<1x2xf32>
}

// CHECK-LABEL: func.func @empty_units
func.func @empty_units() {
  // CHECK-NEXT: lcp.branch "nothing"() {device = "d0", replicas = ["d1"]} : () -> () {
  // CHECK-NEXT:   lcp.yield
  // CHECK-NEXT: }
  lcp.branch "nothing"() {device = "d0", replicas = ["d1"]} : () -> () {
    lcp.yield
  }
  // CHECK-NEXT: %[[C:.*]] = lcp.merge "m"() : () -> tensor<2xf32> {
  // CHECK-NEXT:   %[[V:.*]] = lcp.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
  // CHECK-NEXT:   lcp.yield %[[V]] : tensor<2xf32>
  // CHECK-NEXT: }
  %c = lcp.merge "m"() : () -> tensor<2xf32> {
    %v = lcp.constant dense<[1.0, 2.0]> : tensor<2xf32>
    lcp.yield %v : tensor<2xf32>
  }
  return
}

// Quantized tensors (upstream quant types) are accepted wherever f32 is; a
// quantized constant is a dense_resource blob of its storage type (i8: one
// byte per value).

// CHECK-LABEL: func.func @quantized
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x3x3x!quant.uniform<i8:f32, 5.000000e-01>>)
func.func @quantized(%x: tensor<1x2x3x3x!quant.uniform<i8:f32, 0.5>>) {
  // CHECK-NEXT: %[[Q:.*]] = lcp.constant dense_resource<qweight> : tensor<2x!quant.uniform<i8:f32, 2.500000e-01:-1>>
  %q = lcp.constant dense_resource<qweight> : tensor<2x!quant.uniform<i8:f32, 0.25:-1>>
  // CHECK-NEXT: lcp.relu %[[X]] : (tensor<1x2x3x3x!quant.uniform<i8:f32, 5.000000e-01>>) -> tensor<1x2x3x3x!quant.uniform<i8:f32, 5.000000e-01>>
  %0 = lcp.relu %x : (tensor<1x2x3x3x!quant.uniform<i8:f32, 0.5>>) -> tensor<1x2x3x3x!quant.uniform<i8:f32, 0.5>>
  // CHECK-NEXT: lcp.max_pool2d %[[X]] {kernel = array<i64: 2, 2>} : (tensor<1x2x3x3x!quant.uniform<i8:f32, 5.000000e-01>>) -> tensor<1x2x2x2x!quant.uniform<i8:f32, 5.000000e-01>>
  %1 = lcp.max_pool2d %x {kernel = array<i64: 2, 2>} : (tensor<1x2x3x3x!quant.uniform<i8:f32, 0.5>>) -> tensor<1x2x2x2x!quant.uniform<i8:f32, 0.5>>
  return
}

// The blobs of the dense_resource constants: alignment 4, then 1.0 and 2.0
// (f32); alignment 4, then 1 and -3 (i8).
// CHECK:      {-#
// CHECK-NEXT:   dialect_resources: {
// CHECK-NEXT:     builtin: {
// CHECK-NEXT:       weight: "0x040000000000803F00000040",
// CHECK-NEXT:       qweight: "0x0400000001FD"
// CHECK-NEXT:     }
// CHECK-NEXT:   }
// CHECK-NEXT: #-}

{-#
  dialect_resources: {
    builtin: {
      weight: "0x040000000000803F00000040",
      qweight: "0x0400000001FD"
    }
  }
#-}

// RUN: lcp-opt %s -split-input-file -verify-diagnostics

// Pins down the diagnostics of the lcp verifiers: one case for every message
// that LcpOps.cpp and the shape rules of ShapeInference.cpp can emit for
// .mlir input (the rank checks of the shape rules are unreachable here: ODS
// rejects a wrong rank first), with the full message text, plus the
// ODS-generated and trait checks that matter most (element type f32 or
// quantized, static shapes, rank, required attributes, region shape, the
// parent of lcp.yield, isolation of units).

//===----------------------------------------------------------------------===//
// lcp.branch, lcp.merge, lcp.yield
//===----------------------------------------------------------------------===//

func.func @branch_empty_id(%x: tensor<1x2xf32>) {
  // expected-error @+1 {{'lcp.branch' op needs a non-empty 'id'}}
  %0 = lcp.branch ""(%x) : (tensor<1x2xf32>) -> tensor<1x2xf32> {
  ^bb0(%a: tensor<1x2xf32>):
    lcp.yield %a : tensor<1x2xf32>
  }
  return
}

// -----

func.func @empty_device(%x: tensor<1x2xf32>) {
  // expected-error @+1 {{'lcp.branch' op has an empty 'device'}}
  %0 = lcp.branch "b0"(%x) {device = ""} : (tensor<1x2xf32>) -> tensor<1x2xf32> {
  ^bb0(%a: tensor<1x2xf32>):
    lcp.yield %a : tensor<1x2xf32>
  }
  return
}

// -----

func.func @replicas_without_device(%x: tensor<1x2xf32>) {
  // expected-error @+1 {{'lcp.merge' op has 'replicas' but no 'device'}}
  %0 = lcp.merge "m"(%x) {replicas = ["d1"]} : (tensor<1x2xf32>) -> tensor<1x2xf32> {
  ^bb0(%a: tensor<1x2xf32>):
    lcp.yield %a : tensor<1x2xf32>
  }
  return
}

// -----

func.func @replica_empty_name(%x: tensor<1x2xf32>) {
  // expected-error @+1 {{'lcp.branch' op has an empty name in 'replicas'}}
  %0 = lcp.branch "b0"(%x) {device = "d0", replicas = ["d1", ""]} : (tensor<1x2xf32>) -> tensor<1x2xf32> {
  ^bb0(%a: tensor<1x2xf32>):
    lcp.yield %a : tensor<1x2xf32>
  }
  return
}

// -----

func.func @replica_is_the_device(%x: tensor<1x2xf32>) {
  // expected-error @+1 {{'lcp.branch' op names device 'd0' twice in 'device' and 'replicas'}}
  %0 = lcp.branch "b0"(%x) {device = "d0", replicas = ["d1", "d0"]} : (tensor<1x2xf32>) -> tensor<1x2xf32> {
  ^bb0(%a: tensor<1x2xf32>):
    lcp.yield %a : tensor<1x2xf32>
  }
  return
}

// -----

func.func @replicas_not_strings(%x: tensor<1x2xf32>) {
  // expected-error @+1 {{'lcp.branch' op attribute 'replicas' failed to satisfy constraint: string array attribute}}
  %0 = lcp.branch "b0"(%x) {device = "d0", replicas = [1]} : (tensor<1x2xf32>) -> tensor<1x2xf32> {
  ^bb0(%a: tensor<1x2xf32>):
    lcp.yield %a : tensor<1x2xf32>
  }
  return
}

// -----

func.func @part_empty_id(%x: tensor<1x2xf32>) {
  // expected-error @+1 {{'lcp.part' op needs a non-empty 'id'}}
  %0 = lcp.part ""(%x) : (tensor<1x2xf32>) -> tensor<1x2xf32> {
  ^bb0(%a: tensor<1x2xf32>):
    lcp.yield %a : tensor<1x2xf32>
  }
  return
}

// -----

func.func @part_yield_types(%x: tensor<1x2xf32>) {
  // expected-error @+1 {{'lcp.part' op yields ('tensor<1x2xf32>') but its results are ('tensor<2x1xf32>')}}
  %0 = lcp.part "s0"(%x) {device = "d0"} : (tensor<1x2xf32>) -> tensor<2x1xf32> {
  ^bb0(%a: tensor<1x2xf32>):
    lcp.yield %a : tensor<1x2xf32>
  }
  return
}

// -----

func.func @part_not_isolated(%x: tensor<1x2xf32>) {
  // expected-note @+1 {{required by region isolation constraints}}
  %0 = lcp.part "s0"() : () -> tensor<1x2xf32> {
    // expected-error @+1 {{using value defined outside the region}}
    lcp.yield %x : tensor<1x2xf32>
  }
  return
}

// -----

func.func @merge_argument_count(%x: tensor<1x2xf32>) {
  // expected-error @+1 {{'lcp.merge' op body has 1 argument(s), but the op has 2 input(s)}}
  %0 = lcp.merge "m"(%x, %x) : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x2xf32> {
  ^bb0(%a: tensor<1x2xf32>):
    lcp.yield %a : tensor<1x2xf32>
  }
  return
}

// -----

func.func @branch_argument_type(%x: tensor<1x2xf32>) {
  // expected-error @+1 {{'lcp.branch' op body argument 1 has type 'tensor<1x3xf32>', but input 1 has type 'tensor<1x2xf32>'}}
  %0 = lcp.branch "b"(%x, %x) : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x2xf32> {
  ^bb0(%a: tensor<1x2xf32>, %b: tensor<1x3xf32>):
    lcp.yield %a : tensor<1x2xf32>
  }
  return
}

// -----

func.func @branch_yield_types(%x: tensor<1x2xf32>) {
  // expected-error @+1 {{'lcp.branch' op yields ('tensor<1x2xf32>', 'tensor<1x2xf32>') but its results are ('tensor<1x3xf32>')}}
  %0 = lcp.branch "b"(%x) : (tensor<1x2xf32>) -> tensor<1x3xf32> {
  ^bb0(%a: tensor<1x2xf32>):
    lcp.yield %a, %a : tensor<1x2xf32>, tensor<1x2xf32>
  }
  return
}

// -----

// The last op of the body is not a terminator.
func.func @branch_no_terminator(%x: tensor<1x2xf32>) {
  // expected-error @+1 {{'lcp.branch' op body must end in 'lcp.yield'}}
  %0 = lcp.branch "b"(%x) : (tensor<1x2xf32>) -> tensor<1x2xf32> {
  ^bb0(%a: tensor<1x2xf32>):
    %r = lcp.relu %a : (tensor<1x2xf32>) -> tensor<1x2xf32>
  }
  return
}

// -----

// The body ends in another dialect's terminator.
func.func @merge_wrong_terminator(%x: tensor<1x2xf32>) {
  // expected-error @+1 {{'lcp.merge' op body must end in 'lcp.yield'}}
  %0 = lcp.merge "m"(%x) : (tensor<1x2xf32>) -> tensor<1x2xf32> {
  ^bb0(%a: tensor<1x2xf32>):
    func.return %a : tensor<1x2xf32>
  }
  return
}

// -----

func.func @branch_empty_block(%x: tensor<1x2xf32>) {
  // expected-error @+1 {{'lcp.branch' op expects a non-empty block}}
  %0 = lcp.branch "b"(%x) : (tensor<1x2xf32>) -> tensor<1x2xf32> {
  ^bb0(%a: tensor<1x2xf32>):
  }
  return
}

// -----

func.func @branch_no_block() {
  // expected-error @+1 {{'lcp.branch' op region #0 ('body') failed to verify constraint: region with 1 blocks}}
  "lcp.branch"() <{id = "b"}> ({
  }) : () -> ()
  return
}

// -----

func.func @merge_two_blocks() {
  // expected-error @+1 {{'lcp.merge' op expects region #0 to have 0 or 1 blocks}}
  "lcp.merge"() <{id = "m"}> ({
    "lcp.yield"() : () -> ()
  ^bb1:
    "lcp.yield"() : () -> ()
  }) : () -> ()
  return
}

// -----

func.func @branch_not_isolated(%x: tensor<1x2xf32>) {
  // expected-note @+1 {{required by region isolation constraints}}
  %0 = lcp.branch "b"() : () -> tensor<1x2xf32> {
    // expected-error @+1 {{'lcp.relu' op using value defined outside the region}}
    %r = lcp.relu %x : (tensor<1x2xf32>) -> tensor<1x2xf32>
    lcp.yield %r : tensor<1x2xf32>
  }
  return
}

// -----

func.func @yield_outside_unit(%x: tensor<1x2xf32>) {
  // expected-error @+1 {{'lcp.yield' op expects parent op to be one of 'lcp.branch, lcp.merge, lcp.part, lcp.stem'}}
  lcp.yield %x : tensor<1x2xf32>
}

// -----

//===----------------------------------------------------------------------===//
// ODS type constraints and required attributes
//===----------------------------------------------------------------------===//

func.func @constant_not_f32() {
  // expected-error @+1 {{'lcp.constant' op result #0 must be statically shaped tensor of 32-bit float or QuantizedType values, but got 'tensor<2xi32>'}}
  %0 = lcp.constant dense<1> : tensor<2xi32>
  return
}

// -----

func.func @relu_dynamic_shape(%x: tensor<?x2xf32>) {
  // expected-error @+1 {{'lcp.relu' op operand #0 must be statically shaped tensor of 32-bit float or QuantizedType values, but got 'tensor<?x2xf32>'}}
  %0 = lcp.relu %x : (tensor<?x2xf32>) -> tensor<?x2xf32>
  return
}

// -----

func.func @conv2d_input_rank(%x: tensor<2x3x3xf32>, %w: tensor<1x2x3x3xf32>) {
  // expected-error @+1 {{'lcp.conv2d' op operand #0 must be statically shaped 4-D tensor of f32 or quantized values, but got 'tensor<2x3x3xf32>'}}
  %0 = lcp.conv2d %x, %w : (tensor<2x3x3xf32>, tensor<1x2x3x3xf32>) -> tensor<1x1x1x1xf32>
  return
}

// -----

func.func @constant_type_mismatch() {
  // expected-error @+1 {{'lcp.constant' op failed to verify that all of {value, output} have same type}}
  %0 = "lcp.constant"() <{value = dense<1.0> : tensor<2xf32>}> : () -> tensor<3xf32>
  return
}

// -----

func.func @avg_pool2d_no_kernel(%x: tensor<1x1x4x4xf32>) {
  // expected-error @+1 {{'lcp.avg_pool2d' op requires attribute 'kernel'}}
  %0 = lcp.avg_pool2d %x : (tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// lcp.constant
//===----------------------------------------------------------------------===//

// A sparse value is checked in constant-sparse.test: lcp refuses MLIR text
// with sparse<> before parsing it, so only bytecode reaches the verifier.

// MLIR has no numeric `dense` literal of a quant type: the parser makes
// strings of it and drops the numbers.
func.func @constant_strings() {
  // expected-error @+1 {{'lcp.constant' op value holds strings, not numbers (a quantized constant must be a dense_resource blob)}}
  %0 = lcp.constant dense<[1, -3]> : tensor<2x!quant.uniform<i8:f32, 5.000000e-01>>
  return
}

// -----

// The blob holds one f32 (after the 4-byte alignment), the type needs two.
func.func @constant_blob_size() {
  // expected-error @+1 {{'lcp.constant' op resource blob holds 4 bytes, type 'tensor<2xf32>' needs 8}}
  %0 = lcp.constant dense_resource<w> : tensor<2xf32>
  return
}

{-#
  dialect_resources: {
    builtin: {
      w: "0x040000000000803F"
    }
  }
#-}

// -----

// A quantized value takes the bytes of its storage type (i8 here): three
// bytes for two values.
func.func @constant_quantized_blob_size() {
  // expected-error @+1 {{'lcp.constant' op resource blob holds 3 bytes, type 'tensor<2x!quant.uniform<i8:f32, 5.000000e-01>>' needs 2}}
  %0 = lcp.constant dense_resource<q> : tensor<2x!quant.uniform<i8:f32, 0.5>>
  return
}

{-#
  dialect_resources: {
    builtin: {
      q: "0x0400000001FD07"
    }
  }
#-}

// -----

//===----------------------------------------------------------------------===//
// lcp.conv2d
//===----------------------------------------------------------------------===//

func.func @conv2d_strides_length(%x: tensor<1x1x4x4xf32>, %w: tensor<1x1x3x3xf32>) {
  // expected-error @+1 {{'lcp.conv2d' op 'strides' must have 2 values, got 3}}
  %0 = lcp.conv2d %x, %w {strides = array<i64: 1, 1, 1>} : (tensor<1x1x4x4xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x2x2xf32>
  return
}

// -----

func.func @conv2d_pads_length(%x: tensor<1x1x4x4xf32>, %w: tensor<1x1x3x3xf32>) {
  // expected-error @+1 {{'lcp.conv2d' op 'pads' must have 4 values, got 2}}
  %0 = lcp.conv2d %x, %w {pads = array<i64: 1, 1>} : (tensor<1x1x4x4xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x2x2xf32>
  return
}

// -----

func.func @conv2d_dilations_length(%x: tensor<1x1x4x4xf32>, %w: tensor<1x1x3x3xf32>) {
  // expected-error @+1 {{'lcp.conv2d' op 'dilations' must have 2 values, got 1}}
  %0 = lcp.conv2d %x, %w {dilations = array<i64: 1>} : (tensor<1x1x4x4xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x2x2xf32>
  return
}

// -----

func.func @conv2d_strides_positive(%x: tensor<1x1x4x4xf32>, %w: tensor<1x1x3x3xf32>) {
  // expected-error @+1 {{'lcp.conv2d' op 'strides' values must be positive, got 0}}
  %0 = lcp.conv2d %x, %w {strides = array<i64: 1, 0>} : (tensor<1x1x4x4xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x2x2xf32>
  return
}

// -----

func.func @conv2d_pads_negative(%x: tensor<1x1x4x4xf32>, %w: tensor<1x1x3x3xf32>) {
  // expected-error @+1 {{'lcp.conv2d' op 'pads' values must not be negative, got -1}}
  %0 = lcp.conv2d %x, %w {pads = array<i64: 0, 0, -1, 0>} : (tensor<1x1x4x4xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x2x2xf32>
  return
}

// -----

func.func @conv2d_dilations_positive(%x: tensor<1x1x4x4xf32>, %w: tensor<1x1x3x3xf32>) {
  // expected-error @+1 {{'lcp.conv2d' op 'dilations' values must be positive, got -2}}
  %0 = lcp.conv2d %x, %w {dilations = array<i64: -2, 1>} : (tensor<1x1x4x4xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x2x2xf32>
  return
}

// -----

func.func @conv2d_groups_positive(%x: tensor<1x1x4x4xf32>, %w: tensor<1x1x3x3xf32>) {
  // expected-error @+1 {{'lcp.conv2d' op 'groups' must be positive, got 0}}
  %0 = lcp.conv2d %x, %w {groups = 0 : i64} : (tensor<1x1x4x4xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x2x2xf32>
  return
}

// -----

func.func @conv2d_input_groups(%x: tensor<1x3x4x4xf32>, %w: tensor<2x1x3x3xf32>) {
  // expected-error @+1 {{'lcp.conv2d' op input has 3 channels, not divisible by 2 groups}}
  %0 = lcp.conv2d %x, %w {groups = 2 : i64} : (tensor<1x3x4x4xf32>, tensor<2x1x3x3xf32>) -> tensor<1x2x2x2xf32>
  return
}

// -----

func.func @conv2d_weight_groups(%x: tensor<1x4x4x4xf32>, %w: tensor<3x2x3x3xf32>) {
  // expected-error @+1 {{'lcp.conv2d' op weight has 3 output channels, not divisible by 2 groups}}
  %0 = lcp.conv2d %x, %w {groups = 2 : i64} : (tensor<1x4x4x4xf32>, tensor<3x2x3x3xf32>) -> tensor<1x3x2x2xf32>
  return
}

// -----

func.func @conv2d_weight_channels(%x: tensor<1x4x4x4xf32>, %w: tensor<2x4x3x3xf32>) {
  // expected-error @+1 {{'lcp.conv2d' op weight has 4 input channels per group, input has 4 channels in 2 group(s)}}
  %0 = lcp.conv2d %x, %w {groups = 2 : i64} : (tensor<1x4x4x4xf32>, tensor<2x4x3x3xf32>) -> tensor<1x2x2x2xf32>
  return
}

// -----

func.func @conv2d_bias_shape(%x: tensor<1x1x4x4xf32>, %w: tensor<2x1x3x3xf32>, %b: tensor<3xf32>) {
  // expected-error @+1 {{'lcp.conv2d' op bias must have shape 2, got 3}}
  %0 = lcp.conv2d %x, %w, %b : (tensor<1x1x4x4xf32>, tensor<2x1x3x3xf32>, tensor<3xf32>) -> tensor<1x2x2x2xf32>
  return
}

// -----

// A 3x3 kernel with dilation 2 spans 5 rows; the padded input has 4 + 0 + 0.
func.func @conv2d_kernel_does_not_fit(%x: tensor<1x1x4x4xf32>, %w: tensor<1x1x3x3xf32>) {
  // expected-error @+1 {{'lcp.conv2d' op kernel 3x3 (dilated) does not fit the padded input 1x1x4x4}}
  %0 = lcp.conv2d %x, %w {dilations = array<i64: 2, 1>} : (tensor<1x1x4x4xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x1x2xf32>
  return
}

// -----

func.func @conv2d_result_shape(%x: tensor<1x1x4x4xf32>, %w: tensor<2x1x3x3xf32>) {
  // expected-error @+1 {{'lcp.conv2d' op result shape 1x2x4x4 does not match the expected 1x2x2x2}}
  %0 = lcp.conv2d %x, %w : (tensor<1x1x4x4xf32>, tensor<2x1x3x3xf32>) -> tensor<1x2x4x4xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// lcp.dense, lcp.matmul, lcp.transpose
//===----------------------------------------------------------------------===//

func.func @dense_features(%x: tensor<2x4xf32>, %w: tensor<3x5xf32>) {
  // expected-error @+1 {{'lcp.dense' op weight has 5 input features, input has 4}}
  %0 = lcp.dense %x, %w : (tensor<2x4xf32>, tensor<3x5xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @dense_bias_shape(%x: tensor<2x4xf32>, %w: tensor<3x4xf32>, %b: tensor<4xf32>) {
  // expected-error @+1 {{'lcp.dense' op bias must have shape 3, got 4}}
  %0 = lcp.dense %x, %w, %b : (tensor<2x4xf32>, tensor<3x4xf32>, tensor<4xf32>) -> tensor<2x3xf32>
  return
}

// -----

// The result has the weight's first dimension (N), not its second (K).
func.func @dense_result_shape(%x: tensor<2x4xf32>, %w: tensor<3x4xf32>) {
  // expected-error @+1 {{'lcp.dense' op result shape 2x4 does not match the expected 2x3}}
  %0 = lcp.dense %x, %w : (tensor<2x4xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  return
}

// -----

func.func @matmul_rank(%a: tensor<3xf32>, %b: tensor<3x4xf32>) {
  // expected-error @+1 {{'lcp.matmul' op operands must have rank 2 or more, got 3 and 3x4}}
  %0 = lcp.matmul %a, %b : (tensor<3xf32>, tensor<3x4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @matmul_inner(%a: tensor<2x3xf32>, %b: tensor<4x5xf32>) {
  // expected-error @+1 {{'lcp.matmul' op lhs has 3 columns, rhs has 4 rows}}
  %0 = lcp.matmul %a, %b : (tensor<2x3xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
  return
}

// -----

func.func @matmul_batch(%a: tensor<2x4x3xf32>, %b: tensor<3x3x5xf32>) {
  // expected-error @+1 {{'lcp.matmul' op batch dimensions of 2x4x3 and 3x3x5: shapes 2 and 3 do not broadcast}}
  %0 = lcp.matmul %a, %b : (tensor<2x4x3xf32>, tensor<3x3x5xf32>) -> tensor<2x4x5xf32>
  return
}

// -----

func.func @matmul_result_shape(%a: tensor<1x2x3xf32>, %b: tensor<4x3x5xf32>) {
  // expected-error @+1 {{'lcp.matmul' op result shape 1x2x5 does not match the expected 4x2x5}}
  %0 = lcp.matmul %a, %b : (tensor<1x2x3xf32>, tensor<4x3x5xf32>) -> tensor<1x2x5xf32>
  return
}

// -----

func.func @transpose_perm_length(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'lcp.transpose' op 'perm' has 3 entries, input has rank 2}}
  %0 = lcp.transpose %x {perm = array<i64: 1, 0, 2>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return
}

// -----

func.func @transpose_not_permutation(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'lcp.transpose' op 'perm' is not a permutation of [0, 2)}}
  %0 = lcp.transpose %x {perm = array<i64: 1, 1>} : (tensor<2x3xf32>) -> tensor<3x3xf32>
  return
}

// -----

func.func @transpose_result_shape(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'lcp.transpose' op result shape 2x3 does not match the expected 3x2}}
  %0 = lcp.transpose %x {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// Elementwise ops
//===----------------------------------------------------------------------===//

func.func @add_broadcast(%a: tensor<2x3xf32>, %b: tensor<2xf32>) {
  // expected-error @+1 {{'lcp.add' op shapes 2x3 and 2 do not broadcast}}
  %0 = lcp.add %a, %b : (tensor<2x3xf32>, tensor<2xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @add_result_shape(%a: tensor<2x1xf32>, %b: tensor<3xf32>) {
  // expected-error @+1 {{'lcp.add' op result shape 2x1 does not match the expected 2x3}}
  %0 = lcp.add %a, %b : (tensor<2x1xf32>, tensor<3xf32>) -> tensor<2x1xf32>
  return
}

// -----

func.func @mul_broadcast(%a: tensor<4x1xf32>, %b: tensor<2x3xf32>) {
  // expected-error @+1 {{'lcp.mul' op shapes 4x1 and 2x3 do not broadcast}}
  %0 = lcp.mul %a, %b : (tensor<4x1xf32>, tensor<2x3xf32>) -> tensor<4x3xf32>
  return
}

// -----

// Broadcasting a scalar with a scalar gives a scalar.
func.func @mul_result_shape(%a: tensor<f32>) {
  // expected-error @+1 {{'lcp.mul' op result shape 1 does not match the expected scalar}}
  %0 = lcp.mul %a, %a : (tensor<f32>, tensor<f32>) -> tensor<1xf32>
  return
}

// -----

func.func @relu_result_shape(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'lcp.relu' op result shape 3x2 does not match the expected 2x3}}
  %0 = lcp.relu %x : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return
}

// -----

func.func @clip_min_above_max(%x: tensor<2xf32>) {
  // expected-error @+1 {{'lcp.clip' op 'min' (1.000000e+00) is greater than 'max' (5.000000e-01)}}
  %0 = lcp.clip %x {min = 1.0 : f32, max = 0.5 : f32} : (tensor<2xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @clip_min_nan(%x: tensor<2xf32>) {
  // expected-error @+1 {{'lcp.clip' op 'min' must be a number, got NaN}}
  %0 = lcp.clip %x {min = 0x7FC00000 : f32, max = 6.0 : f32} : (tensor<2xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @clip_max_nan(%x: tensor<2xf32>) {
  // expected-error @+1 {{'lcp.clip' op 'max' must be a number, got NaN}}
  %0 = lcp.clip %x {max = 0x7FC00000 : f32} : (tensor<2xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @clip_result_shape(%x: tensor<2xf32>) {
  // expected-error @+1 {{'lcp.clip' op result shape 1x2 does not match the expected 2}}
  %0 = lcp.clip %x {min = 0.0 : f32} : (tensor<2xf32>) -> tensor<1x2xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

func.func @max_pool2d_kernel_length(%x: tensor<1x1x4x4xf32>) {
  // expected-error @+1 {{'lcp.max_pool2d' op 'kernel' must have 2 values, got 1}}
  %0 = lcp.max_pool2d %x {kernel = array<i64: 2>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x3x3xf32>
  return
}

// -----

func.func @max_pool2d_kernel_positive(%x: tensor<1x1x4x4xf32>) {
  // expected-error @+1 {{'lcp.max_pool2d' op 'kernel' values must be positive, got 0}}
  %0 = lcp.max_pool2d %x {kernel = array<i64: 2, 0>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x3x3xf32>
  return
}

// -----

// A 2x2 window with dilation 4 spans 5 columns; the input has 4.
func.func @max_pool2d_window_does_not_fit(%x: tensor<1x1x4x4xf32>) {
  // expected-error @+1 {{'lcp.max_pool2d' op window 2x2 does not fit the padded input 1x1x4x4}}
  %0 = lcp.max_pool2d %x {kernel = array<i64: 2, 2>, dilations = array<i64: 1, 4>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x3x1xf32>
  return
}

// -----

// Without ceil_mode the output size rounds down: (5 - 2) / 2 + 1 = 2.
func.func @max_pool2d_result_shape(%x: tensor<1x1x5x5xf32>) {
  // expected-error @+1 {{'lcp.max_pool2d' op result shape 1x1x3x3 does not match the expected 1x1x2x2}}
  %0 = lcp.max_pool2d %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x1x5x5xf32>) -> tensor<1x1x3x3xf32>
  return
}

// -----

// With its padding the input is 4x4 (one row on top, one column on the
// right), still smaller than the 5x5 window.
func.func @avg_pool2d_window_does_not_fit(%x: tensor<1x1x3x3xf32>) {
  // expected-error @+1 {{'lcp.avg_pool2d' op window 5x5 does not fit the padded input 1x1x3x3}}
  %0 = lcp.avg_pool2d %x {kernel = array<i64: 5, 5>, pads = array<i64: 1, 0, 0, 1>} : (tensor<1x1x3x3xf32>) -> tensor<1x1x1x1xf32>
  return
}

// -----

// With ceil_mode, ceil((5 + 1 + 1 - 2) / 2) + 1 = 4, but the last window
// would start in the bottom/right padding and is dropped: 3, not 4.
func.func @avg_pool2d_result_shape(%x: tensor<1x1x5x5xf32>) {
  // expected-error @+1 {{'lcp.avg_pool2d' op result shape 1x1x4x4 does not match the expected 1x1x3x3}}
  %0 = lcp.avg_pool2d %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, ceil_mode} : (tensor<1x1x5x5xf32>) -> tensor<1x1x4x4xf32>
  return
}

// -----

func.func @global_avg_pool_result_shape(%x: tensor<1x3x4x4xf32>) {
  // expected-error @+1 {{'lcp.global_avg_pool' op result shape 1x3x4x4 does not match the expected 1x3x1x1}}
  %0 = lcp.global_avg_pool %x : (tensor<1x3x4x4xf32>) -> tensor<1x3x4x4xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// Normalization
//===----------------------------------------------------------------------===//

func.func @batch_norm_epsilon_negative(%x: tensor<1x2xf32>, %p: tensor<2xf32>) {
  // expected-error @+1 {{'lcp.batch_norm' op 'epsilon' must be a non-negative number, got -1.000000e-03}}
  %0 = lcp.batch_norm %x, %p, %p, %p, %p {epsilon = -1.0e-3 : f32} : (tensor<1x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  return
}

// -----

func.func @batch_norm_epsilon_nan(%x: tensor<1x2xf32>, %p: tensor<2xf32>) {
  // expected-error @+1 {{'lcp.batch_norm' op 'epsilon' must be a non-negative number, got nan}}
  %0 = lcp.batch_norm %x, %p, %p, %p, %p {epsilon = 0x7FC00000 : f32} : (tensor<1x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  return
}

// -----

func.func @batch_norm_input_rank(%x: tensor<2xf32>, %p: tensor<2xf32>) {
  // expected-error @+1 {{'lcp.batch_norm' op input must have rank 2 or more, got 2}}
  %0 = lcp.batch_norm %x, %p, %p, %p, %p : (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @batch_norm_scale_shape(%x: tensor<1x2x3x3xf32>, %p: tensor<2xf32>, %q: tensor<3xf32>) {
  // expected-error @+1 {{'lcp.batch_norm' op 'scale' must have shape 2 (the input's channels), got 3}}
  %0 = lcp.batch_norm %x, %q, %p, %p, %p : (tensor<1x2x3x3xf32>, tensor<3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  return
}

// -----

// The message names the offending parameter, here the last one.
func.func @batch_norm_variance_shape(%x: tensor<1x2x3x3xf32>, %p: tensor<2xf32>, %q: tensor<3xf32>) {
  // expected-error @+1 {{'lcp.batch_norm' op 'variance' must have shape 2 (the input's channels), got 3}}
  %0 = lcp.batch_norm %x, %p, %p, %p, %q : (tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<3xf32>) -> tensor<1x2x3x3xf32>
  return
}

// -----

func.func @batch_norm_result_shape(%x: tensor<1x2x3x3xf32>, %p: tensor<2xf32>) {
  // expected-error @+1 {{'lcp.batch_norm' op result shape 1x2x9 does not match the expected 1x2x3x3}}
  %0 = lcp.batch_norm %x, %p, %p, %p, %p : (tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x9xf32>
  return
}

// -----

func.func @lrn_size_positive(%x: tensor<1x2x3x3xf32>) {
  // expected-error @+1 {{'lcp.lrn' op 'size' must be positive, got 0}}
  %0 = lcp.lrn %x {size = 0 : i64} : (tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  return
}

// -----

func.func @lrn_result_shape(%x: tensor<1x2x3x3xf32>) {
  // expected-error @+1 {{'lcp.lrn' op result shape 1x2x3x4 does not match the expected 1x2x3x3}}
  %0 = lcp.lrn %x {size = 3 : i64} : (tensor<1x2x3x3xf32>) -> tensor<1x2x3x4xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// lcp.concat, lcp.reshape, lcp.softmax
//===----------------------------------------------------------------------===//

func.func @concat_no_inputs() {
  // expected-error @+1 {{'lcp.concat' op needs at least one input}}
  %0 = lcp.concat {axis = 0 : i64} : () -> tensor<1xf32>
  return
}

// -----

func.func @concat_axis(%a: tensor<1x2xf32>) {
  // expected-error @+1 {{'lcp.concat' op axis 2 is out of range for rank 2}}
  %0 = lcp.concat %a, %a {axis = 2 : i64} : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x4xf32>
  return
}

// -----

func.func @concat_ranks(%a: tensor<1x2xf32>, %b: tensor<2xf32>) {
  // expected-error @+1 {{'lcp.concat' op inputs have different ranks: 1x2 and 2}}
  %0 = lcp.concat %a, %b {axis = 1 : i64} : (tensor<1x2xf32>, tensor<2xf32>) -> tensor<1x4xf32>
  return
}

// -----

func.func @concat_other_dimension(%a: tensor<1x2xf32>, %b: tensor<2x2xf32>) {
  // expected-error @+1 {{'lcp.concat' op inputs 1x2 and 2x2 differ in dimension 0, which is not the concatenation axis 1}}
  %0 = lcp.concat %a, %b {axis = 1 : i64} : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x4xf32>
  return
}

// -----

func.func @concat_result_shape(%a: tensor<1x2xf32>, %b: tensor<1x3xf32>) {
  // expected-error @+1 {{'lcp.concat' op result shape 1x6 does not match the expected 1x5}}
  %0 = lcp.concat %a, %b {axis = 1 : i64} : (tensor<1x2xf32>, tensor<1x3xf32>) -> tensor<1x6xf32>
  return
}

// -----

func.func @reshape_elements(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'lcp.reshape' op cannot reshape 2x3 (6 elements) to 4 (4 elements)}}
  %0 = lcp.reshape %x : (tensor<2x3xf32>) -> tensor<4xf32>
  return
}

// -----

// Negative axes are not accepted (the importer normalizes them).
func.func @softmax_axis(%x: tensor<1x3xf32>) {
  // expected-error @+1 {{'lcp.softmax' op axis -1 is out of range for rank 2}}
  %0 = lcp.softmax %x {axis = -1 : i64} : (tensor<1x3xf32>) -> tensor<1x3xf32>
  return
}

// -----

func.func @softmax_result_shape(%x: tensor<1x3xf32>) {
  // expected-error @+1 {{'lcp.softmax' op result shape 3 does not match the expected 1x3}}
  %0 = lcp.softmax %x {axis = 1 : i64} : (tensor<1x3xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @pool_pad_covers_window(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x6x4xf32> {
  // expected-error @+1 {{'lcp.avg_pool2d' op pad 2 is not smaller than the window 2, so a window could hold no input element to average}}
  %y = lcp.avg_pool2d %x {kernel = array<i64: 2, 2>, pads = array<i64: 2, 0, 0, 0>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x6x4xf32>
  return %y : tensor<1x1x6x4xf32>
}

// -----

func.func @stem_id(%x: tensor<1x2xf32>) {
  // expected-error @+1 {{'lcp.stem' op needs a non-empty 'id'}}
  %0 = lcp.stem ""(%x) : (tensor<1x2xf32>) -> tensor<1x2xf32> {
  ^bb0(%in: tensor<1x2xf32>):
    lcp.yield %in : tensor<1x2xf32>
  }
  return
}

// -----

func.func @slice_rank(%x: tensor<1x4xf32>) {
  // expected-error @+1 {{'lcp.slice' op result rank 1 differs from the input's 2}}
  %0 = lcp.slice %x {offsets = array<i64: 0, 0>} : (tensor<1x4xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @slice_offsets(%x: tensor<1x4xf32>) {
  // expected-error @+1 {{'lcp.slice' op has 1 offsets for an input of rank 2}}
  %0 = lcp.slice %x {offsets = array<i64: 0>} : (tensor<1x4xf32>) -> tensor<1x2xf32>
  return
}

// -----

func.func @slice_outside(%x: tensor<1x4xf32>) {
  // expected-error @+1 {{'lcp.slice' op box 1x2 at offsets [0, 3] leaves the input 1x4 in dimension 1}}
  %0 = lcp.slice %x {offsets = array<i64: 0, 3>} : (tensor<1x4xf32>) -> tensor<1x2xf32>
  return
}

// -----

func.func @slice_negative(%x: tensor<1x4xf32>) {
  // expected-error @+1 {{'lcp.slice' op box 1x2 at offsets [0, -1] leaves the input 1x4 in dimension 1}}
  %0 = lcp.slice %x {offsets = array<i64: 0, -1>} : (tensor<1x4xf32>) -> tensor<1x2xf32>
  return
}

// -----

func.func @quantize_to_float(%x: tensor<1x2xf32>) {
  // expected-error @+1 {{'lcp.quantize' op result must have a per-tensor !quant.uniform type of i8 or i16 expressed in f32, not 'f32'}}
  %0 = lcp.quantize %x : (tensor<1x2xf32>) -> tensor<1x2xf32>
  return
}

// -----

func.func @quantize_per_axis(%x: tensor<1x2xf32>) {
  // expected-error @+1 {{'lcp.quantize' op result must have a per-tensor !quant.uniform type of i8 or i16 expressed in f32, not '!quant.uniform<i8:f32:1, {1.000000e-01,2.000000e-01}>'}}
  %0 = lcp.quantize %x : (tensor<1x2xf32>) -> tensor<1x2x!quant.uniform<i8:f32:1, {0.1, 0.2}>>
  return
}

// -----

func.func @quantize_unsigned(%x: tensor<1x2xf32>) {
  // expected-error @+1 {{'lcp.quantize' op result must have a per-tensor !quant.uniform type of i8 or i16 expressed in f32, not '!quant.uniform<u8:f32, 1.000000e-01>'}}
  %0 = lcp.quantize %x : (tensor<1x2xf32>) -> tensor<1x2x!quant.uniform<u8:f32, 0.1>>
  return
}

// -----

func.func @quantize_shape(%x: tensor<1x2xf32>) {
  // expected-error @+1 {{'lcp.quantize' op result shape 2 differs from the input's 1x2}}
  %0 = lcp.quantize %x : (tensor<1x2xf32>) -> tensor<2x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

func.func @dequantize_float(%x: tensor<1x2xf32>) {
  // expected-error @+1 {{'lcp.dequantize' op input must have a per-tensor !quant.uniform type of i8 or i16 expressed in f32, not 'f32'}}
  %0 = lcp.dequantize %x : (tensor<1x2xf32>) -> tensor<1x2xf32>
  return
}

// -----

func.func @dequantize_to_int(%x: tensor<1x2x!quant.uniform<i8:f32, 0.1>>) {
  // expected-error @+1 {{'lcp.dequantize' op result must be f32, not '!quant.uniform<i8:f32, 2.000000e-01>'}}
  %0 = lcp.dequantize %x : (tensor<1x2x!quant.uniform<i8:f32, 0.1>>) -> tensor<1x2x!quant.uniform<i8:f32, 0.2>>
  return
}

// -----

func.func @requantize_ratio(%x: tensor<1x2x!quant.uniform<i8:f32, 1.0>>) {
  // expected-error @+1 {{'lcp.requantize' op scale ratio 1.000000e+10 cannot be requantized: the multiplier is 2^30 or more (k would be below 1)}}
  %0 = lcp.requantize %x : (tensor<1x2x!quant.uniform<i8:f32, 1.0>>) -> tensor<1x2x!quant.uniform<i8:f32, 1.0e-10>>
  return
}

// RUN: lcp-opt %s --lcp-plan-halide-schedule --mlir-print-local-scope | FileCheck %s
// RUN: lcp-opt %s --lcp-plan-halide-schedule="lanes=4 registers=32" --mlir-print-local-scope | FileCheck %s --check-prefix=NEON
// RUN: not lcp-opt %s --lcp-plan-halide-schedule="lanes=0" -o /dev/null 2>&1 | FileCheck %s --check-prefix=BAD

// The Halide schedule plan (Passes.td, PlanHalideSchedule) written on the
// ops, for the default vector unit (8 lanes, 16 registers) and for a NEON
// one (4 lanes, 32 registers).

// The 3x3 convolution's rows are 5 wide, 5/8 of a vector: lanes go across
// its 16 output channels (72 taps, weights of its own), in tiles of two
// vectors by the whole row, which the 13 free registers hold (2 x 5 = 10
// accumulators); with 4 lanes, 4 vectors of 4 by 5 columns fill 20 of the
// 26. Its tiles compute the relu after it, and the pool, whose 2x2 windows
// do not overlap, computes the tiles band by band.
// CHECK-LABEL: func.func @plan
// CHECK:  lcp.conv2d {{.*}}lcp.halide_schedule = {columns = 5 : i64, epilogue = 1 : i64, lanes = "channels", vector_lanes = 8 : i64, vectors = 2 : i64}
// CHECK:  lcp.max_pool2d {{.*}}lcp.halide_schedule = {band_rows = 2 : i64}
// NEON:   lcp.conv2d {{.*}}lcp.halide_schedule = {columns = 5 : i64, epilogue = 1 : i64, lanes = "channels", vector_lanes = 4 : i64, vectors = 4 : i64}
// NEON:   lcp.max_pool2d {{.*}}lcp.halide_schedule = {band_rows = 2 : i64}

// A 1x1 convolution (8 taps) keeps lanes across columns, in blocks of its 4
// channels. Its chain and the 3x3 convolution's meet at the residual add:
// the later convolution computes add and relu (2 ops), the earlier none.
// The 3x3 pool after them has overlapping windows: no bands.
// CHECK:  lcp.conv2d {{.*}}lcp.halide_schedule = {channel_block = 4 : i64, epilogue = 0 : i64, lanes = "columns"}
// CHECK:  lcp.conv2d {{.*}}lcp.halide_schedule = {channel_block = 4 : i64, epilogue = 2 : i64, lanes = "columns"}
// CHECK:  lcp.max_pool2d
// CHECK-NOT: lcp.halide_schedule
// CHECK-SAME: -> tensor<1x4x2x2xf32>

// Two convolutions that share their weights keep them in the layout both
// read: lanes across columns, in blocks of 8 of their 16 channels.
// CHECK:  lcp.conv2d {{.*}}lcp.halide_schedule = {channel_block = 8 : i64, epilogue = 0 : i64, lanes = "columns"}
// CHECK:  lcp.conv2d {{.*}}lcp.halide_schedule = {channel_block = 8 : i64, epilogue = 0 : i64, lanes = "columns"}

// BAD: error: --lcp-plan-halide-schedule needs lanes >= 1 and registers >= 1

func.func @plan(%x: tensor<1x8x5x5xf32>) -> (tensor<1x16x2x2xf32>, tensor<1x4x2x2xf32>, tensor<1x16x5x5xf32>, tensor<1x16x5x5xf32>) {
  %w0 = lcp.constant dense<0.5> : tensor<16x8x3x3xf32>
  %b0 = lcp.constant dense<0.1> : tensor<16xf32>
  %c0 = lcp.conv2d %x, %w0, %b0 {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x8x5x5xf32>, tensor<16x8x3x3xf32>, tensor<16xf32>) -> tensor<1x16x5x5xf32>
  %r0 = lcp.relu %c0 : (tensor<1x16x5x5xf32>) -> tensor<1x16x5x5xf32>
  %p0 = lcp.max_pool2d %r0 {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x16x5x5xf32>) -> tensor<1x16x2x2xf32>
  %w1 = lcp.constant dense<0.5> : tensor<4x8x1x1xf32>
  %c1 = lcp.conv2d %x, %w1 : (tensor<1x8x5x5xf32>, tensor<4x8x1x1xf32>) -> tensor<1x4x5x5xf32>
  %w2 = lcp.constant dense<0.5> : tensor<4x8x3x3xf32>
  %c2 = lcp.conv2d %x, %w2 {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x8x5x5xf32>, tensor<4x8x3x3xf32>) -> tensor<1x4x5x5xf32>
  %s = lcp.add %c1, %c2 : (tensor<1x4x5x5xf32>, tensor<1x4x5x5xf32>) -> tensor<1x4x5x5xf32>
  %r1 = lcp.relu %s : (tensor<1x4x5x5xf32>) -> tensor<1x4x5x5xf32>
  %p1 = lcp.max_pool2d %r1 {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>} : (tensor<1x4x5x5xf32>) -> tensor<1x4x2x2xf32>
  %w3 = lcp.constant dense<0.5> : tensor<16x8x3x3xf32>
  %c3 = lcp.conv2d %x, %w3 {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x8x5x5xf32>, tensor<16x8x3x3xf32>) -> tensor<1x16x5x5xf32>
  %c4 = lcp.conv2d %x, %w3 {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x8x5x5xf32>, tensor<16x8x3x3xf32>) -> tensor<1x16x5x5xf32>
  return %p0, %p1, %c3, %c4 : tensor<1x16x2x2xf32>, tensor<1x4x2x2xf32>, tensor<1x16x5x5xf32>, tensor<1x16x5x5xf32>
}

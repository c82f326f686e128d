// RUN: lcp-opt %s --lcp-emit-halide -o /dev/null | FileCheck %s
// RUN: lcp-opt %s --lcp-emit-halide | FileCheck %s --check-prefix=IR

// The Halide printer on its own: it prints the schedule written on the ops
// (here by hand, not by the planner) and decides nothing. Each unit is one
// generator named as in a package.

func.func @main(%x: tensor<1x8x6x6xf32>) -> tensor<1x2xf32> {
  // Lanes across channels: weights stored output channels innermost and
  // read w(c, kw, kh, in); tiles of 2 vectors of 4 lanes by 3 columns
  // that compute the relu (epilogue = 1); the average pool computes them
  // in bands of 3 rows.
  // CHECK-LABEL: class lcp_unit_b0_generator
  // CHECK:       Input<Buffer<float, 4>> [[W:w[0-9]+]]{"[[W]]"}; // stored [in][kh][kw][out]
  // CHECK:       [[CONV:conv[0-9]+]](x, y, c, n) += [[W]](c, [[R:r[0-9]+]].x, [[R]].y, [[R]].z) *
  // CHECK:       [[RELU:relu[0-9]+]](x, y, c, n) = max([[CONV]](x, y, c, n), 0.0f);
  // CHECK:       [[POOL:avgpool[0-9]+]](x, y, c, n) =
  // CHECK:       // Schedule.
  // CHECK:       [[POOL]].compute_root().split(y, [[POOL]]_yo, [[POOL]]_yi, 3, TailStrategy::GuardWithIf)
  // CHECK-NEXT:  Var [[CONV]]_xo, [[CONV]]_xi, [[CONV]]_co, [[CONV]]_ci, [[CONV]]_rows;
  // CHECK-NEXT:  [[RELU]].compute_at([[POOL]], [[POOL]]_yo).split(x, [[CONV]]_xo, [[CONV]]_xi, 3, TailStrategy::GuardWithIf).split(c, [[CONV]]_co, [[CONV]]_ci, 8).{{.*}}.vectorize([[CONV]]_ci, 4)
  // CHECK-NEXT:  [[CONV]].compute_at([[RELU]], [[CONV]]_xo).reorder_storage(c, x, y, n)
  %b0 = lcp.branch "b0"(%x) : (tensor<1x8x6x6xf32>) -> tensor<1x1xf32> {
  ^bb0(%in: tensor<1x8x6x6xf32>):
    %w = lcp.constant dense<0.5> : tensor<8x8x3x3xf32>
    %c = lcp.conv2d %in, %w {pads = array<i64: 1, 1, 1, 1>, lcp.halide_schedule = {lanes = "channels", vector_lanes = 4, vectors = 2, columns = 3, epilogue = 1}} : (tensor<1x8x6x6xf32>, tensor<8x8x3x3xf32>) -> tensor<1x8x6x6xf32>
    %r = lcp.relu %c : (tensor<1x8x6x6xf32>) -> tensor<1x8x6x6xf32>
    %p = lcp.avg_pool2d %r {kernel = array<i64: 6, 6>, strides = array<i64: 6, 6>, lcp.halide_schedule = {band_rows = 3}} : (tensor<1x8x6x6xf32>) -> tensor<1x8x1x1xf32>
    %s = lcp.slice %p {offsets = array<i64: 0, 0, 0, 0>} : (tensor<1x8x1x1xf32>) -> tensor<1x1x1x1xf32>
    %f = lcp.reshape %s : (tensor<1x1x1x1xf32>) -> tensor<1x1xf32>
    lcp.yield %f : tensor<1x1xf32>
  }
  // Lanes across columns in blocks of 2 channels, no epilogue: the relu is
  // not in the tiles, which wrap the convolution (conv.in()), and nothing
  // is banded.
  // CHECK-LABEL: class lcp_unit_b1_generator
  // CHECK:       Input<Buffer<float, 4>> [[W:w[0-9]+]]{"[[W]]"};{{$}}
  // CHECK:       [[CONV:conv[0-9]+]](x, y, c, n) += [[W]]([[R:r[0-9]+]].x, [[R]].y, [[R]].z, c) *
  // CHECK:       // Schedule.
  // CHECK:       Func [[CONV]]_tile = [[CONV]].in();
  // CHECK-NEXT:  [[CONV]]_tile.compute_root().split(x, [[CONV]]_xo, [[CONV]]_xi, vec, TailStrategy::GuardWithIf).split(c, [[CONV]]_co, [[CONV]]_ci, 2)
  // CHECK-NOT:   _yo
  // CHECK-LABEL: class lcp_unit_merge_generator
  %b1 = lcp.branch "b1"(%x) : (tensor<1x8x6x6xf32>) -> tensor<1x1xf32> {
  ^bb0(%in: tensor<1x8x6x6xf32>):
    %w = lcp.constant dense<0.5> : tensor<2x8x1x1xf32>
    %c = lcp.conv2d %in, %w {lcp.halide_schedule = {lanes = "columns", channel_block = 2, epilogue = 0}} : (tensor<1x8x6x6xf32>, tensor<2x8x1x1xf32>) -> tensor<1x2x6x6xf32>
    %r = lcp.relu %c : (tensor<1x2x6x6xf32>) -> tensor<1x2x6x6xf32>
    %p = lcp.max_pool2d %r {kernel = array<i64: 6, 6>, strides = array<i64: 6, 6>} : (tensor<1x2x6x6xf32>) -> tensor<1x2x1x1xf32>
    %s = lcp.slice %p {offsets = array<i64: 0, 0, 0, 0>} : (tensor<1x2x1x1xf32>) -> tensor<1x1x1x1xf32>
    %f = lcp.reshape %s : (tensor<1x1x1x1xf32>) -> tensor<1x1xf32>
    lcp.yield %f : tensor<1x1xf32>
  }
  %y = lcp.merge "merge"(%b0, %b1) : (tensor<1x1xf32>, tensor<1x1xf32>) -> tensor<1x2xf32> {
  ^bb0(%a: tensor<1x1xf32>, %b: tensor<1x1xf32>):
    %c = lcp.concat %a, %b {axis = 1 : i64} : (tensor<1x1xf32>, tensor<1x1xf32>) -> tensor<1x2xf32>
    lcp.yield %c : tensor<1x2xf32>
  }
  return %y : tensor<1x2xf32>
}

// The IR is left as it was.
// IR: lcp.conv2d {{.*}}lcp.halide_schedule = {channel_block = 2 : i64, epilogue = 0 : i64, lanes = "columns"}

// RUN: lcp-compile -q %s --emit=generators | FileCheck %s

// Pins down the Halide generator source that lcp-compile emits for a unit:
// weights are Input buffers (never baked in), tensors map to Halide
// dimensions innermost first, padding reads a constant exterior, every
// buffer's extents are static, and reductions are computed at root with a
// vectorized, parallel schedule; a convolution's padded input is
// materialized once and its output is computed in register tiles, which
// also apply the elementwise ops after it (here the relu: the tiles store
// the relu's values); the max pool after it, whose windows do not overlap,
// computes the tiles for each band of two of its rows.

// CHECK-LABEL: class lcp_unit_b0_generator : public Halide::Generator<lcp_unit_b0_generator> {
// CHECK:   Input<Buffer<float, 4>> input0{"input0"};
// CHECK:   Input<Buffer<float, 4>> w0{"w0"};
// CHECK:   Input<Buffer<float, 1>> w1{"w1"};
// CHECK:   Output<Buffer<float, 2>> output0{"output0"};
// CHECK:     Func [[PAD:pad[0-9]+]] = BoundaryConditions::constant_exterior(input0, 0.0f, {{[{][{]}}0, 8}, {0, 8}, {0, 2}, {0, 1}});
// CHECK:     RDom [[R:r[0-9]+]](0, 3, 0, 3, 0, 1, "[[R]]");
// CHECK:     [[CONV:conv[0-9]+]](x, y, c, n) = w1(c);
// CHECK:     [[CONV]](x, y, c, n) += w0([[R]].x, [[R]].y, [[R]].z, c) * [[PAD]](x * 1 + [[R]].x * 1 - 1, y * 1 + [[R]].y * 1 - 1, (c / 2) * 1 + [[R]].z, n);
// CHECK:     [[RELU:relu[0-9]+]](x, y, c, n) = max([[CONV]](x, y, c, n), 0.0f);
// CHECK:     Func [[MPAD:pad[0-9]+]] = BoundaryConditions::constant_exterior([[RELU]], -std::numeric_limits<float>::infinity(),
// CHECK:     [[POOL:maxpool[0-9]+]](x, y, c, n) = maximum([[MPAD]](x * 4 + {{r[0-9]+}}.x * 1 - 0, y * 4 + {{r[0-9]+}}.y * 1 - 0, c, n));
// CHECK:     [[FLAT:reshape[0-9]+]](x, y) = [[POOL]](
// CHECK:     output0(x, y) = [[FLAT]](x, y);
// CHECK:     input0.dim(0).set_bounds(0, 8).dim(1).set_bounds(0, 8).dim(2).set_bounds(0, 2).dim(3).set_bounds(0, 1);
// CHECK:     w0.dim(0).set_bounds(0, 3).dim(1).set_bounds(0, 3).dim(2).set_bounds(0, 1).dim(3).set_bounds(0, 4);
// CHECK:     [[PAD]].compute_root().vectorize([[PAD]].args()[0], vec, TailStrategy::GuardWithIf).parallel([[PAD]].args()[2]);
// CHECK-NOT: [[CONV]].in()
// CHECK:     [[POOL]].compute_root().split(y, [[POOL]]_yo, [[POOL]]_yi, 2, TailStrategy::GuardWithIf).reorder(x, [[POOL]]_yi, c, [[POOL]]_yo, n).vectorize(x, vec, TailStrategy::GuardWithIf).parallel([[POOL]]_yo);
// CHECK:     [[RELU]].compute_at([[POOL]], [[POOL]]_yo).split(x, [[XO:conv[0-9]+_xo]], [[XI:conv[0-9]+_xi]], vec, TailStrategy::GuardWithIf).split(c, [[CO:conv[0-9]+_co]], [[CI:conv[0-9]+_ci]], 4).reorder([[XI]], [[CI]], [[XO]], y, [[CO]], n).vectorize([[XI]]).unroll([[CI]]);
// CHECK:     [[CONV]].compute_at([[RELU]], [[XO]]).vectorize(x, vec, TailStrategy::RoundUp).unroll(c);
// CHECK:     [[CONV]].update().reorder(x, c, [[R]].x, [[R]].y, [[R]].z, y, n).vectorize(x, vec, TailStrategy::RoundUp).unroll(c);
// CHECK: HALIDE_REGISTER_GENERATOR(lcp_unit_b0_generator, lcp_unit_b0)

// CHECK-LABEL: class lcp_unit_merge_generator
// CHECK:     [[CAT:concat[0-9]+]](x, y) = select(x < 16, input0(clamp(x - 0, 0, 15), y), input1(clamp(x - 16, 0, 15), y));
// CHECK:     [[D:dense[0-9]+]](x, y) = w1(x);
// CHECK:     [[D]](x, y) += w0([[RD:r[0-9]+]], x) * [[CAT]]([[RD]], y);
// CHECK:     {{softmax_max[0-9]+}}(x, y) = maximum(
// CHECK: HALIDE_REGISTER_GENERATOR(lcp_unit_merge_generator, lcp_unit_merge)

func.func @main(%x: tensor<1x2x8x8xf32>) -> tensor<1x3xf32> {
  %b0 = lcp.branch "b0"(%x) : (tensor<1x2x8x8xf32>) -> tensor<1x16xf32> {
  ^bb0(%in: tensor<1x2x8x8xf32>):
    %w = lcp.constant dense<0.5> : tensor<4x1x3x3xf32>
    %b = lcp.constant dense<0.1> : tensor<4xf32>
    %c = lcp.conv2d %in, %w, %b {groups = 2 : i64, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x2x8x8xf32>, tensor<4x1x3x3xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
    %r = lcp.relu %c : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
    %p = lcp.max_pool2d %r {kernel = array<i64: 4, 4>, strides = array<i64: 4, 4>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x2x2xf32>
    %f = lcp.reshape %p : (tensor<1x4x2x2xf32>) -> tensor<1x16xf32>
    lcp.yield %f : tensor<1x16xf32>
  }
  %b1 = lcp.branch "b1"(%x) : (tensor<1x2x8x8xf32>) -> tensor<1x16xf32> {
  ^bb0(%in: tensor<1x2x8x8xf32>):
    %w = lcp.constant dense<0.25> : tensor<16x128xf32>
    %f = lcp.reshape %in : (tensor<1x2x8x8xf32>) -> tensor<1x128xf32>
    %d = lcp.dense %f, %w : (tensor<1x128xf32>, tensor<16x128xf32>) -> tensor<1x16xf32>
    lcp.yield %d : tensor<1x16xf32>
  }
  %y = lcp.merge "merge"(%b0, %b1) : (tensor<1x16xf32>, tensor<1x16xf32>) -> tensor<1x3xf32> {
  ^bb0(%a: tensor<1x16xf32>, %b: tensor<1x16xf32>):
    %w = lcp.constant dense<0.125> : tensor<3x32xf32>
    %bias = lcp.constant dense<0.5> : tensor<3xf32>
    %c = lcp.concat %a, %b {axis = 1 : i64} : (tensor<1x16xf32>, tensor<1x16xf32>) -> tensor<1x32xf32>
    %d = lcp.dense %c, %w, %bias : (tensor<1x32xf32>, tensor<3x32xf32>, tensor<3xf32>) -> tensor<1x3xf32>
    %s = lcp.softmax %d {axis = 1 : i64} : (tensor<1x3xf32>) -> tensor<1x3xf32>
    lcp.yield %s : tensor<1x3xf32>
  }
  return %y : tensor<1x3xf32>
}

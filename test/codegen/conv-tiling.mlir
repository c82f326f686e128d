// RUN: %numpy-python %S/Inputs/conv_tiling.py > %t.mlir
// RUN: %numpy-python -c "import numpy as np; np.save('%t.x.npy', np.random.default_rng(5).standard_normal((1, 8, 16, 16)).astype(np.float32))"
// RUN: lcp-run %t.mlir --input %t.x.npy --output %t.reference.npy
// RUN: rm -rf %t.pkg
// RUN: lcp-compile -q %t.mlir -o %t.pkg
// RUN: lcp-run %t.pkg --input %t.x.npy --expect %t.reference.npy | FileCheck %s --check-prefix=MATCH
// RUN: lcp-run %t.pkg --input %t.x.npy --threads 2 --expect %t.reference.npy | FileCheck %s --check-prefix=MATCH
// RUN: lcp-compile -q %t.mlir --target=cpu:arm64 --emit=generators | FileCheck %s --check-prefix=ARM64
// RUN: lcp-compile -q %t.mlir --target=cpu:rpi3 --emit=generators | FileCheck %s --check-prefix=RPI3

// Convolution tiles with vector lanes across output channels: the three
// convolutions of Inputs/conv_tiling.py (random weights), compiled for the
// host, must match the reference evaluator; which of them get channel lanes
// depends on the host's vector width, so the emitted schedules are pinned
// down for the ARM targets, whose vector unit is known (4 lanes; 32
// registers on AArch64, 16 on 32-bit ARM).

// MATCH: output 0 matches

// The stride-3 convolution gathers every third input column, and its
// 6-wide rows would fill 6 of 8 lanes: lanes go across its 32 output
// channels, whose weights are stored output channels innermost, in tiles of
// 4 vectors by 6 columns (AArch64), which apply the relu after it and store
// the relu's values. The 3x3 convolution's 6-wide rows fill
// 3/4 of the lanes, enough to keep them across columns; the last
// convolution's 5-wide rows do not.
// ARM64:      Input<Buffer<float, 4>> w0{"w0"}; // stored [in][kh][kw][out]
// ARM64-NEXT: Input<Buffer<float, 1>> w1{"w1"};
// ARM64-NEXT: Input<Buffer<float, 4>> [[W1:w[0-9]+]]{"[[W1]]"};{{$}}
// ARM64-NEXT: Input<Buffer<float, 1>>
// ARM64-NEXT: Input<Buffer<float, 4>> [[W2:w[0-9]+]]{"[[W2]]"}; // stored [in][kh][kw][out]
// ARM64:      [[C0:conv[0-9]+]](x, y, c, n) += w0(c, [[R:r[0-9]+]].x, [[R]].y, [[R]].z) * {{pad[0-9]+}}(x * 3 + [[R]].x * 1 - 1, y * 3 + [[R]].y * 1 - 1, [[R]].z, n);
// ARM64-NEXT: Func [[RELU:relu[0-9]+]]("[[RELU]]");
// ARM64:      [[C1:conv[0-9]+]](x, y, c, n) += [[W1]]([[R1:r[0-9]+]].x, [[R1]].y, [[R1]].z, c) *
// ARM64:      [[C2:conv[0-9]+]](x, y, c, n) += [[W2]](c, 
// ARM64:      w0.dim(0).set_bounds(0, 32).dim(1).set_bounds(0, 3).dim(2).set_bounds(0, 3).dim(3).set_bounds(0, 8);
// ARM64:      [[RELU]].compute_root().split(x, [[C0]]_xo, [[C0]]_xi, 6, TailStrategy::GuardWithIf).split(c, [[C0]]_co, [[C0]]_ci, 16).reorder([[C0]]_ci, [[C0]]_xi, [[C0]]_xo, y, [[C0]]_co, n).vectorize([[C0]]_ci, 4).unroll([[C0]]_ci).unroll([[C0]]_xi).fuse(y, [[C0]]_co, [[C0]]_rows).parallel([[C0]]_rows);
// ARM64-NEXT: [[C0]].compute_at([[RELU]], [[C0]]_xo).reorder_storage(c, x, y, n).reorder(c, x, y, n).vectorize(c, 4).unroll(c).unroll(x);
// ARM64-NEXT: [[C0]].update().reorder(c, x, [[R]].x, [[R]].y, [[R]].z, y, n).vectorize(c, 4).unroll(c).unroll(x);
// ARM64:      [[C1]]_tile.compute_root().split(x, [[C1]]_xo, [[C1]]_xi, vec,
// ARM64:      [[C2]]_tile.compute_root().split(x, [[C2]]_xo, [[C2]]_xi, 5, TailStrategy::GuardWithIf).split(c, [[C2]]_co, [[C2]]_ci, 16).
// The residual add of the last two convolutions and the relu after it run
// in the tiles of the later one; the earlier one is stored first.
// ARM64:      {{relu[0-9]+}}.compute_root().split(x, [[CS:conv[0-9]+]]_xo, [[CS]]_xi, 5,
// ARM64-NEXT: [[CS]].compute_at(

// With 16 registers a tile holds fewer accumulators: 2 vectors by 6
// columns (32-bit ARM).
// RPI3:       {{relu[0-9]+}}.compute_root().split(x, [[C0:conv[0-9]+]]_xo, [[C0]]_xi, 6, TailStrategy::GuardWithIf).split(c, [[C0]]_co, [[C0]]_ci, 8).

// RUN: lcp-opt %s --lcp-prune="mode=structured ratio=0.5 channels=%t.channels.json" -split-input-file -verify-diagnostics | FileCheck %s
// RUN: FileCheck %s --check-prefix=JSON < %t.channels.json

// A random two-branch network pruned at ratio 0.4 computes what the same
// network with the removed filters zeroed computes (Inputs/prune_net.py
// chooses them again in NumPy); its layers really shrink.
// RUN: %numpy-python %S/Inputs/prune_net.py > %t.net.mlir
// RUN: %numpy-python %S/Inputs/prune_net.py --masked > %t.masked.mlir
// RUN: %numpy-python -c "import numpy as np; np.save('%t.x.npy', np.random.default_rng(3).standard_normal((5, 2, 8, 8)).astype(np.float32))"
// RUN: lcp-run %t.masked.mlir --input %t.x.npy --output %t.masked.npy
// RUN: lcp-opt %t.net.mlir --lcp-prune="mode=structured ratio=0.4" -o %t.pruned.mlir 2>&1 | FileCheck %s --check-prefix=REMARK
// RUN: FileCheck %s --check-prefix=SHRUNK < %t.pruned.mlir
// RUN: lcp-opt %t.net.mlir --lcp-report --lcp-prune="mode=structured ratio=0.4" --lcp-report -o /dev/null 2>&1 | FileCheck %s --check-prefix=REPORT
// RUN: lcp-run %t.pruned.mlir --input %t.x.npy --expect %t.masked.npy | FileCheck %s --check-prefix=MATCH
// RUN: rm -rf %t.pkg && lcp-compile -q %t.pruned.mlir -o %t.pkg
// RUN: lcp-run %t.pkg --input %t.x.npy --expect %t.masked.npy | FileCheck %s --check-prefix=MATCH

// Per branch: conv 2->5 keeps 3 (round(0.4 * 5) = 2 removed), conv 5->4
// keeps 2, the hidden dense layer 16->6 keeps 4 (its input: 2 channels of
// 2x2 = 8 features); the classifier keeps its 3 outputs and reads 8
// columns. Parameters, by hand: before 2 * (95 + 184 + 102) + 39 = 801,
// after 2 * (57 + 56 + 36) + 27 = 325; MACs before 2 * (5760 + 720 + 96) +
// 36 = 13188, after 2 * (3456 + 216 + 32) + 24 = 7432.
// REMARK: remark: pruned filters: parameters 801 -> 325, MACs 13188 -> 7432
// lcp-report before and after the pass, in one pipeline:
// REPORT:      total 801 13188
// REPORT:      total 325 7432
// SHRUNK: lcp.conv2d {{.*}} -> tensor<1x3x8x8xf32>
// SHRUNK: lcp.conv2d {{.*}} -> tensor<1x2x2x2xf32>
// SHRUNK: lcp.dense {{.*}} : (tensor<1x8xf32>, tensor<4x8xf32>, tensor<4xf32>) -> tensor<1x4xf32>
// SHRUNK: lcp.merge "merge"(%{{.*}}, %{{.*}}) : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x3xf32>
// SHRUNK: lcp.dense {{.*}} : (tensor<1x8xf32>, tensor<3x8xf32>, tensor<3xf32>) -> tensor<1x3xf32>
// MATCH: output 0 matches

// By hand: filter L1 norms 4, 1, 3, 2 at ratio 0.5 drop filters 1 and 3
// (norms 1 and 2); the classifier, whose output is the model's, stays
// whole and reads columns 0 and 2 of its flattened input.
// CHECK-LABEL: func.func @by_hand
// CHECK: %[[W:.*]] = lcp.constant dense<{{\[\[\[\[}}4.000000e+00]]], {{\[\[\[}}3.000000e+00]]]]> : tensor<2x1x1x1xf32>
// CHECK: %[[C:.*]] = lcp.conv2d %arg0, %[[W]] : (tensor<1x1x1x1xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x1x1xf32>
// CHECK: lcp.constant dense<{{\[\[}}1.000000e+01, 3.000000e+01], [5.000000e+01, 7.000000e+01]]> : tensor<2x2xf32>
// CHECK: lcp.dense {{.*}} : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
// expected-remark @below {{pruned filters: parameters 12 -> 6, MACs 12 -> 6}}
func.func @by_hand(%x: tensor<1x1x1x1xf32>) -> tensor<1x2xf32> {
  %w = lcp.constant dense<[[[[4.0]]], [[[-1.0]]], [[[3.0]]], [[[2.0]]]]> : tensor<4x1x1x1xf32>
  %c = lcp.conv2d %x, %w : (tensor<1x1x1x1xf32>, tensor<4x1x1x1xf32>) -> tensor<1x4x1x1xf32>
  %f = lcp.reshape %c : (tensor<1x4x1x1xf32>) -> tensor<1x4xf32>
  %wd = lcp.constant dense<[[10.0, 20.0, 30.0, 40.0], [50.0, 60.0, 70.0, 80.0]]> : tensor<2x4xf32>
  %d = lcp.dense %f, %wd : (tensor<1x4xf32>, tensor<2x4xf32>) -> tensor<1x2xf32>
  return %d : tensor<1x2xf32>
}
// JSON: "kept": [
// JSON-NEXT: 0,
// JSON-NEXT: 2
// JSON-NEXT: ],

// -----

// A layer of one filter would lose it.
func.func @all_filters(%x: tensor<1x1x1x1xf32>) -> tensor<1x1xf32> {
  %w = lcp.constant dense<1.0> : tensor<1x1x1x1xf32>
  // expected-error @below {{'lcp.conv2d' op cannot be pruned: ratio 0.50 would remove all 1 of its filters}}
  %c = lcp.conv2d %x, %w : (tensor<1x1x1x1xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x1x1xf32>
  %f = lcp.reshape %c : (tensor<1x1x1x1xf32>) -> tensor<1x1xf32>
  %wd = lcp.constant dense<1.0> : tensor<1x1xf32>
  %d = lcp.dense %f, %wd : (tensor<1x1xf32>, tensor<1x1xf32>) -> tensor<1x1xf32>
  return %d : tensor<1x1xf32>
}

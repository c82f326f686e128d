// RUN: lcp-opt %s --lcp-prune="mode=unstructured ratio=0.5" -verify-diagnostics | FileCheck %s
// RUN: not lcp-opt %s --lcp-prune="mode=unstructured ratio=1.5" 2>&1 | FileCheck %s --check-prefix=RATIO
// RUN: not lcp-opt %s --lcp-prune="mode=unstructured ratio=0" 2>&1 | FileCheck %s --check-prefix=ZERO
// RUN: not lcp-opt %s --lcp-prune="ratio=0.5" 2>&1 | FileCheck %s --check-prefix=NOMODE
// RUN: not lcp-opt %s --lcp-prune="mode=sparse ratio=0.5" 2>&1 | FileCheck %s --check-prefix=MODE

// Unstructured pruning at ratio 0.5 zeroes floor(0.5 * n) weights of
// each layer, the smallest in magnitude, ties to the lower index; biases
// are kept. Here: the dense layer's 1 and -2 (of 1, -2, 3, -4), and the
// convolution's first two of four equal weights; 4 of 8 weights in all.

// CHECK-LABEL: func.func @main
// CHECK-DAG: lcp.constant dense<{{\[\[\[\[}}0.000000e+00, 0.000000e+00], [1.000000e+00, 1.000000e+00]]]]> : tensor<1x1x2x2xf32>
// CHECK-DAG: lcp.constant dense<{{\[\[}}0.000000e+00, 0.000000e+00, 3.000000e+00, -4.000000e+00]]> : tensor<1x4xf32>
// CHECK-DAG: lcp.constant dense<5.000000e-01> : tensor<1xf32>
// expected-remark @below {{pruned 2 layer(s): 4 of 8 weights are zero (sparsity 50.0 %)}}
func.func @main(%x: tensor<1x1x2x2xf32>) -> tensor<1x1xf32> {
  %w = lcp.constant dense<1.0> : tensor<1x1x2x2xf32>
  %c = lcp.conv2d %x, %w : (tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>) -> tensor<1x1x1x1xf32>
  %f = lcp.reshape %c : (tensor<1x1x1x1xf32>) -> tensor<1x1xf32>
  %wd = lcp.constant dense<[[1.0, -2.0, 3.0, -4.0]]> : tensor<1x4xf32>
  %b = lcp.constant dense<0.5> : tensor<1xf32>
  %g = lcp.reshape %x : (tensor<1x1x2x2xf32>) -> tensor<1x4xf32>
  %d = lcp.dense %g, %wd, %b : (tensor<1x4xf32>, tensor<1x4xf32>, tensor<1xf32>) -> tensor<1x1xf32>
  %y = lcp.add %f, %d : (tensor<1x1xf32>, tensor<1x1xf32>) -> tensor<1x1xf32>
  return %y : tensor<1x1xf32>
}

// RATIO: error: lcp-prune: ratio must be in (0, 1), got 1.5
// ZERO: error: lcp-prune: ratio must be in (0, 1), got 0
// NOMODE: error: lcp-prune: give a mode: structured (remove filters) or unstructured (zero weights)
// MODE: error: lcp-prune: unknown mode 'sparse': structured (remove filters) or unstructured (zero weights)

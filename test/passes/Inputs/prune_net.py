"""Writes a two-branch network with random weights (seed 0) to stdout, or
with --masked the same network with the filters that structured pruning at
RATIO removes set to zero (weights and bias): the oracle of
prune-structured.mlir. The choice is made here again, in NumPy: in every
convolution and hidden dense layer, the round(RATIO * w) filters with the
smallest L1 norm, ties to the lower index; the classifier stays whole. With
relu after every pruned layer, a zeroed filter contributes nothing
downstream, exactly as a removed one."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "Inputs"))
from mlir_text import literal, tensor  # noqa: E402

lit, t = literal, tensor

RATIO = 0.4
masked = "--masked" in sys.argv
rng = np.random.default_rng(0)


def pruned(w, b):
    if not masked:
        return w, b
    width = w.shape[0]
    remove = int(np.floor(RATIO * width + 0.5))
    norms = np.abs(w.reshape(width, -1)).astype(np.float64).sum(axis=1)
    order = np.argsort(norms, kind="stable")[:remove]
    w, b = w.copy(), b.copy()
    w[order] = 0.0
    b[order] = 0.0
    return w, b


out = ["func.func @main(%x: tensor<1x2x8x8xf32>) -> tensor<1x3xf32> {"]
results = []
for br in range(2):
    w1 = rng.standard_normal((5, 2, 3, 3)).astype(np.float32)
    b1 = rng.standard_normal(5).astype(np.float32) * 0.1
    w2 = rng.standard_normal((4, 5, 3, 3)).astype(np.float32) * 0.3
    b2 = rng.standard_normal(4).astype(np.float32) * 0.1
    w3 = rng.standard_normal((6, 16)).astype(np.float32) * 0.3
    b3 = rng.standard_normal(6).astype(np.float32) * 0.1
    w1, b1 = pruned(w1, b1)
    w2, b2 = pruned(w2, b2)
    w3, b3 = pruned(w3, b3)
    out += [
        '  %%b%d = lcp.branch "b%d"(%%x) : (tensor<1x2x8x8xf32>) -> tensor<1x6xf32> {' % (br, br),
        "  ^bb0(%in: tensor<1x2x8x8xf32>):",
        "    %%w1 = lcp.constant dense<%s> : %s" % (lit(w1), t(w1.shape)),
        "    %%b1 = lcp.constant dense<%s> : %s" % (lit(b1), t(b1.shape)),
        "    %c1 = lcp.conv2d %in, %w1, %b1 {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x2x8x8xf32>, tensor<5x2x3x3xf32>, tensor<5xf32>) -> tensor<1x5x8x8xf32>",
        "    %r1 = lcp.relu %c1 : (tensor<1x5x8x8xf32>) -> tensor<1x5x8x8xf32>",
        "    %p1 = lcp.max_pool2d %r1 {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x5x8x8xf32>) -> tensor<1x5x4x4xf32>",
        "    %%w2 = lcp.constant dense<%s> : %s" % (lit(w2), t(w2.shape)),
        "    %%b2 = lcp.constant dense<%s> : %s" % (lit(b2), t(b2.shape)),
        "    %c2 = lcp.conv2d %p1, %w2, %b2 : (tensor<1x5x4x4xf32>, tensor<4x5x3x3xf32>, tensor<4xf32>) -> tensor<1x4x2x2xf32>",
        "    %r2 = lcp.relu %c2 : (tensor<1x4x2x2xf32>) -> tensor<1x4x2x2xf32>",
        "    %f = lcp.reshape %r2 : (tensor<1x4x2x2xf32>) -> tensor<1x16xf32>",
        "    %%w3 = lcp.constant dense<%s> : %s" % (lit(w3), t(w3.shape)),
        "    %%b3 = lcp.constant dense<%s> : %s" % (lit(b3), t(b3.shape)),
        "    %d = lcp.dense %f, %w3, %b3 : (tensor<1x16xf32>, tensor<6x16xf32>, tensor<6xf32>) -> tensor<1x6xf32>",
        "    %r3 = lcp.relu %d : (tensor<1x6xf32>) -> tensor<1x6xf32>",
        "    lcp.yield %r3 : tensor<1x6xf32>",
        "  }"]
wc = rng.standard_normal((3, 12)).astype(np.float32) * 0.3
bc = rng.standard_normal(3).astype(np.float32) * 0.1
out += [
    '  %m = lcp.merge "merge"(%b0, %b1) : (tensor<1x6xf32>, tensor<1x6xf32>) -> tensor<1x3xf32> {',
    "  ^bb0(%p0: tensor<1x6xf32>, %p1: tensor<1x6xf32>):",
    "    %cat = lcp.concat %p0, %p1 {axis = 1 : i64} : (tensor<1x6xf32>, tensor<1x6xf32>) -> tensor<1x12xf32>",
    "    %%wc = lcp.constant dense<%s> : %s" % (lit(wc), t(wc.shape)),
    "    %%bc = lcp.constant dense<%s> : %s" % (lit(bc), t(bc.shape)),
    "    %y = lcp.dense %cat, %wc, %bc : (tensor<1x12xf32>, tensor<3x12xf32>, tensor<3xf32>) -> tensor<1x3xf32>",
    "    lcp.yield %y : tensor<1x3xf32>",
    "  }",
    "  return %m : tensor<1x3xf32>",
    "}"]
print("\n".join(out))

"""Writes a three-convolution function with random weights (seed 0) to
stdout, shaped so that lcp's Halide emitter puts vector lanes across output
channels on some of them (see conv-tiling.mlir)."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "Inputs"))
from mlir_text import literal, tensor  # noqa: E402

rng = np.random.default_rng(0)


lines = []
value = "%x"
shape = (1, 8, 16, 16)
lines.append("func.func @main(%x: " + tensor(shape) + ") -> tensor<1x32x5x5xf32> {")
# (out channels, kernel, stride, pad): a stride-3 conv onto a 6-wide row,
# a 3x3 conv at width 6, and a conv onto a 5-wide row.
for i, (cout, k, s, p) in enumerate([(32, 3, 3, 1), (16, 3, 1, 1), (32, 2, 1, 0)]):
    cin, h = shape[1], shape[2]
    out = (h + 2 * p - k) // s + 1
    w = rng.standard_normal((cout, cin, k, k)).astype(np.float32) * 0.2
    b = rng.standard_normal(cout).astype(np.float32) * 0.1
    wt = tensor(w.shape)
    lines.append("  %%w%d = lcp.constant dense<%s> : %s" % (i, literal(w), wt))
    lines.append("  %%b%d = lcp.constant dense<%s> : %s" % (i, literal(b), tensor(b.shape)))
    new = (1, cout, out, out)
    lines.append(
        "  %%c%d = lcp.conv2d %s, %%w%d, %%b%d {pads = array<i64: %d, %d, %d, %d>, "
        "strides = array<i64: %d, %d>} : (%s, %s, %s) -> %s"
        % (i, value, i, i, p, p, p, p, s, s, tensor(shape), wt, tensor(b.shape), tensor(new)))
    value, shape = "%%c%d" % i, new
    if i == 0:
        lines.append("  %%r%d = lcp.relu %s : (%s) -> %s" % (i, value, tensor(shape), tensor(shape)))
        value = "%%r%d" % i
# A residual join: a second convolution of the same input as the last,
# added to it, then a relu; the two convolutions meet in one epilogue.
w = rng.standard_normal((32, 16, 2, 2)).astype(np.float32) * 0.2
lines.append("  %%ws = lcp.constant dense<%s> : %s" % (literal(w), tensor(w.shape)))
lines.append("  %%cs = lcp.conv2d %%c1, %%ws : (%s, %s) -> %s"
             % (tensor((1, 16, 6, 6)), tensor(w.shape), tensor(shape)))
lines.append("  %%sum = lcp.add %s, %%cs : (%s, %s) -> %s"
             % (value, tensor(shape), tensor(shape), tensor(shape)))
lines.append("  %%out = lcp.relu %%sum : (%s) -> %s" % (tensor(shape), tensor(shape)))
value = "%out"
lines.append("  return %s : %s" % (value, tensor(shape)))
lines.append("}")
print("\n".join(lines))

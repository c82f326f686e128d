"""Writes a function with batch norms in every place lcp-fold-batchnorm
handles (random parameters, seed 0) to stdout; see fold-batchnorm.mlir."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "Inputs"))
from mlir_text import literal, tensor  # noqa: E402

lit, t = literal, tensor

rng = np.random.default_rng(0)


def const(name, a):
    return "  %%%s = lcp.constant dense<%s> : %s" % (name, lit(a), t(a.shape))


def bn(name, x, shape, c):
    params = [rng.uniform(0.5, 1.5, c), rng.uniform(-0.5, 0.5, c),
              rng.uniform(-0.5, 0.5, c), rng.uniform(0.1, 2.0, c)]
    lines = [const("%s_%d" % (name, i), p.astype(np.float32))
             for i, p in enumerate(params)]
    lines.append(
        "  %%%s = lcp.batch_norm %s, %%%s_0, %%%s_1, %%%s_2, %%%s_3 "
        "{epsilon = 1.0e-3 : f32} : (%s, %s, %s, %s, %s) -> %s"
        % (name, x, name, name, name, name, t(shape), *([t((c,))] * 4),
           t(shape)))
    return lines


x = (1, 3, 8, 8)
lines = ["func.func @main(%x: " + t(x) + ") -> (tensor<1x4xf32>, " + t((1, 6, 6, 6)) + ") {"]
# A convolution with a bias, then batch norm: folds into the convolution.
w1 = rng.standard_normal((6, 3, 3, 3)).astype(np.float32) * 0.3
b1 = rng.standard_normal(6).astype(np.float32) * 0.1
lines += [const("w1", w1), const("b1", b1)]
lines.append("  %%c1 = lcp.conv2d %%x, %%w1, %%b1 : (%s, %s, %s) -> %s"
             % (t(x), t(w1.shape), t((6,)), t((1, 6, 6, 6))))
lines += bn("n1", "%c1", (1, 6, 6, 6), 6)
lines.append("  %%r1 = lcp.relu %%n1 : (%s) -> %s" % (t((1, 6, 6, 6)), t((1, 6, 6, 6))))
# A batch norm after a relu: becomes a scale and a shift.
lines += bn("n2", "%r1", (1, 6, 6, 6), 6)
# A convolution without bias whose result is also returned: the batch norm
# after it cannot fold into it.
w2 = rng.standard_normal((6, 6, 1, 1)).astype(np.float32) * 0.3
lines.append(const("w2", w2))
lines.append("  %%c2 = lcp.conv2d %%n2, %%w2 : (%s, %s) -> %s"
             % (t((1, 6, 6, 6)), t(w2.shape), t((1, 6, 6, 6))))
lines += bn("n3", "%c2", (1, 6, 6, 6), 6)
lines.append("  %%f = lcp.reshape %%n3 : (%s) -> tensor<1x216xf32>" % t((1, 6, 6, 6)))
# A dense layer without bias, then batch norm: folds into the dense layer.
w3 = rng.standard_normal((4, 216)).astype(np.float32) * 0.1
lines.append(const("w3", w3))
lines.append("  %%d = lcp.dense %%f, %%w3 : (tensor<1x216xf32>, %s) -> tensor<1x4xf32>" % t(w3.shape))
lines += bn("n4", "%d", (1, 4), 4)
lines.append("  return %%n4, %%c2 : tensor<1x4xf32>, %s" % t((1, 6, 6, 6)))
lines.append("}")
print("\n".join(lines))

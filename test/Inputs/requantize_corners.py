#!/usr/bin/env python3
"""The table-driven corner cases of the integer contract (docs/INTEGER.md):
one table of requantize steps, fed to the reference header (a GoogleTest
reads it), to the reference evaluator and to the compiled CPU package (a lit
test runs the IR this script writes from it), all demanding the table's
results. The results are computed here with Python integers from the
contract's text, not from lcp's code.

  requantize_corners.py table OUT.txt     write the table (committed; NumPy)
  requantize_corners.py ir TABLE OUT.mlir X.npy WANT.npy
                                          the IR, its input and its output

A row: bits scale_out zp_in zp_out q y. The value q (storage type of `bits`
bits, scale 1.0, zero point zp_in) is requantized to (scale_out, zp_out):
M = 1.0 / scale_out in double, y = clamp(zp_out + round_half_up((q - zp_in)
* M), lo, hi) with M written as M0 * 2^-k by the compiler rule.
"""

import os
import sys

# The contract's multiplier rule, written once for the Python oracles.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "passes", "Inputs"))
from quantize_oracle import multiplier  # noqa: E402

# Scales chosen for their multipliers: ties (0.5), saturation (2, 3, 2^29),
# the identity, thirds, sevenths, and one below 2^-32 (every result is the
# zero point).
SCALES = [2.0, 0.5, 1.0, 3.0, 1.0 / 3.0, 4.0 / 3.0, 7.0, 2.0 ** -29,
          2.0 ** 33]
ZERO_POINTS = [(0, 0), (-128, 127), (127, -128), (5, -3)]
VALUES8 = [-128, -127, -100, -65, -64, -63, -3, -2, -1, 0, 1, 2, 3, 63, 64,
           65, 100, 126, 127]
VALUES16 = [-32768, -32767, -12345, -3, -1, 0, 1, 3, 12345, 32766, 32767]


def requantize(v, m, zp, lo, hi):
    """The device rule, in Python integers (>> floors, as C's >> does on
    two's complement)."""
    mk = multiplier(m)
    y = zp + ((v * mk[0] + (1 << (mk[1] - 1))) >> mk[1] if mk else 0)
    return min(max(y, lo), hi)


def rows():
    for bits, values in ((8, VALUES8), (16, VALUES16)):
        lo, hi = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
        for scale in SCALES:
            for zp_in, zp_out in ZERO_POINTS:
                if bits == 16:
                    zp_in, zp_out = 0, 0  # fixed16 has no zero points
                for q in values:
                    y = requantize(q - zp_in, 1.0 / scale, zp_out, lo, hi)
                    yield bits, scale, zp_in, zp_out, q, y
                if bits == 16:
                    break


def write_table(path):
    with open(path, "w") as f:
        f.write("# bits scale_out zp_in zp_out q y  (requantize_corners.py)\n")
        for bits, scale, zp_in, zp_out, q, y in rows():
            f.write("%d %r %d %d %d %d\n" % (bits, scale, zp_in, zp_out, q, y))


def read_table(path):
    table = []
    for line in open(path):
        if line.startswith("#") or not line.strip():
            continue
        b, s, zi, zo, q, y = line.split()
        table.append((int(b), float(s), int(zi), int(zo), int(q), int(y)))
    return table


def write_ir(table, ir_path, x_path, want_path):
    """One slice of the input per group of rows with the same types: quantize
    (scale 1), requantize, dequantize; the groups concatenated."""
    import numpy as np
    groups = []
    for row in table:
        key = row[:4]
        if not groups or groups[-1][0] != key:
            groups.append((key, []))
        groups[-1][1].append(row)
    n = len(table)
    x = np.array([[q - zi for (_, _, zi, _, q, _) in table]], np.float32)
    want = np.array([[np.float32(s) * np.float32(y - zo)
                      for (_, s, _, zo, _, y) in table]], np.float32)
    lines = ["func.func @main(%%x: tensor<1x%dxf32>) -> tensor<1x%dxf32> {"
             % (n, n)]
    outs, offset = [], 0
    for g, ((bits, scale, zp_in, zp_out), members) in enumerate(groups):
        m = len(members)
        qin = "!quant.uniform<i%d:f32, 1.0:%d>" % (bits, zp_in)
        qout = "!quant.uniform<i%d:f32, %r:%d>" % (bits, scale, zp_out)
        lines += [
            "  %%s%d = lcp.slice %%x {offsets = array<i64: 0, %d>} : "
            "(tensor<1x%dxf32>) -> tensor<1x%dxf32>" % (g, offset, n, m),
            "  %%q%d = lcp.quantize %%s%d : (tensor<1x%dxf32>) -> "
            "tensor<1x%dx%s>" % (g, g, m, m, qin),
            "  %%r%d = lcp.requantize %%q%d : (tensor<1x%dx%s>) -> "
            "tensor<1x%dx%s>" % (g, g, m, qin, m, qout),
            "  %%d%d = lcp.dequantize %%r%d : (tensor<1x%dx%s>) -> "
            "tensor<1x%dxf32>" % (g, g, m, qout, m),
        ]
        outs.append(("%%d%d" % g, m))
        offset += m
    lines.append("  %%y = lcp.concat %s {axis = 1 : i64} : (%s) -> "
                 "tensor<1x%dxf32>" % (
                     ", ".join(o for o, _ in outs),
                     ", ".join("tensor<1x%dxf32>" % m for _, m in outs), n))
    lines += ["  return %%y : tensor<1x%dxf32>" % n, "}"]
    with open(ir_path, "w") as f:
        f.write("\n".join(lines) + "\n")
    np.save(x_path, x)
    np.save(want_path, want)


def main():
    if sys.argv[1] == "table":
        write_table(sys.argv[2])
    elif sys.argv[1] == "ir":
        write_ir(read_table(sys.argv[2]), *sys.argv[3:6])
    else:
        sys.exit(__doc__)
    return 0


if __name__ == "__main__":
    sys.exit(main())

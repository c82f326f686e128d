"""An independent NumPy oracle of lcp-quantize followed by lcp-run, written
from docs/INTEGER.md and the pass's calibration rules, not from the C++.

  quantize_oracle.py net OUT.mlir         the float model (weights: seed 0)
  quantize_oracle.py data DIR             DIR/cal.npy, DIR/x.npy (seed 1)
  quantize_oracle.py expect MODE FMT DIR  DIR/expect.npy, outputs on x.npy
  quantize_oracle.py check MODE FMT DIR   DIR/out.npy must equal them exactly
MODE is int8 (FMT -), fixed16 (FMT Qm.n or auto) or float (FMT -, expect).

Two branches, each conv3x3 -> relu -> pool -> conv3x3 -> relu (branch 0:
max pool and a residual add of a relu'd 1x1 conv; branch 1: average pool
with border counts 1, 2, 4, then a global average pool), then dense -> relu;
the concat of both feeds the classifier. Calibration must give any
implementation the same ranges, so forward_float checks that its values are
exact in f32 in any summation order (dyadic weights, biases and samples,
averages over powers of two). Test inputs are quantized first and need not
be: they have 14 fraction bits (fixed16 input ties), exceed the calibrated
range (clamps) and include ties of int8's x * inv_scale.
"""
import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "Inputs"))
from mlir_text import literal, tensor  # noqa: E402

PRESERVING = ("relu", "max_pool2d", "reshape", "concat")  # share a type


def build_net():
    """The network as (name, op, inputs, attributes) in program order."""
    rng = np.random.default_rng(0)
    nodes = [("x", "input", [], {})]

    def node(name, op, ins, **attrs):
        nodes.append((name, op, ins, attrs))
        return name

    def layer(name, op, x, shape, **attrs):  # weights k/4, biases k/8
        w = rng.integers(-2, 3, shape) / 4.0
        b = rng.integers(-4, 5, shape[0]) / 8.0
        assert np.abs(w.reshape(shape[0], -1)).max(axis=1).min() > 0
        return node(name, op, [x], w=w, b=b, **attrs)

    r = node("a1r", "relu", [layer("a1", "conv2d", "x", (3, 2, 3, 3), pad=1)])
    p = node("a1p", "max_pool2d", [r], k=2, s=2, pad=0)
    r2 = node("a2r", "relu", [layer("a2", "conv2d", p, (4, 3, 3, 3), pad=1)])
    rs = node("asr", "relu", [layer("as", "conv2d", p, (4, 3, 1, 1), pad=0)])
    f = node("af", "reshape", [node("aadd", "add", [r2, rs])], shape=(36,))
    a = node("adr", "relu", [layer("ad", "dense", f, (5, 36))])
    r = node("b1r", "relu", [layer("b1", "conv2d", "x", (3, 2, 3, 3), pad=1)])
    p = node("b1p", "avg_pool2d", [r], k=2, s=2, pad=1)
    r2 = node("b2r", "relu", [layer("b2", "conv2d", p, (4, 3, 3, 3), pad=1)])
    f = node("bf", "reshape", [node("bg", "global_avg_pool", [r2])],
             shape=(4,))
    b = node("bdr", "relu", [layer("bd", "dense", f, (5, 4))])
    layer("y", "dense", node("cat", "concat", [a, b]), (4, 10))
    return nodes


def windows(x, k, s, pad, fill):
    """The k*k windows of the CxHxW array x at stride s, padded with fill:
    an array (C, OH, OW, k*k) and the (OH, OW, k*k) mask of real elements."""
    c, h, w = x.shape
    xp = np.full((c, h + 2 * pad, w + 2 * pad), fill, dtype=x.dtype)
    xp[:, pad:pad + h, pad:pad + w] = x
    real = np.zeros(xp.shape[1:], bool)
    real[pad:pad + h, pad:pad + w] = True
    oh, ow = (h + 2 * pad - k) // s + 1, (w + 2 * pad - k) // s + 1
    return tuple(np.stack([a[..., i:i + s * oh:s, j:j + s * ow:s]
                           for i in range(k) for j in range(k)], axis=-1)
                 for a in (xp, real))


def pool(a, x):
    """Kernel, stride and padding of an average pool (global: all of x)."""
    return (a["k"], a["s"], a["pad"]) if a else (x.shape[1], 1, 0)


def linear(x, w, b, pad):
    """conv2d (x CxHxW, w OxCxKxK, stride 1) or dense (x F, w OxF), + b."""
    if x.ndim == 1:
        return w @ x + b
    win, _ = windows(x, w.shape[2], 1, pad, 0)
    oh, ow = win.shape[1:3]
    cols = win.transpose(1, 2, 0, 3).reshape(oh * ow, -1)
    out = cols @ w.reshape(w.shape[0], -1).T + b
    return out.T.reshape(w.shape[0], oh, ow)


def bits(a):
    """The fraction bits of the dyadic array a."""
    return next(q for q in range(64) if not np.any(a * 2.0 ** q % 1))


def exact(abs_sum, q):
    """Any partial sum of terms on a 2^-q grid, whose absolute values sum to
    abs_sum, is a float32."""
    assert np.max(abs_sum) * 2.0 ** q < 2 ** 24, "not exact in f32"


def forward_float(nodes, x, strict=True):
    """Every value of the float model on one sample, in float64; strict:
    check that f32 computes each exactly."""
    v = {"x": x.astype(np.float64)}
    for name, op, ins, a in nodes[1:]:
        i = [v[n] for n in ins]
        if op in ("conv2d", "dense"):
            w, b = a["w"], a["b"]
            if strict:
                exact(linear(abs(i[0]), abs(w), abs(b), a.get("pad")),
                      max(bits(i[0]) + bits(w), bits(b)))
            v[name] = linear(i[0], w, b, a.get("pad"))
        elif op == "relu":
            v[name] = np.maximum(i[0], 0)
        elif op == "max_pool2d":
            v[name] = windows(i[0], a["k"], a["s"], 0, -np.inf)[0].max(-1)
        elif op in ("avg_pool2d", "global_avg_pool"):
            win, real = windows(i[0], *pool(a, i[0]), 0)
            count = real.sum(-1)
            if strict:  # and dividing by a power of two is exact
                assert np.all(count & (count - 1) == 0)
                exact(abs(win).sum(-1), bits(i[0]))
            v[name] = win.sum(-1) / count
        elif op == "add":
            v[name] = i[0] + i[1]
            assert not strict or np.all(v[name] == np.float32(v[name]))
        elif op == "reshape":
            v[name] = i[0].reshape(a["shape"])
        elif op == "concat":
            v[name] = np.concatenate(i)
    return v


def round_away(x):
    """The compiler rule: round half away from zero (std::round), exactly."""
    x = np.asarray(x, np.float64)
    t = np.trunc(x)
    return t + np.where(np.abs(x - t) >= 0.5, np.sign(x), 0)


def multiplier(m):
    """m as M0 * 2^-k, M0 in [2^30, 2^31), or None: every result is 0."""
    if m < 2.0 ** -32:
        return None
    f, e = math.frexp(m)
    m0, k = int(round_away(f * 2.0 ** 31)), 31 - e
    if m0 == 2 ** 31:
        m0, k = m0 // 2, k - 1
    assert k >= 1, "multiplier too large"
    return None if k > 62 else (m0, k)


def rescale(v, m):
    """The device rule: v * m rounded half up, without zero point or clamp;
    m broadcasts with the int64 array v (|v * M0| < 2^62: no overflow)."""
    m = np.broadcast_to(m, v.shape)
    out = np.zeros(v.shape, np.int64)
    for mi in np.unique(m):
        mk, sel = multiplier(mi), m == mi
        if mk:
            out[sel] = (v[sel] * mk[0] + (1 << (mk[1] - 1))) >> mk[1]
    return out


def frac_bits(maxabs):
    """format=auto: 15 minus the integer bits of maxabs, in [0, 30]
    (frexp's exponent is floor(log2(maxabs)) + 1, exactly)."""
    return 15 if maxabs == 0 else min(max(15 - math.frexp(maxabs)[1], 0), 30)


def quant_types(nodes, cal, mode, fmt):
    """(scale, zero point, lo, hi) of each value, from calibration."""
    parent = {n[0]: n[0] for n in nodes}  # union-find of the type classes

    def root(n):
        while parent[n] != n:
            n = parent[n]
        return n
    read = {nodes[-1][0]}  # values read by a type-changing op, or returned
    for name, op, ins, _ in nodes:
        for i in ins:
            if op in PRESERVING:
                parent[root(i)] = root(name)
            else:
                read.add(i)
    lo, hi = {}, {}
    for sample in cal:
        for n, val in forward_float(nodes, sample).items():
            lo[n] = min(lo.get(n, np.inf), val.min())
            hi[n] = max(hi.get(n, -np.inf), val.max())
    types = {}
    for cls in {root(n) for n in parent}:
        members = [n for n in parent if root(n) == cls]
        ranged = [n for n in members if n in read] or members
        mn, mx = min(lo[n] for n in ranged), max(hi[n] for n in ranged)
        assert mx > mn, "degenerate range"
        if mode == "int8":
            mn, mx = min(mn, 0.0), max(mx, 0.0)
            scale = max((mx - mn) / 255, 1e-8)
            zp = int(np.clip(round_away(-128 - mn / scale), -128, 127))
            t = (scale, zp, -128, 127)
        else:
            f = frac_bits(max(-mn, mx)) if fmt == "auto" else int(fmt[3:])
            t = (2.0 ** -f, 0, -32768, 32767)
        types.update((n, t) for n in members)
    return types


def run_layer(x, a, tin, tout, mode, fmt):
    """A quantized conv2d or dense on x, integers without zero point."""
    w, b = a["w"], a["b"]
    if mode == "int8":  # weights per output channel, symmetric
        sw = np.maximum(np.abs(w.reshape(w.shape[0], -1)).max(1) / 127, 1e-8)
        sw_b = sw.reshape((-1,) + (1,) * (w.ndim - 1))
        wq = np.clip(round_away(w / sw_b), -127, 127).astype(np.int64)
        bq = round_away(b / (tin[0] * sw)).astype(np.int64)
        assert np.abs(bq).max() < 2 ** 31  # else scale_w would be raised
        acc = linear(x, wq, bq, a.get("pad"))
        m = (tin[0] * sw / tout[0]).reshape((-1,) + (1,) * (acc.ndim - 1))
        return np.clip(tout[1] + rescale(acc, m), tout[2], tout[3])
    f_in, f_out = 1 - math.frexp(tin[0])[1], 1 - math.frexp(tout[0])[1]
    if fmt == "auto":  # one f for the tensor, lowered until the bias fits
        f_w = frac_bits(np.abs(w).max())
        while np.abs(b).max() * 2.0 ** (f_in + f_w) >= 2 ** 31 - 1:
            f_w -= 1
    else:
        f_w = int(fmt[3:])
        assert np.abs(b).max() * 2.0 ** (f_in + f_w) < 2 ** 31 - 1
    wq = np.clip(round_away(w * 2.0 ** f_w), -32768, 32767).astype(np.int64)
    bq = round_away(b * 2.0 ** (f_in + f_w)).astype(np.int64)
    acc = linear(x, wq, bq, a.get("pad"))  # below 2^47
    s = f_in + f_w - f_out
    y = (acc + (1 << (s - 1))) >> s if s > 0 else acc << -s
    return np.clip(y, -32768, 32767)


def forward_int(nodes, types, x, mode, fmt):
    """The quantized model's dequantized output on one sample."""
    scale, zp, lo, hi = types["x"]
    inv = np.float32(1 / scale)  # f32 arithmetic, no fused multiply-add
    q = np.floor(x.astype(np.float32) * inv + np.float32(0.5)) + zp
    v = {"x": np.clip(q, lo, hi).astype(np.int64)}
    for name, op, ins, a in nodes[1:]:
        i, t, out = [v[n] for n in ins], [types[n] for n in ins], types[name]
        if op in ("conv2d", "dense"):  # padding is a real zero
            v[name] = run_layer(i[0] - t[0][1], a, t[0], out, mode, fmt)
        elif op == "relu":
            v[name] = np.maximum(i[0], out[1])
        elif op == "max_pool2d":
            v[name] = windows(i[0], a["k"], a["s"], 0, lo)[0].max(-1)
        elif op in ("avg_pool2d", "global_avg_pool"):
            win, real = windows(i[0] - t[0][1], *pool(a, i[0]), 0)
            m = t[0][0] / (out[0] * real.sum(-1))  # one M per count
            v[name] = np.clip(out[1] + rescale(win.sum(-1), m), out[2], out[3])
        elif op == "add":
            v[name] = np.clip(out[1] + sum(rescale(q - tq[1], tq[0] / out[0])
                                           for q, tq in zip(i, t)),
                              out[2], out[3])
        elif op == "reshape":
            v[name] = i[0].reshape(a["shape"])
        elif op == "concat":
            assert all(tq == out for tq in t)
            v[name] = np.concatenate(i)
    y, (scale, zp, _, _) = v[nodes[-1][0]], types[nodes[-1][0]]
    return np.float32(scale) * (y - zp).astype(np.float32)


def emit(nodes):
    """The float model as lcp IR text."""
    shapes = {n: (1,) + v.shape for n, v in
              forward_float(nodes, np.zeros((2, 6, 6))).items()}
    y = nodes[-1][0]
    out = ["func.func @main(%%x: %s) -> %s {" % (tensor(shapes["x"]),
                                                 tensor(shapes[y]))]
    for name, op, ins, a in nodes[1:]:
        args = ["%" + n for n in ins]
        types = [tensor(shapes[n]) for n in ins]
        for c in ("w", "b") if "w" in a else ():
            out.append("  %%%s_%s = lcp.constant dense<%s> : %s" % (
                name, c, literal(a[c]), tensor(a[c].shape)))
            args.append("%%%s_%s" % (name, c))
            types.append(tensor(a[c].shape))
        attrs = ["kernel = array<i64: %(k)d, %(k)d>" % a,
                 "strides = array<i64: %(s)d, %(s)d>" % a] if "k" in a else []
        attrs += ["pads = array<i64: %(pad)d, %(pad)d, %(pad)d, %(pad)d>" % a
                  ] if a.get("pad") else []
        attrs += ["axis = 1 : i64"] if op == "concat" else []
        out.append("  %%%s = lcp.%s %s%s : (%s) -> %s" % (
            name, op, ", ".join(args),
            " {%s}" % ", ".join(attrs) if attrs else "",
            ", ".join(types), tensor(shapes[name])))
    out += ["  return %%%s : %s" % (y, tensor(shapes[y])), "}"]
    return "\n".join(out) + "\n"


def make_data(d):
    rng = np.random.default_rng(1)
    cal = rng.integers(-8, 9, (16, 2, 6, 6)) / 4.0
    assert cal.min() == -2 and cal.max() == 2
    x = np.round(rng.uniform(-2.25, 2.25, (8, 2, 6, 6)) * 2 ** 14) / 2 ** 14
    # int8 ties: the input's inv_scale is float32(255 / 4); keep the
    # candidates t = (n + 1/2) / inv_scale whose f32 product is exact.
    inv, half = np.float32(1 / (4 / 255)), np.arange(-127, 127) + 0.5
    t = np.float32(half / inv)
    t = t[t * inv == half]
    x.flat[rng.choice(x.size, t.size, replace=False)] = t
    np.save(os.path.join(d, "cal.npy"), cal.astype(np.float32))
    np.save(os.path.join(d, "x.npy"), x.astype(np.float32))


def main(argv):
    nodes = build_net()
    if argv[1] == "net":
        with open(argv[2], "w") as f:
            f.write(emit(nodes))
        return
    if argv[1] == "data":
        return make_data(argv[2])
    mode, fmt, d = argv[2:5]
    assert argv[1] in ("expect", "check")
    assert (fmt == "-") == (mode != "fixed16")
    xs = np.load(os.path.join(d, "x.npy"))
    if mode == "float":
        ys = [forward_float(nodes, x, strict=False)[nodes[-1][0]] for x in xs]
    else:
        types = quant_types(nodes, np.load(os.path.join(d, "cal.npy")),
                            mode, fmt)
        ys = [forward_int(nodes, types, x, mode, fmt) for x in xs]
    ys = np.array(ys, np.float32)
    if argv[1] == "expect":
        return np.save(os.path.join(d, "expect.npy"), ys)
    # check: lcp-run's --expect tolerance, 1e-4 + 1e-4 |b|, exceeds a step
    # of fixed16 outputs; compare exactly and name the integers.
    out = np.load(os.path.join(d, "out.npy")).reshape(ys.shape)
    bad = np.flatnonzero(out != ys)
    if bad.size == 0:
        return print("output 0 is exact (%d elements)" % ys.size)
    scale, zp = types[nodes[-1][0]][:2]
    q = [int(round(v.flat[bad[0]] / scale)) + zp for v in (out, ys)]
    sys.exit("output 0: %d of %d elements differ; first at flat index %d: "
             "lcp-run's integer %d, the oracle's %d" % (bad.size, ys.size,
                                                     bad[0], *q))


if __name__ == "__main__":
    main(sys.argv)

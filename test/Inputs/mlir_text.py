"""Writing lcp IR text from NumPy, for the test generators in
test/*/Inputs/*.py (import with sys.path pointing here)."""


def literal(a, digits=8):
    """A `dense<...>` body for the NumPy array `a`."""
    if a.ndim == 1:
        return "[" + ", ".join("%.*e" % (digits, v) for v in a) + "]"
    return "[" + ", ".join(literal(s, digits) for s in a) + "]"


def tensor(shape, element="f32"):
    """`tensor<AxBx...xf32>` for a shape."""
    return "tensor<" + "x".join(str(d) for d in shape) + "x" + element + ">"

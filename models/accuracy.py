#!/usr/bin/env python3
"""Fashion-MNIST test-set accuracy of an lcp model or package.

Runs `lcp-run` (the reference evaluator on .onnx/.mlir/.mlirbc, or the
runtime on a package folder) on the 10,000 test images of Debian's
dataset-fashion-mnist, normalised as models/train.py trains, and prints the
accuracy. Needs only NumPy.

  /usr/bin/python3 models/accuracy.py --lcp-run build/bin/lcp-run MODEL [MODEL ...]
"""

import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fmnist  # noqa: E402


def test_set(limit=10000):
    """The first `limit` test images, normalised, and their labels."""
    images, labels = fmnist.load("t10k")
    return fmnist.normalized(images[:limit]), \
        labels[:limit].astype(np.int64)


def correct(lcp_run, model, inputs, labels):
    """How many of the images in `inputs` (a .npy path) `model` classifies
    as `labels` says, run by `lcp_run`."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "logits.npy")
        subprocess.run([lcp_run, model, "--input", inputs, "--output", out],
                       check=True)
        return int((np.load(out).argmax(axis=1) == labels).sum())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lcp-run", required=True)
    parser.add_argument("--limit", type=int, default=10000,
                        help="use the first N test images")
    parser.add_argument("models", nargs="+")
    args = parser.parse_args()

    x, y = test_set(args.limit)
    with tempfile.TemporaryDirectory() as tmp:
        inputs = os.path.join(tmp, "x.npy")
        np.save(inputs, x)
        for model in args.models:
            n = correct(args.lcp_run, model, inputs, y)
            print("%s: %d of %d correct, accuracy %.2f %%" % (
                os.path.basename(model.rstrip("/")), n, len(y),
                100.0 * n / len(y)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

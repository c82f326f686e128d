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

MEAN, STD = np.float32(fmnist.MEAN), np.float32(fmnist.STD)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lcp-run", required=True)
    parser.add_argument("--limit", type=int, default=10000,
                        help="use the first N test images")
    parser.add_argument("models", nargs="+")
    args = parser.parse_args()

    images, labels = fmnist.load("t10k")
    x = (images[:args.limit].astype(np.float32) / np.float32(255.0) - MEAN) / STD
    x = x[:, None, :, :].astype(np.float32)
    y = labels[:args.limit].astype(np.int64)
    with tempfile.TemporaryDirectory() as tmp:
        inputs = os.path.join(tmp, "x.npy")
        np.save(inputs, x)
        for model in args.models:
            out = os.path.join(tmp, "logits.npy")
            subprocess.run([args.lcp_run, model, "--input", inputs,
                            "--output", out], check=True)
            logits = np.load(out)
            correct = int((logits.argmax(axis=1) == y).sum())
            print("%s: %d of %d correct, accuracy %.2f %%" % (
                os.path.basename(model.rstrip("/")), correct, len(y),
                100.0 * correct / len(y)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Debian's dataset-fashion-mnist: the IDX files as NumPy arrays.

Shared by train.py and accuracy.py (which must run without PyTorch). Run as
a script, it writes a calibration set for `lcp-quantize`: N training images
(never test images), normalised as the models were trained,

  /usr/bin/python3 models/fmnist.py --calibration cal.npy --count 500
"""

import argparse
import gzip
import os
import sys

import numpy as np

DATA_DIR = "/usr/share/datasets/fashion-mnist"
# The training set's mean and standard deviation of pixels in [0, 1].
MEAN, STD = 0.2860, 0.3530


def read_idx(path):
    """An IDX file (gzip) as a numpy array (uint8)."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big")
            for i in range(ndim)]
    return np.frombuffer(data, np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load(kind):
    """(images, labels) of "train" or "t10k", as uint8 arrays."""
    images = read_idx(os.path.join(DATA_DIR, "%s-images-idx3-ubyte.gz" % kind))
    labels = read_idx(os.path.join(DATA_DIR, "%s-labels-idx1-ubyte.gz" % kind))
    return images, labels


def normalized(images):
    """uint8 images (N x 28 x 28) as the models' f32 input, N x 1 x 28 x 28:
    pixels in [0, 1], then (x - MEAN) / STD, as train.py trains."""
    x = (images.astype(np.float32) / np.float32(255.0) - np.float32(MEAN)) \
        / np.float32(STD)
    return x[:, None, :, :].astype(np.float32)


def calibration_set(count, seed=0):
    """`count` training images drawn without replacement, normalised."""
    images, _ = load("train")
    pick = np.random.default_rng(seed).choice(len(images), count,
                                              replace=False)
    return normalized(images[np.sort(pick)])


def main():
    parser = argparse.ArgumentParser(description="Write a calibration set")
    parser.add_argument("--calibration", required=True, metavar="OUT.npy")
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    np.save(args.calibration, calibration_set(args.count, args.seed))
    return 0


if __name__ == "__main__":
    sys.exit(main())

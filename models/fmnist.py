"""Debian's dataset-fashion-mnist: the IDX files as NumPy arrays.

Shared by train.py and accuracy.py (which must run without PyTorch)."""

import gzip
import os

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

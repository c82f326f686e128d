"""Shared fixtures of the Python package's tests.

Run from the repository root after a build (scripts/test.sh does):

    PYTHONPATH=build/python /usr/bin/python3 -m pytest test/python

LCP_BUILD names the build folder (default build/), whose bin/ holds lcp-run.
"""
import os
import pathlib

import numpy as np
import pytest

import lcp

ROOT = pathlib.Path(__file__).resolve().parents[2]
MODELS = ROOT / "test" / "models"
BUILD = pathlib.Path(os.environ.get("LCP_BUILD", ROOT / "build")).resolve()

# The zoo tests' tolerance against PyTorch's logits (test/zoo/cpu-lenet.test).
ATOL = RTOL = 1e-4


@pytest.fixture(scope="session")
def packages(tmp_path_factory):
    """Compiles a zoo model once per session: packages("lenet_split4")."""
    folder = tmp_path_factory.mktemp("packages")
    built = {}

    def get(name):
        if name not in built:
            built[name] = lcp.compile(MODELS / f"{name}.onnx", output=folder / name)
        return built[name]

    return get


@pytest.fixture(scope="session")
def fmnist():
    """64 Fashion-MNIST test images and the lenet models' PyTorch logits."""
    images = np.load(MODELS / "fmnist_test_sample.input.npy")
    logits = {
        n: np.load(MODELS / f"{n}.output.npy")
        for n in ("lenet_split1", "lenet_split4", "lenet_split8")
    }
    return images, logits

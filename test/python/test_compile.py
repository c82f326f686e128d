"""lcp.compile: passes, progress, and errors that carry lcp-compile's
diagnostics; and the installed package."""
import json
import os
import subprocess

import numpy as np
import pytest

import lcp
from conftest import ATOL, MODELS, RTOL


def test_passes_and_progress(fmnist, tmp_path):
    images, logits = fmnist
    lines = []
    package = lcp.compile(
        MODELS / "lenet_split1.onnx",
        output=tmp_path / "split4",
        passes=[("lcp-split", {"branches": 4})],
        progress=lines.append,
    )
    assert any(l.startswith("lcp-compile: package") for l in lines), lines
    manifest = json.loads((tmp_path / "split4" / "manifest.json").read_text())
    assert sum(u["kind"] == "branch" for u in manifest["units"]) == 4
    # Splitting an original model changes what it computes; the result is
    # still the model lcp-run computes for the same pass (checked against
    # PyTorch where the zoo has a trained Split4, test_model.py).
    model = lcp.load(package)
    assert model(images[:1]).shape == (1, 10)


def test_pass_spellings():
    assert lcp._pass_flag("lcp-split=branches=4") == "--lcp-split=branches=4"
    assert lcp._pass_flag("--lcp-outline-branches") == "--lcp-outline-branches"
    assert lcp._pass_flag(("lcp-prune", {"sparsity": 0.5, "finetune": False})) == (
        "--lcp-prune=sparsity=0.5 finetune=false"
    )
    with pytest.raises(ValueError, match="a pass is a string"):
        lcp._pass_flag(3)


def test_bad_model_raises_compile_error_with_diagnostics(tmp_path):
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(b"\x08\x03\x12\x07garbage")
    with pytest.raises(lcp.CompileError) as e:
        lcp.compile(bad, output=tmp_path / "pkg")
    assert e.value.diagnostics and str(bad) in e.value.diagnostics[0]
    assert str(e.value) == e.value.diagnostics[0]
    assert not (tmp_path / "pkg").exists()


def test_unknown_pass_and_target(tmp_path):
    with pytest.raises(lcp.CompileError, match="lcp-no-such-pass"):
        lcp.compile(MODELS / "tiny_split2.onnx", output=tmp_path / "a", passes=["lcp-no-such-pass"])
    with pytest.raises(lcp.CompileError, match="gpu"):
        lcp.compile(MODELS / "tiny_split2.onnx", output=tmp_path / "b", target="gpu")


def test_missing_model(tmp_path):
    with pytest.raises(lcp.Error, match="absent.onnx: no such model file"):
        lcp.compile(tmp_path / "absent.onnx", output=tmp_path / "pkg")


def test_installed_package_imports_anywhere():
    # The README's setup command installs the package into site-packages:
    # no PYTHONPATH needed, and it is the build's version.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    out = subprocess.run(
        ["/usr/bin/python3", "-c", "import lcp; print(lcp.__version__, lcp.__file__)"],
        cwd="/", env=env, capture_output=True, text=True,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split()[0] == lcp.__version__

"""lcp.load and Model.run: agreement with PyTorch and lcp-run, the errors
users meet, and calls from several threads."""
import shutil
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

import lcp
from conftest import ATOL, BUILD, MODELS, ROOT, RTOL


def run_all(model, images):
    return np.concatenate([model(images[i : i + 1]) for i in range(len(images))])


def test_describes_inputs_and_outputs(packages):
    model = lcp.load(packages("lenet_split4"))
    assert model.inputs == [lcp.TensorSpec("input", (1, 1, 28, 28), "float32")]
    assert model.outputs == [lcp.TensorSpec("logits", (1, 10), "float32")]
    assert model.threads == 1
    assert "lenet_split4" in repr(model)


@pytest.mark.parametrize("name", ["lenet_split1", "lenet_split4", "lenet_split8"])
@pytest.mark.parametrize("threads", [1, 2])
def test_agrees_with_pytorch(packages, fmnist, name, threads):
    images, logits = fmnist
    model = lcp.load(packages(name), threads=threads)
    np.testing.assert_allclose(run_all(model, images), logits[name], rtol=RTOL, atol=ATOL)


def test_agrees_with_lcp_run_bit_for_bit(packages, fmnist, tmp_path):
    images, _ = fmnist
    package = packages("lenet_split4")
    out = tmp_path / "out.npy"
    subprocess.run(
        [BUILD / "bin" / "lcp-run", package, "--input", MODELS / "fmnist_test_sample.input.npy",
         "--output", out],
        check=True, capture_output=True,
    )
    ours = run_all(lcp.load(package), images)
    assert np.array_equal(ours, np.load(out))


def test_inputs_by_name_and_non_contiguous_arrays(packages, fmnist):
    images, logits = fmnist
    model = lcp.load(packages("lenet_split4"))
    x = images[3:4]
    expected = model(x)
    assert np.array_equal(model.run(input=x), expected)
    assert np.array_equal(model({"input": x}), expected)
    # A transposed copy transposed back is not C-contiguous: copied once.
    strided = np.ascontiguousarray(x.transpose(0, 1, 3, 2)).transpose(0, 1, 3, 2)
    assert not strided.flags.c_contiguous
    assert np.array_equal(model(strided), expected)
    # Each call returns new arrays.
    again = model(x)
    assert again is not expected and np.array_equal(again, expected)


@pytest.mark.parametrize(
    "value, message",
    [
        (np.zeros((1, 1, 28, 28), np.float64), "input 'input' must have dtype float32, got float64"),
        (np.zeros((1, 28, 28), np.float32), "input 'input' has rank 3, expected shape (1, 1, 28, 28)"),
        (np.zeros((2, 1, 28, 28), np.float32), "input 'input' has shape (2, 1, 28, 28), expected shape (1, 1, 28, 28)"),
        ([[0.0]], "input 'input' must be a NumPy array of shape (1, 1, 28, 28) and dtype float32, got list"),
    ],
)
def test_bad_inputs_raise_value_error_naming_the_input(packages, value, message):
    model = lcp.load(packages("lenet_split4"))
    with pytest.raises(ValueError) as e:
        model(value)
    assert str(e.value).startswith(message)


def test_bad_calls_raise_value_error(packages):
    model = lcp.load(packages("lenet_split4"))
    x = np.zeros((1, 1, 28, 28), np.float32)
    with pytest.raises(ValueError, match=r"takes 1 input\(s\) \['input'\], got 2"):
        model(x, x)
    with pytest.raises(ValueError, match="unknown input 'image'"):
        model(image=x)
    with pytest.raises(ValueError, match="in order or by name, not both"):
        model(x, input=x)
    with pytest.raises(ValueError, match="threads must be a positive integer, got 0"):
        model.threads = 0
    with pytest.raises(ValueError, match="threads must be a positive integer"):
        lcp.load(packages("lenet_split4"), threads=1.5)


def test_missing_package_names_the_folder(tmp_path):
    with pytest.raises(lcp.PackageError, match=f"{tmp_path}/absent: not a package folder"):
        lcp.load(tmp_path / "absent")
    (tmp_path / "empty").mkdir()
    with pytest.raises(lcp.PackageError, match="manifest.json") as e:
        lcp.load(tmp_path / "empty")
    assert e.value.status == "io"


def test_tampered_package_names_the_file(packages, tmp_path):
    copy = tmp_path / "pkg"
    shutil.copytree(packages("lenet_split4"), copy)
    weights = copy / "weights.safetensors"
    data = bytearray(weights.read_bytes())
    data[-1] ^= 0xFF
    weights.write_bytes(bytes(data))
    with pytest.raises(lcp.PackageError, match="weights.safetensors") as e:
        lcp.load(copy)
    assert e.value.status == "format"


def test_manifest_that_disagrees_with_the_weights(packages, tmp_path):
    copy = tmp_path / "pkg"
    shutil.copytree(packages("lenet_split4"), copy)
    subprocess.run(
        [sys.executable, ROOT / "test" / "tools" / "Inputs" / "tamper_package.py", copy,
         "weights-dtype"],
        check=True,
    )
    with pytest.raises(lcp.PackageError, match=r"weights.safetensors: weight '.*' is i32"):
        lcp.load(copy)


def test_threads_share_a_model_and_run_their_own(packages, fmnist):
    images, _ = fmnist
    package = packages("lenet_split4")
    expected = run_all(lcp.load(package), images)
    shared = lcp.load(package, threads=2)
    results, errors = {}, []

    def work(key, model):
        try:
            for _ in range(5):
                results[key] = run_all(model, images)
                assert np.array_equal(results[key], expected)
        except BaseException as e:  # reported by the main thread
            errors.append(e)

    threads = [threading.Thread(target=work, args=(("shared", i), shared)) for i in range(3)]
    threads += [threading.Thread(target=work, args=(("own", i), lcp.load(package))) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert len(results) == 6


def test_runs_release_the_gil(packages):
    # With a switch interval of 100 s, a thread gives up the GIL only when
    # it blocks or calls C code that releases it. The main thread, waking
    # from its sleep, can therefore only get the GIL back while the worker
    # is inside a run (if runs release it) or once the worker has finished
    # (if they do not). This holds however busy the machine is.
    model = lcp.load(packages("lenet_split4"))
    x = np.zeros(model.inputs[0].shape, np.float32)
    phase = ["before"]

    def worker():
        for _ in range(5000):
            phase[0] = "in a run"
            model(x)
            phase[0] = "between runs"
        phase[0] = "done"

    interval = sys.getswitchinterval()
    sys.setswitchinterval(100)
    try:
        thread = threading.Thread(target=worker)
        thread.start()
        time.sleep(0.01)
        seen = phase[0]
    finally:
        sys.setswitchinterval(interval)
        thread.join()
    assert seen == "in a run"


def test_library_that_does_not_load_is_an_error_not_a_crash(packages, tmp_path):
    # A package whose code is not a loadable library (another machine's, or
    # damaged) with checksums brought up to date: dlopen's error, named.
    import hashlib
    import json

    copy = tmp_path / "pkg"
    shutil.copytree(packages("lenet_split4"), copy)
    library = copy / "cpu" / "libmodel.so"
    library.write_bytes(b"\x7fELF but not really")
    manifest_path = copy / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["files"]["cpu/libmodel.so"] = hashlib.sha256(library.read_bytes()).hexdigest()
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(lcp.PackageError, match="libmodel.so"):
        lcp.load(copy)

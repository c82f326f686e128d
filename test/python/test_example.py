"""The example in runtime/examples/python runs as documented."""
import subprocess
import sys

from conftest import ROOT


def test_split_latency_example(tmp_path):
    out = subprocess.run(
        [sys.executable, ROOT / "runtime" / "examples" / "python" / "split_latency.py",
         "--out", tmp_path, "--runs", "20"],
        capture_output=True, text=True,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    for name in ("lenet_split1", "lenet_split8"):
        assert f"{name}: largest difference from PyTorch" in out.stdout
        assert f"{name:16} threads=2: median" in out.stdout
    png = (tmp_path / "latency.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 10000

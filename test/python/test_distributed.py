"""lcp.load(..., workers=[...]): a package across lcp-workers on loopback
gives the bits one process gives, and a worker that dies is routed around."""
import os
import pathlib
import subprocess
import tempfile
import time

import numpy as np
import pytest

import lcp
from conftest import BUILD, MODELS

WORKER = BUILD / "bin" / "lcp-worker"

pytestmark = pytest.mark.skipif(
    not WORKER.exists(), reason="built without the distributed runtime (gRPC)"
)


@pytest.fixture
def workers():
    """Starts lcp-workers on free loopback ports: workers(4) -> addresses."""
    started = []
    folder = tempfile.mkdtemp(prefix="lcp-workers-")

    def start(count):
        addresses = []
        for i in range(len(started), len(started) + count):
            port_file = pathlib.Path(folder) / f"port{i}"
            process = subprocess.Popen(
                [str(WORKER), "--listen", "127.0.0.1:0", "--port-file", str(port_file)],
                stderr=subprocess.DEVNULL,
            )
            started.append(process)
            deadline = time.time() + 30
            while not port_file.exists():
                assert process.poll() is None, "lcp-worker exited"
                assert time.time() < deadline, "lcp-worker did not start"
                time.sleep(0.01)
            addresses.append(f"127.0.0.1:{port_file.read_text().strip()}")
        return addresses

    start.processes = started
    yield start
    for process in started:
        process.kill()
        process.wait()


@pytest.fixture(scope="module")
def split4(tmp_path_factory):
    folder = tmp_path_factory.mktemp("distributed") / "lenet4"
    return lcp.compile(
        MODELS / "lenet_split4.onnx", output=folder, passes=["lcp-outline-branches"]
    )


def test_runs_on_workers_bit_for_bit(split4, workers, fmnist):
    images, _ = fmnist
    local = lcp.load(split4)
    remote = lcp.load(split4, workers=workers(4))
    for k in range(8):
        x = images[k : k + 1]
        assert np.array_equal(remote(x), local(x))
    stats = remote.worker_stats()
    assert [w["calls"] for w in stats["workers"]] == [8, 8, 8, 8]
    assert all(w["live"] for w in stats["workers"])
    assert stats["failovers"] == 0
    assert stats["bytes_sent"] == 8 * 4 * images[0].nbytes


def test_a_dead_worker_is_routed_around(split4, workers, fmnist):
    images, _ = fmnist
    local = lcp.load(split4)
    addresses = workers(2)
    remote = lcp.load(split4, workers=addresses, deadline_ms=2000)
    workers.processes[0].kill()
    workers.processes[0].wait()
    for k in range(4):
        x = images[k : k + 1]
        assert np.array_equal(remote(x), local(x))
    stats = remote.worker_stats()
    assert not stats["workers"][0]["live"]
    assert stats["failovers"] >= 1


def test_bad_worker_lists_raise_value_error(split4):
    with pytest.raises(ValueError, match="a list of 'host:port' strings"):
        lcp.load(split4, workers="127.0.0.1:1")
    with pytest.raises(ValueError, match="expected host:port"):
        lcp.load(split4, workers=["nowhere"])
    with pytest.raises(ValueError, match="not a loopback address"):
        lcp.load(split4, workers=["192.0.2.1:7000"])
    with pytest.raises(ValueError, match="deadline_ms must be a positive integer"):
        lcp.load(split4, workers=["127.0.0.1:1"], deadline_ms=0)


def test_a_local_model_has_no_workers(split4):
    assert lcp.load(split4).worker_stats() == {
        "workers": [],
        "failovers": 0,
        "bytes_sent": 0,
        "bytes_received": 0,
    }

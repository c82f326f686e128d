"""lcp from Python: compile LCP models into packages and run them.

    import numpy as np
    import lcp

    lcp.compile("lenet_split4.onnx", output="lenet4.pkg")
    model = lcp.load("lenet4.pkg", threads=4)
    print(model.inputs)          # [TensorSpec(name='input', shape=(1, 1, 28, 28), dtype='float32')]
    logits = model(np.zeros((1, 1, 28, 28), np.float32))

Running needs only the runtime (lcp._runtime, no MLIR); compile() drives
the lcp-compile tool of the same build.
"""

import logging
import os
import re
import shutil
import subprocess
from typing import Callable, List, NamedTuple, Optional, Sequence, Tuple, Union

import numpy as np

from . import _runtime
from ._build import TOOLS_DIR, VERSION

__all__ = [
    "CompileError",
    "Error",
    "Model",
    "PackageError",
    "TensorSpec",
    "compile",
    "load",
]
__version__ = VERSION

_log = logging.getLogger("lcp")


class Error(Exception):
    """Every error lcp raises (besides ValueError for bad arguments)."""


class PackageError(Error):
    """A package that is missing, unreadable or not what its manifest says.

    The message names the file and the problem; `status` is the C API's
    status ("io", "format" or "execution").
    """

    def __init__(self, message: str, status: str):
        super().__init__(message)
        self.status = status


class CompileError(Error):
    """lcp-compile refused the model or failed.

    `diagnostics` holds its error lines ("FILE: error: ..."), `output` all
    that it printed.
    """

    def __init__(self, message: str, diagnostics: List[str], output: str):
        super().__init__(message)
        self.diagnostics = diagnostics
        self.output = output


class TensorSpec(NamedTuple):
    """A model input or output: its name, shape and NumPy dtype name."""

    name: str
    shape: Tuple[int, ...]
    dtype: str = "float32"


_STATUS_NAMES = {
    _runtime.STATUS_IO: "io",
    _runtime.STATUS_FORMAT: "format",
    _runtime.STATUS_EXECUTION: "execution",
}


def _raise_runtime_error(error: "_runtime.RuntimeError") -> None:
    status, message = error.args
    if status == _runtime.STATUS_ARGUMENT:
        raise ValueError(message) from None
    raise PackageError(message, _STATUS_NAMES.get(status, "unknown")) from None


class Model:
    """A loaded package. Call it (or run()) with NumPy arrays.

    One model runs one inference at a time: calls from several Python
    threads on the same model take turns (each releases the GIL), and
    models loaded separately run at the same time.
    """

    def __init__(
        self,
        package_dir: Union[str, os.PathLike],
        threads: int = 1,
        workers: Optional[Sequence[str]] = None,
        token: Optional[str] = None,
        tls_ca: Optional[Union[str, os.PathLike]] = None,
        insecure: bool = False,
        deadline_ms: int = 10000,
    ):
        self.path = os.fspath(package_dir)
        if not os.path.isdir(self.path):
            raise PackageError(
                f"{self.path}: not a package folder (no such directory)", "io"
            )
        if isinstance(workers, str):
            raise ValueError(
                "workers must be a list of 'host:port' strings, not one string"
            )
        workers = list(workers or [])
        for w in workers:
            if not isinstance(w, str) or not w or "," in w:
                raise ValueError(f"each worker must be a 'host:port' string, got {w!r}")
        if not isinstance(deadline_ms, int) or isinstance(deadline_ms, bool) or deadline_ms < 1:
            raise ValueError(f"deadline_ms must be a positive integer, got {deadline_ms!r}")
        try:
            self._model = _runtime.Model(
                self.path,
                workers=",".join(workers),
                token=token or "",
                tls_ca=os.fspath(tls_ca) if tls_ca else "",
                insecure=bool(insecure),
                deadline_ms=deadline_ms,
            )
        except _runtime.RuntimeError as e:
            _raise_runtime_error(e)
        self.inputs = [TensorSpec(n, tuple(s)) for n, s in self._model.inputs]
        self.outputs = [TensorSpec(n, tuple(s)) for n, s in self._model.outputs]
        self.threads = threads

    @property
    def threads(self) -> int:
        """Threads the branches run on (1 runs units one after another)."""
        return self._model.threads

    @threads.setter
    def threads(self, count: int) -> None:
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            raise ValueError(f"threads must be a positive integer, got {count!r}")
        self._model.set_threads(count)

    def worker_stats(self) -> dict:
        """What the workers did (distributed models): a dict with
        'workers' (per worker: address, live, joins, calls,
        calls_since_join, failures), 'failovers', 'bytes_sent' and
        'bytes_received'. Empty lists and zeros for a local model."""
        return self._model.worker_stats()

    def run(self, *args, **kwargs):
        """Runs one inference.

        Inputs are given in order, or by name as keywords, or as one dict
        {name: array}; each must be a float32 array of the input's shape.
        C-contiguous arrays are read in place; others are copied once.
        Returns the output array, or a tuple when the model has several.
        """
        arrays = self._bind(args, kwargs)
        try:
            results = self._model.run(arrays)
        except _runtime.RuntimeError as e:
            _raise_runtime_error(e)
        return results[0] if len(results) == 1 else tuple(results)

    __call__ = run

    def _bind(self, args, kwargs) -> List[np.ndarray]:
        if len(args) == 1 and isinstance(args[0], dict) and not kwargs:
            kwargs, args = args[0], ()
        if args and kwargs:
            raise ValueError("give the inputs in order or by name, not both")
        names = [t.name for t in self.inputs]
        if kwargs:
            unknown = sorted(set(kwargs) - set(names))
            if unknown:
                raise ValueError(
                    f"unknown input {unknown[0]!r}; the model's inputs are {names}"
                )
            missing = [n for n in names if n not in kwargs]
            if missing:
                raise ValueError(f"missing input {missing[0]!r}")
            args = tuple(kwargs[n] for n in names)
        if len(args) != len(self.inputs):
            raise ValueError(
                f"the model takes {len(self.inputs)} input(s) {names}, "
                f"got {len(args)}"
            )
        return [_check_input(spec, a) for spec, a in zip(self.inputs, args)]

    def __repr__(self) -> str:
        return f"lcp.Model({self.path!r}, inputs={self.inputs}, outputs={self.outputs})"


def _check_input(spec: TensorSpec, value) -> np.ndarray:
    if not isinstance(value, np.ndarray):
        raise ValueError(
            f"input {spec.name!r} must be a NumPy array of shape {spec.shape} "
            f"and dtype float32, got {type(value).__name__}"
        )
    if value.dtype != np.float32:
        raise ValueError(
            f"input {spec.name!r} must have dtype float32, got {value.dtype} "
            f"(convert with .astype(np.float32))"
        )
    if value.shape != spec.shape:
        found = f"rank {value.ndim}" if value.ndim != len(spec.shape) else f"shape {value.shape}"
        raise ValueError(f"input {spec.name!r} has {found}, expected shape {spec.shape}")
    return np.ascontiguousarray(value)


def load(
    package_dir: Union[str, os.PathLike],
    threads: int = 1,
    workers: Optional[Sequence[str]] = None,
    **distributed,
) -> Model:
    """Loads the package in `package_dir` (written by lcp-compile or
    compile()), checking its manifest, hashes and weights.

    With `workers` (["host:port", ...] of lcp-workers, or
    "device=host:port"), the branches or placed parts run on them and the
    rest here (docs/Distributed.md); `token`, `tls_ca`, `insecure` and
    `deadline_ms` are as lcp-run's flags."""
    return Model(package_dir, threads=threads, workers=workers, **distributed)


def _lcp_compile() -> str:
    """The lcp-compile to run: $LCP_COMPILE, the build's, or the one on PATH."""
    for candidate in (
        os.environ.get("LCP_COMPILE"),
        os.path.join(TOOLS_DIR, "lcp-compile") if TOOLS_DIR else None,
        shutil.which("lcp-compile"),
    ):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    raise Error(
        "cannot find lcp-compile: set LCP_COMPILE to its path or put it on PATH"
    )


PassSpec = Union[str, Tuple[str, dict]]


def _pass_flag(spec: PassSpec) -> str:
    if isinstance(spec, tuple) and len(spec) == 2 and isinstance(spec[1], dict):
        name, options = spec
        value = " ".join(f"{k}={_option_text(v)}" for k, v in options.items())
        return f"--{name}={value}" if value else f"--{name}"
    if isinstance(spec, str) and spec:
        return spec if spec.startswith("--") else "--" + spec
    raise ValueError(
        f"a pass is a string like 'lcp-split=branches=4' or a pair "
        f"('lcp-split', {{'branches': 4}}), got {spec!r}"
    )


def _option_text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value)
    return str(value)


def compile(
    model: Union[str, os.PathLike],
    output: Union[str, os.PathLike],
    target: str = "cpu",
    passes: Sequence[PassSpec] = (),
    fuse_stems: bool = True,
    jobs: int = 2,
    progress: Optional[Callable[[str], None]] = None,
) -> str:
    """Compiles `model` (.onnx, .mlir or .mlirbc) into the package folder
    `output` for `target` (lcp-compile --help lists them), running
    `passes` first, e.g. ["lcp-split=branches=4"] or
    [("lcp-quantize", {"mode": "int8"})].

    Each progress line goes to `progress` if given and to the "lcp" logger.
    Raises CompileError with the diagnostics when compilation fails.
    Returns the package folder.
    """
    model = os.fspath(model)
    output = os.fspath(output)
    if not os.path.isfile(model):
        raise Error(f"{model}: no such model file")
    if not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"jobs must be a positive integer, got {jobs!r}")
    command = [
        _lcp_compile(),
        model,
        f"--target={target}",
        f"--fuse-stems={'true' if fuse_stems else 'false'}",
        f"-j={jobs}",
        "-o",
        output,
    ] + [_pass_flag(p) for p in passes]
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
    )
    lines, diagnostics = [], []
    assert process.stdout is not None
    for line in process.stdout:
        line = line.rstrip("\n")
        lines.append(line)
        # Progress is "lcp-compile: <step> <what> <seconds> s" and remarks
        # say what a pass did; anything else is a diagnostic.
        if _PROGRESS.match(line) or ": remark: " in line:
            _log.info(line)
            if progress is not None:
                progress(line)
        elif line.strip():
            diagnostics.append(line)
    code = process.wait()
    if code != 0:
        first = diagnostics[0] if diagnostics else f"lcp-compile exited with {code}"
        raise CompileError(first, diagnostics, "\n".join(lines))
    for line in diagnostics:  # warnings of a compilation that succeeded
        _log.warning(line)
    return output


_PROGRESS = re.compile(r"^lcp-compile: \S+ .*\d+\.\d\d s$")

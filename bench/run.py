#!/usr/bin/env python3
"""lcp's CPU backend against ONNX Runtime and PyTorch, on one machine.

For each model: export the zoo member (random weights, fixed seed) to ONNX,
compile it with lcp-compile (timed), and measure batch-1 latency as the
median of RUNS timed runs after warm-up, at 1 and 2 threads, for
  - lcp: `lcp-run PKG --repeat` (time inside the process, per run),
  - ONNX Runtime: onnxruntime-node 1.30 on the same ONNX file
    (bench/ort_bench.js; about 12 us of its time per call is the Node
    binding, measured here on a no-op model and reported separately),
  - PyTorch 1.13: the zoo's own module with the same weights.
The FMA peak is probed before and after each model; a model whose probes
differ by more than 15 % is measured again. Results go to a Markdown table.

With --baseline OTHER_BUILD, each model is also compiled by that build's
lcp-compile and run by its lcp-run, interleaved with this build's runs (a
before/after comparison of a change in one run); the two packages' outputs
must be identical, bit for bit.

  /usr/bin/python3 bench/run.py --build build --out bench/RESULTS.md \
      [--models lenet:1,lenet:4,resnet18:8] [--runs 20] [--baseline DIR]
"""

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "models"))
import count  # noqa: E402
import export  # noqa: E402
import lcp_zoo  # noqa: E402

DEFAULT_MODELS = ("lenet:1,lenet:2,lenet:4,lenet:8,cifarnet:1,cifarnet:8,"
                  "vgg_s:1,vgg_s:8,alexnet:1,alexnet:8,vgg16:1,vgg16:8,"
                  "resnet18:1,resnet18:8,resnet50:1,resnet50:8,mobilenet:1,"
                  "mobilenet:8")


def machine_name():
    """The CPU's model name, as /proc/cpuinfo gives it."""
    try:
        with open("/proc/cpuinfo") as f:
            return next(l.split(":", 1)[1].strip() for l in f
                        if l.startswith("model name"))
    except (OSError, StopIteration):
        return platform.processor() or platform.machine()


def export_member(family, n, work):
    """The zoo member with random weights (seed 0) in eval mode, and its
    ONNX file in `work` (exported once)."""
    torch.manual_seed(0)
    model = lcp_zoo.build(family, n, 0)
    export.randomize_batchnorm(model, 0)
    model.eval()
    onnx_path = os.path.join(work, lcp_zoo.model_name(family, n) + ".onnx")
    if not os.path.exists(onnx_path):
        export.export(model, onnx_path)
    return model, onnx_path


def peak(probe, threads):
    out = subprocess.run([probe, str(threads)], capture_output=True,
                         text=True, check=True).stdout
    return float(out.strip())


def lcp_outputs(lcp_run, pkg, inputs, out):
    """Runs `pkg` once on `inputs` and returns the bytes of its output."""
    subprocess.run([lcp_run, pkg, "--input", inputs, "--output", out],
                   check=True, capture_output=True)
    with open(out, "rb") as f:
        return f.read()


def lcp_latency(lcp_run, pkg, inputs, threads, runs):
    out = subprocess.run([lcp_run, pkg, "--input", inputs, "--threads",
                          str(threads), "--repeat", str(runs + 1)],
                         capture_output=True, text=True)
    match = re.search(r"median ([0-9.]+) ms", out.stdout)
    if not match:
        raise RuntimeError("lcp-run failed: " + out.stderr)
    return float(match.group(1))


def ort_latency(onnx_path, threads, runs):
    out = subprocess.run(["node", os.path.join(HERE, "ort_bench.js"),
                          onnx_path, str(threads), str(runs), "5"],
                         capture_output=True, text=True, check=True,
                         cwd=HERE).stdout
    return json.loads(out)["median_ms"]


def torch_latency(model, x, threads, runs):
    torch.set_num_threads(threads)
    with torch.inference_mode():
        for _ in range(5):
            model(x)
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            model(x)
            times.append((time.perf_counter() - start) * 1e3)
    return sorted(times)[len(times) // 2]


def noop_model(path):
    """An ONNX model that only copies its input: ORT's per-call overhead."""
    class Copy(torch.nn.Module):
        def forward(self, x):
            return x + 0.0
    torch.onnx.export(Copy(), torch.zeros(1, 1, 1, 1), path,
                      opset_version=13)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", default=os.path.join(HERE, "..", "build"))
    parser.add_argument("--models", default=DEFAULT_MODELS)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--out", default=os.path.join(HERE, "RESULTS.md"))
    parser.add_argument("--work", help="keep exports and packages here")
    parser.add_argument("--baseline",
                        help="another build to measure side by side (its "
                        "lcp-compile and lcp-run)")
    args = parser.parse_args()

    lcp_compile = os.path.join(args.build, "bin", "lcp-compile")
    lcp_run = os.path.join(args.build, "bin", "lcp-run")
    work = args.work or tempfile.mkdtemp(prefix="lcp-bench-")
    os.makedirs(work, exist_ok=True)
    probe = os.path.join(work, "peak")
    subprocess.run(["g++", "-O3", "-march=native", "-o", probe,
                    os.path.join(HERE, "peak.cpp"), "-lpthread"], check=True)
    noop = os.path.join(work, "noop.onnx")
    noop_model(noop)
    ort_overhead = {t: ort_latency(noop, t, 200) for t in (1, 2)}

    rows = []
    for spec in args.models.split(","):
        family, n = spec.split(":")
        n = int(n)
        name = lcp_zoo.model_name(family, n)
        model, onnx_path = export_member(family, n, work)
        pkg = os.path.join(work, name + ".pkg")
        subprocess.run(["rm", "-rf", pkg], check=True)
        start = time.perf_counter()
        subprocess.run([lcp_compile, "-q", onnx_path, "-o", pkg], check=True)
        compile_s = time.perf_counter() - start
        if args.baseline:
            base_pkg = os.path.join(work, name + ".base.pkg")
            subprocess.run(["rm", "-rf", base_pkg], check=True)
            subprocess.run([os.path.join(args.baseline, "bin", "lcp-compile"),
                            "-q", onnx_path, "-o", base_pkg], check=True)
            base_run = os.path.join(args.baseline, "bin", "lcp-run")
        x = torch.from_numpy(np.random.default_rng(0).standard_normal(
            model.input_shape(1)).astype(np.float32))
        inputs = os.path.join(work, name + ".input.npy")
        np.save(inputs, x.numpy())
        macs = count.count_member(family, n, 0)["macs"]
        if args.baseline:
            ours = lcp_outputs(lcp_run, pkg, inputs,
                               os.path.join(work, name + ".out.npy"))
            theirs = lcp_outputs(base_run, base_pkg, inputs,
                                 os.path.join(work, name + ".base.out.npy"))
            if ours != theirs:
                raise RuntimeError(name + ": the baseline's package computes "
                                   "other outputs")
        for attempt in range(3):
            before = peak(probe, 1)
            result = {}
            for t in (1, 2):
                # A pause before each measurement lets the threads of the
                # one before (PyTorch's spin-waiting workers) go to sleep.
                time.sleep(0.5)
                result["lcp%d" % t] = lcp_latency(lcp_run, pkg, inputs, t,
                                                  args.runs)
                if args.baseline:
                    time.sleep(0.5)
                    result["base%d" % t] = lcp_latency(base_run, base_pkg,
                                                       inputs, t, args.runs)
                time.sleep(0.5)
                result["ort%d" % t] = ort_latency(onnx_path, t, args.runs)
                time.sleep(0.5)
                result["torch%d" % t] = torch_latency(model, x, t, args.runs)
            after = peak(probe, 1)
            if abs(after - before) <= 0.15 * max(before, after):
                break
        result.update(name=name, macs=macs, compile_s=compile_s,
                      peak1=min(before, after))
        rows.append(result)
        print(json.dumps(result), flush=True)

    machine = machine_name()
    lines = [
        "| model | MACs | lcp 1t ms | ORT 1t ms | torch 1t ms | lcp 2t ms "
        "| ORT 2t ms | torch 2t ms | lcp/ORT 1t | lcp/ORT 2t "
        "| lcp GFLOP/s 2t | % of 2-core peak | compile s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    # The goal is about LCP models (Split2 and up), at each thread count.
    lcp_ratios = {1: [], 2: []}
    for r in rows:
        flops = 2.0 * r["macs"]
        gflops = flops / (r["lcp2"] * 1e-3) / 1e9
        ratio1, ratio2 = r["lcp1"] / r["ort1"], r["lcp2"] / r["ort2"]
        if not r["name"].endswith("_split1"):
            lcp_ratios[1].append(ratio1)
            lcp_ratios[2].append(ratio2)
        lines.append(
            "| %s | %.1fM | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.2f "
            "| %.2f | %.1f | %.0f %% | %.1f |" % (
                r["name"], r["macs"] / 1e6, r["lcp1"], r["ort1"],
                r["torch1"], r["lcp2"], r["ort2"], r["torch2"], ratio1,
                ratio2, gflops, 100 * gflops / (2 * r["peak1"]),
                r["compile_s"]))
    def geomean(values):
        return float(np.exp(np.mean(np.log(values)))) if values else 0.0

    summary = ("Geometric mean of lcp/ORT over the LCP models (SplitN, N > 1): "
               "%.2f at 1 thread, %.2f at 2 threads; worst ratio %.2f at 1 "
               "thread, %.2f at 2 threads." % (
                   geomean(lcp_ratios[1]), geomean(lcp_ratios[2]),
                   max(lcp_ratios[1], default=0), max(lcp_ratios[2], default=0)))
    # Split8 over Split1 of the same family, lcp at 2 threads.
    by_name = {r["name"]: r for r in rows}
    speedups = []
    for r in rows:
        if r["name"].endswith("_split8"):
            base = by_name.get(r["name"][:-len("_split8")] + "_split1")
            if base:
                speedups.append("%s %.1fx" % (r["name"][:-len("_split8")],
                                              base["lcp2"] / r["lcp2"]))
    if speedups:
        summary += ("\n\nSpeedup of Split8 over Split1 (lcp, 2 threads): " +
                    ", ".join(speedups) + ".")
    if args.baseline:
        lines += ["", "| model | lcp 1t ms | baseline 1t ms | lcp/baseline 1t "
                  "| lcp 2t ms | baseline 2t ms | lcp/baseline 2t |",
                  "|---|---:|---:|---:|---:|---:|---:|"]
        for r in rows:
            lines.append("| %s | %.3f | %.3f | %.2f | %.3f | %.3f | %.2f |" % (
                r["name"], r["lcp1"], r["base1"], r["lcp1"] / r["base1"],
                r["lcp2"], r["base2"], r["lcp2"] / r["base2"]))
        summary += ("\n\nlcp/baseline, geometric mean over all models: %.3f "
                    "at 1 thread, %.3f at 2 threads; outputs identical." % (
                        geomean([r["lcp1"] / r["base1"] for r in rows]),
                        geomean([r["lcp2"] / r["base2"] for r in rows])))
    with open(args.out + ".table", "w") as f:
        f.write("Machine: %s, %d cores; FMA peak %.1f GFLOP/s per core "
                "(bench/peak.cpp). ONNX Runtime's per-call overhead on a "
                "no-op model: %.3f ms (1 thread), %.3f ms (2 threads); the "
                "ORT columns include it.\n\n" % (
                    machine, os.cpu_count(), max(r["peak1"] for r in rows) if rows else 0,
                    ort_overhead[1], ort_overhead[2]))
        f.write("\n".join(lines) + "\n\n" + summary + "\n")
    print("\n".join(lines))
    print(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())

# %% [markdown]
# # Split1 against Split8 from Python
#
# Compiles a zoo model's original form (Split1) and its LCP form with eight
# branches (Split8) into CPU packages, checks both against PyTorch's
# logits, and plots their latency on 1 and 2 threads. Run it as a script:
#
#     python3 runtime/examples/python/split_latency.py --out /tmp/split-latency
#
# or cell by cell (`# %%`) in an editor that knows the format.

# %%
import argparse
import os
import pathlib
import statistics
import time

import numpy as np

import lcp

ROOT = pathlib.Path(__file__).resolve().parents[3]
parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--family", default="lenet", choices=["lenet", "cifarnet"])
parser.add_argument("--models", type=pathlib.Path, default=ROOT / "test" / "models",
                    help="folder with <family>_split{1,8}.onnx and their PyTorch outputs")
parser.add_argument("--out", type=pathlib.Path, default=pathlib.Path("split-latency"),
                    help="where the packages and the plot go")
parser.add_argument("--runs", type=int, default=200, help="timed runs per case")
args = parser.parse_args()
args.out.mkdir(parents=True, exist_ok=True)

# %% [markdown]
# ## Compile both forms

# %%
models = {}
for split in (1, 8):
    name = f"{args.family}_split{split}"
    package = args.out / name
    print(f"compiling {name} ...", flush=True)
    lcp.compile(args.models / f"{name}.onnx", output=package)
    models[name] = lcp.load(package)
    print(" ", models[name])

# %% [markdown]
# ## Check them against PyTorch
#
# The zoo keeps the logits PyTorch computed for 64 Fashion-MNIST test images
# (both families were trained on Fashion-MNIST).

# %%
images = np.load(args.models / "fmnist_test_sample.input.npy")
for name, model in models.items():
    ours = np.concatenate([model(images[i:i + 1]) for i in range(len(images))])
    torch_logits = np.load(args.models / f"{name}.output.npy")
    worst = float(np.max(np.abs(ours - torch_logits)))
    assert np.allclose(ours, torch_logits, rtol=1e-4, atol=1e-4), worst
    print(f"{name}: largest difference from PyTorch {worst:.2e}")

# %% [markdown]
# ## Time them
#
# The median of `--runs` single-image inferences, after a warm-up, on one
# thread and on two (Split8's branches run side by side).

# %%
x = images[:1]
latency = {}
for name, model in models.items():
    for threads in (1, 2):
        model.threads = threads
        for _ in range(20):
            model(x)
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            model(x)
            times.append(time.perf_counter() - start)
        latency[name, threads] = statistics.median(times) * 1e3
        print(f"{name:16} threads={threads}: median {latency[name, threads]:.3f} ms")

# %% [markdown]
# ## Plot

# %%
import matplotlib

matplotlib.use("Agg")  # no display needed
import matplotlib.pyplot as plt

fig, ax = plt.subplots(figsize=(6, 3.5))
names = list(models)
width = 0.35
for k, threads in enumerate((1, 2)):
    values = [latency[n, threads] for n in names]
    bars = ax.bar([i + k * width for i in range(len(names))], values, width,
                  label=f"{threads} thread{'s' if threads > 1 else ''}")
    ax.bar_label(bars, fmt="%.3f")
ax.set_xticks([i + width / 2 for i in range(len(names))], names)
ax.set_ylabel("median latency (ms)")
ax.set_title(f"{args.family}: Split1 against Split8 ({os.cpu_count()} cores)")
ax.legend()
fig.tight_layout()
plot = args.out / "latency.png"
fig.savefig(plot, dpi=120)
print(f"plot: {plot}")

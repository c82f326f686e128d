#!/usr/bin/env python3
"""Train LeNet-5 and CifarNet (1x28x28) on Fashion-MNIST, as LCP splits.

Trains ten models on the CPU: lenet and cifarnet (the zoo's 28x28
adaptations, see lcp_zoo.py) in Split1, Split2, Split4, Split8 and
Split8-f40. Each is evaluated on the full 10,000-image test set, exported to
ONNX (opset 13, static batch 1, input "input" [1,1,28,28], output "logits"
[1,10]) and checked against the zoo's op set.

Files written to --out (default test/models):
  <family>_split<n>[_f40].onnx        each model (must stay under 2 MB)
  <family>_split<n>[_f40].output.npy  torch's logits for the sample, [64,10]
                                      float32
  fmnist_test_sample.input.npy        the first 64 test images, [64,1,28,28]
                                      float32, normalised as in training
  fmnist_test_sample.labels.npy       their labels, [64] int64
and the accuracy table to --doc (default docs/Accuracy.md).

Data: Debian's dataset-fashion-mnist (/usr/share/datasets/fashion-mnist,
IDX files). Pixels are scaled to [0, 1] and normalised with the training
set's mean 0.2860 and standard deviation 0.3530: x = (p / 255 - 0.2860) /
0.3530. No augmentation. Adam, learning rate 2e-3 falling linearly to 0
over the run, batch 128, cross-entropy, fixed seeds,
torch.set_num_threads(2).

Usage (Debian's python3-torch and dataset-fashion-mnist):
  /usr/bin/python3 models/train.py
  /usr/bin/python3 models/train.py --epochs-lenet 1 --epochs-cifarnet 1 \\
      --out /tmp/fmnist --doc /tmp/Accuracy.md      # a quick trial
"""

import argparse
import gzip
import json
import os
import platform
import sys
import time

import numpy as np
import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import count as zoo_count  # noqa: E402
import export as zoo_export  # noqa: E402
import lcp_zoo  # noqa: E402

DATA_DIR = "/usr/share/datasets/fashion-mnist"
MEAN, STD = 0.2860, 0.3530
SAMPLE = 64
SEED = 0
LR = 2e-3
BATCH = 128
MAX_ONNX_BYTES = 2 * 1024 * 1024
FAMILIES = ("lenet", "cifarnet")
SPLITS = ((1, 0), (2, 0), (4, 0), (8, 0), (8, 40))


def read_idx(path):
    """An IDX file (gzip) as a numpy array (uint8)."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big")
            for i in range(ndim)]
    return np.frombuffer(data, np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load_split(kind):
    images = read_idx(os.path.join(DATA_DIR, "%s-images-idx3-ubyte.gz" % kind))
    labels = read_idx(os.path.join(DATA_DIR, "%s-labels-idx1-ubyte.gz" % kind))
    x = torch.from_numpy(images.astype(np.float32) / 255.0)
    x = ((x - MEAN) / STD).unsqueeze(1).contiguous()      # [N,1,28,28]
    y = torch.from_numpy(labels.astype(np.int64))
    return x, y


def evaluate(model, x, y, batch=1000):
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(x), batch):
            correct += (model(x[i:i + batch]).argmax(1)
                        == y[i:i + batch]).sum().item()
    return correct / len(x)


def train_one(family, n, fatten, epochs, train, test, seed):
    torch.manual_seed(seed)
    model = lcp_zoo.build(family, n, fatten, num_classes=10, in_channels=1,
                          input_size=28)
    optimizer = torch.optim.Adam(model.parameters(), lr=LR)
    x, y = train
    steps = epochs * ((len(x) + BATCH - 1) // BATCH)
    # Learning rate falls linearly from LR to 0 over the whole run.
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: 1.0 - step / steps)
    loss_fn = nn.CrossEntropyLoss()
    generator = torch.Generator().manual_seed(seed)
    start = time.time()
    for epoch in range(epochs):
        model.train()
        order = torch.randperm(len(x), generator=generator)
        total = 0.0
        for i in range(0, len(x), BATCH):
            idx = order[i:i + BATCH]
            optimizer.zero_grad()
            loss = loss_fn(model(x[idx]), y[idx])
            loss.backward()
            optimizer.step()
            schedule.step()
            total += loss.item() * len(idx)
        print("  %s epoch %d: train loss %.4f (%.0f s)"
              % (lcp_zoo.model_name(family, n, fatten), epoch + 1,
                 total / len(x), time.time() - start), flush=True)
    seconds = time.time() - start
    return model.eval(), seconds


def save_npy(path, array, dtype):
    np.save(path, np.ascontiguousarray(array, dtype=dtype), allow_pickle=False)


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def write_doc(path, results, epochs, total_seconds, command, cpu_seconds):
    by = {(r["family"], r["split"], r["fatten"]): r for r in results}
    cols = [(n, f) for n, f in SPLITS]
    head = " | ".join("Split%d%s" % (n, "-f%d" % f if f else "")
                      for n, f in cols)
    lines = []
    w = lines.append
    w("# Accuracy of the trained LCP models (Fashion-MNIST)")
    w("")
    w("Generated by `models/train.py`; the models, sample inputs and torch's")
    w("outputs it wrote are in `test/models/` (see `models/README.md`).")
    w("")
    w("## Measured test accuracy (full 10,000-image test set)")
    w("")
    w("| model | " + head + " |")
    w("|---|" + "---:|" * len(cols))
    for family, label in (("lenet", "LeNet-5 (1x28x28, conv1 pad 2)"),
                          ("cifarnet", "CifarNet (1x28x28 adaptation)")):
        cells = []
        for n, f in cols:
            r = by.get((family, n, f))
            cells.append("%.2f %%" % (100 * r["accuracy"]) if r else "-")
        w("| %s | %s |" % (label, " | ".join(cells)))
    w("")
    w("Parameters (Conv + Linear weights and biases, `models/count.py`) and "
      "ONNX file sizes:")
    w("")
    w("| model | " + head + " |")
    w("|---|" + "---:|" * len(cols))
    for family in FAMILIES:
        cells = []
        for n, f in cols:
            r = by.get((family, n, f))
            cells.append("%d (%.0f kB)" % (r["params"], r["onnx_bytes"] / 1e3)
                         if r else "-")
        w("| %s | %s |" % (family, " | ".join(cells)))
    w("")
    w("## How it was measured")
    w("")
    w("- Command: `%s`" % command)
    w("- Epochs: %d for LeNet-5, %d for CifarNet (every split the same); "
      "Adam, learning rate %g falling linearly to 0 over the run, batch %d, "
      "cross-entropy, no augmentation; seed %d for every model; "
      "`torch.set_num_threads(2)`." % (epochs["lenet"], epochs["cifarnet"],
                                       LR, BATCH, SEED))
    w("- Data: Debian's `dataset-fashion-mnist` (60,000 training, 10,000 "
      "test images); pixels scaled to [0, 1] and normalised as "
      "(x - %.4f) / %.4f." % (MEAN, STD))
    w("- Training time per model (seconds): " + ", ".join(
        "%s %.0f" % (r["name"], r["seconds"]) for r in results) + ".")
    w("- Total wall time of the command: %.1f minutes (training, evaluation, "
      "export and checks); CPU time of the process (both threads): %.1f "
      "minutes."
      % (total_seconds / 60, cpu_seconds / 60))
    w("- Epoch budget: the target is all ten models in under 15 minutes on "
      "two cores shared with other jobs. Debian's torch 1.13 runs the Linear "
      "layers on the reference BLAS (libblas3), which takes about 40 %% of a "
      "CifarNet training step, and one CifarNet epoch takes 1 to 2 minutes "
      "per model when the machine is not loaded by other jobs, so CifarNet "
      "gets %d epoch(s) and LeNet-5 %d."
      % (epochs["cifarnet"], epochs["lenet"]))
    w("- Machine: %d cores (`nproc`), CPU `%s`, shared with other jobs "
      "while this ran (times are indicative); torch %s, Python %s."
      % (os.cpu_count(), cpu_model(), torch.__version__,
         platform.python_version()))
    w("")
    w("The epoch counts are small so that all ten models train in minutes on")
    w("two CPU cores (see 'Epoch budget' above); the accuracies")
    w("are therefore below what longer training reaches, and differences of a")
    w("point or less between neighbouring splits should not be read as")
    w("significant: only one seed was trained per model.")
    w("")
    w("## Beside the paper's Table II")
    w("")
    w("Table II of the paper (Hadidi et al., arXiv 2003.06464) gives")
    w("accuracy against split: each model family as its original and as")
    w("Split2, Split4 and Split8, on the paper's own data sets and training")
    w("budgets. Its shape, in words: accuracy stays close to the original")
    w("for few branches and drops as the number of branches grows (each")
    w("branch gets narrower), and fattening the branches wins back part of")
    w("that drop. The paper's numbers are not repeated here. The table above")
    w("has the same layout (accuracy against split, Split8-f40 as the")
    w("fattened point); every number in it was measured by the command")
    w("above, none is taken from the paper.")
    w("")
    for family, label in (("lenet", "LeNet-5"), ("cifarnet", "CifarNet")):
        acc = [by.get((family, n, f)) for n, f in cols]
        if None in acc:
            continue
        a = ["%.2f %%" % (100 * r["accuracy"]) for r in acc]
        w("Measured here, %s: %s (Split1), %s, %s, %s (Split8), and %s for "
          "Split8-f40." % (label, a[0], a[1], a[2], a[3], a[4]))
    w("")
    w("")
    with open(path, "w") as f:
        f.write("\n".join(lines))


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Train LeNet/CifarNet LCP splits on Fashion-MNIST.")
    parser.add_argument("--out", default=os.path.join(HERE, "..", "test",
                                                      "models"))
    parser.add_argument("--doc", default=os.path.join(HERE, "..", "docs",
                                                      "Accuracy.md"))
    parser.add_argument("--epochs-lenet", type=int, default=4)
    parser.add_argument("--epochs-cifarnet", type=int, default=2)
    parser.add_argument("--families", default=",".join(FAMILIES))
    args = parser.parse_args(argv)
    torch.set_num_threads(2)
    os.makedirs(args.out, exist_ok=True)
    epochs = {"lenet": args.epochs_lenet, "cifarnet": args.epochs_cifarnet}
    command = "/usr/bin/python3 models/train.py" + "".join(
        " " + a for a in (argv if argv is not None else sys.argv[1:]))

    start, cpu_start = time.time(), time.process_time()
    train, test = load_split("train"), load_split("t10k")
    assert len(train[0]) == 60000 and len(test[0]) == 10000
    sample_x, sample_y = test[0][:SAMPLE], test[1][:SAMPLE]
    save_npy(os.path.join(args.out, "fmnist_test_sample.input.npy"),
             sample_x.numpy(), "<f4")
    save_npy(os.path.join(args.out, "fmnist_test_sample.labels.npy"),
             sample_y.numpy(), "<i8")

    results = []
    for family in args.families.split(","):
        for n, fatten in SPLITS:
            name = lcp_zoo.model_name(family, n, fatten)
            print("%s: training %d epochs" % (name, epochs[family]),
                  flush=True)
            model, seconds = train_one(family, n, fatten, epochs[family],
                                       train, test, SEED)
            accuracy = evaluate(model, *test)
            with torch.no_grad():
                logits = model(sample_x)
            save_npy(os.path.join(args.out, name + ".output.npy"),
                     logits.numpy(), "<f4")
            onnx_path = os.path.join(args.out, name + ".onnx")
            zoo_export.export(model, onnx_path)
            params = zoo_count.count(model)["params"]
            _, problems = zoo_export.check(onnx_path, params)
            size = os.path.getsize(onnx_path)
            if size >= MAX_ONNX_BYTES:
                problems.append("%s is %d bytes (limit 2 MB)"
                                % (onnx_path, size))
            if problems:
                raise SystemExit("%s: %s" % (name, "; ".join(problems)))
            results.append({"name": name, "family": family, "split": n,
                            "fatten": fatten, "epochs": epochs[family],
                            "accuracy": accuracy, "seconds": seconds,
                            "params": params, "onnx_bytes": size})
            print("%s: test accuracy %.2f %% (%d params, %.0f kB ONNX, "
                  "%.0f s)" % (name, 100 * accuracy, params, size / 1e3,
                               seconds), flush=True)
    total = time.time() - start
    write_doc(args.doc, results, epochs, total, command,
              time.process_time() - cpu_start)
    print(json.dumps(results, indent=1))
    print("total %.1f minutes" % (total / 60))
    return 0


if __name__ == "__main__":
    sys.exit(main())

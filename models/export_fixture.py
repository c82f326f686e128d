#!/usr/bin/env python3
"""Export a tiny two-branch LCP network to ONNX, plus reference inputs/outputs.

LCP (Low-Communication Parallelization) replaces a CNN by n narrow,
independent, full-depth branches that all read the same input; the branch
outputs are concatenated and fed to a single final classifier. This script
builds the smallest useful instance of that shape (n = 2, "Split2") for a
1x28x28 (Fashion-MNIST-shaped) input, exports it to ONNX and records what
PyTorch computes for it, so that lcp's importer and code generators can be
checked against PyTorch without PyTorch being installed.

Files written to --out:
  tiny_split2.onnx               the model (opset 13, weights embedded,
                                 batch dimension dynamic as "N")
  tiny_split2.input.npy          [1,1,28,28] float32 input
  tiny_split2.output.npy         [1,10]      float32 PyTorch output for it
  tiny_split2.batch3.input.npy   [3,1,28,28] float32 input
  tiny_split2.batch3.output.npy  [3,10]      float32 PyTorch output for it

All .npy files are written with np.save: format version 1.0, dtype '<f4',
C order.

Usage (needs Debian's python3-torch and python3-numpy; torch 1.13):
  /usr/bin/python3 models/export_fixture.py --out test/models
"""

import argparse
import os
import sys

import numpy as np
import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import onnx_graph  # noqa: E402  (reads ONNX without the onnx package)

NUM_BRANCHES = 2
NUM_CLASSES = 10
MODEL_SEED = 0          # seeds the weights and batch-norm statistics
INPUT_SEED = 1          # seeds the single-image input
BATCH_INPUT_SEED = 2    # seeds the batch-of-3 input
OPSET = 13


class Branch(nn.Module):
    """One narrow, full-depth LCP branch: 1x28x28 -> 8*7*7 features."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(4)
        self.relu1 = nn.ReLU()
        self.pool1 = nn.MaxPool2d(2)                                  # 28 -> 14
        self.conv2 = nn.Conv2d(4, 8, 3, stride=1, padding=1, bias=True)
        self.relu2 = nn.ReLU()
        self.pool2 = nn.AvgPool2d(2)                                  # 14 -> 7

    def forward(self, x):
        x = self.pool1(self.relu1(self.bn1(self.conv1(x))))
        x = self.pool2(self.relu2(self.conv2(x)))
        # Flatten with view() on purpose: with a dynamic batch dimension the
        # exporter turns this into Shape -> Gather -> Unsqueeze -> Concat
        # feeding Reshape, which the importer must handle.
        return x.view(x.size(0), -1)


class TinyLCP(nn.Module):
    """Split2 LCP network: two independent branches + one final classifier."""

    def __init__(self, num_branches=NUM_BRANCHES, num_classes=NUM_CLASSES):
        super().__init__()
        self.branches = nn.ModuleList(Branch() for _ in range(num_branches))
        self.classifier = nn.Linear(num_branches * 8 * 7 * 7, num_classes)

    def forward(self, x):
        # Every branch reads the same input; nothing is exchanged between
        # branches until this concatenation.
        features = torch.cat([branch(x) for branch in self.branches], dim=1)
        return self.classifier(features)


def build_model():
    """Seeded model in eval mode with non-trivial batch-norm parameters."""
    torch.manual_seed(MODEL_SEED)
    model = TinyLCP()
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, nn.BatchNorm2d):
                c = module.num_features
                # Defaults (mean 0, var 1, weight 1, bias 0) would make
                # batch norm nearly the identity; randomise all four so that
                # folding or evaluating it is actually tested.
                module.running_mean.copy_(0.5 * torch.randn(c))
                module.running_var.copy_(0.5 + torch.rand(c))   # in [0.5, 1.5)
                module.weight.copy_(1.0 + 0.5 * torch.randn(c))
                module.bias.copy_(0.5 * torch.randn(c))
    model.eval()
    return model


def save_npy(path, tensor):
    """Save as little-endian float32, C order; np.save picks npy v1.0."""
    array = np.ascontiguousarray(tensor.detach().cpu().numpy(), dtype="<f4")
    np.save(path, array, allow_pickle=False)


def seeded_input(batch, seed):
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(batch, 1, 28, 28, generator=generator)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True,
                        help="directory for the .onnx and .npy files")
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)

    model = build_model()
    onnx_path = os.path.join(args.out, "tiny_split2.onnx")

    # The tiny model is far below the 2 GB protobuf limit, so torch embeds
    # every initializer in the .onnx file (no external data files).
    torch.onnx.export(
        model,
        seeded_input(1, INPUT_SEED),
        onnx_path,
        export_params=True,
        opset_version=OPSET,
        do_constant_folding=True,
        input_names=["input"],
        output_names=["logits"],
        dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}},
    )

    # Reference data: PyTorch's own outputs for seeded inputs.
    with torch.no_grad():
        for stem, batch, seed in (("tiny_split2", 1, INPUT_SEED),
                                  ("tiny_split2.batch3", 3, BATCH_INPUT_SEED)):
            x = seeded_input(batch, seed)
            y = model(x)
            assert tuple(y.shape) == (batch, NUM_CLASSES)
            save_npy(os.path.join(args.out, stem + ".input.npy"), x)
            save_npy(os.path.join(args.out, stem + ".output.npy"), y)

    # For the record: the ONNX ops the exporter produced, in node order.
    graph = onnx_graph.read_model(onnx_path)
    nodes = graph["nodes"]
    print("torch %s, opset %d, %d nodes in %s"
          % (torch.__version__, OPSET, len(nodes), onnx_path))
    for n in nodes:
        print("  %-12s %-28s %s -> %s" % (n["op"], n["name"],
                                         ", ".join(n["inputs"]),
                                         ", ".join(n["outputs"])))
    print("op types used:", ", ".join(onnx_graph.op_types(graph)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Prune a trained zoo model's filters as lcp-prune chose them, then
fine-tune it on Fashion-MNIST.

lcp-prune's structured mode writes the filters it keeps
(`--lcp-prune="mode=structured ratio=R channels=kept.json"`), per unit (b0,
b1, ..., merge; `model` for an unsplit model) and per width-choosing layer
in order: each convolution that is not grouped and each dense layer. This
script builds the zoo module (`lcp_zoo.build`, 1x28x28, 10 classes), loads
the trained weights from the model's ONNX file (its initializers are the
module's state), keeps the same filters in the same layers (gathering each
next layer's input channels, the flattened features and the classifier's
columns alike), optionally fine-tunes it (Adam, as models/train.py trains,
at a tenth of its learning rate), and exports it to ONNX. With 0 epochs the
export computes what lcp's pruned model computes.

  /usr/bin/python3 models/finetune.py test/models/lenet_split4.onnx \\
      --family lenet --split 4 --channels kept.json --epochs 2 \\
      --out lenet_split4_pruned.onnx
"""

import argparse
import json
import os
import sys

import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import export as zoo_export  # noqa: E402
import lcp_zoo  # noqa: E402
import onnx_graph  # noqa: E402


def chooses_width(module):
    return (isinstance(module, nn.Conv2d) and module.groups == 1) or \
        isinstance(module, nn.Linear)


def gathered(module, outs, ins):
    """A copy of a Conv2d or Linear keeping output rows `outs` and input
    channels `ins` (None: all)."""
    weight = module.weight.data[outs]
    if ins is not None:
        weight = weight[:, ins]
    if isinstance(module, nn.Conv2d):
        new = nn.Conv2d(weight.shape[1], weight.shape[0], module.kernel_size,
                        module.stride, module.padding, module.dilation,
                        bias=module.bias is not None)
    else:
        new = nn.Linear(weight.shape[1], weight.shape[0],
                        bias=module.bias is not None)
    new.weight.data.copy_(weight)
    if module.bias is not None:
        new.bias.data.copy_(module.bias.data[outs])
    return new


def prune_sequential(seq, layers, ins):
    """Prunes the width-choosing layers of `seq` in order along `layers`
    (JSON entries, consumed); returns the kept output channels of the
    last one (or `ins` if none)."""
    for i, module in enumerate(seq):
        if chooses_width(module):
            if not layers:
                sys.exit("finetune.py: the channels file lists fewer layers "
                         "than the model has")
            kept = layers.pop(0)["kept"]
            seq[i] = gathered(module, kept, ins)
            ins = kept
        elif isinstance(module, nn.BatchNorm2d):
            raise SystemExit("finetune.py: batch norm is not supported; fold "
                             "it first (lcp-fold-batchnorm)")
    return ins


def prune(model, units):
    by_unit = {u["unit"]: list(u["layers"]) for u in units}
    x = torch.zeros(model.input_shape(1))
    columns, offset = [], 0
    for b, branch in enumerate(model.branches):
        layers = by_unit.get("b%d" % b, by_unit.get("model"))
        if layers is None:
            sys.exit("finetune.py: the channels file has no unit b%d" % b)
        with torch.no_grad():
            features = branch.features(x)
        channels = prune_sequential(branch.features, layers, None)
        inner = features[0, 0].numel()
        flat = None if channels is None else [
            c * inner + s for c in channels for s in range(inner)]
        kept = prune_sequential(branch.head, layers, flat)
        width = branch.out_features
        kept = list(range(width)) if kept is None else kept
        columns += [offset + c for c in kept]
        offset += width
        branch.out_features = len(kept)
        if "model" not in by_unit and layers:
            sys.exit("finetune.py: unit b%d lists more layers than the "
                     "branch has" % b)
    model.classifier = gathered(
        model.classifier, list(range(model.classifier.out_features)), columns)
    return model


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("onnx", help="the trained model (from train.py)")
    parser.add_argument("--family", required=True, choices=lcp_zoo.FAMILIES)
    parser.add_argument("--split", type=int, required=True)
    parser.add_argument("--fatten", type=int, default=0)
    parser.add_argument("--channels", required=True,
                        help="lcp-prune's channels=FILE output")
    parser.add_argument("--epochs", type=int, default=0)
    parser.add_argument("--out", required=True, help="the pruned ONNX file")
    args = parser.parse_args(argv)
    torch.set_num_threads(2)

    model = lcp_zoo.build(args.family, args.split, args.fatten,
                          num_classes=10, in_channels=1, input_size=28)
    weights = onnx_graph.read_weights(args.onnx)
    state = {k: torch.from_numpy(v.copy()) for k, v in weights.items()}
    model.load_state_dict(state)
    with open(args.channels) as f:
        prune(model, json.load(f)["units"])
    model.eval()
    if args.epochs > 0:
        import train
        train_set = train.load_split("train")
        test_x, test_y = train.load_split("t10k")
        before = train.evaluate(model, test_x, test_y)
        train.fit(model, args.epochs, train_set, seed=0, lr=train.LR / 10,
                  label=os.path.basename(args.out))
        after = train.evaluate(model, test_x, test_y)
        print("test accuracy: %.2f %% pruned, %.2f %% after %d epoch(s)"
              % (100 * before, 100 * after, args.epochs))
    zoo_export.export(model, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Count parameters and MACs of a zoo member the way lcp counts them.

What is counted (the same on the PyTorch and the compiler side):
  * params: weights and biases of Conv and Linear layers only, after
    batch-norm folding. BatchNorm adds no parameters of its own: folding
    merges it into the conv before it and gives that conv a bias if it had
    none, and that bias IS counted (out_channels values). Dropout, LRN,
    pooling, ReLU and Add have no parameters.
  * MACs: for a conv out_c * out_h * out_w * (in_c / groups) * kh * kw, for
    a Linear in * out. Biases, BatchNorm, LRN, pooling, ReLU, Add and Concat
    add no MACs.
Batch size 1. Units: branch0 .. branch{n-1} (each branch's convs and hidden
Linears) and merge (the final Linear).

Usage:
  /usr/bin/python3 models/count.py --family resnet18 --split 4 --fatten 0
      -> {"family": "resnet18", "split": 4, "fatten": 0, "params": ...,
          "macs": ..., "units": [{"name": "branch0", ...}, ...,
                                 {"name": "merge", ...}]}
  /usr/bin/python3 models/count.py --all          # Markdown table, every
      family x Split1/2/4/8 (F = 0) plus Split8-f40
"""

import argparse
import json
import os
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lcp_zoo  # noqa: E402


def count(model):
    """{'params', 'macs', 'units': [{'name', 'params', 'macs'}]} of a model.

    Runs one forward pass (batch 1) with hooks to get output shapes and to
    find the convs whose output goes straight into a BatchNorm.
    """
    names = {m: name for name, m in model.named_modules()}
    calls, keep = [], []

    def hook(module, inputs, output):
        keep.append(output)                  # keep ids unique while counting
        calls.append((module, id(inputs[0]), id(output), tuple(output.shape)))

    handles = [m.register_forward_hook(hook) for m in model.modules()
               if isinstance(m, (nn.Conv2d, nn.Linear, nn.BatchNorm2d))]
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            model(torch.zeros(model.input_shape(1)))
    finally:
        for h in handles:
            h.remove()
        model.train(was_training)

    bn_inputs = {in_id for m, in_id, _, _ in calls
                 if isinstance(m, nn.BatchNorm2d)}
    units = {}
    for module, _, out_id, shape in calls:
        if isinstance(module, nn.BatchNorm2d):
            continue
        weight = module.weight.numel()
        if isinstance(module, nn.Conv2d):
            has_bias = module.bias is not None or out_id in bn_inputs
            params = weight + (module.out_channels if has_bias else 0)
            macs = weight * shape[2] * shape[3]    # weight = out*in/g*kh*kw
        else:
            params = weight + (module.out_features
                               if module.bias is not None else 0)
            macs = weight
        name = names[module]
        if name.startswith("branches."):
            unit = "branch" + name.split(".")[1]
        elif name == "classifier":
            unit = "merge"
        else:
            raise ValueError("layer %s is in no unit" % name)
        p, m = units.get(unit, (0, 0))
        units[unit] = (p + params, m + macs)
    order = ["branch%d" % i for i in range(len(model.branches))] + ["merge"]
    unit_list = [{"name": u, "params": units[u][0], "macs": units[u][1]}
                 for u in order]
    return {"params": sum(u["params"] for u in unit_list),
            "macs": sum(u["macs"] for u in unit_list),
            "units": unit_list}


def count_member(family, n=1, fatten=0, **kwargs):
    torch.manual_seed(0)
    model = lcp_zoo.build(family, n, fatten, **kwargs)
    result = {"family": family, "split": n, "fatten": fatten}
    result.update(count(model))
    return result


def _human(x):
    for div, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if x >= div:
            return "%.2f%s" % (x / div, suffix)
    return str(x)


def table():
    rows = ["| family | split | params | (exact) | MACs | (exact) "
            "| params per branch | merge params |",
            "|---|---|---:|---:|---:|---:|---:|---:|"]
    for family in lcp_zoo.FAMILIES:
        for n, fatten in ((1, 0), (2, 0), (4, 0), (8, 0), (8, 40)):
            r = count_member(family, n, fatten)
            label = "Split%d%s" % (n, "-f%d" % fatten if fatten else "")
            rows.append("| %s | %s | %s | %d | %s | %d | %d | %d |" % (
                family, label, _human(r["params"]), r["params"],
                _human(r["macs"]), r["macs"], r["units"][0]["params"],
                r["units"][-1]["params"]))
            sys.stdout.flush()
    return "\n".join(rows)


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Count params and MACs of a zoo member (BN folded).")
    parser.add_argument("--family", choices=sorted(lcp_zoo.FAMILIES))
    parser.add_argument("--split", type=int, default=1)
    parser.add_argument("--fatten", type=int, default=0)
    parser.add_argument("--num-classes", type=int)
    parser.add_argument("--in-channels", type=int)
    parser.add_argument("--input-size", type=int)
    parser.add_argument("--all", action="store_true",
                        help="Markdown table of every family x Split1/2/4/8 "
                             "(F=0) and Split8-f40")
    args = parser.parse_args(argv)
    torch.set_num_threads(min(2, torch.get_num_threads()))
    if args.all:
        print(table())
        return 0
    if not args.family:
        parser.error("--family or --all is required")
    print(json.dumps(count_member(args.family, args.split, args.fatten,
                                  num_classes=args.num_classes,
                                  in_channels=args.in_channels,
                                  input_size=args.input_size)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

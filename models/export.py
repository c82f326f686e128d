#!/usr/bin/env python3
"""Export any zoo member to ONNX (opset 13) and check the exported graph.

  /usr/bin/python3 models/export.py --family resnet18 --split 4 --fatten 0 \\
      -o out.onnx

The model is randomly initialised with a fixed seed (--seed, default 0) and
non-trivial BatchNorm statistics, unless --weights names a state_dict saved
with torch.save. It is exported in eval mode (the exporter folds BatchNorm
into the convs and drops Dropout), with do_constant_folding=True, a static
input "input" of shape [1, C, H, W] and an output "logits" of shape
[1, classes], weights embedded.

After exporting, the script reads the file back (without the onnx package)
and fails (exit 1) unless
  * every node is one of Conv, Relu, MaxPool, AveragePool,
    GlobalAveragePool, Gemm, MatMul, Add, Mul, Concat, Flatten, Reshape, LRN,
    BatchNormalization, Clip, Softmax, Dropout, Identity, Constant, Pad, and
    every Pad feeds only Conv/MaxPool/AveragePool;
  * the weights and biases of its Conv and Gemm nodes add up to exactly the
    parameter count of models/count.py for the same member.
It prints the op types, node count, parameter count and file size.
"""

import argparse
import collections
import os
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import count as zoo_count  # noqa: E402
import lcp_zoo  # noqa: E402
import onnx_graph  # noqa: E402

OPSET = 13


def randomize_batchnorm(model, seed):
    """Give every BatchNorm non-default statistics so folding is visible."""
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, nn.BatchNorm2d):
                c = module.num_features
                module.running_mean.copy_(
                    0.1 * torch.randn(c, generator=generator))
                module.running_var.copy_(
                    0.5 + torch.rand(c, generator=generator))
                module.weight.copy_(
                    1.0 + 0.1 * torch.randn(c, generator=generator))
                module.bias.copy_(0.1 * torch.randn(c, generator=generator))


def export(model, path, seed=0):
    """Export an LCPNet to ONNX opset 13 with a static batch of 1."""
    model.eval()
    generator = torch.Generator().manual_seed(seed)
    example = torch.randn(model.input_shape(1), generator=generator)
    with torch.no_grad():
        torch.onnx.export(
            model, example, path,
            export_params=True,
            opset_version=OPSET,
            do_constant_folding=True,
            training=torch.onnx.TrainingMode.EVAL,
            input_names=["input"],
            output_names=["logits"])


def check(path, expected_params=None):
    """Read the export back; return (graph, problems)."""
    graph = onnx_graph.read_model(path)
    problems = onnx_graph.check_ops(graph)
    if graph["opset"] != OPSET:
        problems.append("opset %s, expected %d" % (graph["opset"], OPSET))
    if expected_params is not None:
        got = onnx_graph.conv_gemm_params(graph)
        if got != expected_params:
            problems.append("Conv/Gemm parameters %d != count.py's %d"
                            % (got, expected_params))
    return graph, problems


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Export a zoo member to ONNX (opset 13).")
    parser.add_argument("--family", required=True,
                        choices=sorted(lcp_zoo.FAMILIES))
    parser.add_argument("--split", type=int, default=1)
    parser.add_argument("--fatten", type=int, default=0)
    parser.add_argument("--num-classes", type=int)
    parser.add_argument("--in-channels", type=int)
    parser.add_argument("--input-size", type=int)
    parser.add_argument("--weights", help="state_dict (torch.save) to load")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("-o", "--output", required=True)
    args = parser.parse_args(argv)
    torch.set_num_threads(min(2, torch.get_num_threads()))

    torch.manual_seed(args.seed)
    model = lcp_zoo.build(args.family, args.split, args.fatten,
                          num_classes=args.num_classes,
                          in_channels=args.in_channels,
                          input_size=args.input_size)
    if args.weights:
        model.load_state_dict(torch.load(args.weights, map_location="cpu"))
    else:
        randomize_batchnorm(model, args.seed)
    expected = zoo_count.count(model)["params"]
    export(model, args.output, args.seed)

    graph, problems = check(args.output, expected)
    ops = collections.Counter(n["op"] for n in graph["nodes"])
    print("%s: %s, %d nodes, %d params, %.2f MB" % (
        args.output, lcp_zoo.model_name(args.family, args.split, args.fatten),
        len(graph["nodes"]), onnx_graph.conv_gemm_params(graph),
        os.path.getsize(args.output) / 1e6))
    print("  ops: " + ", ".join("%s x%d" % kv for kv in sorted(ops.items())))
    print("  input %s, output %s" % (graph["inputs"], graph["outputs"]))
    for p in problems:
        print("ERROR: " + p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

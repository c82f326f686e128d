"""Exports a torchvision model (random weights, eval mode) to ONNX opset 13
and prints what PyTorch counts for it: parameters of its convolutions and
linear layers after batch-norm folding (a folded conv gains a bias), and
their MACs. An oracle for lcp-report on models lcp has never seen."""

import sys

import torch
import torch.nn as nn
import torchvision

name, path = sys.argv[1], sys.argv[2]
torch.manual_seed(0)
kwargs = {"aux_logits": False, "init_weights": True} if name == "googlenet" else {}
model = getattr(torchvision.models, name)(**kwargs).eval()

params = macs = 0
folded = set()
modules = list(model.modules())
for before, after in zip(modules, modules[1:]):
    if isinstance(before, nn.Conv2d) and isinstance(after, nn.BatchNorm2d):
        folded.add(before)
shapes = {}
hooks = [m.register_forward_hook(
    lambda m, i, o: shapes.__setitem__(m, tuple(o.shape)))
    for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
with torch.no_grad():
    model(torch.zeros(1, 3, 224, 224))
for m, shape in shapes.items():
    params += m.weight.numel()
    if m.bias is not None or m in folded:
        params += m.weight.shape[0]
    macs += m.weight.numel() * (shape[2] * shape[3] if len(shape) == 4 else 1)
torch.onnx.export(model, torch.randn(1, 3, 224, 224), path, opset_version=13,
                  do_constant_folding=True)
print("torch: params %d macs %d" % (params, macs))

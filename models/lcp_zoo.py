#!/usr/bin/env python3
"""The LCP model zoo: eight CNN families, each as an original and as SplitN.

LCP (Low-Communication Parallelization, Hadidi et al., arXiv 2003.06464)
replaces a wide CNN by n narrow, independent, full-depth branches that all
read the same input. Each branch is a copy of the original's feature
extractor *and* of its hidden classifier layers (everything but the final
Linear), with every width divided by n. The n branch outputs are flattened,
concatenated and fed to ONE final ``nn.Linear(num_classes)`` (the "merge").
There are no edges between branches before that concatenation; residual
shortcuts (ResNet) stay inside their branch, depthwise convolutions
(MobileNet) stay depthwise (groups = the branch's channel count).

Width rule (the one rule of the zoo)
------------------------------------
Every width w of the original (conv output channels, hidden Linear features)
becomes, in SplitN fattened by F percent::

    width(w) = max(1, floor(max(1, floor(w / n)) * (100 + F) / 100))

computed in integers (the minimum of 1 is applied before fattening too; for
F < 100 that changes nothing, and it is the rule lcp-split uses). Split1 with F = 0 is the original. The final Linear's
output (num_classes) is never divided or fattened; its input is the sum of
the n branch output widths. Floor division with a minimum of 1 is what
reproduces the paper's LeNet-5 figures (61.7k, 31.5k, 16.1k, 8.8k for
Split1/2/4/8; 61,706 / 31,466 / 16,094 / 8,834 here). Rounding up or to
nearest does not: both give conv1 2 channels in Split4 (6/4 = 1.5) and
16,598 parameters (16.6k); ceil also gives 9,042 (9.0k) for Split8.

Families (input, pooling before the classifier, classifier)
-----------------------------------------------------------
=========  ===========  ======================  =================================
family     input        pooling at the end      classifier (hidden -> final)
=========  ===========  ======================  =================================
lenet      1x32x32 (*)  MaxPool 2x2 -> 16x5x5   120, 84 -> Linear(10)
cifarnet   3x32x32 (+)  MaxPool 2x2 -> 64x8x8   384, dropout, 192 -> Linear(10)
vgg_s      3x224x224    MaxPool 3x3/3 -> 512x6x6 4096, 4096 (dropout) -> Linear(1000)
alexnet    3x224x224    MaxPool 3x3/2 -> 256x5x5 4096, 4096 (dropout) -> Linear(1000)
vgg16      3x224x224    MaxPool 2x2 -> 512x7x7  4096, 4096 (dropout) -> Linear(1000)
resnet18   3x224x224    GlobalAveragePool 512   -> Linear(1000)
resnet50   3x224x224    GlobalAveragePool 2048  -> Linear(1000)
mobilenet  3x224x224    GlobalAveragePool 1024  -> Linear(1000)
=========  ===========  ======================  =================================

(*) lenet also takes 1x28x28 (input_size=28): conv1 then gets padding 2, so
    the network, its parameters and MACs are exactly those at 32x32.
(+) cifarnet at input_size=28 is the Fashion-MNIST adaptation: both 5x5
    convs unpadded and both pools 3x3 stride 2 unpadded (28->24->11->7->3),
    so the classifier sees 64x3x3 and Split1 has 401,546 parameters
    (1.6 MB as ONNX). Padded 5x5 convs with 2x2 pools, as at 32x32, would
    feed 64x7x7 to fc3 and give a 5.5 MB Split1.

Activations are ReLU everywhere (LeNet-5's original tanh/sigmoid
subsampling is replaced by ReLU + MaxPool, as usual). Where a family differs
from torchvision or from its paper:

* lenet: the classic LeNet-5 (conv 6, conv 16, fc 120, fc 84, fc 10).
* cifarnet: TF-slim's CifarNet: 5x5 convs (64, 64, SAME), 2x2/2 max-pools,
  LRN after pool1 and after conv2 (tf.nn.lrn depth_radius 4, bias 1,
  alpha 0.001/9, beta 0.75 == PyTorch size 9, alpha 0.001, k 1), fc 384,
  dropout 0.5, fc 192, logits.
* vgg_s: Chatfield et al. 2014 (VGG-CNN-S): conv 96 7x7/2, LRN (size 5,
  alpha 5e-4, beta 0.75, k 2, Caffe = PyTorch convention), max-pool 3x3/3,
  conv 256 5x5, max-pool 2x2/2, conv 512 x3, max-pool 3x3/3, fc 4096,
  4096, 1000. Caffe pools with ceil rounding and pads conv2 by 1; here pools
  use floor rounding (no ceil_mode in the graph) and conv2 is padded by 2.
  Both reach the same 512x6x6 map, so parameters are identical (102.9M);
  conv2's MACs are computed on 36x36 instead of 35x35.
* alexnet: the layer sizes of TF-slim's alexnet_v2 (conv 64 11x11/4 unpadded,
  192 5x5, 384, 384, 256 3x3; max-pools 3x3/2; 256x5x5 into fc 4096, 4096,
  1000). That is what the paper's 50.3M parameters match (50,303,912;
  torchvision's AlexNet, with 192->384->256->256 and 256x6x6, has 61.1M).
  LRN (size 5, alpha 1e-4, beta 0.75, k 2, as in Krizhevsky et al.) follows
  the ReLUs of conv1 and conv2, as in the original AlexNet; alexnet_v2 has
  none. LRN has no parameters, so the counts are unaffected.
* vgg16: torchvision's VGG16 (configuration D). torchvision's
  AdaptiveAvgPool2d((7, 7)) is dropped: at 224x224 it is the identity.
* resnet18 / resnet50: torchvision's (ResNet v1.5: the stride of a
  bottleneck sits on its 3x3 conv), BatchNorm after every conv.
* mobilenet: MobileNet v1 (Howard et al. 2017), width multiplier 1.0,
  BatchNorm + ReLU after every conv (ReLU, not Keras' ReLU6), no dropout.

BatchNorm is used only where the family has it (resnet*, mobilenet); its
convolutions have no bias, and the ONNX exporter folds each BatchNorm into
the conv before it (eval mode), which gives that conv a bias.

LRN: :class:`LRN` computes exactly ``nn.LocalResponseNorm`` (it calls the
same function) but exports as ONE ONNX ``LRN`` node instead of the ~20
elementwise ops torch 1.13 traces. PyTorch and ONNX agree on the formula
``x / (k + alpha/size * sum of squares)^beta`` and, for odd sizes, on the
window; even sizes are refused because the windows then differ (PyTorch
takes size//2 channels before c, ONNX floor((size-1)/2)).

Usage as a module::

    from lcp_zoo import build
    model = build("resnet18", n=4, fatten=0)          # 1000 classes, 224x224
    model = build("lenet", n=8, fatten=40, input_size=28)

``/usr/bin/python3 models/lcp_zoo.py`` runs the zoo's self-checks (LRN
against nn.LocalResponseNorm and against ONNX's LRN formula, the LeNet
figures, and a forward pass of every family at Split1/2/4/8).
"""

import sys
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F

__all__ = ["FAMILIES", "LRN", "LCPNet", "build", "width", "model_name"]


# ---------------------------------------------------------------------------
# Width rule
# ---------------------------------------------------------------------------

def width(w, n=1, fatten=0):
    """Width of a layer of original width w in SplitN fattened by F percent."""
    if n < 1 or fatten < 0:
        raise ValueError("need n >= 1 and fatten >= 0 (got n=%r, fatten=%r)"
                         % (n, fatten))
    return max(1, max(1, w // n) * (100 + fatten) // 100)


# ---------------------------------------------------------------------------
# LRN with a one-node ONNX export
# ---------------------------------------------------------------------------

class _LRNFunction(torch.autograd.Function):
    """Only used while exporting: forward = F.local_response_norm."""

    @staticmethod
    def forward(ctx, x, size, alpha, beta, k):
        return F.local_response_norm(x, size, alpha, beta, k)

    @staticmethod
    def symbolic(g, x, size, alpha, beta, k):
        # ONNX LRN: y = x / (bias + alpha / size * square_sum) ^ beta, the
        # same scaling as PyTorch (alpha is divided by size in both).
        with warnings.catch_warnings():
            # torch 1.13 warns that Graph.op will move (to GraphContext in
            # 1.14); it is still the way an autograd.Function emits a node.
            warnings.simplefilter("ignore", FutureWarning)
            return g.op("LRN", x, size_i=size, alpha_f=alpha, beta_f=beta,
                        bias_f=k)


class LRN(nn.LocalResponseNorm):
    """nn.LocalResponseNorm that exports as a single ONNX LRN node."""

    def __init__(self, size, alpha=1e-4, beta=0.75, k=1.0):
        if size % 2 != 1:
            raise ValueError("LRN size must be odd: for even sizes PyTorch's "
                             "and ONNX's channel windows differ")
        super().__init__(size, alpha, beta, k)

    def forward(self, x):
        if torch.onnx.is_in_onnx_export():
            return _LRNFunction.apply(x, self.size, float(self.alpha),
                                      float(self.beta), float(self.k))
        return F.local_response_norm(x, self.size, self.alpha, self.beta,
                                     self.k)


# ---------------------------------------------------------------------------
# The LCP network: n branches, one merge Linear
# ---------------------------------------------------------------------------

class Branch(nn.Module):
    """One full-depth branch: features -> flatten -> hidden classifier."""

    def __init__(self, features, head, out_features):
        super().__init__()
        self.features = features
        self.head = head
        self.out_features = out_features

    def forward(self, x):
        # torch.flatten on a static shape exports as one Flatten node (no
        # Shape/Gather arithmetic).
        return self.head(torch.flatten(self.features(x), 1))


class LCPNet(nn.Module):
    """SplitN network: ``classifier(concat(branch_i(x)))``.

    For n = 1 this is the plain original: ``classifier(branch0(x))``.
    """

    def __init__(self, branches, num_classes, family, n, fatten, in_channels,
                 input_size):
        super().__init__()
        self.branches = nn.ModuleList(branches)
        self.classifier = nn.Linear(sum(b.out_features for b in branches),
                                    num_classes)
        self.family, self.n, self.fatten = family, n, fatten
        self.in_channels, self.input_size = in_channels, input_size
        self.num_classes = num_classes

    def input_shape(self, batch=1):
        return (batch, self.in_channels, self.input_size, self.input_size)

    def forward(self, x):
        if len(self.branches) == 1:
            return self.classifier(self.branches[0](x))
        # Every branch reads the same input; they meet only here.
        return self.classifier(torch.cat([b(x) for b in self.branches], 1))


def _out(size, kernel, stride=1, pad=0):
    """Output size of a conv/pool (floor rounding)."""
    size = (size + 2 * pad - kernel) // stride + 1
    if size < 1:
        raise ValueError("input too small for this family")
    return size


def _fc_head(in_features, hidden, c, dropout):
    """Hidden Linear layers (original widths `hidden`), ReLU (+ Dropout)."""
    layers = []
    for w in hidden:
        layers += [nn.Linear(in_features, c(w)), nn.ReLU(inplace=True)]
        if dropout:
            layers.append(nn.Dropout(dropout))
        in_features = c(w)
    return nn.Sequential(*layers), in_features


# ---------------------------------------------------------------------------
# Families. Each builder makes ONE branch from a width function c(w).
# ---------------------------------------------------------------------------

def _lenet(c, in_channels, s):
    pad = 2 if s == 28 else 0
    s = _out(_out(s, 5, 1, pad), 2, 2)
    s = _out(_out(s, 5), 2, 2)
    features = nn.Sequential(
        nn.Conv2d(in_channels, c(6), 5, padding=pad), nn.ReLU(inplace=True),
        nn.MaxPool2d(2),
        nn.Conv2d(c(6), c(16), 5), nn.ReLU(inplace=True),
        nn.MaxPool2d(2))
    head, out = _fc_head(c(16) * s * s, [120, 84], c, 0)
    return Branch(features, head, out)


def _cifarnet(c, in_channels, s):
    if s == 28:     # Fashion-MNIST adaptation: unpadded, 3x3/2 pools
        cpad, pool = 0, (3, 2)
    else:           # TF-slim: SAME 5x5 convs, 2x2/2 pools
        cpad, pool = 2, (2, 2)
    s = _out(_out(s, 5, 1, cpad), *pool)
    s = _out(_out(s, 5, 1, cpad), *pool)
    features = nn.Sequential(
        nn.Conv2d(in_channels, c(64), 5, padding=cpad), nn.ReLU(inplace=True),
        nn.MaxPool2d(*pool),
        LRN(9, alpha=0.001, beta=0.75, k=1.0),
        nn.Conv2d(c(64), c(64), 5, padding=cpad), nn.ReLU(inplace=True),
        LRN(9, alpha=0.001, beta=0.75, k=1.0),
        nn.MaxPool2d(*pool))
    fc3 = nn.Linear(c(64) * s * s, c(384))
    fc4 = nn.Linear(c(384), c(192))
    head = nn.Sequential(fc3, nn.ReLU(inplace=True), nn.Dropout(0.5),
                         fc4, nn.ReLU(inplace=True))
    return Branch(features, head, c(192))


def _vgg_s(c, in_channels, s):
    s = _out(_out(s, 7, 2), 3, 3)
    s = _out(_out(s, 5, 1, 2), 2, 2)
    s = _out(s, 3, 3)
    features = nn.Sequential(
        nn.Conv2d(in_channels, c(96), 7, stride=2), nn.ReLU(inplace=True),
        LRN(5, alpha=5e-4, beta=0.75, k=2.0),
        nn.MaxPool2d(3, 3),
        nn.Conv2d(c(96), c(256), 5, padding=2), nn.ReLU(inplace=True),
        nn.MaxPool2d(2, 2),
        nn.Conv2d(c(256), c(512), 3, padding=1), nn.ReLU(inplace=True),
        nn.Conv2d(c(512), c(512), 3, padding=1), nn.ReLU(inplace=True),
        nn.Conv2d(c(512), c(512), 3, padding=1), nn.ReLU(inplace=True),
        nn.MaxPool2d(3, 3))
    head, out = _fc_head(c(512) * s * s, [4096, 4096], c, 0.5)
    return Branch(features, head, out)


def _alexnet(c, in_channels, s):
    s = _out(_out(s, 11, 4), 3, 2)
    s = _out(s, 3, 2)
    s = _out(s, 3, 2)
    features = nn.Sequential(
        nn.Conv2d(in_channels, c(64), 11, stride=4), nn.ReLU(inplace=True),
        LRN(5, alpha=1e-4, beta=0.75, k=2.0),
        nn.MaxPool2d(3, 2),
        nn.Conv2d(c(64), c(192), 5, padding=2), nn.ReLU(inplace=True),
        LRN(5, alpha=1e-4, beta=0.75, k=2.0),
        nn.MaxPool2d(3, 2),
        nn.Conv2d(c(192), c(384), 3, padding=1), nn.ReLU(inplace=True),
        nn.Conv2d(c(384), c(384), 3, padding=1), nn.ReLU(inplace=True),
        nn.Conv2d(c(384), c(256), 3, padding=1), nn.ReLU(inplace=True),
        nn.MaxPool2d(3, 2))
    head, out = _fc_head(c(256) * s * s, [4096, 4096], c, 0.5)
    return Branch(features, head, out)


_VGG16_CFG = [64, 64, "M", 128, 128, "M", 256, 256, 256, "M",
              512, 512, 512, "M", 512, 512, 512, "M"]


def _vgg16(c, in_channels, s):
    layers, ch = [], in_channels
    for v in _VGG16_CFG:
        if v == "M":
            layers.append(nn.MaxPool2d(2, 2))
            s = _out(s, 2, 2)
        else:
            layers += [nn.Conv2d(ch, c(v), 3, padding=1),
                       nn.ReLU(inplace=True)]
            ch = c(v)
    head, out = _fc_head(ch * s * s, [4096, 4096], c, 0.5)
    return Branch(nn.Sequential(*layers), head, out)


def _conv_bn(cin, cout, k, stride=1, pad=0, groups=1, relu=True):
    layers = [nn.Conv2d(cin, cout, k, stride, pad, groups=groups, bias=False),
              nn.BatchNorm2d(cout)]
    if relu:
        layers.append(nn.ReLU(inplace=True))
    return layers


class _BasicBlock(nn.Module):
    def __init__(self, cin, planes, stride, downsample):
        super().__init__()
        self.body = nn.Sequential(
            *_conv_bn(cin, planes, 3, stride, 1),
            *_conv_bn(planes, planes, 3, 1, 1, relu=False))
        self.downsample = (nn.Sequential(*_conv_bn(cin, planes, 1, stride,
                                                   relu=False))
                           if downsample else None)
        self.relu = nn.ReLU(inplace=True)

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        return self.relu(self.body(x) + identity)


class _Bottleneck(nn.Module):
    def __init__(self, cin, mid, cout, stride, downsample):
        super().__init__()
        self.body = nn.Sequential(
            *_conv_bn(cin, mid, 1),
            *_conv_bn(mid, mid, 3, stride, 1),          # v1.5: stride here
            *_conv_bn(mid, cout, 1, relu=False))
        self.downsample = (nn.Sequential(*_conv_bn(cin, cout, 1, stride,
                                                   relu=False))
                           if downsample else None)
        self.relu = nn.ReLU(inplace=True)

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        return self.relu(self.body(x) + identity)


def _resnet(c, in_channels, s, blocks, bottleneck):
    _out(_out(s, 7, 2, 3), 3, 2, 1)     # only checks the size is usable
    layers = [*_conv_bn(in_channels, c(64), 7, 2, 3),
              nn.MaxPool2d(3, 2, 1)]
    cin_orig, cin = 64, c(64)
    for stage, count in enumerate(blocks):
        planes = 64 * 2 ** stage
        for i in range(count):
            stride = 2 if (stage > 0 and i == 0) else 1
            if bottleneck:
                cout_orig = planes * 4
                # The structure (whether a projection shortcut exists) is
                # the original's; only the widths change.
                down = stride != 1 or cin_orig != cout_orig
                layers.append(_Bottleneck(cin, c(planes), c(cout_orig),
                                          stride, down))
            else:
                cout_orig = planes
                down = stride != 1 or cin_orig != cout_orig
                layers.append(_BasicBlock(cin, c(planes), stride, down))
            cin_orig, cin = cout_orig, c(cout_orig)
    layers.append(nn.AdaptiveAvgPool2d(1))      # -> GlobalAveragePool
    return Branch(nn.Sequential(*layers), nn.Sequential(), cin)


def _resnet18(c, in_channels, s):
    return _resnet(c, in_channels, s, [2, 2, 2, 2], bottleneck=False)


def _resnet50(c, in_channels, s):
    return _resnet(c, in_channels, s, [3, 4, 6, 3], bottleneck=True)


_MOBILENET_CFG = [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2),
                  (512, 1), (512, 1), (512, 1), (512, 1), (512, 1),
                  (1024, 2), (1024, 1)]


def _mobilenet(c, in_channels, s):
    _out(s, 3, 2, 1)
    layers = _conv_bn(in_channels, c(32), 3, 2, 1)
    ch = c(32)
    for w, stride in _MOBILENET_CFG:
        layers += _conv_bn(ch, ch, 3, stride, 1, groups=ch)    # depthwise
        layers += _conv_bn(ch, c(w), 1)                        # pointwise
        ch = c(w)
    layers.append(nn.AdaptiveAvgPool2d(1))      # -> GlobalAveragePool
    return Branch(nn.Sequential(*layers), nn.Sequential(), ch)


# family: (branch builder, in_channels, input_size, num_classes)
FAMILIES = {
    "lenet": (_lenet, 1, 32, 10),
    "cifarnet": (_cifarnet, 3, 32, 10),
    "vgg_s": (_vgg_s, 3, 224, 1000),
    "alexnet": (_alexnet, 3, 224, 1000),
    "vgg16": (_vgg16, 3, 224, 1000),
    "resnet18": (_resnet18, 3, 224, 1000),
    "resnet50": (_resnet50, 3, 224, 1000),
    "mobilenet": (_mobilenet, 3, 224, 1000),
}


def model_name(family, n, fatten=0):
    """File stem used by the zoo's scripts: lenet_split8_f40."""
    return "%s_split%d%s" % (family, n, "_f%d" % fatten if fatten else "")


def build(family, n=1, fatten=0, num_classes=None, in_channels=None,
          input_size=None):
    """Build family's SplitN model fattened by `fatten` percent.

    num_classes, in_channels and input_size default to the family's (see the
    table in the module docstring): 1000 classes and 3x224x224 for the
    ImageNet families, 10 classes for lenet (1x32x32) and cifarnet (3x32x32).
    The model is in training mode, randomly initialised by PyTorch's
    defaults (seed it with torch.manual_seed).
    """
    if family not in FAMILIES:
        raise ValueError("unknown family %r (known: %s)"
                         % (family, ", ".join(FAMILIES)))
    make, default_c, default_s, default_k = FAMILIES[family]
    in_channels = default_c if in_channels is None else in_channels
    input_size = default_s if input_size is None else input_size
    num_classes = default_k if num_classes is None else num_classes
    width(1, n, fatten)                          # validates n and fatten

    def c(w):
        return width(w, n, fatten)

    branches = [make(c, in_channels, input_size) for _ in range(n)]
    return LCPNet(branches, num_classes, family, n, fatten, in_channels,
                  input_size)


# ---------------------------------------------------------------------------
# Self-checks
# ---------------------------------------------------------------------------

def _onnx_lrn_reference(x, size, alpha, beta, bias):
    """ONNX LRN as its spec defines it (opset 13), in plain torch ops."""
    channels = x.shape[1]
    before, after = (size - 1) // 2, (size - 1) - (size - 1) // 2
    sq = x * x
    out = torch.empty_like(x)
    for ch in range(channels):
        lo, hi = max(0, ch - before), min(channels - 1, ch + after)
        square_sum = sq[:, lo:hi + 1].sum(1)
        out[:, ch] = x[:, ch] / (bias + alpha / size * square_sum) ** beta
    return out


def self_check():
    torch.manual_seed(0)
    # LRN: our module == nn.LocalResponseNorm == ONNX's LRN formula.
    for size, alpha, beta, k in [(5, 1e-4, 0.75, 2.0), (9, 1e-3, 0.75, 1.0),
                                 (5, 5e-4, 0.75, 2.0), (3, 0.5, 0.9, 1.5)]:
        x = torch.randn(2, 13, 6, 5, dtype=torch.float64) * 3
        ours = LRN(size, alpha, beta, k)(x)
        torchs = nn.LocalResponseNorm(size, alpha, beta, k)(x)
        onnxs = _onnx_lrn_reference(x, size, alpha, beta, k)
        assert torch.allclose(ours, torchs, rtol=0, atol=0), "LRN != torch"
        err = (ours - onnxs).abs().max().item()
        assert err < 1e-12, "LRN != ONNX LRN (%g)" % err
    print("LRN: equals nn.LocalResponseNorm and ONNX LRN's formula")

    # Width rule and the paper's LeNet figures.
    def params(model):
        return sum(p.numel() for p in model.parameters())
    lenet = [params(build("lenet", n)) for n in (1, 2, 4, 8)]
    assert lenet == [61706, 31466, 16094, 8834], lenet
    assert params(build("lenet", 1, input_size=28)) == 61706
    print("LeNet-5 parameters Split1/2/4/8:", lenet,
          "(paper: 61.7k, 31.5k, 16.1k, 8.8k)")

    # Every family and split runs forward to [1, classes].
    for family in FAMILIES:
        for n in (1, 2, 4, 8):
            model = build(family, n).eval()
            with torch.no_grad():
                y = model(torch.randn(model.input_shape()))
            assert tuple(y.shape) == (1, model.num_classes), (family, n)
        print("%-9s forward OK at Split1/2/4/8" % family)
    for family, size in (("lenet", 28), ("cifarnet", 28)):
        model = build(family, 8, 40, in_channels=1, input_size=size).eval()
        with torch.no_grad():
            assert model(torch.randn(model.input_shape())).shape == (1, 10)
    return 0


if __name__ == "__main__":
    sys.exit(self_check())

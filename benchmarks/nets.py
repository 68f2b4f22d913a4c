"""Networks for the benchmarks.

- ``export_efficientnet_b0``: an EfficientNet-B0 shape, the paper's network (Tan & Le
  2019), in PyTorch (the ``bench`` extra) with random weights, for the comparison with
  Captum;
- ``resnet18``, ``squeezenet11``, ``efficientnet_b0_onnx``: the same shapes as
  torchvision's ResNet-18, SqueezeNet 1.1 and EfficientNet-B0, written with
  ``onnx.helper`` (no PyTorch needed), random He-initialised weights, for the incremental
  engine's benchmark: ResNet and SqueezeNet are local up to their global pooling, while
  EfficientNet's squeeze-excitation is global from the first block.
"""

from __future__ import annotations

from pathlib import Path

try:
    import torch
    import torch.nn as nn
except ImportError:  # the onnx.helper networks below do without
    torch = nn = None

# (expansion, out channels, repeats, stride, kernel) per stage, as in the EfficientNet paper
B0_STAGES = [(1, 16, 1, 1, 3), (6, 24, 2, 2, 3), (6, 40, 2, 2, 5), (6, 80, 3, 2, 3),
             (6, 112, 3, 1, 5), (6, 192, 4, 2, 5), (6, 320, 1, 1, 3)]


def conv_bn(cin, cout, k, stride=1, groups=1, act=True):
    layers = [nn.Conv2d(cin, cout, k, stride, k // 2, groups=groups, bias=False),
              nn.BatchNorm2d(cout)]
    if act:
        layers.append(nn.SiLU())
    return layers


class SqueezeExcite(nn.Module if nn else object):
    def __init__(self, ch, squeezed):
        super().__init__()
        self.fc = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Conv2d(ch, squeezed, 1), nn.SiLU(),
                                nn.Conv2d(squeezed, ch, 1), nn.Sigmoid())

    def forward(self, x):
        return x * self.fc(x)


class MBConv(nn.Module if nn else object):
    def __init__(self, cin, cout, expand, stride, k):
        super().__init__()
        mid = cin * expand
        layers = [] if expand == 1 else conv_bn(cin, mid, 1)
        layers += conv_bn(mid, mid, k, stride, groups=mid)
        layers.append(SqueezeExcite(mid, max(1, cin // 4)))
        layers += conv_bn(mid, cout, 1, act=False)
        self.body = nn.Sequential(*layers)
        self.residual = stride == 1 and cin == cout

    def forward(self, x):
        y = self.body(x)
        return x + y if self.residual else y


def efficientnet_b0(n_classes: int = 33) -> nn.Module:
    layers = conv_bn(3, 32, 3, 2)
    cin = 32
    for expand, cout, repeats, stride, k in B0_STAGES:
        for r in range(repeats):
            layers.append(MBConv(cin, cout, expand, stride if r == 0 else 1, k))
            cin = cout
    layers += conv_bn(cin, 1280, 1)
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.2),
               nn.Linear(1280, n_classes)]
    return nn.Sequential(*layers)


def export_efficientnet_b0(path: Path, n_classes: int = 33, seed: int = 0) -> nn.Module:
    """Build the network with random weights (fixed seed), export it, return it."""
    import json

    import onnx

    torch.manual_seed(seed)
    model = efficientnet_b0(n_classes).eval()
    torch.onnx.export(model, torch.zeros(1, 3, 224, 224), str(path), dynamo=False,
                      input_names=["image"], output_names=["logits"], opset_version=17,
                      dynamic_axes={"image": {0: "N"}, "logits": {0: "N"}})
    m = onnx.load(str(path))
    meta = {"labels": [f"class {i}" for i in range(n_classes)], "output": "logits",
            "preprocessing": {"squeeze_x": 0.5, "color": "grey",
                              "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225]}}
    onnx.helper.set_model_props(m, {"dida_view": json.dumps(meta)})
    onnx.save(m, str(path))
    return model


# -- the same shapes with onnx.helper (no PyTorch) ----------------------------------------
class Graph:
    """Builds an NCHW classifier node by node; each method returns the new tensor."""

    def __init__(self, size=(224, 224), channels=3, seed=0):
        import numpy as np

        self.np = np
        self.rng = np.random.default_rng(seed)
        self.nodes, self.inits, self.ch, self.n = [], [], {"image": channels}, 0
        self.size, self.channels = size, channels

    def _node(self, op, inputs, ch, **attrs):
        self.n += 1
        out = f"{op.lower()}_{self.n}"
        from onnx import helper

        self.nodes.append(helper.make_node(op, inputs, [out], name=out, **attrs))
        self.ch[out] = ch
        return out

    def _const(self, a):
        from onnx import numpy_helper

        self.n += 1
        name = f"w_{self.n}"
        self.inits.append(numpy_helper.from_array(self.np.asarray(a, self.np.float32), name))
        return name

    def conv(self, x, cout, k, stride=1, pad=None, groups=1, bn=True, act="relu"):
        cin = self.ch[x]
        fan_in = cin // groups * k * k
        w = self.rng.normal(0, (2.0 / fan_in) ** 0.5, (cout, cin // groups, k, k))
        pad = k // 2 if pad is None else pad
        y = self._node("Conv", [x, self._const(w), self._const(self.np.zeros(cout))], cout,
                       kernel_shape=[k, k], strides=[stride, stride], pads=[pad] * 4,
                       group=groups)
        if bn:
            c = cout
            y = self._node("BatchNormalization", [y] + [self._const(v) for v in (
                self.rng.uniform(0.8, 1.2, c), self.rng.normal(0, 0.05, c),
                self.rng.normal(0, 0.05, c), self.rng.uniform(0.8, 1.2, c))], c)
        if act == "relu":
            y = self._node("Relu", [y], cout)
        elif act == "silu":
            y = self._node("Mul", [y, self._node("Sigmoid", [y], cout)], cout)
        return y

    def maxpool(self, x, k=3, stride=2, pad=0, ceil=0):
        return self._node("MaxPool", [x], self.ch[x], kernel_shape=[k, k],
                          strides=[stride, stride], pads=[pad] * 4, ceil_mode=ceil)

    def add(self, a, b):
        return self._node("Add", [a, b], self.ch[a])

    def se(self, x, squeezed):
        g = self._node("GlobalAveragePool", [x], self.ch[x])
        s = self.conv(g, squeezed, 1, bn=False, act="silu")
        s = self._node("Sigmoid", [self.conv(s, self.ch[x], 1, bn=False, act=None)], self.ch[x])
        return self._node("Mul", [x, s], self.ch[x])

    def save(self, path: Path, x, n_classes: int, *, head=True) -> Path:
        """Add the head (global average pool, flatten, Gemm) unless ``x`` already is the
        logits, and save with DiDA View's metadata (the paper's OCT preprocessing)."""
        import json

        import onnx
        from onnx import TensorProto, helper

        if head:
            f = self._node("Flatten", [self._node("GlobalAveragePool", [x], self.ch[x])],
                           self.ch[x], axis=1)
            w = self.rng.normal(0, (1.0 / self.ch[x]) ** 0.5, (n_classes, self.ch[x]))
            x = self._node("Gemm", [f, self._const(w), self._const(self.np.zeros(n_classes))],
                           n_classes, transB=1)
        graph = helper.make_graph(
            self.nodes, path.stem,
            [helper.make_tensor_value_info("image", TensorProto.FLOAT,
                                           ["N", self.channels, *self.size])],
            [helper.make_tensor_value_info(x, TensorProto.FLOAT, ["N", n_classes])],
            self.inits)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
        model.ir_version = 8
        meta = {"labels": [f"class {i}" for i in range(n_classes)], "output": "logits",
                "preprocessing": {"squeeze_x": 0.5, "color": "grey",
                                  "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225]}}
        helper.set_model_props(model, {"dida_view": json.dumps(meta)})
        onnx.checker.check_model(model)
        onnx.save(model, str(path))
        return path


def resnet18(path: Path, n_classes: int = 1000) -> Path:
    """torchvision's ResNet-18 shape: 7 x 7 stem, max pool, 4 stages of 2 basic blocks."""
    g = Graph(seed=18)
    x = g.maxpool(g.conv("image", 64, 7, 2), 3, 2, 1)
    for stage, cout in enumerate((64, 128, 256, 512)):
        for block in range(2):
            stride = 2 if stage > 0 and block == 0 else 1
            y = g.conv(g.conv(x, cout, 3, stride), cout, 3, act=None)
            short = x if stride == 1 else g.conv(x, cout, 1, stride, act=None)
            x = g._node("Relu", [g.add(y, short)], cout)
    return g.save(path, x, n_classes)


def squeezenet11(path: Path, n_classes: int = 1000) -> Path:
    """torchvision's SqueezeNet 1.1 shape: fire modules (a 1 x 1 squeeze, then 1 x 1 and
    3 x 3 expands concatenated), ceil-mode max pools, a 1 x 1 conv classifier."""
    g = Graph(seed=11)
    x = g.conv("image", 64, 3, 2, pad=0, bn=False)

    def fire(x, s, e):
        sq = g.conv(x, s, 1, bn=False)
        return g._node("Concat", [g.conv(sq, e, 1, bn=False), g.conv(sq, e, 3, bn=False)],
                       2 * e, axis=1)

    x = g.maxpool(x, ceil=1)
    x = fire(fire(x, 16, 64), 16, 64)
    x = g.maxpool(x, ceil=1)
    x = fire(fire(x, 32, 128), 32, 128)
    x = g.maxpool(x, ceil=1)
    for s, e in ((48, 192), (48, 192), (64, 256), (64, 256)):
        x = fire(x, s, e)
    x = g.conv(x, n_classes, 1, bn=False)  # the classifier conv (dropout is an identity)
    x = g._node("GlobalAveragePool", [x], n_classes)
    # the logits are the pooled class maps, flattened, as in torchvision
    return g.save(path, g._node("Flatten", [x], n_classes, axis=1), n_classes, head=False)


def efficientnet_b0_onnx(path: Path, n_classes: int = 33) -> Path:
    """The EfficientNet-B0 shape (the stages of ``B0_STAGES``, SiLU, squeeze-excitation in
    every block): global from the first block, so the incremental engine falls back."""
    g = Graph(seed=0)
    x = g.conv("image", 32, 3, 2, act="silu")
    cin = 32
    for expand, cout, repeats, stride, k in B0_STAGES:
        for r in range(repeats):
            mid = cin * expand
            y = x if expand == 1 else g.conv(x, mid, 1, act="silu")
            y = g.conv(y, mid, k, stride if r == 0 else 1, groups=mid, act="silu")
            y = g.conv(g.se(y, max(1, cin // 4)), cout, 1, act=None)
            x = g.add(x, y) if (stride if r == 0 else 1) == 1 and cin == cout else y
            cin = cout
    return g.save(path, g.conv(x, 1280, 1, act="silu"), n_classes)

"""Small convolutional classifiers with random weights, built with onnx.helper, for the
incremental engine's equivalence tests: strided and padded convs, pooling, residual adds,
concat branches, batch norm, depthwise convs, dilation, and a squeeze-excitation."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


class Net:
    """Builds a graph node by node; every method returns the new tensor's name."""

    def __init__(self, channels: int = 3, size=(40, 48), seed: int = 0):
        self.rng = np.random.default_rng(seed)
        self.size = size
        self.nodes, self.inits = [], []
        self.ch = {"image": channels}
        self.input = helper.make_tensor_value_info("image", TensorProto.FLOAT,
                                                   ["N", channels, *size])
        self._n = 0

    def _name(self, op: str) -> str:
        self._n += 1
        return f"{op.lower()}{self._n}"

    def _const(self, a: np.ndarray) -> str:
        name = self._name("w")
        self.inits.append(numpy_helper.from_array(np.asarray(a, np.float32), name))
        return name

    def _node(self, op, inputs, ch, **attrs) -> str:
        out = self._name(op)
        self.nodes.append(helper.make_node(op, inputs, [out], name=out, **attrs))
        self.ch[out] = ch
        return out

    def conv(self, x, cout, k=3, stride=1, pad=None, group=1, dilation=1, bias=True):
        cin = self.ch[x]
        pad = (dilation * (k - 1)) // 2 if pad is None else pad
        pads = list(pad) if isinstance(pad, list | tuple) else [pad] * 4
        w = self.rng.normal(0, 1.0 / np.sqrt(cin // group * k * k), (cout, cin // group, k, k))
        ins = [x, self._const(w)] + ([self._const(self.rng.normal(0, 0.1, cout))] if bias
                                     else [])
        return self._node("Conv", ins, cout, kernel_shape=[k, k], strides=[stride, stride],
                          pads=pads, group=group, dilations=[dilation, dilation])

    def bn(self, x):
        c = self.ch[x]
        ins = [x] + [self._const(v) for v in (self.rng.uniform(0.5, 1.5, c),
                                              self.rng.normal(0, 0.1, c),
                                              self.rng.normal(0, 0.1, c),
                                              self.rng.uniform(0.5, 1.5, c))]
        return self._node("BatchNormalization", ins, c, epsilon=1e-5)

    def act(self, x, op="Relu"):
        if op == "Clip":  # ReLU6
            return self._node("Clip", [x, self._const(np.float32(0)), self._const(
                np.float32(6))], self.ch[x])
        return self._node(op, [x], self.ch[x])

    def scale(self, x):
        """Multiply by a per-channel constant (shape (1, C, 1, 1)): still local."""
        c = self.ch[x]
        return self._node("Mul", [x, self._const(self.rng.uniform(0.5, 2, (1, c, 1, 1)))], c)

    def pool(self, x, op="MaxPool", k=3, stride=2, pad=0, ceil=0, **kw):
        return self._node(op, [x], self.ch[x], kernel_shape=[k, k], strides=[stride, stride],
                          pads=[pad] * 4, ceil_mode=ceil, **kw)

    def add(self, a, b):
        return self._node("Add", [a, b], self.ch[a])

    def concat(self, *xs):
        return self._node("Concat", list(xs), sum(self.ch[x] for x in xs), axis=1)

    def se(self, x):
        """Squeeze-excitation: global pooling scales every channel, a global operation."""
        c = self.ch[x]
        g = self._node("GlobalAveragePool", [x], c)
        s = self.act(self.conv(g, max(1, c // 4), k=1, pad=0), "Relu")
        s = self.act(self.conv(s, c, k=1, pad=0), "Sigmoid")
        return self._node("Mul", [x, s], c)

    def head(self, x, classes=5):
        g = self._node("GlobalAveragePool", [x], self.ch[x])
        f = self._node("Flatten", [g], self.ch[x], axis=1)
        w = self._const(self.rng.normal(0, 1.0, (classes, self.ch[x])))
        b = self._const(self.rng.normal(0, 0.1, classes))
        return self._node("Gemm", [f, w, b], classes, transB=1)

    def save(self, path: Path, out: str, metadata: dict | None = None) -> Path:
        classes = self.ch[out]
        graph = helper.make_graph(self.nodes, "net", [self.input], [
            helper.make_tensor_value_info(out, TensorProto.FLOAT, ["N", classes])], self.inits)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
        model.ir_version = 8
        meta = {"output": "logits", "preprocessing": {"color": "rgb"}}
        meta.update(metadata or {})
        helper.set_model_props(model, {"dida_view": json.dumps(meta)})
        onnx.checker.check_model(model)
        onnx.save(model, str(path))
        return path


def plain(net: Net) -> str:
    """Strided and padded convs, asymmetric padding, max and average pooling."""
    x = net.act(net.conv("image", 8, k=3, stride=2))
    x = net.act(net.conv(x, 8, k=5, pad=[1, 2, 3, 2]))
    x = net.pool(x, "MaxPool", k=3, stride=2, pad=1)
    x = net.act(net.conv(x, 12, k=3))
    x = net.pool(x, "AveragePool", k=3, stride=1, pad=1, count_include_pad=0)
    return net.act(net.conv(x, 12, k=3, stride=2, pad=0), "Tanh")


def residual(net: Net) -> str:
    """ResNet-style: BN, a strided block with a 1 x 1 projection shortcut, ceil-mode pool."""
    x = net.act(net.bn(net.conv("image", 8, k=5, stride=2, pad=2, bias=False)))
    x = net.pool(x, "MaxPool", k=3, stride=2, pad=0, ceil=1)
    y = net.act(net.bn(net.conv(x, 8, bias=False)))
    x = net.act(net.add(x, net.bn(net.conv(y, 8, bias=False))))
    y = net.act(net.bn(net.conv(x, 16, stride=2, bias=False)))
    y = net.bn(net.conv(y, 16, bias=False))
    return net.act(net.add(y, net.bn(net.conv(x, 16, k=1, stride=2, pad=0, bias=False))))


def fire(net: Net) -> str:
    """SqueezeNet-style: concat of 1 x 1 and 3 x 3 branches, a dilated conv."""
    x = net.act(net.conv("image", 8, k=3, stride=2, pad=0))
    for _ in range(2):
        s = net.act(net.conv(x, 4, k=1, pad=0))
        x = net.concat(net.act(net.conv(s, 6, k=1, pad=0)), net.act(net.conv(s, 6, k=3)))
        x = net.pool(x, "MaxPool", k=3, stride=2, pad=0, ceil=1)
    return net.act(net.conv(x, 12, k=3, dilation=2))


def depthwise(net: Net) -> str:
    """MobileNet-style: depthwise convs, BN, ReLU6, hard-swish, per-channel scale."""
    x = net.act(net.bn(net.conv("image", 8, k=3, stride=2, bias=False)), "Clip")
    x = net.act(net.bn(net.conv(x, 8, k=3, group=8, bias=False)), "HardSwish")
    x = net.scale(net.conv(x, 16, k=1, pad=0))
    x = net.act(net.bn(net.conv(x, 16, k=5, stride=2, group=16, bias=False)), "Sigmoid")
    return net.act(net.conv(x, 16, k=1, pad=0), "LeakyRelu")


BODIES = {"plain": plain, "residual": residual, "fire": fire, "depthwise": depthwise}


def make_net(path: Path, body: str = "plain", *, se: bool = False, size=(40, 48),
             channels: int = 3, classes: int = 5, seed: int = 0) -> Path:
    """A classifier: the ``body``, an SE block after it when ``se``, then GAP and Gemm."""
    net = Net(channels, size, seed)
    x = BODIES[body](net)
    if se:
        x = net.se(x)
    return net.save(path, net.head(x, classes),
                    {"preprocessing": {"input_size": list(size), "color": "rgb",
                                       "mean": [0.5], "std": [0.25]}})


def make_se_first(path: Path, size=(40, 48)) -> Path:
    """EfficientNet-like: a squeeze-excitation right after the stem, so almost nothing is
    local."""
    net = Net(3, size, 1)
    x = net.act(net.conv("image", 8, k=3, stride=2), "Sigmoid")
    x = net.se(x)
    x = net.act(net.conv(x, 16, k=3))
    x = net.act(net.conv(x, 16, k=3, stride=2))
    x = net.act(net.conv(x, 32, k=3))
    return net.save(path, net.head(x), {})

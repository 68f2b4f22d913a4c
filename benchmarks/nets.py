"""Networks for the benchmarks (PyTorch, from the ``train`` extra): an EfficientNet-B0
shape, the paper's network (Tan & Le 2019), written out here with random weights."""

from __future__ import annotations

from pathlib import Path

import torch
import torch.nn as nn

# (expansion, out channels, repeats, stride, kernel) per stage, as in the EfficientNet paper
B0_STAGES = [(1, 16, 1, 1, 3), (6, 24, 2, 2, 3), (6, 40, 2, 2, 5), (6, 80, 3, 2, 3),
             (6, 112, 3, 1, 5), (6, 192, 4, 2, 5), (6, 320, 1, 1, 3)]


def conv_bn(cin, cout, k, stride=1, groups=1, act=True):
    layers = [nn.Conv2d(cin, cout, k, stride, k // 2, groups=groups, bias=False),
              nn.BatchNorm2d(cout)]
    if act:
        layers.append(nn.SiLU())
    return layers


class SqueezeExcite(nn.Module):
    def __init__(self, ch, squeezed):
        super().__init__()
        self.fc = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Conv2d(ch, squeezed, 1), nn.SiLU(),
                                nn.Conv2d(squeezed, ch, 1), nn.Sigmoid())

    def forward(self, x):
        return x * self.fc(x)


class MBConv(nn.Module):
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

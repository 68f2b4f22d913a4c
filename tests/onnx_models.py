"""Tiny ONNX classifiers with known answers, built with onnx.helper for the tests.

The basic model is linear: class ``k``'s logit is the mean brightness (0..1 after the
model's own scale) of region ``k`` of the input, so masking a cell black lowers exactly
the classes whose region it overlaps, by a known amount.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def region_weights(regions, size, channels, layout):
    """(H*W*C, K) weights: column k averages region k = (y0, y1, x0, x1) over all channels."""
    h, w = size
    cols = []
    for y0, y1, x0, x1 in regions:
        m = np.zeros((h, w), np.float32)
        m[y0:y1, x0:x1] = 1.0
        m /= m.sum() * channels
        full = np.repeat(m[None], channels, 0) if layout == "NCHW" else np.repeat(m[..., None],
                                                                                   channels, 2)
        cols.append(full.reshape(-1))
    return np.stack(cols, 1).astype(np.float32)


def make_region_model(
    path: Path,
    regions,
    *,
    size=(32, 32),
    channels=3,
    layout="NCHW",
    batch: int | str = "N",
    dtype=TensorProto.FLOAT,
    softmax=False,
    out4d=False,
    extra_output=False,
    gain=10.0,
    metadata: dict | None = None,
    opset=17,
) -> Path:
    h, w = size
    shape = [batch, channels, h, w] if layout == "NCHW" else [batch, h, w, channels]
    k = len(regions)
    wts = region_weights(regions, size, channels, layout) * gain
    nodes, inits = [], [numpy_helper.from_array(wts, "W"), numpy_helper.from_array(
        np.zeros(k, np.float32), "B")]
    src = "image"
    if dtype != TensorProto.FLOAT:
        nodes.append(helper.make_node("Cast", ["image"], ["image_f"], to=TensorProto.FLOAT))
        src = "image_f"
        if dtype == TensorProto.UINT8:  # uint8 models see 0..255: scale to 0..1 inside
            inits.append(numpy_helper.from_array(np.array(1 / 255, np.float32), "S"))
            nodes.append(helper.make_node("Mul", ["image_f", "S"], ["image_s"]))
            src = "image_s"
    nodes.append(helper.make_node("Flatten", [src], ["flat"], axis=1))
    nodes.append(helper.make_node("Gemm", ["flat", "W", "B"], ["logits"]))
    last = "logits"
    if softmax:
        nodes.append(helper.make_node("Softmax", ["logits"], ["probs"], axis=1))
        last = "probs"
    outputs = []
    if out4d:
        inits.append(numpy_helper.from_array(np.array([0, k, 1, 1], np.int64), "shape4"))
        nodes.append(helper.make_node("Reshape", [last, "shape4"], ["scores4"]))
        outputs.append(helper.make_tensor_value_info("scores4", TensorProto.FLOAT,
                                                     [batch, k, 1, 1]))
    else:
        outputs.append(helper.make_tensor_value_info(last, TensorProto.FLOAT, [batch, k]))
    if extra_output:  # a feature map: not class-shaped
        inits.append(numpy_helper.from_array(np.array([0, 1, 1, -1], np.int64), "shapef"))
        nodes.append(helper.make_node("Reshape", ["flat", "shapef"], ["features"]))
        outputs.insert(0, helper.make_tensor_value_info("features", TensorProto.FLOAT,
                                                        [batch, 1, 1, "F"]))
    graph = helper.make_graph(nodes, "region_classifier",
                              [helper.make_tensor_value_info("image", dtype, shape)],
                              outputs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 8
    if metadata is not None:
        helper.set_model_props(model, {"dida_view": json.dumps(metadata)})
    onnx.checker.check_model(model)
    onnx.save(model, str(path))
    return path

"""Where an ONNX classifier can be cut for incremental inference (issue 13).

A masked cell changes only the part of each early feature map that "sees" it. This module
reads the graph with the ``onnx`` package and finds its **local prefix**: the nodes from the
image up to the first global operation (global pooling, a squeeze-excitation, flatten,
Gemm, reshape...), made only of operations whose output at a position depends on a fixed
window of their input: convolutions (grouped and depthwise too), pooling with a fixed
window, batch norm, element-wise activations, element-wise arithmetic with constants that
do not vary across the image, and add/concat of local branches.

Through every node of the prefix it traces, per spatial axis, the window of the image that
each output position depends on, ``[o * jump + lo, o * jump + hi]``; from that follows which
positions a changed rectangle can change, and which input a changed window needs.

**Cuts** are the tensors that every path from the image to the scores passes through
(nothing else from before is still needed after them). The incremental engine
(:mod:`dida_view.method.incremental`) runs the graph between two cuts as one *stage*,
extracted with ``onnx.utils.Extractor`` and given dynamic spatial sizes with
``onnx.tools.update_model_dims``; from the last cut on, the *suffix* runs on whole maps.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import onnx
from onnx import shape_inference
from onnx.tools import update_model_dims
from onnx.utils import Extractor

POINTWISE = frozenset({
    "Relu", "LeakyRelu", "PRelu", "Elu", "Selu", "Celu", "Sigmoid", "HardSigmoid",
    "HardSwish", "Tanh", "Clip", "Softplus", "Softsign", "Mish", "Gelu", "Erf", "Exp", "Log",
    "Abs", "Neg", "Sqrt", "Reciprocal", "Identity", "Dropout", "BatchNormalization",
    "Add", "Sub", "Mul", "Div", "Max", "Min", "Sum", "Pow", "ThresholdedRelu", "Floor",
    "Ceil", "Round", "Sign", "LRN",
})
WINDOWED = frozenset({"Conv", "MaxPool", "AveragePool"})


@dataclass(frozen=True)
class Axis:
    """Along one axis, output position ``o`` depends on image positions
    ``[o * jump + lo, o * jump + hi]`` (before clipping to the image)."""

    jump: int = 1
    lo: int = 0
    hi: int = 0

    def through(self, kernel: int, stride: int, pad_begin: int, dilation: int) -> Axis:
        reach = dilation * (kernel - 1)
        return Axis(self.jump * stride, self.lo - pad_begin * self.jump,
                    self.hi + (reach - pad_begin) * self.jump)

    def merge(self, other: Axis) -> Axis | None:
        if self.jump != other.jump:
            return None
        return Axis(self.jump, min(self.lo, other.lo), max(self.hi, other.hi))

    def changed(self, a: int, b: int, size_out: int) -> tuple[int, int]:
        """Output positions ``[o0, o1)`` that image positions ``[a, b)`` can change."""
        o0 = math.ceil((a - self.hi) / self.jump)
        o1 = math.floor((b - 1 - self.lo) / self.jump) + 1
        return max(0, o0), min(size_out, o1)

    def needed(self, o0: int, o1: int, size_in: int) -> tuple[int, int]:
        """Image positions ``[i0, i1)`` that output positions ``[o0, o1)`` read."""
        return max(0, o0 * self.jump + self.lo), min(size_in, (o1 - 1) * self.jump + self.hi + 1)

    def relative_to(self, base: Axis) -> Axis:
        """This axis seen from the tensor ``base`` describes instead of the image (``base``
        must lie on every path, with a jump that divides ours)."""
        j = self.jump // base.jump
        # o * J + lo == (o * j) * bJ + bl + (lo - bl): from base positions, shift by lo - bl
        return Axis(j, (self.lo - base.lo) // base.jump, -(-(self.hi - base.hi) // base.jump))


@dataclass(frozen=True)
class Cut:
    """A tensor every path passes through, with what is known about it."""

    tensor: str
    node: str  # the node that makes it ("" for the image)
    op: str
    index: int  # nodes [0, index) of the graph are before it
    shape: tuple[int, int, int]  # (C, H, W)
    axes: tuple[Axis, Axis]  # (rows, columns) relative to the image
    flops: float  # multiply-adds (and element operations) before it


@dataclass(frozen=True)
class GraphSplit:
    """The local prefix of a graph: its cuts (the image first), and why it ends."""

    input_name: str
    output_name: str
    cuts: tuple[Cut, ...]
    total_flops: float
    stop: str  # the first global node: "op_type 'name'", or why nothing is local

    @property
    def last(self) -> Cut:
        return self.cuts[-1]

    def share(self, cut: Cut) -> float:
        return cut.flops / self.total_flops if self.total_flops > 0 else 0.0


def _attrs(node) -> dict:
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def _shapes(model: onnx.ModelProto) -> dict[str, tuple]:
    out = {}
    for vi in list(model.graph.value_info) + list(model.graph.input) + list(model.graph.output):
        dims = vi.type.tensor_type.shape.dim
        out[vi.name] = tuple(d.dim_value if d.HasField("dim_value") else None for d in dims)
    for t in model.graph.initializer:
        out[t.name] = tuple(t.dims)
    return out


def _numel(shape) -> int:
    return math.prod(d or 1 for d in shape) if shape else 1


def fixed_size_model(model: onnx.ModelProto, input_name: str, channels: int,
                     size: tuple[int, int]) -> onnx.ModelProto:
    """A copy with the image input fixed to ``(1, C, H, W)`` and every shape inferred."""
    m = onnx.ModelProto()
    m.CopyFrom(model)
    del m.graph.value_info[:]
    dims = {i.name: [1, channels, size[0], size[1]] if i.name == input_name else
            [d.dim_value or d.dim_param or -1 for d in i.type.tensor_type.shape.dim]
            for i in m.graph.input}
    outs = {o.name: [-1] * len(o.type.tensor_type.shape.dim) for o in m.graph.output}
    for o in m.graph.output:
        o.type.tensor_type.shape.Clear()
        for _ in outs[o.name]:
            o.type.tensor_type.shape.dim.add()
    m = update_model_dims.update_inputs_outputs_dims(m, dims, outs)
    return shape_inference.infer_shapes(m, strict_mode=False, data_prop=True)


def _window(node, shapes) -> tuple[list[int], list[int], list[int], list[int]] | None:
    """(kernel, strides, pads, dilations) of a Conv or pooling node, or None if its
    geometry is not fixed (``auto_pad`` SAME depends on the input size)."""
    a = _attrs(node)
    if a.get("auto_pad", b"NOTSET") not in (b"NOTSET", b"VALID", "NOTSET", "VALID"):
        return None
    if node.op_type == "Conv":
        w = shapes.get(node.input[1])
        kernel = list(a.get("kernel_shape") or (w[2:] if w else []))
    else:
        kernel = list(a.get("kernel_shape", []))
    if len(kernel) != 2 or any(k is None for k in kernel):
        return None
    pads = list(a.get("pads", [0, 0, 0, 0]))
    if a.get("auto_pad") in (b"VALID", "VALID"):
        pads = [0, 0, 0, 0]
    return kernel, list(a.get("strides", [1, 1])), pads, list(a.get("dilations", [1, 1]))


def _node_flops(node, shapes) -> float:
    out = shapes.get(node.output[0]) if node.output else None
    n_out = _numel(out) if out else 0
    if node.op_type == "Conv" and len(node.input) > 1 and shapes.get(node.input[1]):
        w = shapes[node.input[1]]
        return float(n_out * _numel(w[1:]))
    if node.op_type in ("Gemm", "MatMul") and shapes.get(node.input[0]):
        return float(n_out * (shapes[node.input[0]][-1] or 1))
    if node.op_type in ("MaxPool", "AveragePool"):
        return float(n_out * _numel(_attrs(node).get("kernel_shape", [1])))
    return float(n_out)


def _spatially_constant(shape, rank: int = 4) -> bool:
    """A constant operand that is the same at every image position (dims 1 on H and W)."""
    if shape is None:
        return False
    padded = (1,) * (rank - len(shape)) + tuple(shape)
    return len(padded) == rank and all(d == 1 for d in padded[2:])


def _local_axes(node, geo: dict, consts: set, shapes) -> tuple[Axis, Axis] | str:
    """The output geometry of a local node, or why the node is not local."""
    op = node.op_type
    spatial = [t for t in node.input if t in geo]
    why = f"{op} '{node.name}'"
    if op in WINDOWED:
        if len(node.output) > 1 and node.output[1]:
            return why
        if node.input[0] not in geo or any(t in geo for t in node.input[1:]):
            return why
        win = _window(node, shapes)
        if win is None:
            return why
        kernel, strides, pads, dil = win
        rows, cols = geo[node.input[0]]
        return (rows.through(kernel[0], strides[0], pads[0], dil[0]),
                cols.through(kernel[1], strides[1], pads[1], dil[1]))
    if op == "Concat":
        axis = _attrs(node).get("axis")
        if axis not in (1, -3) or len(spatial) != len([t for t in node.input if t]):
            return why
    elif op in POINTWISE:
        if op == "BatchNormalization" and (_attrs(node).get("training_mode", 0)
                                           or len([o for o in node.output if o]) > 1):
            return why
        for t in node.input[1:]:
            if t and t not in geo and not (t in consts and (op == "BatchNormalization" or
                                                           _spatially_constant(shapes.get(t)))):
                return why
        if node.input[0] not in geo and not _spatially_constant(shapes.get(node.input[0])):
            return why
    else:
        return why
    merged = geo[spatial[0]]
    for t in spatial[1:]:
        rows = merged[0].merge(geo[t][0])
        cols = merged[1].merge(geo[t][1])
        if rows is None or cols is None:
            return why
        merged = (rows, cols)
    return merged


def split_graph(model: onnx.ModelProto, input_name: str, output_name: str) -> GraphSplit:
    """Trace the local prefix of ``model`` (whose shapes must be inferred, see
    :func:`fixed_size_model`) from ``input_name`` and list its cuts.

    Returns
    -------
    GraphSplit
        ``cuts[0]`` is the image itself; the last cut is the end of the longest local
        prefix. ``stop`` names the first node that is not local.
    """
    g = model.graph
    shapes = _shapes(model)
    consts = {t.name for t in g.initializer}
    uses: dict[str, int] = {}
    for node in g.node:
        for t in node.input:
            uses[t] = uses.get(t, 0) + 1
    for o in g.output:
        uses[o.name] = uses.get(o.name, 0) + 1
    total = sum(_node_flops(n, shapes) for n in g.node)
    in_shape = shapes[input_name]
    geo: dict[str, tuple[Axis, Axis]] = {input_name: (Axis(), Axis())}
    cuts = [Cut(input_name, "", "input", 0, tuple(in_shape[1:]), (Axis(), Axis()), 0.0)]
    live = {input_name}
    flops = 0.0
    stop = "the scores (the whole graph is local)"
    for i, node in enumerate(g.node):
        if node.op_type == "Constant" or all(t in consts or not t for t in node.input):
            consts.update(node.output)  # computed from constants only
            flops += _node_flops(node, shapes)
            continue
        axes = _local_axes(node, geo, consts, shapes)
        out = node.output[0]
        if isinstance(axes, str) or len(shapes.get(out) or ()) != 4 or None in shapes[out]:
            stop = axes if isinstance(axes, str) else f"{node.op_type} '{node.name}'"
            break
        flops += _node_flops(node, shapes)
        geo[out] = axes
        for t in node.input:
            if t in live:
                uses[t] -= 1
                if uses[t] == 0:
                    live.discard(t)
        live.add(out)
        if live == {out} and out != output_name:
            cuts.append(Cut(out, node.name, node.op_type, i + 1, tuple(shapes[out][1:]), axes,
                            flops))
    return GraphSplit(input_name, output_name, tuple(cuts), total, stop)


def extract(model: onnx.ModelProto, inputs: str, output: str, *,
            dynamic_space: bool) -> onnx.ModelProto:
    """The subgraph from tensor ``inputs`` to tensor ``output`` (of ``model``, shapes
    inferred at batch 1), with a dynamic batch and, with ``dynamic_space``, dynamic height
    and width too, so that it runs on crops of any size."""
    sub = Extractor(model).extract_model([inputs], [output])
    del sub.graph.value_info[:]  # shapes inferred for the whole image would not hold
    dims = {}
    for vi, tag in ((sub.graph.input[0], "in"), (sub.graph.output[0], "out")):
        shape = vi.type.tensor_type.shape
        old = [d.dim_value for d in shape.dim]
        new = ["N"] + old[1:]
        if dynamic_space and len(old) == 4:
            new[2:] = [f"{tag}_h", f"{tag}_w"]
        shape.Clear()  # update_inputs_outputs_dims keeps fixed sizes; start from none
        shape.dim.extend(onnx.TensorShapeProto.Dimension() for _ in new)
        dims[vi.name] = new
    return update_model_dims.update_inputs_outputs_dims(
        sub, {inputs: dims[inputs]}, {output: dims[output]})


def extract_outputs(model: onnx.ModelProto, inputs: str, outputs: list[str]) -> onnx.ModelProto:
    """The subgraph from tensor ``inputs`` to every tensor of ``outputs`` (of ``model``,
    shapes inferred at batch 1, see :func:`fixed_size_model`), for one run that returns
    them all: the feature maps at several cuts (the domain check). Batch 1, fixed sizes."""
    sub = Extractor(model).extract_model([inputs], list(outputs))
    del sub.graph.value_info[:]
    return sub

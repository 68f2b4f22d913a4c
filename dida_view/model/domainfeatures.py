"""The domain check's features: the classifier's graph cut at several layers, each feature
map averaged over the scan's content box, from one inference per scan.

Which layers (:func:`choose_cuts`): the cuts of the graph's local prefix
(:mod:`dida_view.model.graphsplit`, the tensors every path from the image passes
through), those that are outputs of an activation (or every cut, when fewer than two
are), at most :data:`MAX_CUTS` of them spread evenly over the depth, always with the
last. Several layers, because a scan can be unlike the reference in its texture (early
layers) or in its content (late ones) (Lee et al. 2018 use every block's output).

How they are pooled: the mean of each channel over the map positions whose centre lies
in the content box. The letterbox padding is left out: with it, the mean would say how
wide the padding is, so a scan exported at another width would look unlike the
reference for its shape alone.

A model whose graph has no local prefix (a transformer; an NHWC model that transposes
first) is read at its *penultimate* tensor, the input of the last ``Gemm``/``MatMul``
before the scores, or at the scores themselves.

When the chosen layers have more than :data:`MAX_FEATURES` channels in all, consecutive
channels are averaged in groups (the same groups every time), so the statistics stay small.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from dida_view.errors import ModelError
from dida_view.model.preprocess import Box, prepare

MAX_CUTS = 10
MAX_FEATURES = 1024
ACTIVATIONS = frozenset({
    "Relu", "LeakyRelu", "PRelu", "Elu", "Selu", "Celu", "Sigmoid", "HardSigmoid",
    "HardSwish", "Tanh", "Clip", "Softplus", "Softsign", "Mish", "Gelu", "ThresholdedRelu",
})


def _spread(n: int, k: int) -> list[int]:
    """``k`` of ``n`` indices spread evenly, the first and the last included."""
    if n <= k:
        return list(range(n))
    return sorted({round(i * (n - 1) / (k - 1)) for i in range(k)})


def penultimate_tensor(model, output_name: str) -> str:
    """The data input of the last Gemm/MatMul on the way to ``output_name`` (else the
    output itself)."""
    producers = {o: n for n in model.graph.node for o in n.output}
    consts = {t.name for t in model.graph.initializer}
    inputs = {i.name for i in model.graph.input} - consts
    tensor, seen = output_name, 0
    while tensor in producers and seen < 8:
        node = producers[tensor]
        data = [t for t in node.input if t and t not in consts and
                (t in producers or t in inputs)]
        if node.op_type in ("Gemm", "MatMul") and data:
            return data[0]
        if not data:
            break
        tensor, seen = data[0], seen + 1
    return output_name


def _graphs(classifier):
    """The model as loaded, and (NCHW models) a copy with fixed sizes, shapes inferred."""
    import onnx

    from dida_view.model.graphsplit import fixed_size_model

    model = onnx.load(str(classifier.path))
    fixed = None
    if getattr(classifier, "layout", "NCHW") == "NCHW":
        try:
            fixed = fixed_size_model(model, classifier.input_name, classifier.channels,
                                     tuple(classifier.input_size))
        except Exception:  # onnx raises many types; such a graph is read at its end
            fixed = None
    return model, fixed


def choose_cuts(classifier, graphs=None) -> list[str]:
    """The tensors the check reads for ``classifier`` (an OnnxClassifier), see the module.
    ``graphs``: what :func:`_graphs` gives, when the caller has it already."""
    from dida_view.model.graphsplit import split_graph

    model, fixed = graphs or _graphs(classifier)
    if fixed is not None:
        try:
            split = split_graph(fixed, classifier.input_name, classifier.output_name)
            cuts = list(split.cuts[1:])
        except Exception:  # a graph split_graph cannot read has no cuts
            cuts = []
        acts = [c for c in cuts if c.op in ACTIVATIONS]
        chosen = acts if len(acts) >= 2 else cuts
        if chosen:
            return [chosen[i].tensor for i in _spread(len(chosen), MAX_CUTS)]
    return [penultimate_tensor(model, classifier.output_name)]


def _channel_groups(channels: Sequence[int]) -> list[int]:
    """Channels averaged per feature, per cut, so that the features stay within
    :data:`MAX_FEATURES` (1: every channel is a feature)."""
    if sum(channels) <= MAX_FEATURES:
        return [1] * len(channels)
    budget = max(1, MAX_FEATURES // len(channels))
    return [max(1, math.ceil(c / budget)) for c in channels]


class FeatureCut:
    """One session from the image to the chosen tensors, and their pooling.

    Parameters
    ----------
    classifier
        An :class:`~dida_view.model.onnx.OnnxClassifier`.
    cuts, groups
        The tensors and channel groups of a stored reference (default: chosen here).

    Raises
    ------
    ModelError
        A named tensor is not in the model, or the graph cannot be cut there.
    """

    def __init__(self, classifier, cuts: Sequence[str] | None = None,
                 groups: Sequence[int] | None = None) -> None:
        import onnxruntime as ort

        from dida_view.model.graphsplit import extract_outputs

        self.classifier = classifier
        graphs = _graphs(classifier)
        self.cuts = tuple(cuts) if cuts else tuple(choose_cuts(classifier, graphs))
        try:
            sub = extract_outputs(graphs[1] if graphs[1] is not None else graphs[0],
                                  classifier.input_name, list(self.cuts))
        except Exception as exc:  # onnx's own error types
            why = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
            raise ModelError(f"{classifier.path}: the graph cannot be cut at the domain "
                             f"check's layers ({why})") from None
        threads, spinning = getattr(classifier, "session_threads", (None, True))
        opts = ort.SessionOptions()
        opts.log_severity_level = 3
        if threads:
            opts.intra_op_num_threads = int(threads)
        opts.add_session_config_entry("session.intra_op.allow_spinning",
                                      "1" if spinning else "0")
        try:
            self.session = ort.InferenceSession(sub.SerializeToString(), opts,
                                                providers=classifier.session.get_providers())
        except Exception as exc:  # onnxruntime's own exception types
            why = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
            raise ModelError(f"{classifier.path}: the domain check's layers cannot be "
                             f"loaded ({why})") from None
        probe = self._maps(np.full((*classifier.input_size, classifier.channels), 128.0,
                                   np.float32))
        channels = [m.shape[1] for m in probe]
        self.groups = tuple(groups) if groups else tuple(_channel_groups(channels))
        if len(self.groups) != len(self.cuts):
            raise ModelError(f"{classifier.path}: {len(self.cuts)} cuts but "
                             f"{len(self.groups)} channel groups")
        self.dims = sum(math.ceil(c / g) for c, g in zip(channels, self.groups, strict=True))

    def _maps(self, pixels: np.ndarray) -> list[np.ndarray]:
        x = self.classifier.to_model_input(pixels[None])
        batch = getattr(self.classifier, "fixed_batch", None)
        if batch and batch > 1 and getattr(self.classifier, "layout", "NCHW") != "NCHW":
            x = np.repeat(x, batch, axis=0)  # a fixed batch: the copies' maps are dropped
        try:
            outs = self.session.run(list(self.cuts), {self.classifier.input_name: x})
        except Exception as exc:  # onnxruntime's own exception types
            why = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
            raise ModelError(f"{self.classifier.path}: the domain check's layers failed to "
                             f"run ({why})") from None
        out = []
        for m in outs:
            m = np.asarray(m, dtype=np.float32)[:1]
            if m.ndim != 4:  # (N, C) or (N, C, ...): channels on axis 1, no map
                m = m.reshape(1, m.shape[1] if m.ndim > 1 else m.size, -1).mean(axis=2)
            out.append(m)
        return out

    def features_prepared(self, pixels: np.ndarray, box: Box) -> np.ndarray:
        """The feature vector of one prepared image (``(H, W, C)`` pixels 0..255 and its
        content box in them)."""
        ih, iw = self.classifier.input_size
        parts = []
        for m, g in zip(self._maps(pixels), self.groups, strict=True):
            m = m[0]
            if m.ndim == 3:  # (C, H, W): the mean over the content box
                m = m[:, _inside(box.y0, box.y1, ih, m.shape[1])][
                    :, :, _inside(box.x0, box.x1, iw, m.shape[2])]
                v = m.reshape(m.shape[0], -1).mean(axis=1)
            else:
                v = m.reshape(-1)
            if g > 1:
                v = np.add.reduceat(v, np.arange(0, len(v), g)) / np.diff(
                    np.append(np.arange(0, len(v), g), len(v)))
            parts.append(v)
        return np.concatenate(parts).astype(np.float64)

    def features(self, image: np.ndarray) -> np.ndarray:
        """The feature vector of an image (uint8 ``(H, W)`` or ``(H, W, 3)``), prepared as
        the classifier prepares it for the analysis."""
        return self.features_and_aspect(image)[0]

    def features_and_aspect(self, image: np.ndarray) -> tuple[np.ndarray, float]:
        """The feature vector of an image and the log aspect ratio (width / height) of its
        content box in the model's input (:func:`content_aspect`)."""
        clf = self.classifier
        prep = prepare(image, clf.preprocessing, tuple(clf.input_size), clf.channels)
        return self.features_prepared(prep.pixels, prep.box), content_aspect(prep.box)


def content_aspect(box: Box) -> float:
    """``log(width / height)`` of the content box: the scan's shape as the model sees it
    (after the squeeze and the fit), 0 for a square."""
    return float(np.log(max(1, box.width) / max(1, box.height)))


def _inside(a: int, b: int, size: int, cells: int) -> np.ndarray:
    """The map positions (of ``cells`` over ``size`` input pixels) whose centre lies in
    input pixels ``[a, b)``; the one nearest the middle when none does."""
    centres = (np.arange(cells) + 0.5) * size / cells
    keep = (centres >= a) & (centres < b)
    if not keep.any():
        keep[int(np.argmin(np.abs(centres - (a + b) / 2)))] = True
    return keep

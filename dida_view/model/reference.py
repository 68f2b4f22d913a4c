"""Compare DiDA View's model input with a tensor made by the user's own pipeline.

A model trained with another pipeline (OpenCV, torchvision, Keras) is only explained
faithfully when DiDA View feeds it what that pipeline fed it. The user saves the tensor
their pipeline makes for one image (``np.save``); :func:`compare_reference` guesses its
layout and scale, and says how far DiDA View's input and the model's scores are from it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dida_view.errors import SettingsError
from dida_view.model.preprocess import prepare
from dida_view.model.scores import to_space

SCALES = {
    "model": "the model's input (after scale, mean and std)",
    "255": "pixels 0..255",
    "1": "pixels 0..1",
}


@dataclass(frozen=True)
class ReferenceReport:
    """How DiDA View's input and scores differ from the reference's.

    Differences of the tensor are in the guessed space (``scale``); ``max_levels`` is the
    largest one in pixel levels (0..255), which reads the same for every space.
    """

    layout: str
    scale: str
    max_abs: float
    mean_abs: float
    max_levels: float
    share_over_one_level: float
    score_max_abs: float
    score_kind: str
    ours_top: int
    reference_top: int
    ours_prob: float
    reference_prob: float

    @property
    def agree(self) -> bool:
        return self.ours_top == self.reference_top


def _as_model_layout(ref: np.ndarray, layout: str, size: tuple[int, int],
                     channels: int) -> tuple[np.ndarray, str]:
    """The reference as (1, ...) in the model's layout, and the layout it was in."""
    h, w = size
    a = np.asarray(ref)
    shape = tuple(a.shape)
    want = f"{layout} (1, {channels}, {h}, {w})" if layout == "NCHW" else \
        f"{layout} (1, {h}, {w}, {channels})"
    if a.ndim == 4:
        if a.shape[0] != 1:
            raise SettingsError(f"the reference holds {a.shape[0]} images; save one (batch 1)")
        a = a[0]
    if a.ndim == 2 and a.shape == (h, w):
        a = a[:, :, None]
    if a.ndim != 3:
        raise SettingsError(f"the reference has shape {shape}; the model takes {want}")
    chw = a.shape[0] in (1, channels) and a.shape[1:] == (h, w)
    hwc = a.shape[2] in (1, channels) and a.shape[:2] == (h, w)
    if not (chw or hwc):
        raise SettingsError(f"the reference has shape {shape}; the model takes {want}")
    found = layout if (chw and hwc) else ("NCHW" if chw else "NHWC")
    hwc_a = a.transpose(1, 2, 0) if found == "NCHW" else a
    if hwc_a.shape[2] != channels:
        hwc_a = np.repeat(hwc_a, channels, axis=2)
    return hwc_a[None].astype(np.float64), found


def _to_pixels(x: np.ndarray, scale: str, classifier) -> np.ndarray:
    """(1, H, W, C) in the space ``scale`` -> pixels 0..255."""
    if scale == "255":
        return x
    if scale == "1":
        return x * 255.0
    if getattr(classifier, "input_dtype", np.float32) == np.uint8:
        return x
    pre = classifier.preprocessing
    c = x.shape[3]
    std = np.broadcast_to(np.asarray(pre.std, np.float64), (c,))
    mean = np.broadcast_to(np.asarray(pre.mean, np.float64), (c,))
    return (x * std + mean) / float(pre.scale)


def _from_pixels(p: np.ndarray, scale: str, classifier) -> np.ndarray:
    if scale == "255":
        return p
    if scale == "1":
        return p / 255.0
    model = np.asarray(classifier.to_model_input(p.astype(np.float32)), np.float64)
    return model.transpose(0, 2, 3, 1) if classifier.layout == "NCHW" else model


def compare_reference(classifier, image: np.ndarray, reference: np.ndarray) -> ReferenceReport:
    """Compare DiDA View's input for ``image`` with ``reference``, the user's tensor.

    ``classifier`` is an :class:`~dida_view.model.onnx.OnnxClassifier` (it needs
    ``to_model_input`` and ``layout``). The reference may be (1, C, H, W), (C, H, W),
    (1, H, W, C), (H, W, C) or (H, W), in pixels 0..255, 0..1 or the model's normalised
    input: the layout is read from the shape, the scale is the one whose value range the
    reference's matches best (model input first when two coincide).

    Raises
    ------
    SettingsError
        When the reference cannot be the model's input (shape, batch, not numbers).
    """
    ref = np.asarray(reference)
    if ref.dtype.kind not in "biuf" or ref.size == 0:
        raise SettingsError(f"the reference must be an array of numbers, got {ref.dtype}")
    if not np.all(np.isfinite(ref)):
        raise SettingsError("the reference holds NaN or infinite values")
    size, channels = tuple(classifier.input_size), int(classifier.channels)
    x, found = _as_model_layout(ref, classifier.layout, size, channels)
    ours_pixels = prepare(image, classifier.preprocessing, size, channels).pixels[None]
    ours_pixels = ours_pixels.astype(np.float64)
    # the scale whose value range the reference's matches best (ranges, not pixels: a
    # reference made with another resize or padding still has the range of its scale)
    ref_lo, ref_hi = np.percentile(x, [0.5, 99.5])
    best = None
    for scale in SCALES:
        ours = _from_pixels(ours_pixels, scale, classifier)
        lo, hi = np.percentile(ours, [0.5, 99.5])
        err = (abs(ref_lo - lo) + abs(ref_hi - hi)) / max(float(hi - lo), 1e-12)
        if best is None or err < best[0] - 1e-6:
            best = (err, scale, ours)
    _, scale, ours = best
    diff = np.abs(ours - x)
    ref_pixels = _to_pixels(x, scale, classifier)
    levels = np.abs(ours_pixels - ref_pixels)
    raw = classifier.raw(np.concatenate([ours_pixels, ref_pixels]).astype(np.float32))
    probs = to_space(raw, "probability", classifier.outputs_probabilities)
    top = np.argmax(raw, axis=1)
    return ReferenceReport(
        layout=found, scale=scale, max_abs=float(diff.max()), mean_abs=float(diff.mean()),
        max_levels=float(levels.max()), share_over_one_level=float(np.mean(levels > 1.0)),
        score_max_abs=float(np.abs(raw[0] - raw[1]).max()),
        score_kind="probabilities" if classifier.outputs_probabilities else "logits",
        ours_top=int(top[0]), reference_top=int(top[1]),
        ours_prob=float(probs[0, top[0]]), reference_prob=float(probs[1, top[1]]),
    )

"""Where a class's evidence lies: on the scan, or on things that are not anatomy.

A model can lean on what is not the retina: the letterbox padding around the scan, the
white export band at the bottom of many Spectralis exports, black registration wedges, a
text bar, or the edge of the picture. The cohort audit asks of every scan which share of
its top class's positive evidence lies there (:func:`evidence_shares`).

Evidence
    The red of the class's Mixed Image at the model's input: for each pixel,
    ``sum_n w_n * max(d_n, 0)`` of the cell of grid ``n`` that holds it
    (:func:`input_mixed_d`), counted only on the pixels the mask changes
    (:func:`changed_pixels`). A pixel that already equals the mask fill (the black
    letterbox, a black wedge under the black mask) is not hidden by masking, so DiDA cannot
    tell whether the model uses it, and no evidence is put on it. A region's share is its
    part of that sum over the input.

Regions (:func:`regions`)
    padding
        The model input outside the content box (the letterbox). The mask fill leaves it
        as it is (:func:`~dida_view.method.dida.make_fill`), so no mask changes a padding
        pixel and its share is ``None``, *not measured*, rather than 0: a model's reliance
        on where the content ends shows at the content's edge, in ``border``.
    bands
        Near-constant bands of the scan (:func:`band_mask`).
    border
        The outer 10 % of the content box on each side, its frame: 36 % of its area.
    shortcut
        Padding and bands together: what is not anatomy.

The rule for near-constant bands (:func:`band_mask`)
    A pixel of the original scan is in a band when it lies in a horizontal run of at least
    5 % of the scan's width, or a vertical run of at least 5 % of its height (and at least
    4 pixels), whose grey values all lie within 4 levels (of 255) of each other. A scan
    wider or taller than 1,024 pixels is read in blocks (of 2, 3, ... pixels square) whose
    largest and smallest values stand for them, so a run is still within 4 levels pixel for
    pixel, and a band thinner than a block is not found. Export bands, registration
    wedges and the flat background of a text bar are such runs. The speckle of even a very
    dark vitreous is not, at the original's resolution; at the model's grid it can average
    to an even black (on 602 real Spectralis exports, up to 40 % of a scan's pixels would
    be called bands there), which is why the rule reads the original. The mask is brought
    to the model's grid as the scan is (a content pixel is in a band when at least half
    of it is).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dida_view.method.blend import paper_weights
from dida_view.method.dida import DidaResult, make_fill
from dida_view.method.grids import cell_index
from dida_view.model.preprocess import Box, Preprocessing, prepare

RUN_FRACTION = 0.05  # a band's run: at least this share of the scan's width (height)
TOLERANCE = 4.0  # grey levels (of 255) a band's run may vary by
MIN_RUN = 4  # pixels (of the reduced original): a tiny image's runs are never shorter
LONGEST = 1024  # the rule reads the original reduced (by block max and min) to this side
BORDER = 0.10  # the content's frame: this share of its height (width) on each side


def input_mixed_d(result: DidaResult, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Class ``k``'s blended ``d`` over the whole model input, split by sign.

    ``(pos, neg)``, each (input height, input width) float64: ``sum_n w_n * max(+-d_n, 0)``
    of the cell holding each pixel of the grid box, 0 outside it. Inside the content box
    this is :func:`~dida_view.render.maps.class_mixed_d` at the content's size.
    """
    h, w = result.input_size
    g = result.grid_box
    pos = np.zeros((h, w), np.float64)
    neg = np.zeros((h, w), np.float64)
    weights = result.weights if result.weights is not None else paper_weights(
        len(result.grid_sizes))
    done = [(n, max(float(wn), 0.0)) for n, wn in zip(result.grid_sizes, weights, strict=True)
            if n in result.d]
    total = sum(wn for _, wn in done) or 1.0
    for n, wn in done:
        rows, cols = result.cell_shape(n)
        d = result.d[n][k].astype(np.float64) * (wn / total)
        up = d[cell_index(g.height, rows)][:, cell_index(g.width, cols)]
        pos[g.y0:g.y1, g.x0:g.x1] += np.maximum(up, 0.0)
        neg[g.y0:g.y1, g.x0:g.x1] += np.maximum(-up, 0.0)
    return pos, neg


def changed_pixels(pixels: np.ndarray, box: Box, mask_fill: str) -> np.ndarray:
    """(H, W) bool: the pixels of the model input that the mask fill changes."""
    fill = make_fill(np.asarray(pixels, np.float32), box, mask_fill)
    return np.any(fill != pixels, axis=2)


def _sliding(a: np.ndarray, length: int, op) -> np.ndarray:
    """``op`` (np.maximum or np.minimum) over every window of ``length`` along axis 1:
    (rows, cols - length + 1), by doubling spans."""
    out, span = a, 1
    while span * 2 <= length:
        out = op(out[:, :-span], out[:, span:])
        span *= 2
    if span < length:
        out = op(out[:, :out.shape[1] - (length - span)], out[:, length - span:])
    return out


def _runs(hi: np.ndarray, lo: np.ndarray, length: int) -> np.ndarray:
    """Pixels in a run of ``length`` along axis 1 whose range (max of ``hi`` less min of
    ``lo``) is within :data:`TOLERANCE`."""
    width = hi.shape[1]
    if length > width:
        return np.zeros(hi.shape, bool)
    flat = _sliding(hi, length, np.maximum) - _sliding(lo, length, np.minimum) <= TOLERANCE
    starts = np.zeros((flat.shape[0], flat.shape[1] + 1), np.int64)
    np.cumsum(flat, axis=1, out=starts[:, 1:])
    x = np.arange(width)
    end = np.minimum(x, flat.shape[1] - 1) + 1
    begin = np.maximum(x - length + 1, 0)
    return starts[:, end] - starts[:, begin] > 0  # some flat run starting here covers x


def band_mask(image: np.ndarray) -> np.ndarray:
    """(H, W) bool: the pixels of ``image`` (uint8 grey or RGB, as loaded) in a
    near-constant band (the module's rule)."""
    g = np.asarray(image, np.float32)
    if g.ndim == 3:
        g = g.mean(axis=2)
    h0, w0 = g.shape
    f = max(1, -(-max(h0, w0) // LONGEST))  # block size: the range stays exact per block
    h, w = h0 // f, w0 // f
    if h < 1 or w < 1:
        return np.zeros((h0, w0), bool)
    if f > 1:
        blocks = g[:h * f, :w * f].reshape(h, f, w, f)
        hi, lo = blocks.max(axis=(1, 3)), blocks.min(axis=(1, 3))
    else:
        hi = lo = g
    across = _runs(hi, lo, max(MIN_RUN, round(RUN_FRACTION * w)))
    down = _runs(hi.T, lo.T, max(MIN_RUN, round(RUN_FRACTION * h))).T
    mask = np.zeros((h0, w0), bool)
    mask[:h * f, :w * f] = np.repeat(np.repeat(across | down, f, axis=0), f, axis=1)
    return mask


@dataclass(frozen=True)
class Regions:
    """The regions of one model input, each (H, W) bool: ``padding`` (outside the content
    box), ``bands`` and ``border`` (inside it), and ``changed`` (what the mask changes)."""

    padding: np.ndarray
    bands: np.ndarray
    border: np.ndarray
    changed: np.ndarray


def frame(box: Box, size: tuple[int, int]) -> np.ndarray:
    """(H, W) bool: the outer :data:`BORDER` of the content box on each side."""
    out = np.zeros(size, bool)
    by = max(1, round(BORDER * box.height))
    bx = max(1, round(BORDER * box.width))
    out[box.slices] = True
    out[box.y0 + by:box.y1 - by, box.x0 + bx:box.x1 - bx] = False
    return out


def regions(image: np.ndarray, pixels: np.ndarray, box: Box, pre: Preprocessing,
            mask_fill: str) -> Regions:
    """The regions of the model input ``pixels`` (float32 (H, W, C), 0..255, made from
    ``image`` by :func:`~dida_view.model.preprocess.prepare` with ``pre``)."""
    size = pixels.shape[:2]
    inside = np.zeros(size, bool)
    inside[box.slices] = True
    mask = band_mask(image).astype(np.uint8) * 255
    mapped = prepare(mask, pre, size, pixels.shape[2]).pixels.mean(axis=2) >= 127.5
    return Regions(padding=~inside, bands=mapped & inside, border=frame(box, size),
                   changed=changed_pixels(pixels, box, mask_fill))


@dataclass(frozen=True)
class EvidenceShares:
    """Shares (0..1) of a class's positive evidence by region, and each region's share of
    the pixels the mask changes (what evidence spread evenly would give). A share is
    ``None`` when it cannot be measured: no positive evidence at all, or (padding) no
    pixel of the region is ever changed by a mask."""

    label: str
    total: float
    padding: float | None
    bands: float | None
    border: float | None
    shortcut: float | None
    areas: dict[str, float]

    def to_json(self) -> dict:
        """The record's ``evidence`` object (shares rounded to 4 decimals)."""
        def r(v: float | None) -> float | None:
            return None if v is None else round(float(v), 4)

        return {"class": self.label, "total": float(f"{self.total:.6g}"),
                "padding": r(self.padding), "bands": r(self.bands), "border": r(self.border),
                "shortcut": r(self.shortcut),
                "areas": {k: round(float(v), 4) for k, v in self.areas.items()}}


def evidence_shares(result: DidaResult, where: Regions, k: int | None = None
                    ) -> EvidenceShares:
    """Where class ``k``'s (default: the top class's) positive evidence lies (see the
    module)."""
    k = result.top(1)[0] if k is None else int(k)
    pos, _ = input_mixed_d(result, k)
    pos = pos * where.changed
    total = float(pos.sum())
    changed = max(int(where.changed.sum()), 1)
    padding_seen = bool((where.padding & where.changed).any())

    def share(region: np.ndarray, measured: bool = True) -> float | None:
        if not measured or total <= 0:
            return None
        return float(pos[region].sum() / total)

    padding = share(where.padding, padding_seen)
    bands = share(where.bands)
    shortcut = None if bands is None else bands + (padding or 0.0)
    areas = {name: float((region & where.changed).sum() / changed)
             for name, region in (("padding", where.padding), ("bands", where.bands),
                                  ("border", where.border))}
    return EvidenceShares(label=result.labels[k] if result.labels else str(k), total=total,
                          padding=padding, bands=bands, border=share(where.border),
                          shortcut=shortcut, areas=areas)

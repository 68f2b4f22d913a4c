"""A class's maps from a :class:`DidaResult`: the blended ``d``, its colour scale, the grid
images, the Mixed Image and the overlay on the original (pure numpy).

The analysis pipeline (:mod:`dida_view.method.analysis`) makes results; this module turns
them into pictures, for the CLI, the figure, the exports and the viewer alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from dida_view.errors import SettingsError
from dida_view.method import blend
from dida_view.method.dida import DidaResult
from dida_view.model.preprocess import Preprocessing, original_index, source_index
from dida_view.render import images as render


@dataclass
class View:
    """How a result is painted: gain, opacity, and the classes sharing one colour scale."""

    gain: float = 1.0
    opacity: float = 0.5
    scale: float | None = None  # None: class_scale of the classes painted together


def content_index(
    result: DidaResult, out_shape: tuple[int, int]
) -> tuple[np.ndarray, np.ndarray]:
    """For each row and column of a picture of ``out_shape``, the content-box pixel it shows.

    At the original's size this is exact for the model's preprocessing (resize convention,
    padding before resize); at any other size, the centre rule.
    """
    h, w = result.box.height, result.box.width
    oh, ow = out_shape
    orig, pre = result.meta.get("original_size"), result.meta.get("preprocessing")
    if orig is not None and pre and (oh, ow) == tuple(orig):
        try:
            rows, cols = original_index((oh, ow), result.input_size,
                                        Preprocessing.from_dict(dict(pre)))
        except SettingsError:
            rows = cols = None
        if rows is not None and rows.max() < h and cols.max() < w:
            return rows, cols
    return source_index(oh, h), source_index(ow, w)


def cell_lookup(
    result: DidaResult, n: int, out_shape: tuple[int, int] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """For each row and column of a picture of ``out_shape`` (default: the content box),
    the cell of grid ``n`` it shows: ``d[:, rows][:, :, cols]`` paints the grid."""
    h, w = result.box.height, result.box.width
    rows_src, cols_src = content_index(result, out_shape or (h, w))
    cell_rows, cell_cols = result.content_cells(n)
    return cell_rows[rows_src], cell_cols[cols_src]


def done_weights(
    result: DidaResult, grid_sizes: Sequence[int] | None = None
) -> list[tuple[int, float]]:
    """(grid size, weight) for the finished grids (of ``grid_sizes``), weights summing to 1."""
    weights = result.weights if result.weights is not None else blend.paper_weights(
        len(result.grid_sizes))
    done = [(n, max(float(w), 0.0)) for n, w in zip(result.grid_sizes, weights, strict=True)
            if n in result.d and (grid_sizes is None or n in grid_sizes)]
    total = sum(w for _, w in done)
    if total <= 0:
        return [(n, 1.0 / len(done)) for n, _ in done]
    return [(n, w / total) for n, w in done]


def class_mixed_d(
    result: DidaResult,
    k: int,
    out_shape: tuple[int, int] | None = None,
    grid_sizes: Sequence[int] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The blend of class ``k``'s ``d`` over the finished grids, split by sign.

    Returns ``(pos, neg)`` at ``out_shape`` (default: the content box): the weighted sums
    ``sum_n w_n * max(d_n, 0)`` and ``sum_n w_n * max(-d_n, 0)``, each pixel taking the cell
    of the content pixel it came from.
    """
    h, w = result.box.height, result.box.width
    oh, ow = out_shape or (h, w)
    pos = np.zeros((oh, ow), dtype=np.float64)
    neg = np.zeros((oh, ow), dtype=np.float64)
    part = np.empty((oh, ow), dtype=np.float64)
    for n, wn in done_weights(result, grid_sizes):
        d = result.d[n][k].astype(np.float64) * wn
        rows, cols = cell_lookup(result, n, (oh, ow))
        up = d[rows][:, cols]  # two cheap gathers
        np.maximum(up, 0.0, out=part)
        pos += part
        np.minimum(up, 0.0, out=part)
        neg -= part
    return pos, neg


def class_scale(
    result: DidaResult, classes: Sequence[int], grid_sizes: Sequence[int] | None = None
) -> float:
    """One colour scale for the maps of ``classes`` shown together.

    The largest red (or blue) their Mixed Images reach, ``max sum_n w_n * max(+-d_n, 0)``,
    so that the brightest spot among the maps shown is at full colour and their brightness
    can be compared. With one grid size this is simply the largest ``|d|`` of that grid.
    """
    top = 0.0
    for k in classes:
        pos, neg = class_mixed_d(result, k, grid_sizes=grid_sizes)
        if pos.size:
            top = max(top, float(pos.max()), float(neg.max()))
    return top if top > 0 else 1e-12


def class_grid_images(
    result: DidaResult,
    k: int,
    scale: float,
    gain: float = 1.0,
    out_shape: tuple[int, int] | None = None,
    grid_sizes: Sequence[int] | None = None,
) -> dict[int, np.ndarray]:
    """Grid images of class ``k`` for the grid sizes done so far, at ``out_shape``."""
    box = result.box
    sizes = [n for n in (grid_sizes or result.grid_sizes) if n in result.d]
    return {
        n: render.grid_image(result.d[n][k], (box.height, box.width), scale, gain, out_shape,
                             cells=cell_lookup(result, n, out_shape))
        for n in sizes
    }


def class_mixed_image(
    result: DidaResult,
    k: int,
    scale: float,
    gain: float = 1.0,
    out_shape: tuple[int, int] | None = None,
) -> np.ndarray:
    """The Mixed Image of class ``k`` at ``out_shape`` (default: the original's size).

    The grids are blended on ``d`` and coloured after: red ``a(pos)``, blue ``a(neg)``
    (see :func:`class_mixed_d`). Where no colour clips, this is exactly the weighted sum of
    the grid images (:func:`dida_view.render.images.mixed_image`); where one grid's ``d`` is
    much larger than the others', it does not saturate before it is weighted. While an
    analysis is running only the finished grids are mixed (weights renormalised), so the
    picture refines coarse to fine.
    """
    out_shape = out_shape or tuple(result.meta.get("original_size", (result.box.height,
                                                                     result.box.width)))
    pos, neg = class_mixed_d(result, k, out_shape)
    return render.color_signed(pos, neg, scale, gain)


def class_overlay(
    result: DidaResult, image: np.ndarray, k: int, scale: float, view: View | None = None
) -> np.ndarray:
    """Original with class ``k``'s Mixed Image laid over it, uint8 RGB at the original size."""
    view = view or View()
    mixed = class_mixed_image(result, k, scale, view.gain, image.shape[:2])
    return render.overlay(image, mixed, view.opacity)

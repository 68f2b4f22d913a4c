"""Evidence about the maps: RISE at the same budget, saliency maps, faithfulness metrics.

- :func:`rise` is RISE (Petsiuk, Das, Saenko 2018): random smooth masks, the saliency of a
  pixel is the mean score of the masks that kept it, centred on the unmasked-average.
- :func:`dida_saliency` turns a DiDA result into a per-pixel signed map (the weighted
  mix of the ``d`` grids, the same blend as the Mixed Image, without colours).
- :func:`pointing_game`, :func:`positive_mass_inside`, :func:`deletion_insertion` measure
  how well a map points at a known lesion and how much the model depends on what it shows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from PIL import Image

from dida_view.errors import Cancelled
from dida_view.method.dida import DidaResult
from dida_view.method.masking import make_fill
from dida_view.model.preprocess import Box

Predict = Callable[[np.ndarray], np.ndarray]


def dida_saliency(
    result: DidaResult, k: int, grid_sizes: Sequence[int] | None = None,
    weights: Sequence[float] | None = None,
) -> np.ndarray:
    """Class ``k``'s signed saliency over the content box, (h, w) float64.

    ``grid_sizes`` picks a subset (e.g. ``[7]`` for single-grid occlusion); the weights
    default to the result's blend weights (renormalised over the subset).
    """
    sizes = list(grid_sizes or result.grid_sizes)
    if weights is None:
        all_w = dict(zip(result.grid_sizes, result.weights, strict=True))
        weights = [all_w[n] for n in sizes]
    w = np.asarray(weights, dtype=np.float64)
    w = w / w.sum()
    h, wd = result.box.height, result.box.width
    out = np.zeros((h, wd), dtype=np.float64)
    for n, wi in zip(sizes, w, strict=True):
        d = result.d[n][k].astype(np.float64)
        rows, cols = result.content_cells(n)
        out += wi * d[rows[:, None], cols[None, :]]
    return out


def rise(
    predict: Predict,
    pixels: np.ndarray,
    *,
    box: Box,
    n_masks: int = 1736,
    cells: int = 7,
    keep: float = 0.5,
    mask_fill: str = "black",
    batch_size: int = 16,
    seed: int = 0,
    cancel: Callable[[], bool] | None = None,
) -> np.ndarray:
    """RISE saliency for every class over the content box: (C, h, w) float64.

    Masks are ``cells x cells`` binary grids (each cell kept with probability ``keep``),
    upsampled bilinearly and shifted at random by up to one cell, as in the RISE paper.
    Masked-out pixels take ``mask_fill`` (the same fills as DiDA). The result is
    ``E[score | pixel kept] - E[score]``: positive where keeping the pixel raises the score.
    """
    rng = np.random.default_rng(seed)
    h, w = box.height, box.width
    fill = make_fill(pixels, box, mask_fill)[box.slices]
    content = pixels[box.slices]
    ch, cw = int(np.ceil(h / cells)), int(np.ceil(w / cells))
    up_h, up_w = (cells + 1) * ch, (cells + 1) * cw
    sal = None
    kept = np.zeros((h, w), dtype=np.float64)
    total = None
    done = 0
    buf = np.repeat(pixels[None], batch_size, axis=0)
    while done < n_masks:
        if cancel is not None and cancel():
            raise Cancelled()
        k = min(batch_size, n_masks - done)
        masks = np.empty((k, h, w), dtype=np.float32)
        for i in range(k):
            grid = (rng.random((cells, cells)) < keep).astype(np.float32) * 255
            big = np.asarray(Image.fromarray(grid.astype(np.uint8)).resize(
                (up_w, up_h), Image.Resampling.BILINEAR), dtype=np.float32) / 255.0
            dy, dx = rng.integers(0, ch), rng.integers(0, cw)
            masks[i] = big[dy : dy + h, dx : dx + w]
        m = masks[..., None]
        buf[:k][(slice(None),) + box.slices] = m * content + (1 - m) * fill
        scores = np.asarray(predict(buf[:k]), dtype=np.float64)
        if sal is None:
            sal = np.zeros((scores.shape[1], h, w), dtype=np.float64)
            total = np.zeros(scores.shape[1], dtype=np.float64)
        sal += np.einsum("nc,nhw->chw", scores, masks.astype(np.float64))
        kept += masks.sum(axis=0)
        total += scores.sum(axis=0)
        done += k
    mean_score = total / n_masks
    return sal / np.maximum(kept, 1e-9)[None] - mean_score[:, None, None]


def resize_mask(mask: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """A boolean lesion mask of the original image, resized (nearest) to ``shape``."""
    img = Image.fromarray(mask.astype(np.uint8) * 255)
    return np.asarray(img.resize((shape[1], shape[0]), Image.Resampling.NEAREST)) > 127


def dilate(mask: np.ndarray, radius: int) -> np.ndarray:
    """Binary dilation by a square of side ``2 * radius + 1``."""
    out = mask.copy()
    for _ in range(radius):
        rows = out.copy()
        rows[1:] |= out[:-1]
        rows[:-1] |= out[1:]
        out = rows.copy()
        out[:, 1:] |= rows[:, :-1]
        out[:, :-1] |= rows[:, 1:]
    return out


def pointing_game(saliency: np.ndarray, mask: np.ndarray, tolerance: int = 3) -> bool:
    """Does the strongest positive pixel lie in the lesion (dilated by ``tolerance`` px)?

    Ties (a whole cell at the maximum) count as a hit when any tied pixel is inside.
    """
    top = saliency.max()
    if top <= 0:
        return False
    region = dilate(mask, tolerance)
    return bool(np.any(region[saliency >= top - 1e-12 * max(1.0, abs(top))]))


def positive_mass_inside(saliency: np.ndarray, mask: np.ndarray) -> float:
    """Share of the positive saliency that falls inside the lesion mask (0..1)."""
    pos = np.clip(saliency, 0, None)
    total = pos.sum()
    return float(pos[mask].sum() / total) if total > 0 else 0.0


def deletion_insertion(
    predict: Predict,
    pixels: np.ndarray,
    box: Box,
    saliency: np.ndarray,
    k: int,
    *,
    steps: int = 20,
    mask_fill: str = "black",
) -> tuple[float, float]:
    """Deletion and insertion AUC (Petsiuk et al. 2018) for class ``k``, scores as given.

    Deletion: remove the most salient pixels first (replace them by ``mask_fill``) and
    average the class score over ``steps + 1`` stages: lower is better. Insertion: start
    from the all-fill image and put the most salient pixels back: higher is better.
    Ties are broken by a fixed random order so that flat cells do not favour a corner.
    """
    fill = make_fill(pixels, box, mask_fill)
    h, w = box.height, box.width
    tie = np.random.default_rng(0).random(h * w) * 1e-12 * max(1.0, np.abs(saliency).max())
    order = np.argsort(-(saliency.reshape(-1) + tie), kind="stable")
    rank = np.empty(h * w, dtype=np.int64)
    rank[order] = np.arange(h * w)
    rank = rank.reshape(h, w)
    counts = np.round(np.linspace(0, h * w, steps + 1)).astype(np.int64)
    dele = np.repeat(pixels[None], steps + 1, axis=0)
    ins = np.repeat(fill[None], steps + 1, axis=0)
    for i, c in enumerate(counts):
        top = (rank < c)[..., None]
        dele[i][box.slices] = np.where(top, fill[box.slices], pixels[box.slices])
        ins[i][box.slices] = np.where(top, pixels[box.slices], fill[box.slices])
    d_scores = np.asarray(predict(dele), dtype=np.float64)[:, k]
    i_scores = np.asarray(predict(ins), dtype=np.float64)[:, k]
    x = counts / (h * w)
    return _auc(d_scores, x), _auc(i_scores, x)


def _auc(y: np.ndarray, x: np.ndarray) -> float:
    return float(np.sum((y[1:] + y[:-1]) * 0.5 * np.diff(x)))

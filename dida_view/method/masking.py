"""Masking one cell at a time, in batches: the fills (paper: black) and the runner that
scores masked images ``predict`` by ``predict``, keeping ``d = C(I_o) - C(M_ij)``.

:func:`make_fill` is the image masked cells are copied from. :class:`MaskedScores` holds
one batch buffer, masks cells into it, runs a batch when it is full (or at the end of a
grid size, so each grid is complete on its own), writes ``d`` for every class and puts
the pixels back; cells whose masking changes nothing (the fill equals the image there)
are never run: their ``d`` is exactly 0.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from dida_view.errors import Cancelled, SettingsError
from dida_view.method.batching import BatchTuner
from dida_view.method.grids import cell_edges
from dida_view.model.preprocess import Box

Predict = Callable[[np.ndarray], np.ndarray]
CellPredict = Callable[[list[tuple[int, int, int, int]]], np.ndarray]
ProgressCallback = Callable[[int, int], None]
CancelCallback = Callable[[], bool]

MASK_FILLS: tuple[str, ...] = ("black", "mean", "blur", "noise")
NOISE_SEED = 20210909  # fixed, so the noise fill gives the same answer every run


def make_fill(pixels: np.ndarray, box: Box, mode: str) -> np.ndarray:
    """The image that masked cells are copied from, same shape as ``pixels``.

    ``black``: 0 (the paper); ``mean``: the content's per-channel mean; ``blur``: a
    Gaussian blur of the content (sigma = 1/12 of its shorter side, so a mask hides
    detail but keeps the coarse shading); ``noise``: Gaussian noise with the content's
    mean and standard deviation, from a fixed seed.
    """
    if mode not in MASK_FILLS:
        raise SettingsError(f"bad mask fill {mode!r}: expected one of {', '.join(MASK_FILLS)}")
    content = pixels[box.slices]
    fill = np.array(pixels, dtype=np.float32, copy=True)
    if mode == "black":
        fill[box.slices] = 0.0
    elif mode == "mean":
        fill[box.slices] = content.mean(axis=(0, 1), dtype=np.float64).astype(np.float32)
    elif mode == "blur":
        sigma = max(1.0, min(box.height, box.width) / 12.0)
        fill[box.slices] = gaussian_blur(content, sigma)
    else:
        rng = np.random.default_rng(NOISE_SEED)
        mean = content.mean(axis=(0, 1))
        std = content.std(axis=(0, 1))
        noise = rng.standard_normal(content.shape[:2] + (1,)).astype(np.float32)
        fill[box.slices] = np.clip(mean + noise * std, 0.0, 255.0)
    return fill


def gaussian_blur(img: np.ndarray, sigma: float) -> np.ndarray:
    """Separable Gaussian blur of an (H, W, C) float image, edges reflected."""
    radius = max(1, int(3.0 * sigma + 0.5))
    x = np.arange(-radius, radius + 1, dtype=np.float64)
    kernel = np.exp(-0.5 * (x / sigma) ** 2)
    kernel /= kernel.sum()
    out = img.astype(np.float64)
    for axis in (0, 1):
        pad = [(0, 0)] * out.ndim
        pad[axis] = (radius, radius)
        padded = np.pad(out, pad, mode="reflect" if out.shape[axis] > radius else "edge")
        acc = np.zeros_like(out)
        for i, w in enumerate(kernel):
            sl = [slice(None)] * out.ndim
            sl[axis] = slice(i, i + out.shape[axis])
            acc += w * padded[tuple(sl)]
        out = acc
    return out.astype(np.float32)


def _cells(box: Box, rows: int, cols: int):
    ys = cell_edges(box.height, rows) + box.y0
    xs = cell_edges(box.width, cols) + box.x0
    for i in range(rows):
        for j in range(cols):
            yield i, j, int(ys[i]), int(ys[i + 1]), int(xs[j]), int(xs[j + 1])


class MaskedScores:
    """The masked inferences of one run: ``d`` of each cell of each grid, in batches.

    ``predict``: whole masked images, ``(N, H, W, C) -> (N, classes)``; or
    ``predict_cells``: rectangles masked some other way (the incremental engine).
    ``base``: ``C(I_o)``, the unmasked image's scores. ``progress(done, total)`` after
    every batch; ``cancel()`` polled before each (:class:`Cancelled`).
    """

    def __init__(self, predict: Predict | None, predict_cells: CellPredict | None,
                 pixels: np.ndarray, fill: np.ndarray, base: np.ndarray, tuner: BatchTuner,
                 *, total: int, progress: ProgressCallback | None = None,
                 cancel: CancelCallback | None = None) -> None:
        self.predict, self.predict_cells = predict, predict_cells
        self.pixels, self.fill, self.base, self.tuner = pixels, fill, base, tuner
        self.total, self.progress, self.cancel = total, progress, cancel
        self.done = self.evaluations = 0
        self.buf = None
        if predict_cells is None:
            self.buf = np.empty((tuner.max_size,) + pixels.shape, dtype=np.float32)
            self.buf[...] = pixels
        # pixels where the fill differs from the image, as a summed-area table: whether
        # masking a cell changes anything is then four look-ups
        h, w = pixels.shape[:2]
        self.sat = np.zeros((h + 1, w + 1), dtype=np.int64)
        self.sat[1:, 1:] = np.any(pixels != fill, axis=2).cumsum(0).cumsum(1)
        self.target = tuner.next_size()
        self.pending: list[tuple[int, int, int, int, int, int]] = []

    def changes(self, y0: int, y1: int, x0: int, x1: int) -> bool:
        """Whether masking the rectangle changes any pixel."""
        s = self.sat
        return bool(s[y1, x1] - s[y0, x1] - s[y1, x0] + s[y0, x0])

    def grid(self, grid_box: Box, shape: tuple[int, int]) -> np.ndarray:
        """``d`` of every cell of one grid, ``(classes, rows, cols)``; batches never span
        two grids, so the grid is complete when this returns."""
        d = np.zeros((self.base.shape[0], *shape), dtype=np.float64)
        for i, j, y0, y1, x0, x1 in _cells(grid_box, *shape):
            if not self.changes(y0, y1, x0, x1):
                self.done += 1  # d stays exactly 0, nothing is run
                continue
            if self.buf is not None:
                self.buf[len(self.pending), y0:y1, x0:x1] = self.fill[y0:y1, x0:x1]
            self.pending.append((i, j, y0, y1, x0, x1))
            if len(self.pending) == self.target:
                self._flush(d)
                self.target = self.tuner.next_size()
        if self.pending:
            self._flush(d)
        else:
            self._check_cancel()
            if self.progress is not None:
                self.progress(self.done, self.total)
        return d

    def _check_cancel(self) -> None:
        if self.cancel is not None and self.cancel():
            raise Cancelled()

    def _flush(self, d: np.ndarray) -> None:
        """Score the pending cells, write their ``d`` and restore the buffer."""
        self._check_cancel()
        pending, k = self.pending, len(self.pending)
        t = time.perf_counter()
        if self.buf is not None:
            out = np.asarray(self.predict(self.buf[:k]), dtype=np.float64)
        else:
            out = np.asarray(self.predict_cells([p[2:] for p in pending]), dtype=np.float64)
        if k == self.target:
            self.tuner.record(k, time.perf_counter() - t)
        if out.shape != (k, self.base.shape[0]):
            raise SettingsError(
                f"predict returned shape {out.shape}, expected {(k, self.base.shape[0])}")
        self.evaluations += k
        ii, jj = zip(*((p[0], p[1]) for p in pending), strict=True)
        d[:, list(ii), list(jj)] = (self.base[None, :] - out).T
        if self.buf is not None:
            for slot, (_i, _j, y0, y1, x0, x1) in enumerate(pending):
                self.buf[slot, y0:y1, x0:x1] = self.pixels[y0:y1, x0:x1]
        self.done += k
        pending.clear()
        if self.progress is not None:
            self.progress(self.done, self.total)

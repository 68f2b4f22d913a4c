"""The DiDA engine (paper section 3): masked inferences and the score differences ``d``.

For every grid size ``n`` the *grid box* of the model-space image is cut into cells (edges
at ``round(k * size / cells)``), each cell is masked in turn, and ``d = C(I_o) - C(M_ij)``
is kept for *every* class, shape ``(C, rows, cols)``. The grid geometry
(:mod:`dida_view.method.grids`) decides the grid box and the cell counts.

The engine knows nothing about onnxruntime: it takes ``predict(batch) -> scores``, where
``batch`` is float32 ``(N, H, W, C)`` pixels in 0..255 and ``scores`` is ``(N, classes)``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

from dida_view.errors import Cancelled, SettingsError
from dida_view.method.batching import BatchTuner
from dida_view.method.grids import (  # noqa: F401 (cell_edges, cell_index: re-exported)
    DEFAULT_GRID_GEOMETRY,
    GRID_GEOMETRIES,
    cell_edges,
    cell_index,
    check_geometry,
    content_cells,
    grid_box_for,
    grid_shape,
)
from dida_view.model.preprocess import Box

Predict = Callable[[np.ndarray], np.ndarray]
ProgressCallback = Callable[[int, int], None]
CancelCallback = Callable[[], bool]
GridCallback = Callable[[int, np.ndarray], None]
CellPredict = Callable[[list[tuple[int, int, int, int]]], np.ndarray]

DEFAULT_GRID_SIZES: tuple[int, ...] = (7, 9, 11, 13, 15, 17, 19, 21)
MASK_FILLS: tuple[str, ...] = ("black", "mean", "blur", "noise")
NOISE_SEED = 20210909  # fixed, so the noise fill gives the same answer every run


def parse_grid_sizes(text: str | Sequence[int]) -> tuple[int, ...]:
    """``"7,9,11"`` or ``[7, 9, 11]`` -> ``(7, 9, 11)``; every size an integer >= 1."""
    if isinstance(text, str):
        parts = [p.strip() for p in text.replace(" ", ",").split(",") if p.strip()]
        if not parts:
            raise SettingsError(f"bad grid list {text!r}: empty")
        try:
            sizes = [int(p) for p in parts]
        except ValueError:
            raise SettingsError(
                f"bad grid list {text!r}: expected integers like 7,9,11"
            ) from None
    else:
        sizes = [int(s) for s in text]
    if not sizes:
        raise SettingsError("bad grid list: empty")
    bad = [s for s in sizes if s < 1]
    if bad:
        raise SettingsError(f"bad grid list: sizes must be >= 1, got {bad[0]}")
    if len(set(sizes)) != len(sizes):
        raise SettingsError(f"bad grid list: repeated size in {sizes}")
    return tuple(sizes)


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


def _read_only(a: np.ndarray | None, dtype=None) -> np.ndarray | None:
    """A read-only view of ``a`` (no copy; the caller's own array stays writeable)."""
    if a is None:
        return None
    v = np.asarray(a, dtype=dtype).view()
    v.flags.writeable = False
    return v


@dataclass(frozen=True, eq=False)
class DidaResult:
    """Everything an analysis produced; rendering and exports need nothing else.

    A value: it is built once and never changed (``dataclasses.replace`` makes a new
    one). Its arrays are read-only views, ``d`` and ``meta`` read-only mappings.

    Attributes
    ----------
    scores
        (C,) scores of the unmasked image, in ``score_space``.
    d
        grid size -> (C, rows, cols) float32, ``C(I_o) - C(M_ij)`` for every class
        (``n x n`` unless the geometry is ``square``).
    evaluations, seconds
        Masked inferences run and seconds taken by the run that computed ``d`` (for a
        result from the cache: the original run, not this lookup).
    probabilities
        (C,) the model's probabilities for the unmasked image, whatever ``score_space``.
    notes
        Sentences for the user (:class:`~dida_view.catalogue.Note`: why ``auto`` switched,
        classes with no map possible, a constant image); :attr:`note` joins them.
    saturated
        Classes whose score is pinned at the limit of the model's float32 output (p == 1
        with every other class exactly 0, or p == 0): masking cannot move it measurably
        in any space, so their maps are blank or truncated for lack of precision, *not*
        for lack of evidence.
    from_cache, lookup_seconds
        Whether this result came from the result cache, and how long the lookup took.
    meta
        Provenance of the run (``batch_size``, ``original_size``, ``preprocessing``,
        ``score_space_requested``, ``engine``: ``full`` or ``incremental``, and
        ``engine_note``: why not incremental, or None); nothing for display.
    grid_box, grid_geometry
        Where the grids lay (model-input pixels; default the content box ``box``) and the
        geometry that put them there (:data:`GRID_GEOMETRIES`).
    """

    scores: np.ndarray
    grid_sizes: tuple[int, ...]
    d: Mapping[int, np.ndarray]
    evaluations: int
    seconds: float
    mask_fill: str
    box: Box
    input_size: tuple[int, int]
    labels: list[str] = field(default_factory=list)
    score_space: str = "score"
    weights: np.ndarray | None = None
    probabilities: np.ndarray | None = None
    notes: tuple[str, ...] = ()
    saturated: tuple[int, ...] = ()
    from_cache: bool = False
    lookup_seconds: float = 0.0
    meta: Mapping[str, Any] = field(default_factory=dict)
    grid_box: Box | None = None
    grid_geometry: str = "content"

    def __post_init__(self) -> None:
        put = object.__setattr__  # frozen: set once, here
        put(self, "grid_box", self.grid_box or self.box)
        put(self, "scores", _read_only(self.scores, np.float64))
        put(self, "grid_sizes", tuple(int(n) for n in self.grid_sizes))
        put(self, "d", MappingProxyType({int(n): _read_only(v) for n, v in self.d.items()}))
        put(self, "labels", list(self.labels))
        put(self, "weights", _read_only(self.weights, np.float64))
        put(self, "probabilities", _read_only(self.probabilities, np.float64))
        put(self, "saturated", tuple(int(k) for k in self.saturated))
        put(self, "notes", tuple(self.notes))
        put(self, "meta", MappingProxyType(dict(self.meta)))

    @property
    def note(self) -> str | None:
        """The notes as one English line (the JSON's ``note``), or None."""
        return "; ".join(self.notes) or None

    def top(self, k: int = 3) -> list[int]:
        """Indices of the ``k`` best classes, best first (ties: lower index first)."""
        order = np.argsort(-self.scores, kind="stable")
        return [int(i) for i in order[:k]]

    def cell_shape(self, n: int) -> tuple[int, int]:
        """(rows, cols) of grid size ``n``: the shape of ``d[n][k]``."""
        return grid_shape(self.grid_box, n, self.grid_geometry)

    def content_cells(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        """For each row and column of the content box, its cell in grid ``n``."""
        return content_cells(self.box, self.grid_box, *self.cell_shape(n))

    @property
    def complete(self) -> bool:
        """Every grid size has its ``d`` (False for the scores-only result of a run start)."""
        return all(n in self.d for n in self.grid_sizes)


def count_cells(grid_sizes: Sequence[int], grid_box: Box | None = None,
                geometry: str = "content") -> int:
    """Cells of all grids (``n * n`` each, unless ``geometry`` is ``square``)."""
    if grid_box is None or geometry != "square":
        return int(sum(n * n for n in grid_sizes))
    return int(sum(np.prod(grid_shape(grid_box, n, geometry)) for n in grid_sizes))


def _cells(box: Box, rows: int, cols: int):
    ys = cell_edges(box.height, rows) + box.y0
    xs = cell_edges(box.width, cols) + box.x0
    for i in range(rows):
        for j in range(cols):
            yield i, j, int(ys[i]), int(ys[i + 1]), int(xs[j]), int(xs[j + 1])


def run_dida(
    predict: Predict,
    pixels: np.ndarray,
    *,
    box: Box | None = None,
    grid_sizes: Sequence[int] = DEFAULT_GRID_SIZES,
    mask_fill: str = "black",
    grid_geometry: str = "content",
    batch_size: int | BatchTuner = 16,
    base_scores: np.ndarray | None = None,
    progress: ProgressCallback | None = None,
    cancel: CancelCallback | None = None,
    on_grid: GridCallback | None = None,
    predict_cells: CellPredict | None = None,
) -> DidaResult:
    """Run DiDA on one model-space image.

    Parameters
    ----------
    predict
        ``(N, H, W, C) float32 -> (N, classes)``; must not modify its input.
    pixels
        The unmasked model-space image, float32 (H, W, C), 0..255.
    box
        The content box (the grid covers it only); default the whole image.
    grid_sizes
        Grid sizes, run in this order (coarse first gives progressive display).
    mask_fill
        ``black``, ``mean``, ``blur`` or ``noise``.
    grid_geometry
        ``content``, ``square`` or ``input`` (see the module's docstring).
    batch_size
        Masked inputs per ``predict`` call, or a :class:`BatchTuner` that picks it by
        measurement as the run goes; the result does not depend on it.
    base_scores
        Scores of the unmasked image, if already known (saves one inference).
    progress
        Called as ``progress(done, total)`` after every batch, with cells done so far.
    cancel
        Polled before every batch; when it returns True, :class:`Cancelled` is raised.
    on_grid
        Called as ``on_grid(n, d_n)`` as soon as grid size ``n`` is complete.
    predict_cells
        ``[(y0, y1, x0, x1), ...] -> (k, classes)``: the scores of the image with each
        rectangle masked with the fill, computed some other way than by masking whole
        images (the incremental engine, :mod:`dida_view.method.incremental`). When given,
        it runs the masked inferences instead of ``predict``.

    Returns
    -------
    DidaResult
    """
    t0 = time.perf_counter()
    sizes = parse_grid_sizes(list(grid_sizes))
    tuner = batch_size if isinstance(batch_size, BatchTuner) else None
    if tuner is None:
        if int(batch_size) < 1:
            raise SettingsError(f"batch size must be >= 1, got {batch_size}")
        tuner = BatchTuner([int(batch_size)])
    pixels = np.ascontiguousarray(pixels, dtype=np.float32)
    if pixels.ndim != 3:
        raise SettingsError(f"pixels must be (H, W, C), got shape {pixels.shape}")
    h, w = pixels.shape[:2]
    box = box or Box(0, h, 0, w)
    grid_box = grid_box_for(box, (h, w), grid_geometry)
    shapes = {n: grid_shape(grid_box, n, grid_geometry) for n in sizes}
    too_fine = [n for n in sizes if shapes[n][0] > grid_box.height
                or shapes[n][1] > grid_box.width]
    if too_fine:
        raise SettingsError(
            f"grid size {too_fine[0]} is finer than the image content "
            f"({grid_box.height} x {grid_box.width} pixels)"
        )
    fill = make_fill(pixels, box, mask_fill)

    if base_scores is None:
        base_scores = np.asarray(predict(pixels[None]), dtype=np.float64)[0]
    base = np.asarray(base_scores, dtype=np.float64).reshape(-1)
    n_classes = base.shape[0]
    total = count_cells(sizes, grid_box, grid_geometry)
    done = 0
    evaluations = 0
    d: dict[int, np.ndarray] = {}

    if predict_cells is None:
        buf = np.empty((tuner.max_size,) + pixels.shape, dtype=np.float32)
        buf[...] = pixels
    pending: list[tuple[int, int, int, int, int]] = []  # (i, j, y0:y1, x0:x1) in buf

    def flush(n: int) -> None:
        """Run the pending cells of grid ``n`` and restore the buffer for reuse."""
        nonlocal done, evaluations
        if cancel is not None and cancel():
            raise Cancelled()
        k = len(pending)
        t = time.perf_counter()
        if predict_cells is None:
            out = np.asarray(predict(buf[:k]), dtype=np.float64)
        else:
            out = np.asarray(predict_cells([p[2:] for p in pending]), dtype=np.float64)
        if k == target:
            tuner.record(k, time.perf_counter() - t)
        if out.shape != (k, n_classes):
            raise SettingsError(f"predict returned shape {out.shape}, expected {(k, n_classes)}")
        evaluations += k
        ii, jj = zip(*((p[0], p[1]) for p in pending), strict=True)
        d[n][:, list(ii), list(jj)] = (base[None, :] - out).T
        if predict_cells is None:
            for slot, (_i, _j, y0, y1, x0, x1) in enumerate(pending):
                buf[slot, y0:y1, x0:x1] = pixels[y0:y1, x0:x1]
        done += k
        pending.clear()
        if progress is not None:
            progress(done, total)

    # pixels where the fill differs from the image, as a summed-area table: whether masking
    # a cell changes anything is then four look-ups, not a comparison of the whole cell
    differs = np.any(pixels != fill, axis=2)
    sat = np.zeros((h + 1, w + 1), dtype=np.int64)
    sat[1:, 1:] = differs.cumsum(0).cumsum(1)

    target = tuner.next_size()
    for n in sizes:
        d[n] = np.zeros((n_classes, *shapes[n]), dtype=np.float64)
        for i, j, y0, y1, x0, x1 in _cells(grid_box, *shapes[n]):
            if sat[y1, x1] - sat[y0, x1] - sat[y1, x0] + sat[y0, x0] == 0:
                done += 1  # masking changes nothing: d stays exactly 0, nothing is run
                continue
            if predict_cells is None:
                buf[len(pending), y0:y1, x0:x1] = fill[y0:y1, x0:x1]
            pending.append((i, j, y0, y1, x0, x1))
            if len(pending) == target:
                flush(n)
                target = tuner.next_size()
        # batches never span two grid sizes, so each grid can be shown as soon as it is done
        if pending:
            flush(n)
        else:
            if cancel is not None and cancel():
                raise Cancelled()
            if progress is not None:
                progress(done, total)
        if on_grid is not None:
            on_grid(n, d[n].astype(np.float32))

    return DidaResult(
        scores=base.astype(np.float64),
        grid_sizes=sizes,
        d={n: v.astype(np.float32) for n, v in d.items()},
        evaluations=evaluations,
        seconds=time.perf_counter() - t0,
        mask_fill=mask_fill,
        box=box,
        input_size=(h, w),
        meta={"batch_size": tuner.chosen if tuner.chosen is not None else target},
        grid_box=grid_box,
        grid_geometry=grid_geometry,
    )

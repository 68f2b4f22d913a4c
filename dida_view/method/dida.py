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

from dida_view.errors import SettingsError
from dida_view.method.batching import BatchTuner
from dida_view.method.grids import (
    content_cells,
    grid_box_for,
    grid_shape,
)
from dida_view.method.masking import (
    CancelCallback,
    CellPredict,
    MaskedScores,
    Predict,
    ProgressCallback,
    make_fill,
)
from dida_view.model.domain import DomainResult
from dida_view.model.preprocess import Box

GridCallback = Callable[[int, np.ndarray], None]

DEFAULT_GRID_SIZES: tuple[int, ...] = (7, 9, 11, 13, 15, 17, 19, 21)


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
    domain
        The domain check's answer for the scan (:class:`~dida_view.model.domain.DomainResult`:
        typical, or unlike the model's reference scans), or None when the model has no
        reference. Every view shows this one answer.
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
    domain: DomainResult | None = None
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


def _grids(pixels: np.ndarray, box: Box | None, grid_sizes: Sequence[int], geometry: str):
    """The run's grid sizes, content box, grid box and each grid's (rows, cols); a grid
    finer than the content is refused."""
    sizes = parse_grid_sizes(list(grid_sizes))
    if pixels.ndim != 3:
        raise SettingsError(f"pixels must be (H, W, C), got shape {pixels.shape}")
    h, w = pixels.shape[:2]
    box = box or Box(0, h, 0, w)
    grid_box = grid_box_for(box, (h, w), geometry)
    shapes = {n: grid_shape(grid_box, n, geometry) for n in sizes}
    too_fine = [n for n in sizes if shapes[n][0] > grid_box.height
                or shapes[n][1] > grid_box.width]
    if too_fine:
        raise SettingsError(
            f"grid size {too_fine[0]} is finer than the image content "
            f"({grid_box.height} x {grid_box.width} pixels)"
        )
    return sizes, box, grid_box, shapes


def _tuner(batch_size: int | BatchTuner) -> BatchTuner:
    """The batch size as a :class:`BatchTuner` (a fixed size is a tuner of one)."""
    if isinstance(batch_size, BatchTuner):
        return batch_size
    if int(batch_size) < 1:
        raise SettingsError(f"batch size must be >= 1, got {batch_size}")
    return BatchTuner([int(batch_size)])


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
    pixels = np.ascontiguousarray(pixels, dtype=np.float32)
    sizes, box, grid_box, shapes = _grids(pixels, box, grid_sizes, grid_geometry)
    tuner = _tuner(batch_size)
    fill = make_fill(pixels, box, mask_fill)                      # the mask M
    if base_scores is None:                                       # C(I_o)
        base_scores = np.asarray(predict(pixels[None]), dtype=np.float64)[0]
    base = np.asarray(base_scores, dtype=np.float64).reshape(-1)
    masked = MaskedScores(predict, predict_cells, pixels, fill, base, tuner,
                          total=count_cells(sizes, grid_box, grid_geometry),
                          progress=progress, cancel=cancel)
    d: dict[int, np.ndarray] = {}
    for n in sizes:                                               # for each grid size n,
        d[n] = masked.grid(grid_box, shapes[n])                   # d_ij = C(I_o) - C(M_ij)
        if on_grid is not None:
            on_grid(n, d[n].astype(np.float32))
    h, w = pixels.shape[:2]
    return DidaResult(
        scores=base.astype(np.float64),
        grid_sizes=sizes,
        d={n: v.astype(np.float32) for n, v in d.items()},
        evaluations=masked.evaluations,
        seconds=time.perf_counter() - t0,
        mask_fill=mask_fill,
        box=box,
        input_size=(h, w),
        meta={"batch_size": tuner.chosen if tuner.chosen is not None else masked.target},
        grid_box=grid_box,
        grid_geometry=grid_geometry,
    )

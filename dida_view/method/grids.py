"""Where DiDA's grids lie: cell edges, and the grid geometries.

For every grid size ``n`` the *grid box* is cut into ``rows x cols`` cells with edges at
``round(k * size / cells)``, so every pixel is in exactly one cell. The geometry decides
the grid box and the cell counts:

- ``content`` (the paper): ``n x n`` cells over the content box;
- ``square``: square cells over the content box, ``n`` along its longer side and
  ``round(n * short / long)`` along the other (the default: as faithful or more at up to
  half the inferences, README "Faithfulness on real scans, and which grid geometry");
- ``input``: ``n x n`` over the whole model input (the letterbox padding is never masked,
  so cells of padding only cost nothing).
"""

from __future__ import annotations

import numpy as np

from dida_view.errors import SettingsError
from dida_view.model.preprocess import Box

GRID_GEOMETRIES: tuple[str, ...] = ("content", "square", "input")
DEFAULT_GRID_GEOMETRY = "square"


def cell_edges(length: int, n: int) -> np.ndarray:
    """The ``n + 1`` cell edges along an axis of ``length`` pixels: ``round(k * length / n)``.

    Python's round is half-to-even; we use half-up (``floor(x + 0.5)``) so that the
    edges are symmetric in the obvious way and documented without surprises.
    """
    if n < 1:
        raise SettingsError(f"grid size must be >= 1, got {n}")
    k = np.arange(n + 1, dtype=np.float64)
    return np.floor(k * length / n + 0.5).astype(np.int64)


def cell_index(length: int, n: int) -> np.ndarray:
    """For each pixel along an axis, the index of the cell that holds it."""
    edges = cell_edges(length, n)
    return np.clip(np.searchsorted(edges, np.arange(length), side="right") - 1, 0, n - 1)


def check_geometry(geometry: str) -> str:
    """``geometry`` if it is one of :data:`GRID_GEOMETRIES`, else a SettingsError."""
    if geometry not in GRID_GEOMETRIES:
        raise SettingsError(f"bad grid geometry {geometry!r}: expected one of "
                            f"{', '.join(GRID_GEOMETRIES)}")
    return geometry


def grid_box_for(box: Box, input_size: tuple[int, int], geometry: str) -> Box:
    """The rectangle the grids are laid over: the content box, or the whole input."""
    check_geometry(geometry)
    return Box(0, int(input_size[0]), 0, int(input_size[1])) if geometry == "input" else box


def grid_shape(grid_box: Box, n: int, geometry: str) -> tuple[int, int]:
    """(rows, cols) of grid size ``n``: ``n x n``, or for ``square`` ``n`` along the longer
    side and ``round(n * short / long)`` (at least 1) along the other."""
    if check_geometry(geometry) != "square":
        return n, n
    h, w = grid_box.height, grid_box.width
    short = max(1, int(np.floor(n * min(h, w) / max(h, w) + 0.5)))
    return (n, short) if h >= w else (short, n)


def content_cells(box: Box, grid_box: Box, rows: int, cols: int) -> tuple[np.ndarray, np.ndarray]:
    """For each row and each column of the content box, the grid cell that holds it."""
    r = cell_index(grid_box.height, rows)[box.y0 - grid_box.y0 : box.y1 - grid_box.y0]
    c = cell_index(grid_box.width, cols)[box.x0 - grid_box.x0 : box.x1 - grid_box.x0]
    return r, c

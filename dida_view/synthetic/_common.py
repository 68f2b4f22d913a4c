"""Constants and small numpy helpers shared by the synthetic OCT generator.

Everything here is vectorised; no function loops over pixels.
"""

from __future__ import annotations

import numpy as np

CLASSES: list[str] = [
    "normal",
    "Early AMD",
    "Wet AMD",
    "Dry AMD",
    "CME",
    "ME",
    "SRD",
    "ERM",
    "MH",
    "RA",
]

CLASS_NAMES: dict[str, str] = {
    "normal": "normal retina",
    "Early AMD": "early age-related macular degeneration (drusen)",
    "Wet AMD": "neovascular AMD (CNV)",
    "Dry AMD": "geographic atrophy",
    "CME": "cystoid macular edema",
    "ME": "macular edema (no cysts)",
    "SRD": "serous retinal detachment (CSC)",
    "ERM": "epiretinal membrane",
    "MH": "macular hole",
    "RA": "retinal atrophy",
}

#: Bump whenever the pixels produced for a given (label, seed, size, secondary) change.
GENERATOR_VERSION = "1.0"

F32 = np.float32


def check_label(label: str) -> str:
    """Return ``label`` if it is one of :data:`CLASSES`, else raise ``ValueError``."""
    if label not in CLASSES:
        raise ValueError(f"unknown class label {label!r}; expected one of {CLASSES}")
    return label


def smooth_noise_1d(rng: np.random.Generator, n: int, cell: float) -> np.ndarray:
    """Smooth random curve of length ``n``, roughly N(0, 1), correlated over ``cell`` samples."""
    cell = max(float(cell), 1.0)
    knots = rng.standard_normal(int(n / cell) + 3)
    pos = np.arange(n, dtype=np.float64) / cell
    i = pos.astype(np.int64)
    t = pos - i
    t = t * t * (3.0 - 2.0 * t)
    return (knots[i] * (1.0 - t) + knots[i + 1] * t).astype(F32)


def smooth_noise_2d(
    rng: np.random.Generator, shape: tuple[int, int], cell: tuple[float, float]
) -> np.ndarray:
    """Smooth random field of ``shape`` (value noise, smoothstep-interpolated grid).

    Parameters
    ----------
    rng
        Random generator.
    shape
        ``(height, width)`` of the field.
    cell
        ``(cell_y, cell_x)``: grid spacing in pixels, i.e. the correlation length.

    Returns
    -------
    numpy.ndarray
        float32 field with values roughly in [-2, 2].
    """
    h, w = shape
    cy, cx = max(float(cell[0]), 1.0), max(float(cell[1]), 1.0)
    grid = rng.standard_normal((int(h / cy) + 3, int(w / cx) + 3)).astype(F32)
    px = np.arange(w, dtype=np.float64) / cx
    ix = px.astype(np.int64)
    tx = px - ix
    tx = (tx * tx * (3.0 - 2.0 * tx)).astype(F32)
    rows = grid[:, ix] * (1.0 - tx) + grid[:, ix + 1] * tx
    py = np.arange(h, dtype=np.float64) / cy
    iy = py.astype(np.int64)
    ty = py - iy
    ty = (ty * ty * (3.0 - 2.0 * ty)).astype(F32)[:, None]
    return rows[iy] * (1.0 - ty) + rows[iy + 1] * ty


def dome(
    x: np.ndarray, center: float, half_width: float, height: float, power: float
) -> np.ndarray:
    """A dome ``height * (1 - u**2) ** power`` with ``u = (x - center) / half_width``, 0 outside."""
    u = (x - center) / max(half_width, 1e-3)
    return (height * np.clip(1.0 - u * u, 0.0, None) ** power).astype(F32)


def plateau(x: np.ndarray, lo: float, hi: float, edge: float) -> np.ndarray:
    """1 between ``lo`` and ``hi``, falling smoothly to 0 over ``edge`` pixels outside."""
    edge = max(edge, 1e-3)
    a = np.clip((x - (lo - edge)) / edge, 0.0, 1.0)
    b = np.clip(((hi + edge) - x) / edge, 0.0, 1.0)
    t = np.minimum(a, b)
    return (t * t * (3.0 - 2.0 * t)).astype(F32)


def ellipse_weight(
    shape: tuple[int, int],
    cy: float,
    cx: float,
    ry: float,
    rx: float,
    soft: float = 1.0,
    angle: float = 0.0,
) -> tuple[slice, slice, np.ndarray] | None:
    """Anti-aliased ellipse coverage inside its bounding box.

    Returns
    -------
    tuple or None
        ``(rows, cols, weight)`` with ``weight`` in [0, 1] for ``image[rows, cols]``, or
        ``None`` when the ellipse lies outside the image.
    """
    h, w = shape
    ry, rx = max(ry, 0.5), max(rx, 0.5)
    ext = max(ry, rx) + soft + 1.0
    y0, y1 = max(int(cy - ext), 0), min(int(cy + ext) + 2, h)
    x0, x1 = max(int(cx - ext), 0), min(int(cx + ext) + 2, w)
    if y0 >= y1 or x0 >= x1:
        return None
    dy = np.arange(y0, y1, dtype=F32)[:, None] - F32(cy)
    dx = np.arange(x0, x1, dtype=F32)[None, :] - F32(cx)
    if angle:
        c, s = np.cos(angle), np.sin(angle)
        dy, dx = c * dy - s * dx, s * dy + c * dx
    r = np.sqrt((dy / ry) ** 2 + (dx / rx) ** 2)
    weight = np.clip(0.5 - (r - 1.0) * min(ry, rx) / soft, 0.0, 1.0)
    return slice(y0, y1), slice(x0, x1), weight


def band(
    height: int, top: np.ndarray, bottom: np.ndarray, cols: np.ndarray | None = None
) -> np.ndarray:
    """Boolean (H, W) mask of rows ``top[x] <= y < bottom[x]`` (optionally only where ``cols``)."""
    y = np.arange(height, dtype=F32)[:, None]
    m = (y >= top[None, :]) & (y < bottom[None, :])
    if cols is not None:
        m &= cols[None, :]
    return m


def bbox(mask: np.ndarray) -> list[int] | None:
    """``[y0, x0, y1, x1]`` (end exclusive) of the True pixels, or ``None`` if there are none."""
    rows = np.flatnonzero(mask.any(axis=1))
    if rows.size == 0:
        return None
    cols = np.flatnonzero(mask.any(axis=0))
    return [int(rows[0]), int(cols[0]), int(rows[-1]) + 1, int(cols[-1]) + 1]

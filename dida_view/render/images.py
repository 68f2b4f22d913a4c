"""Rendering to arrays (pure numpy): grid images, the Mixed Image, overlays.

All images here are float32 RGB in 0..1, shape (H, W, 3), unless said otherwise.
Colours follow the paper: red where ``d >= 0`` (the cell supports the class), blue where
``d < 0`` (it argues against it), brightness ``a(|d|) = clip(gain * |d| / scale, 0, 1)``,
so neutral cells are black.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from dida_view.errors import SettingsError
from dida_view.method.blend import normalise_weights
from dida_view.method.grids import cell_index
from dida_view.model.preprocess import source_index

RED = np.array([1.0, 0.0, 0.0], dtype=np.float32)
BLUE = np.array([0.0, 0.35, 1.0], dtype=np.float32)


def intensity(d: np.ndarray, scale: float, gain: float = 1.0) -> np.ndarray:
    """``a(|d|)``: brightness in 0..1, monotonic in ``|d|``, clipped."""
    if not scale > 0:
        raise SettingsError(f"scale must be > 0, got {scale}")
    if not gain > 0:
        raise SettingsError(f"gain must be > 0, got {gain}")
    return np.clip(np.abs(d) * (gain / scale), 0.0, 1.0).astype(np.float32)


def color_cells(d: np.ndarray, scale: float, gain: float = 1.0) -> np.ndarray:
    """The colour of every cell of a (rows, cols) ``d`` map: (rows, cols, 3) float32."""
    a = intensity(d, scale, gain)[..., None]
    return np.where((d >= 0)[..., None], a * RED, a * BLUE).astype(np.float32)


def color_signed(pos: np.ndarray, neg: np.ndarray, scale: float, gain: float = 1.0) -> np.ndarray:
    """Colour separate positive and negative magnitudes: ``a(pos) * red + a(neg) * blue``."""
    return (intensity(pos, scale, gain)[..., None] * RED
            + intensity(neg, scale, gain)[..., None] * BLUE).astype(np.float32)


def grid_image(
    d: np.ndarray,
    content_shape: tuple[int, int],
    scale: float,
    gain: float = 1.0,
    out_shape: tuple[int, int] | None = None,
    *,
    cells: tuple[np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """Paint a (rows, cols) ``d`` map as the paper's grid image.

    Parameters
    ----------
    d
        One class's score differences, one per cell of the grid (rows, cols).
    content_shape
        (height, width) of the content box the grid was laid on, in model pixels.
    out_shape
        (height, width) to render at. Default ``content_shape``. For the original image's
        size each output pixel takes the cell of the content pixel it came from, so cell
        borders sit exactly where the masks were.
    cells
        The cell of every output row and of every output column (default: the grid laid
        over the content box, output pixels mapped by the centre rule;
        :func:`dida_view.render.maps.cell_lookup` gives them for a result).
    """
    if d.ndim != 2:
        raise SettingsError(f"d must be a (rows, cols) map, got shape {d.shape}")
    ch, cw = content_shape
    oh, ow = out_shape or content_shape
    if cells is None:
        rows = cell_index(ch, d.shape[0])[source_index(oh, ch)]
        cols = cell_index(cw, d.shape[1])[source_index(ow, cw)]
    else:
        rows, cols = cells
        if len(rows) != oh or len(cols) != ow or rows.max() >= d.shape[0] or \
                cols.max() >= d.shape[1]:
            raise SettingsError(f"cells do not fit a {d.shape} map at {oh} x {ow}")
    colours = color_cells(d, scale, gain)
    return colours[rows[:, None], cols[None, :]]


def mixed_image(grid_images: Sequence[np.ndarray], weights: Sequence[float]) -> np.ndarray:
    """The Mixed Image: the weighted sum of the grid images (weights sum to 1)."""
    if len(grid_images) == 0:
        raise SettingsError("no grid images to mix")
    w = normalise_weights(weights, len(grid_images))
    out = np.zeros_like(grid_images[0], dtype=np.float32)
    for img, wi in zip(grid_images, w, strict=True):
        out += np.float32(wi) * img
    return out


def overlay(original: np.ndarray, mixed: np.ndarray, opacity: float = 0.5) -> np.ndarray:
    """Lay ``mixed`` over ``original`` (both at the original's size), as uint8 RGB.

    Each pixel's map colour is blended in with ``opacity`` times its intensity (its
    brightest channel): full colour at ``opacity`` as before, while where d is small the
    scan shows through as it is, so the anatomy stays readable around the evidence.
    ``original`` is uint8 grey/RGB or float RGB in 0..1 (a float image is taken as it is,
    so a viewer can convert its original once).
    """
    if not 0.0 <= opacity <= 1.0:
        raise SettingsError(f"opacity must be in 0..1, got {opacity}")
    base = original if original.dtype == np.float32 and original.ndim == 3 else \
        as_rgb_float(original)
    if base.shape != mixed.shape:
        raise SettingsError(f"overlay: image {base.shape} and map {mixed.shape} differ")
    # base * (1 - opacity * m) + (mixed / m) * (opacity * m), m = the colour's intensity
    keep = np.max(mixed, axis=2, keepdims=True) * np.float32(-opacity)
    keep += np.float32(1.0)
    out = np.multiply(mixed, np.float32(opacity * 255.0), dtype=np.float32)
    out += base * keep * np.float32(255.0)
    out += np.float32(0.5)
    np.clip(out, 0.0, 255.0, out=out)
    return out.astype(np.uint8)


def as_rgb_float(image: np.ndarray) -> np.ndarray:
    """uint8 (H, W) or (H, W, 3) -> float32 (H, W, 3) in 0..1."""
    img = np.asarray(image)
    if img.ndim == 2:
        img = np.repeat(img[..., None], 3, axis=2)
    if img.ndim != 3 or img.shape[2] != 3:
        raise SettingsError(f"expected a grey or RGB image, got shape {img.shape}")
    if img.dtype == np.uint8:
        return img.astype(np.float32) * np.float32(1.0 / 255.0)
    return np.clip(img.astype(np.float32), 0.0, 1.0)


def to_uint8(img: np.ndarray) -> np.ndarray:
    out = np.multiply(img, np.float32(255.0), dtype=np.float32)
    out += np.float32(0.5)
    np.clip(out, 0.0, 255.0, out=out)
    return out.astype(np.uint8)


def legend_bar(width: int, height: int) -> np.ndarray:
    """A colour bar from full blue (against) through black (no effect) to full red (for)."""
    t = np.linspace(-1.0, 1.0, width, dtype=np.float32)
    row = color_cells(t[None, :], 1.0)[0]
    return np.repeat(row[None], height, axis=0)

"""``cv2.resize`` semantics in numpy, for models trained with OpenCV (no cv2 at run time).

OpenCV and Pillow pick different source pixels for the same output pixel:

- ``nearest``: OpenCV's ``INTER_NEAREST`` takes ``src = floor(dst * src_len / dst_len)``
  (the legacy rule; Pillow takes the pixel under the output pixel's centre);
- ``bilinear`` / ``bicubic``: half-pixel centres, *no* antialiasing when shrinking (Pillow
  widens its filter), cubic with ``a = -0.75`` (Pillow: -0.5), borders replicated;
- ``area``: ``INTER_AREA``: the pixel-area average when shrinking in both directions,
  otherwise OpenCV's area-flavoured bilinear.

Each rule is a (dst, src) weight matrix per axis, applied separably. OpenCV works in
fixed point for uint8; the results here are rounded to whole levels and agree with
``cv2.resize`` to within one level (checked against OpenCV in the tests).
"""

from __future__ import annotations

import numpy as np

from dida_view.errors import SettingsError

OPENCV_INTERPOLATIONS = ("nearest", "bilinear", "bicubic", "area")
_CUBIC_A = -0.75


def nearest_source(src: int, dst: int) -> np.ndarray:
    """OpenCV's ``INTER_NEAREST``: the source index of every output pixel along an axis."""
    ifx = 1.0 / (dst / src)  # as OpenCV computes it: 1 / inv_scale
    return np.minimum(np.floor(np.arange(dst) * ifx).astype(np.int64), src - 1)


def _cubic_coeffs(f: np.ndarray) -> np.ndarray:
    """OpenCV's ``interpolateCubic``: (len(f), 4) weights for taps ``sx-1 .. sx+2``."""
    a = _CUBIC_A
    x = f.astype(np.float64)
    c0 = ((a * (x + 1) - 5 * a) * (x + 1) + 8 * a) * (x + 1) - 4 * a
    c1 = ((a + 2) * x - (a + 3)) * x * x + 1
    c2 = ((a + 2) * (1 - x) - (a + 3)) * (1 - x) * (1 - x) + 1
    return np.stack([c0, c1, c2, 1.0 - c0 - c1 - c2], axis=1)


def _area_tab(src: int, dst: int) -> np.ndarray:
    """OpenCV's ``computeResizeAreaTab``: pixel-area weights when shrinking."""
    scale = src / dst
    w = np.zeros((dst, src), dtype=np.float64)
    for dx in range(dst):
        fsx1 = dx * scale
        fsx2 = fsx1 + scale
        cell = min(scale, src - fsx1)
        sx2 = min(int(np.floor(fsx2)), src - 1)
        sx1 = min(int(np.ceil(fsx1)), sx2)
        if sx1 - fsx1 > 1e-3:
            w[dx, sx1 - 1] += (sx1 - fsx1) / cell
        w[dx, sx1:sx2] += 1.0 / cell
        if fsx2 - sx2 > 1e-3:
            w[dx, sx2] += min(min(fsx2 - sx2, 1.0), cell) / cell
    return w


def axis_weights(src: int, dst: int, method: str, *, area_shrink: bool = False) -> np.ndarray:
    """The (dst, src) matrix that resizes one axis as ``cv2.resize`` does.

    ``area_shrink``: for ``area``, whether OpenCV takes its true area path (it does when
    the image shrinks, or keeps its size, along *both* axes).
    """
    if src < 1 or dst < 1:
        raise SettingsError(f"resize: sizes must be positive, got {src} -> {dst}")
    w = np.zeros((dst, src), dtype=np.float64)
    rows = np.arange(dst)
    if method == "nearest":
        w[rows, nearest_source(src, dst)] = 1.0
        return w
    if method == "area" and area_shrink:
        return _area_tab(src, dst)
    inv_scale = dst / src
    scale = 1.0 / inv_scale
    if method == "area":  # OpenCV's bilinear with area-style fractions
        sx = np.floor(rows * scale).astype(np.int64)
        f = (rows + 1) - (sx + 1) * inv_scale
        f = np.where(f <= 0, 0.0, f - np.floor(f))
    else:
        fx = ((rows + 0.5) * scale - 0.5).astype(np.float32).astype(np.float64)
        sx = np.floor(fx).astype(np.int64)
        f = fx - sx
    if method == "bicubic":
        coeffs = _cubic_coeffs(f)
        for t in range(4):
            np.add.at(w, (rows, np.clip(sx - 1 + t, 0, src - 1)), coeffs[:, t])
        return w
    if method not in ("bilinear", "area"):
        raise SettingsError(
            f"resize_convention 'opencv' supports {', '.join(OPENCV_INTERPOLATIONS)}, "
            f"not {method!r}")
    low = sx < 0
    sx, f = np.where(low, 0, sx), np.where(low, 0.0, f)
    high = sx >= src - 1
    sx, f = np.where(high, src - 1, sx), np.where(high, 0.0, f)
    np.add.at(w, (rows, sx), 1.0 - f)
    np.add.at(w, (rows, np.minimum(sx + 1, src - 1)), f)
    return w


def resize_opencv(image: np.ndarray, size: tuple[int, int], method: str) -> np.ndarray:
    """Resize uint8 ``image`` (H, W) or (H, W, C) to ``size`` = (height, width) as
    ``cv2.resize(image, (width, height), interpolation=...)`` does.

    Returns float32 with whole levels 0..255, the same number of dimensions as ``image``.
    """
    if method not in OPENCV_INTERPOLATIONS:
        raise SettingsError(
            f"resize_convention 'opencv' supports {', '.join(OPENCV_INTERPOLATIONS)}, "
            f"not {method!r}")
    img = np.asarray(image)
    squeeze = img.ndim == 2
    if squeeze:
        img = img[:, :, None]
    h, w = img.shape[:2]
    oh, ow = int(size[0]), int(size[1])
    if method == "nearest":
        out = img[nearest_source(h, oh)][:, nearest_source(w, ow)].astype(np.float32)
        return out[:, :, 0] if squeeze else out
    shrink = oh <= h and ow <= w
    wy = axis_weights(h, oh, method, area_shrink=shrink)
    wx = axis_weights(w, ow, method, area_shrink=shrink)
    tmp = np.tensordot(wy, img.astype(np.float64), axes=(1, 0))  # (oh, w, C)
    out = np.tensordot(wx, tmp, axes=(1, 1)).transpose(1, 0, 2)  # (oh, ow, C)
    out = np.clip(np.rint(out), 0, 255).astype(np.float32)
    return out[:, :, 0] if squeeze else out

"""Resource limits for any input: the largest image, the largest picture drawn.

An image of :data:`MAX_PIXELS` pixels is analysed within 1.5 GB of peak memory (README,
"Inputs"); larger ones are refused before their pixels are decoded, with one line, so a
decompression bomb (a small file that unpacks to gigabytes) never gets to allocate.
Figures and the viewer's pictures are drawn at most :data:`MAX_DISPLAY` pixels on the long
side.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from dida_view.errors import ImageError

MAX_PIXELS = 150_000_000  # e.g. 12000 x 12500; a 12000 x 12000 RGB image peaks near 1.2 GB
MAX_DISPLAY = 4096
MAX_VENDOR_FILE_BYTES = 400 << 20  # read whole by their libraries, about 3 copies at once

# what a model's configuration (its input shape, metadata, sidecar) may ask for: a batch of
# 16 masked inputs of the largest size is 800 MB of float32 before the model runs
MAX_INPUT_SIDE = 4096
MAX_INPUT_PIXELS = 2048 * 2048
MAX_RUN_BYTES = 256 << 20  # model input per onnxruntime run (larger batches are split)
MAX_CLASSES = 25_000  # ImageNet-21k has 21,843; d holds classes x 2,044 cells per image


def check_pixels(path: str | Path, height: int, width: int) -> None:
    """Refuse an image of more than :data:`MAX_PIXELS` pixels (or of none), by its header.

    Raises
    ------
    ImageError
        One line naming the file, its size and the limit.
    """
    h, w = int(height), int(width)
    if h < 1 or w < 1:
        raise ImageError(f"{path}: image of {w} x {h} pixels has no pixels")
    if h * w > MAX_PIXELS:
        raise ImageError(
            f"{path}: image of {w} x {h} pixels is larger than the limit of "
            f"{MAX_PIXELS // 1_000_000} million pixels (refused as a possible "
            "decompression bomb; reduce it first)")


def display_shape(height: int, width: int, limit: int = MAX_DISPLAY) -> tuple[int, int]:
    """(height, width) scaled down so that the long side is at most ``limit`` pixels."""
    long_side = max(height, width)
    if long_side <= limit:
        return height, width
    s = limit / long_side
    return max(1, round(height * s)), max(1, round(width * s))


def block_reduce(image: np.ndarray, factor: int) -> np.ndarray:
    """Mean of ``factor x factor`` blocks (uint8 in, uint8 out), in row bands.

    Edge rows and columns that do not fill a block are dropped. Never holds more than a
    band of float copies, so a 12000 x 12000 image is reduced within a few tens of MB.
    """
    f = int(factor)
    if f <= 1:
        return image
    h, w = image.shape[0] // f, image.shape[1] // f
    if h < 1 or w < 1:
        return image
    out = np.empty((h, w) + image.shape[2:], dtype=np.uint8)
    rows = max(1, (1 << 22) // max(1, w * f * f))  # output rows per band
    for r in range(0, h, rows):
        r1 = min(h, r + rows)
        band = image[r * f:r1 * f, :w * f].astype(np.float32)
        band = band.reshape((r1 - r, f, w, f) + image.shape[2:]).mean(axis=(1, 3))
        out[r:r1] = np.clip(band + 0.5, 0, 255).astype(np.uint8)
    return out


def reduce_for_display(image: np.ndarray, limit: int = MAX_DISPLAY) -> np.ndarray:
    """``image`` with its long side at most ``limit`` pixels (block means; as it is when
    small enough). Figures and the viewer's pictures are drawn from this."""
    long_side = max(image.shape[:2])
    if long_side <= limit:
        return image
    return block_reduce(image, -(-long_side // limit))

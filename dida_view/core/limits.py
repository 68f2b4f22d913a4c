"""Resource limits for any input: the largest image, the largest picture drawn.

An image of :data:`MAX_PIXELS` pixels is analysed within 1.5 GB of peak memory (README,
"Inputs"); larger ones are refused before their pixels are decoded, with one line, so a
decompression bomb (a small file that unpacks to gigabytes) never gets to allocate.
Figures and the viewer's pictures are drawn at most :data:`MAX_DISPLAY` pixels on the long
side.
"""

from __future__ import annotations

from pathlib import Path

from dida_view.core.errors import ImageError

MAX_PIXELS = 150_000_000  # e.g. 12000 x 12500; a 12000 x 12000 RGB image peaks near 1.2 GB
MAX_DISPLAY = 4096
MAX_VENDOR_FILE_BYTES = 1 << 30  # vendor volumes are read whole by their libraries


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

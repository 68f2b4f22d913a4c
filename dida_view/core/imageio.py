"""Reading images and their diagnosis sidecars."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from dida_view.core.errors import ImageError

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".gif", ".webp", ".pgm")


def load_image(path: str | Path) -> np.ndarray:
    """Read an image as uint8 (H, W) grey or (H, W, 3) RGB.

    16-bit images are scaled to 8 bits; alpha is dropped (composited on black); EXIF
    orientation is applied. Raises :class:`ImageError` naming the file and the problem.
    """
    p = Path(path)
    if not p.exists():
        raise ImageError(f"{p}: no such file")
    if p.is_dir():
        raise ImageError(f"{p}: is a folder, not an image")
    try:
        with Image.open(p) as im:
            im.load()
            im = ImageOps.exif_transpose(im)
            return _to_array(im)
    except UnidentifiedImageError:
        raise ImageError(f"{p}: not an image file (or a format Pillow cannot read)") from None
    except (OSError, ValueError, SyntaxError) as exc:
        raise ImageError(f"{p}: cannot read image ({_short(exc)})") from None
    except Image.DecompressionBombError as exc:
        raise ImageError(f"{p}: image too large ({_short(exc)})") from None


def _to_array(im: Image.Image) -> np.ndarray:
    if im.mode in ("I;16", "I;16B", "I;16L", "I"):
        a = np.asarray(im, dtype=np.float64)
        hi = a.max() if a.size else 1.0
        a = a * (255.0 / (65535.0 if hi > 255 else max(hi, 1.0)))
        return np.clip(a + 0.5, 0, 255).astype(np.uint8)
    if im.mode == "F":
        a = np.asarray(im, dtype=np.float64)
        lo, hi = float(np.nanmin(a)), float(np.nanmax(a))
        a = (a - lo) / (hi - lo) * 255.0 if hi > lo else np.zeros_like(a)
        return np.clip(a + 0.5, 0, 255).astype(np.uint8)
    if im.mode in ("1", "L", "P") and not (im.mode == "P" and _palette_is_colour(im)):
        return np.asarray(im.convert("L"), dtype=np.uint8)
    if im.mode == "LA":
        return np.asarray(im.convert("L"), dtype=np.uint8)
    rgb = np.asarray(im.convert("RGB"), dtype=np.uint8)
    if rgb.shape[0] and np.array_equal(rgb[..., 0], rgb[..., 1]) and np.array_equal(
        rgb[..., 1], rgb[..., 2]
    ):
        return np.ascontiguousarray(rgb[..., 0])  # a grey picture stored as RGB (e.g. JPEG)
    return rgb


def _palette_is_colour(im: Image.Image) -> bool:
    pal = np.asarray(im.convert("RGB"))
    grey = np.array_equal(pal[..., 0], pal[..., 1]) and np.array_equal(pal[..., 1], pal[..., 2])
    return not grey


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def sidecar_path(image_path: str | Path) -> Path:
    """The diagnosis sidecar of an image: ``<stem>.json`` in the same folder."""
    p = Path(image_path)
    return p.with_suffix(".json")


def read_diagnosis(image_path: str | Path) -> str | None:
    """The clinician's diagnosis for an image, from its sidecar (``{"diagnosis": ...}``).

    A missing sidecar gives ``None``; a broken one too (the diagnosis is only a label).
    """
    p = sidecar_path(image_path)
    if not p.is_file():
        return None
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    value = data.get("diagnosis") if isinstance(data, dict) else None
    return str(value) if value else None

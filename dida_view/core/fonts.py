"""The bundled Japanese font (resources/fonts/), for figures drawn with Pillow and for Qt.

Pure Python + pillow: Qt registers the same file with ``QFontDatabase`` itself.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

FONT_FILE = "DiDANotoSansJP-Regular.otf"
FAMILY = "DiDA Noto Sans JP"


def bundled_font_path() -> Path | None:
    """The subset Noto Sans JP that ships with DiDA View, or None when it is missing."""
    from dida_view import paths

    d = paths.resources_dir()
    p = d / "fonts" / FONT_FILE if d else None
    return p if p is not None and p.is_file() else None


def needs_cjk(text: str | None) -> bool:
    """Whether ``text`` has characters past Latin-1 that Pillow's default font lacks."""
    return bool(text) and any(ord(c) > 0x24F for c in text)


@lru_cache(maxsize=32)
def pil_font(size: int, cjk: bool = False) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    """Pillow's font for figure text: the bundled Japanese font when ``cjk`` (and present),
    else Pillow's default (DejaVu-like, or the small bitmap font without FreeType)."""
    path = bundled_font_path() if cjk else None
    if path is not None:
        try:
            return ImageFont.truetype(str(path), size)
        except OSError:
            pass
    try:
        return ImageFont.load_default(size=size)
    except (TypeError, OSError):  # Pillow without FreeType: the small bitmap font
        return ImageFont.load_default()

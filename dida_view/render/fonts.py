"""The one place that picks a font for text drawn with Pillow (figures, exports).

:func:`font_for` returns a font that has a glyph for every character of the text, so a
class named ``網膜浮腫`` or ``Отёк`` is drawn as itself, not as empty boxes. Candidates,
in order:

1. fonts shipped with DiDA View in ``resources/fonts/`` (``.ttf``, ``.otf``, ``.ttc``);
   a font added there is used first for the scripts it covers;
2. Pillow's own default font (Latin);
3. the system's fonts: common sans-serif families first (DejaVu Sans, Noto Sans and Noto
   Sans CJK, Arial Unicode, Microsoft YaHei, Hiragino), then any font in the usual
   folders.

When no font has every glyph, the one with the most is used.
"""

from __future__ import annotations

import os
import sys
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

FontType = ImageFont.ImageFont | ImageFont.FreeTypeFont
_PREFERRED = ("DejaVuSans.ttf", "NotoSans-Regular.ttf", "NotoSansCJK-Regular.ttc",
              "NotoSansCJKjp-Regular.otf", "NotoSansJP-Regular.otf", "ArialUnicode.ttf",
              "Arial Unicode.ttf", "msyh.ttc", "YuGothM.ttc", "meiryo.ttc",
              "ヒラギノ角ゴシック W3.ttc", "Hiragino Sans GB.ttc", "arial.ttf", "Arial.ttf")
_SUFFIXES = (".ttf", ".otf", ".ttc")
_MISSING = "\U0010fffd"  # a private-use code point no font draws: its box is "no glyph"


def font_for(text: str, size: int) -> FontType:
    """A font of ``size`` pixels with glyphs for every character of ``text``."""
    needed = frozenset(c for c in text if not c.isspace())
    return _font_for(needed, int(size))


@lru_cache(maxsize=64)
def _font_for(needed: frozenset[str], size: int) -> FontType:
    default = _default(size)
    if not needed or _covers(default, needed):
        return default
    best, best_count = default, _count(default, needed)
    for path in candidate_paths():
        try:
            f = ImageFont.truetype(str(path), size)
        except (OSError, ValueError):
            continue
        count = _count(f, needed)
        if count == len(needed):
            return f
        if count > best_count:
            best, best_count = f, count
    return best


def _default(size: int) -> FontType:
    try:
        return ImageFont.load_default(size=size)
    except (TypeError, OSError):  # Pillow without FreeType: the small bitmap font
        return ImageFont.load_default()


def _count(f: FontType, needed: frozenset[str]) -> int:
    return sum(has_glyph(f, c) for c in needed)


def _covers(f: FontType, needed: frozenset[str]) -> bool:
    return all(has_glyph(f, c) for c in needed)


def has_glyph(f: FontType, char: str) -> bool:
    """Whether ``f`` draws ``char`` as itself (not as its "missing glyph" box)."""
    try:
        mask = f.getmask(char)
        missing = f.getmask(_MISSING)
    except (OSError, ValueError, UnicodeEncodeError):
        return False
    if mask.size != missing.size:
        return True
    return bytes(mask) != bytes(missing)


@lru_cache(maxsize=1)
def candidate_paths() -> tuple[Path, ...]:
    """Font files to try, shipped ones first, then the system's preferred, then the rest."""
    shipped: list[Path] = []
    from dida_view import paths

    res = paths.resources_dir()
    if res is not None and (res / "fonts").is_dir():
        shipped = sorted(p for p in (res / "fonts").rglob("*") if p.suffix.lower() in _SUFFIXES)
    system = []
    for d in _system_dirs():
        try:
            system += [p for p in d.rglob("*") if p.suffix.lower() in _SUFFIXES]
        except OSError:
            continue
    rank = {name.lower(): i for i, name in enumerate(_PREFERRED)}
    system.sort(key=lambda p: (rank.get(p.name.lower(), len(rank)), len(p.name), str(p)))
    return tuple(shipped + system)


def _system_dirs() -> list[Path]:
    home = Path.home()
    if sys.platform.startswith("win"):
        dirs = [Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts",
                home / "AppData/Local/Microsoft/Windows/Fonts"]
    elif sys.platform == "darwin":
        dirs = [Path("/System/Library/Fonts"), Path("/Library/Fonts"), home / "Library/Fonts"]
    else:
        dirs = [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"),
                home / ".local/share/fonts", home / ".fonts"]
    return [d for d in dirs if d.is_dir()]


# -- the bundled Japanese font (resources/fonts/): Qt registers the same file itself ---------
FONT_FILE = "DiDANotoSansJP-Regular.otf"
FAMILY = "DiDA Noto Sans JP"


def bundled_font_path() -> Path | None:
    """The subset Noto Sans JP that ships with DiDA View, or None when it is missing."""
    from dida_view import paths

    d = paths.resources_dir()
    p = d / "fonts" / FONT_FILE if d else None
    return p if p is not None and p.is_file() else None

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

:func:`draw_text` goes further, glyph by glyph: a figure's text is drawn in Pillow's
default font, and each character that font lacks comes from the first candidate that has
it (the bundled Japanese font for 網膜, the machine's emoji font for 😀, a colour one
included: drawn at its own size and scaled). A character no font has is drawn as
:data:`REPLACEMENT` (�), never as an empty box; zero-width marks no font has (a joiner,
a variation selector) are left out. Text is bounded before it is measured or drawn
(:func:`fit_text`: at most :data:`MAX_DRAWN_CHARS` characters, an ellipsis where cut), so
a megabyte of diagnosis costs nothing and never reaches Pillow's string limit.
"""

from __future__ import annotations

import os
import sys
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FontType = ImageFont.ImageFont | ImageFont.FreeTypeFont
_PREFERRED = ("DejaVuSans.ttf", "NotoSans-Regular.ttf", "NotoSansCJK-Regular.ttc",
              "NotoSansCJKjp-Regular.otf", "NotoSansJP-Regular.otf", "ArialUnicode.ttf",
              "Arial Unicode.ttf", "msyh.ttc", "YuGothM.ttc", "meiryo.ttc",
              "ヒラギノ角ゴシック W3.ttc", "Hiragino Sans GB.ttc", "arial.ttf", "Arial.ttf")
_SUFFIXES = (".ttf", ".otf", ".ttc")
_MISSING = "\U0010fffd"  # a private-use code point no font draws: its box is "no glyph"
REPLACEMENT = "\ufffd"  # drawn for a character no font on the machine has
ELLIPSIS = "…"
MAX_DRAWN_CHARS = 400  # no line of a figure shows more; longer text is cut first
# sizes at which bitmap-only (colour emoji) fonts have their glyphs: Noto Color Emoji 109,
# Apple Color Emoji 160 and others
_BITMAP_SIZES = (109, 160, 136, 128, 96, 64, 48)


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


@lru_cache(maxsize=64)
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


# -- text drawn glyph by glyph --------------------------------------------------------------
@dataclass(frozen=True)
class Run:
    """Characters drawn with one font: ``scale`` != 1 for a bitmap (colour) font drawn at
    its own size and scaled to the text's."""

    text: str
    font: FontType
    scale: float = 1.0


@lru_cache(maxsize=256)
def _load(path: str, size: int) -> tuple[FontType, float] | None:
    """The font at ``path`` for ``size`` pixels: (font, scale), or None when unreadable."""
    try:
        return ImageFont.truetype(path, size), 1.0
    except OSError as exc:
        if "pixel size" not in str(exc):  # not a bitmap-only font: unreadable
            return None
    except ValueError:
        return None
    for native in _BITMAP_SIZES:  # a colour emoji font has its glyphs at fixed sizes
        try:
            return ImageFont.truetype(path, native), size / native
        except (OSError, ValueError):
            continue
    return None


@lru_cache(maxsize=4096)
def _source(char: str, size: int) -> tuple[FontType, float] | None:
    """The font (and scale) that draws ``char`` at ``size``: the default font when it has
    it, else the first candidate that has it; None when no font on the machine has it."""
    default = _default(size)
    if has_glyph(default, char):
        return default, 1.0
    for path in candidate_paths():
        loaded = _load(str(path), size)
        if loaded is not None and has_glyph(loaded[0], char):
            return loaded
    return None


def text_runs(text: str, size: int) -> list[Run]:
    """``text`` as runs of one font each (see the module's note); whitespace goes with
    the run before it."""
    size = int(size)
    default = _default(size)
    runs: list[Run] = []
    for char in text:
        if char.isspace():  # with the run before, unless that is a scaled (emoji) one
            src = (runs[-1].font, 1.0) if runs and runs[-1].scale == 1.0 else (default, 1.0)
        else:
            src = _source(char, size)
            if src is None:
                if unicodedata.category(char) in ("Mn", "Me", "Cf") or \
                        "\U0001f3fb" <= char <= "\U0001f3ff":
                    continue  # a joiner, a variation selector, a skin tone: nothing alone
                char = REPLACEMENT
                src = _source(char, size) or (default, 1.0)
        if runs and runs[-1].font is src[0] and runs[-1].scale == src[1]:
            runs[-1] = Run(runs[-1].text + char, src[0], src[1])
        else:
            runs.append(Run(char, src[0], src[1]))
    return runs


def _ascent(size: int) -> int:
    f = _default(size)
    return f.getmetrics()[0] if isinstance(f, ImageFont.FreeTypeFont) else size


def text_length(text: str, size: int) -> float:
    """The width of ``text`` drawn by :func:`draw_text` (``text`` as it is: bound it with
    :func:`fit_text` first)."""
    return sum(r.font.getlength(r.text) * r.scale for r in text_runs(text, size))


def text_height(size: int) -> int:
    """The height of a line of ``size`` pixel text (ascent + descent of the default font)."""
    f = _default(int(size))
    return sum(f.getmetrics()) if isinstance(f, ImageFont.FreeTypeFont) else int(size)


def fit_text(text: str, size: int, room: float) -> str:
    """``text`` on one line, cut with an ellipsis to ``room`` pixels (and never longer than
    :data:`MAX_DRAWN_CHARS` characters, whatever the room)."""
    text = " ".join(text.split()) if any(c in text for c in "\n\r\t") else text
    if len(text) > MAX_DRAWN_CHARS:
        text = text[:MAX_DRAWN_CHARS - 1] + ELLIPSIS
    if text_length(text, size) <= room:
        return text
    lo, hi = 0, len(text)  # the longest prefix that fits with its ellipsis
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if text_length(text[:mid].rstrip() + ELLIPSIS, size) <= room:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo].rstrip() + ELLIPSIS if lo else ""


def wrap_text(text: str, size: int, room: float, max_lines: int = 3) -> list[str]:
    """``text`` broken at spaces into lines of at most ``room`` pixels (a word longer than
    a line is cut), at most ``max_lines`` of them, the last with an ellipsis when text is
    left over; bounded first like :func:`fit_text`."""
    text = " ".join(text.split())
    if len(text) > MAX_DRAWN_CHARS * max_lines:
        text = text[:MAX_DRAWN_CHARS * max_lines]
    lines: list[str] = []
    words = text.split(" ")
    while words and len(lines) < max_lines:
        line = words.pop(0)
        while words and text_length(f"{line} {words[0]}", size) <= room:
            line = f"{line} {words.pop(0)}"
        if text_length(line, size) > room:  # one long word (a path, a CJK sentence)
            cut = fit_text(line, size, room)
            rest = line[len(cut) - 1:] if cut.endswith(ELLIPSIS) else ""
            line = cut[:-1] if rest else cut
            if rest:
                words.insert(0, rest)
        lines.append(line)
    if words:
        lines[-1] = fit_text(f"{lines[-1]} {' '.join(words)}", size, room)
    return lines


def draw_text(image: Image.Image, xy: tuple[float, float], text: str, size: int,
              fill: tuple[int, ...]) -> float:
    """Draw ``text`` with its top-left at ``xy`` on ``image``, glyph by glyph (see the
    module's note); returns its width. Bound ``text`` with :func:`fit_text` first."""
    size = int(size)
    draw = ImageDraw.Draw(image)
    x, baseline = float(xy[0]), float(xy[1]) + _ascent(size)
    for run in text_runs(text, size):
        if run.scale == 1.0:
            draw.text((x, baseline), run.text, font=run.font, fill=fill, anchor="ls",
                      embedded_color=False)
            x += run.font.getlength(run.text)
            continue
        x += _paste_scaled(image, (x, baseline), run)
    return x - float(xy[0])


def _paste_scaled(image: Image.Image, at: tuple[float, float], run: Run) -> float:
    """A run of a bitmap (colour) font: drawn at its own size, scaled, pasted."""
    f = run.font
    ascent, descent = f.getmetrics()
    width = max(1, round(f.getlength(run.text)))
    glyphs = Image.new("RGBA", (width, ascent + descent), (0, 0, 0, 0))
    ImageDraw.Draw(glyphs).text((0, ascent), run.text, font=f, anchor="ls",
                                embedded_color=True)
    w, h = max(1, round(width * run.scale)), max(1, round((ascent + descent) * run.scale))
    small = glyphs.resize((w, h), Image.Resampling.LANCZOS)
    image.paste(small, (round(at[0]), round(at[1] - ascent * run.scale)), small)
    return w


# -- the bundled Japanese font (resources/fonts/): Qt registers the same file itself ---------
FONT_FILE = "DiDANotoSansJP-Regular.otf"
FAMILY = "DiDA Noto Sans JP"


def bundled_font_path() -> Path | None:
    """The subset Noto Sans JP that ships with DiDA View, or None when it is missing."""
    from dida_view import paths

    d = paths.resources_dir()
    p = d / "fonts" / FONT_FILE if d else None
    return p if p is not None and p.is_file() else None

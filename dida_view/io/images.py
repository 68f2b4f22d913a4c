"""Reading images and their diagnosis sidecars."""

from __future__ import annotations

import contextlib
import hashlib
import struct
import warnings
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from dida_view.catalogue import QT_TRANSLATE_NOOP
from dida_view.errors import ImageError
from dida_view.io import intensity
from dida_view.io.limits import check_pixels

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".gif", ".webp", ".pgm")
# everything load_scan opens (the vendor formats need the `oct` extra)
SCAN_SUFFIXES = IMAGE_SUFFIXES + (".dcm", ".dicom", ".vol", ".e2e", ".xml", ".fda", ".fds",
                                  ".img")


MIXED_PAGES = QT_TRANSLATE_NOOP(
    "Notes", "pages of different types ({types}): each type is windowed by its own rule, so "
    "pages of different types do not compare")
GROUP_NOTE = QT_TRANSLATE_NOOP("Notes", "{pages} ({kind}): {rule}")
AS_IS = QT_TRANSLATE_NOOP("Notes", "used as it is")
ANIMATED = QT_TRANSLATE_NOOP("Notes", "animated image: only its first of {frames} frames is "
                             "analysed")
DECIDED = QT_TRANSLATE_NOOP("Notes", "{rule} (decided on {on}, for all {count} pages)")
DECIDED_ON_PAGE = QT_TRANSLATE_NOOP("Notes", "{rule} (decided on page {page})")
ALL_PAGES = QT_TRANSLATE_NOOP("Notes", "all pages")
PAGE = QT_TRANSLATE_NOOP("Notes", "page {page}")
PAGES = QT_TRANSLATE_NOOP("Notes", "pages {pages}")
# Pillow modes, as a reader would name them
PAGE_KINDS = {"1": "1-bit", "L": "8-bit", "P": "palette", "RGB": "RGB", "RGBA": "RGBA",
              "LA": "8-bit with alpha", "I": "32-bit integer", "F": "float", "CMYK": "CMYK"}


def open_pages(p: Path):
    """The pages of a Pillow image file: ``(count, read, notes, format)``.

    A multi-page TIFF is a volume, one B-scan per page (``format`` ``"tiff-pages"``).
    Pages of one type are windowed by one rule, so that they compare: integers by their
    range over all those pages, float by the percentiles of their middle page. Where the
    pages differ in type (16-bit pages around an 8-bit one), each type gets its own rule,
    and the notes say which pages got which. Other multi-frame files (GIF, APNG, WebP
    animations) give their first frame, with a note. ``read(i)`` returns page ``i`` as
    uint8.
    """
    with _opened(p) as im:
        frames = int(getattr(im, "n_frames", 1) or 1)
        is_tiff = im.format == "TIFF"
        count = frames if is_tiff else 1
        extra = [] if is_tiff or frames == 1 else [ANIMATED.note(frames=frames)]
        probe = count // 2
        kinds = _page_kinds(im, count)
        groups: dict[str, list[int]] = {}
        for i, kind in enumerate(kinds):
            groups.setdefault(kind, []).append(i)
        rules: dict[str, intensity.Windowing] = {}
        for kind, pages in groups.items():
            at = probe if kind == kinds[probe] else pages[len(pages) // 2]
            raw, alpha = _page(p, im, at)
            whole = raw
            if len(pages) > 1 and raw.dtype.kind in "iu" and raw.dtype != np.uint8:
                whole = _value_range(p, im, pages, raw.dtype)  # integers: every page's range
            rules[kind] = intensity.plan(whole, bits=png_sbit(p), source="sBIT")
            if at == probe:
                first_raw, first_alpha = raw, alpha
            del raw, alpha, whole
    # windowed after Pillow's copy is closed: a 12000 x 12000 float image is 576 MB each
    windowing = rules[kinds[probe]]
    first, notes = _finish(p, first_raw, first_alpha, windowing)
    del first_raw, first_alpha
    if len(groups) > 1:
        notes = (*_mixed_notes(groups, rules), *notes[1 if windowing.note else 0:])
    elif count > 1 and windowing.note:
        on = ALL_PAGES if windowing.kind != "percentile" else PAGE.note(page=probe + 1)
        notes = (DECIDED.note(rule=notes[0], on=on, count=count), *notes[1:])

    # a single image is not read twice, unless it is large: then the caller's reference
    # is the only one, and memory is freed when the caller lets it go
    held = [first] if count == 1 and first.nbytes <= SMALL_BYTES else []

    handed = [first] if count == 1 else []

    def read(i: int) -> np.ndarray:
        if held:
            return held[0]
        if handed:  # the first read hands out the picture already read, once
            return handed.pop()
        with _opened(p) as im:
            raw, alpha = _page(p, im, i)
        return _finish(p, raw, alpha, rules[kinds[i]])[0]

    return count, read, (*notes, *extra), "tiff-pages" if count > 1 else "image"


def _page_kinds(im: Image.Image, count: int) -> list[str]:
    """Each page's type (its Pillow mode, named), read from the page headers only."""
    kinds = []
    for i in range(count):
        if i or im.tell():
            im.seek(i)
        mode = im.mode
        kinds.append("16-bit" if mode.startswith("I;16") else PAGE_KINDS.get(mode, mode))
    return kinds


def _mixed_notes(groups: dict[str, list[int]],
                 rules: dict[str, intensity.Windowing]) -> list[str]:
    """The notes of a TIFF whose pages differ in type: one line, then one per type."""
    out = [MIXED_PAGES.note(types=", ".join(groups))]
    for kind, pages in groups.items():
        rule = rules[kind].note or AS_IS
        if rules[kind].kind == "percentile" and len(pages) > 1:
            rule = DECIDED_ON_PAGE.note(rule=rule, page=pages[len(pages) // 2] + 1)
        out.append(GROUP_NOTE.note(pages=_page_ranges(pages), kind=kind, rule=rule))
    return out


def _page_ranges(pages: list[int]) -> str:
    """``page 3`` or ``pages 1-2, 4-5`` (1-based) for the 0-based ``pages``."""
    runs: list[list[int]] = []
    for i in pages:
        if runs and i == runs[-1][1] + 1:
            runs[-1][1] = i
        else:
            runs.append([i, i])
    text = ", ".join(f"{a + 1}" if a == b else f"{a + 1}-{b + 1}" for a, b in runs)
    return PAGE.note(page=text) if len(pages) == 1 else PAGES.note(pages=text)


def _value_range(p: Path, im: Image.Image, pages: list[int], dtype) -> np.ndarray:
    """The smallest and largest value over ``pages``, read one page at a time."""
    lo, hi = None, None
    for i in pages:
        a = _page(p, im, i)[0]
        lo = a.min() if lo is None else min(lo, a.min())
        hi = a.max() if hi is None else max(hi, a.max())
    return np.array([lo, hi], dtype=dtype)


SMALL_BYTES = 64 << 20  # pictures up to this size stay in memory once read


def _page(p: Path, im: Image.Image, i: int):
    with warnings.catch_warnings():  # Pillow's bomb warning: check_pixels is the rule
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        if i or im.tell():
            im.seek(i)
        check_pixels(p, im.size[1], im.size[0])
        im.load()
    if im.size[0] * im.size[1] > Image.MAX_IMAGE_PIXELS:
        warnings.warn(f"very large image: {im.size[0]} x {im.size[1]} pixels, analysed in "
                      "bounded memory and reduced for the figures", UserWarning, stacklevel=2)
    if im.getexif().get(0x0112, 1) not in (0, 1):  # EXIF orientation; else no copy made
        im = ImageOps.exif_transpose(im)
    return frame_data(im)


def _finish(p: Path, raw: np.ndarray, alpha: np.ndarray | None,
            windowing: intensity.Windowing) -> tuple[np.ndarray, tuple[str, ...]]:
    """Window ``raw``, composite ``alpha``, and drop a grey picture's colour channels."""
    notes = [windowing.note] if windowing.note else []
    img = windowing.apply(raw)
    if alpha is not None:
        img, note = intensity.composite_alpha(img, alpha)
        notes += [note] if note else []
    if img.ndim == 3 and _is_grey(img):
        img = np.ascontiguousarray(img[..., 0])  # a grey picture stored as RGB (e.g. JPEG)
    return img, tuple(notes)


def anonymous_id(p: Path) -> str:
    """A plain image's case id: ``img-`` and 12 hex digits of the SHA-256 of its size and
    first MiB (its name is never in it; two copies of one file share it)."""
    h = hashlib.sha256(str(p.stat().st_size).encode())
    with open(p, "rb") as f:
        h.update(f.read(1 << 20))
    return "img-" + h.hexdigest()[:12]


def check_path(path: str | Path) -> Path:
    p = Path(path)
    if not p.exists():
        raise ImageError(f"{p}: no such file")
    if p.is_dir():
        raise ImageError(f"{p}: is a folder, not an image")
    return p


@contextlib.contextmanager
def _opened(p: Path):
    """``Image.open(p)``, with Pillow's exceptions as one-line :class:`ImageError`."""
    try:
        with warnings.catch_warnings():  # our own limit (check_pixels) is the rule
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            opened = Image.open(p)
        with opened as im:
            yield im
    except ImageError as exc:  # from the intensity rules: name the file
        if str(exc).startswith(str(p)):
            raise
        raise ImageError(f"{p}: {exc}") from None
    except UnidentifiedImageError:
        raise ImageError(f"{p}: not an image file (or a format Pillow cannot read)") from None
    except Image.DecompressionBombError as exc:
        raise ImageError(f"{p}: image too large ({_short(exc)})") from None
    except MemoryError:
        raise ImageError(f"{p}: not enough memory to read this image") from None
    except (OSError, ValueError, SyntaxError, EOFError, struct.error, IndexError,
            TypeError, KeyError, ZeroDivisionError) as exc:
        raise ImageError(f"{p}: cannot read image ({_short(exc)})") from None


def frame_data(im: Image.Image) -> tuple[np.ndarray, np.ndarray | None]:
    """The pixel values of a Pillow frame as read, and its alpha (uint8) or None.

    Grey and 16-bit/float frames come as (H, W) of their own dtype; colour as uint8
    (H, W, 3). Palette images become grey when their palette is grey.
    """
    if im.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F", "I;16S"):
        return _as_array(im), None
    if im.mode == "P" and "transparency" in im.info:
        im = im.convert("RGBA")
    if im.mode in ("LA", "La", "PA"):
        la = np.asarray(im.convert("LA"), dtype=np.uint8)
        return np.ascontiguousarray(la[..., 0]), np.ascontiguousarray(la[..., 1])
    if im.mode in ("RGBA", "RGBa"):
        rgba = np.asarray(im.convert("RGBA"), dtype=np.uint8)
        return np.ascontiguousarray(rgba[..., :3]), np.ascontiguousarray(rgba[..., 3])
    if im.mode in ("L", "RGB"):  # no converted copy of a large image
        return _as_array(im), None
    if im.mode == "1" or (im.mode == "P" and not _palette_is_colour(im)):
        return np.asarray(im.convert("L"), dtype=np.uint8), None
    return np.asarray(im.convert("RGB"), dtype=np.uint8), None


def _as_array(im: Image.Image) -> np.ndarray:
    """``np.asarray(im)``, in row bands for a large image.

    ``np.asarray`` goes through ``Image.tobytes``, which holds the bytes twice while it
    joins them: for a 12000 x 12000 RGB image that is 0.9 GB on top of Pillow's own copy.
    """
    w, h = im.size
    if w * h <= 1 << 22:
        return np.asarray(im)
    first = np.asarray(im.crop((0, 0, w, 1)))
    out = np.empty((h,) + first.shape[1:], dtype=first.dtype)
    rows = max(1, (1 << 22) // w)
    for r in range(0, h, rows):
        out[r:r + rows] = np.asarray(im.crop((0, r, w, min(h, r + rows))))
    return out


def png_sbit(p: Path) -> int | None:
    """The significant bits a PNG states in its ``sBIT`` chunk (largest channel), or None.

    Pillow does not read ``sBIT``; the chunks before the image data are walked here.
    """
    try:
        with open(p, "rb") as f:
            if f.read(8) != b"\x89PNG\r\n\x1a\n":
                return None
            for _ in range(64):
                head = f.read(8)
                if len(head) < 8:
                    return None
                length, kind = struct.unpack(">I4s", head)
                if kind in (b"IDAT", b"IEND"):
                    return None
                if kind == b"sBIT":
                    data = f.read(min(length, 4))
                    return max(data) if data else None
                f.seek(length + 4, 1)
    except OSError:
        return None
    return None


def _is_grey(rgb: np.ndarray) -> bool:
    if not rgb.shape[0]:
        return False
    rows = max(1, (1 << 21) // max(1, rgb.shape[1]))
    for r in range(0, rgb.shape[0], rows):
        band = rgb[r:r + rows]
        if not (np.array_equal(band[..., 0], band[..., 1])
                and np.array_equal(band[..., 1], band[..., 2])):
            return False
    return True


def _palette_is_colour(im: Image.Image) -> bool:
    pal = np.asarray(im.convert("RGB"))
    grey = np.array_equal(pal[..., 0], pal[..., 1]) and np.array_equal(pal[..., 1], pal[..., 2])
    return not grey


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__

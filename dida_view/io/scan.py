"""One scan file, image or volume, as the viewer and the CLI use it: :func:`load_scan`.

A :class:`Scan` is a value: the B-scans (read lazily, one at a time), the notes on how
their intensities were made displayable, the pixel spacing, an optional localizer (SLO or
fundus image) with each B-scan's line on it, an anonymous case id for exports, and the
patient identifiers kept apart, for a viewer that shows them only on request.

Formats (README, "Inputs"): what Pillow reads (PNG, JPEG, TIFF with all its pages, BMP,
GIF, WebP, PGM), DICOM (pydicom), and with the ``oct`` extra Heidelberg ``.vol``, HEYEX
XML and ``.e2e`` (eyepy) and Topcon ``.fda``/``.fds``, Zeiss ``.img`` (OCT-Converter).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import numpy as np

from dida_view.errors import SettingsError

_CACHE_BYTES = 64 << 20  # larger slices are not kept (a 12000 x 12000 image is 432 MB)


class Slices(Sequence):
    """The B-scans of a scan, read on first access; the last few stay in memory
    (those under 64 MB each).

    ``slices[i]`` is a read-only uint8 (H, W) or (H, W, 3) array, ``len(slices)`` the
    number of B-scans (1 for a plain image). Thread-safe: a viewer may read ahead from a
    worker thread.
    """

    def __init__(self, count: int, read: Callable[[int], np.ndarray], keep: int = 3) -> None:
        self._count = int(count)
        self._read = read
        self._keep = keep
        self._cache: OrderedDict[int, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index):  # type: ignore[override]
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._count))]
        i = int(index)
        if i < 0:
            i += self._count
        if not 0 <= i < self._count:
            raise IndexError(f"B-scan {index} of {self._count}")
        with self._lock:
            hit = self._cache.get(i)
            if hit is not None:
                self._cache.move_to_end(i)
                return hit
        img = np.asarray(self._read(i))
        img.flags.writeable = False
        if img.nbytes > _CACHE_BYTES:  # a huge picture: only its user holds it
            return img
        with self._lock:
            self._cache[i] = img
            while len(self._cache) > self._keep:
                self._cache.popitem(last=False)
        return img


@dataclass(frozen=True)
class Localizer:
    """The en-face image a volume was planned on (SLO, fundus), with the B-scan lines.

    Attributes
    ----------
    image
        uint8 (H, W) or (H, W, 3).
    lines
        One per B-scan, in B-scan order: ``(x0, y0, x1, y1)`` in localizer pixels, where
        the B-scan's first and last A-scan lie.
    """

    image: np.ndarray
    lines: tuple[tuple[float, float, float, float], ...] = ()


@dataclass(frozen=True)
class Scan:
    """A scan file: one image, or a volume of B-scans.

    Attributes
    ----------
    path
        The file.
    slices
        The B-scans (:class:`Slices`), uint8, ready for the model; ``len`` 1 for an image.
    notes
        Sentences on what was applied to make the pixels displayable (windowing,
        compositing, bit-depth guess, inversion), the same for every slice.
    format
        ``"image"`` (Pillow), ``"tiff-pages"``, ``"dicom"``, or the vendor reader's name.
    case_id
        The anonymous id exports use (a hash, never a patient identifier or a file name):
        ``img-`` for a plain image, ``dcm-`` for DICOM, ``oct-`` for a vendor file.
    pixel_spacing
        (row, column) mm per pixel of a B-scan, when the file says (for a scale bar).
    slice_spacing
        mm between neighbouring B-scans, when the file says.
    localizer
        The SLO/fundus image with each B-scan's line, when the file has one.
    """

    path: Path
    slices: Slices
    notes: tuple[str, ...] = ()
    format: str = "image"
    case_id: str = ""
    pixel_spacing: tuple[float, float] | None = None
    slice_spacing: float | None = None
    localizer: Localizer | None = None
    _identifiers: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "notes", tuple(self.notes))
        object.__setattr__(self, "_identifiers", MappingProxyType(dict(self._identifiers)))

    def __len__(self) -> int:
        return len(self.slices)

    @property
    def is_volume(self) -> bool:
        """More than one B-scan."""
        return len(self.slices) > 1

    @property
    def centre(self) -> int:
        """Index of the middle B-scan (the fovea, in a macular volume)."""
        return len(self.slices) // 2

    def image(self, index: int | None = None) -> np.ndarray:
        """B-scan ``index`` (0-based; default the centre one)."""
        return self.slices[self.centre if index is None else index]

    def identifiers(self) -> Mapping[str, str]:
        """Patient identifiers read from the file (name, ID, birth date, ...), by keyword.

        For a viewer that shows them when the user asks; never written into an export.
        Empty for plain images.
        """
        return self._identifiers


SLICES_EXPECTED = "--slices: expected all, center or B-scan numbers from 1 like 3,7,9, got {spec!r}"


def check_slices(spec: str) -> str:
    """``spec`` when it is a ``--slices`` value (``all``, ``center``, ``centre``, or
    numbers from 1 separated by commas), whatever the volume.

    Raises
    ------
    SettingsError
        Anything else, the empty text included.
    """
    text = spec.strip().lower()
    if text in ("all", "center", "centre"):
        return spec
    parts = [s.strip() for s in text.split(",")]
    if not all(p.isascii() and p.isdigit() and int(p) >= 1 for p in parts):
        raise SettingsError(SLICES_EXPECTED.format(spec=spec))
    return spec


def parse_slices(spec: str, count: int) -> list[int]:
    """``--slices``: ``all``, ``center`` (or ``centre``), or 1-based numbers ``3,7,9``.

    Returns 0-based indices, in the order given (duplicates dropped).

    Raises
    ------
    SettingsError
        A number outside 1..count or an unreadable list, naming it.
    """
    text = check_slices(spec).strip().lower()
    if text == "all":
        return list(range(count))
    if text in ("center", "centre"):
        return [count // 2]
    out: list[int] = []
    for k in (int(s) for s in text.split(",")):
        if not 1 <= k <= count:
            raise SettingsError(f"--slices: B-scan {k} does not exist (1..{count})")
        if k - 1 not in out:
            out.append(k - 1)
    return out

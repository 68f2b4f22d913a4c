"""Any scan file to a :class:`~dida_view.io.scan.Scan`: the one entry point of ``io``.

:func:`load_scan` picks the reader by the file's content (DICOM), suffix (vendor volumes)
or Pillow; :func:`load_image` and :func:`read_image` give one B-scan (the centre one of a
volume) for callers that need only pixels.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from dida_view.errors import ImageError
from dida_view.io import dicom, images, vendor
from dida_view.io.scan import Scan, Slices


def load_scan(path: str | Path) -> Scan:
    """Open a scan file of any supported format (the pixels are read lazily).

    Raises
    ------
    ImageError
        Missing, unreadable, unsupported or too large; one line naming the file. A vendor
        format without the ``oct`` extra says how to install it.
    """
    p = images.check_path(path)
    if dicom.is_dicom(p):
        info = dicom.open_dicom(p)
        return Scan(path=p, slices=Slices(info.frames, info.read), notes=info.notes,
                    format="dicom", case_id=info.case_id, pixel_spacing=info.pixel_spacing,
                    slice_spacing=info.slice_spacing, _identifiers=info.identifiers)
    if vendor.is_vendor(p):
        return vendor.open_vendor(p)
    count, read, notes, fmt = images.open_pages(p)
    return Scan(path=p, slices=Slices(count, read), notes=notes, format=fmt,
                case_id=images.anonymous_id(p))


def load_image(path: str | Path) -> np.ndarray:
    """Read an image as uint8 (H, W) grey or (H, W, 3) RGB.

    The intensity rules of :mod:`dida_view.io.intensity` apply (16-bit data by its bit
    depth, float data by robust percentiles, alpha composited on black); EXIF orientation
    is applied. DICOM and the vendor formats are read too (of a volume: the centre
    B-scan; :func:`~dida_view.io.reader.load_scan` gives them all). What was done is not
    returned here: :func:`read_image` gives the notes.
    Raises :class:`ImageError` naming the file and the problem.
    """
    return read_image(path)[0]


def read_image(path: str | Path) -> tuple[np.ndarray, tuple[str, ...]]:
    """Read an image as :func:`load_image` does, with the notes on what was applied.

    Any format :func:`~dida_view.io.reader.load_scan` opens; of a volume, the centre B-scan.

    Returns
    -------
    image
        uint8 (H, W) grey or (H, W, 3) RGB.
    notes
        One sentence per intensity rule applied (windowing, alpha), in order.
    """
    scan = load_scan(path)
    return scan.image(), scan.notes


def case_id(path: str | Path) -> str:
    """A scan file's anonymous case id without reading its pixels (the same id
    :func:`load_scan` gives it). Raises :class:`ImageError` when the file cannot be read."""
    p = images.check_path(path)
    try:
        if dicom.is_dicom(p):
            return dicom.header_case_id(p)
        if vendor.is_vendor(p):
            return vendor.file_case_id(p)
        return images.anonymous_id(p)
    except OSError as exc:
        raise ImageError(f"{p}: cannot read ({exc.strerror or exc})") from None

"""What a case is called where people and files can see it: privacy by default.

Every case has one anonymous **case id**, a hash, never a name (``img-`` for a plain
image, ``dcm-`` for DICOM, ``oct-`` for a vendor file; :mod:`dida_view.io.reader`): the
output files, the JSON's ``case``, the report, the audit and the viewer's exports all use
it, so one case is known by one id everywhere. ``keep_names`` (``--keep-names``) uses the
file's stem instead, for users who want their own names.

On screen and on stdout, a plain image is named by its file (the user's own name for it);
a DICOM or vendor file, whose file and folder names often carry a patient's name, by its
case id: in the window title, Open Recent, stdout and the JSON's ``image``. A report never
prints a path.
"""

from __future__ import annotations

from pathlib import Path

from dida_view.errors import DidaError
from dida_view.io import reader
from dida_view.io.images import IMAGE_SUFFIXES
from dida_view.io.scan import Scan

NAMED_BY_FILE = ("image", "tiff-pages")  # formats whose file name may be shown


def shows_file_name(scan: Scan | None, keep_names: bool = False) -> bool:
    """Whether the scan's file name may be shown (plain images, or ``keep_names``)."""
    return keep_names or scan is None or scan.format in NAMED_BY_FILE


def case_id(scan: Scan, keep_names: bool = False) -> str:
    """The case's id: its anonymous id, or its file's stem with ``keep_names``."""
    if keep_names or not scan.case_id:
        return Path(scan.path).stem
    return scan.case_id


def bscan_id(case: str, index: int | None, count: int) -> str:
    """The id of B-scan ``index`` (0-based) of a volume of ``count``: ``<case>_s007``;
    the case id itself for a single image."""
    return case if index is None or count <= 1 else f"{case}_s{index + 1:03d}"


def display_name(scan: Scan, keep_names: bool = False) -> str:
    """How the case is named on screen and on stdout: the file name when it may be shown,
    else the anonymous case id."""
    return Path(scan.path).name if shows_file_name(scan, keep_names) else case_id(scan)


def path_display_name(path: str | Path, keep_names: bool = False) -> str:
    """:func:`display_name` of a scan file before it is opened (no pixels read): its file
    name for a plain image, else its anonymous case id (``"?"`` when it cannot be read)."""
    p = Path(path)
    if keep_names or p.suffix.lower() in IMAGE_SUFFIXES:
        return p.name
    try:
        return reader.case_id(p)
    except DidaError:
        return "?"

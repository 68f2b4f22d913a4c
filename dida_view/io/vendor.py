"""Vendor OCT volumes through the optional ``oct`` extra (``pip install 'dida-view[oct]'``).

* eyepy: Heidelberg ``.vol``, HEYEX XML exports (``.xml``), Heidelberg ``.e2e``, Topcon
  ``.fda``;
* OCT-Converter: Topcon ``.fds``, Zeiss ``.img``.

These libraries do the parsing; nothing here reads a vendor format itself. They read a
file whole, so files above :data:`~dida_view.io.limits.MAX_VENDOR_FILE_BYTES` are
refused. The libraries' log messages become the scan's notes (one line each), and the
patient identifiers they expose are kept apart like DICOM's.

OCT-Converter 0.7 (the latest) reads Topcon chunks with numpy's binary ``fromstring``,
which numpy 2.3 removed: its two Topcon readers (``.fds``, and ``.fda`` under eyepy) are
given a numpy whose ``fromstring`` of bytes is ``frombuffer`` (:func:`_topcon_numpy`).
A Zeiss ``.img`` is a raw cube whose size the file does not state: it is read as B-scans
of 1024 x 512 or 1024 x 200 (the Cirrus cubes), and refused when its size is neither.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import io
from pathlib import Path

import numpy as np

from dida_view.catalogue import QT_TRANSLATE_NOOP
from dida_view.errors import ImageError
from dida_view.io import intensity
from dida_view.io.liblogs import library_logs
from dida_view.io.limits import MAX_VENDOR_FILE_BYTES, check_pixels
from dida_view.io.scan import Localizer, Scan, Slices

# suffix -> (what it is, module with the loader, loader name)
FORMATS = {
    ".vol": ("Heidelberg .vol", "eyepy", "import_heyex_vol"),
    ".e2e": ("Heidelberg .e2e", "eyepy", "import_heyex_e2e"),
    ".xml": ("HEYEX XML export", "eyepy", "import_heyex_xml"),
    ".fda": ("Topcon .fda", "eyepy", "import_topcon_fda"),
    ".fds": ("Topcon .fds", "oct_converter.readers", "FDS"),
    ".img": ("Zeiss .img", "oct_converter.readers", "IMG"),
}
ZEISS_DEPTH = 1024  # samples per A-scan of a Cirrus cube
ZEISS_WIDTHS = (512, 200)  # A-scans per B-scan: the 512 x 128 and 200 x 200 cubes
ZEISS_SIZE = ("{path}: Zeiss .img of {size} bytes is not a whole number of B-scans of "
              "1024 x 512 or 1024 x 200 samples (a Cirrus cube); not read")


def file_case_id(path: Path) -> str:
    """A vendor file's anonymous case id: ``oct-`` and 12 hex digits of the SHA-256 of its
    first 64 KiB (never a name: the header the libraries parse may hold one)."""
    with open(path, "rb") as f:
        return "oct-" + hashlib.sha256(f.read(1 << 16)).hexdigest()[:12]


def is_vendor(path: Path) -> bool:
    return path.suffix.lower() in FORMATS


def _library(path: Path, name: str, what: str):
    # imported by name: the frozen app (PyInstaller) must not pull in the optional extra
    try:
        return importlib.import_module(name)
    except ImportError:
        raise ImageError(f"{path}: reading a {what} needs the optional 'oct' extra "
                         "(pip install 'dida-view[oct]')") from None


def open_vendor(path: Path):
    """Read a vendor volume as a :class:`~dida_view.io.scan.Scan`.

    Raises
    ------
    ImageError
        The extra is missing, the file is too large, or the library cannot read it.
    """
    what, module, loader = FORMATS[path.suffix.lower()]
    lib_name = module.split(".")[0]
    size = path.stat().st_size
    if size > MAX_VENDOR_FILE_BYTES:
        raise ImageError(f"{path}: {what} of {size / 2**20:.0f} MB is larger than the limit "
                         f"of {MAX_VENDOR_FILE_BYTES / 2**20:.0f} MB")
    lib = _library(path, module, what)
    if path.suffix.lower() in (".fds", ".fda"):
        _topcon_numpy()
    printed = io.StringIO()  # OCT-Converter prints its remarks: never onto our stdout
    with library_logs(lib_name) as logs, contextlib.redirect_stdout(printed):
        try:
            if lib_name == "eyepy":
                data, localizer, spacing, ids, notes = _eyepy(lib, loader, path)
            else:
                data, localizer, spacing, ids, notes = _oct_converter(lib, loader, path)
        except ImageError:
            raise
        except MemoryError:
            raise ImageError(f"{path}: {what} too large to read in memory") from None
        except Exception as exc:  # the libraries raise anything on a broken file
            text = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
            raise ImageError(f"{path}: cannot read {what} ({text})") from None
    said = [*(f"{lib_name}: {m}" for m in logs), *(  # only OCT-Converter prints
        f"oct_converter: {ln.strip()[:200]}" for ln in printed.getvalue().splitlines())]
    return _scan(path, what, data, localizer, spacing, ids,
                 [*notes, *dict.fromkeys(m for m in said if m.split(": ", 1)[1].strip()
                                     and not _chatter(m.split(": ", 1)[1]))])


def _scan(path, what, data, localizer, spacing, ids, notes):

    if data.ndim != 3 or data.shape[0] < 1:
        raise ImageError(f"{path}: {what} without B-scans")
    check_pixels(path, data.shape[1], data.shape[2])
    windowing = intensity.plan(data[data.shape[0] // 2])
    notes = [*notes, *([windowing.note] if windowing.note else [])]
    loc = None
    if localizer is not None:
        image, lines = localizer
        loc = Localizer(image=intensity.plan(image).apply(image), lines=lines)

    def read(i: int) -> np.ndarray:
        return windowing.apply(np.asarray(data[i]))

    return Scan(path=path, slices=Slices(data.shape[0], read), notes=tuple(notes),
                format=what, case_id=file_case_id(path),
                pixel_spacing=spacing[:2] if spacing[0] and spacing[1] else None,
                slice_spacing=spacing[2], localizer=loc, _identifiers=ids)


# Library log lines that mean nothing to a clinician looking at the scan (they concern
# data DiDA View never uses or shows), dropped from the notes. Kept, because they say the
# picture on screen may not be the whole story: "B-scans are not equally spaced" (the
# localizer lines and the evidence map are then distorted), "more than one B-scan /
# localizer / B-scan meta ... This is not expected" (eyepy shows the first), and anything
# not listed here.
LIBRARY_CHATTER = (
    "The volume contains less layers than expected",  # eyepy .vol: layer segmentation names
    "Unknown layer name",  # eyepy: a layer segmentation it skips
    "Custom intensity transforms can not",  # eyepy: saving/loading its own format
    "Custom par algorithms can not",
    "B-scan position can not be plotted",  # eyepy's matplotlib plotting
    "B-scan region can not be plotted",
    "Top or bottom layer",  # eyepy: slab masks from layers
    "The localizer scale is currently hardcoded",  # eyepy .e2e: said by our own note
)
# the B-scan lines on the localizer (what the program had to guess, it says)
LINES_FROM_FIELD_NOTE = QT_TRANSLATE_NOOP(
    "Notes", "B-scan lines on the localizer placed by its {field}° field of view, "
    "approximately: the pixel size the file gives ({scale} mm) does not fit its {width} x "
    "{height} pixel image")
LINES_UNKNOWN_NOTE = QT_TRANSLATE_NOOP(
    "Notes", "B-scan positions on the localizer unknown ({why}): no lines are drawn on it, "
    "and the evidence map stacks the B-scans")
LINES_E2E_NOTE = QT_TRANSLATE_NOOP(
    "Notes", "B-scan lines on the localizer placed as eyepy reads .e2e files, taking the "
    "localizer to span 30°")
NO_POSITIONS = QT_TRANSLATE_NOOP("Notes", "the file gives none")
POSITIONS_WITHOUT_SCALE = QT_TRANSLATE_NOOP("Notes", "positions in {unit} without a scale")
OUTSIDE = QT_TRANSLATE_NOOP("Notes", "the file puts them at x {x0} to {x1}, y {y0} to {y1}, "
                            "outside its {w} x {h} pixels")
EYEPY_INTENSITY_NOTE = QT_TRANSLATE_NOOP(
    "Notes", "intensities as eyepy shows them ({transform} transform, the vendor's contrast)")
# a Heidelberg SLO's field in mm per degree of view (a 30° field is about 9 mm on the
# standard eye: 768 pixels of 0.0118 mm)
MM_PER_DEGREE = 0.302


def _chatter(message: str) -> bool:
    return any(message.startswith(c) for c in LIBRARY_CHATTER)


def _eyepy(eyepy, loader: str, path: Path):
    volume = getattr(eyepy, loader)(path)
    data = np.asarray(volume.data)
    meta = volume.meta
    spacing = tuple(float(meta.get(k) or 0) or None for k in ("scale_y", "scale_x", "scale_z"))
    localizer = None
    loc = getattr(volume, "localizer", None)
    notes = []
    if loc is not None and getattr(loc, "data", None) is not None:
        image = np.asarray(loc.data)
        lines, note = _eyepy_lines(meta, loc.meta, data.shape, image.shape[:2])
        localizer = (image, lines)
        notes += [note] if note else []
    if str(meta.get("intensity_transform", "default")) != "default":
        notes.append(EYEPY_INTENSITY_NOTE.note(transform=repr(meta["intensity_transform"])))
    return data, localizer, spacing, {}, notes


def _eyepy_lines(meta, loc_meta, shape, loc_shape):
    """Each B-scan's (x0, y0, x1, y1) in the localizer's own pixels, and a note (or None).

    eyepy gives the B-scans' start and end in mm (.vol, HEYEX XML; the localizer's pixel
    size in mm beside them) or in degrees from the centre (.e2e; eyepy takes the localizer
    to span 30°). When the positions in mm fall outside the localizer at its stated pixel
    size (an image resampled without its pixel size, as in eyepy's own test volume: a
    50 x 50 SLO that says 0.0118 mm per pixel), they are placed by its field of view; when
    nothing places them, there are no lines, and the note says so.
    """
    h, w = loc_shape
    bscans = meta.get("bscan_meta") or []
    if len(bscans) != shape[0]:
        return (), LINES_UNKNOWN_NOTE.note(why=NO_POSITIONS)
    ends = np.array([(*b["start_pos"], *b["end_pos"]) for b in bscans], dtype=np.float64)
    unit = str(bscans[0].get("pos_unit", "mm"))
    sx, sy = float(loc_meta.get("scale_x") or 0), float(loc_meta.get("scale_y") or 0)
    note = None
    if unit == "°" and sx and sy and str(loc_meta.get("scale_unit")) == "°":
        ends = (ends + 15.0) / np.array([sx, sy, sx, sy])  # eyepy's own convention
        note = LINES_E2E_NOTE.note()
    elif unit == "mm" and sx and sy:
        scaled = ends / np.array([sx, sy, sx, sy])
        field = float(loc_meta.get("field_size") or 0)
        if _inside(scaled, w, h) or not field:
            ends = scaled
        else:
            mm = field * MM_PER_DEGREE / w  # the image's own pixel size, from its field
            ends = ends / mm
            note = LINES_FROM_FIELD_NOTE.note(field=f"{field:g}", scale=f"{sx:g}", width=w,
                                              height=h)
    elif unit not in ("pixel", "px"):
        return (), LINES_UNKNOWN_NOTE.note(why=POSITIONS_WITHOUT_SCALE.note(unit=repr(unit)))
    if not _inside(ends, w, h):
        return (), LINES_UNKNOWN_NOTE.note(why=OUTSIDE.note(
            x0=f"{ends[:, 0::2].min():.0f}", x1=f"{ends[:, 0::2].max():.0f}",
            y0=f"{ends[:, 1::2].min():.0f}", y1=f"{ends[:, 1::2].max():.0f}", w=w, h=h))
    return tuple(tuple(float(v) for v in row) for row in ends), note


def _inside(ends: np.ndarray, w: int, h: int, slack: float = 0.02) -> bool:
    """Whether every end lies on the image (give or take 2 % of its size)."""
    xs, ys = ends[:, 0::2], ends[:, 1::2]
    return bool(np.all(xs >= -slack * w) and np.all(xs <= (1 + slack) * w)
                and np.all(ys >= -slack * h) and np.all(ys <= (1 + slack) * h))


class _NumpyForTopcon:
    """numpy, but ``fromstring(bytes, dtype)`` (binary mode, removed in numpy 2.3) is a
    copy of ``frombuffer``, as it always was."""

    def __getattr__(self, name: str):
        return getattr(np, name)

    @staticmethod
    def fromstring(string, dtype=float, count=-1, sep=""):
        if sep:
            return np.fromstring(string, dtype=dtype, count=count, sep=sep)
        return np.frombuffer(string, dtype=dtype, count=count).copy()


def _topcon_numpy() -> None:
    """Give OCT-Converter's Topcon readers a numpy with binary ``fromstring``."""
    for name in ("oct_converter.readers.fds", "oct_converter.readers.fda"):
        with contextlib.suppress(ImportError):
            reader = importlib.import_module(name)
            if getattr(reader, "np", None) is np:
                reader.np = _NumpyForTopcon()


def _zeiss_width(path: Path) -> int:
    size = path.stat().st_size
    for width in ZEISS_WIDTHS:
        if size and size % (ZEISS_DEPTH * width) == 0:
            return width
    raise ImageError(ZEISS_SIZE.format(path=path, size=size))


def _oct_converter(module, loader: str, path: Path):
    reader = getattr(module, loader)(str(path))
    if loader == "IMG":
        vol = reader.read_oct_volume(rows=ZEISS_DEPTH, cols=_zeiss_width(path))
    else:
        vol = reader.read_oct_volume()
    vol = vol[0] if isinstance(vol, list) else vol
    data = np.stack([np.asarray(b) for b in vol.volume], 0)
    localizer = None
    with contextlib.suppress(Exception):  # not every file has a fundus image
        fundus = reader.read_fundus_image()
        fundus = fundus[0] if isinstance(fundus, list) else fundus
        localizer = (np.asarray(fundus.image), ())
    spacing = getattr(vol, "pixel_spacing", None)
    try:
        spacing = (float(spacing[2]), float(spacing[0]), float(spacing[1]))
    except (TypeError, IndexError, ValueError):
        spacing = (None, None, None)
    return data, localizer, spacing, _identifiers(vol), []


def _identifiers(vol) -> dict[str, str]:
    """The patient identifiers an OCT-Converter volume carries, by DICOM keyword."""
    names = [str(getattr(vol, k, "") or "").strip() for k in ("surname", "first_name")]
    found = {"PatientID": getattr(vol, "patient_id", None),
             "PatientName": "^".join(n for n in names if n),
             "PatientBirthDate": getattr(vol, "DOB", None)}
    return {k: str(v).strip() for k, v in found.items() if v and str(v).strip()}

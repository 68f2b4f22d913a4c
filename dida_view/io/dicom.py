"""DICOM files (pydicom): single-frame images, multi-frame OCT (OPT), secondary capture.

Every frame becomes a uint8 picture under one display rule, decided once per file:

* the file's **VOI LUT**, or else its **window centre/width**, when it has one
  (``pydicom.pixels.apply_voi_lut`` after the modality LUT/rescale), its output range
  mapped to 0..255;
* otherwise the bit-depth rule of :mod:`dida_view.io.intensity` with ``BitsStored``;
* ``MONOCHROME1`` (low values white) is inverted, so that white means high signal as in
  every other picture.

**Privacy**: the patient identifiers of the header are returned separately
(:attr:`DicomInfo.identifiers`), for a viewer to show *only on request*; nothing here
puts them anywhere else. A case is named by :func:`anonymous_id` (a hash of the SOP
Instance UID), which is what exports use.
"""

from __future__ import annotations

import dataclasses
import hashlib
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from dida_view.catalogue import QT_TRANSLATE_NOOP
from dida_view.errors import ImageError
from dida_view.io import intensity
from dida_view.io.codestream import check_encapsulated
from dida_view.io.liblogs import library_logs
from dida_view.io.limits import check_pixels

DICOM_SUFFIXES = (".dcm", ".dicom")
# the notes of the display rules, in the message catalogue
MONOCHROME1_NOTE = QT_TRANSLATE_NOOP("Notes", "MONOCHROME1: inverted, so that white is high "
                                     "signal")
PALETTE_NOTE = QT_TRANSLATE_NOOP("Notes", "palette colour DICOM: its colour LUT applied")
VOI_LUT_NOTE = QT_TRANSLATE_NOOP("Notes", "DICOM VOI LUT applied")
WINDOW_NOTE = QT_TRANSLATE_NOOP("Notes", "DICOM window applied (centre {centre}, width "
                                "{width})")
IDENTIFIER_TAGS = (
    "PatientName", "PatientID", "OtherPatientIDs", "PatientBirthDate", "PatientSex",
    "PatientAge", "PatientAddress", "InstitutionName", "ReferringPhysicianName",
    "OperatorsName", "AccessionNumber", "StudyID", "StudyDate", "StudyTime", "SeriesDate",
    "AcquisitionDateTime", "DeviceSerialNumber",
)


def is_dicom(path: Path) -> bool:
    """A DICOM suffix, or the ``DICM`` magic at byte 128 (DICOM files often have none)."""
    if path.suffix.lower() in DICOM_SUFFIXES:
        return True
    try:
        with open(path, "rb") as f:
            f.seek(128)
            return f.read(4) == b"DICM"
    except OSError:
        return False


@dataclass(frozen=True)
class DicomInfo:
    """What a DICOM file says besides its pixels.

    Attributes
    ----------
    frames
        Number of frames (B-scans of an OPT volume; 1 for a single image).
    read
        ``read(i)``: frame ``i`` as uint8 (H, W) or (H, W, 3), under the file's one rule.
    notes
        Sentences on the display rule applied (window, bit depth, MONOCHROME1).
    pixel_spacing
        (row, column) spacing in mm, or None.
    slice_spacing
        Distance between frames in mm (multi-frame), or None.
    case_id
        Anonymous: ``dcm-`` and 12 hex digits of the SOP Instance UID's SHA-256.
    identifiers
        Patient identifiers found in the header, by keyword. Never exported.
    """

    frames: int
    read: Callable[[int], np.ndarray]
    notes: tuple[str, ...]
    pixel_spacing: tuple[float, float] | None
    slice_spacing: float | None
    case_id: str
    identifiers: dict[str, str] = field(repr=False, default_factory=dict)


def anonymous_id(uid: str) -> str:
    """``dcm-`` + the first 12 hex digits of SHA-256 of a SOP Instance UID."""
    return "dcm-" + hashlib.sha256(uid.strip().encode()).hexdigest()[:12]


def header_case_id(path: Path) -> str:
    """The case id of a DICOM file from its header alone (no pixels are read)."""
    import pydicom

    try:
        ds = pydicom.dcmread(path, stop_before_pixels=True, specific_tags=["SOPInstanceUID"])
        uid = str(ds.get("SOPInstanceUID", "") or "")
    except Exception:  # noqa: BLE001 - any broken header: the file's own hash
        uid = ""
    return anonymous_id(uid) if uid else _file_id(path)


def open_dicom(path: Path) -> DicomInfo:
    """Read a DICOM file's header and plan its display rule; frames are read on demand.

    pydicom's warnings and log messages while the header is read become notes, with any
    patient identifier in them replaced by ``[identifier]``.

    Raises
    ------
    ImageError
        Not DICOM, no pixel data, an encoding without a decoder, or a broken file; one
        line naming the file.
    """

    with warnings.catch_warnings(record=True) as caught, library_logs("pydicom") as logs:
        warnings.simplefilter("always")
        info = _open(path)
    said = [*(str(w.message) for w in caught), *logs]
    extra = list(dict.fromkeys(_scrub(f"pydicom: {m}", info.identifiers) for m in said
                               if m.strip()))  # warn_and_log says it twice
    return dataclasses.replace(info, notes=(*info.notes, *extra)) if extra else info


def _scrub(text: str, identifiers: dict[str, str]) -> str:
    """``text`` on one line, with every identifier value (and name part) replaced."""
    text = (text.strip().splitlines() or [""])[0]
    parts = {v for value in identifiers.values() for v in (value, *value.split("^"))}
    for v in sorted((p.strip() for p in parts), key=len, reverse=True):
        if len(v) >= 2:
            text = text.replace(v, "[identifier]")
    return text


def _open(path: Path) -> DicomInfo:
    import pydicom
    from pydicom.errors import InvalidDicomError

    try:
        with open(path, "rb") as f:
            ds = pydicom.dcmread(f, stop_before_pixels=True)
            pixels_at = f.tell()  # reading stops at the Pixel Data element
    except InvalidDicomError:
        raise ImageError(f"{path}: not a DICOM file") from None
    except MemoryError:
        raise ImageError(f"{path}: DICOM header too large to read") from None
    except Exception as exc:  # pydicom raises many kinds on a broken header
        raise ImageError(f"{path}: cannot read DICOM ({_short(exc)})") from None
    try:
        return _info(path, ds, pixels_at)
    except ImageError:
        raise
    except MemoryError:
        raise ImageError(f"{path}: DICOM image too large to read") from None
    except Exception as exc:
        raise ImageError(f"{path}: cannot read DICOM pixels ({_short(exc)})") from None


def _info(path: Path, ds, pixels_at: int) -> DicomInfo:
    if "Rows" not in ds or "Columns" not in ds:
        raise ImageError(f"{path}: DICOM file without an image (no pixel data)")
    frames = int(ds.get("NumberOfFrames", 1) or 1)
    if frames < 1:
        raise ImageError(f"{path}: DICOM file with {frames} frames")
    rows, cols = int(ds.Rows), int(ds.Columns)
    samples = int(ds.get("SamplesPerPixel", 1) or 1)
    check_pixels(path, rows, cols)
    ts = getattr(getattr(ds, "file_meta", None), "TransferSyntaxUID", None)
    if ts is not None and getattr(ts, "is_encapsulated", False):  # before any decoding
        check_encapsulated(path, pixels_at, rows, cols, samples)
    raw_read = _frame_reader(path, ds, frames)
    probe = raw_read(frames // 2)
    transform, notes = _display_rule(ds, probe, samples)
    invert = str(ds.get("PhotometricInterpretation", "")).strip() == "MONOCHROME1"
    if invert:
        notes.append(MONOCHROME1_NOTE.note())

    def read(i: int) -> np.ndarray:
        try:
            img = transform(raw_read(i))
        except ImageError:
            raise
        except MemoryError:
            raise ImageError(f"{path}: DICOM frame {i + 1} too large to read") from None
        except Exception as exc:
            raise ImageError(f"{path}: cannot read DICOM frame {i + 1} ({_short(exc)})") \
                from None
        return 255 - img if invert else img

    uid = str(ds.get("SOPInstanceUID", "") or "")
    return DicomInfo(
        frames=frames, read=read, notes=tuple(notes),
        pixel_spacing=_pixel_spacing(ds), slice_spacing=_slice_spacing(ds),
        case_id=anonymous_id(uid) if uid else _file_id(path),
        identifiers={k: str(ds.get(k)) for k in IDENTIFIER_TAGS if ds.get(k) not in (None, "")},
    )


def _frame_reader(path: Path, ds, frames: int) -> Callable[[int], np.ndarray]:
    from pydicom.pixels import pixel_array

    def raw_read(i: int) -> np.ndarray:
        try:
            arr = pixel_array(str(path), index=i if frames > 1 else None)
        except (RuntimeError, NotImplementedError) as exc:
            raise _decoding_error(path, ds, i if frames > 1 else None, exc) from None
        if arr.ndim == 3 and arr.shape[-1] not in (3, 4) and frames == 1:
            arr = arr[0]
        return arr

    return raw_read


NO_DECODER = ("{path}: compressed DICOM ({syntax}) and no decoder for it is installed "
              "(pylibjpeg and its plugins)")
CORRUPT = "{path}: {frame}compressed DICOM ({syntax}) is truncated or corrupt ({why})"


def _decoding_error(path: Path, ds, index: int | None, exc: Exception) -> Exception:
    """The line for pydicom's failure to decode: no decoder, or one that failed."""
    text = str(exc).strip()
    ts = getattr(ds.file_meta, "TransferSyntaxUID", None)
    syntax = getattr(ts, "name", str(ts))
    # pydicom: "... all plugins are missing dependencies", "No pixel data decoders have
    # been implemented"; or, when its decoders ran: "exceptions were raised by all
    # available plugins:" then one line per plugin
    if "missing dependencies" in text or "no pixel data decoders" in text.lower():
        return ImageError(NO_DECODER.format(path=path, syntax=syntax))
    if "raised by all available plugins" in text:
        lines = [ln.strip() for ln in text.splitlines()[1:] if ln.strip()]
        why = (lines[0] if lines else "no plugin could decode it")[:200]
        frame = f"frame {index + 1}: " if index is not None else ""
        return ImageError(CORRUPT.format(path=path, frame=frame, syntax=syntax, why=why))
    return exc


def _display_rule(ds, probe: np.ndarray, samples: int):
    """The transform ``raw frame -> uint8`` of this file and its notes."""
    from pydicom.pixels import apply_color_lut, apply_modality_lut, apply_voi_lut

    photometric = str(ds.get("PhotometricInterpretation", "")).strip()
    if photometric == "PALETTE COLOR":
        def palette(a: np.ndarray) -> np.ndarray:
            rgb = apply_color_lut(a, ds)
            return intensity.plan(rgb).apply(rgb)

        return palette, [PALETTE_NOTE.note()]
    if samples == 1 and ("VOILUTSequence" in ds or "WindowCenter" in ds):
        lo, hi, note = _voi_range(ds)

        window = intensity.Windowing("window", lo, hi)

        def voi(a: np.ndarray) -> np.ndarray:  # in row bands: pydicom works in float64
            out = np.empty(a.shape, dtype=np.uint8)
            rows = max(1, (1 << 20) // max(1, a[0].size))
            for r in range(0, a.shape[0], rows):
                band = apply_voi_lut(apply_modality_lut(a[r:r + rows], ds), ds)
                out[r:r + rows] = window.apply(band)
            return out

        return voi, [note]
    bits = int(ds.get("BitsStored", 8) or 8)
    if 1 <= bits < 8 and probe.dtype.kind in "ub" and (not probe.size or
                                                       int(probe.max()) < 2 ** bits):
        w = intensity.few_bits(bits, "BitsStored")  # a 1-bit bitmap is 0 and 1
        return w.apply, [w.note]
    w = intensity.plan(probe, bits=bits, source="BitsStored")
    return w.apply, [w.note] if w.note else []


def _voi_range(ds) -> tuple[float, float, str]:
    """The output range of the file's VOI LUT or window (as pydicom computes it)."""
    if "VOILUTSequence" in ds:
        bits = int(ds.VOILUTSequence[0].LUTDescriptor[2])
        return 0.0, float(2 ** bits - 1), VOI_LUT_NOTE.note()
    bits = int(ds.get("BitsStored", 16) or 16)
    if int(ds.get("PixelRepresentation", 0) or 0) == 0:
        lo, hi = 0.0, float(2 ** bits - 1)
    else:
        lo, hi = float(-(2 ** (bits - 1))), float(2 ** (bits - 1) - 1)
    slope, intercept = ds.get("RescaleSlope"), ds.get("RescaleIntercept")
    if slope is not None and intercept is not None:
        lo, hi = sorted((lo * float(slope) + float(intercept), hi * float(slope) +
                         float(intercept)))
    centre, width = ds.WindowCenter, ds.WindowWidth
    centre = centre[0] if getattr(centre, "VM", 1) > 1 or isinstance(centre, list) else centre
    width = width[0] if getattr(width, "VM", 1) > 1 or isinstance(width, list) else width
    return lo, hi, WINDOW_NOTE.note(centre=f"{float(centre):g}", width=f"{float(width):g}")


def _pixel_spacing(ds) -> tuple[float, float] | None:
    spacing = ds.get("PixelSpacing")
    if spacing is None:
        try:
            spacing = ds.SharedFunctionalGroupsSequence[0].PixelMeasuresSequence[0].PixelSpacing
        except (AttributeError, IndexError, KeyError):
            spacing = None
    try:
        r, c = (float(v) for v in spacing)
    except (TypeError, ValueError):
        return None
    return (r, c) if r > 0 and c > 0 else None


def _slice_spacing(ds) -> float | None:
    value = ds.get("SpacingBetweenSlices")
    if value is None:
        try:
            measures = ds.SharedFunctionalGroupsSequence[0].PixelMeasuresSequence[0]
            value = measures.get("SpacingBetweenSlices") or measures.get("SliceThickness")
        except (AttributeError, IndexError, KeyError):
            value = None
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return v if v > 0 else None


def _file_id(path: Path) -> str:
    """For a file without a SOP Instance UID: a hash of its first 64 KiB."""
    with open(path, "rb") as f:
        return "dcm-" + hashlib.sha256(f.read(1 << 16)).hexdigest()[:12]


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__

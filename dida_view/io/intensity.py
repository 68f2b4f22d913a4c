"""Intensity rules: from a file's pixel values to the uint8 picture the model sees.

The rules (README, "Inputs"), the same for every reader, the viewer and the CLI:

* **8-bit** data is used as it is.
* **Fewer than 8 bits** stated by a DICOM file (``BitsStored`` 1..7, e.g. a 1-bit
  bitmap) are scaled by that depth, ``0 .. 2**bits - 1`` to ``0 .. 255``
  (:func:`few_bits`).
* **Unsigned integers wider than 8 bits** are scaled by their real bit depth: ``0 ..
  2**bits - 1`` becomes ``0 .. 255``. ``bits`` is the file's own statement (PNG ``sBIT``,
  DICOM ``BitsStored``); without one, the smallest of 10, 12, 14 or 16 bits that holds
  the data's largest value (so 12-bit data in a 16-bit file is not divided by 65535).
* **Signed integers** with negative values are scaled by the data's own range (min .. max).
* **Floating point** data is windowed by robust percentiles: the 0.5th .. 99.5th
  percentile of its finite values becomes 0 .. 255; NaN and -inf become 0, +inf 255.
* **Alpha** is composited on **black** (``rgb * alpha``): what is transparent is not
  analysed; black is also the paper's mask fill and an OCT scan's background.

Every rule other than "8-bit as it is" is *announced*: :class:`Windowing` carries a
one-sentence ``note`` that the CLI prints and writes into its JSON (``notes``) and the
viewer shows. A volume is windowed once, from one slice, so that all its slices compare.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dida_view.catalogue import QT_TRANSLATE_NOOP
from dida_view.errors import ImageError

PERCENTILES = (0.5, 99.5)
_SAMPLE = 1 << 22  # percentiles from at most ~4 M values (a strided sample of larger data)


@dataclass(frozen=True)
class Windowing:
    """A linear map ``lo .. hi -> 0 .. 255`` (clipped), decided once and applied to slices.

    Attributes
    ----------
    kind
        ``"none"`` (uint8 as it is), ``"bits"``, ``"range"`` or ``"percentile"``.
    lo, hi
        The input values that become 0 and 255.
    note
        The sentence announcing it, or None for ``"none"``.
    """

    kind: str
    lo: float = 0.0
    hi: float = 255.0
    note: str | None = None

    def apply(self, data: np.ndarray) -> np.ndarray:
        """``data`` (any real dtype, any shape) as uint8 under this windowing."""
        if self.kind == "none" and data.dtype == np.uint8:
            return data
        out = np.empty(data.shape, dtype=np.uint8)
        span = float(self.hi - self.lo) or 1.0
        rows = max(1, (1 << 21) // max(1, int(np.prod(data.shape[1:], dtype=np.int64))))
        with np.errstate(invalid="ignore", over="ignore"):  # inf - inf: NaN, then 0
            for r in range(0, data.shape[0], rows):  # in row bands: no full-size float copy
                a = data[r:r + rows].astype(np.float64)
                a -= self.lo
                a *= 255.0 / span
                a += 0.5
                np.nan_to_num(a, copy=False, nan=0.0, posinf=255.0, neginf=0.0)
                np.clip(a, 0.0, 255.0, out=a)
                out[r:r + rows] = a
        return out


# the notes of the rules, in the message catalogue
SIGNED_NOTE = QT_TRANSLATE_NOOP("Notes", "signed data scaled by its range {lo}..{hi}")
STATED = QT_TRANSLATE_NOOP("Notes", "stated")
BITS_NOTE = QT_TRANSLATE_NOOP("Notes", "{bits}-bit data ({source}) scaled 0..{top} -> 0..255")
GUESSED_BITS_NOTE = QT_TRANSLATE_NOOP(
    "Notes", "no bit depth stored: scaled as {bits}-bit data, 0..{top} -> 0..255 (largest "
    "value {hi})")
FLOAT_NOTE = QT_TRANSLATE_NOOP(
    "Notes", "float data windowed by its {p0}-{p1} percentiles, {lo}..{hi} -> 0..255")
FLOAT_BAD_NOTE = QT_TRANSLATE_NOOP(
    "Notes", "{note}; {bad} NaN/infinite pixel(s) ignored (NaN, -inf black; +inf white)")
ALPHA_NOTE = QT_TRANSLATE_NOOP(
    "Notes", "transparency composited on black ({share} of pixels not opaque)")
NONE = Windowing("none")


def plan(data: np.ndarray, *, bits: int | None = None, source: str = "") -> Windowing:
    """The windowing for ``data`` under the rules of this module.

    Parameters
    ----------
    data
        Pixel values as read (uint8/16/32, int8/16/32, float16/32/64).
    bits
        The bit depth the file states (PNG ``sBIT``, DICOM ``BitsStored``), if any.
    source
        Where ``bits`` came from, for the note (``"sBIT"``, ``"BitsStored"``).

    Raises
    ------
    ImageError
        Float data without a single finite value (the caller adds the file name).
    """
    a = np.asarray(data)
    if a.dtype == np.uint8 or a.dtype == np.bool_:
        return NONE
    if a.dtype.kind == "f":
        return _plan_float(a)
    if a.dtype.kind not in "iu":
        raise ImageError(f"pixel type {a.dtype} is not supported")
    lo, hi = (int(a.min()), int(a.max())) if a.size else (0, 0)
    if a.dtype.kind == "i" and lo < 0:
        return Windowing("range", lo, hi if hi > lo else lo + 1,
                         SIGNED_NOTE.note(lo=lo, hi=hi))
    if bits is not None and 8 < int(bits) <= 32 and hi < 2 ** int(bits):
        top = 2 ** int(bits) - 1
        return Windowing("bits", 0, top, BITS_NOTE.note(bits=bits, source=source or STATED,
                                                        top=top))
    if hi <= 255:
        return Windowing("bits", 0, 255, None)  # 8-bit values in a wider type: as they are
    used = next(b for b in (10, 12, 14, 16, 24, 32) if hi < 2 ** b)
    top = 2 ** used - 1
    return Windowing("bits", 0, top, GUESSED_BITS_NOTE.note(bits=used, top=top, hi=hi))


def few_bits(bits: int, source: str) -> Windowing:
    """Data of fewer than 8 bits whose values are stored as they are (DICOM ``BitsStored``
    1..7; a 1-bit bitmap is 0 and 1): ``0 .. 2**bits - 1`` becomes ``0 .. 255``.

    Not for PNG's ``sBIT``: PNG stores such samples already scaled to 8 bits.
    """
    top = 2 ** int(bits) - 1
    return Windowing("bits", 0, top, BITS_NOTE.note(bits=bits, source=source, top=top))


def _plan_float(a: np.ndarray) -> Windowing:
    flat = a.reshape(-1)
    step = max(1, flat.size // _SAMPLE)
    sample = flat[::step]
    finite = sample[np.isfinite(sample)]
    if finite.size == 0:
        raise ImageError("no finite pixel values (all NaN or infinite)")
    lo, hi = (float(v) for v in np.percentile(finite.astype(np.float64), PERCENTILES))
    bad = int(np.count_nonzero(~np.isfinite(flat))) if flat.size <= _SAMPLE * 4 else \
        int(np.count_nonzero(~np.isfinite(sample))) * step
    if not hi > lo:  # constant (or nearly): keep the value's place in its own range
        lo, hi = float(finite.min()), float(finite.max())
        if not hi > lo:
            lo, hi = lo - 0.5, lo + 0.5
    note = FLOAT_NOTE.note(p0=f"{PERCENTILES[0]:g}", p1=f"{PERCENTILES[1]:g}", lo=f"{lo:.6g}",
                           hi=f"{hi:.6g}")
    if bad:
        note = FLOAT_BAD_NOTE.note(note=note, bad=bad)
    return Windowing("percentile", lo, hi, note)


def composite_alpha(rgb: np.ndarray, alpha: np.ndarray) -> tuple[np.ndarray, str | None]:
    """Composite uint8 colour (H, W[, 3]) with uint8 alpha (H, W) on **black**.

    Returns the composited uint8 image and a note, or the input and None when every
    pixel is opaque.
    """
    if alpha.size == 0 or int(alpha.min()) == 255:
        return rgb, None
    a = alpha.astype(np.uint16)
    if rgb.ndim == 3:
        a = a[..., None]
    out = ((rgb.astype(np.uint16) * a + 127) // 255).astype(np.uint8)
    share = float(np.count_nonzero(alpha < 255)) / alpha.size
    return out, ALPHA_NOTE.note(share=f"{share:.0%}")


def is_constant(image: np.ndarray) -> bool:
    """Whether every pixel of ``image`` has the same value (in every channel)."""
    a = np.asarray(image)
    if a.size == 0:
        return True
    first = a[0, 0]
    rows = max(1, (1 << 22) // max(1, a[0].size))
    return all(bool(np.all(a[r:r + rows] == first)) for r in range(0, a.shape[0], rows))

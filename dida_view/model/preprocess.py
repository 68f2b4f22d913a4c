"""Preprocessing: from an image file's pixels to the model's input image, and back.

The model sees an image of ``input_size`` (height, width). The original is first
squeezed horizontally (the paper's OCT models: width x 1/2), then either fitted inside the
input with a letterbox (aspect kept, the rest filled with ``fill``) or stretched to it.
The *content box* is where the original landed inside the input; DiDA's grid covers the
content box only, never the letterbox padding, and every content pixel maps back to the
original pixel it came from.

Pixel values stay in 0..255 here (float32); scaling, mean and std are applied by the
classifier adapter just before the model runs, so that masking happens in pixel space.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

import numpy as np
from PIL import Image

from dida_view.errors import SettingsError
from dida_view.io.limits import block_reduce
from dida_view.model.jsonvalues import (
    boolean,
    check_input_size,
    choice,
    expected,
    input_size,
    number,
    numbers,
)
from dida_view.model.resize import OPENCV_INTERPOLATIONS, nearest_source, resize_opencv

_INTERPOLATIONS = {
    "nearest": Image.Resampling.NEAREST,
    "bilinear": Image.Resampling.BILINEAR,
    "bicubic": Image.Resampling.BICUBIC,
    "lanczos": Image.Resampling.LANCZOS,
    "area": Image.Resampling.BOX,
}
_CHOICES = {
    "resize": ("letterbox", "stretch"),
    "interpolation": tuple(_INTERPOLATIONS),
    "color": ("grey", "rgb"),
    "layout": ("auto", "NCHW", "NHWC"),
    "resize_convention": ("pillow", "opencv"),
}
@dataclass(frozen=True)
class Box:
    """A rectangle of the model input, ``[y0, y1) x [x0, x1)``."""

    y0: int
    y1: int
    x0: int
    x1: int

    @property
    def height(self) -> int:
        return self.y1 - self.y0

    @property
    def width(self) -> int:
        return self.x1 - self.x0

    @property
    def slices(self) -> tuple[slice, slice]:
        return slice(self.y0, self.y1), slice(self.x0, self.x1)


@dataclass(frozen=True)
class Preprocessing:
    """How an image becomes the model's input (documented in README, "Preprocessing").

    Parameters
    ----------
    input_size
        (height, width) of the model input. ``None`` means "take it from the model";
        required when the model's spatial sizes are dynamic (default then 224 x 224).
    squeeze_x
        Horizontal scale applied to the original before fitting (0.5 for the paper's OCT).
    resize
        ``"letterbox"`` (keep aspect, pad with ``fill``) or ``"stretch"``.
    fill
        Letterbox fill, a grey level or an (r, g, b) triple, 0..255.
    interpolation
        ``nearest``, ``bilinear``, ``bicubic``, ``lanczos`` or ``area``.
    color
        ``"grey"`` (converted to grey, replicated to 3 channels for RGB models) or ``"rgb"``.
    scale, mean, std
        ``model_input = (pixel * scale - mean) / std`` per channel.
    layout
        ``"auto"``, ``"NCHW"`` or ``"NHWC"`` (auto: detected from the input shape).
    resize_convention
        ``"pillow"`` (Pillow's resampling) or ``"opencv"`` (``cv2.resize`` semantics,
        :mod:`dida_view.model.resize`), whichever the model was trained with.
    pad_before_resize
        Pad the original to a square with ``fill`` first (``(|h - w|) // 2`` on each side
        of the shorter axis, as common training scripts do), then squeeze and fit that.
    """

    input_size: tuple[int, int] | None = None
    squeeze_x: float = 1.0
    resize: str = "letterbox"
    fill: float | tuple[float, float, float] = 0.0
    interpolation: str = "bilinear"
    color: str = "rgb"
    scale: float = 1.0 / 255.0
    mean: tuple[float, ...] = (0.0,)
    std: tuple[float, ...] = (1.0,)
    layout: str = "auto"
    resize_convention: str = "pillow"
    pad_before_resize: bool = False

    def __post_init__(self) -> None:
        if self.input_size is not None:
            check_input_size(self.input_size)
        if not (0.0 < float(self.squeeze_x) <= 16.0):
            raise expected("preprocessing.squeeze_x", "a number in (0, 16]", self.squeeze_x)
        for key, choices in _CHOICES.items():
            choice(f"preprocessing.{key}", getattr(self, key), choices)
        if self.resize_convention == "opencv" and self.interpolation not in \
                OPENCV_INTERPOLATIONS:
            raise SettingsError(
                f"preprocessing: resize_convention 'opencv' supports interpolation "
                f"{', '.join(OPENCV_INTERPOLATIONS)}, got {self.interpolation!r}")
        boolean("preprocessing.pad_before_resize", self.pad_before_resize)
        if any(float(s) == 0.0 for s in self.std):
            raise SettingsError("preprocessing.std: must not contain 0")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Preprocessing:
        """Build from a JSON document, checking each value's type and shape.

        Raises
        ------
        SettingsError
            One line naming the key (``preprocessing.mean``), what was expected and what
            was given; unknown keys are named too.
        """
        if not isinstance(data, dict):
            raise expected("preprocessing", "a JSON object", data)
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise SettingsError(f"preprocessing: unknown key(s) {', '.join(unknown)}")
        kw: dict[str, Any] = {}
        for key, value in data.items():
            name = f"preprocessing.{key}"
            if key == "input_size":
                kw[key] = None if value is None else input_size(name, value)
            elif key == "fill":
                fill = numbers(name, value, counts=(1, 3), lo=0.0, hi=255.0,
                               what="a grey level 0..255 or three (r, g, b)")
                kw[key] = fill[0] if len(fill) == 1 else fill
            elif key in ("mean", "std"):
                kw[key] = numbers(name, value)
            elif key in ("squeeze_x", "scale"):
                kw[key] = number(name, value)
            elif key == "pad_before_resize":
                kw[key] = boolean(name, value)
            else:
                kw[key] = choice(name, value, _CHOICES[key])
        return cls(**kw)

    def check_channels(self, channels: int) -> None:
        """``mean`` and ``std`` fit a model input of ``channels`` channels (1 value, or one
        per channel).

        Raises
        ------
        SettingsError
            Naming the key, the count expected and the count given.
        """
        what = "1 number (one per channel)" if channels == 1 else \
            f"1 number or {channels} (one per channel)"
        for key in ("mean", "std"):
            values = getattr(self, key)
            if len(values) not in (1, channels):
                raise expected(f"preprocessing.{key}", what, list(values))

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["input_size"] = list(self.input_size) if self.input_size else None
        d["mean"] = list(self.mean)
        d["std"] = list(self.std)
        if isinstance(self.fill, tuple):
            d["fill"] = list(self.fill)
        return d

    def with_(self, **changes: Any) -> Preprocessing:
        data = self.to_dict()
        data.update(changes)
        return Preprocessing.from_dict(data)


@dataclass(frozen=True)
class Prepared:
    """The model-space image and how it relates to the original.

    Attributes
    ----------
    pixels
        float32 (H, W, C) in 0..255, C = the model's channel count.
    box
        The content box: where the original lies inside ``pixels``.
    original_size
        (height, width) of the original image.
    """

    pixels: np.ndarray
    box: Box
    original_size: tuple[int, int]


def square_pads(size: tuple[int, int]) -> tuple[int, int]:
    """Rows and columns that ``pad_before_resize`` adds on *each* side: ``(|h - w|) // 2``
    on the shorter axis (an odd difference leaves the padded image one pixel short of
    square, as ``cv2.copyMakeBorder`` with ``pad = abs(h - w) // 2`` does)."""
    h, w = size
    p = abs(int(h) - int(w)) // 2
    return (p, 0) if h < w else (0, p)


def _fit_box(size: tuple[int, int], input_size: tuple[int, int], pre: Preprocessing) -> Box:
    """Where an image of ``size`` lands in the input (letterbox or stretch)."""
    oh, ow = size
    ih, iw = input_size
    if pre.resize == "stretch":
        return Box(0, ih, 0, iw)
    sw = ow * pre.squeeze_x
    s = min(ih / oh, iw / sw)
    ch = min(ih, max(1, round(oh * s)))
    cw = min(iw, max(1, round(sw * s)))
    y0 = (ih - ch) // 2
    x0 = (iw - cw) // 2
    return Box(y0, y0 + ch, x0, x0 + cw)


def _legacy_nearest(pre: Preprocessing) -> bool:
    return pre.resize_convention == "opencv" and pre.interpolation == "nearest"


def _axis_map(orig: int, lead: int, fit: int, pre: Preprocessing) -> tuple[int, int, np.ndarray]:
    """One axis: an original of ``orig`` pixels, ``lead`` padding pixels before it (and as
    many after), resized to ``fit`` model pixels. Returns the model pixels ``[a, b)`` that
    show the original (relative to the fit) and, for each original pixel, the model pixel
    (relative to ``a``) it maps to.

    Half-pixel conventions: a model pixel shows the original pixel under its centre, and an
    original pixel maps to the model pixel under its own centre (the centre rule of
    :func:`source_index`). OpenCV's nearest: a model pixel shows ``floor(j * P / fit)``, and
    an original pixel maps to the middle of the model pixels that show it (or the next one,
    when shrinking skipped it).
    """
    padded = orig + 2 * lead
    if _legacy_nearest(pre):
        src = nearest_source(padded, fit)
        a = int(np.searchsorted(src, lead, side="left"))
        b = int(np.searchsorted(src, lead + orig, side="left"))
        pix = lead + np.arange(orig)
        left = np.searchsorted(src, pix, side="left")
        right = np.searchsorted(src, pix, side="right")
        idx = np.where(right > left, (left + right - 1) // 2, left)
    else:
        a = int(np.ceil(lead * fit / padded - 0.5))
        b = int(np.ceil((lead + orig) * fit / padded - 0.5))
        idx = np.floor((lead + np.arange(orig) + 0.5) * fit / padded).astype(np.int64)
    b = min(max(b, a + 1), fit)
    a = min(a, b - 1)
    return a, b, np.clip(idx - a, 0, b - a - 1)


def content_box(
    original_size: tuple[int, int], input_size: tuple[int, int], pre: Preprocessing
) -> Box:
    """Where an original of ``original_size`` lands in an input of ``input_size``.

    With ``pad_before_resize`` this is the part of the fitted, padded square that shows the
    original (the model pixels whose source is the original, not the padding).
    """
    if not pre.pad_before_resize:
        return _fit_box(original_size, input_size, pre)
    py, px = square_pads(original_size)
    oh, ow = original_size
    outer = _fit_box((oh + 2 * py, ow + 2 * px), input_size, pre)
    ya, yb, _ = _axis_map(oh, py, outer.height, pre)
    xa, xb, _ = _axis_map(ow, px, outer.width, pre)
    return Box(outer.y0 + ya, outer.y0 + yb, outer.x0 + xa, outer.x0 + xb)


def original_index(
    original_size: tuple[int, int], input_size: tuple[int, int], pre: Preprocessing
) -> tuple[np.ndarray, np.ndarray]:
    """For every row and every column of the original, the content-box pixel it maps to.

    Exact for the resize convention and the padding (maps are painted over the original
    through this); for Pillow without padding it is :func:`source_index`.
    """
    oh, ow = original_size
    py, px = square_pads(original_size) if pre.pad_before_resize else (0, 0)
    outer = _fit_box((oh + 2 * py, ow + 2 * px), input_size, pre)
    return _axis_map(oh, py, outer.height, pre)[2], _axis_map(ow, px, outer.width, pre)[2]


def _resize(img: np.ndarray, size: tuple[int, int], pre: Preprocessing) -> np.ndarray:
    """Resize uint8 ``img`` to ``size`` = (height, width) by the model's convention."""
    if pre.resize_convention == "opencv":
        return resize_opencv(img, size, pre.interpolation)
    pil = Image.fromarray(img)
    resized = pil.resize((size[1], size[0]), _INTERPOLATIONS[pre.interpolation])
    return np.asarray(resized, dtype=np.float32)


def _fill_values(pre: Preprocessing, channels: int) -> np.ndarray:
    if np.size(pre.fill) == 3 and channels == 1:
        return np.asarray([float(np.mean(pre.fill))], dtype=np.float32)
    return np.broadcast_to(np.asarray(pre.fill, dtype=np.float32).reshape(-1), (channels,))


HUGE_PIXELS = 16_000_000  # above this, prepare reduces by block means before resizing


def prepare(
    image: np.ndarray, pre: Preprocessing, input_size: tuple[int, int], channels: int
) -> Prepared:
    """Resize ``image`` (uint8 (H, W) or (H, W, 3)) into the model's pixel space.

    Squeeze and fit are done as one resize, straight to the content box size (with
    ``pad_before_resize``: of the padded square, whose original part is the content box).
    An image of more than :data:`HUGE_PIXELS` pixels is first reduced by whole-block means
    to about twice the content box (as Pillow's ``reducing_gap``), so that memory stays
    bounded.
    """
    if image.ndim not in (2, 3) or image.size == 0:
        raise SettingsError(f"image must be (H, W) or (H, W, 3), got shape {image.shape}")
    if channels not in (1, 3):
        raise SettingsError(f"model channels must be 1 or 3, got {channels}")
    img = np.asarray(image)
    original_size = (img.shape[0], img.shape[1])
    box = content_box(original_size, input_size, pre)
    if img.shape[0] * img.shape[1] > HUGE_PIXELS:  # Pillow's reducing_gap, in bands
        img = block_reduce(img, min(img.shape[0] // (2 * box.height),
                                    img.shape[1] // (2 * box.width)))
    if img.ndim == 3 and (pre.color == "grey" or channels == 1):
        img = to_grey(img)
    img = img.astype(np.uint8) if img.dtype != np.uint8 else img
    outer = box
    if pre.pad_before_resize:
        py, px = square_pads(img.shape[:2])
        fill = _fill_values(pre, 1 if img.ndim == 2 else img.shape[2])
        padded = np.empty((img.shape[0] + 2 * py, img.shape[1] + 2 * px) + img.shape[2:],
                          dtype=np.uint8)
        padded[...] = np.clip(np.rint(fill if img.ndim == 3 else fill[0]), 0, 255)
        padded[py : py + img.shape[0], px : px + img.shape[1]] = img
        img = padded
        opy, opx = square_pads(original_size)  # the fit of the original's padded square
        outer = _fit_box((original_size[0] + 2 * opy, original_size[1] + 2 * opx),
                         input_size, pre)
    content = _resize(img, (outer.height, outer.width), pre)
    if content.ndim == 2:
        content = content[:, :, None]
    if content.shape[2] != channels:
        content = np.repeat(content[:, :, :1], channels, axis=2)
    pixels = np.empty((input_size[0], input_size[1], channels), dtype=np.float32)
    pixels[...] = _fill_values(pre, channels)
    pixels[outer.slices] = content
    return Prepared(pixels=pixels, box=box, original_size=original_size)


def to_grey(rgb: np.ndarray) -> np.ndarray:
    """ITU-R 601 luma of an (H, W, 3) image, as uint8 (in row bands: bounded memory)."""
    w = np.array([0.299, 0.587, 0.114], dtype=np.float32)
    out = np.empty(rgb.shape[:2], dtype=np.uint8)
    rows = max(1, (1 << 20) // max(1, rgb.shape[1]))
    for r in range(0, rgb.shape[0], rows):
        band = rgb[r:r + rows, :, :3].astype(np.float32) @ w
        out[r:r + rows] = np.clip(band + 0.5, 0, 255)
    return out


def source_index(out_len: int, content_len: int) -> np.ndarray:
    """For each of ``out_len`` original pixels, the content pixel it maps to (centre rule)."""
    idx = np.floor((np.arange(out_len) + 0.5) * content_len / out_len).astype(np.int64)
    return np.clip(idx, 0, content_len - 1)

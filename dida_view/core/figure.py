"""The paper's Fig. 5 as a picture file: the original, then the top classes' overlays.

Pure pillow + numpy; used by the CLI and by the viewer's export.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from dida_view.core import render
from dida_view.core.dida import DidaResult
from dida_view.core.fonts import font_for
from dida_view.core.limits import reduce_for_display
from dida_view.core.maps import View, class_overlay, class_scale

GAP = 8
BACKGROUND = (255, 255, 255)


def format_score(value: float, space: str) -> str:
    """A score as shown next to a class name: ``0.873`` or ``12.31 logit``."""
    if space == "probability":
        return f"{value:.3f}"
    return f"{value:.2f} {space}"


def font(size: int, text: str = "") -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    """A font of ``size`` pixels that has glyphs for ``text`` (:func:`fonts.font_for`)."""
    return font_for(text, size)


def label_panel(
    img: np.ndarray, text: str | None, *, corner: str = "bottom-right", size: int = 0
) -> np.ndarray:
    """Write ``text`` on a dark box in a corner of a uint8 RGB image (returns a copy)."""
    pil = Image.fromarray(render.to_uint8(render.as_rgb_float(img)))
    if text:
        h, w = img.shape[:2]
        f = font(size or max(12, round(min(h, w) / 18)), text)
        draw = ImageDraw.Draw(pil)
        x0, y0, x1, y1 = draw.textbbox((0, 0), text, font=f)
        tw, th = x1 - x0, y1 - y0
        pad = max(3, th // 4)
        if corner == "bottom-right":
            x, y = w - tw - 3 * pad, h - th - 3 * pad
        else:
            x, y = pad, pad
        draw.rectangle([x, y, x + tw + 2 * pad, y + th + 2 * pad], fill=(0, 0, 0))
        draw.text((x + pad - x0, y + pad - y0), text, fill=(255, 255, 255), font=f)
    return np.asarray(pil)


def class_title(result: DidaResult, k: int) -> str:
    return f"{result.labels[k]}  {format_score(float(result.scores[k]), result.score_space)}"


def figure_panels(
    image: np.ndarray,
    result: DidaResult,
    classes: Sequence[int],
    *,
    diagnosis: str | None = None,
    view: View | None = None,
) -> tuple[list[np.ndarray], float]:
    """The labelled panels of the figure and their shared colour scale.

    The original (with the diagnosis at the top left), then one overlay per class with its
    name and score at the bottom right, all at the original's size (reduced to at most
    :data:`~dida_view.core.limits.MAX_DISPLAY` pixels on the long side), one scale for all.
    """
    view = view or View()
    image = reduce_for_display(image)
    scale = view.scale or class_scale(result, classes)
    panels = [label_panel(image, f"Diagnosis: {diagnosis}" if diagnosis else None,
                          corner="top-left")]
    for k in classes:
        panels.append(label_panel(class_overlay(result, image, k, scale, view),
                                  class_title(result, k)))
    return panels, scale


def assemble_figure(
    panels: Sequence[np.ndarray], result: DidaResult, scale: float, *, gain: float = 1.0,
    legend: bool = True,
) -> np.ndarray:
    """Put :func:`figure_panels` in a row, with a colour legend below (uint8 RGB)."""
    h, w = panels[0].shape[:2]
    width = len(panels) * w + (len(panels) - 1) * GAP
    legend_h = max(40, h // 10) if legend else 0
    canvas = Image.new("RGB", (width, h + legend_h), BACKGROUND)
    for i, p in enumerate(panels):
        canvas.paste(Image.fromarray(p), (i * (w + GAP), 0))
    if legend:
        _draw_legend(canvas, result, (0, h), width, legend_h, scale / gain)
    return np.asarray(canvas)


def compose_figure(
    image: np.ndarray,
    result: DidaResult,
    classes: Sequence[int] | None = None,
    *,
    diagnosis: str | None = None,
    view: View | None = None,
    legend: bool = True,
) -> np.ndarray:
    """The composite figure (uint8 RGB): original + one overlay per class, in a row.

    All overlays share one colour scale, so their brightness can be compared.
    """
    view = view or View()
    classes = list(classes) if classes is not None else result.top(3)
    panels, scale = figure_panels(image, result, classes, diagnosis=diagnosis, view=view)
    return assemble_figure(panels, result, scale, gain=view.gain, legend=legend)


def _draw_legend(canvas: Image.Image, result: DidaResult, origin, width, height, top):
    draw = ImageDraw.Draw(canvas)
    f = font(max(11, height // 3))
    x, y = origin
    bar_w = min(300, width // 4)
    bar_h = max(8, height // 3)
    by = y + (height - bar_h) // 2
    left_label = "against"
    lw = draw.textlength(left_label, font=f)
    bx = x + 8 + int(lw) + 8
    draw.text((x + 8, by - 2), left_label, fill=(0, 0, 0), font=f)
    bar = render.to_uint8(render.legend_bar(bar_w, bar_h))
    canvas.paste(Image.fromarray(bar), (bx, by))
    draw.text((bx + bar_w + 8, by - 2), "for the class", fill=(0, 0, 0), font=f)
    note = (
        f"red: supports the class, blue: argues against it, black: no effect.  "
        f"Full colour at |d| = {top:.3g} ({result.score_space}); grids "
        f"{', '.join(str(n) for n in result.grid_sizes)}; mask {result.mask_fill}."
    )
    nx = bx + bar_w + 16 + int(draw.textlength("for the class", font=f))
    draw.text((nx, by - 2), note, fill=(60, 60, 60), font=f)

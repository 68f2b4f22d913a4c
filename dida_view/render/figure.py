"""The paper's Fig. 5 as a picture file: the original, then the top classes' overlays.

Pure pillow + numpy; used by the CLI and by the viewer's export.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from dida_view.io.limits import reduce_for_display
from dida_view.method.dida import DidaResult
from dida_view.render import images as render
from dida_view.render.fonts import font_for
from dida_view.render.maps import View, class_overlay, class_scale
from dida_view.render.scoretext import (
    format_score,
    full_colour_words,
    result_flags,
    shown_score,
    unit_words,
)

__all__ = ["assemble_figure", "class_title", "compose_figure", "draw_marks", "figure_panels",
           "format_score", "label_panel"]

GAP = 8
BACKGROUND = (255, 255, 255)
# the teacher's pen: green, a colour the maps (red, blue) and the target frame (amber) never use
MARK_COLOUR = (0, 230, 118)
MARK_OUTLINE = (0, 0, 0)


def font(size: int, text: str | None = None) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    """The one place that picks the figure's font: one with glyphs for ``text``
    (:func:`dida_view.render.fonts.font_for`: the bundled Japanese font, Pillow's default,
    the system's)."""
    return font_for(text or "", size)


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


def draw_marks(img: np.ndarray, marks: Sequence[Sequence[tuple[float, float]]],
               width: int = 0) -> np.ndarray:
    """Draw pen strokes (points in ``img``'s pixels) as green lines with a dark edge.

    Returns a uint8 RGB copy; ``img`` is left as it is. ``width`` 0: about 1/100 of the
    image's smaller side, at least 2 pixels.
    """
    pil = Image.fromarray(render.to_uint8(render.as_rgb_float(img)))
    if marks:
        width = width or max(2, round(min(img.shape[:2]) / 100))
        draw = ImageDraw.Draw(pil)
        for colour, w in ((MARK_OUTLINE, width + 2), (MARK_COLOUR, width)):
            for stroke in marks:
                points = [(float(x), float(y)) for x, y in stroke]
                if len(points) == 1:
                    (x, y), r = points[0], w / 2
                    draw.ellipse([x - r, y - r, x + r, y + r], fill=colour)
                else:
                    draw.line(points, fill=colour, width=w, joint="curve")
    return np.asarray(pil)


def class_title(result: DidaResult, k: int) -> str:
    """``Wet AMD  0.873`` (the probability, whatever space the maps are in), with
    `` · close call`` or `` · tie`` when the score is one
    (see :func:`dida_view.render.scoretext.result_flags`)."""
    text = f"{result.labels[k]}  {shown_score(result, k)}"
    flag = result_flags(result).flag(k)
    return f"{text} · {flag}" if flag else text


def figure_panels(
    image: np.ndarray,
    result: DidaResult,
    classes: Sequence[int],
    *,
    diagnosis: str | None = None,
    view: View | None = None,
    diagnosis_prefix: str = "Diagnosis: ",
    marks: Sequence[Sequence[tuple[float, float]]] = (),
) -> tuple[list[np.ndarray], float]:
    """The labelled panels of the figure and their shared colour scale.

    The original (with the diagnosis at the top left), then one overlay per class with its
    name and score at the bottom right, all at the original's size (reduced to at most
    :data:`~dida_view.io.limits.MAX_DISPLAY` pixels on the long side), one scale for all.
    ``diagnosis_prefix``: the words before the diagnosis (``診断: `` in a Japanese report).
    ``marks``: pen strokes in the original's pixels, drawn on every panel.
    """
    view = view or View()
    reduced = reduce_for_display(image)
    if marks and reduced.shape != image.shape:  # pen strokes are in the original's pixels
        f = reduced.shape[1] / image.shape[1]
        marks = [[(x * f, y * f) for x, y in stroke] for stroke in marks]
    image = reduced
    scale = view.scale or class_scale(result, classes)
    panels = [label_panel(draw_marks(image, marks) if marks else image,
                          f"{diagnosis_prefix}{diagnosis}" if diagnosis else None,
                          corner="top-left")]
    for k in classes:
        overlay = class_overlay(result, image, k, scale, view)
        if marks:
            overlay = draw_marks(overlay, marks)
        panels.append(label_panel(overlay, class_title(result, k)))
    return panels, scale


def assemble_figure(
    panels: Sequence[np.ndarray], result: DidaResult, scale: float, *, gain: float = 1.0,
    legend: bool = True, note: str | None = None,
) -> np.ndarray:
    """Put :func:`figure_panels` in a row, with a colour legend below (uint8 RGB).

    The legend says in plain words what full colour means, and flags a close call; a
    clinician's ``note`` is its last line (on one line, cut to the figure's width).
    """
    h, w = panels[0].shape[:2]
    width = len(panels) * w + (len(panels) - 1) * GAP
    lines = legend_lines(result, scale / gain) if legend else []
    if legend and note and note.strip():
        lines.append("Clinician's note: " + " ".join(note.split()))
    size = max(11, min(28, h // 24))
    legend_h = (len(lines) * round(size * 1.35) + 2 * size) if legend else 0
    canvas = Image.new("RGB", (width, h + legend_h), BACKGROUND)
    for i, p in enumerate(panels):
        canvas.paste(Image.fromarray(p), (i * (w + GAP), 0))
    if legend:
        _draw_legend(canvas, lines, (0, h), width, size)
    return np.asarray(canvas)


def legend_lines(result: DidaResult, top: float) -> list[str]:
    """The legend's text: what full colour means, the settings, and a close call if any."""
    lines = [
        "red: supports the class, blue: argues against it, no colour: no effect.",
        "F" + full_colour_words(top, result.score_space)[1:] + ".",
        f"Scores: probabilities; maps in {unit_words(result.score_space)}; grids "
        f"{', '.join(str(n) for n in result.grid_sizes)}; mask {result.mask_fill}.",
    ]
    summary = result_flags(result).summary(result.labels)
    if summary:
        lines.append(summary + ".")
    return lines


def compose_figure(
    image: np.ndarray,
    result: DidaResult,
    classes: Sequence[int] | None = None,
    *,
    diagnosis: str | None = None,
    view: View | None = None,
    legend: bool = True,
    note: str | None = None,
    marks: Sequence[Sequence[tuple[float, float]]] = (),
) -> np.ndarray:
    """The composite figure (uint8 RGB): original + one overlay per class, in a row.

    All overlays share one colour scale, so their brightness can be compared. The
    clinician's ``diagnosis`` is written on the original, their ``note`` under the legend;
    ``marks`` (pen strokes in the original's pixels) are drawn on every panel.
    """
    view = view or View()
    classes = list(classes) if classes is not None else result.top(3)
    panels, scale = figure_panels(image, result, classes, diagnosis=diagnosis, view=view,
                                  marks=marks)
    return assemble_figure(panels, result, scale, gain=view.gain, legend=legend, note=note)


def _draw_legend(canvas: Image.Image, lines: Sequence[str], origin, width: int, size: int):
    draw = ImageDraw.Draw(canvas)
    f = font(size)
    x, y = origin
    bar_w = min(300, width // 5)
    bar_h = size
    by = y + size // 2
    left_label = "against"
    lw = draw.textlength(left_label, font=f)
    bx = x + 8 + int(lw) + 8
    draw.text((x + 8, by), left_label, fill=(0, 0, 0), font=f)
    bar = render.to_uint8(render.legend_bar(bar_w, bar_h))
    canvas.paste(Image.fromarray(bar), (bx, by + 2))
    draw.text((bx + bar_w + 8, by), "for the class", fill=(0, 0, 0), font=f)
    nx = bx + bar_w + 24 + int(draw.textlength("for the class", font=f))
    if nx > width * 0.6:  # a narrow figure: the text goes under the bar
        nx, by = x + 8, by + round(size * 1.5)
    for i, line in enumerate(lines):
        colour = (150, 70, 0) if line.startswith(("Close call", "Tie")) else (40, 40, 40)
        draw.text((nx, by + i * round(size * 1.35)), _fit(draw, line, f, width - nx - 8),
                  fill=colour, font=f)


def _fit(draw: ImageDraw.ImageDraw, text: str, f, room: float) -> str:
    """``text``, cut with an ellipsis where it is wider than ``room`` pixels."""
    if draw.textlength(text, font=f) <= room:
        return text
    while text and draw.textlength(text + "…", font=f) > room:
        text = text[:-1]
    return text + "…"

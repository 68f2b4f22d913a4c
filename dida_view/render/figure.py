"""The paper's Fig. 5 as a picture file: the original, then the top classes' overlays.

Pure pillow + numpy; used by the CLI and by the viewer's export.

Every figure says which model made it and that it is not for diagnosis (its last line,
:func:`model_line`), whatever else is cut. Captions (the diagnosis, each class and its
score) go in a strip *under* each scan, never on it: evidence at the bottom of a scan (a
device's export band, say) stays visible. A figure has bounded size: a tiny scan is
enlarged by whole pixels to at least :data:`MIN_PANEL_SIDE`, a huge or very long one
reduced to at most :data:`MAX_PANEL_SIDE`, and each panel's column is at least
:data:`MIN_CELL_WIDTH` wide so that its caption fits. Text is bounded too (an ellipsis
where cut, :func:`dida_view.render.fonts.fit_text`) and drawn glyph by glyph
(:func:`dida_view.render.fonts.draw_text`): Japanese and emoji diagnoses are themselves.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from dida_view import __version__
from dida_view.catalogue import QT_TRANSLATE_NOOP, Note
from dida_view.catalogue import render as render_message
from dida_view.catalogue.terms import term
from dida_view.io.limits import reduce_for_display
from dida_view.method.dida import DidaResult
from dida_view.render import images as render
from dida_view.render.fonts import (
    draw_text,
    fit_text,
    font_for,
    text_height,
    text_length,
    wrap_text,
)
from dida_view.render.maps import View, class_overlay, class_scale
from dida_view.render.scoretext import (
    FLAGS,
    MASKS,
    format_score,
    full_colour_words,
    result_flags,
    shown_score,
    unit_words,
    word,
)

__all__ = ["assemble_figure", "class_title", "compose_figure", "draw_marks", "figure_lines",
           "figure_panels", "format_score", "label_panel", "model_line", "with_model_line"]

GAP = 8
BACKGROUND = (255, 255, 255)
CAPTION_TEXT = (20, 20, 20)
# the teacher's pen: green, a colour the maps (red, blue) and the target frame (amber) never use
MARK_COLOUR = (0, 230, 118)
MARK_OUTLINE = (0, 0, 0)
MIN_PANEL_SIDE = 192  # a smaller scan is enlarged by whole pixels (a 50 x 40 one: 5x)
MAX_PANEL_SIDE = 2048  # a larger one is reduced: four panels and gaps stay within 8,216 px
MIN_CELL_WIDTH = 240  # each panel's column, for its caption (a 1 x 5000 scan included)

# the words of figures, in the message catalogue (rendered in the figure's ``lang``)
MODEL_LINE = QT_TRANSLATE_NOOP(
    "Figure", "Not for diagnosis. Model: {model}, trained on {domain}. DiDA View {version}.")
UNKNOWN_MODEL_LINE = QT_TRANSLATE_NOOP(
    "Figure", "Not for diagnosis. Model: not recorded. DiDA View {version}.")
SCREEN_LINE = QT_TRANSLATE_NOOP("Figure", "{model} — trained on {domain} — not for diagnosis")
NO_MODEL_SCREEN_LINE = QT_TRANSLATE_NOOP("Figure", "No model — not for diagnosis")
UNKNOWN_TRAINING = QT_TRANSLATE_NOOP("Figure", "unknown training data")
NOTE_LINE = QT_TRANSLATE_NOOP("Figure", "Clinician's note: {note}")
DIAGNOSIS = QT_TRANSLATE_NOOP("Figure", "Diagnosis: {diagnosis}")
COLOURS_LINE = QT_TRANSLATE_NOOP(
    "Figure", "red: supports the class, blue: argues against it, no colour: no effect.")
FULL_LINE = QT_TRANSLATE_NOOP("Figure", "{full}.")
SETTINGS_LINE = QT_TRANSLATE_NOOP(
    "Figure", "Scores: probabilities; maps in {unit}; grids {grids}; mask {mask}.")
SUMMARY_LINE = QT_TRANSLATE_NOOP("Figure", "{summary}.")
AGAINST = QT_TRANSLATE_NOOP("Figure", "against")
FOR_CLASS = QT_TRANSLATE_NOOP("Figure", "for the class")


def font(size: int, text: str | None = None) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    """One font with glyphs for ``text`` (:func:`dida_view.render.fonts.font_for`: the
    bundled Japanese font, Pillow's default, the system's); figures draw their text glyph
    by glyph instead (:func:`dida_view.render.fonts.draw_text`)."""
    return font_for(text or "", size)


def model_line(model: str | Path | None, trained_on: str | None = None, *,
               screen: bool = False) -> Note:
    """Which model and "not for diagnosis", the one rule for every picture and screen:
    ``Not for diagnosis. Model: oct_kermany.onnx, trained on <what>. DiDA View 1.2.``
    under a figure or an exported panel; ``screen``: the viewer's and teaching mode's
    shorter ``oct_kermany.onnx — trained on <what> — not for diagnosis`` (its ends are the
    model and the disclaimer, kept when the middle is cut). ``model``: the model's file;
    ``trained_on``: its training data in words (a catalogue message, rendered with the
    line). A :class:`~dida_view.catalogue.Note`: render it in the view's language."""
    if model is None or not str(model).strip():
        return NO_MODEL_SCREEN_LINE.note() if screen else \
            UNKNOWN_MODEL_LINE.note(version=__version__)
    domain = trained_on or UNKNOWN_TRAINING
    if screen:
        return SCREEN_LINE.note(model=Path(str(model)).name, domain=domain)
    return MODEL_LINE.note(model=Path(str(model)).name, domain=domain, version=__version__)


def label_panel(
    img: np.ndarray, text: str | None, *, corner: str = "bottom-right", size: int = 0
) -> np.ndarray:
    """Write ``text`` on a dark box in a corner of a uint8 RGB image (returns a copy; cut
    with an ellipsis to the image's width). Figures put their captions under the scans
    instead (:func:`figure_panels`)."""
    pil = Image.fromarray(render.to_uint8(render.as_rgb_float(img)))
    if text:
        h, w = img.shape[:2]
        size = size or max(12, round(min(h, w) / 18))
        pad = max(3, size // 4)
        text = fit_text(text, size, w - 6 * pad)
        tw, th = text_length(text, size), text_height(size)
        if corner == "bottom-right":
            x, y = w - tw - 3 * pad, h - th - 3 * pad
        else:
            x, y = pad, pad
        ImageDraw.Draw(pil).rectangle([x, y, x + tw + 2 * pad, y + th + 2 * pad], fill=(0, 0, 0))
        draw_text(pil, (x + pad, y + pad), text, size, (255, 255, 255))
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


def class_title(result: DidaResult, k: int, lang: str = "en") -> str:
    """``Wet AMD  0.873`` (the class's :func:`~dida_view.catalogue.terms.term` in ``lang``,
    its probability whatever space the maps are in), with `` · close call`` or `` · tie``
    when the score is one (see :func:`dida_view.render.scoretext.result_flags`)."""
    text = f"{term(result.labels[k], lang)}  {shown_score(result, k)}"
    flag = result_flags(result).flag(k)
    return f"{text} · {render_message(word(FLAGS, flag), lang)}" if flag else text


def figure_scale(height: int, width: int) -> float:
    """How much a scan of ``height`` x ``width`` (already at most
    :data:`~dida_view.io.limits.MAX_DISPLAY`) is enlarged or reduced in a figure: whole
    times up to :data:`MIN_PANEL_SIDE` on the short side, down to :data:`MAX_PANEL_SIDE`
    on the long side (which wins)."""
    long_side, short_side = max(height, width), max(1, min(height, width))
    if long_side > MAX_PANEL_SIDE:
        return MAX_PANEL_SIDE / long_side
    up = -(-MIN_PANEL_SIDE // short_side)  # ceil
    return float(max(1, min(up, MAX_PANEL_SIDE // max(1, long_side))))


def _at_figure_size(image: np.ndarray) -> np.ndarray:
    h, w = image.shape[:2]
    f = figure_scale(h, w)
    if f == 1.0:
        return image
    size = (max(1, round(w * f)), max(1, round(h * f)))
    resample = Image.Resampling.NEAREST if f > 1 else Image.Resampling.BOX
    return np.asarray(Image.fromarray(render.to_uint8(render.as_rgb_float(image)))
                      .resize(size, resample))


def caption_px(width: int) -> int:
    """Type size of a caption under a panel ``width`` pixels wide."""
    return int(max(12, min(32, round(width / 20))))


def with_caption(img: np.ndarray, text: str | None, width: int, size: int) -> np.ndarray:
    """``img`` centred in a white column ``width`` wide, its caption in a strip under it
    (an empty strip without one, so that the panels of a row line up)."""
    h, w = img.shape[:2]
    pad = max(3, size // 3)
    strip = text_height(size) + 2 * pad
    canvas = Image.new("RGB", (max(width, w), h + strip), BACKGROUND)
    canvas.paste(Image.fromarray(render.to_uint8(render.as_rgb_float(img))),
                 ((canvas.width - w) // 2, 0))
    if text:
        shown = fit_text(text, size, canvas.width - 2 * pad)
        x = canvas.width - pad - text_length(shown, size)  # right-aligned, as in the paper
        draw_text(canvas, (max(pad, x), h + pad), shown, size, CAPTION_TEXT)
    return np.asarray(canvas)


def figure_panels(
    image: np.ndarray,
    result: DidaResult,
    classes: Sequence[int],
    *,
    diagnosis: str | None = None,
    view: View | None = None,
    marks: Sequence[Sequence[tuple[float, float]]] = (),
    lang: str = "en",
) -> tuple[list[np.ndarray], float]:
    """The captioned panels of the figure and their shared colour scale.

    The original (its caption: the diagnosis), then one overlay per class (its caption:
    name and score), all at one size (see the module's note) and one colour scale, each
    with its caption in a strip under the scan, in ``lang``. ``marks``: pen strokes in the
    original's pixels, drawn on every panel.
    """
    view = view or View()
    shown = _at_figure_size(reduce_for_display(image))
    if marks and shown.shape != image.shape:  # pen strokes are in the original's pixels
        f = shown.shape[1] / image.shape[1]
        marks = [[(x * f, y * f) for x, y in stroke] for stroke in marks]
    scale = view.scale or class_scale(result, classes)
    pictures = [draw_marks(shown, marks) if marks else shown]
    captions = [render_message(DIAGNOSIS.note(diagnosis=diagnosis), lang) if diagnosis else None]
    for k in classes:
        overlay = class_overlay(result, shown, k, scale, view)
        pictures.append(draw_marks(overlay, marks) if marks else overlay)
        captions.append(class_title(result, k, lang))
    width = max(MIN_CELL_WIDTH, shown.shape[1])
    size = caption_px(width)
    return [with_caption(p, c, width, size) for p, c in zip(pictures, captions, strict=True)
            ], scale


def with_model_line(panel: np.ndarray, line: str, lang: str = "en") -> np.ndarray:
    """A picture with ``line`` (:func:`model_line`, rendered in ``lang``) in a strip under
    it: an exported panel, which leaves the program on its own, says which model and "not
    for diagnosis"."""
    line = render_message(line, lang)
    h, w = panel.shape[:2]
    size = max(11, min(20, round(w / 40)))
    pad = max(3, size // 3)
    lines = wrap_text(line, size, w - 2 * pad)
    step = round(size * 1.3)
    canvas = Image.new("RGB", (w, h + len(lines) * step + 2 * pad), BACKGROUND)
    canvas.paste(Image.fromarray(render.to_uint8(render.as_rgb_float(panel))), (0, 0))
    for i, text in enumerate(lines):
        draw_text(canvas, (pad, h + pad + i * step), text, size, (60, 60, 60))
    return np.asarray(canvas)


def assemble_figure(
    panels: Sequence[np.ndarray], result: DidaResult, scale: float, *, gain: float = 1.0,
    legend: bool = True, note: str | None = None, model: str | None = None, lang: str = "en",
) -> np.ndarray:
    """Put :func:`figure_panels` in a row, with a colour legend below (uint8 RGB).

    The legend says in plain words what full colour means, and flags a close call; a
    clinician's ``note`` follows (one line, cut with an ellipsis to the figure's width; the
    whole note stays in the image's sidecar). The last line, legend or not, is ``model``
    (:func:`model_line`): which model, and not for diagnosis. All in ``lang``.
    """
    h, w = panels[0].shape[:2]
    width = len(panels) * w + (len(panels) - 1) * GAP
    size = legend_px(width)
    step = round(size * 1.35)
    rows = []  # (text, colour): each line wrapped to the width, at most 3 rows
    summary = summary_line(result, lang)
    for line in figure_lines(result, scale / gain, legend=legend, note=note, model=model,
                             lang=lang):
        colour = (150, 70, 0) if summary and line == summary else (40, 40, 40)
        rows += [(t, colour) for t in wrap_text(line, size, width - 16)]
    bar_row = 2 * size if legend else size // 2
    canvas = Image.new("RGB", (width, h + bar_row + len(rows) * step + size), BACKGROUND)
    for i, p in enumerate(panels):
        canvas.paste(Image.fromarray(p), (i * (w + GAP), 0))
    y = h + size // 2
    if legend:
        _draw_bar(canvas, (0, y), size, lang)
        y += round(size * 1.5)
    for i, (text, colour) in enumerate(rows):
        draw_text(canvas, (8, y + i * step), text, size, colour)
    return np.asarray(canvas)


def figure_lines(result: DidaResult, top: float, *, legend: bool = True,
                 note: str | None = None, model: str | None = None,
                 lang: str = "en") -> list[str]:
    """The lines under a figure in ``lang``, as written (each cut to the figure's width
    when drawn): the legend's (:func:`legend_lines`), the clinician's note, and last the
    model line (``model``, a :func:`model_line`)."""
    lines = legend_lines(result, top, lang) if legend else []
    if legend and note and note.strip():
        lines.append(render_message(NOTE_LINE.note(note=note.strip()[:2000]), lang))
    return [*lines, render_message(model or model_line(None), lang)]


def legend_px(width: int) -> int:
    """Type size of the legend under a figure ``width`` pixels wide."""
    return int(max(12, min(28, round(width / 90))))


def legend_lines(result: DidaResult, top: float, lang: str = "en") -> list[str]:
    """The legend's text in ``lang``: what full colour means, the settings, and a close
    call if any."""
    full = render_message(FULL_LINE.note(full=full_colour_words(top, result.score_space)),
                          lang)
    lines = [
        render_message(COLOURS_LINE, lang),
        full[:1].upper() + full[1:],
        render_message(SETTINGS_LINE.note(
            unit=unit_words(result.score_space), grids=", ".join(map(str, result.grid_sizes)),
            mask=word(MASKS, result.mask_fill)), lang),
    ]
    summary = summary_line(result, lang)
    return [*lines, summary] if summary else lines


def summary_line(result: DidaResult, lang: str = "en") -> str:
    """The close call or tie of a result as a sentence in ``lang`` (empty when clear)."""
    flags = result_flags(result)
    summary = flags.summary([term(label, lang) for label in result.labels])
    return render_message(SUMMARY_LINE.note(summary=summary), lang) if summary else ""


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
    model: str | None = None,
    lang: str = "en",
) -> np.ndarray:
    """The composite figure (uint8 RGB): original + one overlay per class, in a row.

    All overlays share one colour scale, so their brightness can be compared. The
    clinician's ``diagnosis`` is the original's caption, their ``note`` under the legend;
    ``marks`` (pen strokes in the original's pixels) are drawn on every panel; ``model``
    (:func:`model_line`) is the last line. Its words are in ``lang``.
    """
    view = view or View()
    classes = list(classes) if classes is not None else result.top(3)
    panels, scale = figure_panels(image, result, classes, diagnosis=diagnosis, view=view,
                                  marks=marks, lang=lang)
    return assemble_figure(panels, result, scale, gain=view.gain, legend=legend, note=note,
                           model=model, lang=lang)


def _draw_bar(canvas: Image.Image, origin: tuple[int, int], size: int, lang: str) -> None:
    """``against [blue - black - red] for the class``."""
    x, y = origin
    bar_w = min(300, canvas.width // 5)
    left, right = render_message(AGAINST, lang), render_message(FOR_CLASS, lang)
    draw_text(canvas, (x + 8, y), left, size, (0, 0, 0))
    bx = x + 16 + round(text_length(left, size))
    bar = render.to_uint8(render.legend_bar(bar_w, size))
    canvas.paste(Image.fromarray(bar), (bx, y + 2))
    draw_text(canvas, (bx + bar_w + 8, y), right, size, (0, 0, 0))

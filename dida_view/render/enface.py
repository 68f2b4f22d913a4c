"""The volume evidence map: where in the eye the top class's evidence lies (pure numpy).

Once every B-scan of a volume is analysed, each B-scan's Mixed Image of the volume's top
class is summed along depth, red (``d >= 0``, supports the class) and blue (argues
against it) separately, giving one row of evidence per B-scan, one value per A-scan
(column). Drawn over the localizer (SLO/fundus), each row becomes a band along that
B-scan's line, as wide as the gap to its neighbours; without a localizer the rows are
stacked in B-scan order (B-scan 1 at the top), each band as tall as needed for a
roughly square picture.

The viewer calls :func:`bscan_profile` as each B-scan's result comes in (it keeps only
that small array), then :func:`evidence_map` and :func:`draw_evidence_map` (the bare map,
shown in the localizer panel). The PNG that leaves the program is
:func:`evidence_figure`: the map with a title (the class, the B-scans, over the localizer
or stacked), a colour legend in words and the model line of every figure
(:func:`dida_view.render.figure.model_line`). The CLI writes it and :func:`npz_arrays` for
``--slices all``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from PIL import Image

from dida_view.catalogue import QT_TRANSLATE_NOOP
from dida_view.catalogue import render as render_message
from dida_view.catalogue.terms import term
from dida_view.errors import SettingsError
from dida_view.method.dida import DidaResult
from dida_view.model.scores import SPACE_NAMES
from dida_view.render import images as render
from dida_view.render.figure import figure_scale, legend_px, model_line
from dida_view.render.fonts import draw_text, fit_text, text_height, text_length, wrap_text
from dida_view.render.maps import class_mixed_d
from dida_view.render.scoretext import plain_number, word

# the words of the evidence map's figure, in the message catalogue
EVIDENCE_TITLE = QT_TRANSLATE_NOOP(
    "Figure", "Volume evidence map: {label} (the volume's top class), {n} B-scans")
EVIDENCE_OVER = QT_TRANSLATE_NOOP("Figure", "over the localizer: each B-scan's band along its line")
EVIDENCE_STACKED = QT_TRANSLATE_NOOP(
    "Figure", "B-scans stacked, B-scan 1 at the top (no localizer)")
EVIDENCE_SCALE = QT_TRANSLATE_NOOP(
    "Figure", "each band: that B-scan's Mixed Image of {label} summed along depth; full "
    "colour = {top} ({space} d x pixels)")
MIN_EVIDENCE_WIDTH = 560  # room for the title and legend of a small localizer


@dataclass(frozen=True, eq=False)
class EvidenceMap:
    """One row of depth-summed evidence per B-scan, for one class.

    Attributes
    ----------
    label, class_index
        The class: the volume's top class (highest mean probability over its B-scans).
    red, blue
        (B-scans, A-scans) float64: the Mixed Image's supporting (red) and opposing (blue)
        evidence summed along depth, in ``d`` x original pixels.
    slices
        The 0-based B-scan index of each row.
    score_space
        The space ``d`` is in (that of the B-scans' results).
    """

    label: str
    class_index: int
    red: np.ndarray
    blue: np.ndarray
    slices: tuple[int, ...]
    score_space: str = "score"


def bscan_profile(result: DidaResult, original_shape: tuple[int, int] | None = None
                  ) -> np.ndarray:
    """Every class's Mixed Image summed along depth: (classes, 2, width) float64.

    ``[k, 0]`` is the red (supporting) sum of class ``k`` per A-scan, ``[k, 1]`` the blue.
    Computed at the model's content height and scaled to the original's depth, so a large
    B-scan costs no more than a small one.
    """
    h, w = original_shape or tuple(result.meta.get("original_size",
                                                   (result.box.height, result.box.width)))
    rows = result.box.height
    out = np.empty((len(result.labels), 2, w), dtype=np.float64)
    for k in range(len(result.labels)):
        pos, neg = class_mixed_d(result, k, (rows, w))
        out[k, 0] = pos.sum(axis=0) * (h / rows)
        out[k, 1] = neg.sum(axis=0) * (h / rows)
    return out


def evidence_map(profiles: Sequence[np.ndarray], scores: np.ndarray, labels: Sequence[str],
                 slices: Sequence[int] | None = None, *, class_index: int | None = None,
                 score_space: str | Sequence[str] = "score") -> EvidenceMap:
    """The map of the volume's top class (or of ``class_index``).

    Parameters
    ----------
    profiles
        :func:`bscan_profile` of each B-scan, in B-scan order, all of one width.
    scores
        (B-scans, classes) probabilities of each B-scan (``result.probabilities``): the
        top class is the one of highest mean probability.
    labels
        The class names.
    slices
        0-based B-scan index of each profile (default 0, 1, ...).
    score_space
        The space of the B-scans' ``d``: one name, or one per B-scan. Rows of different
        spaces are in different units and are never stacked under one colour scale.

    Raises
    ------
    SettingsError
        No B-scans, B-scans of different widths, or of different score spaces.
    """
    if not profiles:
        raise SettingsError("evidence map: no B-scans")
    spaces = {score_space} if isinstance(score_space, str) else set(score_space)
    if len(spaces) != 1:
        raise SettingsError("evidence map: the B-scans' maps are in different score spaces "
                            f"({', '.join(sorted(spaces))}); analyse them in one space")
    score_space = spaces.pop()
    widths = {p.shape[-1] for p in profiles}
    if len(widths) != 1:
        raise SettingsError(f"evidence map: B-scans of different widths {sorted(widths)}")
    s = np.asarray(scores, dtype=np.float64).reshape(len(profiles), -1)
    k = int(np.argmax(s.mean(axis=0))) if class_index is None else int(class_index)
    stack = np.stack([p[k] for p in profiles])  # (B, 2, W)
    return EvidenceMap(label=str(labels[k]), class_index=k, red=stack[:, 0].copy(),
                       blue=stack[:, 1].copy(),
                       slices=tuple(range(len(profiles)) if slices is None else slices),
                       score_space=score_space)


def draw_evidence_map(emap: EvidenceMap, localizer=None, *, gain: float = 1.0,
                      opacity: float = 0.7) -> np.ndarray:
    """The map as uint8 RGB: over the localizer's B-scan lines when there are, else stacked.

    One colour scale for the whole map: the largest red or blue sum is full colour.
    """
    scale = max(float(emap.red.max(initial=0.0)), float(emap.blue.max(initial=0.0))) or 1e-12
    lines = getattr(localizer, "lines", ()) if localizer is not None else ()
    if localizer is not None and len(lines) and max(emap.slices) < len(lines):
        return _over_localizer(emap, localizer.image, [lines[i] for i in emap.slices],
                               scale, gain, opacity)
    n, w = emap.red.shape
    band = max(1, round(w / max(n, 1) * 0.75))
    colour = render.color_signed(emap.red, emap.blue, scale, gain)
    return render.to_uint8(np.repeat(colour, band, axis=0))


def evidence_figure(emap: EvidenceMap, localizer=None, *, gain: float = 1.0,
                    model: str | None = None, lang: str = "en") -> np.ndarray:
    """The evidence map as a picture file (uint8 RGB): :func:`draw_evidence_map` (a small
    localizer enlarged by whole pixels) under a title naming the class and the B-scans,
    with the colour legend and its scale in words, and last ``model``
    (:func:`~dida_view.render.figure.model_line`: which model, not for diagnosis); its
    words in ``lang``."""
    picture = draw_evidence_map(emap, localizer, gain=gain)
    h, w = picture.shape[:2]
    f = figure_scale(h, w)
    if f != 1.0:
        resample = Image.Resampling.NEAREST if f > 1 else Image.Resampling.BOX
        picture = np.asarray(Image.fromarray(picture).resize(
            (max(1, round(w * f)), max(1, round(h * f))), resample))
        h, w = picture.shape[:2]
    width = max(MIN_EVIDENCE_WIDTH, w)
    size = legend_px(width) + 2
    step = round(size * 1.4)
    drawn_over = bool(len(getattr(localizer, "lines", ()) if localizer is not None else ()))
    words = evidence_words(emap, drawn_over, gain=gain, model=model, lang=lang)
    title, below = ([t for line in part for t in wrap_text(line, size, width - 16)]
                    for part in words)
    head = len(title) * step + size // 2
    canvas = Image.new("RGB", (width, head + h + size * 2 + len(below) * step + size // 2),
                       (255, 255, 255))
    for i, line in enumerate(title):
        draw_text(canvas, (8, size // 3 + i * step), line, size, (20, 20, 20))
    canvas.paste(Image.fromarray(picture), ((width - w) // 2, head))
    y = head + h + size // 2
    left, right = "against", f"for {emap.label}"
    draw_text(canvas, (8, y), left, size, (0, 0, 0))
    bx = 16 + round(text_length(left, size))
    bar_w = min(240, width // 4)
    canvas.paste(Image.fromarray(render.to_uint8(render.legend_bar(bar_w, text_height(size)
                                                                   - 4))), (bx, y + 2))
    draw_text(canvas, (bx + bar_w + 8, y), fit_text(right, size, width - bx - bar_w - 16),
              size, (0, 0, 0))
    y += round(size * 1.5)
    for i, line in enumerate(below):
        draw_text(canvas, (8, y + i * step), line, size, (50, 50, 50))
    return np.asarray(canvas)


def evidence_words(emap: EvidenceMap, over_localizer: bool, *, gain: float = 1.0,
                   model: str | None = None, lang: str = "en") -> tuple[list[str], list[str]]:
    """The lines of :func:`evidence_figure` in ``lang``: (above the map, under its colour
    bar)."""
    top = max(float(emap.red.max(initial=0.0)), float(emap.blue.max(initial=0.0)))
    label = term(emap.label, lang)
    title = [EVIDENCE_TITLE.note(label=label, n=len(emap.slices)),
             EVIDENCE_OVER if over_localizer else EVIDENCE_STACKED]
    below = [EVIDENCE_SCALE.note(label=label, top=plain_number(top / gain),
                                 space=word(SPACE_NAMES, emap.score_space)),
             model or model_line(None)]
    return ([render_message(t, lang) for t in title], [render_message(t, lang) for t in below])


def _over_localizer(emap, image, lines, scale, gain, opacity) -> np.ndarray:
    base = render.as_rgb_float(np.asarray(image))
    h, w = base.shape[:2]
    red = np.zeros((h, w), np.float64)
    blue = np.zeros((h, w), np.float64)
    covered = np.zeros((h, w), bool)
    ends = np.asarray(lines, dtype=np.float64).reshape(-1, 2, 2)
    mids = ends.mean(axis=1)
    width = emap.red.shape[1]
    for i, ((x0, y0), (x1, y1)) in enumerate(ends):
        length = float(np.hypot(x1 - x0, y1 - y0))
        if length < 1e-9:
            continue
        u = np.array([x1 - x0, y1 - y0]) / length
        v = np.array([-u[1], u[0]])
        gaps = [abs(float((mids[j] - (x0, y0)) @ v)) for j in (i - 1, i + 1)
                if 0 <= j < len(ends)]
        half = max(0.5, min(gaps) / 2 if gaps else 1.0)
        corners = np.array([(x0, y0), (x1, y1)])[:, None, :] + np.array([v, -v])[None] * half
        xs0, ys0 = np.floor(corners.reshape(-1, 2).min(axis=0)).astype(int)
        xs1, ys1 = np.ceil(corners.reshape(-1, 2).max(axis=0)).astype(int) + 1
        xs0, ys0, xs1, ys1 = max(xs0, 0), max(ys0, 0), min(xs1, w), min(ys1, h)
        if xs0 >= xs1 or ys0 >= ys1:
            continue
        yy, xx = np.mgrid[ys0:ys1, xs0:xs1].astype(np.float64)
        s = (xx - x0) * u[0] + (yy - y0) * u[1]
        r = (xx - x0) * v[0] + (yy - y0) * v[1]
        inside = (s >= 0) & (s <= length) & (np.abs(r) <= half)
        col = np.clip((s / length * width).astype(int), 0, width - 1)[inside]
        red[ys0:ys1, xs0:xs1][inside] = emap.red[i][col]
        blue[ys0:ys1, xs0:xs1][inside] = emap.blue[i][col]
        covered[ys0:ys1, xs0:xs1] |= inside
    colour = render.color_signed(red, blue, scale, gain)
    out = base.copy()
    out[covered] = (1 - opacity) * base[covered] + opacity * colour[covered]
    return render.to_uint8(out)


def npz_arrays(emap: EvidenceMap, localizer=None) -> dict[str, np.ndarray]:
    """The ``<case>_evidence.npz`` export (README, "Outputs")."""
    arrays = {
        "red": emap.red, "blue": emap.blue,
        "label": np.asarray(emap.label), "class_index": np.asarray(emap.class_index),
        "slices": np.asarray([i + 1 for i in emap.slices], dtype=np.int64),
        "score_space": np.asarray(emap.score_space),
    }
    lines = getattr(localizer, "lines", ()) if localizer is not None else ()
    if len(lines):
        arrays["lines"] = np.asarray([lines[i] for i in emap.slices], dtype=np.float64)
    return arrays

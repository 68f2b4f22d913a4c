"""A case's page, made from its result: the pictures at print resolution, on disk.

:func:`make_entry` draws the original (with the clinician's diagnosis) and the top-3
classes' evidence on one colour scale (:func:`~dida_view.render.figure.figure_panels`, the
same pictures as the exported figure), writes them as PNG files into the report's working
folder at print resolution, and returns the page's :class:`~dida_view.report.html.CaseEntry`,
which holds only their file names: a report of hundreds of cases keeps one case's
pixels in memory at a time.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from dida_view.catalogue import render
from dida_view.catalogue.terms import term
from dida_view.method.dida import DidaResult
from dida_view.model.domain import HEADLINE
from dida_view.render.figure import figure_panels
from dida_view.render.maps import View
from dida_view.render.scoretext import plain_number, result_flags, shown_score
from dida_view.report.html import CaseEntry, ModelCard
from dida_view.report.text import text
from dida_view.session.reading import Reading

PANELS = 3  # the top classes shown
PRINT_PX = 1200  # long side of a picture: 0.44 of an A4 page's width at 300 dpi is ~930 px
PNG_LEVEL = 1  # the pictures are working files: fast to write (zlib level 6 took half the time)


def print_size(panel: np.ndarray, long_side: int = PRINT_PX) -> Image.Image:
    """The picture at most ``long_side`` pixels on its long side (never enlarged)."""
    im = Image.fromarray(panel)
    scale = long_side / max(im.size)
    if scale < 1:
        im = im.resize((max(1, round(im.width * scale)), max(1, round(im.height * scale))),
                       Image.Resampling.LANCZOS)
    return im


def make_entry(image: np.ndarray, result: DidaResult, reading: Reading, *, case_id: str,
               agreement: str, folder: str | Path, number: int = 0, lang: str = "en",
               view: View | None = None, card: ModelCard | None = None,
               domain_note: str = "", notes: tuple[str, ...] = ()) -> CaseEntry:
    """A case's page; its pictures are written into ``folder`` as ``<number>-<i>.png``
    (see the module). ``notes``: what the program had to assume reading the scan (its
    windowing, an ignored frame…); the result's own notes (a constant image, saturated
    probabilities) join them; all in ``lang``."""
    classes = result.top(min(PANELS, len(result.labels)))
    panels, _ = figure_panels(image, result, classes, diagnosis=reading.diagnosis or None,
                              view=view, lang=lang)
    top = tuple((result.labels[k], shown_score(result, k)) for k in classes)
    captions = [text("original", lang)] + [
        text("evidence_for", lang, label=term(label, lang), score=score) for label, score in top]
    folder = Path(folder)
    files = []
    for i, (caption, panel) in enumerate(zip(captions, panels, strict=True)):
        f = folder / f"{number:06d}-{i}.png"
        print_size(panel).save(f, format="PNG", compress_level=PNG_LEVEL)
        files.append((caption, f))
    method = text("method", lang, grids=", ".join(str(n) for n in result.grid_sizes),
                  mask=text(f"mask_{result.mask_fill}", lang, default=result.mask_fill),
                  space=text(f"space_{result.score_space}", lang, default=result.score_space))
    return CaseEntry(case_id=case_id, reading=reading, agreement=agreement, model=card,
                     top=top, images=tuple(files), method=method,
                     summary=close_call_words(result, lang), domain_note=domain_note,
                     notes=tuple(render(n, lang) for n in (*notes, *result.notes) if n),
                     atypical=atypical_words(result, lang))


def atypical_words(result: DidaResult, lang: str) -> str:
    """The domain check's headline and detail for a scan unlike the model's reference
    scans, in ``lang`` (empty when typical or unchecked)."""
    domain = result.domain
    if domain is None or domain.typical:
        return ""
    return f"{render(HEADLINE, lang)} {render(domain.note, lang)}"


def close_call_words(result: DidaResult, lang: str) -> str:
    """The close-call (or tie) sentence of a result, judged on its probabilities."""
    flags = result_flags(result)
    if not flags.close or flags.runner_up < 0:
        return ""
    a = term(result.labels[flags.leader], lang)
    b = term(result.labels[flags.runner_up], lang)
    if flags.tied(flags.leader) and flags.tied(flags.runner_up):
        return text("tie", lang, a=a, b=b)
    return text("close_call", lang, a=a, b=b, margin=plain_number(flags.margin))

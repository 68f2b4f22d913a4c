"""What a report says: per case, the pictures, the reading, the agreement; as HTML.

Pure Python + numpy + pillow. The PDF (``dida_view/report/pdf.py``, Qt) lays out the same
HTML, page by page; ``--html`` writes it with the pictures embedded as data URIs.

Nothing in a report names a patient: a case is known by an anonymous id, a hash of its
pixels (or of a DICOM SOP Instance UID, when a loader gives one), never by its file name.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
from PIL import Image

from dida_view.render import images as render
from dida_view.render.figure import figure_panels, format_score
from dida_view.render.maps import View
from dida_view.report.text import TERMS, card_text, term, text
from dida_view.session.reading import Reading

PANELS = 3  # the top classes shown


def case_id(image: np.ndarray | None = None, *, sop_instance_uid: str | None = None) -> str:
    """An anonymous, stable id: ``C-`` and 10 hex digits of a SHA-256 of the pixels (shape
    included) or of the DICOM SOP Instance UID. Two copies of one scan share an id."""
    h = hashlib.sha256()
    if sop_instance_uid:
        h.update(b"dicom-sop:" + sop_instance_uid.strip().encode())
    else:
        a = np.ascontiguousarray(image)
        h.update(repr((a.shape, a.dtype.str)).encode())
        h.update(a.tobytes())
    return "C-" + h.hexdigest()[:10]


def _norm(s: str) -> str:
    return re.sub(r"[\s_\-（）()]+", " ", s).strip().lower()


def agreement(top_label: str | None, diagnosis: str) -> str:
    """``agree``, ``disagree`` or ``not_read``: the model's top class against the
    clinician's diagnosis, matched without case, also through the Japanese terms
    (``脈絡膜新生血管`` matches ``CNV``)."""
    if not diagnosis.strip():
        return "not_read"
    if top_label is None:
        return "disagree"
    label = _norm(top_label)
    names = {label}
    if label in TERMS:
        names |= {_norm(TERMS[label]), _norm(term(top_label, "ja"))}
    return "agree" if _norm(diagnosis) in names else "disagree"


@dataclass(frozen=True)
class ModelCard:
    """The short summary of the model that each page carries (``file``: the model's file
    name; a bundled model's card is in Japanese too: :meth:`in_language`)."""

    name: str
    description: str = ""
    domain: str = ""
    trained_on: str = ""
    file: str = ""

    def in_language(self, lang: str) -> ModelCard:
        """The card in ``lang``: a bundled model's fields translated
        (:func:`dida_view.report.text.card_text`); any other model's as they are."""
        return replace(self, **{f: card_text(self.file, f, getattr(self, f), lang)
                                for f in ("description", "domain", "trained_on")})

    @classmethod
    def from_classifier(cls, classifier, path: str | Path) -> ModelCard:
        """From the model's metadata: ``name``, ``description``, ``domain``, ``trained_on``
        (or the words after "trained on" in the description)."""
        meta = getattr(classifier, "metadata", {}) or {}
        desc = str(meta.get("description") or getattr(classifier, "description", "") or "")
        trained = str(meta.get("trained_on") or meta.get("training_data") or "")
        if not trained:
            m = re.search(r"trained on (.+?)(?:\.\s|\.$|;|$)", desc, flags=re.IGNORECASE)
            trained = m.group(1).strip() if m else ""
        return cls(name=str(meta.get("name") or Path(path).stem), description=desc,
                   domain=str(meta.get("domain") or ""), trained_on=trained,
                   file=Path(path).name)


@dataclass
class CaseEntry:
    """One page of the report. ``images``: (caption, PNG bytes), the original first."""

    case_id: str
    reading: Reading
    top: list[tuple[str, str]] = field(default_factory=list)  # (label, score text)
    images: list[tuple[str, bytes]] = field(default_factory=list)
    method: str = ""
    error: str = ""

    @property
    def agreement(self) -> str:
        if self.error:
            return "failed"
        return agreement(self.top[0][0] if self.top else None, self.reading.diagnosis)


def png_bytes(a: np.ndarray) -> bytes:
    """A uint8 array as PNG bytes."""
    buf = io.BytesIO()
    Image.fromarray(a).save(buf, format="PNG", optimize=False)
    return buf.getvalue()


def legend_png(width: int = 240, height: int = 14) -> bytes:
    """The colour bar: blue (against) - black (no effect) - red (for)."""
    return png_bytes(render.to_uint8(render.legend_bar(width, height)))


def make_entry(image: np.ndarray, result, reading: Reading, *, lang: str = "en",
               view: View | None = None, cid: str | None = None) -> CaseEntry:
    """A case's page: the original (with the diagnosis on it) and the top-3 overlays on
    one colour scale (:func:`~dida_view.render.figure.figure_panels`), with their scores."""
    classes = result.top(min(PANELS, len(result.labels)))
    panels, _ = figure_panels(image, result, classes, diagnosis=reading.diagnosis or None,
                              view=view, diagnosis_prefix=text("diagnosis_prefix", lang))
    top = [(result.labels[k], format_score(float(result.scores[k]), result.score_space))
           for k in classes]
    images = [(text("original", lang), png_bytes(panels[0]))]
    images += [(text("evidence_for", lang, label=term(lab, lang), score=s), png_bytes(p))
               for (lab, s), p in zip(top, panels[1:], strict=True)]
    method = text("method", lang, grids=", ".join(str(n) for n in result.grid_sizes),
                  mask=text(f"mask_{result.mask_fill}", lang, default=result.mask_fill),
                  space=text(f"space_{result.score_space}", lang, default=result.score_space))
    return CaseEntry(case_id=cid or case_id(image), reading=reading, top=top, images=images,
                     method=method)


# -- HTML --------------------------------------------------------------------------------
def _e(s: str) -> str:
    return html.escape(s, quote=True)


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _verdict(entry: CaseEntry, lang: str) -> str:
    return text({"agree": "agree", "disagree": "disagree", "not_read": "not_read",
                 "failed": "failed"}[entry.agreement], lang)


def cover_html(entries: list[CaseEntry], card: ModelCard, date: str, lang: str) -> str:
    """The cover page: every case with the model's top class, the clinician's diagnosis
    and whether they agree."""
    head = "".join(f"<th align='left'>{_e(text(k, lang))}</th>"
                   for k in ("case_id", "model_top", "score", "clinician", "agreement"))
    rows = []
    for i, e in enumerate(entries, 1):
        label, score = (term(e.top[0][0], lang), e.top[0][1]) if e.top else ("—", "")
        colour = {"agree": "#1a7f37", "disagree": "#b42318"}.get(e.agreement, "#555555")
        rows.append(
            f"<tr><td>{i}. {_e(e.case_id)}</td><td>{_e(label)}</td><td>{_e(score)}</td>"
            f"<td>{_e(term(e.reading.diagnosis, lang) or '—')}</td>"
            f"<td><font color='{colour}'><b>{_e(_verdict(e, lang))}</b></font></td></tr>")
    return (
        f"<h1>{_e(text('title', lang))}</h1>"
        f"<p>{_e(text('cover_intro', lang, n=len(entries), model=card.name, date=date))}</p>"
        f"<table width='100%' cellspacing='0' cellpadding='5' border='1' "
        f"style='border-collapse: collapse; border-color: #999999'>"
        f"<tr bgcolor='#eeeeee'>{head}</tr>{''.join(rows)}</table>"
        f"{_model_html(card, lang)}{_disclaimer(lang)}")


def _model_html(card: ModelCard, lang: str) -> str:
    card = card.in_language(lang)
    parts = [f"<b>{_e(text('model_title', lang))}:</b> {_e(card.name)}"]
    if card.domain:
        parts.append(_e(card.domain))
    if card.description:
        parts.append(_e(card.description))
    if card.trained_on:
        parts.append(_e(text("trained_on", lang, what=card.trained_on)))
    return f"<p>{parts[0]} — {' '.join(parts[1:])}</p>" if len(parts) > 1 else (
        f"<p>{parts[0]}</p>")


def _disclaimer(lang: str) -> str:
    return (f"<p align='center' style='font-size: large'><font color='#b42318'><b>"
            f"{_e(text('disclaimer', lang))}</b></font></p>")


def case_html(entry: CaseEntry, card: ModelCard, date: str, lang: str, *,
              src: dict[str, str], image_width: int, legend_width: int) -> str:
    """One case's page. ``src`` maps ``img0`` ... ``img3`` and ``legend`` to what the
    ``<img>`` tags point at (a data URI, a file name, or a Qt resource name)."""
    title = (f"<h2>{_e(text('case', lang))} {_e(entry.case_id)}</h2>"
             f"<p>{_e(text('date', lang))}: {_e(date)}</p>")
    if entry.error:
        return (title + f"<p><font color='#b42318'><b>"
                f"{_e(text('error', lang, why=entry.error))}</b></font></p>"
                + _model_html(card, lang) + _disclaimer(lang))
    cells = [f"<td align='center' valign='top'><img src='{_e(src[f'img{i}'])}' "
             f"width='{image_width}'><br>{_e(cap)}</td>"
             for i, (cap, _) in enumerate(entry.images)]
    rows = "".join(f"<tr>{''.join(cells[i:i + 2])}</tr>" for i in range(0, len(cells), 2))
    grid = f"<table width='100%' cellspacing='6' cellpadding='0'>{rows}</table>"
    legend = (f"<p><b>{_e(text('legend_title', lang))}</b><br>"
              f"{_e(text('legend_against', lang))} "
              f"<img src='{_e(src['legend'])}' width='{legend_width}'> "
              f"{_e(text('legend_for', lang))}<br>{_e(text('legend', lang))}<br>"
              f"<font color='#555555'>{_e(entry.method)}</font></p>")
    r = entry.reading
    if r.empty:
        reading = f"<p><b>{_e(text('reading_title', lang))}:</b> {_e(text('no_reading', lang))}"
    else:
        reading = (f"<p><b>{_e(text('reading_title', lang))}:</b> "
                   f"{_e(term(r.diagnosis, lang) or '—')}")
        if r.note.strip():
            note = _e(r.note.strip()).replace("\n", "<br>")
            reading += f"<br><b>{_e(text('note', lang))}:</b> {note}"
    line = {"agree": "agree_line", "disagree": "disagree_line"}.get(entry.agreement,
                                                                      "unread_line")
    reading += f"<br><i>{_e(text(line, lang))}</i></p>"
    return title + grid + legend + reading + _model_html(card, lang) + _disclaimer(lang)


def html_document(entries: list[CaseEntry], card: ModelCard, date: str, lang: str) -> str:
    """The whole report as one HTML file (pictures as data URIs; a page break before each
    case when printed)."""
    font = "'DiDA Noto Sans JP', 'Noto Sans CJK JP', sans-serif" if lang == "ja" else (
        "sans-serif")
    pages = [cover_html(entries, card, date, lang)]
    legend = data_uri(legend_png())
    for e in entries:
        src = {f"img{i}": data_uri(png) for i, (_, png) in enumerate(e.images)}
        src["legend"] = legend
        pages.append(case_html(e, card, date, lang, src=src, image_width=340,
                               legend_width=240))
    body = "".join(f"<section style='page-break-before: always'>{p}</section>"
                   if i else f"<section>{p}</section>" for i, p in enumerate(pages))
    return (f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'>"
            f"<title>{_e(text('title', lang))}</title><style>body {{ font-family: {font}; "
            f"max-width: 760px; margin: 2em auto; }} img {{ max-width: 100%; }}</style>"
            f"</head><body>{body}</body></html>")

"""What a report says, as HTML: the cover page, a case's page, the model card.

Pure Python (no Qt): the PDF writer (:mod:`dida_view.report.pdf`) lays out these same
pages one at a time; :func:`write_html` writes them as one handout, the pictures embedded.
A report names a case by its anonymous case id (:mod:`dida_view.session.names`), never by
its file name, and never prints a path. Pictures stay on disk until their page is written,
so memory does not grow with the number of cases.
"""

from __future__ import annotations

import base64
import html
import io
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
from PIL import Image

from dida_view.catalogue.terms import term
from dida_view.render import images as render
from dida_view.report.text import card_text, text
from dida_view.session.labels import AGREE, DISAGREE, NOT_READ
from dida_view.session.reading import Reading

FAILED = "failed"


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


@dataclass(frozen=True)
class CaseEntry:
    """One page of the report, without its pictures' pixels.

    Attributes
    ----------
    case_id
        The case's anonymous id.
    reading
        The clinician's reading, as the session holds it.
    agreement
        ``agree``, ``disagree``, ``not_read`` (the session's rule) or ``failed``.
    model
        The card of the model that read the case.
    top
        (label, probability as text) of the classes shown, best first.
    images
        (caption, PNG file) of the pictures, the original first (files in the report's
        working folder, written by :func:`dida_view.report.pages.make_entry`).
    method, summary, domain_note, error
        The method line, the close-call sentence, the domain note (each ``""`` when there
        is none), and why the case could not be analysed.
    """

    case_id: str
    reading: Reading
    agreement: str
    model: ModelCard | None = None
    top: tuple[tuple[str, str], ...] = ()
    images: tuple[tuple[str, Path], ...] = ()
    method: str = ""
    summary: str = ""
    domain_note: str = ""
    atypical: str = ""  # the domain check's headline and detail, for a scan unlike the
    # model's reference scans (empty: typical, or no check)
    error: str = ""
    notes: tuple[str, ...] = field(default=())


def png_bytes(a: np.ndarray) -> bytes:
    """A uint8 array as PNG bytes."""
    buf = io.BytesIO()
    Image.fromarray(a).save(buf, format="PNG", optimize=False)
    return buf.getvalue()


def legend_png(width: int = 240, height: int = 14) -> bytes:
    """The colour bar: blue (against) - black (no effect) - red (for)."""
    return png_bytes(render.to_uint8(render.legend_bar(width, height)))


def _e(s: str) -> str:
    return html.escape(s, quote=True)


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


VERDICT = {AGREE: "agree", DISAGREE: "disagree", NOT_READ: "not_read", FAILED: "failed"}
COLOUR = {AGREE: "#1a7f37", DISAGREE: "#b42318"}


def cover_html(entries: list[CaseEntry], cards: list[ModelCard], date: str,
               lang: str) -> str:
    """The cover page: every case with the model's top class and its probability, the
    clinician's diagnosis and whether they agree (▲ after a case unlike the model's
    reference scans, said under the table); the models' cards."""
    head = "".join(f"<th align='left'>{_e(text(k, lang))}</th>"
                   for k in ("case_id", "model_top", "score", "clinician", "agreement"))
    rows = []
    for i, e in enumerate(entries, 1):
        label, score = (term(e.top[0][0], lang), e.top[0][1]) if e.top else ("—", "")
        colour = COLOUR.get(e.agreement, "#555555")
        rows.append(
            f"<tr><td>{i}. {_e(e.case_id)}{' ▲' if e.atypical else ''}</td><td>{_e(label)}</td>"
            f"<td>{_e(score)}</td>"
            f"<td>{_e(term(e.reading.diagnosis, lang) or '—')}</td>"
            f"<td><font color='{colour}'><b>{_e(text(VERDICT[e.agreement], lang))}</b>"
            f"</font></td></tr>")
    names = ", ".join(c.name for c in cards) or "—"
    return (
        f"<h1>{_e(text('title', lang))}</h1>"
        f"<p>{_e(text('cover_intro', lang, n=len(entries), model=names, date=date))}</p>"
        f"<table width='100%' cellspacing='0' cellpadding='5' border='1' "
        f"style='border-collapse: collapse; border-color: #999999'>"
        f"<tr bgcolor='#eeeeee'>{head}</tr>{''.join(rows)}</table>"
        + (f"<p>▲ {_e(text('atypical_key', lang))}</p>" if any(e.atypical for e in entries)
           else "")
        + f"{''.join(model_html(c, lang) for c in cards)}{_disclaimer(lang)}")


def model_html(card: ModelCard | None, lang: str) -> str:
    """The model card as one paragraph, in ``lang`` where its words are known."""
    if card is None:
        return ""
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


def _warning(words: str) -> str:
    return f"<p><font color='#b42318'><b>{_e(words)}</b></font></p>" if words else ""


def case_html(entry: CaseEntry, date: str, lang: str, *, src: dict[str, str],
              image_width: int, legend_width: int) -> str:
    """One case's page. ``src`` maps ``img0`` ... ``img3`` and ``legend`` to what the
    ``<img>`` tags point at (a data URI, a file name, or a Qt resource name)."""
    title = (f"<h2>{_e(text('case', lang))} {_e(entry.case_id)}</h2>"
             f"<p>{_e(text('date', lang))}: {_e(date)}</p>")
    if entry.error:
        return (title + _warning(text("error", lang, why=entry.error))
                + model_html(entry.model, lang) + _disclaimer(lang))
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
    summary = f"<p><b>{_e(entry.summary)}</b></p>" if entry.summary else ""
    notes = "".join(f"<br><font color='#b35900'>{_e(text('program_note', lang))}: {_e(n)}"
                    "</font>" for n in entry.notes)
    if notes:
        legend = legend[:-len("</p>")] + notes + "</p>"
    return (title + _warning(entry.domain_note) + _warning(entry.atypical) + grid + summary
            + legend
            + reading_html(entry, lang) + model_html(entry.model, lang) + _disclaimer(lang))


def reading_html(entry: CaseEntry, lang: str) -> str:
    """The clinician's reading and whether the model agrees."""
    r = entry.reading
    if r.empty:
        out = f"<p><b>{_e(text('reading_title', lang))}:</b> {_e(text('no_reading', lang))}"
    else:
        out = (f"<p><b>{_e(text('reading_title', lang))}:</b> "
               f"{_e(term(r.diagnosis, lang) or '—')}")
        if r.note.strip():
            note = _e(r.note.strip()).replace("\n", "<br>")
            out += f"<br><b>{_e(text('note', lang))}:</b> {note}"
    line = {AGREE: "agree_line", DISAGREE: "disagree_line"}.get(entry.agreement,
                                                                "unread_line")
    return out + f"<br><i>{_e(text(line, lang))}</i></p>"


def models_of(entries: list[CaseEntry]) -> list[ModelCard]:
    """The distinct model cards of the entries, in order."""
    out: list[ModelCard] = []
    for e in entries:
        if e.model is not None and e.model not in out:
            out.append(e.model)
    return out


HEAD = ("<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'><title>{title}"
        "</title><style>{face}body {{ font-family: {font}; max-width: 760px; margin: 2em auto; }} "
        "img {{ max-width: 100%; }}</style></head><body>")


def font_face(lang: str) -> tuple[str, str]:
    """The CSS ``@font-face`` that puts the bundled Japanese font inside a page (a data
    URI, about 1 MB: a self-contained page must not depend on the reader's fonts; without
    one, Japanese is drawn as boxes), and the ``font-family`` list to use. English pages
    take the reader's sans-serif and embed nothing."""
    from dida_view.render.fonts import FAMILY, bundled_font_path

    if lang != "ja":
        return "", "sans-serif"
    family = f"'{FAMILY}', 'Noto Sans CJK JP', sans-serif"
    path = bundled_font_path()
    if path is None:
        return "", family
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return (f"@font-face {{ font-family: '{FAMILY}'; src: url(data:font/otf;base64,{data}) "
            "format('opentype'); } ", family)


def write_html(out, entries: list[CaseEntry], date: str, lang: str) -> None:
    """Write the whole report as one HTML file to the text stream ``out``: the pictures
    as data URIs, a page break before each case when printed; one case's pictures in
    memory at a time."""
    face, font = font_face(lang)
    out.write(HEAD.format(lang=lang, title=_e(text("title", lang)), font=font, face=face))
    out.write(f"<section>{cover_html(entries, models_of(entries), date, lang)}</section>")
    legend = data_uri(legend_png())
    for e in entries:
        src = {f"img{i}": data_uri(Path(p).read_bytes()) for i, (_, p) in enumerate(e.images)}
        src["legend"] = legend
        page = case_html(e, date, lang, src=src, image_width=340, legend_width=240)
        out.write(f"<section style='page-break-before: always'>{page}</section>")
    out.write("</body></html>")

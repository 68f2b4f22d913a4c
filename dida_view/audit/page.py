"""``audit.html``: the cohort audit as one self-contained page a committee can open.

Pure Python (no Qt): the charts come in as PNG bytes (:mod:`dida_view.report.charts`
paints them), the mean Mixed Images and the cases' figures are drawn here with the
project's renderer, and every picture is embedded as a data URI. Cases are named by their
anonymous ids; no path is printed. Sections: the summary; the confusion matrix against the
readings; the mean Mixed Image per class; the evidence shares; the scans the
domain check calls atypical; the 20 strongest disagreements and the 20 highest shortcut
shares, each with its figure; the model card
and "not for diagnosis".
"""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from PIL import Image

from dida_view.audit import text as T
from dida_view.audit.summary import (
    DISCLAIMER,
    LISTED,
    SHORTCUT_FLOOR,
    highest_shortcuts,
    reading_class,
    strongest_disagreements,
)
from dida_view.catalogue import render as render_message
from dida_view.catalogue import say
from dida_view.method.dida import DidaResult
from dida_view.model.scores import SPACE_NAMES as SPACES
from dida_view.render import images as render
from dida_view.render.figure import assemble_figure, figure_panels
from dida_view.render.scoretext import MASKS, plain_number, unit_words
from dida_view.report.html import ModelCard, font_face, model_html

FIGURE_WIDTH = 1100  # a listed case's figure, at most this wide (JPEG)
MEAN_SIDE = 384  # a mean Mixed Image, enlarged by whole pixels to about this long side
MEAN_OPACITY = 0.7  # the mean Mixed Image over the mean scan



@dataclass
class Pictures:
    """The page's pictures: PNG bytes of the charts, (label, PNG, caption) of the mean
    Mixed Images, and case id -> JPEG bytes (or None) of the listed cases' figures."""

    confusion: bytes = b""
    histograms: bytes = b""
    means: list[tuple[str, bytes, str]] = field(default_factory=list)
    means_note: str = ""
    figures: dict[str, bytes | None] = field(default_factory=dict)


def _e(s) -> str:
    return html.escape(str(s), quote=True)


def data_uri(data: bytes, kind: str = "png") -> str:
    return f"data:image/{kind};base64," + base64.b64encode(data).decode("ascii")


def png_bytes(a: np.ndarray) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(a).save(buf, format="PNG")
    return buf.getvalue()


def mean_pictures(means: dict[str, tuple], space: str = "", lang: str = "en"
                  ) -> tuple[list[tuple[str, bytes, str]], str]:
    """The mean Mixed Images (label -> (red, blue, scans, mean picture or None)), each on
    its own colour scale (a mean spreads what single scans have in different places: on
    one scale the faintest class would be black), beside itself laid over the mean picture
    of its scans, enlarged by whole pixels; and the note saying how to read them."""
    unit = render_message(unit_words(space or "score"), lang)
    out = []
    for label, (pos, neg, count, picture) in means.items():
        top = float(max(pos.max(), neg.max()))
        mixed = render.color_signed(pos, neg, top if top > 0 else 1e-12)
        shown = [render.to_uint8(mixed)]
        if picture is not None:
            grey = np.clip(np.rint(picture), 0, 255).astype(np.uint8)
            shown.append(render.overlay(grey, mixed, MEAN_OPACITY))
        f = max(1, MEAN_SIDE // max(pos.shape))
        gap = np.full((pos.shape[0], max(1, 8 // f), 3), 255, np.uint8)
        row = np.concatenate([shown[0], *([gap, shown[1]] if len(shown) > 1 else [])], axis=1)
        big = np.repeat(np.repeat(row, f, axis=0), f, axis=1)
        words = say(T.MEANS_CAPTION_ONE if count == 1 else T.MEANS_CAPTION, lang,
                    count=count, value=plain_number(top), unit=unit)
        out.append((label, png_bytes(big), words))
    return out, say(T.MEANS_NOTE, lang)


def figure_classes(result: DidaResult, reading: str | None) -> list[int]:
    """The classes a listed case's figure shows: the model's top class, then the class the
    reading names when it is another, else the runner-up."""
    top = result.top(2)
    read = reading_class(reading, result.labels)
    if read is not None and read != top[0]:
        return [top[0], read]
    return top


def case_figure(image: np.ndarray, result: DidaResult, reading: str | None, line: str,
                lang: str = "en") -> bytes:
    """A listed case's figure (the paper's layout, its model line last) as JPEG bytes, at
    most :data:`FIGURE_WIDTH` wide."""
    classes = figure_classes(result, reading)
    im = Image.fromarray(np.asarray(image))
    wide = (FIGURE_WIDTH - 12 * len(classes)) // (len(classes) + 1)  # a panel's width
    if im.width > wide:  # reduced first, so that the captions keep their size
        im = im.resize((wide, max(1, round(im.height * wide / im.width))),
                       Image.Resampling.LANCZOS)
    panels, scale = figure_panels(np.asarray(im), result, classes, diagnosis=reading,
                                  lang=lang)
    fig = Image.fromarray(assemble_figure(panels, result, scale, model=line, lang=lang))
    if fig.width > FIGURE_WIDTH:
        fig = fig.resize((FIGURE_WIDTH, max(1, round(fig.height * FIGURE_WIDTH / fig.width))),
                         Image.Resampling.LANCZOS)
    buf = io.BytesIO()
    fig.convert("RGB").save(buf, format="JPEG", quality=85)
    return buf.getvalue()


STYLE = ("body{max-width:1150px;margin:2em auto;color:#222;"
         "padding:0 1em}table{border-collapse:collapse}td,th{border:1px solid #bbb;"
         "padding:3px 8px;text-align:left}th{background:#eee}.num{text-align:right}"
         ".warn{color:#b42318;font-weight:bold}.muted{color:#666}.means{display:flex;"
         "flex-wrap:wrap;gap:14px}.means figure{margin:0;width:560px}figure img{max-width:100%}"
         ".case{margin:1.2em 0 2em}img{image-rendering:auto}")


def _pct(v) -> str:
    return "—" if v is None else f"{100 * float(v):.1f} %"


def _summary_table(s: dict, lang: str) -> str:
    values = {k: s[k] for k in ("cases", "analysed", "failed", "skipped", "agree", "disagree",
                                "unread", "close_calls")}
    values["accuracy"] = _pct(s["accuracy"])
    values["atypical"] = say(T.NOT_CHECKED, lang) if s["atypical"] is None else \
        say(T.CHECKED, lang, atypical=s["atypical"], checked=s["domain_checked"])
    body = "".join(f"<tr><th>{_e(say(label, lang))}</th><td class='num'>{_e(values[k])}</td>"
                   "</tr>" for k, label in T.SUMMARY_ROWS.items())
    return f"<table>{body}</table>"


def _head(labels, lang: str) -> str:
    return "<tr>" + "".join(f"<th>{_e(say(x, lang))}</th>" for x in labels) + "</tr>"


def _per_class(s: dict, lang: str) -> str:
    rows = "".join(
        f"<tr><td>{_e(lab)}</td><td class='num'>{c['top']}</td><td class='num'>"
        f"{c['agree']}</td><td class='num'>{c['disagree']}</td><td class='num'>"
        f"{_pct(c['mean_bands'])}</td><td class='num'>{_pct(c['mean_border'])}</td></tr>"
        for lab, c in s["per_class"].items())
    return f"<table>{_head(T.PER_CLASS_HEAD, lang)}{rows}</table>"


def _atypical(records: list[dict], lang: str = "en") -> str:
    """The scans the domain check calls unlike the model's reference scans, least like
    them first (at most :data:`LISTED`)."""
    odd = sorted((r for r in records if (r.get("domain_check") or {}).get("typical") is False),
                 key=lambda r: -float(r["domain_check"].get("score", 0.0)))
    if not odd:
        return f"<p class='muted'>{_e(say(T.NONE, lang))}</p>"
    ref = odd[0]["domain_check"].get("reference", "")
    rows = "".join(
        f"<tr><td>{_e(r['case'])}</td><td class='num'>{_e(r.get('slice') or '')}</td>"
        f"<td>{_e(r['top'])} {r['top_probability']:.3f}</td><td>{_e(r.get('reading') or '—')}"
        f"</td><td class='num'>{float(r['domain_check'].get('score', 0.0)):.1f}</td>"
        f"<td class='num'>{float(r['domain_check'].get('percentile', 0.0)):.1f} %</td></tr>"
        for r in odd[:LISTED])
    more = f"<p class='muted'>{_e(say(T.MORE, lang, count=len(odd) - LISTED))}</p>" \
        if len(odd) > LISTED else ""
    return (f"<p>{_e(say(T.ATYPICAL_NOTE, lang, reference=ref))}</p><table>"
            f"{_head(T.ATYPICAL_HEAD, lang)}{rows}</table>{more}")


def _case_block(i: int, r: dict, figure: bytes | None, lang: str = "en") -> str:
    ev = r.get("evidence") or {}
    areas = ev.get("areas") or {}
    labels = list(r.get("probabilities", {}))
    k = reading_class(r.get("reading"), labels)
    read_p = f", {labels[k]} {r['probabilities'][labels[k]]:.3f}" if k is not None and \
        labels[k] != r["top"] else ""
    where = say(T.WHERE, lang, index=r["slice"], count=r["slices"]) if r.get("slice") else ""
    agreement = T.AGREEMENT.get(r.get("agreement") or "")
    line = say(T.CASE_LINE, lang, top=r["top"], probability=f"{r['top_probability']:.3f}",
               reading_class=read_p, close=say(T.CLOSE, lang) if r.get("close_call") else "",
               reading=r.get("reading") or "—",
               agreement=say(agreement, lang) if agreement else "—",
               bands=_pct(ev.get("bands")), area=_pct(areas.get("bands")),
               border=_pct(ev.get("border")))
    alt = say(T.ALT["figure"], lang, case=r["case"])
    pic = f"<img src='{data_uri(figure, 'jpeg')}' alt='{_e(alt)}'>" if figure else \
        f"<p class='muted'>{_e(say(T.NO_FIGURE, lang))}</p>"
    return (f"<div class='case'><p><b>{i}. {_e(r['case'])}</b>{_e(where)}: {_e(line)}</p>"
            f"<figure>{pic}</figure></div>")


def write_audit_html(out, summary: dict, records: list[dict], pictures: Pictures,
                     card: ModelCard | None, lang: str = "en") -> None:
    """Write the page to the text stream ``out`` (see the module), its words in ``lang``."""
    st = summary.get("settings", {})
    model = summary.get("model", {}).get("file", "the model")
    w = out.write
    title = _e(say(T.TITLE, lang))
    face, family = font_face(lang)  # the Japanese font inside the page
    w(f"<!DOCTYPE html><html lang='{_e(lang)}'><head><meta charset='utf-8'><title>{title}"
      f"</title><style>{face}body{{font-family:{family}}}{STYLE}</style></head><body>")
    space = st.get("score_space", "")
    intro = say(T.INTRO_ONE if summary["cases"] == 1 else T.INTRO, lang,
                units=summary["cases"], model=model,
                grids=", ".join(str(n) for n in st.get("grids", [])),
                mask=render_message(MASKS.get(st.get("mask", ""), st.get("mask", "")), lang),
                space=render_message(SPACES.get(space, space), lang),
                date=date.today().isoformat())
    disclaimer = _e(render_message(DISCLAIMER, lang))
    w(f"<h1>{title}</h1><p>{_e(intro)}</p><p class='warn'>{disclaimer}</p>")
    if st.get("score_space_note"):
        w(f"<p class='muted'>{_e(render_message(st['score_space_note'], lang))}</p>")
    h = {k: _e(say(v, lang, count=LISTED, floor=f"{100 * SHORTCUT_FLOOR:.0f}"))
         for k, v in T.HEADINGS.items()}
    w(f"<h2>{h['summary']}</h2>{_summary_table(summary, lang)}")
    w(f"<h2>{h['agreement']}</h2><p>{_e(say(T.CONFUSION_NOTE, lang))}</p>")
    if pictures.confusion:
        w(f"<img src='{data_uri(pictures.confusion)}' alt='{_e(say(T.ALT['confusion'], lang))}'>")
    w(f"<h2>{h['means']}</h2><p>{_e(pictures.means_note)}</p><div class='means'>")
    for label, png, caption in pictures.means:
        alt = _e(say(T.ALT["mean"], lang, label=label))
        w(f"<figure><img src='{data_uri(png)}' alt='{alt}'>"
          f"<figcaption><b>{_e(label)}</b>: {_e(caption)}</figcaption></figure>")
    w(f"</div><h2>{h['shares']}</h2><p>{_e(say(T.SHARES_NOTE, lang))}</p>")
    if pictures.histograms:
        alt = _e(say(T.ALT["histograms"], lang))
        w(f"<img src='{data_uri(pictures.histograms)}' alt='{alt}'>")
    w(f"<h3>{h['by_class']}</h3>{_per_class(summary, lang)}")
    if summary.get("atypical") is not None:
        w(f"<h2>{h['atypical']}</h2>{_atypical(records, lang)}")
    for key, chosen in (("disagreements", strongest_disagreements(records)),
                        ("shortcuts", highest_shortcuts(records))):
        w(f"<h2>{h[key]}</h2>")
        if not chosen:
            w(f"<p class='muted'>{_e(say(T.NONE, lang))}</p>")
        for i, r in enumerate(chosen, 1):
            w(_case_block(i, r, pictures.figures.get(r["case"]), lang))
    w(f"<h2>{h['model']}</h2>{model_html(card, lang)}")
    w(f"<p class='warn' style='text-align:center'>{disclaimer}</p></body></html>")

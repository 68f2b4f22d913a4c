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

from dida_view.audit.summary import (
    DISCLAIMER,
    LISTED,
    SHORTCUT_FLOOR,
    highest_shortcuts,
    reading_class,
    strongest_disagreements,
)
from dida_view.method.dida import DidaResult
from dida_view.render import images as render
from dida_view.render.figure import assemble_figure, figure_panels
from dida_view.render.scoretext import plain_number, unit_words
from dida_view.report.html import ModelCard, model_html

FIGURE_WIDTH = 1100  # a listed case's figure, at most this wide (JPEG)
MEAN_SIDE = 384  # a mean Mixed Image, enlarged by whole pixels to about this long side
MEAN_OPACITY = 0.7  # the mean Mixed Image over the mean scan

TITLE = "DiDA View cohort audit"
INTRO = ("{units} cases or B-scans, read by {model} (grids {grids}, {mask} mask, maps in "
         "{space}); made on {date}.")
MEANS_NOTE = ("The mean, over the scans the model called this class, of that class's Mixed "
              "Image on the model's input (the scan letterboxed as the model sees it), and "
              "the same laid over the mean of those scans: red where masking lowered the "
              "class's score on average, blue where it raised it. Each class on its own "
              "colour scale, given under it: compare where, not how bright.")
SHARES_NOTE = (
    "The share of the top class's positive evidence (the red of its Mixed Image, on the "
    "pixels a mask changes) that lies in each region. Near-constant bands: runs of at least "
    "5 % of the scan's width (height) whose grey values stay within 4 levels, found on the "
    "original (export bands, registration wedges, text bars). Border: the outer 10 % of "
    "the scan on each side (36 % of its area: evenly spread evidence would put 36 % there). "
    "Padding: never masked by DiDA, so never measured; reliance on where the scan ends "
    "shows in the border.")
CONFUSION_NOTE = ("Rows: the clinician's reading (the model class it names; 'other' when it "
                  "names none). Columns: the model's top class. The diagonal is agreement.")
ATYPICAL_NOTE = ("The domain check compares each scan's features inside the model with "
                 "those of its reference scans ({reference}). A scan further from them than "
                 "most of the held-out reference scans is outside the model's experience: "
                 "its answer and its evidence may not mean much.")
NO_FIGURE = "figure not available: the scan or its stored result could not be read again"


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


def mean_pictures(means: dict[str, tuple], space: str = ""
                  ) -> tuple[list[tuple[str, bytes, str]], str]:
    """The mean Mixed Images (label -> (red, blue, scans, mean picture or None)), each on
    its own colour scale (a mean spreads what single scans have in different places: on
    one scale the faintest class would be black), beside itself laid over the mean picture
    of its scans, enlarged by whole pixels; and the note saying how to read them."""
    unit = unit_words(space or "score")
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
        words = f"{count} scan{'s' if count != 1 else ''}; full colour {plain_number(top)} {unit}"
        out.append((label, png_bytes(big), words))
    return out, MEANS_NOTE


def figure_classes(result: DidaResult, reading: str | None) -> list[int]:
    """The classes a listed case's figure shows: the model's top class, then the class the
    reading names when it is another, else the runner-up."""
    top = result.top(2)
    read = reading_class(reading, result.labels)
    if read is not None and read != top[0]:
        return [top[0], read]
    return top


def case_figure(image: np.ndarray, result: DidaResult, reading: str | None, line: str) -> bytes:
    """A listed case's figure (the paper's layout, its model line last) as JPEG bytes, at
    most :data:`FIGURE_WIDTH` wide."""
    classes = figure_classes(result, reading)
    im = Image.fromarray(np.asarray(image))
    wide = (FIGURE_WIDTH - 12 * len(classes)) // (len(classes) + 1)  # a panel's width
    if im.width > wide:  # reduced first, so that the captions keep their size
        im = im.resize((wide, max(1, round(im.height * wide / im.width))),
                       Image.Resampling.LANCZOS)
    panels, scale = figure_panels(np.asarray(im), result, classes, diagnosis=reading)
    fig = Image.fromarray(assemble_figure(panels, result, scale, model=line))
    if fig.width > FIGURE_WIDTH:
        fig = fig.resize((FIGURE_WIDTH, max(1, round(fig.height * FIGURE_WIDTH / fig.width))),
                         Image.Resampling.LANCZOS)
    buf = io.BytesIO()
    fig.convert("RGB").save(buf, format="JPEG", quality=85)
    return buf.getvalue()


STYLE = ("body{font-family:sans-serif;max-width:1150px;margin:2em auto;color:#222;"
         "padding:0 1em}table{border-collapse:collapse}td,th{border:1px solid #bbb;"
         "padding:3px 8px;text-align:left}th{background:#eee}.num{text-align:right}"
         ".warn{color:#b42318;font-weight:bold}.muted{color:#666}.means{display:flex;"
         "flex-wrap:wrap;gap:14px}.means figure{margin:0;width:560px}figure img{max-width:100%}"
         ".case{margin:1.2em 0 2em}img{image-rendering:auto}")


def _pct(v) -> str:
    return "—" if v is None else f"{100 * float(v):.1f} %"


def _summary_table(s: dict) -> str:
    rows = [("Cases or B-scans in the set", s["cases"]), ("Analysed", s["analysed"]),
            ("Failed", s["failed"]), ("Skipped (already in cases.jsonl)", s["skipped"]),
            ("Agree with the reading", s["agree"]), ("Disagree", s["disagree"]),
            ("Not read (no diagnosis)", s["unread"]),
            ("Accuracy (agree / read)", _pct(s["accuracy"])),
            ("Close calls", s["close_calls"]),
            ("Atypical scans (domain check)", "not checked: the model has no reference "
             "scans" if s["atypical"] is None else
             f"{s['atypical']} of {s['domain_checked']} checked")]
    body = "".join(f"<tr><th>{_e(k)}</th><td class='num'>{_e(v)}</td></tr>" for k, v in rows)
    return f"<table>{body}</table>"


def _per_class(s: dict) -> str:
    head = ("<tr><th>Model's top class</th><th>scans</th><th>agree</th><th>disagree</th>"
            "<th>mean bands share</th><th>mean border share</th></tr>")
    rows = "".join(
        f"<tr><td>{_e(lab)}</td><td class='num'>{c['top']}</td><td class='num'>"
        f"{c['agree']}</td><td class='num'>{c['disagree']}</td><td class='num'>"
        f"{_pct(c['mean_bands'])}</td><td class='num'>{_pct(c['mean_border'])}</td></tr>"
        for lab, c in s["per_class"].items())
    return f"<table>{head}{rows}</table>"


def _atypical(records: list[dict]) -> str:
    """The scans the domain check calls unlike the model's reference scans, least like
    them first (at most :data:`LISTED`)."""
    odd = sorted((r for r in records if (r.get("domain_check") or {}).get("typical") is False),
                 key=lambda r: -float(r["domain_check"].get("score", 0.0)))
    if not odd:
        return "<p class='muted'>None.</p>"
    ref = odd[0]["domain_check"].get("reference", "")
    head = ("<tr><th>Case</th><th>B-scan</th><th>model's top class</th><th>reading</th>"
            "<th>score</th><th>reference scans scoring lower</th></tr>")
    rows = "".join(
        f"<tr><td>{_e(r['case'])}</td><td class='num'>{_e(r.get('slice') or '')}</td>"
        f"<td>{_e(r['top'])} {r['top_probability']:.3f}</td><td>{_e(r.get('reading') or '—')}"
        f"</td><td class='num'>{float(r['domain_check'].get('score', 0.0)):.1f}</td>"
        f"<td class='num'>{float(r['domain_check'].get('percentile', 0.0)):.1f} %</td></tr>"
        for r in odd[:LISTED])
    more = f"<p class='muted'>and {len(odd) - LISTED} more in cases.jsonl.</p>" \
        if len(odd) > LISTED else ""
    return (f"<p>{_e(ATYPICAL_NOTE.format(reference=ref))}</p><table>{head}{rows}</table>"
            f"{more}")


def _case_block(i: int, r: dict, figure: bytes | None) -> str:
    ev = r.get("evidence") or {}
    areas = ev.get("areas") or {}
    labels = list(r.get("probabilities", {}))
    k = reading_class(r.get("reading"), labels)
    read_p = f", {labels[k]} {r['probabilities'][labels[k]]:.3f}" if k is not None and \
        labels[k] != r["top"] else ""
    where = f" (B-scan {r['slice']} of {r['slices']})" if r.get("slice") else ""
    close = " — close call" if r.get("close_call") else ""
    line = (f"<b>{i}. {_e(r['case'])}</b>{_e(where)}: model {_e(r['top'])} "
            f"{r['top_probability']:.3f}{_e(read_p)}{_e(close)}; reading "
            f"{_e(r.get('reading') or '—')} ({_e(r.get('agreement') or '—')}). Evidence "
            f"in bands {_pct(ev.get('bands'))} (bands cover {_pct(areas.get('bands'))} of "
            f"the scan), in the border {_pct(ev.get('border'))}.")
    pic = f"<img src='{data_uri(figure, 'jpeg')}' alt='figure of {_e(r['case'])}'>" \
        if figure else f"<p class='muted'>{_e(NO_FIGURE)}</p>"
    return f"<div class='case'><p>{line}</p><figure>{pic}</figure></div>"


def write_audit_html(out, summary: dict, records: list[dict], pictures: Pictures,
                     card: ModelCard | None) -> None:
    """Write the page to the text stream ``out`` (see the module)."""
    st = summary.get("settings", {})
    model = summary.get("model", {}).get("file", "the model")
    w = out.write
    w(f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{_e(TITLE)}"
      f"</title><style>{STYLE}</style></head><body>")
    w(f"<h1>{_e(TITLE)}</h1><p>{_e(INTRO.format(units=summary['cases'], model=model, grids=', '.join(str(n) for n in st.get('grids', [])), mask=st.get('mask', ''), space=st.get('score_space', ''), date=date.today().isoformat()))}</p>")  # noqa: E501
    w(f"<p class='warn'>{_e(DISCLAIMER)}</p>")
    if st.get("score_space_note"):
        w(f"<p class='muted'>{_e(st['score_space_note'])}</p>")
    w(f"<h2>Summary</h2>{_summary_table(summary)}")
    w(f"<h2>Agreement with the clinicians' readings</h2><p>{_e(CONFUSION_NOTE)}</p>")
    if pictures.confusion:
        w(f"<img src='{data_uri(pictures.confusion)}' alt='confusion matrix'>")
    w("<h2>Where the model looks: the mean Mixed Image per class</h2>")
    w(f"<p>{_e(pictures.means_note)}</p><div class='means'>")
    for label, png, caption in pictures.means:
        w(f"<figure><img src='{data_uri(png)}' alt='mean Mixed Image of {_e(label)}'>"
          f"<figcaption><b>{_e(label)}</b>: {_e(caption)}</figcaption></figure>")
    w("</div><h2>Does it lean on what is not anatomy?</h2>")
    w(f"<p>{_e(SHARES_NOTE)}</p>")
    if pictures.histograms:
        w(f"<img src='{data_uri(pictures.histograms)}' alt='histograms of evidence shares'>")
    w(f"<h3>By the model's top class</h3>{_per_class(summary)}")
    if summary.get("atypical") is not None:
        w(f"<h2>Scans outside the model's experience</h2>{_atypical(records)}")
    for title, chosen in ((f"The {LISTED} strongest disagreements (the model surest of an "
                           "answer the reading does not share)", strongest_disagreements(
                               records)),
                          (f"The {LISTED} highest shortcut shares (evidence in padding and "
                           f"bands; {100 * SHORTCUT_FLOOR:.0f} % at least)", highest_shortcuts(
                               records))):
        w(f"<h2>{_e(title)}</h2>")
        if not chosen:
            w("<p class='muted'>None.</p>")
        for i, r in enumerate(chosen, 1):
            w(_case_block(i, r, pictures.figures.get(r["case"])))
    w(f"<h2>Model</h2>{model_html(card, 'en')}")
    w(f"<p class='warn' style='text-align:center'>{_e(DISCLAIMER)}</p></body></html>")

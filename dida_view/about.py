"""The text of Help > About: version, the model in use, third-party licences, a notice.

``about_html()`` returns HTML in the subset Qt's rich text understands (headings,
paragraphs, lists, simple tables, ``<pre>``), so a QLabel or QTextBrowser can show it.
No Qt here: the same text can be printed or tested without a display.
"""

from __future__ import annotations

import html
import json
import re
import sys
from importlib import metadata
from pathlib import Path

from dida_view import __version__, paths

PROJECT_URL_NOTE = "DiDA View is free software under the MIT licence."
METHOD = ("The method is DiDA, “Differential Image Analysis for Image Diagnosis by Machine "
          "Learning” (Ayatsuka, Uta, Yasukawa, Yoshitaka; IPSJ Journal, 2021).")
NOT_A_MEDICAL_DEVICE = (
    "It is not approved or cleared for diagnosis, "
    "treatment or any clinical decision, and its results must not be used for them. The "
    "demo model was trained on synthetic scans only and has never seen a patient's scan."
)

# (name shown, distribution for its version, module for its version, licence, note)
THIRD_PARTY = (
    ("Qt", "PySide6-Essentials", "PySide6", "GNU LGPL v3",
     "The Qt libraries, by The Qt Company and contributors."),
    ("PySide6 / Shiboken6 (Qt for Python)", "PySide6-Essentials", "PySide6", "GNU LGPL v3",
     "Python bindings for Qt, by The Qt Company."),
    ("ONNX Runtime", "onnxruntime", "onnxruntime", "MIT",
     "By Microsoft; its third-party notices come with it (ThirdPartyNotices.txt)."),
    ("NumPy", "numpy", "numpy", "BSD 3-Clause",
     "The wheels also carry OpenBLAS (BSD 3-Clause) and the GCC runtime libraries (GPL v3 "
     "with the GCC Runtime Library Exception)."),
    ("Pillow", "pillow", "PIL", "MIT-CMU (HPND)",
     "By Jeffrey A. Clark and contributors, after PIL by Fredrik Lundh; the wheels carry "
     "libjpeg-turbo, libpng, zlib, libtiff, libwebp, FreeType and others under their own "
     "permissive licences."),
    ("Python", None, None, "PSF License",
     "The interpreter and its standard library (bundled in the standalone app)."),
)

QT_REPLACEMENT_NOTE = (
    "Qt and PySide6 are used under the GNU Lesser General Public License v3 "
    "(https://www.gnu.org/licenses/lgpl-3.0.html), unmodified, as published in the "
    "PySide6-Essentials wheels. You may replace them with your own build: in the one-folder "
    "app they are separate shared libraries, not linked into the program, under "
    "<code>_internal/PySide6/</code> (the Qt libraries in <code>_internal/PySide6/Qt/lib</code> "
    "on Linux, <code>.dll</code> files in <code>_internal\\PySide6</code> on Windows, "
    "<code>Contents/Frameworks/PySide6/Qt/lib</code> in the macOS app) with "
    "<code>_internal/shiboken6/</code>. Put a compatible build of the same Qt and PySide6 "
    "version in their place and the app uses it; or run DiDA View from source "
    "(<code>pip install .</code>) against any PySide6 you like. The source of Qt is at "
    "https://code.qt.io and download.qt.io, PySide6's at https://code.qt.io/cgit/pyside/."
)


def _version(dist: str | None, module: str | None) -> str:
    """A library's version without importing it (it is already loaded if it is used)."""
    if dist is None and module is None:  # Python itself
        return sys.version.split()[0]
    mod = sys.modules.get(module) if module else None
    v = getattr(mod, "__version__", None) if mod is not None else None
    if v:
        return str(v)
    if dist:
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            pass
    return ""


def _e(text: str) -> str:
    return html.escape(str(text), quote=False)


# -- a small Markdown subset -> HTML -------------------------------------------------------
_INLINE = (
    (re.compile(r"`([^`]+)`"), r"<code>\1</code>"),
    (re.compile(r"\*\*([^*]+)\*\*"), r"<b>\1</b>"),
    (re.compile(r"(?<![\w*])\*([^*\s][^*]*)\*(?![\w*])"), r"<i>\1</i>"),
    (re.compile(r"(?<!\w)_([^_\s][^_]*)_(?!\w)"), r"<i>\1</i>"),
    (re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)"),
     lambda m: f'<a href="{m.group(2).replace(chr(34), "%22")}">{m.group(1)}</a>'),
)


def _inline(text: str) -> str:
    out = _e(text)
    for pattern, repl in _INLINE:
        out = pattern.sub(repl, out)
    return out


def _table_row(line: str) -> list[str]:
    cells = line.strip().strip("|").split("|")
    return [c.strip() for c in cells]


def markdown_to_html(text: str) -> str:
    """Headings, paragraphs, bullet and numbered lists, pipe tables, fenced code, quotes,
    and inline code / bold / italics / links; anything else is shown as plain text."""
    lines = text.replace("\r\n", "\n").split("\n")
    out: list[str] = []
    para: list[str] = []
    i = 0

    def flush_para() -> None:
        if para:
            out.append("<p>" + _inline(" ".join(s.strip() for s in para)) + "</p>")
            para.clear()

    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if stripped.startswith("```"):
            flush_para()
            block = []
            i += 1
            while i < len(lines) and not lines[i].strip().startswith("```"):
                block.append(lines[i])
                i += 1
            out.append("<pre>" + _e("\n".join(block)) + "</pre>")
            i += 1
            continue
        heading = re.match(r"(#{1,6})\s+(.*?)\s*#*\s*$", stripped)
        if heading:
            flush_para()
            # under the page's <h2> and the model's <h3>: "#" and "##" -> <h4>, deeper -> <h5>
            level = min(max(len(heading.group(1)) + 2, 4), 6)
            out.append(f"<h{level}>{_inline(heading.group(2))}</h{level}>")
            i += 1
            continue
        if stripped.startswith("|") and i + 1 < len(lines) and re.fullmatch(
                r"\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?", lines[i + 1].strip()):
            flush_para()
            header = _table_row(stripped)
            rows = []
            i += 2
            while i < len(lines) and lines[i].strip().startswith("|"):
                rows.append(_table_row(lines[i]))
                i += 1
            out.append('<table border="1" cellspacing="0" cellpadding="3">')
            if any(header):  # a table may have an empty header row
                out.append("<tr>" + "".join(f"<th>{_inline(c)}</th>" for c in header)
                           + "</tr>")
            for r in rows:
                out.append("<tr>" + "".join(f"<td>{_inline(c)}</td>" for c in r) + "</tr>")
            out.append("</table>")
            continue
        bullet = re.match(r"\s*([-*+]|\d+[.)])\s+(.*)", line)
        if bullet:
            flush_para()
            ordered = bullet.group(1)[0].isdigit()
            items = []
            while i < len(lines):
                m = re.match(r"\s*([-*+]|\d+[.)])\s+(.*)", lines[i])
                if m:
                    items.append(m.group(2).strip())
                elif lines[i].strip() and lines[i].startswith((" ", "\t")) and items:
                    items[-1] += " " + lines[i].strip()  # a wrapped item
                else:
                    break
                i += 1
            tag = "ol" if ordered else "ul"
            out.append(f"<{tag}>" + "".join(f"<li>{_inline(s)}</li>" for s in items)
                       + f"</{tag}>")
            continue
        if stripped.startswith(">"):
            flush_para()
            quote = []
            while i < len(lines) and lines[i].strip().startswith(">"):
                quote.append(lines[i].strip().lstrip(">").strip())
                i += 1
            out.append("<blockquote>" + _inline(" ".join(quote)) + "</blockquote>")
            continue
        if not stripped:
            flush_para()
        else:
            para.append(line)
        i += 1
    flush_para()
    return "\n".join(out)


# -- the model ---------------------------------------------------------------------------
def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or a.samefile(b)
    except OSError:
        return False


def _sidecar_description(model_path: Path) -> str:
    """The description in ``<stem>.dida.json`` beside a model, without loading the model."""
    p = model_path.with_name(model_path.stem + ".dida.json")
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    return str(data.get("description", "")) if isinstance(data, dict) else ""


def model_section(model_path: str | Path | None = None,
                  model_description: str | None = None) -> str:
    """HTML about the model in use: the demo model's card, or another model's description."""
    demo = paths.demo_model_path()
    path = Path(model_path) if model_path else demo
    if path is None:
        return "<h3>Model</h3><p>No model is open, and the demo model is not installed.</p>"
    is_demo = demo is not None and _same_file(path, demo)
    parts = [f"<h3>Model: {_e(path.name)}{' (the demo model)' if is_demo else ''}</h3>"]
    card = paths.model_card_path() if is_demo else None
    card_text = ""
    if card is not None:
        try:
            card_text = card.read_text(encoding="utf-8")
        except OSError:
            card_text = ""
    if card_text.strip():
        parts.append(markdown_to_html(card_text))
    else:
        desc = model_description or _sidecar_description(path)
        if desc.strip():
            parts.append("".join(f"<p>{_inline(p)}</p>" for p in desc.strip().split("\n\n")))
        else:
            parts.append("<p>The model gives no description of itself (the "
                         "<code>description</code> key of its <code>dida_view</code> "
                         "metadata).</p>")
        parts.append(f"<p>File: <code>{_e(str(path))}</code></p>")
    return "\n".join(parts)


def licences_section() -> str:
    rows = []
    for name, dist, module, licence, note in THIRD_PARTY:
        v = _version(dist, module)
        shown = f"{_e(name)} {_e(v)}".strip()
        rows.append(f"<tr><td>{shown}</td><td>{_e(licence)}</td><td>{_e(note)}</td></tr>")
    return (
        "<h3>Third-party software</h3>"
        '<table border="1" cellspacing="0" cellpadding="3">'
        "<tr><th>Component</th><th>Licence</th><th>Notes</th></tr>"
        + "".join(rows) + "</table>"
        f"<p>{QT_REPLACEMENT_NOTE}</p>"
    )


def about_html(model_path: str | Path | None = None,
               model_description: str | None = None) -> str:
    """The About box: version, the model in use, third-party licences, a notice.

    Parameters
    ----------
    model_path
        The model in use (default: the demo model). For the demo model the text includes
        its model card (``models/README.md``); for any other model, its description.
    model_description
        Another model's description (``OnnxClassifier.description``); when not given, the
        ``description`` of its ``<stem>.dida.json`` sidecar, if it has one.
    """
    frozen = " (standalone app)" if getattr(sys, "frozen", False) else ""
    return "\n".join([
        "<html><body>",
        f"<h2>DiDA View {_e(__version__)}</h2>",
        "<p>See why an image classifier decided what it did: DiDA masks the image one grid "
        "cell at a time and paints each cell red (it supports the class) or blue (it argues "
        f"against it).</p><p>{_e(METHOD)}</p>",
        f"<p>Python {_e(sys.version.split()[0])}{frozen}. {_e(PROJECT_URL_NOTE)}</p>",
        f"<p><b>Not a medical device.</b> {_e(NOT_A_MEDICAL_DEVICE)}</p>",
        model_section(model_path, model_description),
        licences_section(),
        "</body></html>",
    ])


def about_text(model_path: str | Path | None = None,
               model_description: str | None = None) -> str:
    """The same as plain text (tags dropped), for logs and tests."""
    text = re.sub(r"<(br|/p|/h\d|/tr|/li|/pre|/table)[^>]*>", "\n",
                  about_html(model_path, model_description))
    text = re.sub(r"<[^>]+>", "", text)
    return html.unescape(re.sub(r"\n{3,}", "\n\n", text)).strip()

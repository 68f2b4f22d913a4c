"""The text of Help > About: version, the model in use, third-party licences, a notice.

``about_markdown()`` returns Markdown (GitHub dialect): the bundled models' cards are
Markdown already (``models/README.md``, one top-level ``# `` section per model, found by the
model's file name in its heading), and Qt shows it with ``QTextBrowser.setMarkdown``
(raw HTML switched off). No Qt here: the same text can be printed or tested without a
display.
"""

from __future__ import annotations

import sys
from importlib import metadata
from pathlib import Path

from dida_view import __version__, paths
from dida_view.io.jsonfile import read_json

PROJECT_URL_NOTE = "DiDA View is free software under the MIT licence."
METHOD = ("The method is DiDA, “Differential Image Analysis for Image Diagnosis by Machine "
          "Learning” (Ayatsuka, Uta, Yasukawa, Yoshitaka; IPSJ Journal, 2021).")
NOT_A_MEDICAL_DEVICE = (
    "It is not approved or cleared for diagnosis, "
    "treatment or any clinical decision, and its results must not be used for them. The "
    "synthetic demo model was trained on synthetic scans only and has never seen a patient's "
    "scan; the real-data model was trained on a few hundred scans of one device and one "
    "referral cohort, in 4 classes."
)
# the real-data model's training data and its real sample scans (also in the model's ONNX
# metadata, in each real sample's sidecar and in resources/samples/README.md)
KERMANY_ATTRIBUTION = (
    "Kermany D., Zhang K., Goldbaum M. (2018), \"Labeled Optical Coherence Tomography (OCT) "
    "and Chest X-Ray Images for Classification\", Mendeley Data, v2, "
    "doi:10.17632/rscbjbr9sj.2. Described in Kermany et al., Cell 172(5):1122-1131, 2018."
)
KERMANY_LICENCE = "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)"

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
    "`_internal/PySide6/` (the Qt libraries in `_internal/PySide6/Qt/lib` "
    "on Linux, `.dll` files in `_internal\\PySide6` on Windows, "
    "`Contents/Frameworks/PySide6/Qt/lib` in the macOS app) with "
    "`_internal/shiboken6/`. Put a compatible build of the same Qt and PySide6 "
    "version in their place and the app uses it; or run DiDA View from source "
    "(`pip install .`) against any PySide6 you like. The source of Qt is at "
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


def _demote_headings(markdown: str, levels: int = 2) -> str:
    """``# Title`` -> ``### Title`` outside fenced code: a model card sits under the
    page's own headings."""
    out, fenced = [], False
    for line in markdown.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        elif not fenced and line.startswith("#"):
            line = "#" * levels + line
        out.append(line)
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
    try:  # optional: without it the page says the model gives no description
        data = read_json(p)
    except (OSError, ValueError):
        return ""
    return str(data.get("description", "")) if isinstance(data, dict) else ""


def _read(path: Path | None) -> str:
    try:
        return path.read_text(encoding="utf-8") if path is not None else ""
    except OSError:
        return ""


def card_sections(markdown: str) -> dict[str, str]:
    """The model card of each bundled model, by file name: the top-level ``# `` sections
    of ``models/README.md`` (outside fenced code) whose heading names the model's file. A
    card whose headings name no bundled model is the synthetic model's (an older card)."""
    sections: list[list[str]] = []
    fenced = False
    for line in markdown.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        if not fenced and line.startswith("# ") or not sections:
            sections.append([])
        sections[-1].append(line)
    cards: dict[str, str] = {}
    for lines in sections:
        text = "\n".join(lines).strip()
        for m in paths.BUNDLED_MODELS:
            if text and m.file in lines[0]:
                cards[m.file] = (cards.get(m.file, "") + "\n\n" + text).strip()
    if not cards and markdown.strip():
        cards[paths.DEMO_MODEL_NAME] = markdown.strip()
    return cards


def model_section(model_path: str | Path | None = None,
                  model_description: str | None = None) -> str:
    """Markdown about the model in use: what it is and what it was trained on (a bundled
    model's card is in :func:`bundled_section`), or another model's description."""
    default = paths.default_model_path()
    path = Path(model_path) if model_path else default
    if path is None:
        return "## Model\n\nNo model is open, and no bundled model is installed."
    bundled = next((m for m in paths.BUNDLED_MODELS
                    if m.path() is not None and _same_file(path, m.path())), None)
    if bundled is not None:
        demo = " (the demo model)" if bundled.file == paths.DEMO_MODEL_NAME else ""
        return (f"## Model in use: `{path.name}`{demo}\n\nThe bundled {bundled.name}, "
                f"trained on {bundled.domain}; not for diagnosis. Its card is below.")
    parts = [f"## Model in use: `{path.name}`"]
    desc = model_description or _sidecar_description(path)
    parts.append(desc.strip() if desc.strip() else
                 "The model gives no description of itself (the `description` key of "
                 "its `dida_view` metadata): unknown training data.")
    parts.append(f"File: `{path}`")
    return "\n\n".join(parts)


def attribution_section() -> str:
    """Markdown: the attribution of the real scans (training data and samples)."""
    return ("## Data attribution\n\nThe real-data model `oct_kermany.onnx` was trained on, "
            "and the real sample scans `00_kermany_*.jpeg` are taken unchanged from, the "
            f"Kermany 2018 OCT data set: {KERMANY_ATTRIBUTION} Licence: {KERMANY_LICENCE}.")


def bundled_section() -> str:
    """Markdown: each bundled model with its domain and its card (``models/README.md``)."""
    cards = card_sections(_read(paths.model_card_path()))
    parts = ["## Bundled models"]
    for m in paths.BUNDLED_MODELS:
        where = "" if m.path() is not None else " (not installed)"
        parts.append(f"- `{m.file}`: the {m.name}, trained on {m.domain}{where}")
    for m in paths.BUNDLED_MODELS:
        if m.file in cards:
            parts.append(_demote_headings(cards[m.file]))
    return "\n\n".join(parts)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def licences_section() -> str:
    """Markdown: a table of the third-party software and its licences, and how to
    replace Qt."""
    rows = ["| Component | Licence | Notes |", "|---|---|---|"]
    for name, dist, module, licence, note in THIRD_PARTY:
        shown = f"{name} {_version(dist, module)}".strip()
        rows.append(f"| {_cell(shown)} | {_cell(licence)} | {_cell(note)} |")
    return "## Third-party software\n\n" + "\n".join(rows) + "\n\n" + QT_REPLACEMENT_NOTE


def about_markdown(model_path: str | Path | None = None,
                   model_description: str | None = None) -> str:
    """The About box as Markdown: version, the model in use, third-party licences, a notice.

    Parameters
    ----------
    model_path
        The model in use (default: the default bundled model). The text names it and what
        it was trained on (for a model of ours; another model: its description), then
        gives the data attribution and every bundled model's card (``models/README.md``).
    model_description
        Another model's description (``OnnxClassifier.description``); when not given, the
        ``description`` of its ``<stem>.dida.json`` sidecar, if it has one.
    """
    frozen = " (standalone app)" if getattr(sys, "frozen", False) else ""
    return "\n\n".join([
        f"# DiDA View {__version__}",
        "See why an image classifier decided what it did: DiDA masks the image one grid "
        "cell at a time and paints each cell red (it supports the class) or blue (it argues "
        "against it).",
        METHOD,
        f"Python {sys.version.split()[0]}{frozen}. {PROJECT_URL_NOTE}",
        f"**Not a medical device.** {NOT_A_MEDICAL_DEVICE}",
        model_section(model_path, model_description),
        attribution_section(),
        bundled_section(),
        licences_section(),
    ]) + "\n"


def about_text(model_path: str | Path | None = None,
               model_description: str | None = None) -> str:
    """The same for logs and tests: Markdown reads as plain text."""
    return about_markdown(model_path, model_description).strip()

"""File > Export Report: the case on screen as a one-case report (PDF, or HTML handout).

The same report as ``dida-view report`` (cover page + the case's page), made from what the
viewer already has: the image, the result, the model and the reading being shown. The
file name suggested is the anonymous case id, never the image's name. Writing one page
takes a fraction of a second, so it runs in the GUI thread.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog, QWidget

from dida_view.catalogue import QT_TRANSLATE_NOOP
from dida_view.gui.i18n import current_language, translate
from dida_view.gui.viewer.exports import can_export, nothing_to_export
from dida_view.render.export import atomic_file
from dida_view.report.html import ModelCard, write_html
from dida_view.report.pages import make_entry
from dida_view.session.labels import agreement
from dida_view.session.models import domain_note
from dida_view.session.reading import Reading
from dida_view.viewmodel.viewer import ViewerModel

FILTERS = QT_TRANSLATE_NOOP("ReportDialog", "PDF report (*.pdf);;HTML handout (*.html)")


def default_lang() -> str:
    """The report's language: the viewer's (``ja`` while the UI is Japanese, else ``en``)."""
    return current_language()


def case_id(model: ViewerModel) -> str:
    """The case's anonymous id (with ``_s007`` for a volume's B-scan), as every export
    names it."""
    return model.volume.stem()


def page_notes(model: ViewerModel) -> tuple[str, ...]:
    """What the program had to assume for the case on screen (the scan's notes, the set's
    score space), for its page."""
    scan = model.volume.scan
    return (*(scan.notes if scan is not None else ()),
            *((model.space_note,) if model.space_note else ()))


def export_report(model: ViewerModel, path: str | Path, lang: str = "en") -> Path:
    """Write the report of the case on screen to ``path`` (``.html``: HTML, else PDF).

    The reading is the one on screen, diagnosis and note alike (what the clinician typed
    last, saved or not): the same reading the session holds, never an older one from disk.
    """
    from dida_view.report.pdf import write_pdf

    assert model.image is not None and model.result is not None
    reading = Reading(diagnosis=model.diagnosis or "", note=model.note or "")
    res = model.result
    top = res.labels[res.top(1)[0]]
    card = ModelCard.from_classifier(model.classifier, model.model_path or "model")
    note = domain_note(model.model_path, model.image_path)
    path = Path(path)
    today = date.today().isoformat()
    with tempfile.TemporaryDirectory(prefix="dida-report-") as work:
        entry = make_entry(model.image, res, reading, case_id=case_id(model),
                           agreement=agreement(top, reading.diagnosis), folder=work, lang=lang,
                           view=model.figure_view(), card=card,
                           domain_note=note.text if note is not None else "",
                           notes=page_notes(model))
        with atomic_file(path) as tmp:
            if path.suffix.lower() in (".html", ".htm"):
                with open(tmp, "w", encoding="utf-8") as f:
                    write_html(f, [entry], today, lang)
            else:
                write_pdf(tmp, [entry], today, lang)
    return path


def ask_report(parent: QWidget, model: ViewerModel, store: QSettings,
               show_error: Callable[[str, str], None], message: Callable[[str], None]) -> None:
    """Ask for a file name, then :func:`export_report`; errors go to ``show_error``."""
    if not can_export(model):
        show_error(*nothing_to_export())
        return
    folder = store.value("dirs/export", "")
    folder = folder if isinstance(folder, str) and folder else "."
    suggest = str(Path(folder) / f"report_{case_id(model)}.pdf")
    path, chosen = QFileDialog.getSaveFileName(
        parent, translate("ReportDialog", "Export report"), suggest,
        translate("ReportDialog", FILTERS))
    if not path:
        return
    if not Path(path).suffix:
        path += ".html" if "*.html" in chosen else ".pdf"
    try:
        written = export_report(model, path, default_lang())
    except OSError as exc:
        show_error(translate("ReportDialog", "Cannot export"),
                   translate("ReportDialog", "{0}: cannot write ({1})").format(
                       exc.filename or path, exc.strerror or exc))
        return
    store.setValue("dirs/export", str(written.resolve().parent))
    message(translate("ReportDialog", "Saved {0}").format(written))

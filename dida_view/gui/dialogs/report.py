"""File > Export Report: the case on screen as a one-case report (PDF, or HTML handout).

The same report as ``dida-view report`` (cover page + the case's page), made from what the
viewer already has: the image, the result, the model and the diagnosis being shown, with
the note from the image's sidecar. The file name suggested is the anonymous case id, never
the image's name. Writing one page takes a fraction of a second, so it runs in the GUI
thread.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog, QWidget

from dida_view.gui.i18n import QT_TRANSLATE_NOOP, current_language, translate
from dida_view.gui.viewer.exports import can_export, nothing_to_export
from dida_view.report.html import ModelCard, case_id, html_document, make_entry
from dida_view.session.reading import Reading, load_reading
from dida_view.viewmodel.viewer import ViewerModel

FILTERS = QT_TRANSLATE_NOOP("ReportDialog", "PDF report (*.pdf);;HTML handout (*.html)")


def default_lang() -> str:
    """The report's language: the viewer's (``ja`` while the UI is Japanese, else ``en``)."""
    return current_language()


def scan_case_id(model: ViewerModel) -> str | None:
    """A DICOM or vendor scan's anonymous case id (with ``_s007`` for a volume's B-scan);
    None for a plain image, whose report id is the hash of its pixels."""
    vol = model.volume
    return None if vol.scan is None or vol.anonymous_name() else vol.stem()


def export_report(model: ViewerModel, path: str | Path, lang: str = "en") -> Path:
    """Write the report of the case on screen to ``path`` (``.html``: HTML, else PDF)."""
    from dida_view.report.pdf import write_pdf

    assert model.image is not None and model.result is not None
    note = load_reading(model.image_path).note if model.image_path is not None else ""
    reading = Reading(diagnosis=model.diagnosis or "", note=note)
    entry = make_entry(model.image, model.result, reading, lang=lang,
                       view=model.figure_view(), cid=scan_case_id(model))
    card = ModelCard.from_classifier(model.classifier, model.model_path or "model")
    path = Path(path)
    today = date.today().isoformat()
    if path.suffix.lower() in (".html", ".htm"):
        path.write_text(html_document([entry], card, today, lang), encoding="utf-8")
        return path
    return write_pdf(path, [entry], card, today, lang)


def ask_report(parent: QWidget, model: ViewerModel, store: QSettings,
               show_error: Callable[[str, str], None], message: Callable[[str], None]) -> None:
    """Ask for a file name, then :func:`export_report`; errors go to ``show_error``."""
    if not can_export(model):
        show_error(*nothing_to_export())
        return
    folder = store.value("dirs/export", "")
    folder = folder if isinstance(folder, str) and folder else "."
    suggest = str(Path(folder) / f"report_{scan_case_id(model) or case_id(model.image)}.pdf")
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

"""File > Export Report: the case on screen as a PDF or an HTML handout."""

import shutil
import subprocess

from guitools import wait_done
from PySide6.QtWidgets import QFileDialog

from dida_view.gui.dialogs import report as report_dialog
from dida_view.gui.viewer.exports import NOTHING_TO_EXPORT
from dida_view.session.reading import Reading, save_reading


def test_export_report_pdf_and_html(make_window, qtbot, model_path, scan_path, tmp_path,
                                    monkeypatch):
    save_reading(scan_path, Reading("AMD", "drusen, no fluid"))
    win = make_window()
    win.open_model(model_path)
    win.open_image(scan_path)
    wait_done(qtbot, win)
    html = report_dialog.export_report(win.model, tmp_path / "case.html", "ja")
    page = html.read_text(encoding="utf-8")
    assert "drusen, no fluid" in page and "scan.png" not in page  # no file name
    assert "医療機器ではありません" in page

    out = tmp_path / "chosen"  # no suffix: the PDF filter adds .pdf
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *a, **k: (str(out), "PDF report (*.pdf)"))
    win.actions_.export_report.trigger()
    pdf = tmp_path / "chosen.pdf"
    assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF") and not win.errors
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True,
                              text=True).stdout
        assert "drusen, no fluid" in text and "Not a medical device" in text


def test_export_report_needs_a_result(make_window):
    win = make_window()
    win.actions_.export_report.trigger()
    assert win.errors == [NOTHING_TO_EXPORT[1]]

"""The patient view: plain words only, one chosen class, one printed page."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from guitools import wait_done, wait_model
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QAbstractButton, QComboBox, QLabel, QWidget

from dida_view.gui.patient import export_page, plain_name, print_on, show_patient_view

FORBIDDEN = ("logit", "|d|", "grid", "d =")


def analysed(make_window, qtbot, model_path, scan_path):
    win = make_window()
    win.open_model(model_path)
    wait_model(qtbot, win)
    win.open_image(scan_path)
    wait_done(qtbot, win)
    return win


def all_texts(view) -> list[str]:
    texts = [view.windowTitle()]
    for w in view.findChildren(QWidget):
        if isinstance(w, (QLabel, QAbstractButton)):
            texts.append(w.text())
        elif isinstance(w, QComboBox):
            texts += [w.itemText(i) for i in range(w.count())]
    return texts + view.page().texts()


def pdf_pages(path) -> int:
    if shutil.which("pdfinfo"):
        out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True,
                             check=True).stdout
        return int(re.search(r"^Pages:\s+(\d+)", out, re.M).group(1))
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", path.read_bytes()))


def test_patient_view_speaks_plainly_about_one_chosen_class(
        make_window, qtbot, model_path, scan_path):
    win = analysed(make_window, qtbot, model_path, scan_path)
    win.actions_.patient_view.trigger()
    view = win.patient_view
    assert view.isVisible()
    res = win.model.result
    top = res.top(2)
    assert view.current_class() == top[0]
    assert plain_name(res.labels[top[0]]) in view.page().red
    assert "not a diagnosis" in view.page().footer
    assert view.page().date.endswith("model region.onnx")  # the page names its model
    for text in all_texts(view):
        low = text.lower()
        assert not [w for w in FORBIDDEN if w in low], text
    view.choice.setCurrentIndex(view.choice.findData(top[1]))  # another class
    assert view.current_class() == top[1]
    assert plain_name(res.labels[top[1]]) in view.page().red
    assert view.page_widget.page.texts() == view.page().texts()
    assert plain_name("Wet AMD") == "wet age-related macular degeneration"
    assert plain_name("Unknown thing") == "Unknown thing"


def test_the_patient_page_is_one_pdf_page_with_text(make_window, qtbot, model_path,
                                                    scan_path, tmp_path):
    win = analysed(make_window, qtbot, model_path, scan_path)
    page = show_patient_view(win).page()
    pdf = export_page(page, tmp_path / "patient.pdf")
    assert pdf_pages(pdf) == 1
    if shutil.which("pdftotext"):  # the text stays text: searchable, copyable
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
        assert "not a diagnosis" in " ".join(text.split())
        assert "model region.onnx" in " ".join(text.split())  # which model made it
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)  # what Print sends, as a PDF
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    print_on(printer, page)
    assert pdf_pages(tmp_path / "printed.pdf") == 1
    png = export_page(page, tmp_path / "patient.png")
    assert png.stat().st_size > 10_000
    with pytest.raises(ValueError, match="pdf or .png"):
        export_page(page, tmp_path / "patient.txt")


def test_patient_view_without_a_result_says_so(make_window, qtbot):
    win = make_window()
    view = show_patient_view(win)
    assert view.page() is None and not view.print_button.isEnabled()
    win.close()

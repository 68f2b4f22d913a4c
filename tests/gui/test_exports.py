"""File > Export (issue 17): every picture names the model and says "not for diagnosis";
a name without a suffix gets one, a wrong one is a dialog; a megabyte of note is cut, not
a lost export; the evidence map leaves with its words."""

from __future__ import annotations

import numpy as np
from guitools import wait_done
from PIL import Image
from PySide6.QtWidgets import QFileDialog

from dida_view.gui.viewer import exports
from dida_view.render import figure


def _ready(make_window, qtbot, model_path, scan_path):
    win = make_window()
    win.open_model(model_path)
    win.open_image(scan_path)
    wait_done(qtbot, win)
    return win


def _save_as(monkeypatch, path):
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))


def test_the_figure_and_every_panel_end_with_the_model_line(make_window, qtbot, model_path,
                                                           scan_path, tmp_path):
    win = _ready(make_window, qtbot, model_path, scan_path)
    line = exports.model_words(win.model)
    assert line.startswith("Not for diagnosis. Model: region.onnx, trained on ")
    m = win.model
    expected = figure.compose_figure(m.image, m.result, list(m.panel_classes),
                                     diagnosis=m.diagnosis or None, view=m.figure_view(),
                                     model=line)
    assert np.array_equal(exports.figure_array(m), expected)
    bare, _ = figure.figure_panels(m.image, m.result, list(m.panel_classes),
                                   diagnosis=m.diagnosis or None, view=m.figure_view())
    written = exports.export_panels(m, tmp_path)
    for path, panel in zip(written, bare, strict=True):
        shown = np.asarray(Image.open(path).convert("RGB"))
        assert shown.shape[0] > panel.shape[0]  # the model line under it
        assert np.array_equal(shown[:panel.shape[0]], panel)
        assert (shown[panel.shape[0]:] < 120).any()


def test_export_figure_without_a_suffix_adds_png_and_a_wrong_one_is_a_dialog(
        make_window, qtbot, model_path, scan_path, tmp_path, monkeypatch):
    win = _ready(make_window, qtbot, model_path, scan_path)
    _save_as(monkeypatch, tmp_path / "figure")
    win.exporter.ask_figure()
    assert (tmp_path / "figure.png").is_file() and win.errors == []
    _save_as(monkeypatch, tmp_path / "figure.jpg")
    win.exporter.ask_figure()
    assert not (tmp_path / "figure.jpg").exists()
    assert len(win.errors) == 1 and "figure.jpg" in win.errors[0] and ".png" in win.errors[0]


def test_a_megabyte_of_note_still_exports_the_figure(make_window, qtbot, model_path,
                                                     scan_path, tmp_path, monkeypatch):
    win = _ready(make_window, qtbot, model_path, scan_path)
    win.model.note = "fluid " * 180_000  # about 1 MB, kept whole in the sidecar
    win.model.diagnosis = "AMD " * 250_000
    _save_as(monkeypatch, tmp_path / "big.png")
    win.exporter.ask_figure()
    assert win.errors == [] and (tmp_path / "big.png").is_file()
    assert Image.open(tmp_path / "big.png").width < 4000

"""``dida-view`` entry point: screenshot mode, arguments, errors; exports; the model dialog."""

from __future__ import annotations

import json
import sys

import numpy as np
import pytest
from guitools import LABELS, wait_done
from PIL import Image

from dida_view.gui import app
from dida_view.gui.dialogs.model import ModelConfigDialog, sidecar_dict
from dida_view.gui.viewer import exports


def test_screenshot_writes_a_png_of_the_window(model_path, scan_path, tmp_path, capsys):
    out = tmp_path / "shot.png"
    rc = app.main([str(scan_path), "--model", str(model_path), "--screenshot", str(out),
                   "--size", "900x480"])
    assert rc == 0, capsys.readouterr().err
    img = np.asarray(Image.open(out))
    assert img.shape[:2] == (480, 900)
    assert img.std() > 10  # not a blank picture


def test_screenshot_fails_cleanly_on_a_bad_image(model_path, tmp_path, capsys):
    rc = app.main([str(tmp_path / "missing.png"), "--model", str(model_path),
                   "--screenshot", str(tmp_path / "shot.png")])
    err = capsys.readouterr().err
    assert rc == 1 and "error:" in err and "missing.png" in err and "Traceback" not in err
    assert not (tmp_path / "shot.png").exists()


def test_no_arguments_without_bundled_models_shows_a_hint(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(app.paths, "data_dir", lambda _name: None)  # no models, no samples
    out = tmp_path / "empty.png"
    assert app.main(["--screenshot", str(out), "--size", "800x400"]) == 0
    assert out.is_file()


def test_bad_size_is_an_error(capsys):
    assert app.main(["--size", "big", "--screenshot", "x.png"]) == 2
    assert "error: bad --size" in capsys.readouterr().err
    assert app.parse_size("1600x700") == (1600, 700)


def test_exports_and_copy(make_window, qtbot, model_path, scan_path, tmp_path):
    from PySide6.QtGui import QGuiApplication

    win = make_window()
    win.open_model(model_path)
    win.open_image(scan_path)
    wait_done(qtbot, win)
    fig = exports.export_figure(win.model, tmp_path / "fig.png")
    arr = np.asarray(Image.open(fig))
    assert arr.shape[1] > 4 * 128 and arr.shape[0] >= 96  # four panels in a row
    written = exports.export_panels(win.model, tmp_path)
    assert len(written) == 4 and all(p.is_file() for p in written)
    npz = np.load(exports.export_npz(win.model, tmp_path / "raw.npz"))
    assert list(npz["labels"]) == LABELS
    assert npz["d_3"].shape == (4, *win.model.result.cell_shape(3))
    win.actions_.copy_figure.trigger()
    assert not QGuiApplication.clipboard().image().isNull()
    assert "copied" in win.status.text.text()


def test_model_dialog_writes_the_sidecar_and_reloads(make_window, qtbot, tmp_path, scan_path):
    from onnx_models import make_region_model

    model = make_region_model(tmp_path / "plain.onnx", [(0, 16, 0, 32), (16, 32, 0, 32)])
    win = make_window()
    win.open_model(model)
    win.open_image(scan_path)
    wait_done(qtbot, win)
    assert win.model.result.labels == ["class 0", "class 1"]
    dlg = ModelConfigDialog(win.model.classifier, win)
    dlg.labels.setPlainText("top\nbottom")
    dlg.texts["squeeze_x"].setText("0.5")
    dlg.save()
    side = json.loads((tmp_path / "plain.dida.json").read_text())
    assert side["labels"] == ["top", "bottom"] and side["preprocessing"]["squeeze_x"] == 0.5
    win.open_model(model)  # what Save in the dialog triggers
    wait_done(qtbot, win)
    assert win.model.result.labels == ["top", "bottom"]
    assert win.model.classifier.preprocessing.squeeze_x == 0.5
    dlg.deleteLater()


def test_sidecar_dict_rejects_bad_values():
    from dida_view.errors import SettingsError

    fields = {"input_size": "", "squeeze_x": "1", "fill": "0", "scale": "0.0039", "mean": "0",
              "std": "1", "resize": "letterbox", "interpolation": "bilinear", "color": "rgb",
              "layout": "auto"}
    assert sidecar_dict("a\nb", "logits", fields, 2)["labels"] == ["a", "b"]
    with pytest.raises(SettingsError, match="labels"):
        sidecar_dict("a", "logits", fields, 2)
    with pytest.raises(SettingsError, match="squeeze_x"):
        sidecar_dict("a\nb", "logits", {**fields, "squeeze_x": "-1"}, 2)
    with pytest.raises(SettingsError, match="fill"):
        sidecar_dict("a\nb", "logits", {**fields, "fill": "1,2"}, 2)


def test_binding_reference_leak_cannot_crash():
    """PySide6 6.12.0 on CPython < 3.12 drops references to None/True (see qtcompat)."""
    from PySide6.QtCore import QObject, Signal

    from dida_view.gui import qtcompat

    class Probe(QObject):
        ping = Signal(int)

    p = Probe()
    before = sys.getrefcount(None), sys.getrefcount(True)
    for i in range(2000):
        p.ping.emit(i)
        p.setObjectName("x")
    if qtcompat.GUARDED:  # the binding leaks: the guard's headroom is still there
        assert sys.getrefcount(None) > qtcompat.HEADROOM // 2
        assert sys.getrefcount(True) > qtcompat.HEADROOM // 2
    else:  # no guard, so no leak: a leaking binding would lose 2000 of each here
        assert before[0] - sys.getrefcount(None) < 500
        assert before[1] - sys.getrefcount(True) < 500


def _refcount_add(obj, n: int) -> None:
    import ctypes

    ctypes.c_ssize_t.from_address(id(obj)).value += n


needs_patchable_refcounts = pytest.mark.skipif(
    sys.implementation.name != "cpython" or sys.version_info >= (3, 12)
    or hasattr(sys, "getobjects"), reason="None/True/False are immortal or not patchable")


@needs_patchable_refcounts
def test_leak_probe_detects_a_leaking_binding(monkeypatch):
    # the installed binding may not leak (6.12.0 is excluded), so the check that decides
    # whether the guard is needed is tried on a fake binding that does, as 6.12.0 did
    from dida_view.gui import qtcompat

    class LeakyProbe:
        def __init__(self):
            self.ping = self

        def setObjectName(self, _name):  # noqa: N802 - Qt's name
            _refcount_add(None, -1)

        def emit(self):
            _refcount_add(True, -1)

    before = sys.getrefcount(None), sys.getrefcount(True)
    monkeypatch.setattr(qtcompat, "_Probe", LeakyProbe)
    assert qtcompat.leaks()
    # and the probe gave back what it took
    assert abs(sys.getrefcount(None) - before[0]) < 16
    assert abs(sys.getrefcount(True) - before[1]) < 16


@needs_patchable_refcounts
def test_guard_gives_headroom_when_the_binding_leaks(monkeypatch):
    from dida_view.gui import qtcompat

    objs = (None, True, False)
    before = [sys.getrefcount(o) for o in objs]
    monkeypatch.setattr(qtcompat, "leaks", lambda: True)
    assert qtcompat.guard()
    try:
        for o, b in zip(objs, before, strict=True):
            assert sys.getrefcount(o) - b > qtcompat.HEADROOM - 1000
    finally:
        for o in objs:
            _refcount_add(o, -qtcompat.HEADROOM)
    monkeypatch.setattr(qtcompat, "leaks", lambda: False)
    assert not qtcompat.guard()


def test_about_mentions_not_a_medical_device(make_window, qtbot, model_path):
    from PySide6.QtWidgets import QDialog, QTextBrowser

    from dida_view.gui.dialogs.model import about_markdown

    win = make_window()
    win.open_model(model_path)
    qtbot.waitUntil(lambda: win.model.classifier is not None, timeout=10000)
    text = about_markdown(win.model.classifier)
    assert "Not a medical device" in text and "region.onnx" in text and "0.1.0" in text
    win.actions_.about.trigger()
    about = [d for d in win.findChildren(QDialog) if d.windowTitle() == "About DiDA View"]
    assert len(about) == 1 and about[0].isVisible()
    shown = about[0].findChild(QTextBrowser, "about-text")
    html = shown.toHtml()
    assert "<table" in html and "**" not in shown.toPlainText()  # Qt rendered the Markdown
    about[0].close()


def test_about_renders_a_card_and_never_its_html(qtbot, monkeypatch):
    from PySide6.QtWidgets import QTextBrowser

    from dida_view.gui.dialogs import model as dialogs

    card = ("# Card\n\nTrained on *synthetic* scans; `10` classes.\n\n| class | recall |\n"
            "|---|---|\n| Wet AMD | 0.95 |\n\n- not for diagnosis\n"
            "- <script>alert(1)</script>\n")
    monkeypatch.setattr(dialogs, "about_markdown", lambda _clf: card)
    dlg = dialogs.about_dialog(None)
    qtbot.addWidget(dlg)
    shown = dlg.findChild(QTextBrowser, "about-text")
    html = shown.toHtml()
    assert "<table" in html and "Wet AMD" in html and "<li" in html
    assert "font-style:italic" in html and "&lt;script&gt;" in html and "<script" not in html
    assert "*synthetic*" not in shown.toPlainText()


def test_main_actions_have_the_usual_shortcuts(make_window):
    win = make_window()
    assert "Ctrl+O" in win.actions_.open_image.shortcut().toString()
    assert win.actions_.cancel.shortcut().toString() == "Esc"
    assert win.actions_.full_screen.shortcut().toString() == "F11"
    assert win.actions_.copy_figure.shortcut().toString() == "Ctrl+C"


def test_window_module_imports_before_any_qapplication():
    """Nothing Qt that needs a running application is made at import time (a
    QKeySequence made by menus.py at import crashed the interpreter)."""
    import subprocess

    code = "import dida_view.gui.viewer.window, dida_view.gui.app; print('ok')"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr[-2000:]


def test_model_dialog_keeps_the_resize_convention_and_padding(qtbot, tmp_path):
    from onnx_models import make_region_model

    from dida_view.model.onnx import OnnxClassifier

    model = make_region_model(tmp_path / "cv.onnx", [(0, 16, 0, 32), (16, 32, 0, 32)])
    (tmp_path / "cv.dida.json").write_text(json.dumps({"preprocessing": {
        "resize_convention": "opencv", "pad_before_resize": True, "interpolation": "area"}}))
    dlg = ModelConfigDialog(OnnxClassifier(model, device="cpu"))
    qtbot.addWidget(dlg)
    assert dlg.choices["resize_convention"].currentText() == "opencv"
    assert dlg.choices["pad_before_resize"].currentText() == "yes"
    dlg.labels.setPlainText("top\nbottom")  # edit the labels only, then save
    dlg.save()
    pre = json.loads((tmp_path / "cv.dida.json").read_text())["preprocessing"]
    assert pre["resize_convention"] == "opencv" and pre["pad_before_resize"] is True
    again = OnnxClassifier(model, device="cpu").preprocessing
    assert again.resize_convention == "opencv" and again.pad_before_resize

"""The main window: opening, analysing, choosing classes, controls, errors."""

from __future__ import annotations

import numpy as np
from guitools import LABELS, wait_done, wait_model, write_scan

from dida_view.gui.viewer.controls import ALL_GRIDS
from dida_view.method.analysis import Settings, analyze
from dida_view.model.onnx import OnnxClassifier


def test_opens_and_finishes_an_analysis(make_window, qtbot, model_path, scan_path):
    win = make_window()
    win.open_model(model_path)
    assert win.open_image(scan_path)
    wait_done(qtbot, win)
    res = win.model.result
    assert res.labels == LABELS and sorted(res.d) == [2, 3]
    assert res.meta["original_size"] == (96, 128)
    # the same numbers as the core pipeline run directly
    direct = analyze(OnnxClassifier(model_path), win.model.image, Settings(grid_sizes=(2, 3)))
    np.testing.assert_allclose(res.scores, direct.scores, rtol=1e-6)
    np.testing.assert_allclose(res.d[3], direct.d[3], atol=1e-6)
    assert list(win.model.panel_classes) == res.top(3)
    assert len(win.area.panels) == 4 and all(p.has_picture() for p in win.area.panels)
    # the paper's captions: class name and score at the bottom right, diagnosis on the original
    k = res.top(1)[0]
    assert win.area.panels[1].caption.startswith(LABELS[k])
    assert win.area.panels[0].top_caption == "Diagnosis: AMD"
    assert win.controls.classes.topLevelItemCount() == len(LABELS)
    assert win.errors == []
    assert "Score" in win.legend.space.text()


def test_choosing_a_class_is_instant_and_rendering_controls_do_not_rerun(
        make_window, qtbot, model_path, scan_path):
    win = make_window()
    win.open_model(model_path)
    win.open_image(scan_path)
    wait_done(qtbot, win)
    run = win.run_id
    missing = [k for k in range(len(LABELS)) if k not in win.model.panel_classes][0]
    win.area.panel_clicked.emit(1)  # the first class panel becomes the target
    win.controls.class_chosen.emit(missing)
    assert win.model.panel_classes[0] == missing and not win.busy()
    assert win.area.panels[1].caption.startswith(LABELS[missing])
    before = win.area.panels[1]._qimage.copy()
    win.controls.opacity.setValue(100)
    win.controls.gain.setValue(20)
    assert win.area.panels[1]._qimage != before
    win.controls.view.setCurrentIndex(win.controls.view.findData(3))
    assert "grid {} x {}".format(*win.model.result.cell_shape(3)) in win.area.panels[1].header
    win.controls.view.setCurrentIndex(win.controls.view.findData(ALL_GRIDS))
    assert len(win.area.panels) == 1 + 2 + 1  # original, grids 2 and 3, Mixed Image
    win.controls.weights.setText("1,3")
    win.controls.weights.editingFinished.emit()
    np.testing.assert_allclose(win.model.result.weights, [0.25, 0.75])
    assert win.run_id == run and not win.busy()  # nothing re-ran
    # an analysis setting re-runs
    win.controls.mask.setCurrentIndex(win.controls.mask.findData("mean"))
    assert win.run_id != run
    wait_done(qtbot, win)
    assert win.model.result.mask_fill == "mean"
    np.testing.assert_allclose(win.model.result.weights, [0.25, 0.75])  # kept: same grid count


def test_bad_files_show_an_error_and_keep_the_result(make_window, qtbot, model_path,
                                                     scan_path, tmp_path):
    win = make_window()
    win.open_model(model_path)
    win.open_image(scan_path)
    wait_done(qtbot, win)
    result, image, clf = win.model.result, win.model.image, win.model.classifier
    bad = tmp_path / "broken.png"
    bad.write_bytes(b"not a png")
    assert not win.open_image(bad)
    assert win.errors and "broken.png" in win.errors[-1] and "Traceback" not in win.errors[-1]
    assert win.model.result is result and win.model.image is image
    junk = tmp_path / "junk.onnx"
    junk.write_bytes(b"\x00garbage")
    win.open_model(junk)
    qtbot.waitUntil(lambda: not win.busy(), timeout=10000)
    assert len(win.errors) == 2 and "junk.onnx" in win.errors[-1]
    assert win.model.classifier is clf and win.model.result is result
    win.controls.grids.setText("7,x")
    win.controls.grids.editingFinished.emit()
    assert len(win.errors) == 3 and "bad grid list" in win.errors[-1]
    assert win.controls.grids.text() == "2,3" and win.model.result is result and not win.busy()
    win.controls.weights.setText("1,2,3")  # three weights for two grid sizes
    win.controls.weights.editingFinished.emit()
    assert len(win.errors) == 4 and "weights" in win.errors[-1]
    assert all(p.has_picture() for p in win.area.panels)


def test_saturated_probability_note_is_shown(make_window, qtbot, tmp_path):
    from guitools import REGIONS
    from onnx_models import make_region_model

    model = make_region_model(tmp_path / "sat.onnx", REGIONS, gain=200.0,
                              metadata={"labels": LABELS})
    img = np.zeros((64, 64), np.uint8)
    img[:32, :32] = 255  # region 1 (AMD) bright: its logit dominates
    from PIL import Image

    Image.fromarray(img).save(tmp_path / "bright.png")
    win = make_window()
    win.open_model(model)
    win.open_image(tmp_path / "bright.png")
    wait_done(qtbot, win)
    assert win.model.result.score_space == "logit"  # the maps' unit, on the legend ...
    assert "saturated" in win.legend.note.text() and win.legend.note.isVisible()
    assert "logit" in win.legend.note.text() or "logit" in win.legend.space.text()
    assert win.area.panels[1].caption.endswith(">0.999")  # ... the score a probability


def test_empty_window_shows_a_hint(make_window):
    win = make_window()
    (panel,) = win.area.panels
    assert "No model loaded" in panel.hint and "Ctrl+Shift+O" in panel.hint
    assert not panel.has_picture()


def test_image_without_model_then_model(make_window, qtbot, model_path, scan_path,
                                        monkeypatch):
    from dida_view import paths

    monkeypatch.setattr(paths, "default_model_path", lambda: None)  # none installed
    win = make_window()
    win.open_image(scan_path)
    assert not win.busy() and "No model" in win.area.panels[1].hint
    win.open_model(model_path)
    wait_model(qtbot, win)
    wait_done(qtbot, win)
    assert win.model.result.complete


def test_drop_opens_model_then_image(make_window, qtbot, model_path, tmp_path):
    from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
    from PySide6.QtGui import QDropEvent

    img = write_scan(tmp_path / "other.png", height=80, width=80)
    win = make_window()
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(img)), QUrl.fromLocalFile(str(model_path))])
    ev = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime,
                    Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    win.dropEvent(ev)
    wait_done(qtbot, win)
    assert win.model.image.shape == (80, 80) and win.model.model_path == model_path


def test_settings_are_remembered(make_window, qtbot):
    win = make_window()
    win.controls.opacity.setValue(35)
    win.controls.square.setValue(40)
    win.close()
    again = make_window()
    assert again.controls.opacity.value() == 35 and again.cursor.size == 40
    from dida_view.gui.qsettings import SETTINGS_VERSION, make_settings

    assert int(make_settings().value("version")) == SETTINGS_VERSION


def test_diagnosis_is_editable_and_recent_files_are_listed(make_window, qtbot, model_path,
                                                           scan_path):
    win = make_window()
    win.open_model(model_path)
    win.open_image(scan_path)
    wait_done(qtbot, win)
    qtbot.keyClicks(win.controls.diagnosis, " suspected")
    assert win.area.panels[0].top_caption == "Diagnosis: AMD suspected"
    titles = [a.text() for a in win.actions_.recent.actions()]
    assert "scan.png" in titles and "Model: region.onnx" in titles


def test_d_readout_matches_the_grid_images(make_window, qtbot, model_path, scan_path):
    from dida_view.render import images as render
    from dida_view.render import maps

    win = make_window(grids=(2, 3, 5))
    win.open_model(model_path)
    win.open_image(scan_path)
    wait_done(qtbot, win)
    res, r = win.model.result, win.model
    scale = maps.class_scale(res, [1])
    images = maps.class_grid_images(res, 1, scale, 1.0, (96, 128))
    for y, x in ((0, 0), (10, 100), (50, 64), (95, 127)):
        for n in (2, 3, 5):
            d = r.d_at(1, y, x, n)
            colour = render.color_cells(np.array([[d]]), scale)[0, 0]
            np.testing.assert_allclose(images[n][y, x], colour, atol=1e-6)
    # the Mixed Image's d, a known answer: the paper's weights for 3 grid sizes
    # (alpha 1, 0.6, 1/3 + 0.1 composited coarse to fine) are 17/75, 17/50 and 13/30, and
    # the corner pixels lie in the corner cells of every grid
    weights = {2: 17 / 75, 3: 17 / 50, 5: 13 / 30}
    for (y, x), cell in (((0, 0), 0), ((95, 127), -1)):
        mixed = sum(w * float(res.d[n][1, cell, cell]) for n, w in weights.items())
        assert abs(r.d_at(1, y, x) - mixed) < 1e-9


def test_no_arguments_open_the_default_model_and_sample(monkeypatch, model_path,
                                                         scan_path, tmp_path):
    from PIL import Image

    from dida_view.gui import app

    monkeypatch.setattr(app.models, "model_for_case",
                        lambda _image, chosen=None: chosen or model_path)
    monkeypatch.setattr(app.models, "default_sample", lambda: scan_path)
    out = tmp_path / "demo.png"
    assert app.main(["--screenshot", str(out), "--size", "1000x600"]) == 0
    shot = np.asarray(Image.open(out).convert("RGB"))
    assert shot.shape == (600, 1000, 3)
    # the panels' pictures (below the headers, above the legend) carry red: an analysis ran
    rgb = shot[50:250].astype(int)
    red = (rgb[..., 0] - rgb[..., 1] > 40) & (rgb[..., 0] - rgb[..., 2] > 40)
    assert red.sum() > 200


def test_error_dialog_does_not_block(make_window, qtbot, tmp_path):
    from PySide6.QtWidgets import QMessageBox

    win = make_window()
    win.error_handler = None  # the real dialog
    assert not win.open_image(tmp_path / "nope.png")
    boxes = [b for b in win.findChildren(QMessageBox) if b.isVisible()]
    assert len(boxes) == 1 and "nope.png" in boxes[0].text()
    boxes[0].close()


def test_own_scale_per_panel(make_window, qtbot, model_path, scan_path):
    win = make_window()
    win.open_model(model_path)
    win.open_image(scan_path)
    wait_done(qtbot, win)
    weakest = win.area.panels[3]
    before = weakest._qimage.copy()
    assert "full red = the class's score drops by" in win.legend.scale.text()
    win.controls.shared.setChecked(False)
    assert "own largest" in win.legend.scale.text()
    assert weakest._qimage != before and not win.busy()


def test_all_grid_sizes_view_shows_the_top_class_until_a_panel_is_chosen(
        make_window, qtbot, model_path, scan_path):
    from dida_view.gui.viewer.controls import ALL_GRIDS

    win = make_window()
    win.open_model(model_path)
    win.open_image(scan_path)
    wait_done(qtbot, win)
    top, third = win.model.panel_classes[0], win.model.panel_classes[2]
    win.controls.view.setCurrentIndex(win.controls.view.findData(ALL_GRIDS))
    assert win.model.focus_class() == top
    assert len(win.area.panels) == 2 + len(win.model.result.grid_sizes)
    # the class: in the Mixed Image's caption (said once; the grid panels keep their titles)
    assert win.area.panels[-1].caption.startswith(LABELS[top])
    win.controls.view.setCurrentIndex(0)  # back to the Mixed Image, pick the third panel
    win.area.panel_clicked.emit(3)
    assert win.model.focus_class() == third


def test_cpu_only_setting_reloads_the_model_on_the_cpu(make_window, qtbot, model_path,
                                                       scan_path, monkeypatch):
    seen = []
    real = OnnxClassifier.__init__

    def spy(self, path, **kw):
        seen.append(kw.get("device"))
        real(self, path, **kw)

    monkeypatch.setattr(OnnxClassifier, "__init__", spy)
    win = make_window()
    win.open_model(model_path)
    win.open_image(scan_path)
    wait_done(qtbot, win)
    assert seen == ["auto"] and not win.actions_.cpu_only.isChecked()
    win.actions_.cpu_only.setChecked(True)
    wait_model(qtbot, win)
    wait_done(qtbot, win)
    assert seen == ["auto", "cpu"] and win.cpu_only()
    assert "CPU" in win.status.model.text()

"""Analysis > Engine and the Grid cells choice (issue 9): they reach the worker's Settings,
persist, and the status bar names the engine and counts the real cells."""

from __future__ import annotations

from guitools import wait_done, write_scan

from dida_view.gui.qsettings import make_settings
from dida_view.gui.viewer.window import MainWindow
from dida_view.method.dida import count_cells
from dida_view.model.onnx import OnnxClassifier


def _runs(win) -> list:
    """The Settings of every run the window starts, in order."""
    seen, run = [], win.host.run

    def spy(clf, image, settings, *args, **kw):
        seen.append(settings)
        return run(clf, image, settings, *args, **kw)

    win.host.run = spy
    return seen


def _restored(qtbot) -> MainWindow:
    """A new window, with the settings of the last session."""
    win = MainWindow()
    qtbot.addWidget(win)
    return win


def _open(win, qtbot, model_path, image_path):
    win.set_classifier(OnnxClassifier(model_path))
    win.open_image(image_path)
    wait_done(qtbot, win)


def test_engine_choice_reaches_the_worker_and_persists(make_window, qtbot, model_path,
                                                       scan_path):
    win = make_window()
    assert win.actions_.engine_auto.isChecked()
    _open(win, qtbot, model_path, scan_path)
    runs = _runs(win)
    win.actions_.engine_full.trigger()
    assert runs == []  # the maps would be equal: nothing re-runs
    assert win.actions_.engine_full.isChecked() and not win.actions_.engine_auto.isChecked()
    assert win.model.settings.engine == "full"
    win.actions_.rerun.trigger()
    wait_done(qtbot, win)
    assert [s.engine for s in runs] == ["full"]
    assert win.model.result.meta["engine"] == "full"
    win.close()
    assert make_settings().value("analysis/engine") == "full"
    again = _restored(qtbot)
    assert again.model.settings.engine == "full" and again.actions_.engine_full.isChecked()


def test_status_names_the_engine_and_its_note_once(make_window, qtbot, model_path,
                                                   scan_path, tmp_path):
    win = make_window()
    win.actions_.engine_incremental.trigger()  # the test model cannot: a note says why
    _open(win, qtbot, model_path, scan_path)
    res = win.model.result
    text = win.status.text.text()
    assert text.startswith("Done:") and f"{res.meta['engine']} engine" in text
    note = res.meta["engine_note"]
    assert note and note in text
    win.open_image(write_scan(tmp_path / "other.png", seed=3))  # not from the cache
    wait_done(qtbot, win)
    again = win.status.text.text()
    assert f"{win.model.result.meta['engine']} engine" in again and note not in again


def test_geometry_choice_reruns_with_it_and_persists(make_window, qtbot, model_path,
                                                     scan_path):
    win = make_window()
    c = win.controls
    assert c.geometry.currentData() == "square" == win.model.settings.grid_geometry
    _open(win, qtbot, model_path, scan_path)
    runs = _runs(win)
    c.geometry.setCurrentIndex(c.geometry.findData("input"))
    wait_done(qtbot, win)
    assert [s.grid_geometry for s in runs] == ["input"]
    assert win.model.result.grid_geometry == "input"
    win.close()
    assert make_settings().value("analysis/geometry") == "input"
    again = _restored(qtbot)
    assert again.model.settings.grid_geometry == "input"
    assert again.controls.geometry.currentData() == "input"


def test_paper_defaults_are_n_by_n_over_the_content(make_window, qtbot):
    win = make_window()
    win.actions_.engine_full.trigger()
    win.actions_.reset.trigger()
    s = win.model.settings
    assert s.grid_geometry == "content" and win.controls.geometry.currentData() == "content"
    assert s.engine == "full"  # the engine changes no map: it stays


def test_status_counts_the_real_cells_from_the_start(make_window, qtbot, model_path,
                                                     tmp_path):
    # a wide scan: square cells make fewer than n x n of them
    wide = write_scan(tmp_path / "wide.png", height=40, width=160)
    win = make_window(grids=(2, 3, 5))
    seen, progress = [], win.status.progress

    def first_progress(done, total):  # what the status showed until now
        seen.append((win.status.text.text(), win.status.bar.maximum()))
        progress(done, total)

    win.status.progress = first_progress
    _open(win, qtbot, model_path, wide)
    res = win.model.result
    total = count_cells(res.grid_sizes, res.grid_box, res.grid_geometry)
    assert total == res.evaluations < 4 + 9 + 25  # the case the fix is for
    text, maximum = seen[0]
    assert f"0/{total} masked images" in text and maximum == total

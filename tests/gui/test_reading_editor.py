"""The clinician's reading: edited in the browser, autosaved into the sidecar (debounced,
on switching, on close), shown on the original, kept on screen when a save fails."""

from __future__ import annotations

import json
import os

import pytest
from guitools import wait_model
from test_cases_browser import wait_idle, write_cases

from dida_view.session import reading as reading_module
from dida_view.session.reading import load_reading


def sidecar(path):
    """The scan's sidecar as the program reads it: <name>.json, else the older <stem>.json."""
    for f in (path.with_name(path.name + ".json"), path.with_suffix(".json")):
        if f.exists():
            return json.loads(f.read_text())
    return {}


@pytest.fixture
def opened(make_window, qtbot, model_path, tmp_path):
    paths = write_cases(tmp_path / "cases", 3, {0: "Normal"})
    data = sidecar(paths[0])
    data["seed"] = 7  # a key of someone else's, to be kept
    paths[0].with_suffix(".json").write_text(json.dumps(data))
    win = make_window(grids=(2, 3))
    win.open_model(model_path)
    wait_model(qtbot, win)
    win.cases.open(tmp_path / "cases")
    wait_idle(qtbot, win)
    return win, paths


def test_an_edit_is_saved_a_moment_later_with_the_other_keys_kept(opened, qtbot):
    win, paths = opened
    ed = win.cases.browser.editor
    assert ed.diagnosis.currentText() == "Normal" and ed.diagnosis.count() == 4  # labels
    ed.diagnosis.setEditText("")
    qtbot.keyClicks(ed.diagnosis.lineEdit(), "AMD, suspected")
    qtbot.keyClicks(ed.note, "fluid under the fovea")
    assert win.cases.keeper.pending()
    qtbot.waitUntil(lambda: "reading" in sidecar(paths[0]), timeout=5000)
    data = sidecar(paths[0])
    assert data["reading"]["diagnosis"] == "AMD, suspected"
    assert data["reading"]["note"] == "fluid under the fovea"
    assert data["seed"] == 7 and data["diagnosis"] == "Normal"
    assert not list(paths[0].parent.glob("*.tmp"))  # written through a temporary file
    assert win.area.panels[0].top_caption == "Diagnosis: AMD, suspected"
    assert win.controls.diagnosis.text() == "AMD, suspected"
    assert win.cases.cases.cases[0].diagnosis == "AMD, suspected"
    assert "Saved" in ed.state.text()
    # choosing one of the model's labels
    ed.diagnosis.setCurrentIndex(ed.diagnosis.findText("DME"))
    assert win.model.diagnosis == "DME"


def test_switching_and_closing_save_at_once(opened, qtbot):
    win, paths = opened
    ed = win.cases.browser.editor
    qtbot.keyClicks(ed.note, "check again")
    win.actions_.next_case.trigger()  # no wait: the switch saves
    assert load_reading(paths[0]).note == "check again"
    assert ed.note.toPlainText() == ""  # the next case's (empty) reading
    ed.diagnosis.setEditText("ERM")
    win.close()  # no wait: closing saves
    assert load_reading(paths[1]).diagnosis == "ERM"
    win.actions_.prev_case.trigger()  # (the window is closed; nothing breaks)


def test_a_failed_save_says_so_and_keeps_the_text(opened, qtbot, monkeypatch):
    win, paths = opened

    def read_only(path, reading):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(reading_module, "save_reading", read_only)
    ed = win.cases.browser.editor
    qtbot.keyClicks(ed.note, "important")
    qtbot.waitUntil(lambda: bool(win.errors), timeout=5000)
    assert "could not be saved" in win.errors[0] and "Permission denied" in win.errors[0]
    assert ed.note.toPlainText() == "important"
    win.actions_.next_case.trigger()
    win.actions_.prev_case.trigger()
    assert ed.note.toPlainText() == "important"  # kept for that case until it is saved
    monkeypatch.undo()
    qtbot.keyClicks(ed.note, "!")
    qtbot.waitUntil(lambda: load_reading(paths[0]).note == "important!", timeout=5000)
    assert not win.cases.keeper.unsaved()
    wait_idle(qtbot, win)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="root writes into read-only folders")
def test_a_read_only_folder(opened, qtbot):
    win, paths = opened
    folder = paths[0].parent
    folder.chmod(0o555)
    try:
        qtbot.keyClicks(win.cases.browser.editor.note, "x")
        assert not win.cases.keeper.flush()
        assert win.errors and win.cases.browser.editor.note.toPlainText() == "x"
    finally:
        folder.chmod(0o755)
    wait_idle(qtbot, win)


def test_a_sidecar_that_cannot_be_replaced_is_a_real_failure(opened, qtbot):
    win, paths = opened
    blocker = paths[1].with_name(paths[1].name + ".json")
    blocker.mkdir()  # the sidecar's name is taken by a folder (fails as root too)
    (blocker / "x").write_text("")
    win.cases.go(1)
    qtbot.keyClicks(win.cases.browser.editor.note, "y")
    assert not win.cases.keeper.flush()
    assert len(win.errors) == 1 and "case001.png" in win.errors[0]
    assert win.cases.browser.editor.note.toPlainText() == "y"
    assert not list(blocker.parent.glob("*.tmp"))  # no temporary file left behind
    wait_idle(qtbot, win)


def test_the_figure_export_carries_the_reading(opened, qtbot, tmp_path):
    from PIL import Image

    from dida_view.gui.viewer import exports

    win, _paths = opened
    ed = win.cases.browser.editor
    ed.diagnosis.setEditText("ERM")
    plain = exports.figure_array(win.model)
    ed.note.setPlainText("membrane over\nthe macula")
    with_note = exports.figure_array(win.model)
    assert with_note.shape[1] == plain.shape[1] and with_note.shape[0] > plain.shape[0]
    ed.diagnosis.setEditText("")
    no_diagnosis = exports.figure_array(win.model)  # the original's caption is gone
    from dida_view.render.figure import figure_panels

    first = figure_panels(win.model.image, win.model.result, list(win.model.panel_classes))[0][0]
    h, w = first.shape[:2]
    assert not (no_diagnosis[:h, :w] == with_note[:h, :w]).all()
    out = exports.export_figure(win.model, tmp_path / "fig.png")
    assert Image.open(out).size[1] == with_note.shape[0]
    wait_idle(qtbot, win)


def test_the_bundled_samples_are_never_written_to(opened, qtbot):
    win, paths = opened
    before = sorted(p.name for p in paths[1].parent.iterdir())
    win.readings.protected_folder = paths[1].parent.resolve()  # as if these were samples
    win.cases.go(1)
    qtbot.keyClicks(win.cases.browser.editor.note, "teaching")
    assert not win.cases.keeper.pending() and win.cases.keeper.flush()
    assert sorted(p.name for p in paths[1].parent.iterdir()) == before
    assert "not saved" in win.cases.browser.editor.state.text()
    wait_idle(qtbot, win)


def test_closing_with_a_reading_that_cannot_be_saved_asks_first(opened, qtbot, monkeypatch):
    """Closing the window after a failed save lost the note without asking."""
    win, paths = opened

    def read_only(path, reading):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(reading_module, "save_reading", read_only)
    qtbot.keyClicks(win.cases.browser.editor.note, "do not lose me")
    asked = []
    win.ask_handler = lambda title, text: asked.append(text) or "cancel"
    win.close()
    assert win.isVisible() and len(asked) == 1 and "case000.png" in asked[0]
    monkeypatch.undo()  # the folder can be written again: "Retry" saves it
    win.ask_handler = lambda title, text: asked.append(text) or "retry"
    win.close()
    assert not win.isVisible() and load_reading(paths[0]).note == "do not lose me"
    assert len(asked) == 1  # the save succeeded: nothing more to ask


def test_the_report_takes_the_reading_typed_last(opened, qtbot, tmp_path):
    """The report took the note from disk but the diagnosis from the screen: a note typed
    in the last 0.8 s was missing."""
    from dida_view.gui.dialogs import report as report_dialog

    win, _paths = opened
    ed = win.cases.browser.editor
    qtbot.keyClicks(ed.note, "typed just now")
    assert win.cases.keeper.pending()  # not saved yet
    out = report_dialog.export_report(win.model, tmp_path / "r.html")
    assert "typed just now" in out.read_text(encoding="utf-8")
    wait_idle(qtbot, win)

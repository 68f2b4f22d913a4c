"""Volumes in the viewer: the B-scan slider and PgUp/PgDn, per-B-scan results, the
localizer, Analyse All B-scans and the evidence map, notes, and the privacy rule."""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pytest
from dicom_files import OPHTHALMIC_TOMOGRAPHY, PATIENT, write_dicom
from guitools import SlowClassifier, scan_array, wait_done
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from dida_view.gui.dialogs import report as report_dialog
from dida_view.gui.viewer import exports, opening
from dida_view.io.reader import load_scan
from dida_view.io.scan import Localizer, Scan
from dida_view.model.onnx import OnnxClassifier

N = 5
SECRETS = [v.encode() for v in PATIENT.values()] + [b"Doe", b"Jane"]


def frames(n=N):
    return np.stack([scan_array(seed=i) for i in range(n)])


@pytest.fixture
def dicom_volume(tmp_path):
    """A multi-frame OPT DICOM named after its patient, as files from a PACS often are."""
    path = tmp_path / "Doe_Jane.dcm"
    write_dicom(path, frames(), frames=True, sop_class=OPHTHALMIC_TOMOGRAPHY,
                PixelSpacing=[0.0039, 0.0114])
    return path


@pytest.fixture
def tiff_volume(tmp_path):
    """A multi-page 12-bit TIFF (16-bit pages): its windowing is a note."""
    path = tmp_path / "pages.tif"
    pages = [Image.fromarray(f.astype(np.uint16) * 16) for f in frames()]
    pages[0].save(path, save_all=True, append_images=pages[1:])
    return path


@pytest.fixture
def with_localizer(monkeypatch, tiff_volume):
    """Scans open with an SLO image and one horizontal line per B-scan (rows 10, 20, ...)."""
    def load(path):
        s = load_scan(path)
        lines = tuple((5.0, 10.0 * (i + 1), 95.0, 10.0 * (i + 1)) for i in range(len(s)))
        slo = np.tile(np.arange(100, dtype=np.uint8), (64, 1))
        return Scan(path=s.path, slices=s.slices, notes=s.notes, format=s.format,
                    case_id=s.case_id, localizer=Localizer(slo, lines))

    monkeypatch.setattr(opening, "load_scan", load)
    return tiff_volume


def opened(make_window, qtbot, model_path, path, classifier=None):
    win = make_window()
    win.set_classifier(classifier or OnnxClassifier(model_path))
    assert win.open_image(path)
    wait_done(qtbot, win)
    return win


def test_a_dicom_volume_opens_at_its_centre_and_the_slider_analyses_a_b_scan(
        make_window, qtbot, model_path, dicom_volume):
    win = opened(make_window, qtbot, model_path, dicom_volume)
    vol, bar = win.model.volume, win.volumes.bar
    assert vol.count() == N and vol.index == 2
    assert bar.isVisible() and bar.slider.isVisible()
    assert bar.position.text() == "B-scan 3 of 5"
    assert np.array_equal(win.model.image, vol.scan.image(2))
    bar.slider.setValue(4)
    wait_done(qtbot, win)
    assert vol.index == 4 and bar.position.text() == "B-scan 5 of 5"
    assert np.array_equal(win.model.image, vol.scan.image(4))
    assert set(vol.results) == {2, 4}
    assert win.model.result.scores == pytest.approx(vol.results[4].scores)
    assert "B-scan 5/5" in win.area.panels[0].header
    assert win.area.panels[0].mm_per_px == pytest.approx(0.0114)  # the scale bar's
    bar.slider.setValue(2)  # analysed before: shown at once, no run
    assert not win.busy() and win.model.result.complete
    assert win.model.result.scores == pytest.approx(vol.results[2].scores)
    assert win.errors == []


def test_pgdn_and_pgup_step_through_the_b_scans(make_window, qtbot, model_path, tiff_volume):
    win = opened(make_window, qtbot, model_path, tiff_volume)
    a = win.actions_
    assert a.next_bscan.shortcut() == QKeySequence(Qt.Key.Key_PageDown)
    assert a.prev_bscan.shortcut() == QKeySequence(Qt.Key.Key_PageUp)
    others = [x for x in win.actions() if x not in (a.next_bscan, a.prev_bscan)]
    keys = {QKeySequence(Qt.Key.Key_PageDown), QKeySequence(Qt.Key.Key_PageUp)}
    assert not [x.text() for x in others if keys & set(x.shortcuts())]
    a.next_bscan.trigger()
    assert win.model.volume.index == 3
    wait_done(qtbot, win)
    a.next_bscan.trigger()
    a.next_bscan.trigger()  # past the last: stays
    assert win.model.volume.index == 4
    a.prev_bscan.trigger()
    assert win.model.volume.index == 3
    wait_done(qtbot, win)
    assert win.errors == []


def test_the_localizer_line_follows_and_a_click_picks_a_b_scan(make_window, qtbot, model_path,
                                                               with_localizer):
    win = opened(make_window, qtbot, model_path, with_localizer)
    loc = win.volumes.localizer
    assert loc.isVisible() and loc.has_picture() and loc.current == 2 and len(loc.lines) == N
    win.actions_.prev_bscan.trigger()
    assert loc.current == 1
    wait_done(qtbot, win)
    x0, y0, x1, y1 = loc.lines[3]
    qtbot.mouseClick(loc, Qt.MouseButton.LeftButton,
                     pos=loc._to_widget((x0 + x1) / 2, y0 + 1).toPoint())
    assert win.model.volume.index == 3 and loc.current == 3
    assert win.volumes.bar.slider.value() == 3
    wait_done(qtbot, win)


def test_analyse_all_fills_the_evidence_map_and_exports_it(make_window, qtbot, model_path,
                                                           with_localizer, tmp_path):
    win = opened(make_window, qtbot, model_path, with_localizer)
    vol = win.model.volume
    assert vol.evidence_map() is None
    win.actions_.analyse_all.trigger()
    assert win.volumes.bar.progress.isVisible()
    qtbot.waitUntil(vol.all_done, timeout=20000)
    qtbot.waitUntil(lambda: not win.volumes.batch(), timeout=5000)
    assert not win.volumes.bar.progress.isVisible()
    assert win.volumes.localizer.title.startswith("Evidence")
    emap = vol.evidence_map()
    assert emap.red.shape == (N, 128) and emap.slices == tuple(range(N))
    from dida_view.gui.viewer.exports import export_evidence

    png, npz = export_evidence(win.model, tmp_path / "x.png")
    assert png.exists() and npz.exists()
    with np.load(npz) as z:
        assert z["red"].shape == (N, 128) and list(z["slices"]) == [1, 2, 3, 4, 5]
    settings = win.model.settings
    win.set_analysis_settings(replace(settings, weights=(1.0, 0.0)))  # no run: re-weighted
    assert not win.busy() and vol.all_done() and not np.allclose(vol.evidence_map().red,
                                                                  emap.red)
    assert win.volumes.localizer.title.startswith("Evidence")
    win.actions_.next_bscan.trigger()  # every B-scan is kept: no run
    assert not win.busy() and win.model.result is not None and win.model.result.complete
    assert win.errors == []


def test_cancel_stops_analyse_all_and_keeps_what_is_done(make_window, qtbot, model_path,
                                                         tiff_volume):
    win = opened(make_window, qtbot, model_path, tiff_volume,
                 SlowClassifier(OnnxClassifier(model_path), 0.02))
    win.actions_.analyse_all.trigger()
    assert win.volumes.batch()
    win.actions_.cancel.trigger()
    assert not win.volumes.batch() and not win.volumes.bar.progress.isVisible()
    qtbot.waitUntil(lambda: not win.busy(), timeout=5000)
    qtbot.wait(200)  # the run that was going stops within a batch; the rest never start
    assert not win.model.volume.all_done() and 2 in win.model.volume.results
    assert "Cancelled" in win.status.text.text()


def test_identifiers_are_hidden_by_default_and_never_exported(make_window, qtbot, model_path,
                                                              dicom_volume, tmp_path):
    win = opened(make_window, qtbot, model_path, dicom_volume)
    vol, bar = win.model.volume, win.volumes.bar
    assert vol.scan.identifiers()  # the file has them
    assert not win.actions_.show_identifiers.isChecked() and bar.identifiers.isHidden()
    assert "Doe" not in win.windowTitle() and vol.case_id() in win.windowTitle()
    assert "Doe" not in win.area.panels[0].header
    win.actions_.show_identifiers.trigger()
    assert not bar.identifiers.isHidden() and "Doe^Jane" in bar.identifiers.text()
    stem = exports.case_stem(win.model)
    assert stem == f"{vol.case_id()}_s003" and "Doe" not in win.exporter._suggest(".png")
    out = tmp_path / "out"
    out.mkdir()
    written = [exports.export_figure(win.model, out / f"{stem}_dida.png"),
               exports.export_npz(win.model, out / f"{stem}_dida.npz"),
               *exports.export_panels(win.model, out),
               report_dialog.export_report(win.model, out / "report.html")]
    assert vol.case_id() in written[-1].read_text(encoding="utf-8")
    for path in written:
        assert "Doe" not in path.name and "PID" not in path.name
        data = path.read_bytes()
        if path.suffix == ".html":  # its pictures' base64 may spell anything
            data = re.sub(rb"data:[^\"']+", b"", data)
        assert not [s for s in SECRETS if s in data], path.name
    assert win.open_image(dicom_volume)  # a new scan: hidden again
    assert not win.actions_.show_identifiers.isChecked() and bar.identifiers.isHidden()
    wait_done(qtbot, win)


def test_the_scans_notes_are_shown_plainly(make_window, qtbot, model_path, tiff_volume):
    win = opened(make_window, qtbot, model_path, tiff_volume)
    notes = win.volumes.bar.notes
    assert win.model.volume.scan.notes
    assert notes.isVisible() and "decided on all pages" in notes.text()
    assert notes.text().startswith("Note:")


def test_fast_slider_moves_leave_no_stale_panel(make_window, qtbot, model_path, tiff_volume):
    win = opened(make_window, qtbot, model_path, tiff_volume,
                 SlowClassifier(OnnxClassifier(model_path), 0.01))
    slider, vol = win.volumes.bar.slider, win.model.volume
    for v in (0, 4, 1, 3, 0, 2, 1):
        slider.setValue(v)
    wait_done(qtbot, win)
    qtbot.wait(100)  # late signals of the cancelled runs arrive and are dropped
    assert vol.index == 1 and np.array_equal(win.model.image, vol.scan.image(1))
    assert win.model.result.scores == pytest.approx(vol.results[1].scores)
    assert set(vol.results) <= {1, 2} and win.errors == []



def test_a_constant_image_says_so_under_the_panels(make_window, qtbot, model_path, tmp_path):
    Image.fromarray(np.full((96, 128), 7, np.uint8)).save(tmp_path / "flat.png")
    win = opened(make_window, qtbot, model_path, tmp_path / "flat.png")
    notes = win.volumes.bar.notes
    assert notes.isVisible() and "constant image" in notes.text()
    assert not win.volumes.bar.slider_row.isVisible()  # one image: no slider


def test_a_dropped_dicom_volume_opens(make_window, qtbot, model_path, dicom_volume):
    win = make_window()
    win.set_classifier(OnnxClassifier(model_path))
    win.open_paths([str(dicom_volume)])
    wait_done(qtbot, win)
    assert win.model.volume.count() == N and win.volumes.bar.slider.isVisible()


def test_the_stacked_evidence_map_without_a_localizer(make_window, qtbot, model_path,
                                                      tiff_volume):
    win = opened(make_window, qtbot, model_path, tiff_volume)
    loc = win.volumes.localizer
    assert not loc.isVisible()  # no localizer, nothing analysed: no panel
    win.actions_.analyse_all.trigger()
    qtbot.waitUntil(lambda: win.model.volume.all_done() and not win.volumes.batch(),
                    timeout=20000)
    assert loc.isVisible() and loc.stacked_rows == N and not loc.lines
    r = loc.image_rect()
    qtbot.mouseClick(loc, Qt.MouseButton.LeftButton,
                     pos=r.topLeft().toPoint() + (r.bottomRight() - r.topLeft()).toPoint() / 10)
    assert win.model.volume.index == 0


def test_export_evidence_map_writes_the_map_with_its_words(make_window, qtbot, model_path,
                                                           with_localizer, tmp_path,
                                                           monkeypatch):
    """File > Export Evidence Map (issue 17): the PNG has a title, a legend, the class and
    the model line around the map, not the bare map; the .npz beside it."""
    from PySide6.QtWidgets import QFileDialog

    from dida_view.render.enface import draw_evidence_map, evidence_words

    win = opened(make_window, qtbot, model_path, with_localizer)
    vol = win.model.volume
    win.actions_.analyse_all.trigger()
    qtbot.waitUntil(vol.all_done, timeout=20000)
    qtbot.waitUntil(lambda: not win.volumes.batch(), timeout=5000)
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *a, **k: (str(tmp_path / "map"), ""))
    win.actions_.export_evidence.trigger()
    assert win.errors == []
    png, npz = tmp_path / "map.png", tmp_path / "map.npz"
    assert png.is_file() and npz.is_file()
    bare = draw_evidence_map(vol.evidence_map(), vol.scan.localizer, gain=win.model.gain)
    shown = np.asarray(Image.open(png).convert("RGB"))
    assert shown.shape[0] > bare.shape[0] + 80 and shown.shape[1] >= 560
    title, below = evidence_words(vol.evidence_map(), True, model=exports.model_words(win.model))
    assert vol.evidence_map().label in title[0] and below[-1].startswith("Not for diagnosis.")

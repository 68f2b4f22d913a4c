"""The probe panel: position, pixel value and each panel's d under the square."""

from __future__ import annotations

import numpy as np
from guitools import wait_done
from PIL import Image
from PySide6.QtCore import QPoint, QPointF

from dida_view.core.dida import DidaResult
from dida_view.core.preprocess import Box
from dida_view.gui import app
from dida_view.gui.controls import ALL_GRIDS
from dida_view.gui.panel import SQUARE
from dida_view.gui.probe import HINT, read_probe, reading_html


def _result() -> DidaResult:
    d = {2: np.zeros((3, 2, 2), np.float32), 3: np.zeros((3, 3, 3), np.float32)}
    return DidaResult(scores=np.array([0.2, 0.5, 0.3]), grid_sizes=(2, 3), d=d, evaluations=13,
                      seconds=0.0, mask_fill="black", box=Box(0, 4, 0, 4), input_size=(4, 4),
                      labels=["A", "B", "C"], score_space="log-odds")


def test_read_probe_without_qt_widgets():
    image = np.arange(12, dtype=np.uint8).reshape(3, 4)
    calls = []

    def d_at(k, y, x, grid):
        calls.append((k, y, x, grid))
        return None if grid == 3 else k + 0.5 * (grid or 0)

    r = read_probe(image, 9.7, 1.2, None, [1], None, False, d_at)
    assert (r.x, r.y, r.pixel, r.rows) == (3, 1, "7", [])  # clamped to the image
    res = _result()
    r = read_probe(image, 1, 2, res, [1, 2], None, False, d_at)
    assert r.columns == ["mixed d"] and r.rows == [("B", [1.0]), ("C", [2.0])]
    assert r.space == "log-odds"
    r = read_probe(image, 1, 2, res, [1, 2], 3, False, d_at)
    assert r.columns == ["d (3x3)"] and r.rows == [("B", [None]), ("C", [None])]
    r = read_probe(image, 1, 2, res, [2], None, True, d_at)
    assert r.columns == ["2x2", "3x3", "mixed"] and r.rows == [("C", [3.0, None, 2.0])]
    html = reading_html(r)
    assert "x 1, y 2" in html and "+3" in html and "…" in html and "log-odds" in html
    assert reading_html(None) == HINT
    rgb = np.zeros((2, 2, 3), np.uint8)
    rgb[1, 1] = (1, 2, 3)
    assert read_probe(rgb, 1, 1, None, [], None, False, d_at).pixel == "1,2,3"


def test_probe_panel_follows_the_square_in_every_view(make_window, qtbot, model_path,
                                                      scan_path):
    win = make_window(size=(1280, 720))
    win.open_model(model_path)
    win.open_image(scan_path)
    wait_done(qtbot, win)
    assert win.probe.reading is None and win.probe.isVisible()
    win.cursor.set_now(QPointF(40.5, 30.5))
    r = win.probe.reading
    assert (r.x, r.y) == (40, 30) and r.pixel == str(int(win.image[30, 40]))
    assert [name for name, _ in r.rows] == [win.result.labels[k] for k in win.panel_classes]
    for (_, (d,)), k in zip(r.rows, win.panel_classes, strict=True):
        assert d == win.renderer.d_at(k, 30, 40)
    # the whole readout fits in the window at 1280x720 (the status bar cut it off)
    top_left = win.probe.mapTo(win, QPoint(0, 0))
    assert top_left.x() + win.probe.width() <= win.width()
    assert win.probe.text.sizeHint().width() <= win.probe.width()
    win.controls.view.setCurrentIndex(win.controls.view.findData(3))
    assert win.probe.reading.columns == ["d (3x3)"]
    win.controls.view.setCurrentIndex(win.controls.view.findData(ALL_GRIDS))
    r = win.probe.reading
    assert r.columns == ["2x2", "3x3", "mixed"] and len(r.rows) == 1
    k = win.focus_class()
    assert r.rows[0][1] == [win.renderer.d_at(k, 30, 40, n) for n in (2, 3, None)]
    win.cursor.set_now(None)
    assert win.probe.reading is None


def test_square_option_puts_the_square_in_the_screenshot(model_path, scan_path, tmp_path,
                                                         capsys):
    out = tmp_path / "shot.png"
    rc = app.main([str(scan_path), "--model", str(model_path), "--screenshot", str(out),
                   "--size", "900x480", "--square", "60,40"])
    assert rc == 0, capsys.readouterr().err
    img = np.asarray(Image.open(out).convert("RGB"))
    yellow = np.all(img == (SQUARE.red(), SQUARE.green(), SQUARE.blue()), axis=2)
    assert yellow.sum() > 4 * 20  # the square's outline on four panels
    plain = tmp_path / "plain.png"
    assert app.main([str(scan_path), "--model", str(model_path), "--screenshot", str(plain),
                     "--size", "900x480"]) == 0
    img = np.asarray(Image.open(plain).convert("RGB"))
    assert not np.all(img == (SQUARE.red(), SQUARE.green(), SQUARE.blue()), axis=2).any()


def test_bad_square_is_an_error(capsys):
    assert app.main(["--square", "here", "--screenshot", "x.png"]) == 2
    assert "error: bad --square" in capsys.readouterr().err
    assert app.parse_point(" 12, 8.5") == (12.0, 8.5)


def test_view_option_shows_fig3_in_a_screenshot(model_path, scan_path, tmp_path, capsys):
    out = tmp_path / "fig3.png"
    assert app.main([str(scan_path), "--model", str(model_path), "--screenshot", str(out),
                     "--size", "900x480", "--view", "all-grids", "--square", "60,40"]) == 0
    assert out.is_file()
    capsys.readouterr()
    assert app.main([str(scan_path), "--model", str(model_path), "--screenshot",
                     str(tmp_path / "bad.png"), "--size", "900x480", "--view", "99"]) == 1
    err = capsys.readouterr().err
    assert "error: bad --view '99'" in err and "all-grids" in err


def test_probe_goes_under_the_legend_when_the_window_is_narrow(make_window, qtbot,
                                                               model_path, scan_path):
    win = make_window(size=(1280, 720))
    win.open_model(model_path)
    win.open_image(scan_path)
    wait_done(qtbot, win)
    holder = win.probe.parentWidget()
    win.cursor.set_now(QPointF(40.5, 30.5))
    assert holder.side_by_side()
    win.resize(900, 600)
    qtbot.waitUntil(lambda: not holder.side_by_side(), timeout=1000)
    qtbot.wait(20)
    assert win.legend.width() >= win.legend.needed_width()
    assert win.probe.width() >= win.probe.text.sizeHint().width()

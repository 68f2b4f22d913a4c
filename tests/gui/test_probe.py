"""The probe panel: position, pixel value and each panel's d under the square."""

from __future__ import annotations

import numpy as np
from guitools import wait_done
from PIL import Image
from PySide6.QtCore import QPoint, QPointF

from dida_view.gui import app
from dida_view.gui.viewer.panel import SQUARE
from dida_view.gui.viewer.probe import HINT, reading_html
from dida_view.viewmodel.viewer import ALL_GRIDS, Probe


def test_reading_html_shows_the_table():
    p = Probe(1, 2, "7", ["2x2", "3x3", "mixed"], [("C", [3.0, None, -2.0])], "log-odds")
    html = reading_html(p)
    assert "x 1, y 2" in html and "+3" in html and "…" in html and "log-odds" in html
    assert "#e00000" in html and "#1e5bff" in html  # red supports, blue argues against
    assert reading_html(Probe(1, 2, "7")).endswith("pixel <b>7</b>")
    assert reading_html(None) == HINT


def test_probe_panel_follows_the_square_in_every_view(make_window, qtbot, model_path,
                                                      scan_path):
    win = make_window(size=(1280, 720))
    win.open_model(model_path)
    win.open_image(scan_path)
    wait_done(qtbot, win)
    assert win.probe.reading is None and win.probe.isVisible()
    win.cursor.set_now(QPointF(40.5, 30.5))
    m, r = win.model, win.probe.reading
    assert (r.x, r.y) == (40, 30) and r.pixel == str(int(m.image[30, 40]))
    assert [name for name, _ in r.rows] == [m.result.labels[k] for k in m.panel_classes]
    for (_, (d,)), k in zip(r.rows, m.panel_classes, strict=True):
        assert d == m.d_at(k, 30, 40) and d is not None
    # the whole readout fits in the window at 1280x720 (the status bar cut it off)
    top_left = win.probe.mapTo(win, QPoint(0, 0))
    assert top_left.x() + win.probe.width() <= win.width()
    assert win.probe.text.sizeHint().width() <= win.probe.width()  # at once, not cut
    win.controls.view.setCurrentIndex(win.controls.view.findData(3))
    # the real cell counts (the default square geometry: 2 x 3 on this wide scan)
    assert win.probe.reading.columns == ["d ({}x{})".format(*m.result.cell_shape(3))]
    assert m.result.cell_shape(3) == (2, 3)
    win.controls.view.setCurrentIndex(win.controls.view.findData(ALL_GRIDS))
    r = win.probe.reading
    assert r.columns == ["2x2", "2x3", "mixed"] and len(r.rows) == 1
    k = m.focus_class()
    assert r.rows[0][1] == [m.d_at(k, 30, 40, n) for n in (2, 3, None)]
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


def test_panels_do_not_jump_when_the_square_enters_or_leaves(make_window, qtbot, model_path,
                                                             scan_path):
    win = make_window(size=(1000, 560))
    win.open_model(model_path)
    win.open_image(scan_path)
    wait_done(qtbot, win)
    holder = win.probe.parentWidget()
    qtbot.wait(20)
    before = (win.area.geometry(), holder.side_by_side(), win.dock.height())
    win.cursor.set_now(QPointF(40.5, 30.5))  # the table of three classes appears
    qtbot.wait(20)
    assert (win.area.geometry(), holder.side_by_side(), win.dock.height()) == before
    win.cursor.set_now(None)  # back to the hint
    qtbot.wait(20)
    assert (win.area.geometry(), holder.side_by_side(), win.dock.height()) == before

"""Teaching mode: the layout it takes and gives back, the quiz, stepping, the pen."""

from __future__ import annotations

import numpy as np
from guitools import wait_done, wait_model, write_scan
from PIL import Image
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QFontInfo, QMouseEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QTreeWidget,
    QWidget,
)

from dida_view.gui.teaching import FolderCases
from dida_view.gui.viewer.exports import export_figure
from dida_view.render.figure import GAP, MARK_COLOUR


def visible_texts(win) -> list[str]:
    """Every text a viewer can see: labels, buttons, fields, lists, panels, the title."""
    texts = [win.windowTitle()]
    for w in win.findChildren(QWidget):
        if not w.isVisible():
            continue
        if isinstance(w, (QLabel, QAbstractButton, QLineEdit)):
            texts.append(w.text())
        elif isinstance(w, QComboBox):
            texts.append(w.currentText())
        elif isinstance(w, QTreeWidget):
            for i in range(w.topLevelItemCount()):
                item = w.topLevelItem(i)
                texts += [item.text(c) for c in range(item.columnCount())]
    for p in win.area.panels:
        texts += [p.header, p.caption, p.top_caption, p.hint]
    return [t for t in texts if t]


def analysed(make_window, qtbot, model_path, scan_path, **kw):
    win = make_window(**kw)
    win.open_model(model_path)
    wait_model(qtbot, win)
    win.open_image(scan_path)
    wait_done(qtbot, win)
    return win


def test_entering_and_leaving_teaching_mode_restores_the_layout(
        make_window, qtbot, model_path, scan_path):
    win = analysed(make_window, qtbot, model_path, scan_path)
    before = {w: w.isVisible() for w in (win.dock, win.toolbar, win.statusBar(), win.probe)}
    assert all(before.values())
    window_colour = QApplication.palette().color(QPalette.ColorRole.Window)
    legend_px = QFontInfo(win.legend.font()).pixelSize()
    win.actions_.teaching.trigger()
    assert win.teaching.active and win.isFullScreen() and win.model.quiz
    assert not any(w.isVisible() for w in before)
    assert win.teaching.banner.isVisible()
    assert QFontInfo(win.legend.font()).pixelSize() >= max(legend_px + 3, 16)  # large
    assert QApplication.palette().color(QPalette.ColorRole.Window).lightness() < 80  # dark
    assert win.actions_.teach_next.isEnabled() and win.actions_.reveal.isEnabled()
    win.actions_.teaching.trigger()
    assert not win.teaching.active and not win.isFullScreen() and not win.model.quiz
    assert {w: w.isVisible() for w in before} == before
    assert not win.teaching.banner.isVisible()
    assert QFontInfo(win.legend.font()).pixelSize() == legend_px
    assert QApplication.palette().color(QPalette.ColorRole.Window) == window_colour
    assert not win.actions_.teach_next.isEnabled()  # Right/Space are the panels' again
    assert "scan.png" in win.windowTitle()


def test_the_quiz_shows_nothing_of_the_answer_until_revealed(
        make_window, qtbot, model_path, scan_path):
    win = analysed(make_window, qtbot, model_path, scan_path)
    res = win.model.result
    k = res.top(1)[0]
    name, score = res.labels[k], win.model.score_text(k)
    win.teaching.set_active(True, full_screen=False)
    win.cursor.set_now(QPointF(10.5, 10.5))  # the probe would read d
    texts = visible_texts(win)
    assert texts and not [t for t in texts if name in t or score in t]
    assert win.controls.classes.topLevelItemCount() == 0
    assert "scan.png" not in " ".join(texts)  # a file name can give the answer away
    assert win.legend.scale.isHidden()
    # the class panels show a "?", not a map: nothing of the overlay is painted
    assert all(p.caption == "" for p in win.area.panels)
    win.actions_.reveal.trigger()
    texts = " ".join(visible_texts(win))
    assert name in texts and score in texts
    assert win.area.panels[1].caption.startswith(name)
    win.actions_.reveal.trigger()  # R again hides it
    assert not [t for t in visible_texts(win) if name in t]
    win.teaching.set_active(False)


def test_stepping_through_the_folder_hides_the_answer_again(
        make_window, qtbot, model_path, tmp_path):
    folder = tmp_path / "cases"
    folder.mkdir()
    paths = [write_scan(folder / f"case{i}.png", seed=i) for i in range(3)]
    (folder / "notes.txt").write_text("not an image")
    assert FolderCases().position(paths[1]) == (2, 3)
    assert FolderCases().step(paths[2], 1) is None
    win = make_window()
    win.open_model(model_path)
    wait_model(qtbot, win)
    win.open_image(paths[0])
    wait_done(qtbot, win)
    win.actions_.teach_next.trigger()  # not in teaching mode: the key does nothing
    assert win.model.image_path == paths[0]
    win.teaching.set_active(True, full_screen=False)
    win.actions_.reveal.trigger()
    assert win.model.revealed
    win.actions_.teach_next.trigger()
    assert win.model.image_path == paths[1] and win.model.answer_hidden()
    assert "Case 2 of 3" in win.teaching.banner.text()
    wait_done(qtbot, win)
    assert win.teaching.next_case() and not win.teaching.next_case()  # the end
    assert win.model.image_path == paths[2]
    wait_done(qtbot, win)
    win.actions_.teach_previous.trigger()
    assert win.model.image_path == paths[1]
    wait_done(qtbot, win)

    class Listed:  # a case browser plugs in its own list
        def step(self, current, delta):
            return paths[0] if delta < 0 else None

        def position(self, current):
            return (7, 9)

    win.teaching.cases = Listed()
    assert win.teaching.previous_case() and win.model.image_path == paths[0]
    assert "Case 7 of 9" in win.teaching.banner.text()
    wait_done(qtbot, win)
    win.teaching.set_active(False)


def _drag(panel, points):
    """A left-button stroke through ``points`` (widget coordinates) on ``panel``."""
    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
    mods = Qt.KeyboardModifier.NoModifier
    first, *rest = [QPointF(*p) for p in points]
    QApplication.sendEvent(panel, QMouseEvent(QEvent.Type.MouseButtonPress, first,
                                              panel.mapToGlobal(first), left, left, mods))
    for p in rest:
        QApplication.sendEvent(panel, QMouseEvent(QEvent.Type.MouseMove, p,
                                                  panel.mapToGlobal(p), none, left, mods))
    QApplication.sendEvent(panel, QMouseEvent(QEvent.Type.MouseButtonRelease, rest[-1],
                                              panel.mapToGlobal(rest[-1]), left, none, mods))


def test_pen_marks_show_on_every_panel_and_in_the_exported_figure(
        make_window, qtbot, model_path, scan_path, tmp_path):
    win = analysed(make_window, qtbot, model_path, scan_path, size=(1200, 600))
    panel = win.area.panels[2]
    zoom_before = (win.zoom.zoom, win.zoom.center)
    win.actions_.pen.trigger()
    a, b = panel.to_widget(QPointF(20, 30)), panel.to_widget(QPointF(100, 30))
    _drag(panel, [(a.x(), a.y()), ((a.x() + b.x()) / 2, a.y()), (b.x(), b.y())])
    assert len(win.model.marks) == 1
    stroke = win.model.marks[0]
    assert len(stroke) == 3
    np.testing.assert_allclose(stroke[0], (20, 30), atol=1)
    np.testing.assert_allclose(stroke[-1], (100, 30), atol=1)
    assert (win.zoom.zoom, win.zoom.center) == zoom_before  # drawing did not pan
    for p in win.area.panels:  # drawn at the same image position on every panel
        assert p.marks == win.model.marks
        shot = p.grab().toImage()
        at = p.to_widget(QPointF(60, 30))
        colour = shot.pixelColor(round(at.x() * shot.devicePixelRatio()),
                                 round(at.y() * shot.devicePixelRatio()))
        assert (colour.red(), colour.green(), colour.blue()) == MARK_COLOUR
    out = export_figure(win.model, tmp_path / "fig.png")
    fig = np.asarray(Image.open(out).convert("RGB"))
    from dida_view.render.figure import MIN_CELL_WIDTH, figure_scale

    h, w = win.model.image.shape[:2]
    f = figure_scale(h, w)  # the scan at the figure's size, centred in its column
    cell = max(MIN_CELL_WIDTH, round(w * f))
    for i in range(1 + len(win.model.panel_classes)):
        x = i * (cell + GAP) + (cell - round(w * f)) // 2 + round(60 * f)
        assert tuple(fig[round(30 * f), x]) == MARK_COLOUR
    win.actions_.clear_marks.trigger()
    assert win.model.marks == () and all(p.marks == () for p in win.area.panels)
    win.actions_.pen.trigger()  # pen off: a drag pans again
    _drag(panel, [(a.x(), a.y()), (a.x() + 30, a.y()), (a.x() + 60, a.y())])
    assert win.model.marks == ()


def test_the_teaching_keys(make_window, qtbot, model_path, scan_path):
    win = analysed(make_window, qtbot, model_path, scan_path)
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)
    qtbot.keyClick(win.area, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    assert win.teaching.active and win.model.answer_hidden()
    qtbot.keyClick(win.area, Qt.Key.Key_R)
    assert win.model.revealed
    qtbot.keyClick(win.area, Qt.Key.Key_Return)
    assert not win.model.revealed
    qtbot.keyClick(win.area, Qt.Key.Key_P)
    assert win.actions_.pen.isChecked() and win.teaching.pen.on
    win.model.start_mark(3, 3)
    qtbot.keyClick(win.area, Qt.Key.Key_Delete)
    assert win.model.marks == ()
    qtbot.keyClick(win.area, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    assert not win.teaching.active


def test_closing_in_teaching_mode_saves_the_layout_as_the_user_had_it(make_window, qtbot):
    from dida_view.gui.viewer.window import MainWindow

    win = make_window()
    win.teaching.set_active(True, full_screen=False)
    win.close()
    assert not win.teaching.active
    again = MainWindow()
    qtbot.addWidget(again)
    again.show()
    assert again.dock.isVisible() and again.toolbar.isVisible()
    again.close()


def test_screenshots_of_the_modes(model_path, scan_path, tmp_path, capsys):
    from dida_view.gui import app

    for mode, extra in (("teaching", []), ("teaching", ["--reveal"]), ("patient", [])):
        out = tmp_path / f"{mode}{len(extra)}.png"
        rc = app.main([str(scan_path), "--model", str(model_path), "--screenshot", str(out),
                       "--size", "1024x768", "--mode", mode, *extra])
        assert rc == 0, capsys.readouterr().err
        assert np.asarray(Image.open(out)).shape[:2] == (768, 1024)

"""The synchronized square and the linked zoom/pan."""

from __future__ import annotations

from guitools import wait_done
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from dida_view.gui.viewer.cursor import CursorModel
from dida_view.gui.viewer.panel import SQUARE


def move(panel, pos: QPoint) -> None:
    """Deliver a mouse move to a panel (offscreen platforms may not synthesise one)."""
    ev = QMouseEvent(QMouseEvent.Type.MouseMove, QPointF(pos), panel.mapToGlobal(QPointF(pos)),
                     Qt.MouseButton.NoButton, Qt.MouseButton.NoButton,
                     Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(panel, ev)


def test_square_is_drawn_at_the_same_image_position_on_all_panels(
        make_window, qtbot, model_path, scan_path):
    win = make_window()
    win.open_model(model_path)
    win.open_image(scan_path)
    wait_done(qtbot, win)
    panels = win.area.panels
    src = panels[2]
    rect = src.image_rect()
    target = QPoint(int(rect.left() + rect.width() * 0.3), int(rect.top() + rect.height() * 0.6))
    expected = src.to_image(QPointF(target))
    with qtbot.waitSignal(win.cursor.moved, timeout=1000):
        move(src, target)
    pos = win.cursor.pos
    assert abs(pos.x() - expected.x()) < 1e-6 and abs(pos.y() - expected.y()) < 1e-6
    half = win.cursor.size / 2
    for p in panels:
        sq = p.square_rect()
        assert sq is not None
        tl, br = p.to_image(sq.topLeft()), p.to_image(sq.bottomRight())
        assert abs(tl.x() - (pos.x() - half)) < 1e-6 and abs(tl.y() - (pos.y() - half)) < 1e-6
        assert abs(br.x() - (pos.x() + half)) < 1e-6 and abs(br.y() - (pos.y() + half)) < 1e-6
        # and it is really painted there: the square's outline colour on its top edge
        img = p.grab().toImage()
        dpr = img.devicePixelRatio()
        px = img.pixelColor(int(sq.center().x() * dpr), int(sq.top() * dpr))
        assert (px.red(), px.green(), px.blue()) == (SQUARE.red(), SQUARE.green(), SQUARE.blue())
    reading = win.probe.reading
    assert reading is not None and reading.columns == ["mixed d"] and len(reading.rows) == 3


def test_square_size_and_leaving(make_window, qtbot, model_path, scan_path):
    win = make_window()
    win.open_model(model_path)
    win.open_image(scan_path)
    wait_done(qtbot, win)
    win.controls.square.setValue(10)
    assert win.cursor.size == 10
    win.cursor.set_now(QPointF(20, 30))
    a = win.area.panels[1].square_rect()
    assert abs(a.width() - 10 * win.area.panels[1].scale()) < 1e-6
    win.cursor.set_now(None)
    assert all(p.square_rect() is None for p in win.area.panels)
    assert win.probe.reading is None


def test_mouse_moves_are_coalesced(qtbot):
    cursor = CursorModel(interval_ms=20)
    seen = []
    cursor.moved.connect(seen.append)
    for i in range(50):
        cursor.propose(QPointF(i, i))
    qtbot.waitUntil(lambda: bool(seen), timeout=1000)
    qtbot.wait(40)
    assert len(seen) == 1 and seen[0] == QPointF(49, 49)


def test_zoom_and_pan_are_linked(make_window, qtbot, model_path, scan_path):
    win = make_window()
    win.open_model(model_path)
    win.open_image(scan_path)
    wait_done(qtbot, win)
    panels = win.area.panels
    win.actions_.zoom_in.trigger()
    win.actions_.zoom_in.trigger()
    assert abs(win.zoom.zoom - 1.5625) < 1e-9
    win.zoom.pan_to(QPointF(30, 40))
    for p in panels:
        mid = p.image_area().center()
        c = p.to_image(mid)
        assert abs(c.x() - 30) < 1e-6 and abs(c.y() - 40) < 1e-6
    # a drag on one panel pans all of them
    p = panels[1]
    start = QPointF(p.image_area().center())
    for kind, pos, btns in ((QMouseEvent.Type.MouseButtonPress, start, Qt.MouseButton.LeftButton),
                            (QMouseEvent.Type.MouseMove, start + QPointF(40, 0),
                             Qt.MouseButton.LeftButton),
                            (QMouseEvent.Type.MouseButtonRelease, start + QPointF(40, 0),
                             Qt.MouseButton.NoButton)):
        QApplication.sendEvent(p, QMouseEvent(kind, pos, p.mapToGlobal(pos),
                                              Qt.MouseButton.LeftButton, btns,
                                              Qt.KeyboardModifier.NoModifier))
    assert win.zoom.effective_center().x() < 30
    win.actions_.fit.trigger()
    assert win.zoom.zoom == 1.0 and win.zoom.center is None

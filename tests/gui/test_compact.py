"""Small windows give the height to the scans (issue 17): at 1280 x 720 and 1024 x 768 the
controls fold into tabs; a click unfolds one, a second folds it; large windows keep the
groups side by side."""

from __future__ import annotations

import pytest
from guitools import wait_done, write_scan
from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QScrollArea


def _opened(make_window, qtbot, model_path, tmp_path, size):
    scan = write_scan(tmp_path / "wide.png", height=248, width=512)  # OCT-like 2:1
    win = make_window(size=size)
    win.open_model(model_path)
    win.open_image(scan)
    wait_done(qtbot, win)
    qtbot.wait(50)  # the dock takes its height on the next pass
    return win


def _scan_height(win) -> float:
    p = win.area.panels[1]
    return p.image_rect().intersected(QRectF(p.rect())).height()


@pytest.mark.parametrize("size", [(1280, 720), (1024, 768)])
def test_small_windows_fold_the_controls_and_the_scans_grow(make_window, qtbot, model_path,
                                                            tmp_path, size):
    win = _opened(make_window, qtbot, model_path, tmp_path, size)
    h = win.height()
    qtbot.waitUntil(lambda: win.dock.isVisible() and win.dock.height() <= 0.12 * h)
    assert _scan_height(win) >= 0.25 * h, _scan_height(win)  # about 150 px before: 20 %
    scroll = win.dock.findChild(QScrollArea)
    assert not scroll.horizontalScrollBar().isVisible()  # 1024 had one
    c = win.controls
    assert c.tabbed and c.folded and c.tab_bar.isVisible() and not c.pages.isVisible()
    folded_scan = _scan_height(win)
    c._on_tab(0)  # the Classes tab: its page unfolds, the scans give way (for now)
    qtbot.waitUntil(lambda: win.dock.height() > 0.12 * h)  # layouts settle (a busy machine)
    assert not c.folded and c.classes.isVisible()
    assert win.dock.height() > 0.12 * h and _scan_height(win) <= folded_scan
    c._on_tab(2)  # another tab: its page
    assert not c.folded and c.grids.isVisible() and not c.classes.isVisible()
    c._on_tab(2)  # the same tab again: folded
    qtbot.waitUntil(lambda: win.dock.height() <= 0.12 * h)
    assert c.folded


def test_a_large_window_keeps_the_groups_side_by_side(make_window, qtbot, model_path,
                                                      tmp_path):
    win = _opened(make_window, qtbot, model_path, tmp_path, (1920, 1080))
    c = win.controls
    assert not c.tabbed and c.classes.isVisible() and c.grids.isVisible()
    assert win.dock.height() >= 150
    win.resize(1024, 768)  # and back: tabs, then side by side again at their height
    qtbot.waitUntil(lambda: c.tabbed and c.folded)
    win.resize(1920, 1080)
    qtbot.waitUntil(lambda: not c.tabbed and win.dock.height() >= 150)
    assert c.classes.isVisible()

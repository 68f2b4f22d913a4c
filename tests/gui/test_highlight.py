"""The panel a chosen class goes to is framed in amber, never blue, and only once chosen."""

from __future__ import annotations

from guitools import wait_done
from PySide6.QtCore import QPointF, Qt

from dida_view.gui.viewer.panel import TARGET_FRAME, qimage_to_array


def _is_blue(rgb) -> bool:
    r, g, b = (int(c) for c in rgb)
    return b > 150 and b > r + 60


def test_no_panel_is_highlighted_until_the_user_picks_one(make_window, qtbot, model_path,
                                                          scan_path):
    win = make_window()
    win.open_model(model_path)
    win.open_image(scan_path)
    wait_done(qtbot, win)
    assert not any(p.target for p in win.area.panels)
    panel = win.area.panels[2]
    qtbot.mouseClick(panel, Qt.MouseButton.LeftButton, pos=panel.rect().center())
    assert [p.target for p in win.area.panels] == [False, False, True, False]
    p = win.area.panels[2]
    img = qimage_to_array(p.grab().toImage().scaled(p.width(), p.height()))
    header = img[2: p.header_h - 2, 10: p.width() - 10].reshape(-1, 3)
    assert not any(_is_blue(c) for c in header[:: 7])
    frame = img[1, p.width() // 2]
    assert tuple(int(c) for c in frame) == (TARGET_FRAME.red(), TARGET_FRAME.green(),
                                            TARGET_FRAME.blue())
    assert not _is_blue((TARGET_FRAME.red(), TARGET_FRAME.green(), TARGET_FRAME.blue()))
    # a class chosen in the list lands in the framed panel
    win.cursor.set_now(QPointF(5, 5))
    m = win.model
    missing = [k for k in range(len(m.result.labels)) if k not in m.panel_classes][0]
    win.controls.class_chosen.emit(missing)
    assert m.panel_classes[1] == missing and win.area.panels[2].target

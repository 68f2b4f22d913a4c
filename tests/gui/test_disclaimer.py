""""Not for diagnosis" never goes missing on screen (issue 17): the status bar keeps the
model line whole at 1024 x 768 (cut in its middle if ever), in English and Japanese."""

from __future__ import annotations

import pytest
from guitools import wait_done

from dida_view.gui import i18n


def _shown(label) -> str:
    """What the label really shows: its text when it has the room, else what is drawn."""
    shown = label.shown_text() if hasattr(label, "shown_text") else label.text()
    if shown == label.text():
        assert label.fontMetrics().horizontalAdvance(shown) <= label.contentsRect().width(), \
            "the text is wider than the label: cut off at its end"
    return shown


@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("width", [1024, 800])
def test_the_status_bar_keeps_not_for_diagnosis(make_window, qtbot, model_path, scan_path,
                                                lang, width):
    disclaimer = {"en": "not for diagnosis", "ja": "診断用ではありません"}[lang]
    assert i18n.install_language(lang)
    try:
        win = make_window(size=(width, 768))
        win.open_model(model_path)
        win.open_image(scan_path)
        wait_done(qtbot, win)
        win.status.message("Done: from cache in 0.01 s (computed earlier: 1679 masked images "
                           "in 2.5 s, black mask), incremental engine, and more words")
        qtbot.wait(20)
        line = win.status.model_line
        assert disclaimer in line.text()
        shown = _shown(line)
        assert shown.endswith(disclaimer) and shown.startswith("region.onnx")
        right = line.mapTo(win, line.rect().topRight()).x()
        assert right <= win.width()
    finally:
        i18n.install_language("en")


@pytest.mark.parametrize("size", [(1920, 1080), (1024, 768)])
def test_teaching_mode_shows_the_model_and_not_for_diagnosis(make_window, qtbot, model_path,
                                                             scan_path, size):
    """Teaching mode hides the status bar: the projector showed neither the model nor the
    disclaimer. The banner carries the model line now, quiz or answer."""
    from PySide6.QtGui import QTextDocument

    win = make_window(size=size)
    win.open_model(model_path)
    win.open_image(scan_path)
    wait_done(qtbot, win)
    win.teaching.set_active(True, full_screen=False)
    for revealed in (False, True):
        win.model.revealed = revealed
        qtbot.wait(20)
        banner = win.teaching.banner
        doc = QTextDocument()
        doc.setHtml(banner.text())
        words = doc.toPlainText()
        assert "region.onnx" in words and "not for diagnosis" in words
        assert banner.isVisible() and banner.height() >= banner.heightForWidth(banner.width())
        assert not win.statusBar().isVisible()
    win.teaching.set_active(False)

"""The legend says what full colour means, in plain words and the score's unit."""

from __future__ import annotations

from guitools import wait_done

from dida_view.method.analysis import Settings


def test_legend_gives_full_colour_in_the_score_unit(make_window, qtbot, model_path,
                                                      scan_path):
    win = make_window()
    win.open_model(model_path)
    win.open_image(scan_path)
    wait_done(qtbot, win)
    text = win.legend.scale.text()
    assert text.startswith("full red = the class's score drops by ")
    assert "probability points when that region is hidden" in text
    assert win.legend.scale.isVisible()
    # the number is the shared scale over the gain: doubling the gain halves it
    number = float(text.split("drops by ")[1].split()[0])
    win.controls.gain.setValue(10)  # 2x
    halved = float(win.legend.scale.text().split("drops by ")[1].split()[0])
    assert abs(halved - number / 2) <= 0.002 * number + 1e-3
    win.set_analysis_settings(Settings(grid_sizes=(2, 3), score_space="log-odds"))
    wait_done(qtbot, win)
    assert win.model.result.score_space == "log-odds"
    assert "log-odds when that region is hidden" in win.legend.scale.text()


NOTE = ("probability saturated (top p = 0.999): showing log-odds, where masking a cell can "
        "still move the score")


def _note_label(legend):
    from PySide6.QtWidgets import QLabel

    (label,) = [w for w in legend.findChildren(QLabel) if "probability saturated" in w.text()]
    return label


def _whole(label, legend) -> bool:
    """The label is shown whole: inside the legend, as tall as its wrapped text."""
    from PySide6.QtCore import QRect

    inside = QRect(label.mapTo(legend, label.rect().topLeft()), label.size())
    need = label.heightForWidth(label.width()) if label.wordWrap() else label.sizeHint().height()
    return legend.rect().contains(inside) and label.height() >= need


def test_the_score_space_note_gets_the_legends_width_not_a_column(make_window, qtbot):
    """Issue 17: the note was squeezed into a column about 70 pixels wide, 12 lines tall."""
    from dida_view.gui.i18n import full_colour_words

    win = make_window(size=(1280, 720))
    win.legend.set_state("log-odds", NOTE, full_colour_words(2.3, "log-odds"))
    qtbot.wait(20)
    label = _note_label(win.legend)
    assert label.width() >= 0.6 * win.legend.width()
    assert label.height() <= 3 * label.fontMetrics().height() + 8
    assert _whole(label, win.legend)


def test_teaching_mode_shows_the_note_whole(make_window, qtbot):
    """Teaching mode fixed the legend at five lines: the note was cut mid-sentence."""
    from dida_view.gui.i18n import full_colour_words

    win = make_window(size=(1024, 768))
    win.teaching.set_active(True, full_screen=False)
    win.legend.set_state("log-odds", NOTE, full_colour_words(2.3, "log-odds"))
    qtbot.wait(30)
    assert _whole(_note_label(win.legend), win.legend)
    win.teaching.set_active(False)

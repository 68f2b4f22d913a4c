"""The volume bar's words are never cut (issue 17: "4 of 1... an...")."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QProgressBar

from dida_view.gui.volume.widgets import ScanBar


def _shown_progress_texts(bar: ScanBar) -> list[tuple[str, int, int]]:
    """(text, width it needs, width it has) of every visible widget showing the progress."""
    out = []
    for w in bar.findChildren(QLabel) + bar.findChildren(QProgressBar):
        text = w.text()
        if w.isVisible() and "analysed" in text:
            if isinstance(w, QProgressBar) and not w.isTextVisible():
                continue
            out.append((text, w.fontMetrics().horizontalAdvance(text), w.contentsRect().width()))
    return out


def test_the_analysed_count_is_shown_whole_at_1024(qtbot):
    bar = ScanBar()
    qtbot.addWidget(bar)
    bar.resize(1016, 40)
    bar.show()
    bar.show_scan(128, 63, ())
    bar.show_progress(47, 128, True)
    qtbot.waitExposed(bar)
    bar.layout().activate()
    shown = _shown_progress_texts(bar)
    assert [t for t, _, _ in shown] == ["47 of 128 B-scans analysed"]
    for text, need, have in shown:
        assert need <= have, (text, need, have)
    bar.show_progress(128, 128, False)
    assert _shown_progress_texts(bar) == []

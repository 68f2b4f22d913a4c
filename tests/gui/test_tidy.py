"""Tidying: the class table in the Fig. 3 view, its column widths, theme, toolbar."""

from __future__ import annotations

from guitools import wait_done

from dida_view.gui.controls import ALL_GRIDS


def _shown_in(win) -> dict[str, str]:
    t = win.controls.classes
    return {t.topLevelItem(i).text(1): t.topLevelItem(i).text(3)
            for i in range(t.topLevelItemCount())}


def test_fig3_view_does_not_claim_classes_are_in_other_panels(make_window, qtbot, model_path,
                                                              scan_path):
    win = make_window()
    win.open_model(model_path)
    win.open_image(scan_path)
    wait_done(qtbot, win)
    labels = win.result.labels
    assert sorted(v for v in _shown_in(win).values() if v) == ["panel 1", "panel 2", "panel 3"]
    win.controls.view.setCurrentIndex(win.controls.view.findData(ALL_GRIDS))
    shown = _shown_in(win)
    assert shown[labels[win.focus_class()]] == "all panels"
    assert [v for v in shown.values() if v] == ["all panels"]


def test_class_column_does_not_take_half_the_dock(make_window, qtbot, model_path, scan_path):
    win = make_window(size=(1920, 1080))
    win.open_model(model_path)
    win.open_image(scan_path)
    wait_done(qtbot, win)
    tree = win.controls.classes
    qtbot.wait(10)
    assert tree.columnWidth(1) < 0.4 * tree.viewport().width()
    assert tree.columnWidth(1) >= tree.header().sectionSizeHint(1) - 1  # names not cut

"""Tidying: the class table in the Fig. 3 view, its column widths, theme, toolbar."""

from __future__ import annotations

from guitools import wait_done

from dida_view.viewmodel.viewer import ALL_GRIDS


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
    labels = win.model.result.labels
    assert sorted(v for v in _shown_in(win).values() if v) == ["panel 1", "panel 2", "panel 3"]
    win.controls.view.setCurrentIndex(win.controls.view.findData(ALL_GRIDS))
    shown = _shown_in(win)
    assert shown[labels[win.model.focus_class()]] == "all panels"
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


def test_dark_theme_toggle_applies_and_is_kept(make_window, qapp):
    from PySide6.QtGui import QPalette

    from dida_view.gui.theme import apply_theme, is_dark

    def window_lightness() -> int:
        return qapp.palette().color(QPalette.ColorRole.Window).lightness()

    try:
        win = make_window()
        assert not win.actions_.dark.isChecked() and window_lightness() > 150
        win.actions_.dark.trigger()
        assert window_lightness() < 80 and is_dark(win.store)
        assert qapp.style().name().lower() == "fusion"
        # blue is kept for "argues against": the selection highlight is not blue
        hl = qapp.palette().color(QPalette.ColorRole.Highlight)
        assert not (hl.blue() > hl.red() + 60)
        win.close()
        again = make_window()  # same QSettings: starts dark
        assert again.actions_.dark.isChecked() and window_lightness() < 80
        again.actions_.dark.trigger()
        assert window_lightness() > 150 and not is_dark(again.store)
    finally:
        apply_theme(False)


def test_theme_option_for_one_run(model_path, scan_path, tmp_path, capsys):
    import numpy as np
    from PIL import Image

    from dida_view.gui import app
    from dida_view.gui.qsettings import make_settings
    from dida_view.gui.theme import apply_theme, is_dark

    shots = {}
    try:
        for t in ("light", "dark"):
            shots[t] = tmp_path / f"{t}.png"
            assert app.main([str(scan_path), "--model", str(model_path), "--screenshot",
                             str(shots[t]), "--size", "900x480", "--theme", t]) == 0
    finally:
        apply_theme(False)
    light, dark = (np.asarray(Image.open(shots[t]).convert("L"))[-120:] for t in shots)
    assert dark.mean() < light.mean() - 60  # the controls below the panels
    assert not is_dark(make_settings())  # not saved


def test_toolbar_has_the_main_actions_and_a_view_choice_in_step(make_window, qtbot,
                                                                model_path, scan_path):
    win = make_window()
    a = win.actions_
    actions = win.toolbar.actions()
    for act in (a.open_image, a.open_model, a.rerun, a.cancel, a.export_figure):
        assert act in actions and not act.icon().isNull()
    win.open_model(model_path)
    win.open_image(scan_path)
    wait_done(qtbot, win)
    combo = win.toolbar_view
    assert combo.count() == win.controls.view.count() == 4  # mixed, 2, 3, all grids
    combo.setCurrentIndex(combo.findData(ALL_GRIDS))
    assert win.controls.view_value() == ALL_GRIDS
    assert len(win.area.panels) == 4 and "grid 2 x 2" in win.area.panels[1].header
    win.controls.view.setCurrentIndex(win.controls.view.findData(3))
    assert combo.currentData() == 3
    run = win.run_id
    a.rerun.trigger()
    assert win.run_id != run
    wait_done(qtbot, win)
    assert combo.currentData() == 3  # the refilled list keeps the choice in both
    win.model.view = ALL_GRIDS  # set on the model (--view, a test): both combos follow
    assert combo.currentData() == ALL_GRIDS == win.controls.view_value()


def test_fig3_titles_name_the_grid_without_being_cut(make_window, qtbot, model_path,
                                                     scan_path):
    from PySide6.QtGui import QFontMetrics

    win = make_window(size=(1600, 700), grids=(7, 9, 11, 13, 15, 17, 19, 21))
    win.open_model(model_path)
    win.open_image(scan_path)
    wait_done(qtbot, win)
    win.model.view = ALL_GRIDS
    panels = win.area.panels
    rows, cols = win.model.result.cell_shape(7)
    assert len(panels) == 10 and panels[1].header == f"grid {rows} x {cols}"
    for p in panels[1:]:
        assert QFontMetrics(p._title_font()).horizontalAdvance(p.header) <= p.width() - 16
    for p in panels[1:-1]:
        assert p.header_texts()[0] == p.header and p.caption == ""  # drawn whole
    label = win.model.result.labels[win.model.focus_class()]
    # the class is said once, in the Mixed Image's caption, whole beside its title (which
    # gives way first in a panel this narrow: 162 pixels)
    mixed = panels[-1]
    title, caption = mixed.header_texts()
    assert mixed.caption.startswith(label) and caption == mixed.caption
    assert title.startswith("Mix")

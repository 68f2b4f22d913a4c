"""The panel layout: one row or two by the area's shape, scans filling their panels."""

from __future__ import annotations

import pytest
from guitools import wait_done
from PySide6.QtCore import QRectF

from dida_view.gui.viewer.layout import choose_grid, coverage, header_height, title_px


def test_a_wide_area_gets_one_row_and_a_square_one_two():
    wide = choose_grid(1900, 700, 512, 496, 4)
    assert (wide.columns, wide.rows) == (4, 1)
    square = choose_grid(1000, 1000, 512, 496, 4)
    assert (square.columns, square.rows) == (2, 2)
    # whichever shows the scans larger: 2x2 here beats 1x4 by a wide margin
    one_row = (1000 - 12) / 4 / 512
    assert square.scale > 1.5 * one_row


def test_panels_hug_their_scans_and_fit_the_area():
    for area in [(1900, 700), (1270, 420), (1000, 1000), (600, 900)]:
        for count in (1, 4, 10):
            g = choose_grid(*area, 512, 496, count)
            assert g.panel_w == pytest.approx(512 * g.scale)
            assert g.panel_h == pytest.approx(496 * g.scale + g.header_h)
            assert g.columns * g.panel_w + (g.columns - 1) * 4 <= area[0] + 1e-6
            assert g.rows * g.panel_h + (g.rows - 1) * 4 <= area[1] + 1e-6
            assert g.rows * g.columns - count < g.columns  # no empty row


def test_without_an_image_the_panel_fills_the_area():
    g = choose_grid(800, 600, 0, 0, 1)
    assert (g.panel_w, g.panel_h) == (800, 600)


def test_titles_grow_with_the_panel_within_limits():
    assert title_px(100) == 13 and title_px(5000) == 34
    assert title_px(300) < title_px(475) < title_px(900)
    assert header_height(900) > header_height(300)
    assert choose_grid(1000, 1000, 512, 496, 4).title_px >= 18


def test_coverage_of_the_paper_row_at_full_hd():
    area = (1910, 760)
    g = choose_grid(*area, 512, 496, 4)
    assert coverage(g, *area, 4) > 0.55


def test_at_1920x1080_the_scans_cover_most_of_each_panel(make_window, qtbot, model_path,
                                                          scan_path):
    win = make_window(size=(1920, 1080))
    win.open_model(model_path)
    win.open_image(scan_path)
    wait_done(qtbot, win)
    for hide_controls in (False, True):
        win.dock.setVisible(not hide_controls)
        qtbot.wait(10)
        for p in win.area.panels:
            assert p.has_picture()
            shown = p.image_rect().intersected(QRectF(p.rect()))
            share = shown.width() * shown.height() / (p.width() * p.height())
            assert share > 0.85, (hide_controls, share)
            assert p.title_px >= 14
        g = win.area.grid
        assert g.columns * g.rows >= 4


def test_projector_window_without_controls_switches_to_two_rows(make_window, qtbot,
                                                                model_path, tmp_path):
    from guitools import write_scan

    scan = write_scan(tmp_path / "square.png", height=124, width=128)  # OCT-like 1:1
    win = make_window(size=(1024, 768))
    win.open_model(model_path)
    win.open_image(scan)
    wait_done(qtbot, win)
    assert (win.area.grid.columns, win.area.grid.rows) == (4, 1)
    win.dock.setVisible(False)  # the presenter hides the controls
    qtbot.waitUntil(lambda: win.area.grid.rows == 2, timeout=1000)
    assert win.area.grid.columns == 2 and win.area.panels[1].title_px >= 13


@pytest.mark.parametrize("image", [(1024, 496), (768, 496), (512, 496)])
def test_four_panels_are_one_row_or_two_by_two_never_three_and_one(image):
    # at 1920 x 1080 the panel area is about 1900 x 500..700 (the controls take the rest):
    # 3 + 1 left a third of it empty around rank 3 alone
    for w in range(600, 2600, 25):
        for h in range(250, 1400, 25):
            g = choose_grid(w, h, *image, 4)
            assert g.columns * g.rows == 4, (w, h, g.columns, g.rows)
            if w > h:
                assert (g.columns, g.rows) in ((4, 1), (2, 2)), (w, h)


def test_at_most_one_hole_and_only_where_no_full_grid_exists():
    from dida_view.gui.viewer.layout import allowed_columns

    assert allowed_columns(4) == [1, 2, 4]
    assert allowed_columns(3) == [1, 3]  # never 2 + 1
    assert allowed_columns(10) == [1, 2, 5, 10]
    assert allowed_columns(11) == [1, 2, 3, 4, 6, 11]  # 6 + 5, 4 + 4 + 3, ...
    g = choose_grid(1900, 700, 1024, 496, 11)
    assert g.rows * g.columns - 11 <= 1

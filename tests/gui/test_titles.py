"""Panel titles name the cells a grid really has (issue 17): square cells on a wide scan
give fewer rows than n, and the title says so, as the probe does."""

from __future__ import annotations

from guitools import wait_done

from dida_view.viewmodel.viewer import ALL_GRIDS


def test_all_grids_titles_give_the_real_cell_counts(make_window, qtbot, model_path,
                                                    scan_path):
    win = make_window(grids=(2, 3))
    win.open_model(model_path)
    win.open_image(scan_path)
    wait_done(qtbot, win)
    res = win.model.result
    assert res.cell_shape(3) == (2, 3)  # square cells on the 128 x 96 scan
    win.controls.view.setCurrentIndex(win.controls.view.findData(ALL_GRIDS))
    titles = [p.header for p in win.area.panels[1:-1]]
    assert titles == ["grid 2 x 2", "grid 2 x 3"]
    assert "grid 3 x 3" not in titles
    win.controls.view.setCurrentIndex(win.controls.view.findData(3))
    assert all(p.header.endswith("grid 2 x 3") for p in win.area.panels[1:])

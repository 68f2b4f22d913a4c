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


def test_captions_stay_off_the_scan(make_window, qtbot, model_path, scan_path):
    """The class and score, and the diagnosis, are written in the title bar: the scan's
    pixels are the same with and without them (they hid the evidence in DME_2's bottom
    band)."""
    from PySide6.QtCore import QRectF

    win = make_window(size=(1400, 700))
    win.open_model(model_path)
    win.open_image(scan_path)
    wait_done(qtbot, win)
    for p in win.area.panels[:2]:
        assert p.caption or p.top_caption
        area = p.image_rect().intersected(QRectF(p.rect())).toAlignedRect()
        with_caption = p.grab(area).toImage()
        texts = (p.header, p.caption, p.top_caption, p.hint)
        p.set_texts(p.header)
        without = p.grab(area).toImage()
        p.set_texts(*texts)
        assert with_caption == without
        title, caption = p.header_texts()
        assert caption == p.caption_text() and title  # both in the bar, whole at this size

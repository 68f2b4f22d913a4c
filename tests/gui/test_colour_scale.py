"""A4: a single-grid view and the Fig. 3 view are scaled by each grid's own largest |d|."""

from __future__ import annotations

import numpy as np
from PIL import Image

from dida_view.gui.viewer.controls import ALL_GRIDS
from dida_view.gui.viewer.panel import qimage_to_array
from dida_view.method.dida import DidaResult
from dida_view.model.preprocess import Box

SIDE = 90  # divisible by 3 and 9: every cell is 30 or 10 pixels


def known_result() -> DidaResult:
    """Class 0: grid 3 has |d| up to 1.0 (and 0.5 in one cell), grid 9 only up to 0.1."""
    d3 = np.zeros((2, 3, 3), np.float32)
    d3[0, 0, 0], d3[0, 2, 2] = 1.0, 0.5
    d9 = np.zeros((2, 9, 9), np.float32)
    d9[0, 4, 4], d9[0, 8, 8] = 0.1, 0.05
    d3[1], d9[1] = d3[0] / 2, d9[0] / 2  # class 1: weaker, so a shared scale is class 0's
    return DidaResult(scores=np.array([2.0, 1.0]), grid_sizes=(3, 9), d={3: d3, 9: d9},
                      evaluations=90, seconds=0.1, mask_fill="black",
                      box=Box(0, SIDE, 0, SIDE), input_size=(SIDE, SIDE), labels=["a", "b"],
                      score_space="logit", meta={"original_size": (SIDE, SIDE)})


def shown_window(make_window, tmp_path):
    path = tmp_path / "black.png"
    Image.fromarray(np.zeros((SIDE, SIDE), np.uint8)).save(path)  # the overlay is the map
    win = make_window(grids=(3, 9))
    assert win.open_image(path)
    win.controls.opacity.setValue(100)
    win.model.set_result(known_result())
    return win


def red(panel) -> np.ndarray:
    return qimage_to_array(panel._qimage)[..., 0].astype(int)


def test_single_grid_views_reach_full_colour_at_their_own_max(make_window, tmp_path):
    win = shown_window(make_window, tmp_path)
    win.controls.view.setCurrentIndex(win.controls.view.findData(3))
    r = red(win.area.panels[1])
    assert r[15, 15] == 255 and abs(r[75, 75] - 128) <= 1  # |d| 1.0 full, 0.5 half
    win.controls.view.setCurrentIndex(win.controls.view.findData(9))
    r = red(win.area.panels[1])
    assert r[45, 45] == 255 and abs(r[85, 85] - 128) <= 1  # grid 9's own max: 0.1
    assert "score drops by 0.1 logit units" in win.legend.scale.text()
    win.controls.shared.setChecked(False)  # each panel at its own scale: class 1 too
    assert red(win.area.panels[2])[45, 45] == 255


def test_fig3_view_scales_each_grid_image_by_its_own_max(make_window, tmp_path):
    win = shown_window(make_window, tmp_path)
    win.controls.view.setCurrentIndex(win.controls.view.findData(ALL_GRIDS))
    grid3, grid9 = win.area.panels[1], win.area.panels[2]
    assert "3 x 3" in grid3.header and "9 x 9" in grid9.header
    assert red(grid3)[15, 15] == 255 and abs(red(grid3)[75, 75] - 128) <= 1
    assert red(grid9)[45, 45] == 255 and abs(red(grid9)[85, 85] - 128) <= 1
    text = win.legend.scale.text()
    assert "own largest" in text  # and the Mixed Image's full colour in words
    assert "; Mixed Image: full red = the class's score drops by " in text
    assert "logit units when that region is hidden" in text

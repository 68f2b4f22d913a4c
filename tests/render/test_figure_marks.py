"""The teacher's pen marks drawn into the exported figure (core, no Qt)."""

from __future__ import annotations

import numpy as np

from dida_view.method.dida import DidaResult
from dida_view.model.preprocess import Box
from dida_view.render.figure import GAP, MARK_COLOUR, compose_figure, draw_marks


def test_draw_marks_draws_green_lines_on_a_copy():
    img = np.zeros((60, 80), np.uint8)
    out = draw_marks(img, [((10, 30), (70, 30))], width=4)
    assert out.shape == (60, 80, 3) and img.max() == 0
    assert tuple(out[30, 40]) == MARK_COLOUR
    assert tuple(out[5, 40]) == (0, 0, 0)
    dot = draw_marks(img, [((20, 20),)], width=6)
    assert tuple(dot[20, 20]) == MARK_COLOUR
    assert draw_marks(img, []).max() == 0


def _result() -> DidaResult:
    d = {2: np.zeros((2, 2, 2), np.float32)}
    d[2][0, 0, 0] = 1.0
    return DidaResult(scores=np.array([0.7, 0.3]), grid_sizes=(2,), d=d, evaluations=4,
                      seconds=0.1, mask_fill="black", box=Box(0, 64, 0, 64),
                      input_size=(64, 64), labels=["A", "B"], score_space="probability")


def test_the_figure_has_the_marks_on_every_panel():
    image = np.full((256, 256), 100, np.uint8)  # at the figure's own size: no enlarging
    marks = [((32, 80), (224, 80))]
    plain = compose_figure(image, _result(), [0, 1], legend=False)
    marked = compose_figure(image, _result(), [0, 1], legend=False, marks=marks)
    for i in range(3):  # the original and both class panels
        x = i * (256 + GAP) + 128
        assert tuple(marked[80, x]) == MARK_COLOUR
        assert tuple(plain[80, x]) != MARK_COLOUR


def test_marks_follow_a_tiny_scan_enlarged_for_the_figure():
    image = np.full((64, 64), 100, np.uint8)  # enlarged 3 times (at least 192 pixels)
    marked = compose_figure(image, _result(), [0, 1], legend=False, marks=[((8, 20), (56, 20))])
    cell = (marked.shape[1] - 2 * GAP) // 3
    for i in range(3):
        x = i * (cell + GAP) + (cell - 192) // 2 + 96
        assert tuple(marked[60, x]) == MARK_COLOUR


def test_the_figure_has_both_the_marks_and_the_clinicians_note():
    """The merge of the pen (wip-teach) and the note (wip-cases): neither drops the other."""
    image = np.full((256, 256), 100, np.uint8)
    marks = [((32, 80), (224, 80))]
    plain = compose_figure(image, _result(), [0, 1])
    both = compose_figure(image, _result(), [0, 1], note="small fluid pocket", marks=marks)
    assert both.shape[0] > plain.shape[0]  # the note is one more legend line
    assert tuple(both[80, 128]) == MARK_COLOUR

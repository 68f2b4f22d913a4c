"""Close calls and ties are said next to the scores: panel captions and the class list."""

from __future__ import annotations

import numpy as np

from dida_view.method.dida import DidaResult
from dida_view.model.preprocess import Box

LABELS = ["Normal", "Wet AMD", "Dry AMD", "ME"]


def fake_result(scores) -> DidaResult:
    d = np.zeros((4, 2, 2), np.float32)
    d[1, 0, 0] = 0.1
    return DidaResult(scores=np.asarray(scores, np.float64), grid_sizes=(2,), d={2: d},
                      evaluations=4, seconds=0.0, mask_fill="black", box=Box(0, 32, 0, 32),
                      input_size=(32, 32), labels=list(LABELS), score_space="probability")


def shown(win):
    t = win.controls.classes
    return {t.topLevelItem(i).text(1): t.topLevelItem(i).text(2)
            for i in range(t.topLevelItemCount())}


def test_a_close_call_is_flagged_in_captions_and_the_list(make_window, scan_path):
    win = make_window()
    assert win.open_image(scan_path)  # no model: nothing runs
    win.model.set_result(fake_result([0.05, 0.47, 0.44, 0.04]))
    captions = [p.caption for p in win.area.panels[1:]]
    assert captions[0] == "Wet AMD  0.470 · close call"
    assert captions[1] == "Dry AMD  0.440 · close call"
    assert captions[2] == "Normal  0.050"
    rows = shown(win)
    assert rows["Wet AMD"] == "0.470 (close call)" and rows["Normal"] == "0.050"


def test_a_clear_decision_has_no_flag_but_ties_do(make_window, scan_path):
    win = make_window()
    win.open_image(scan_path)
    win.model.set_result(fake_result([0.0502, 0.85, 0.0498, 0.05]))
    assert win.area.panels[1].caption == "Wet AMD  0.850"
    rows = shown(win)
    assert rows["Wet AMD"] == "0.850"
    assert rows["Normal"] == rows["Dry AMD"] == rows["ME"] == "0.050 (tie)"

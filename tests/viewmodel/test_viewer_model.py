"""The viewer's state model, driven without a window (and without Qt)."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace

import numpy as np
import pytest

from dida_view.method.analysis import Settings
from dida_view.method.dida import DidaResult
from dida_view.model.preprocess import Box
from dida_view.viewmodel.events import Event
from dida_view.viewmodel.viewer import ALL_GRIDS, MIXED, ViewerModel


def result(labels=("a", "b", "c", "d"), grids=(2, 4)) -> DidaResult:
    """Class k's d on grid n is (k + 1) * n in the top-left cell, 0 elsewhere."""
    c = len(labels)
    d = {}
    for n in grids:
        d[n] = np.zeros((c, n, n), np.float32)
        d[n][:, 0, 0] = [(k + 1) * n for k in range(c)]
    return DidaResult(scores=np.array([0.1, 0.4, 0.3, 0.2][:c]), grid_sizes=tuple(grids), d=d,
                      evaluations=20, seconds=0.1, mask_fill="black", box=Box(0, 8, 0, 8),
                      input_size=(8, 8), labels=list(labels), score_space="logit")


def recorder(model: ViewerModel) -> list[tuple[str, object]]:
    seen: list[tuple[str, object]] = []
    for ev in model.events.all():
        ev.connect(lambda v, name=ev.name: seen.append((name, v)))
    return seen


def loaded() -> ViewerModel:
    m = ViewerModel()
    m.set_settings(Settings(grid_sizes=(2, 4)))
    m.set_image(np.arange(16 * 16, dtype=np.uint8).reshape(16, 16), "/x/scan.png", "AMD")
    m.set_result(result())
    return m


def test_no_qt_is_imported():
    code = ("import sys, dida_view.viewmodel.viewer; "
            "print([m for m in sys.modules if m.startswith('PySide6')])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


def test_event_callbacks_run_in_order_and_disconnect():
    ev, seen = Event("x"), []
    first = ev.connect(lambda v: seen.append(("first", v)))
    ev.connect(lambda v: seen.append(("second", v)))
    ev.emit(3)
    ev.disconnect(first)
    ev.emit(4)
    assert seen == [("first", 3), ("second", 3), ("second", 4)]


def test_fields_emit_only_on_change_and_check_values():
    m = ViewerModel()
    seen = recorder(m)
    m.gain = 2.0
    m.gain = 2.0
    m.view = "3"
    m.opacity = 0.25
    m.square = 0
    m.cursor = (3, 4)
    m.cursor = (3.0, 4.0)
    assert seen == [("display", 2.0), ("display", 3), ("display", 0.25), ("square", 1),
                    ("cursor", (3.0, 4.0))]
    assert m.grid() == 3
    with pytest.raises(ValueError, match="opacity"):
        m.opacity = 1.5
    with pytest.raises(ValueError, match="gain"):
        m.gain = 0


def test_a_result_picks_the_top_classes_and_takes_the_blend_weights():
    m = ViewerModel()
    m.set_settings(Settings(grid_sizes=(2, 4), weights=(1.0, 3.0)))
    seen = recorder(m)
    m.set_image(np.zeros((16, 16), np.uint8), "/x/scan.png", "  AMD ")
    assert m.diagnosis == "AMD" and m.image_path.name == "scan.png"
    m.set_result(result())
    assert m.panel_classes == (1, 2, 3)
    np.testing.assert_allclose(m.result.weights, [0.25, 0.75])
    assert [name for name, _ in seen] == ["image", "result", "result"]


def test_choosing_a_class_goes_to_the_target_panel_and_survives_a_new_result():
    m = loaded()
    seen = recorder(m)
    m.click_panel(1)
    m.choose_class(0)
    assert m.panel_classes == (0, 2, 3) and m.picked and m.focus_class() == 0
    m.set_result(result())  # the same classes exist: the choice stays
    assert m.panel_classes == (0, 2, 3)
    m.choose_class(9)  # no such class: nothing happens
    assert [name for name, _ in seen] == ["classes", "classes", "result"]
    m.set_result(result(labels=("a", "b")))  # fewer classes: the top ones again
    assert m.panel_classes == (1, 0) and not m.picked


def test_fig3_view_follows_the_top_class_until_a_panel_is_clicked():
    m = loaded()
    m.view = ALL_GRIDS
    m.click_panel(3)  # in Fig. 3 the panels are grid sizes: no target
    assert m.focus_class() == 1 and not m.target_clicked
    m.view = MIXED
    m.click_panel(3)
    assert m.focus_class() == 3


def test_weights_alone_reweight_the_result_other_settings_ask_for_a_run():
    m = loaded()
    seen = recorder(m)
    assert not m.set_settings(Settings(grid_sizes=(2, 4), weights=(3.0, 1.0)))
    np.testing.assert_allclose(m.result.weights, [0.75, 0.25])
    assert [name for name, _ in seen] == ["settings", "result"]
    assert m.set_settings(Settings(grid_sizes=(2, 4), mask_fill="mean", weights=(3.0, 1.0)))


def test_a_new_grid_makes_a_new_result_and_the_old_one_is_untouched():
    m = ViewerModel()
    m.set_image(np.zeros((16, 16), np.uint8))
    partial = result(grids=(2, 4))
    partial = replace(partial, d={2: partial.d[2]})
    m.set_result(partial)
    first = m.result
    m.add_grid(4, result().d[4])
    assert sorted(m.result.d) == [2, 4] and sorted(first.d) == [2]


def test_probe_reads_d_under_the_square():
    m = loaded()  # 16x16 image over an 8x8 content box: grid 2 cells are 8 image pixels
    assert m.probe() is None
    m.cursor = (1, 3)  # content pixel (1, 0): top-left cell of both grids
    p = m.probe()
    assert (p.x, p.y, p.pixel, p.space) == (1, 3, str(3 * 16 + 1), "logit")
    # d = (k + 1) * n in both grids, mixed with the paper's weights
    w2, w4 = m.result.weights / m.result.weights.sum()
    assert p.columns == ["mixed d"] and [name for name, _ in p.rows] == ["b", "c", "d"]
    assert p.rows[0][1][0] == pytest.approx(2 * (2 * w2 + 4 * w4))
    m.view = 4
    assert m.probe().columns == ["d (4x4)"]
    assert [ds for _, ds in m.probe().rows] == [[8.0], [12.0], [16.0]]
    m.cursor = (5, 5)  # content pixel 2: grid 2's first cell, grid 4's second
    assert [ds for _, ds in m.probe().rows] == [[0.0], [0.0], [0.0]]
    m.view = 2
    assert [ds for _, ds in m.probe().rows] == [[4.0], [6.0], [8.0]]
    m.view = ALL_GRIDS
    m.cursor = (0, 0)
    p = m.probe()
    assert p.columns == ["2x2", "4x4", "mixed"] and len(p.rows) == 1
    assert p.rows[0][0] == "b" and p.rows[0][1][:2] == [4.0, 8.0]
    text = p.text()
    assert "b: 2x2 +4, 4x4 +8, mixed" in text and text.startswith("x 0, y 0")
    m.cursor = (99, -3)  # clamped to the image
    assert (m.probe().x, m.probe().y) == (15, 0)


def test_probe_while_a_run_is_partial_and_without_a_result():
    m = ViewerModel()
    m.set_image(np.zeros((16, 16, 3), np.uint8))
    m.image[0, 0] = (1, 2, 3)
    m.cursor = (0, 0)
    p = m.probe()
    assert (p.pixel, p.columns, p.rows) == ("1,2,3", [], [])
    partial = result(grids=(2, 4))
    m.set_result(replace(partial, d={2: partial.d[2]}))  # grid 4 not done yet
    m.view = ALL_GRIDS
    p = m.probe()
    assert p.rows == [("b", [4.0, None, 4.0])]  # mixed: over the finished grids only
    assert "4x4 …" in p.text()




def test_the_note_comes_with_the_image_and_emits_on_edit():
    m = ViewerModel()
    notes = []
    m.events.note.connect(notes.append)
    m.set_image(np.zeros((4, 4), np.uint8), "a.png", " AMD ", "fluid\n")
    assert (m.diagnosis, m.note) == ("AMD", "fluid\n") and notes == []  # a new image
    m.note = "fluid\n"
    m.note = "fluid, small"
    assert notes == ["fluid, small"]
    m.set_image(np.zeros((4, 4), np.uint8), "b.png")
    assert (m.diagnosis, m.note) == ("", "")


# -- teaching: the quiz and the pen -------------------------------------------------------------
def test_quiz_hides_the_answer_until_revealed_and_a_new_case_hides_it_again():
    m = loaded()
    m.set_result(result())
    m.cursor = (1, 1)
    assert m.probe().rows  # not a quiz: the probe reads d
    seen = recorder(m)
    m.quiz = True
    assert m.answer_hidden() and ("teaching", True) in seen
    assert m.probe().rows == [] and "a:" not in m.probe().text()  # no class, no d
    m.revealed = True
    assert not m.answer_hidden() and m.probe().rows
    m.set_image(np.zeros((16, 16), np.uint8), "/x/next.png")
    assert m.answer_hidden() and not m.revealed
    m.quiz = False
    assert not m.answer_hidden()


def test_pen_marks_are_image_points_kept_per_case():
    m = loaded()
    seen = recorder(m)
    m.start_mark(1, 2)
    m.extend_mark(3.5, 4)
    m.start_mark(10, 10)
    assert m.marks == (((1.0, 2.0), (3.5, 4.0)), ((10.0, 10.0),))
    assert [v for name, v in seen if name == "marks"][-1] == m.marks
    m.clear_marks()
    assert m.marks == ()
    m.extend_mark(5, 5)  # no stroke yet: starts one
    assert m.marks == (((5.0, 5.0),),)
    m.set_image(np.zeros((16, 16), np.uint8), "/x/next.png")
    assert m.marks == () and seen[-1] == ("marks", ())

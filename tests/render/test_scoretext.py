"""Scores in words: close calls, ties, and what full colour means."""

from __future__ import annotations

import numpy as np
import pytest

from dida_view.method.dida import DidaResult
from dida_view.model.preprocess import Box
from dida_view.render.figure import class_title, compose_figure, legend_lines
from dida_view.render.scoretext import (
    CLOSE_LOG,
    CLOSE_PROBABILITY,
    close_threshold,
    format_score,
    full_colour_words,
    plain_number,
    score_flags,
    unit_words,
)

LABELS = ["Normal", "Wet AMD", "Dry AMD"]


def result(scores, space="probability", d_top=0.12) -> DidaResult:
    d = np.zeros((3, 2, 2), np.float32)
    d[0, 0, 0] = d_top
    return DidaResult(scores=np.asarray(scores, np.float64), grid_sizes=(2,), d={2: d},
                      evaluations=4, seconds=0.0, mask_fill="black", box=Box(0, 8, 0, 8),
                      input_size=(8, 8), labels=list(LABELS), score_space=space)


def test_thresholds_are_documented_values():
    assert close_threshold("probability") == CLOSE_PROBABILITY == 0.05
    assert close_threshold("logit") == close_threshold("log-odds") == CLOSE_LOG == 0.5


@pytest.mark.parametrize("scores, space, close", [
    ([0.10, 0.48, 0.42], "probability", False),  # 0.06 apart: clear
    ([0.10, 0.47, 0.43], "probability", True),   # 0.04 apart: close
    ([0.05, 0.80, 0.15], "probability", False),
    ([1.0, 3.0, 2.6], "logit", True),            # 0.4 < 0.5
    ([1.0, 3.0, 2.4], "log-odds", False),        # 0.6
])
def test_close_call_by_the_top_two_margin(scores, space, close):
    f = score_flags(scores, space)
    assert f.close is close
    assert (f.leader, f.runner_up) == (1, 2)
    assert f.margin == pytest.approx(scores[1] - scores[2])
    assert (f.flag(1) == "close call") is close and (f.flag(2) == "close call") is close
    assert f.flag(0) == ""
    assert bool(f.summary(LABELS)) is close


def test_a_tie_at_the_shown_precision_is_flagged_even_when_the_digits_differ():
    f = score_flags([0.0041, 0.4562, 0.4558], "probability")
    assert format_score(0.4562, "probability") == format_score(0.4558, "probability")
    assert f.ties == ((1, 2),) and f.flag(1) == f.flag(2) == "tie"
    assert f.summary(LABELS).startswith("Tie: Wet AMD and Dry AMD")
    # low classes tying is flagged too, but is no close call of the decision
    f = score_flags([0.0042, 0.0038, 0.992], "probability")
    assert f.ties == ((0, 1),) and not f.close and f.summary(LABELS) == ""


def test_single_class_and_summary_wording():
    assert score_flags([0.7], "probability").close is False
    s = score_flags([0.1, 0.47, 0.43], "probability").summary(LABELS)
    assert s == "Close call: Wet AMD leads Dry AMD by 0.04 probability points (< 0.05)"


def test_full_colour_in_plain_words_with_the_unit():
    assert full_colour_words(0.1234, "probability").startswith(
        "full red = the class's score drops by 0.123 probability points when that region is "
        "hidden")
    assert "4.2 log-odds" in full_colour_words(4.2, "log-odds")
    assert "12.3 logit units" in full_colour_words(12.31, "logit")
    assert unit_words("score") == "score units"
    assert [plain_number(x) for x in (0.1234, 12.34, 0.03, 0.000456, 4.6e-9, 120.0)] == [
        "0.123", "12.3", "0.03", "0.000456", "4.60e-09", "120"]


def test_panel_titles_and_the_figure_flag_a_close_call():
    res = result([0.1, 0.47, 0.43])
    assert class_title(res, 1) == "Wet AMD  0.470 · close call"
    assert class_title(res, 0) == "Normal  0.100"
    lines = legend_lines(res, 0.12)
    assert any(line.startswith("Close call: Wet AMD leads Dry AMD") for line in lines)
    assert lines[1].startswith("Full red = the class's score drops by 0.12 probability points")
    assert "log-odds when" in legend_lines(result([0.1, 0.9, 0.0], "log-odds"), 2.0)[1]
    clear = result([0.05, 0.8, 0.15])
    assert not any("Close call" in line for line in legend_lines(clear, 0.12))
    img = np.full((64, 64), 128, np.uint8)
    with_call = compose_figure(img, res)
    without = compose_figure(img, clear)
    assert with_call.shape[0] > without.shape[0]  # one more legend line

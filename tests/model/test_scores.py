"""Score spaces on known-answer models: ``auto`` un-saturates probability outputs too,
and a score no space can resolve is flagged, not shown as a blank 'no evidence' map."""

import numpy as np
import pytest
from onnx_models import make_region_model

from dida_view.method.analysis import Settings, analyze
from dida_view.model.onnx import OnnxClassifier
from dida_view.model.scores import pinned_classes, resolve_space, to_space

REGIONS = [(0, 16, 0, 16), (16, 32, 16, 32), (0, 32, 0, 32)]


def bright_top_left():
    img = np.full((32, 32), 60, np.uint8)
    img[:16, :16] = 250
    return img


def softmax_model(tmp_path, gain):
    clf = OnnxClassifier(make_region_model(tmp_path / f"s{gain}.onnx", REGIONS, softmax=True,
                                           gain=gain))
    assert clf.outputs_probabilities
    return clf


def test_auto_uses_log_odds_for_a_saturated_probability_output(tmp_path):
    clf = softmax_model(tmp_path, 60.0)  # top p == 1.0 in float32, the others ~1e-15
    img = bright_top_left()
    raw = clf.raw(np.repeat(img[..., None], 3, 2)[None].astype(np.float32))[0]
    assert raw[0] == np.float32(1.0) and np.all(raw[1:] > 0)
    flat = analyze(clf, img, Settings(grid_sizes=(4,), score_space="logit"))  # log p
    assert np.abs(flat.d[4][0]).max() == 0.0  # the blank map the old rule gave
    auto = analyze(clf, img, Settings(grid_sizes=(4,)))
    assert auto.score_space == "log-odds" and "log-odds" in auto.note
    assert np.abs(auto.d[4][0]).max() > 1.0
    assert np.all(auto.d[4][0][:2, :2] > 1.0)  # the top-left cells argue for the class
    assert auto.saturated == ()


def test_log_odds_of_probabilities_keep_precision_where_one_minus_p_is_zero():
    p = np.array([[1.0, 3.8e-20, 2.7e-15]], np.float32)
    lo = to_space(p, "log-odds", True)[0]
    assert lo[0] == pytest.approx(-np.log(3.8e-20 + 2.7e-15), rel=1e-6)  # finite, not inf
    assert lo[1] == pytest.approx(np.log(3.8e-20), rel=1e-6)


def test_log_odds_match_their_definition():
    x = np.random.default_rng(0).normal(size=(20, 6)) * 3
    p = np.exp(x) / np.exp(x).sum(1, keepdims=True)
    expected = np.log(p / (1 - p))
    np.testing.assert_allclose(to_space(x, "log-odds", False), expected, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(to_space(p, "log-odds", True), expected, rtol=1e-9, atol=1e-9)
    tie = to_space(np.array([[2.0, 2.0, -1.0]]), "log-odds", False)[0]
    assert tie[0] == pytest.approx(tie[1])


def test_logit_models_keep_logit_when_saturated():
    assert resolve_space(np.array([30.0, 0.0, -5.0]), "auto", False)[0] == "logit"
    assert resolve_space(np.array([0.995, 0.005]), "auto", True)[0] == "log-odds"
    assert resolve_space(np.array([0.6, 0.4]), "auto", True) == ("probability", None)


def test_a_score_no_space_can_resolve_is_flagged(tmp_path):
    clf = softmax_model(tmp_path, 400.0)  # p == 1.0 and every other class exactly 0
    res = analyze(clf, bright_top_left(), Settings(grid_sizes=(4,)))
    assert 0 in res.saturated
    assert "no map possible" in res.note and "not 'no evidence'" in res.note
    assert np.isfinite(res.d[4]).all()
    assert np.abs(res.d[4][0]).max() == 0.0  # blank, and flagged as such
    assert pinned_classes(np.array([0.7, 0.3]), True) == ()
    assert pinned_classes(np.array([1.0, 0.0, 0.0]), True) == (0, 1, 2)
    assert pinned_classes(np.array([1.0, 1e-30, 0.0]), True) == (2,)
    assert pinned_classes(np.array([5.0, -3.0]), False) == ()

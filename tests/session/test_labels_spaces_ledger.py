"""The session's single rules: agreement and terms, one score space per set, the run
ledger that drops late results."""

from __future__ import annotations

import numpy as np
import pytest
from onnx_models import make_region_model

from dida_view.catalogue import terms
from dida_view.method.analysis import Settings
from dida_view.model.onnx import OnnxClassifier
from dida_view.session import labels
from dida_view.session.ledger import AHEAD, VIEW, VOLUME, RunLedger
from dida_view.session.spaces import choose_space, log_space

REGIONS = [(0, 16, 0, 16), (16, 32, 16, 32), (0, 32, 0, 32)]


@pytest.mark.parametrize("top,diagnosis,want", [
    ("CNV", "cnv", "agree"), ("CNV", "脈絡膜新生血管", "agree"), ("Wet AMD", "wet_amd", "agree"),
    ("CNV", "Wet AMD", "agree"), ("DRUSEN", "early AMD", "agree"),
    ("CNV", "脈絡膜新生血管（CNV）", "agree"), ("DME", "diabetic macular oedema", "agree"),
    ("CNV", "DME", "disagree"), ("DME", "CME", "disagree"), ("ME", "DME", "disagree"),
    ("CNV", " ", "not_read"), ("CNV", None, "not_read"), (None, "CNV", "disagree"),
    ("my_label", "my label", "agree"), ("my_label", "other", "disagree")])
def test_one_agreement_rule(top, diagnosis, want):
    assert labels.agreement(top, diagnosis) == want


def test_terms():
    assert terms.term("CNV", "ja") == "脈絡膜新生血管（CNV）"
    assert terms.term("Wet AMD", "ja") == "滲出型加齢黄斑変性（Wet AMD）"
    assert terms.term("unknown", "ja") == "unknown" and terms.term("CNV") == "CNV"


def _clf(tmp_path, gain, softmax=False):
    return OnnxClassifier(make_region_model(tmp_path / f"m{gain}{softmax}.onnx", REGIONS,
                                            softmax=softmax, gain=gain))


def _bright():
    img = np.full((32, 32), 60, np.uint8)
    img[:16, :16] = 250
    return img


def test_one_space_for_a_set_resolved_on_the_first_saturating_case(tmp_path):
    clf = _clf(tmp_path, 60.0)  # logits; the bright image saturates, grey does not
    grey = np.full((32, 32), 128, np.uint8)
    seen = []

    def units(images):
        def gen():
            for i, im in enumerate(images):
                seen.append(i)
                yield f"case{i}", clf, im
        return gen

    assert choose_space("auto", [clf], units([grey, grey])).space == "probability"
    seen.clear()
    choice = choose_space("auto", [clf], units([grey, _bright(), grey, grey]), 4)
    assert choice.space == "logit" and seen == [0, 1]  # stopped at the first saturation
    assert "whole set" in choice.note and "case1" in choice.note
    one = choose_space("auto", [clf], units([_bright()]), 1)
    assert one.space == "logit" and one.note.startswith("probability saturated")
    assert choose_space("log-odds", [clf], units([grey])).space == "log-odds"


def test_a_set_of_two_kinds_of_model_takes_log_odds(tmp_path):
    logits, probs = _clf(tmp_path, 60.0), _clf(tmp_path, 60.0, softmax=True)
    assert log_space([False, False]) == "logit" and log_space([False, True]) == "log-odds"
    choice = choose_space("auto", [logits, probs],
                          lambda: iter([("a", logits, _bright())]))
    assert choice.space == "log-odds"


def test_the_ledger_drops_cancelled_and_stale_results():
    led = RunLedger()
    work = Settings(grid_sizes=(3, 5)).work()
    other = Settings(grid_sizes=(3, 7)).work()
    assert work == Settings(grid_sizes=(3, 5), weights=(1, 2), engine="full",
                            batch_size=4).work()  # none of these change d
    led.add(1, "a.png", 0, "fp1", work, VIEW)
    led.add(2, "b.png", 0, "fp1", work, AHEAD)
    led.add(3, "v.tif", 4, "fp1", work, VOLUME)
    assert led.find("b.png", purpose=AHEAD).id == 2 and led.find("b.png", 1) is None
    led.cancel([2])
    assert led.take(2, "fp1", work) is None  # cancelled: dropped
    assert led.take(1, "fp2", work) is None  # another model now
    assert led.take(3, "fp1", other) is None  # other grids now (changed during the run)
    led.add(4, "b.png", 0, "fp1", work, AHEAD)
    led.retarget(4, VIEW)
    assert led.wanted(4, "fp1", work).purpose == VIEW
    assert led.take(4, "fp1", work).path.name == "b.png" and led.jobs() == []
    assert led.take(4, "fp1", work) is None  # taken once

"""A result is a value: built once by the pipeline, never changed afterwards."""

import dataclasses

import numpy as np
import pytest
from onnx_models import make_region_model

from dida_view.method.analysis import Settings, analyze
from dida_view.method.batching import BatchTuner
from dida_view.method.cache import ResultCache
from dida_view.model.onnx import OnnxClassifier

REGIONS = [(0, 16, 0, 16), (16, 32, 16, 32)]


@pytest.fixture
def result(tmp_path):
    clf = OnnxClassifier(make_region_model(tmp_path / "m.onnx", REGIONS))
    img = np.random.default_rng(0).integers(0, 255, (40, 40), dtype=np.uint8)
    return analyze(clf, img, Settings(grid_sizes=(2, 4)))


def test_a_result_cannot_be_changed(result):
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.score_space = "probability"
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.weights = np.ones(2)
    with pytest.raises(TypeError):
        result.d[2] = np.zeros((2, 2, 2))
    with pytest.raises(TypeError):
        result.meta["cached"] = True
    for arr in (result.scores, result.d[4], result.weights, result.probabilities):
        with pytest.raises(ValueError, match="read-only"):
            arr[...] = 0
    changed = dataclasses.replace(result, weights=np.array([0.5, 0.5]))  # the way to vary
    assert changed is not result and not changed.weights.flags.writeable


def test_display_fields_are_fields_not_meta(result):
    assert set(result.meta) <= {"batch_size", "original_size", "preprocessing",
                                "score_space_requested", "engine", "engine_note"}
    assert result.from_cache is False and result.probabilities.shape == (2,)


def test_the_batch_tuner_stays_with_the_caller(tmp_path):
    clf = OnnxClassifier(make_region_model(tmp_path / "m.onnx", REGIONS))
    img = np.random.default_rng(1).integers(0, 255, (40, 40), dtype=np.uint8)
    tuner = BatchTuner([1, 2], trials=1)
    first = analyze(clf, img, Settings(grid_sizes=(4, 8)), tuner=tuner)
    assert not hasattr(clf, "batch_tuner")
    assert tuner.chosen in (1, 2) and first.meta["batch_size"] == tuner.chosen
    # the cache hands out the caller's weights without touching its own copy
    cache = ResultCache(tmp_path / "c")
    analyze(clf, img, Settings(grid_sizes=(4, 8)), cache=cache, tuner=tuner)
    hit = analyze(clf, img, Settings(grid_sizes=(4, 8), weights=(1, 3)), cache=cache)
    assert hit.from_cache and hit.lookup_seconds >= 0
    np.testing.assert_allclose(hit.weights, [0.25, 0.75])
    again = analyze(clf, img, Settings(grid_sizes=(4, 8)), cache=cache)
    np.testing.assert_allclose(again.weights, [0.4, 0.6])

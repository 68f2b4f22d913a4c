"""The status line for a finished run says when the result came from the cache."""

import dataclasses

import numpy as np

from dida_view.gui.viewer.statusbar import done_text
from dida_view.method.dida import DidaResult
from dida_view.model.preprocess import Box


def _result(**kw):
    return DidaResult(scores=np.zeros(2), grid_sizes=(2,), d={2: np.zeros((2, 2, 2))},
                      evaluations=4, seconds=12.5, mask_fill="black", box=Box(0, 8, 0, 8),
                      input_size=(8, 8), **kw)


def test_a_live_run_gives_its_cost():
    assert done_text(_result()) == "Done: 4 masked images in 12.5 s (black mask)"


def test_a_cached_result_says_from_cache_and_the_lookup_time():
    text = done_text(dataclasses.replace(_result(), from_cache=True, lookup_seconds=0.031))
    assert text.startswith("Done: from cache in 0.03 s")
    assert "computed earlier: 4 masked images in 12.5 s" in text

"""The result cache: a revisited case comes back at once, from memory or from disk."""

import numpy as np
from onnx_models import make_region_model

from dida_view.core.analysis import Settings, analyze
from dida_view.core.cache import ResultCache
from dida_view.core.model import OnnxClassifier

REGIONS = [(0, 16, 0, 16), (16, 32, 16, 32)]


def test_second_visit_is_served_from_the_cache(tmp_path):
    clf = OnnxClassifier(make_region_model(tmp_path / "m.onnx", REGIONS))
    calls = []
    raw = clf.raw
    clf.raw = lambda x: (calls.append(len(x)), raw(x))[1]
    img = np.random.default_rng(0).integers(0, 255, (40, 40), dtype=np.uint8)
    cache = ResultCache(tmp_path / "cache", memory_items=1)
    s = Settings(grid_sizes=(2, 4))
    first = analyze(clf, img, s, cache=cache)
    n_calls = len(calls)
    grids, started = [], []
    again = analyze(clf, img, s, cache=cache, on_grid=lambda n, d: grids.append(n),
                    on_start=started.append)
    assert len(calls) == n_calls  # no inference at all
    assert grids == [2, 4] and started[0].d == {} and again.meta["cached"]
    for n in (2, 4):
        np.testing.assert_array_equal(again.d[n], first.d[n])
    # other settings, another image: computed anew
    analyze(clf, img, Settings(grid_sizes=(2, 4), mask_fill="mean"), cache=cache)
    analyze(clf, 255 - img, s, cache=cache)
    assert len(calls) > n_calls
    # from disk, in a new cache object (a new session of the app)
    disk = ResultCache(tmp_path / "cache")
    before = len(calls)
    back = analyze(clf, img, Settings(grid_sizes=(2, 4), weights=(1, 3)), cache=disk)
    assert len(calls) == before and disk.hits == 1
    np.testing.assert_allclose(back.weights, [0.25, 0.75])  # weights are the caller's
    np.testing.assert_array_equal(back.scores, first.scores)
    assert back.box == first.box and back.labels == first.labels


def test_disk_cache_is_bounded(tmp_path):
    clf = OnnxClassifier(make_region_model(tmp_path / "m.onnx", REGIONS))
    cache = ResultCache(tmp_path / "c", memory_items=1, max_bytes=6000)
    rng = np.random.default_rng(1)
    for _ in range(8):
        analyze(clf, rng.integers(0, 255, (40, 40), dtype=np.uint8),
                Settings(grid_sizes=(2, 8)), cache=cache)
    files = list((tmp_path / "c").glob("*.npz"))
    assert 0 < len(files) < 8
    assert sum(f.stat().st_size for f in files) <= 6000

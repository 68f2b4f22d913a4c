"""The result cache: a revisited case comes back at once, from memory or from disk."""

import json
import os
from pathlib import Path

import numpy as np
import pytest
from onnx_models import make_region_model

from dida_view.errors import ModelError
from dida_view.method.analysis import Settings, analyze
from dida_view.method.cache import ResultCache
from dida_view.model.onnx import OnnxClassifier

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
    assert grids == [2, 4] and started[0].d == {} and again.from_cache and not first.from_cache
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


def _one_entry(tmp_path):
    """A model, an image, and the single cache file its analysis left."""
    clf = OnnxClassifier(make_region_model(tmp_path / "m.onnx", REGIONS))
    img = np.random.default_rng(2).integers(0, 255, (40, 40), dtype=np.uint8)
    first = analyze(clf, img, Settings(grid_sizes=(2, 4)), cache=ResultCache(tmp_path / "c"))
    (entry,) = (tmp_path / "c").glob("*.npz")
    return clf, img, first, entry


def _rewrite(entry, drop=(), **changes):
    with np.load(entry) as z:
        arrays = {k: z[k] for k in z.files if k not in drop}
    header = json.loads(str(arrays["header"]))
    header.update(changes)
    arrays["header"] = np.asarray(json.dumps(header))
    with open(entry, "wb") as f:
        np.savez(f, **arrays)


DAMAGE = {
    "truncated": lambda e: e.write_bytes(e.read_bytes()[: e.stat().st_size // 2]),
    "empty": lambda e: e.write_bytes(b""),
    "not a zip": lambda e: e.write_bytes(b"PK\x03\x04 garbage"),
    "bad header": lambda e: _rewrite_header(e, "{not json"),
    "missing array": lambda e: _rewrite(e, drop=("d_4",)),
    "old version": lambda e: _rewrite(e, version=1),
    "wrong shape": lambda e: _rewrite(e, labels=["one"]),
}


def _rewrite_header(entry, text):
    with np.load(entry) as z:
        arrays = {k: z[k] for k in z.files}
    arrays["header"] = np.asarray(text)
    with open(entry, "wb") as f:
        np.savez(f, **arrays)


@pytest.mark.parametrize("damage", DAMAGE)
def test_unreadable_entry_is_deleted_and_recomputed(tmp_path, damage):
    clf, img, first, entry = _one_entry(tmp_path)
    DAMAGE[damage](entry)
    calls = []
    raw = clf.raw
    clf.raw = lambda x: (calls.append(len(x)), raw(x))[1]
    cache = ResultCache(tmp_path / "c")
    assert cache.get(entry.stem) is None and not entry.exists()  # the bad file is gone
    again = analyze(clf, img, Settings(grid_sizes=(2, 4)), cache=cache)
    assert calls and not again.from_cache  # recomputed
    for n in (2, 4):
        np.testing.assert_array_equal(again.d[n], first.d[n])
    assert ResultCache(tmp_path / "c").get(entry.stem) is not None  # saved afresh


def test_each_save_writes_through_its_own_temporary_file(tmp_path, monkeypatch):
    from dida_view.method import cache as cache_module

    _, _, first, entry = _one_entry(tmp_path)
    moves = []
    real = os.replace
    monkeypatch.setattr(cache_module.os, "replace",
                        lambda src, dst: (moves.append((Path(src), Path(dst))), real(src, dst)))
    # two processes saving the same result: each has its own cache object
    ResultCache(tmp_path / "c").put(entry.stem, first)
    ResultCache(tmp_path / "c").put(entry.stem, first)
    (src1, dst1), (src2, dst2) = moves
    assert dst1 == dst2 == entry and src1 != src2
    assert src1.parent == src2.parent == entry.parent  # same folder: the rename is atomic
    assert sorted(p.name for p in entry.parent.iterdir()) == [entry.name]  # no leftovers


def test_a_preprocessing_edit_or_another_version_is_not_served_stale_maps(tmp_path,
                                                                          monkeypatch):
    """The key held the model file's hash but not the preprocessing: a sidecar edit of the
    preprocessing (the model file unchanged) was served the old maps."""
    path = make_region_model(tmp_path / "m.onnx", REGIONS)
    img = np.random.default_rng(1).integers(0, 255, (40, 60), dtype=np.uint8)
    cache = ResultCache(tmp_path / "cache")
    s = Settings(grid_sizes=(2,))
    assert not analyze(OnnxClassifier(path), img, s, cache=cache).from_cache
    assert analyze(OnnxClassifier(path), img, s, cache=cache).from_cache
    opened = OnnxClassifier(path)
    (tmp_path / "m.dida.json").write_text(json.dumps({"preprocessing": {"mean": [0.3]}}))
    with pytest.raises(ModelError, match="changed on disk"):  # edited while open
        analyze(opened, img, s, cache=cache)
    edited = OnnxClassifier(path)
    assert not analyze(edited, img, s, cache=cache).from_cache
    from dida_view.method import analysis

    monkeypatch.setattr(analysis, "METHOD_VERSION", analysis.METHOD_VERSION + 1)
    assert not analyze(edited, img, s, cache=cache).from_cache


def test_a_run_cancelled_after_its_last_batch_gives_no_result(tmp_path):
    """Cancel was checked only between batches: a run cancelled while its last batch ran
    handed its result on, as if it had not been cancelled."""
    from dida_view.errors import Cancelled

    clf = OnnxClassifier(make_region_model(tmp_path / "m.onnx", REGIONS))
    img = np.random.default_rng(2).integers(0, 255, (40, 40), dtype=np.uint8)
    state = {"done": False}

    def on_grid(n, d):
        state["done"] = True  # the last grid is done: the user cancels now

    with pytest.raises(Cancelled):
        analyze(clf, img, Settings(grid_sizes=(2,), engine="full"), on_grid=on_grid,
                cancel=lambda: state["done"])

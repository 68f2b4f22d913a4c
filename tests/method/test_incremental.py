"""Incremental inference gives full inference's ``d`` (issue 13), on small generated graphs:
strided and padded convs, pooling, residual adds, concat branches, BN, depthwise convs;
masks on every border; and it falls back, saying why, where the graph is not local."""

import numpy as np
import pytest
from onnx_nets import BODIES, make_net, make_se_first

from dida_view.errors import SettingsError
from dida_view.method import engines, incremental
from dida_view.method.analysis import Settings, analyze
from dida_view.method.cache import ResultCache
from dida_view.method.masking import make_fill
from dida_view.model.graphsplit import Axis
from dida_view.model.onnx import OnnxClassifier
from dida_view.model.preprocess import Preprocessing, prepare

SIZE = (40, 48)


def image(seed=0, shape=(40, 48, 3)):
    return np.random.default_rng(seed).integers(0, 256, shape, dtype=np.uint8)


def stretch(path, **kw):
    """The classifier with the image stretched over the whole input: cells touch all four
    borders."""
    pre = Preprocessing(input_size=SIZE, resize="stretch", mean=(0.5,), std=(0.25,), **kw)
    return OnnxClassifier(path, device="cpu", preprocessing=pre)


def assert_same_d(ref, res, tol=1e-4):
    top = max(float(np.abs(ref.d[n]).max()) for n in ref.grid_sizes)
    err = max(float(np.abs(ref.d[n] - res.d[n]).max()) for n in ref.grid_sizes)
    assert top > 0 and err <= tol * top, (err, top)
    np.testing.assert_allclose(res.scores, ref.scores, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("body", sorted(BODIES))
@pytest.mark.parametrize("fill", ["black", "noise"])
def test_incremental_d_equals_full_d(tmp_path, body, fill):
    clf = stretch(make_net(tmp_path / f"{body}.onnx", body, size=SIZE))
    settings = Settings(grid_sizes=(2, 3, 5, 7, 11), mask_fill=fill, score_space="logit",
                        batch_size=4)
    ref = analyze(clf, image(), Settings(**{**settings.__dict__, "engine": "full"}))
    res = analyze(clf, image(), Settings(**{**settings.__dict__, "engine": "incremental"}))
    assert ref.meta["engine"] == "full" and res.meta["engine"] == "incremental"
    assert res.meta["engine_note"] is None
    assert_same_d(ref, res)


@pytest.mark.parametrize("body", sorted(BODIES))
def test_every_cut_a_stage_random_rectangles_on_the_borders(tmp_path, body, monkeypatch):
    """With stages at every cut (no stage overhead), masked rectangles anywhere, many on
    an edge or a corner, give the full model's scores."""
    monkeypatch.setattr(incremental, "STAGE_OVERHEAD", 0.0)
    clf = stretch(make_net(tmp_path / f"{body}.onnx", body, size=SIZE, seed=3))
    plan = incremental.build_plan(clf)
    assert not isinstance(plan, str) and len(plan.stages) >= 3
    prep = prepare(image(1), clf.preprocessing, clf.input_size, clf.channels)
    fill = make_fill(prep.pixels, prep.box, "mean")
    state = plan.image(prep.pixels, fill)
    rng = np.random.default_rng(7)
    h, w = SIZE
    rects = [(0, h, 0, w), (0, 1, 0, 1), (h - 1, h, w - 1, w), (0, 7, w - 9, w), (h - 5, h, 0, 3)]
    for _ in range(40):
        y0, x0 = int(rng.integers(0, h)), int(rng.integers(0, w))
        rects.append((y0, int(rng.integers(y0 + 1, h + 1)), x0, int(rng.integers(x0 + 1, w + 1))))
    full = clf.raw(np.concatenate([prep.pixels[None], engines._masked(prep.pixels, fill,
                                                                          rects)]))
    d_full = full[0] - full[1:]
    for k in (1, 6, len(rects)):  # batches of different crop sizes
        got = np.concatenate([state.raw_cells(rects[s:s + k]) for s in range(0, len(rects), k)])
        err = np.abs(d_full - (state.base_raw - got)).max()
        assert err <= 1e-4 * np.abs(d_full).max()


def test_letterboxed_content_and_one_channel(tmp_path):
    path = make_net(tmp_path / "m.onnx", "residual", size=SIZE, channels=1)
    clf = OnnxClassifier(path, device="cpu", preprocessing=Preprocessing(
        input_size=SIZE, color="grey", squeeze_x=0.5, mean=(0.4,), std=(0.3,)))
    img = image(2, (60, 50))
    ref = analyze(clf, img, Settings(grid_sizes=(3, 4, 9), engine="full", mask_fill="blur"))
    res = analyze(clf, img, Settings(grid_sizes=(3, 4, 9), engine="incremental",
                                     mask_fill="blur"))
    assert res.box == ref.box and res.box.x0 > 0 and res.meta["engine"] == "incremental"
    assert_same_d(ref, res)


def test_squeeze_excitation_falls_back_and_says_so(tmp_path):
    clf = stretch(make_se_first(tmp_path / "se.onnx", size=SIZE))
    reason = incremental.plan_for(clf)
    assert isinstance(reason, str) and "no useful local prefix" in reason
    assert "GlobalAveragePool" in reason
    res = analyze(clf, image(), Settings(grid_sizes=(3,), engine="incremental"))
    assert res.meta["engine"] == "full"
    assert res.meta["engine_note"].startswith("full inference: no useful local prefix")
    auto = analyze(clf, image(), Settings(grid_sizes=(3,), engine="auto"))
    assert auto.meta["engine"] == "full" and "no useful local prefix" in auto.meta["engine_note"]
    assert res.note is None and auto.note is None  # the CLI says it once, not per image
    ref = analyze(clf, image(), Settings(grid_sizes=(3,), engine="full"))
    assert ref.meta["engine_note"] is None
    np.testing.assert_array_equal(ref.d[3], res.d[3])


def test_a_split_that_disagrees_is_not_used(tmp_path, monkeypatch):
    """The first run checks a few cells both ways; a wrong paste is caught there."""
    clf = stretch(make_net(tmp_path / "m.onnx", "plain", size=SIZE))
    monkeypatch.setattr(incremental, "_paste", lambda *a: None)
    res = analyze(clf, image(), Settings(grid_sizes=(3,), engine="incremental"))
    assert res.meta["engine"] == "full" and "disagreed" in res.meta["engine_note"]


def test_auto_runs_either_engine_with_the_same_d(tmp_path):
    clf = stretch(make_net(tmp_path / "m.onnx", "fire", size=SIZE))
    ref = analyze(clf, image(), Settings(grid_sizes=(3, 5), engine="full"))
    res = analyze(clf, image(), Settings(grid_sizes=(3, 5), engine="auto"))
    assert res.meta["engine"] in ("full", "incremental")
    assert_same_d(ref, res)


def test_the_engine_is_not_in_the_cache_key(tmp_path):
    clf = stretch(make_net(tmp_path / "m.onnx", "plain", size=SIZE))
    cache = ResultCache(tmp_path / "cache")
    first = analyze(clf, image(), Settings(grid_sizes=(3,), engine="full"), cache=cache)
    again = analyze(clf, image(), Settings(grid_sizes=(3,), engine="incremental"), cache=cache)
    assert not first.from_cache and again.from_cache


def test_nhwc_and_fixed_batch_models_fall_back(tmp_path):
    from onnx_models import make_region_model

    for kw in ({"layout": "NHWC"}, {"batch": 2}):
        path = make_region_model(tmp_path / "r.onnx", [(0, 16, 0, 16), (0, 32, 0, 32)], **kw)
        clf = OnnxClassifier(path, device="cpu")
        res = analyze(clf, image(0, (32, 32, 3)), Settings(grid_sizes=(2,), engine="incremental"))
        assert res.meta["engine"] == "full"
        assert res.meta["engine_note"].startswith("full inference: ")


def test_a_bad_engine_is_named():
    with pytest.raises(SettingsError, match="bad engine 'fast'"):
        Settings(engine="fast")


def test_crops_start_on_the_stride_grid_and_meet_the_far_border():
    starts, span = incremental._place([(3, 9), (20, 27), (0, 2)], 27, Axis(4, -3, 3))
    assert span % 4 == 27 % 4 and all(s % 4 == 0 for s in starts)
    for (n0, n1), s in zip([(3, 9), (20, 27), (0, 2)], starts, strict=True):
        assert s <= n0 and n1 <= s + span <= 27
    assert starts[1] + span == 27  # pushed against the border, still on the grid


def test_receptive_field_arithmetic():
    # two 3 x 3 convs, stride 2 then 1, padding 1: output o reads image [2o - 3, 2o + 3]
    ax = Axis().through(3, 2, 1, 1).through(3, 1, 1, 1)
    assert ax == Axis(2, -3, 3)
    assert ax.changed(10, 11, 100) == (4, 7)  # pixel 10 reaches outputs 4..6
    assert ax.needed(4, 7, 100) == (5, 16)
    assert ax.changed(0, 1, 100) == (0, 2)  # clipped at the border


def test_auto_runs_full_until_the_plan_is_ready_then_switches(tmp_path, monkeypatch):
    """The plan is built in the background: the first cells run by full inference, the
    rest incrementally, and ``d`` is the same as full inference's throughout."""
    from concurrent.futures import Future

    clf = stretch(make_net(tmp_path / "m.onnx", "residual", size=SIZE))
    plan = incremental.build_plan(clf)
    pending: Future = Future()
    monkeypatch.setattr(incremental, "plan_future", lambda c: pending)
    plan.prefer[4] = True  # measured before (no timing in tests)
    calls = []

    def grid_done(n, d):
        calls.append(n)
        if not pending.done():
            pending.set_result(plan)  # ready after the first grid

    settings = dict(grid_sizes=(3, 5, 7), batch_size=4, score_space="probability")
    res = analyze(clf, image(), Settings(engine="auto", **settings), on_grid=grid_done)
    ref = analyze(clf, image(), Settings(engine="full", **settings))
    assert calls == [3, 5, 7] and res.meta["engine"] == "incremental"
    assert_same_d(ref, res)


def test_auto_measures_on_real_cells_then_keeps_its_choice(tmp_path):
    """The first auto run times two batches both ways (their full results are used) and
    keeps the choice for the model and batch size; either choice gives full ``d``."""
    clf = stretch(make_net(tmp_path / "m.onnx", "fire", size=SIZE))
    plan = incremental.plan_for(clf)
    settings = dict(grid_sizes=(3, 5, 7), batch_size=4)
    ref = analyze(clf, image(), Settings(engine="full", **settings))
    res = analyze(clf, image(), Settings(engine="auto", **settings))
    assert plan.prefer[4] in (True, False)
    assert res.meta["engine"] == ("incremental" if plan.prefer[4] else "full")
    assert_same_d(ref, res)
    again = analyze(clf, image(), Settings(engine="auto", **settings))
    assert again.meta["engine"] == res.meta["engine"]


def test_incremental_cells_run_in_the_runners_batches_not_the_full_tuners(tmp_path):
    """The caller's batch tuner learns full inference only; incremental cells come in the
    runner's larger batches (crops shared among the workers)."""
    from dida_view.method.analysis import BATCH
    from dida_view.method.batching import BatchTuner

    clf = stretch(make_net(tmp_path / "m.onnx", "plain", size=SIZE))
    incremental.plan_for(clf).prefer[BATCH] = True  # measured before
    tuner = BatchTuner([1, 2])
    res = analyze(clf, image(), Settings(grid_sizes=(5, 7, 9), engine="auto"), tuner=tuner)
    assert res.meta["engine"] == "incremental" and res.meta["batch_size"] == BATCH
    assert tuner.chosen is None and tuner.throughput() == {}


def test_leaving_while_the_plan_is_being_built_does_not_abort():
    """The interpreter waits for the background split at exit: killed inside
    onnxruntime's C++ code (here: while it opens a stage's session), the thread aborted
    the process ("terminate called without an active exception")."""
    import subprocess
    import sys

    from dida_view import paths

    code = f"""
import threading
from dida_view.method import incremental
from dida_view.model.onnx import OnnxClassifier
inside, real = threading.Event(), incremental._session
def session(*args):
    inside.set()
    return real(*args)
incremental._session = session
incremental.plan_future(OnnxClassifier({str(paths.demo_model_path())!r}, device="cpu"))
inside.wait(60)
"""
    for _ in range(3):
        r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        assert r.returncode == 0, r.stderr


def test_a_classifier_dies_once_its_caller_drops_it(tmp_path):
    """The plan cache keeps a classifier's plan while the classifier lives; the plan held
    the classifier's bound ``to_model_input``, which kept its own weak key alive, so every
    model ever opened stayed in memory (six loads took the RSS from 101 to 150 MiB)."""
    import gc
    import weakref

    path = make_net(tmp_path / "m.onnx", "plain", size=SIZE)
    refs = []
    for engine in ("incremental", "auto", None):
        clf = stretch(path)
        if engine is not None:
            res = analyze(clf, image(), Settings(grid_sizes=(3, 5), engine=engine))
            assert res.meta["engine"] in ("full", "incremental")
        plan = incremental.plan_future(clf).result()
        assert not isinstance(plan, str)
        refs.append(weakref.ref(clf))
        del clf, plan
    gc.collect()
    assert [r() for r in refs] == [None, None, None]


def test_a_model_that_cannot_run_incrementally_is_split_once(tmp_path, monkeypatch):
    """The reason is kept by the model's fingerprint: the same model opened again gets it
    at once, without splitting its graph again (auto tried the split on every load)."""
    path = make_se_first(tmp_path / "se.onnx", size=SIZE)
    first = stretch(path)
    reason = incremental.plan_for(first)
    assert "no useful local prefix" in reason

    def build_plan(classifier):
        raise AssertionError("split again")

    monkeypatch.setattr(incremental, "build_plan", build_plan)
    again = stretch(path)
    assert again is not first and again.fingerprint == first.fingerprint
    future = incremental.plan_future(again)
    assert future.done() and future.result() == reason
    res = analyze(again, image(), Settings(grid_sizes=(3, 5), engine="auto"))
    assert res.meta["engine"] == "full" and reason in res.meta["engine_note"]
    other = stretch(make_net(tmp_path / "m.onnx", "plain", size=SIZE))  # another model
    assert "split again" in incremental.plan_for(other)  # (a failed split is a reason too)


def test_a_model_opened_again_is_neither_checked_nor_measured_again(tmp_path, monkeypatch):
    """The split check and auto's measured choice are kept by the model's fingerprint (for
    the same session set-up), not by the classifier object."""
    path = make_net(tmp_path / "m.onnx", "fire", size=SIZE)
    settings = Settings(grid_sizes=(3, 5, 7), batch_size=4, engine="auto")
    clf = stretch(path)
    incremental.plan_for(clf)  # ready before the run: the run checks and measures it
    first = analyze(clf, image(), settings)
    plan = incremental.plan_for(stretch(path))
    assert plan.providers in plan.decision.verified and 4 in plan.prefer

    def fail(*args, **kwargs):
        raise AssertionError("measured again")

    monkeypatch.setattr(engines, "verify", fail)
    monkeypatch.setattr(engines.MaskedRunner, "_measure", fail)
    again = analyze(stretch(path), image(), settings)
    assert again.meta["engine"] == first.meta["engine"]
    other = OnnxClassifier(path, device="cpu", threads=1, preprocessing=stretch(path)
                           .preprocessing)  # another session set-up: measured for itself
    assert 4 not in incremental.plan_for(other).prefer


class _Clock:
    """``time`` for engines.py: each measured batch takes (full, incremental) seconds."""

    def __init__(self, costs):
        self.t, self.calls, self.costs = 0.0, 0, costs

    def perf_counter(self):
        batch, phase = divmod(self.calls, 3)
        self.calls += 1
        if phase:
            self.t += self.costs[min(batch, len(self.costs) - 1)][phase - 1]
        return self.t


@pytest.mark.parametrize("later", ["faster", "slower"])
def test_auto_confirms_a_verdict_for_full_inference_before_keeping_it(tmp_path, monkeypatch,
                                                                      later):
    """Two batches that find full inference faster (a busy moment) are not enough against
    the FLOP model's promise: auto measures on, up to six batches, and keeps full
    inference only if incremental never came out ahead."""
    clf = stretch(make_net(tmp_path / "m.onnx", "fire", size=SIZE))
    plan = incremental.plan_for(clf)
    plan.estimated_gain = 2.0
    inc = 0.4 if later == "faster" else 8.0
    clock = _Clock([(4.0, 8.0), (4.0, 8.0), (4.0, inc)])
    monkeypatch.setattr(engines, "time", clock)
    settings = dict(grid_sizes=(3, 5, 7), batch_size=4, score_space="probability")
    res = analyze(clf, image(), Settings(engine="auto", **settings))
    assert plan.prefer[4] is (later == "faster")
    assert clock.calls == (9 if later == "faster" else 18)  # 3 or 6 batches measured
    assert res.meta["engine"] == ("incremental" if later == "faster" else "full")
    assert_same_d(analyze(clf, image(), Settings(engine="full", **settings)), res)

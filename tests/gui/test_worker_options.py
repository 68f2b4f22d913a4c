"""The worker opens a model with the session options it is given (issue 9, A7)."""

from __future__ import annotations

import pytest

from dida_view.gui import worker as worker_mod


def _loaded_session(model_path, options, monkeypatch, tmp_path):
    """Open ``model_path`` through AnalysisWorker.load_model, on this thread."""
    monkeypatch.setenv("DIDA_VIEW_CACHE_DIR", str(tmp_path / "cache"))
    w = worker_mod.AnalysisWorker()
    got = []
    w.model_loaded.connect(lambda _job, clf: got.append(clf))
    w.model_failed.connect(lambda _job, msg: pytest.fail(msg))
    w.load_model(1, str(model_path), options)
    assert len(got) == 1
    opts = got[0].session.get_session_options()
    return opts.intra_op_num_threads, opts.get_session_config_entry(
        "session.intra_op.allow_spinning")


def test_session_options_given_are_used(model_path, monkeypatch, tmp_path):
    # "spinning, all cores" (benchmarks/gui_latency.py): onnxruntime's default thread
    # count (0 = all cores), not the viewer's cores minus one filled in behind it
    assert _loaded_session(model_path, {"device": "cpu", "spinning": True},
                           monkeypatch, tmp_path) == (0, "1")
    assert _loaded_session(model_path, {"device": "cpu", "spinning": False, "threads": 1},
                           monkeypatch, tmp_path) == (1, "0")


def test_viewer_session_when_none_given(model_path, monkeypatch, tmp_path):
    threads = worker_mod.VIEWER_SESSION["threads"]
    assert _loaded_session(model_path, {"device": "cpu"}, monkeypatch, tmp_path) == (
        threads, "0")

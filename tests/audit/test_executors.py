"""The audit's executors give the same per-case answers: spawned local workers as the
driver's own process, and Ray (on a local Ray this test starts) as the local executor; a
worker whose model is not the driver's stops the run."""

import json
import shutil

import numpy as np
import pytest

from dida_view import paths
from dida_view.audit.executors import LocalExecutor, make_executor, split_cores
from dida_view.audit.worker import Task, Worker, WorkerSpec, model_fingerprint
from dida_view.cli import main
from dida_view.method.analysis import Settings
from dida_view.model.onnx import OnnxClassifier

REAL = paths.models_dir() / paths.REAL_MODEL_NAME if paths.models_dir() else None


def test_cores_are_shared_out_without_oversubscribing():
    assert split_cores(8, None, None) == (8, 1)
    assert split_cores(8, None, 2) == (4, 2)
    assert split_cores(8, 3, None) == (3, 2)
    assert split_cores(8, 16, None) == (8, 1)  # never more workers than cores by default
    assert split_cores(2, 4, 4) == (4, 4)  # both given: as given
    assert split_cores(1, None, None) == (1, 1)


def samples(n=4):
    return sorted(paths.samples_dir().glob("00_kermany_*.jpeg"))[:n]


def tasks(settings):
    return [Task(f"u{i}", str(p), 0, 1, settings) for i, p in enumerate(samples())]


def compare(a, b):
    """Same top classes, d within 1e-5, the same evidence shares."""
    assert a.keys() == b.keys()
    for uid in a:
        ra, rb = a[uid], b[uid]
        assert ra.error is None and rb.error is None
        assert ra.record["top"] == rb.record["top"]
        for key in ra.arrays:
            if key.startswith("d_"):
                np.testing.assert_allclose(ra.arrays[key], rb.arrays[key], atol=1e-5)
        for key in ("bands", "border", "shortcut"):
            assert ra.record["evidence"][key] == pytest.approx(rb.record["evidence"][key],
                                                               abs=1e-4)


def test_spawned_workers_answer_as_the_drivers_own_process():
    clf = OnnxClassifier(REAL, device="cpu")
    spec = WorkerSpec(model=str(REAL), fingerprint=model_fingerprint(clf), device="cpu")
    settings = Settings(grid_sizes=(3, 5, 7), score_space="logit")
    inside = {o.unit_id: o for o in LocalExecutor(spec, 1, clf).run(tasks(settings))}
    spawned = LocalExecutor(spec, 2)
    outcomes = list(spawned.run(tasks(settings)))
    workers = {o.record["worker"] for o in outcomes}
    assert len(workers) == 2  # two processes did the work
    compare(inside, {o.unit_id: o for o in outcomes})
    assert make_executor("local", spec, workers=2).describe() == "local, 2 workers x 1 thread"


def test_a_worker_with_another_model_stops_and_a_bad_case_does_not(tmp_path):
    clf = OnnxClassifier(REAL, device="cpu")
    other = WorkerSpec(model=str(REAL), fingerprint="0" * 16, device="cpu")
    o = Worker(other, clf).run(tasks(Settings(grid_sizes=(3,)))[0])
    assert o.fatal and "not the driver's" in o.fatal
    spec = WorkerSpec(model=str(tmp_path / "missing.onnx"), fingerprint="x", device="cpu")
    assert "no such file" in Worker(spec).run(tasks(Settings())[0]).fatal
    good = WorkerSpec(model=str(REAL), fingerprint=model_fingerprint(clf), device="cpu")
    broken = tmp_path / "patient jones.png"
    broken.write_bytes(b"not a picture")
    o = Worker(good, clf).run(Task("u", str(broken), 0, 1, Settings(grid_sizes=(3,))))
    assert o.fatal is None and o.error and "jones" not in o.error


@pytest.fixture(scope="module")
def local_ray():
    ray = pytest.importorskip("ray")
    # address="local": a Ray of its own, never one found through /tmp/ray (a stale address
    # left by another run would be tried, and fail)
    ray.init(address="local", num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield ray
    ray.shutdown()


def test_ray_gives_the_local_executors_answers(tmp_path, local_ray):
    folder = tmp_path / "scans"
    folder.mkdir()
    for f in samples():
        shutil.copy(f, folder / f.name)
    runs = {}
    for executor in ("local", "ray"):
        out = tmp_path / executor
        rc = main(["audit", str(folder), "--model", str(REAL), "--out", str(out), "--grids",
                   "3,5,7", "--executor", executor, "--no-cache"])
        assert rc == 0
        recs = [json.loads(x) for x in (out / "cases.jsonl").read_text().splitlines()]
        assert {r["executor"] for r in recs} == {executor}
        runs[executor] = (out, {r["case"]: r for r in recs})
    (lo, local), (ro, ray) = runs["local"], runs["ray"]
    assert local.keys() == ray.keys() and len(local) == 4
    for cid in local:
        assert local[cid]["top"] == ray[cid]["top"]
        assert local[cid]["settings_fingerprint"] == ray[cid]["settings_fingerprint"]
        a, b = np.load(lo / local[cid]["result"]), np.load(ro / ray[cid]["result"])
        for n in a["grids"]:
            np.testing.assert_allclose(a[f"d_{n}"], b[f"d_{n}"], atol=1e-5)
        for key in ("bands", "border", "shortcut"):
            assert local[cid]["evidence"][key] == pytest.approx(ray[cid]["evidence"][key],
                                                                abs=1e-4)
    assert local_ray.is_initialized()  # the test's Ray is the test's to stop

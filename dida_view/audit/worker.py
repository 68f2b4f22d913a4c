"""One case or B-scan of the audit, on whatever machine runs it: :class:`Worker`.

A worker opens the model once (its own onnxruntime session, with the threads it is given)
and then analyses one :class:`Task` after another. :meth:`Worker.run` never raises for a
case: it returns an :class:`Outcome` with the analysis part of the case's record and the
result's arrays (the same as ``analyze``'s ``.npz``), or with the error. The driver adds
what only the reading session knows (the reading, the agreement) and writes both. A worker
whose model is not the driver's (another file at the same path on a cluster node) stops
the run (``fatal``): its answers would not be the audit's.

Everything here is plain data, so that it crosses process and machine boundaries as it is
(pickled by ``multiprocessing`` or Ray).
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from dida_view.errors import DidaError
from dida_view.io.reader import load_scan
from dida_view.method import analysis, shortcuts
from dida_view.method.analysis import Settings, cache_settings
from dida_view.method.batching import BatchTuner
from dida_view.method.cache import ResultCache, default_cache_dir
from dida_view.model.preprocess import prepare
from dida_view.render.export import npz_arrays
from dida_view.render.scoretext import result_flags

AUDIT_VERSION = 2  # bumped when a record's figures change for the same result
OTHER_MODEL = ("{model}: the model on {host} is not the driver's (another file at this path); "
               "every worker needs the same model file")
UNEXPECTED = "unexpected error ({kind}: {message})"


def model_fingerprint(classifier) -> str:
    """16 hex digits naming the model's files and how they are read."""
    return hashlib.sha256(classifier.fingerprint.encode()).hexdigest()[:16]


def settings_fingerprint(classifier, settings: Settings) -> str:
    """16 hex digits naming what a record's figures depend on besides the model and the
    pixels: the analysis settings that change ``d`` (with the set's score space), the
    blend weights, the evidence rules and the audit's version."""
    key = {"analysis": cache_settings(classifier, settings),
           "weights": [round(float(w), 9) for w in settings.blend_weights()],
           "audit": AUDIT_VERSION,
           "rules": [shortcuts.RUN_FRACTION, shortcuts.TOLERANCE, shortcuts.MIN_RUN,
                     shortcuts.LONGEST, shortcuts.BORDER]}
    return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class WorkerSpec:
    """How a worker opens its model: the file, the output, the device and its threads;
    ``fingerprint``: the driver's :func:`model_fingerprint`; ``cache``: whether to use the
    result cache of the machine it runs on (its user's cache folder)."""

    model: str
    fingerprint: str
    output_name: str | None = None
    device: str = "auto"
    threads: int = 1
    cache: bool = False


@dataclass(frozen=True)
class Task:
    """One unit of the audit: B-scan ``index`` (0-based) of the ``count`` of the scan at
    ``path``, called ``unit_id``, analysed with ``settings`` (the set's one score space)."""

    unit_id: str
    path: str
    index: int
    count: int
    settings: Settings


@dataclass
class Outcome:
    """What a worker hands back: the analysis part of the record and the result's arrays,
    or ``error`` (the case failed) or ``fatal`` (the worker cannot work: stop)."""

    unit_id: str
    record: dict = field(default_factory=dict)
    arrays: dict | None = None
    error: str | None = None
    fatal: str | None = None


def _without_path(message: str, path: str) -> str:
    """A message with the file's path taken out (a record never holds a path: folder and
    file names can carry a patient's name)."""
    return message.replace(path, "").lstrip(": ").strip() or "failed"


class Worker:
    """One model, opened once, and the cases it is given (see the module). ``classifier``:
    a model already open (the driver's own, when it runs the cases itself)."""

    def __init__(self, spec: WorkerSpec, classifier=None) -> None:
        self.spec = spec
        self.host = f"{socket.gethostname()}:{os.getpid()}"
        self.classifier = None
        self.problem: str | None = None
        self.tuner = BatchTuner()
        self.cache = ResultCache(default_cache_dir()) if spec.cache else None
        try:
            self.classifier = classifier or self._open()
        except DidaError as exc:
            self.problem = str(exc)
            return
        if model_fingerprint(self.classifier) != spec.fingerprint:
            self.problem = OTHER_MODEL.format(model=spec.model, host=socket.gethostname())

    def _open(self):
        from dida_view.model.onnx import OnnxClassifier

        classifier = OnnxClassifier(Path(self.spec.model), output=self.spec.output_name,
                                    device=self.spec.device, threads=self.spec.threads)
        from dida_view.method.incremental import plan_future

        plan_future(classifier)  # split the graph while the first scan loads
        return classifier

    def run(self, task: Task) -> Outcome:
        """Analyse one unit (never raises for the case's own problems)."""
        if self.problem is not None:
            return Outcome(task.unit_id, fatal=self.problem)
        try:
            record, arrays = self.analyse(task)
        except DidaError as exc:
            return Outcome(task.unit_id, error=_without_path(str(exc), task.path))
        except MemoryError:
            return Outcome(task.unit_id, error="not enough memory to analyse it")
        except OSError as exc:
            return Outcome(task.unit_id, error=f"cannot read ({exc.strerror or exc})")
        except Exception as exc:  # noqa: BLE001 - one case's surprise must not end a cohort
            return Outcome(task.unit_id, error=_without_path(UNEXPECTED.format(
                kind=type(exc).__name__, message=str(exc)[:200]), task.path))
        return Outcome(task.unit_id, record=record, arrays=arrays)

    def analyse(self, task: Task) -> tuple[dict, dict]:
        """The analysis part of the unit's record, and the result's arrays."""
        clf = self.classifier
        scan = load_scan(task.path)
        image = np.asarray(scan.slices[task.index])
        t0 = time.perf_counter()
        result = analysis.analyze(clf, image, task.settings, cache=self.cache, tuner=self.tuner)
        prep = prepare(image, clf.preprocessing, clf.input_size, clf.channels)
        where = shortcuts.regions(image, prep.pixels, prep.box, clf.preprocessing,
                                  result.mask_fill)
        shares = shortcuts.evidence_shares(result, where)
        took = time.perf_counter() - t0
        arrays = npz_arrays(result, Path(self.spec.model).name)
        arrays["input"] = np.rint(prep.pixels.mean(axis=2)).astype(np.uint8)  # as the model saw it
        return unit_record(result, shares, took, scan.notes, self.host), arrays


def unit_record(result, shares: shortcuts.EvidenceShares, took: float,
                notes=(), worker: str = "") -> dict:
    """The analysis part of a unit's record (README, "Cohort audit"): probabilities, top
    class and close call, the evidence shares, the domain check (null when the model has
    no reference scans), how long it took and which engine ran."""
    labels = list(result.labels)
    probs = np.asarray(result.probabilities, np.float64)
    order = result.top(2)  # the scores' order is the probabilities'
    flags = result_flags(result)
    top = order[0]
    return {
        "probabilities": {lab: round(float(p), 6) for lab, p in zip(labels, probs,
                                                                    strict=True)},
        "top": labels[top],
        "top_probability": round(float(probs[top]), 6),
        "runner_up": labels[order[1]] if len(order) > 1 else None,
        "close_call": bool(flags.close),
        "score_space": result.score_space,
        "evidence": shares.to_json(),
        "domain_check": result.domain.to_json() if result.domain is not None else None,
        "notes": [*notes, *([result.note] if result.note else [])],
        "seconds": round(took, 3),
        "engine": None if result.from_cache else result.meta.get("engine"),
        "evaluations": 0 if result.from_cache else int(result.evaluations),
        "from_cache": bool(result.from_cache),
        "worker": worker,
    }

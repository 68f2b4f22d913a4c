"""The one worker thread: model loading and DiDA runs, off the GUI thread.

:class:`AnalysisWorker` lives in a :class:`~PySide6.QtCore.QThread` and does one job at
a time (jobs queue in the thread's event loop). Every job carries an id; every signal
carries it back, so the window can drop late results of a run it has moved past.
Cancelling is a plain attribute the GUI thread sets and the engine polls between
batches (``cancel=`` callback of :func:`dida_view.method.analysis.analyze`).
"""

from __future__ import annotations

import json
import os
import sys
import traceback
import weakref
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, QThread, Signal, Slot

from dida_view.errors import Cancelled, DidaError
from dida_view.gui.i18n import translate
from dida_view.method.analysis import Settings, analyze
from dida_view.method.batching import BatchTuner
from dida_view.method.cache import ResultCache, default_cache_dir
from dida_view.model.onnx import OnnxClassifier

_THREADS: weakref.WeakSet[QThread] = weakref.WeakSet()


def live_threads() -> list[QThread]:
    """Worker threads created by this module that still exist (for tests)."""
    return list(_THREADS)


# onnxruntime next to a GUI thread (benchmarks/gui_latency.py, 2 cores, demo model, five
# runs; README, "Speed"): longest stall during an analysis 9 ms (5-36) with no spinning and
# one core left to the GUI, 11 ms (6-15) with no spinning on all cores, which was 30 %
# faster (1.1 s against 1.5 s); on a loaded machine, spinning threads had doubled the
# analysis time.
VIEWER_SESSION = {"spinning": False, "threads": max(1, (os.cpu_count() or 2) - 1)}


def session_options(options: dict | None) -> dict:
    """OnnxClassifier's keyword arguments for a model opened with ``options``.

    The viewer's session set-up (:data:`VIEWER_SESSION`) applies only when ``options`` name
    no session setting. Options that name one (``threads`` or ``spinning``) are used as
    given, the other setting keeping OnnxClassifier's default: a benchmark asking for
    ``{"spinning": True}`` gets all cores, not the viewer's cores minus one.
    """
    options = dict(options or {})
    if VIEWER_SESSION.keys() & options.keys():
        return options
    return {**VIEWER_SESSION, **options}


class AnalysisWorker(QObject):
    """Loads models and runs analyses in its own thread; reports with typed signals."""

    model_loaded = Signal(int, object)  # job id, OnnxClassifier
    model_failed = Signal(int, str)  # job id, message
    started = Signal(int, object)  # run id, DidaResult with scores only
    progress = Signal(int, int, int)  # run id, cells done, cells total
    grid_done = Signal(int, int, object)  # run id, grid size n, d_n (C, n, n)
    finished = Signal(int, object)  # run id, DidaResult
    failed = Signal(int, str)  # run id, message
    cancelled = Signal(int)  # run id

    def __init__(self) -> None:
        super().__init__()
        self._cancel_upto = 0  # jobs with an id <= this are cancelled
        self._cancelled: set[int] = set()  # and these (queued look-ahead runs)
        # revisiting a case (same pixels, model and settings) is instant; used only here,
        # on the worker thread
        self.cache = ResultCache(default_cache_dir())
        # batch sizes found by measurement, per model fingerprint, for the next run
        self.tuners: dict[str, BatchTuner] = {}
        # the models opened, by file and options: a case list whose cases have their own
        # models opens each once (used only here, on the worker thread)
        self.models: dict[tuple[str, str], OnnxClassifier] = {}

    def cancel_upto(self, job_id: int) -> None:
        """Cancel every run with an id up to ``job_id`` (thread-safe: one int store)."""
        self._cancel_upto = max(self._cancel_upto, int(job_id))

    def cancel_jobs(self, job_ids: list[int]) -> None:
        """Cancel these runs only (thread-safe: one set update)."""
        self._cancelled = self._cancelled | {int(j) for j in job_ids if j > self._cancel_upto}

    def is_cancelled(self, job_id: int) -> bool:
        """Whether run ``job_id`` has been cancelled."""
        return job_id <= self._cancel_upto or job_id in self._cancelled

    def classifier(self, path: str | Path, options: dict | None = None) -> OnnxClassifier:
        """Model ``path`` opened with ``options`` (OnnxClassifier's keyword arguments), once:
        the same object again while its files are unchanged on disk.

        Raises
        ------
        DidaError
            The model cannot be opened.
        """
        key = (str(Path(path).resolve()), json.dumps(options or {}, sort_keys=True))
        clf = self.models.get(key)
        if clf is None or clf.changed_on_disk():
            clf = self.models[key] = OnnxClassifier(Path(path), **session_options(options))
        return clf

    @Slot(int, str, object)
    def load_model(self, job_id: int, path: str, options: object) -> None:
        """Open an ONNX model; ``options`` are keyword arguments of OnnxClassifier."""
        try:
            clf = self.classifier(path, options)  # type: ignore[arg-type]
        except DidaError as exc:
            self.model_failed.emit(job_id, str(exc))
            return
        except Exception as exc:  # a bug or an exotic onnxruntime failure: keep running
            traceback.print_exc(file=sys.stderr)
            self.model_failed.emit(job_id, translate(
                "Worker", "{0}: cannot load the model ({1})").format(path, exc))
            return
        self.model_loaded.emit(job_id, clf)

    @Slot(int, object, object, object, object)
    def run(self, run_id: int, classifier: object, image: object, settings: object,
            space: object = None) -> None:
        """Run DiDA; emits started, progress, grid_done, then finished/failed/cancelled.

        ``image`` may be a function that reads it (a volume's B-scan, read here, off the
        GUI thread). ``space``: the set's :class:`~dida_view.session.spaces.SetSpace`,
        resolved here (once for the set) when it is not yet: the run uses its space."""
        if self.is_cancelled(run_id):
            self.cancelled.emit(run_id)
            return
        try:
            if callable(image):
                image = image()
            if space is not None:
                settings = space.settings(settings)
            result = analyze(
                classifier,
                image,
                settings,
                progress=lambda done, total: self.progress.emit(run_id, done, total),
                cancel=lambda: self.is_cancelled(run_id),
                on_grid=lambda n, d: self.grid_done.emit(run_id, n, d),
                on_start=lambda partial: self.started.emit(run_id, partial),
                cache=self.cache,
                tuner=self.tuners.setdefault(getattr(classifier, "fingerprint", ""),
                                             BatchTuner()),
            )
        except Cancelled:
            self.cancelled.emit(run_id)
            return
        except DidaError as exc:
            self.failed.emit(run_id, str(exc))
            return
        except Exception as exc:  # a bug: report it, never kill the thread
            traceback.print_exc(file=sys.stderr)
            self.failed.emit(run_id, translate("Worker", "unexpected error: {0}").format(
                f"{type(exc).__name__}: {exc}"))
            return
        self.finished.emit(run_id, result)


class WorkerHost(QObject):
    """Owns the worker thread: starts it, queues jobs, and stops it cleanly.

    Job ids grow: :meth:`run` cancels every job queued before it.
    """

    _load_requested = Signal(int, str, object)
    _run_requested = Signal(int, object, object, object, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.thread = QThread()
        self.thread.setObjectName("dida-worker")
        _THREADS.add(self.thread)
        self.worker = AnalysisWorker()
        self.worker.moveToThread(self.thread)
        self._load_requested.connect(self.worker.load_model)
        self._run_requested.connect(self.worker.run)
        self.thread.start()
        self._next_id = 0

    def new_id(self) -> int:
        """A fresh job id, larger than every earlier one."""
        self._next_id += 1
        return self._next_id

    def load_model(self, path: str | Path, options: dict | None = None) -> int:
        """Queue loading a model; returns the job id its signals will carry."""
        job = self.new_id()
        self._load_requested.emit(job, str(path), dict(options or {}))
        return job

    def run(self, classifier: OnnxClassifier, image: np.ndarray, settings: Settings,
            space=None) -> int:
        """Cancel every earlier run and queue a new one; returns its run id (record it in
        the run ledger before returning to the event loop: its signals come after)."""
        job = self.new_id()
        self.worker.cancel_upto(job - 1)
        self._run_requested.emit(job, classifier, image, settings, space)
        return job

    def queue(self, classifier: OnnxClassifier, image, settings: Settings, space=None) -> int:
        """Queue a run behind the others, cancelling none (a volume's B-scans); returns
        its run id. ``image``: the pixels, or a function the worker calls to read them;
        ``space``: the set's score space (see :meth:`AnalysisWorker.run`)."""
        job = self.new_id()
        self._run_requested.emit(job, classifier, image, settings, space)
        return job

    def cancel_all(self) -> None:
        """Cancel every run queued or running so far."""
        self.worker.cancel_upto(self._next_id)

    def shutdown(self, timeout_ms: int = 10000) -> bool:
        """Cancel everything, stop the thread and wait; True when it has stopped.

        A model load cannot be interrupted; a run stops within one batch. Signals already
        queued for the window still arrive; the window drops them by their job id.
        """
        self.cancel_all()
        if not self.thread.isRunning():
            return True
        self.thread.quit()
        return bool(self.thread.wait(timeout_ms))

"""The background queue: the next cases are analysed while the user reads the current one.

Everything runs on the one worker thread (:mod:`dida_view.gui.worker`), whose jobs run
one at a time in the order they were queued. The window's run of the current case is
queued first (it cancels every earlier job, look-ahead ones too); right behind it,
:class:`CaseQueue` queues a run for each of the next few cases
(:meth:`CaseList.queue_order <dida_view.session.caselist.CaseList.queue_order>`), each
with the model that reads that case and the list's one score space. A look-ahead run
loads its scan and its model on the worker thread and goes through the worker's result
cache, so coming to that case later, or going back to one, finds its result at once.
Every run is recorded in the window's run ledger (:mod:`dida_view.gui.viewer.runs`),
which decides whether its result is still wanted. Thumbnails are made on demand, for the
rows the table shows.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image
from PySide6.QtCore import QObject, QTimer, Signal, Slot

from dida_view.errors import DidaError
from dida_view.gui.worker import AnalysisWorker
from dida_view.io.reader import load_image, load_scan
from dida_view.session.caselist import (
    ANALYSED,
    ANALYSING,
    FAILED,
    NEW,
    QUEUE_AHEAD,
    QUEUED,
    CaseList,
)
from dida_view.session.ledger import AHEAD, VIEW, Job

THUMB_SIZE = (64, 44)


def thumbnail_array(image: np.ndarray, size: tuple[int, int] = THUMB_SIZE) -> np.ndarray:
    """A small uint8 copy of ``image`` that fits in ``size`` (width, height)."""
    im = Image.fromarray(image)
    im.thumbnail(size)
    return np.asarray(im).copy()


class FileJobs(QObject):
    """Lives on the worker thread: opens a case's scan and model, then runs it.

    Signals
    -------
    thumbnail(str, object)
        A small uint8 array of the scan at this path.
    thumbnails_done(int)
        The thumbnail job of this id is done.
    """

    thumbnail = Signal(str, object)
    thumbnails_done = Signal(int)

    def __init__(self, worker: AnalysisWorker) -> None:
        super().__init__()
        self.worker = worker

    @Slot(int, str, object, object, object, object)
    def run_file(self, job: int, path: str, model: object, options: object, settings: object,
                 space: object) -> None:
        """Analyse the scan at ``path`` (its centre B-scan) with ``model`` (the classifier
        on screen, or the file of the case's own model) as worker job ``job`` (its signals
        carry it)."""
        w = self.worker
        if w.is_cancelled(job):
            w.cancelled.emit(job)
            return
        try:
            classifier = w.classifier(model, options) if isinstance(model, str) else model
            image = load_scan(path).image()
        except DidaError as exc:
            w.failed.emit(job, str(exc))
            return
        self.thumbnail.emit(path, thumbnail_array(image))
        w.run(job, classifier, image, settings, space)

    @Slot(int, object)
    def thumbnails(self, job: int, paths: object) -> None:
        """Make the thumbnails of ``paths`` (stops when job ``job`` is cancelled)."""
        for p in list(paths):  # type: ignore[call-overload]
            if self.worker.is_cancelled(job):
                break
            try:
                self.thumbnail.emit(p, thumbnail_array(load_image(p)))
            except (DidaError, MemoryError):
                continue  # the case's own run says what is wrong with it
        self.thumbnails_done.emit(job)


class CaseQueue(QObject):
    """Keeps the look-ahead runs queued behind the current case's run.

    Signals
    -------
    thumbnail(str, object)
        A thumbnail (uint8 array) of the case at this path is ready.
    drained()
        No look-ahead run and no thumbnail job is left.
    """

    thumbnail = Signal(str, object)
    drained = Signal()
    _file_requested = Signal(int, str, object, object, object, object)
    _thumbs_requested = Signal(int, object)

    def __init__(self, win, cases: CaseList, parent: QObject | None = None,
                 ahead: int = QUEUE_AHEAD) -> None:
        super().__init__(parent)
        self.win, self.cases, self.ahead = win, cases, ahead
        self.jobs = FileJobs(win.host.worker)
        self.jobs.moveToThread(win.host.thread)
        self._file_requested.connect(self.jobs.run_file)
        self._thumbs_requested.connect(self.jobs.thumbnails)
        self.jobs.thumbnail.connect(self._on_thumbnail)
        self.jobs.thumbnails_done.connect(self._on_thumbnails_done)
        self.thumbs: set[str] = set()  # paths with a thumbnail
        self._wanted: list[str] = []  # thumbnails the table asked for, not requested yet
        self._requested: set[str] = set()
        self._thumb_jobs: set[int] = set()
        self._partials: dict[int, tuple[object, dict[int, np.ndarray]]] = {}
        self._requeue_soon = QTimer(self)
        self._requeue_soon.setSingleShot(True)
        self._requeue_soon.setInterval(0)
        self._requeue_soon.timeout.connect(self.requeue)
        self._requeue_soon.timeout.connect(self._maybe_drained)  # when nothing was queued
        self._thumbs_soon = QTimer(self)
        self._thumbs_soon.setSingleShot(True)
        self._thumbs_soon.setInterval(0)
        self._thumbs_soon.timeout.connect(self._request_thumbnails)
        ev = win.model.events
        ev.model.connect(lambda _clf: self._forget_results())
        self._work = win.model.settings.work()  # what d depends on
        ev.settings.connect(self._on_settings)

    @property
    def runs(self) -> dict[int, int]:
        """Job id -> case index of the runs this list waits for (the current case's run
        included)."""
        out = {}
        for job in self.win.runs.ledger.jobs():
            i = self.cases.index_of(job.path)
            if i >= 0 and job.purpose in (VIEW, AHEAD):
                out[job.id] = i
        return out

    def look_ahead(self) -> list[Job]:
        """The look-ahead runs queued or running, oldest first."""
        return self.win.runs.ledger.jobs(AHEAD)

    # -- queueing ----------------------------------------------------------------------------
    def _current_case(self) -> int:
        """The current case when it is the image on screen, else -1."""
        c = self.cases
        if 0 <= c.current < len(c) and c.cases[c.current].path == self.win.model.image_path:
            return c.current
        return -1

    def after_view_run(self) -> None:
        """The window queued a run of the case on screen (every earlier one is cancelled):
        queue the look-ahead behind it."""
        i = self._current_case()
        if i < 0:
            return
        if self.cases.cases[i].state != ANALYSED:
            self.cases.update(i, state=QUEUED)
        self._requeue_soon.start()  # after the caller is done, in case it queues more

    def requeue(self) -> None:
        """Queue the next cases of :meth:`CaseList.queue_order`."""
        win = self.win
        if win.model.classifier is None or self._current_case() < 0 or self.look_ahead():
            return
        options = win.model_options()
        for i in self.cases.queue_order(self.ahead)[1:]:
            path = self.cases.cases[i].path
            model = win.model_for_case(path)
            if model is None:
                continue
            job = win.host.new_id()
            win.runs.add(job, path, 0, model, AHEAD)
            self.cases.update(i, state=QUEUED)
            on_screen = win.model.model_path is not None and \
                model == win.model.model_path.resolve()
            self._file_requested.emit(job, str(path), win.model.classifier if on_screen
                                      else str(model), options, win.model.settings,
                                      win.session.space)

    def want_thumbnail(self, path: str) -> None:
        """The table shows the row of ``path``: make its thumbnail soon (once)."""
        if path not in self.thumbs and path not in self._requested:
            self._requested.add(path)
            self._wanted.append(path)
            self._thumbs_soon.start()

    def _request_thumbnails(self) -> None:
        if self._wanted:
            job = self.win.host.new_id()
            self._thumb_jobs.add(job)
            self._thumbs_requested.emit(job, list(self._wanted))
            self._wanted.clear()

    def cancel(self) -> None:
        """Cancel the look-ahead runs (the current case's run goes on)."""
        jobs = self.look_ahead()
        self.win.runs.cancel([j.id for j in jobs])
        for job in jobs:
            self.on_ended(job, "cancelled")
        self._maybe_drained()

    def queued_run(self, index: int) -> int:
        """The look-ahead run of case ``index`` still queued or running (0: none)."""
        job = self.win.runs.ledger.find(self.cases.cases[index].path, 0, AHEAD)
        return job.id if job is not None else 0

    def adopt(self, job: int) -> None:
        """Look-ahead run ``job`` became the current case's run (the window cancelled the
        jobs before it): queue the look-ahead again behind it."""
        self.win.runs.ledger.retarget(job, VIEW)
        self._requeue_soon.start()  # (first: the queue is not idle meanwhile)
        self.cancel()

    def progress_of(self, job: int):
        """What look-ahead run ``job`` has done so far: ``(partial, {n: d_n})`` (the
        result with scores only and the grids done), or None before it started."""
        return self._partials.get(job)

    def pending(self) -> int:
        """How many look-ahead runs are queued or running."""
        return len(self.look_ahead())

    def idle(self) -> bool:
        """No look-ahead run and no thumbnail job queued, running or about to be."""
        return not self.look_ahead() and not self._thumb_jobs and not self._wanted and \
            not self._requeue_soon.isActive()

    def _maybe_drained(self) -> None:
        if self.idle():
            self.drained.emit()

    def _on_thumbnails_done(self, job: int) -> None:
        self._thumb_jobs.discard(job)
        self._maybe_drained()

    def _on_settings(self, settings) -> None:
        """Settings that change d (not the blend weights alone) make every result old."""
        work = settings.work()
        if work != self._work:
            self._work = work
            self._forget_results()

    def _forget_results(self) -> None:
        """A new model or new settings: every case's result is of the old ones."""
        for i, row in enumerate(self.cases.cases):
            if row.top or row.state != NEW:
                self.cases.update(i, top="", probability=None, state=NEW, typical=None)

    # -- results, from the window's run dispatch -------------------------------------------
    def follows(self, job: Job) -> bool:
        """Whether ``job`` analyses a case of this list."""
        return self.cases.index_of(job.path) >= 0

    def _show_scores(self, job: Job, result, state: str) -> None:
        i = self.cases.index_of(job.path)
        if i >= 0 and result is not None and len(result.labels):
            k = result.top(1)[0]
            probs = result.probabilities
            p = float(probs[k]) if probs is not None else None
            typical = result.domain.typical if result.domain is not None else None
            self.cases.update(i, top=result.labels[k], probability=p, state=state,
                              typical=typical)

    def on_started(self, job: Job, partial) -> None:
        self._partials[job.id] = (partial, {})
        self._show_scores(job, partial, ANALYSING)

    def on_grid_done(self, job: Job, n: int, d: np.ndarray) -> None:
        if job.id in self._partials:
            self._partials[job.id][1][n] = d

    def on_result(self, job: Job, result) -> None:
        self._partials.pop(job.id, None)
        self._show_scores(job, result, ANALYSED)
        if job.purpose == AHEAD:
            QTimer.singleShot(0, self._maybe_drained)  # once its case shows the result

    def on_ended(self, job: Job, how: str) -> None:
        """A run of a case ended without a result to keep (``failed`` or ``cancelled``)."""
        self._partials.pop(job.id, None)
        i = self.cases.index_of(job.path)
        if i >= 0:
            others = any(j.id != job.id for j in self.win.runs.ledger.jobs()
                         if j.path == job.path)
            if how == "failed":
                self.cases.update(i, state=FAILED)
            elif not others and self.cases.cases[i].state != ANALYSED:
                self.cases.update(i, state=NEW)
        if job.purpose == AHEAD:
            QTimer.singleShot(0, self._maybe_drained)

    def _on_thumbnail(self, path: str, array: np.ndarray) -> None:
        self.thumbs.add(path)
        self.thumbnail.emit(path, array)

    def thumbnail_paths(self) -> list[Path]:
        """Cases that have a thumbnail."""
        return [Path(p) for p in self.thumbs]

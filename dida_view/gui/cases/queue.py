"""The background queue: the next cases are analysed while the user reads the current one.

Everything runs on the one worker thread (:mod:`dida_view.gui.worker`), whose jobs run
one at a time in the order they were queued. The window's run of the current case is
queued first (:meth:`WorkerHost.run` cancels every earlier job, look-ahead ones too);
right behind it, :class:`CaseQueue` queues a run for each of the next few cases
(:meth:`CaseList.queue_order <dida_view.session.caselist.CaseList.queue_order>`)
and then the missing thumbnails. A look-ahead run loads its image on the worker thread
and goes through the
worker's result cache, so coming to that case later, or going back to one, finds its
result at once. Every look-ahead job has a job id: moving on cancels them with the
current run; Cancel Queue cancels them alone.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image
from PySide6.QtCore import QObject, QTimer, Signal, Slot

from dida_view.errors import DidaError
from dida_view.gui.worker import AnalysisWorker, WorkerHost
from dida_view.io.reader import load_image
from dida_view.render import figure
from dida_view.session.caselist import (
    ANALYSED,
    ANALYSING,
    FAILED,
    NEW,
    QUEUE_AHEAD,
    QUEUED,
    CaseList,
)
from dida_view.viewmodel.viewer import ViewerModel, work_of

THUMB_SIZE = (64, 44)


def thumbnail_array(image: np.ndarray, size: tuple[int, int] = THUMB_SIZE) -> np.ndarray:
    """A small uint8 copy of ``image`` that fits in ``size`` (width, height)."""
    im = Image.fromarray(image)
    im.thumbnail(size)
    return np.asarray(im).copy()


class FileJobs(QObject):
    """Lives on the worker thread: loads a case's image, then runs it through the worker.

    Signals
    -------
    began(int, str)
        A look-ahead job (id, image path) starts on the worker thread.
    thumbnail(str, object)
        A small uint8 array of the image at this path.
    """

    began = Signal(int, str)
    thumbnail = Signal(str, object)
    thumbnails_done = Signal(int)

    def __init__(self, worker: AnalysisWorker) -> None:
        super().__init__()
        self.worker = worker

    @Slot(int, str, object, object)
    def run_file(self, job: int, path: str, classifier: object, settings: object) -> None:
        """Analyse the image at ``path`` as worker job ``job`` (its signals carry it)."""
        w = self.worker
        if w.is_cancelled(job):
            w.cancelled.emit(job)
            return
        self.began.emit(job, path)
        try:
            image = load_image(path)
        except DidaError as exc:
            w.failed.emit(job, str(exc))
            return
        self.thumbnail.emit(path, thumbnail_array(image))
        w.run(job, classifier, image, settings)

    @Slot(int, object)
    def thumbnails(self, job: int, paths: object) -> None:
        """Make the thumbnails of ``paths`` (stops when job ``job`` is cancelled)."""
        for p in list(paths):  # type: ignore[call-overload]
            if self.worker.is_cancelled(job):
                return
            try:
                self.thumbnail.emit(p, thumbnail_array(load_image(p)))
            except DidaError:
                continue  # the case's own run says what is wrong with it
        self.thumbnails_done.emit(job)


class CaseQueue(QObject):
    """Keeps the look-ahead runs queued behind the current case's run.

    Signals
    -------
    thumbnail(str, object)
        A thumbnail (uint8 array) of the case at this path is ready.
    """

    thumbnail = Signal(str, object)
    drained = Signal()
    _file_requested = Signal(int, str, object, object)
    _thumbs_requested = Signal(int, object)

    def __init__(self, host: WorkerHost, model: ViewerModel, cases: CaseList,
                 parent: QObject | None = None, ahead: int = QUEUE_AHEAD) -> None:
        super().__init__(parent)
        self.host, self.model, self.cases, self.ahead = host, model, cases, ahead
        self.jobs = FileJobs(host.worker)
        self.jobs.moveToThread(host.thread)
        self._file_requested.connect(self.jobs.run_file)
        self._thumbs_requested.connect(self.jobs.thumbnails)
        self.jobs.thumbnail.connect(self._on_thumbnail)
        self.jobs.thumbnails_done.connect(self._on_thumbnails_done)
        self.runs: dict[int, int] = {}  # job id -> case index (the current run included)
        self.look_ahead: list[int] = []  # queued look-ahead job ids, oldest first
        self.thumbs: set[str] = set()  # paths with a thumbnail
        self._thumb_job = 0
        self._partials: dict[int, tuple[object, dict[int, np.ndarray]]] = {}
        self._requeue_soon = QTimer(self)
        self._requeue_soon.setSingleShot(True)
        self._requeue_soon.setInterval(0)
        self._requeue_soon.timeout.connect(self.requeue)
        self._requeue_soon.timeout.connect(self._maybe_drained)  # when nothing was queued
        w = host.worker
        host.run_queued.connect(self._on_run_queued)
        w.started.connect(self._on_started)
        w.grid_done.connect(self._on_grid_done)
        w.finished.connect(self._on_finished)
        w.failed.connect(self._on_failed)
        w.cancelled.connect(self._on_cancelled)
        model.events.model.connect(lambda _clf: self._forget_results())
        self._work = work_of(model.settings)  # what d depends on
        model.events.settings.connect(self._on_settings)

    # -- queueing ----------------------------------------------------------------------------
    def _current_case(self) -> int:
        """The current case when it is the image on screen, else -1."""
        c = self.cases
        if 0 <= c.current < len(c) and c.cases[c.current].path == self.model.image_path:
            return c.current
        return -1

    def _on_run_queued(self, job: int) -> None:
        """The window queued a run (every earlier job is cancelled): queue behind it."""
        self.look_ahead.clear()
        self._thumb_job = 0
        i = self._current_case()
        if i < 0:
            return
        self.runs[job] = i
        if self.cases.cases[i].state != ANALYSED:
            self.cases.update(i, state=QUEUED)
        self._requeue_soon.start()  # after the caller is done, in case it queues more

    def requeue(self) -> None:
        """Queue the next cases of :meth:`CaseList.queue_order` and missing thumbnails."""
        m = self.model
        if m.classifier is None or self._current_case() < 0 or self.look_ahead:
            return
        for i in self.cases.queue_order(self.ahead)[1:]:
            job = self.host.new_id()
            self.runs[job] = i
            self.look_ahead.append(job)
            self.cases.update(i, state=QUEUED)
            self._file_requested.emit(job, str(self.cases.cases[i].path), m.classifier,
                                      m.settings)
        missing = [str(c.path) for c in self.cases.cases if str(c.path) not in self.thumbs]
        if missing:
            self._thumb_job = self.host.new_id()
            self._thumbs_requested.emit(self._thumb_job, missing)

    def cancel(self) -> None:
        """Cancel the look-ahead runs and thumbnails (the current case's run goes on)."""
        jobs = [*self.look_ahead, *([self._thumb_job] if self._thumb_job else [])]
        self.host.worker.cancel_jobs(jobs)
        self.look_ahead.clear()
        self._thumb_job = 0
        self._maybe_drained()

    def queued_run(self, index: int) -> int:
        """The look-ahead run of case ``index`` still queued or running (0: none)."""
        return next((j for j in self.look_ahead if self.runs.get(j) == index), 0)

    def adopt(self, job: int) -> None:
        """Look-ahead run ``job`` became the current case's run (the window cancelled the
        jobs before it): queue the look-ahead again behind it."""
        self.look_ahead.remove(job)
        self._requeue_soon.start()  # (first: the queue is not idle meanwhile)
        self.cancel()

    def progress_of(self, job: int):
        """What look-ahead run ``job`` has done so far: ``(partial, {n: d_n})`` (the
        result with scores only and the grids done), or None before it started."""
        return self._partials.get(job)

    def pending(self) -> int:
        """How many look-ahead runs are queued or running."""
        return len(self.look_ahead)

    def idle(self) -> bool:
        """No look-ahead run and no thumbnail job queued, running or about to be."""
        return not self.look_ahead and not self._thumb_job and \
            not self._requeue_soon.isActive()

    def _maybe_drained(self) -> None:
        if self.idle():
            self.drained.emit()

    def _on_thumbnails_done(self, job: int) -> None:
        if job == self._thumb_job:
            self._thumb_job = 0
            self._maybe_drained()

    def _on_settings(self, settings) -> None:
        """Settings that change d (not the blend weights alone) make every result old."""
        work = work_of(settings)
        if work != self._work:
            self._work = work
            self._forget_results()

    def _forget_results(self) -> None:
        """A new model or new settings: every case's result is of the old ones."""
        for i, c in enumerate(self.cases.cases):
            if c.top or c.state != NEW:
                self.cases.update(i, top="", score="", state=NEW)

    # -- the worker's answers ----------------------------------------------------------------
    def _done(self, job: int) -> int:
        """Forget job ``job``; its case index (-1: not ours)."""
        if job in self.look_ahead:
            self.look_ahead.remove(job)
            QTimer.singleShot(0, self._maybe_drained)  # once its case shows the result
        self._partials.pop(job, None)
        return self.runs.pop(job, -1)

    def _show_scores(self, i: int, result, state: str) -> None:
        if 0 <= i < len(self.cases) and result is not None and len(result.labels):
            k = int(np.argmax(result.scores))
            # one space down the list: each case's own score space differs where `auto`
            # switched for a saturated case, so the list shows the probability
            probs = result.probabilities
            score = (figure.format_score(float(probs[k]), "probability") if probs is not None
                     else figure.format_score(float(result.scores[k]), result.score_space))
            self.cases.update(i, top=result.labels[k], score=score, state=state)

    def _on_started(self, job: int, partial) -> None:
        i = self.runs.get(job, -1)
        if i >= 0:
            self._partials[job] = (partial, {})
            self._show_scores(i, partial, ANALYSING)

    def _on_grid_done(self, job: int, n: int, d: np.ndarray) -> None:
        if job in self._partials:
            self._partials[job][1][n] = d

    def _on_finished(self, job: int, result) -> None:
        self._show_scores(self._done(job), result, ANALYSED)

    def _on_failed(self, job: int, _message: str) -> None:
        i = self._done(job)
        if i >= 0:
            self.cases.update(i, state=FAILED)

    def _on_cancelled(self, job: int) -> None:
        i = self._done(job)
        if i >= 0 and i not in self.runs.values() and self.cases.cases[i].state != ANALYSED:
            self.cases.update(i, state=NEW)

    def _on_thumbnail(self, path: str, array: np.ndarray) -> None:
        self.thumbs.add(path)
        self.thumbnail.emit(path, array)

    def thumbnail_paths(self) -> list[Path]:
        """Cases that have a thumbnail."""
        return [Path(p) for p in self.thumbs]

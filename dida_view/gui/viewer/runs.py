"""Where every analysis result goes: the worker's run signals, through the run ledger.

The window's run of the case on screen, the case queue's look-ahead runs and the volume's
Analyse All runs all go to the one worker thread, and each is recorded in one
:class:`~dida_view.session.ledger.RunLedger` with what it is for. :class:`RunDispatch`
receives every run signal of the worker and asks the ledger, the one place that decides,
whether the result is still wanted (not cancelled, and made with the model and the
settings now in use for its case); then it hands it to whoever it is for. A late result
of an old image, model or grid list is never shown nor kept.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject

from dida_view.method.dida import DidaResult
from dida_view.session.ledger import AHEAD, VIEW, VOLUME, Job, RunLedger


class RunDispatch(QObject):
    """Routes the worker's run signals of a main window (see the module)."""

    def __init__(self, win) -> None:
        super().__init__(win)
        self.win = win
        self.ledger = RunLedger()
        w = win.host.worker
        w.started.connect(self._on_started)
        w.progress.connect(self._on_progress)
        w.grid_done.connect(self._on_grid_done)
        w.finished.connect(self._on_finished)
        w.failed.connect(self._on_failed)
        w.cancelled.connect(self._on_cancelled)

    # -- recording -----------------------------------------------------------------------
    def model_for(self, job: Job) -> str | None:
        """The model now in use for the job's case (as the ledger names models)."""
        path = self.win.model_for_case(job.path)
        return None if path is None else str(path)

    def work(self):
        return self.win.model.settings.work()

    def add(self, job_id: int, path, index: int, model, purpose: str) -> Job:
        """Record run ``job_id`` just queued (before the event loop runs again)."""
        return self.ledger.add(job_id, path, index, str(Path(model).resolve()), self.work(),
                               purpose)

    def wanted(self, job_id: int) -> Job | None:
        return self.ledger.wanted(job_id, self.model_for, self.work())

    def _end(self, job_id: int) -> tuple[Job | None, bool]:
        return self.ledger.end(job_id, self.model_for, self.work())

    def cancel(self, job_ids) -> None:
        """Cancel these runs: the worker stops them, the ledger drops their results."""
        ids = [int(j) for j in job_ids]
        self.ledger.cancel(ids)
        self.win.host.worker.cancel_jobs(ids)

    def cancel_before(self, job_id: int) -> None:
        """Cancel every run queued before ``job_id`` (a new run of the case on screen)."""
        self.ledger.cancel(j.id for j in self.ledger.jobs() if j.id < job_id)
        self.win.host.worker.cancel_upto(job_id - 1)

    def cancel_all(self) -> None:
        self.ledger.cancel_all()
        self.win.host.cancel_all()

    # -- the worker's signals -------------------------------------------------------------
    def _on_started(self, job_id: int, partial: DidaResult) -> None:
        job = self.wanted(job_id)
        if job is None:
            return
        if job.purpose == VIEW and job_id == self.win.run_id:
            self.win.on_run_started(partial)
        if job.purpose == AHEAD or self.win.cases.queue.follows(job):
            self.win.cases.queue.on_started(job, partial)

    def _on_progress(self, job_id: int, done: int, total: int) -> None:
        if job_id == self.win.run_id and self.wanted(job_id) is not None:
            self.win.status.progress(done, total)

    def _on_grid_done(self, job_id: int, n: int, d: np.ndarray) -> None:
        job = self.wanted(job_id)
        if job is None:
            return
        if job_id == self.win.run_id:
            self.win.on_grid_done(n, d)
        self.win.cases.queue.on_grid_done(job, n, d)

    def _on_finished(self, job_id: int, result: DidaResult) -> None:
        job, wanted = self._end(job_id)
        if job is None:
            return
        if not wanted:
            self._ended(job, job_id == self.win.run_id, "cancelled")
            return
        vol = self.win.volumes
        if job.purpose in (VIEW, VOLUME):
            vol.on_result(job, result)
        self.win.cases.queue.on_result(job, result)
        if job_id == self.win.run_id:
            self.win.on_run_finished(result)
        elif job.purpose == VOLUME:
            vol.show_if_on_screen(job, result)

    def _on_failed(self, job_id: int, message: str) -> None:
        job, wanted = self._end(job_id)
        if job is not None:
            self._ended(job, job_id == self.win.run_id, "failed" if wanted else "cancelled",
                        message)

    def _on_cancelled(self, job_id: int) -> None:
        job, _ = self._end(job_id)
        if job is not None:
            self._ended(job, job_id == self.win.run_id, "cancelled")

    def _ended(self, job: Job, current: bool, how: str, message: str = "") -> None:
        """A run ended without a result to keep: every owner updates its bookkeeping."""
        self.win.cases.queue.on_ended(job, how)
        self.win.volumes.on_ended(job, how, message)
        if current:
            self.win.on_run_ended(how, message)

    def is_for(self, path: Path | None, index: int, purpose: str) -> Job | None:
        """The live run of this case and B-scan for ``purpose``, or None."""
        return self.ledger.find(path, index, purpose)

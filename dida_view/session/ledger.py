"""The run ledger: what each analysis job was for, so that a late result is never shown.

Every run the viewer starts (the case on screen, a case analysed ahead, a B-scan of
Analyse All) is one :class:`Job`: the scan and B-scan it analyses, the model (its
fingerprint) and the settings that change ``d``. Results arrive later, from another
thread; :meth:`RunLedger.take` is the one place that decides whether a result is still
wanted: not when its job was cancelled, and not when the model or the settings changed
since it started (it would be shown, or kept as "analysed before", under settings it was
not made with). No Qt here: the viewer's controllers share one ledger.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

VIEW, AHEAD, VOLUME = "view", "ahead", "volume"  # what a job is for


@dataclass(frozen=True)
class Job:
    """One analysis job: its id, what it analyses and with what.

    Attributes
    ----------
    id
        The worker's job id (it comes back with every signal of the run).
    path, index
        The scan file and the B-scan (0 for an image).
    model
        The model that runs it (its file, as a string).
    work
        The settings that change ``d`` (:meth:`~dida_view.method.analysis.Settings.work`).
    purpose
        :data:`VIEW` (the case on screen), :data:`AHEAD` (a case analysed ahead) or
        :data:`VOLUME` (a B-scan of Analyse All).
    """

    id: int
    path: Path | None
    index: int
    model: str
    work: object
    purpose: str


class RunLedger:
    """The jobs queued or running, and the rule that drops unwanted results."""

    def __init__(self) -> None:
        self._jobs: dict[int, Job] = {}
        self._cancelled: set[int] = set()

    def add(self, job_id: int, path: str | Path | None, index: int, model: str, work,
            purpose: str) -> Job:
        """Record job ``job_id`` (queued just now)."""
        job = Job(int(job_id), None if path is None else Path(path), int(index), str(model),
                  work, purpose)
        self._jobs[job.id] = job
        return job

    def get(self, job_id: int) -> Job | None:
        """The job ``job_id`` while it is queued or running (and not cancelled)."""
        return None if job_id in self._cancelled else self._jobs.get(job_id)

    def jobs(self, purpose: str | None = None) -> list[Job]:
        """The live jobs (of one purpose), oldest first."""
        return [j for i, j in sorted(self._jobs.items()) if i not in self._cancelled
                and (purpose is None or j.purpose == purpose)]

    def find(self, path: str | Path | None, index: int = 0,
             purpose: str | None = None) -> Job | None:
        """The oldest live job of this scan and B-scan (and purpose), or None."""
        p = None if path is None else Path(path)
        return next((j for j in self.jobs(purpose) if j.path == p and j.index == index), None)

    def cancel(self, job_ids: Iterable[int]) -> list[int]:
        """Mark jobs cancelled (their results will be dropped); returns those that were
        live."""
        live = [int(j) for j in job_ids if int(j) in self._jobs and
                int(j) not in self._cancelled]
        self._cancelled.update(live)
        return live

    def cancel_all(self, purpose: str | None = None) -> list[int]:
        """Cancel every live job (of one purpose)."""
        return self.cancel(j.id for j in self.jobs(purpose))

    def retarget(self, job_id: int, purpose: str) -> None:
        """A job now serves another purpose (a case analysed ahead became the case on
        screen)."""
        job = self.get(job_id)
        if job is not None:
            self._jobs[job.id] = Job(job.id, job.path, job.index, job.model, job.work,
                                     purpose)

    def wanted(self, job_id: int, model: str | Callable[[Job], str | None], work
               ) -> Job | None:
        """The job, while its results are still wanted: not cancelled, and made with the
        model and the settings now in use; None otherwise.

        ``model``: the model now in use, or a function giving it for a job's case (cases
        of a list may each have their own model)."""
        job = self.get(job_id)
        if job is None or job.work != work:
            return None
        now = model(job) if callable(model) else model
        return job if now is not None and job.model == str(now) else None

    def take(self, job_id: int, model: str | Callable[[Job], str | None], work) -> Job | None:
        """A job ended (finished, failed or cancelled): forget it, and return it when its
        result is still wanted (see :meth:`wanted`), else None."""
        job, wanted = self.end(job_id, model, work)
        return job if wanted else None

    def end(self, job_id: int, model: str | Callable[[Job], str | None], work
            ) -> tuple[Job | None, bool]:
        """A job ended: forget it; returns it (None: not a job of this ledger) and whether
        its result is still wanted (see :meth:`wanted`)."""
        wanted = self.wanted(job_id, model, work) is not None
        job = self._jobs.pop(int(job_id), None)
        self._cancelled.discard(int(job_id))
        return job, wanted

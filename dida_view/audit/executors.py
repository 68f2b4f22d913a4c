"""Where the audit's cases run: every core of this machine, or a Ray cluster.

Both run the same :class:`~dida_view.audit.worker.Worker` (one model per process or actor)
on the same :class:`~dida_view.audit.worker.Task` values and stream the
:class:`~dida_view.audit.worker.Outcome` values back as they finish, in any order; the
driver alone writes the output folder.

``local``
    Worker processes (``spawn``: no onnxruntime threads are forked), each with its own
    inference session, their threads split so that workers x threads = the cores this
    process may use. With ``--workers 1`` the one worker runs in the driver's own process.
    A few tasks per worker are in flight at a time, so memory stays flat however large
    the cohort.
``ray``
    The same workers as Ray actors (one model each, ``num_cpus`` = their threads) behind a
    :class:`ray.util.ActorPool`, on the cluster at ``address`` (``auto``: the one this
    machine belongs to; ``ray://host:10001``: Ray Client), or on a local Ray started for
    the run (or the one already started in this process). Every node needs DiDA View
    installed and the model and the scans at the same paths (README, "Cohort audit").
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace

from dida_view.audit.worker import Outcome, Task, Worker, WorkerSpec
from dida_view.errors import DidaError

EXECUTORS = ("local", "ray")
IN_FLIGHT = 2  # tasks per worker handed out ahead
NO_RAY = ("--executor ray needs Ray: pip install 'dida-view[cluster]' (it is not part of "
          "the packaged app)")
RAY_START = "cannot start or reach Ray{where} ({why})"
RAY_FAILED = "a Ray worker failed ({why}); is DiDA View installed on every node?"
WORKER_DIED = ("a worker process died (out of memory?); the cases written so far are kept: "
               "the same command resumes")


def available_cores() -> int:
    """The cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def split_cores(cores: int, workers: int | None, threads: int | None) -> tuple[int, int]:
    """(workers, threads each) for ``cores``: by default one single-threaded worker per
    core; with only ``workers`` given, the cores shared out among them; never more
    workers x threads than cores unless both are given."""
    if workers is not None and threads is not None:
        return max(1, workers), max(1, threads)
    if workers is not None:
        workers = max(1, min(workers, cores))
        return workers, max(1, cores // workers)
    threads = max(1, min(threads or 1, cores))
    return max(1, cores // threads), threads


# -- local ------------------------------------------------------------------------------------
_worker: Worker | None = None  # the worker of this process (a local executor's child)


def _start_worker(spec: WorkerSpec) -> None:
    global _worker
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the driver's to handle
    _worker = Worker(spec)


def _run_task(task: Task) -> Outcome:
    return _worker.run(task)


class LocalExecutor:
    """Worker processes on this machine (see the module)."""

    name = "local"

    def __init__(self, spec: WorkerSpec, workers: int, classifier=None) -> None:
        self.spec, self.workers, self.classifier = spec, max(1, workers), classifier

    def describe(self) -> str:
        return (f"local, {self.workers} worker{'s' if self.workers > 1 else ''} x "
                f"{self.spec.threads} thread{'s' if self.spec.threads > 1 else ''}")

    def run(self, tasks: Iterable[Task]) -> Iterator[Outcome]:
        """The outcomes of ``tasks``, as they finish."""
        if self.workers == 1:
            worker = Worker(self.spec, self.classifier)
            for task in tasks:
                yield worker.run(task)
            return
        env = {k: os.environ.get(k) for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS")}
        os.environ.update({k: str(self.spec.threads) for k in env})  # the children's numpy
        try:
            pool = ProcessPoolExecutor(self.workers, multiprocessing.get_context("spawn"),
                                       initializer=_start_worker, initargs=(self.spec,))
        finally:
            for k, v in env.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
        try:
            yield from _stream(pool, iter(tasks), self.workers * IN_FLIGHT)
        except BrokenProcessPool:  # a worker was killed (out of memory?): stop, keep the rest
            raise DidaError(WORKER_DIED) from None
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


def _stream(pool: ProcessPoolExecutor, tasks: Iterator[Task], ahead: int) -> Iterator[Outcome]:
    pending = set()
    for task in tasks:
        pending.add(pool.submit(_run_task, task))
        if len(pending) >= ahead:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for f in done:
                yield f.result()
    while pending:
        done, pending = wait(pending, return_when=FIRST_COMPLETED)
        for f in done:
            yield f.result()


# -- Ray -------------------------------------------------------------------------------------
def import_ray():
    """The ``ray`` module (raises :class:`DidaError` saying how to install it)."""
    try:
        import ray
    except ImportError:
        raise DidaError(NO_RAY) from None
    return ray


class RayExecutor:
    """Ray actors, one model each (see the module). ``workers``: how many actors (default:
    the cluster's CPUs / ``spec.threads``)."""

    name = "ray"

    def __init__(self, spec: WorkerSpec, workers: int | None = None,
                 address: str | None = None) -> None:
        self.spec, self.workers, self.address = spec, workers, address
        self.ray = import_ray()
        self.started = False
        if not self.ray.is_initialized():
            self._init()
            self.started = True
        if self.workers is None:
            cpus = int(self.ray.cluster_resources().get("CPU", 1))
            self.workers = max(1, cpus // max(1, spec.threads))

    def _init(self) -> None:
        import logging

        try:
            # no address: a Ray of the run's own ("local"), never one that Ray would find
            # through /tmp/ray (a stale address left there by another run fails)
            self.ray.init(address=self.address or "local", include_dashboard=False,
                          logging_level=logging.ERROR, log_to_driver=False)
        except Exception as exc:  # noqa: BLE001 - Ray raises many kinds, all one line here
            where = f" at {self.address}" if self.address else ""
            why = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise DidaError(RAY_START.format(where=where, why=why)) from None

    def describe(self) -> str:
        where = self.address or "a local Ray"
        return (f"ray ({where}), {self.workers} actor{'s' if self.workers > 1 else ''} x "
                f"{self.spec.threads} thread{'s' if self.spec.threads > 1 else ''}")

    def run(self, tasks: Iterable[Task]) -> Iterator[Outcome]:
        """The outcomes of ``tasks``, as they finish on the cluster."""
        ray = self.ray
        from ray.util import ActorPool

        # a lost actor (a node gone) comes back and its cases run again
        actor = ray.remote(num_cpus=self.spec.threads, max_restarts=2,
                           max_task_retries=2)(Worker)
        actors = [actor.remote(self.spec) for _ in range(self.workers)]
        pool = ActorPool(actors)
        try:
            yield from pool.map_unordered(lambda a, t: a.run.remote(t), tasks)
        except ray.exceptions.RayError as exc:  # e.g. a node without DiDA View
            why = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise DidaError(RAY_FAILED.format(why=why)) from None
        finally:
            for a in actors:
                ray.kill(a)

    def close(self) -> None:
        """Shut down the local Ray this executor started (a cluster is left running)."""
        if self.started:
            self.ray.shutdown()


def make_executor(name: str, spec: WorkerSpec, *, workers: int | None = None,
                  threads: int | None = None, address: str | None = None, classifier=None):
    """The executor ``name`` (:data:`EXECUTORS`) for workers opened by ``spec`` (its
    threads set here). ``classifier``: the driver's model, for a one-worker local run.

    Raises
    ------
    DidaError
        Ray is not installed or cannot be reached.
    """
    if name == "ray":
        return RayExecutor(replace(spec, threads=max(1, threads or 1)), workers, address)
    n, t = split_cores(available_cores(), workers, threads)
    return LocalExecutor(replace(spec, threads=t), n,
                         classifier if n == 1 and threads is None else None)

"""What benchmarks/speed.py times, each on its own: the runtime's ceiling, the naive loop,
one analysis, the CPU work per masked image, and the machine's load.

A ratio is only as good as the two times it divides, and on a shared machine the load
moves within seconds. So the ceiling's batch sizes are tried in interleaved rounds, and
speed.py alternates everything it compares grid by grid, so that each is timed within a
second or so of the others.
"""

from __future__ import annotations

import os
import platform
import threading
import time
from pathlib import Path

import numpy as np

from dida_view.method.dida import DEFAULT_GRID_SIZES, count_cells
from dida_view.method.grids import cell_edges
from dida_view.method.masking import make_fill
from dida_view.model.preprocess import prepare

TOTAL = count_cells(DEFAULT_GRID_SIZES)  # 1,736
CEILING_SIZES = (1, 2, 4, 8, 16, 32)


def loadavg() -> str:
    """The 1-minute load average (runnable processes, every user's), or '?'."""
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


def describe_machine() -> str:
    import onnxruntime as ort

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"onnxruntime {ort.__version__}, numpy {np.__version__}")


def test_image() -> np.ndarray:
    """The synthetic B-scan every model is timed on."""
    try:
        from dida_view import synthetic

        return synthetic.generate_scan("CME", 1).image
    except Exception:  # the generator is optional here
        rng = np.random.default_rng(0)
        return rng.integers(0, 255, (496, 512), dtype=np.uint8)


def ready_batch(clf, batch: int) -> np.ndarray:
    """A ready-made model input of ``batch`` random images."""
    shape = (batch, *clf.input_size, clf.channels)
    return clf.to_model_input(np.random.default_rng(0).uniform(0, 255, shape).astype(np.float32))


def ceiling_rate(clf, batch: int, seconds: float) -> float:
    """Plain ``session.run`` on one ready-made batch, over and over: images/s."""
    x = ready_batch(clf, batch)
    clf.session.run(None, {clf.input_name: x})  # a new shape's allocations, untimed
    t0, n = time.perf_counter(), 0
    while time.perf_counter() - t0 < seconds:
        clf.session.run(None, {clf.input_name: x})
        n += batch
    return n / (time.perf_counter() - t0)


def ceiling_sweep(clf, seconds: float, rounds: int = 2) -> dict[int, float]:
    """The ceiling at each batch size, best of ``rounds`` interleaved rounds."""
    rates: dict[int, float] = {}
    for r in range(rounds):
        for b in (CEILING_SIZES if r % 2 == 0 else CEILING_SIZES[::-1]):
            rates[b] = max(rates.get(b, 0.0), ceiling_rate(clf, b, seconds))
    return rates


def ceiling_seconds(clf, x: np.ndarray, images: int) -> tuple[float, int]:
    """Plain ``session.run`` on the ready-made batch ``x`` until ``images`` are done:
    (seconds, images done)."""
    t0, n = time.perf_counter(), 0
    while n < images:
        clf.session.run(None, {clf.input_name: x})
        n += len(x)
    return time.perf_counter() - t0, n


def naive_seconds(clf, prep, grid: int, count: int) -> tuple[float, int]:
    """One masked image per ``session.run``, the mask drawn in Python, for the first
    ``count`` cells of grid ``grid``: (seconds, images done)."""
    t0, n = time.perf_counter(), 0
    for m in masked_cells(prep.pixels, prep.box, count, (grid,)):
        clf.session.run(None, {clf.input_name: clf.to_model_input(m[None])})
        n += 1
    return time.perf_counter() - t0, n


def masked_cells(pixels, box, limit: int, grids=DEFAULT_GRID_SIZES):
    """The first ``limit`` masked images in the engine's order (black fill)."""
    for n in grids:
        ys = cell_edges(box.height, n) + box.y0
        xs = cell_edges(box.width, n) + box.x0
        for i in range(n):
            for j in range(n):
                if limit <= 0:
                    return
                m = pixels.copy()
                m[ys[i]:ys[i + 1], xs[j]:xs[j + 1]] = 0
                limit -= 1
                yield m


def paper_settings(engine: str, **kw):
    """The paper's 8 grids over the content (all 1,736 cells), logits."""
    from dida_view.method.analysis import Settings

    return Settings(score_space="logit", grid_geometry="content", engine=engine, **kw)


def analysis(clf, image, engine: str, tuner, on_grid=None, grids=DEFAULT_GRID_SIZES) -> dict:
    """One analysis as the CLI runs it (the caller keeps the batch tuner): its rate,
    seconds, CPU seconds (every thread of the process), batch size, the engine that ran
    and why not incremental, and ``d``."""
    from dida_view.method.analysis import analyze

    t0, c0 = time.perf_counter(), time.process_time()
    res = analyze(clf, image, paper_settings(engine, grid_sizes=tuple(grids)), tuner=tuner,
                  on_grid=on_grid)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    return {"rate": res.evaluations / seconds, "seconds": seconds, "cpu": cpu,
            "evaluations": res.evaluations,
            "batch": res.meta["batch_size"], "engine": res.meta["engine"],
            "note": res.meta["engine_note"], "d": dict(res.d)}


class GridSteps:
    """One analysis in its own thread, run a grid at a time, so that several can take turns
    grid by grid: :meth:`step` lets it run up to the end of its next grid (the first step:
    its preparation and first grid; the last: what follows its last grid) and returns then.
    ``seconds`` and ``cpu`` add up only its own turns (one thing runs at a time, so the
    process's CPU time in a turn is its own)."""

    def __init__(self, run) -> None:  # run(on_grid) -> result
        self._go, self._done = threading.Event(), threading.Event()
        self.seconds = self.cpu = 0.0
        self.result = self.error = None
        self.finished = False
        self._thread = threading.Thread(target=self._main, args=(run,), daemon=True)

    def _begin(self) -> None:
        self._go.wait()
        self._go.clear()
        self._t, self._c = time.perf_counter(), time.process_time()

    def _end(self) -> None:
        self.seconds += time.perf_counter() - self._t
        self.cpu += time.process_time() - self._c

    def _on_grid(self, n, d) -> None:
        self._end()
        self._done.set()
        self._begin()

    def _main(self, run) -> None:
        self._begin()
        try:
            self.result = run(self._on_grid)
        except BaseException as exc:  # handed to the caller of step()
            self.error = exc
        self._end()
        self.finished = True
        self._done.set()

    def step(self) -> None:
        if self.finished:
            return
        if not self._thread.is_alive():
            self._thread.start()
        self._done.clear()
        self._go.set()
        self._done.wait()
        if self.error is not None:
            raise self.error


def cpu_work(model: Path, image, every: int = 4) -> tuple[float, float]:
    """CPU milliseconds per masked image, one thread, full and incremental, on every
    ``every``-th batch of 16 cells of the 8 grids: the work each engine does, which a busy
    machine changes less than wall-clock rates (its other processes cost time, not CPU)."""
    from dida_view.method import engines, incremental
    from dida_view.model.onnx import OnnxClassifier

    clf = OnnxClassifier(model, device="cpu", threads=1)
    prep = prepare(image, clf.preprocessing, clf.input_size, clf.channels)
    fill = make_fill(prep.pixels, prep.box, "black")
    plan = incremental.plan_for(clf)
    cells = [c for n in DEFAULT_GRID_SIZES for c in engines._grid_cells(prep.box, n)]
    batches = [cells[i:i + 16] for i in range(0, len(cells), 16 * every)]
    t = time.process_time()
    for b in batches:
        clf.raw(engines._masked(prep.pixels, fill, b))
    full = (time.process_time() - t) / sum(map(len, batches)) * 1000
    if isinstance(plan, str):
        return full, float("nan")
    state = plan.image(prep.pixels, fill)
    t = time.process_time()
    for b in batches:
        state.raw_cells(b)
    return full, (time.process_time() - t) / sum(map(len, batches)) * 1000


def peak_rss_mib() -> float:
    """This process's peak resident memory. VmHWM, not getrusage's ru_maxrss: on Linux
    ru_maxrss survives fork + exec, so a child would report its parent's peak."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def session_setups(model: Path, batch: int, seconds: float) -> dict[str, float]:
    """Plain ``session.run`` throughput at ``batch`` for the session set-ups weighed: one
    session with spinning threads (the CLI), one without (the viewer), and two sessions of
    one thread each, side by side in two threads."""
    import threading

    from dida_view.model.onnx import OnnxClassifier

    out = {}
    for name, kw in (("1 session, spinning", {"spinning": True}),
                     ("1 session, no spinning", {"spinning": False})):
        out[name] = ceiling_rate(OnnxClassifier(model, device="cpu", **kw), batch, seconds)
    clfs = [OnnxClassifier(model, device="cpu", threads=1) for _ in range(2)]
    rates = [0.0, 0.0]

    def loop(i):
        rates[i] = ceiling_rate(clfs[i], batch, seconds)

    threads = [threading.Thread(target=loop, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out["2 sessions x 1 thread"] = sum(rates)
    return out

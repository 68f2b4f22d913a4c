"""Which engine runs an analysis's masked inferences: full inference, or incremental
inference (:mod:`dida_view.method.incremental`) where it is possible, checked, and (for
``auto``) measured faster; and the switch from one to the other during a run."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from dida_view.errors import SettingsError
from dida_view.method import incremental
from dida_view.method.batching import BatchTuner
from dida_view.method.grids import cell_edges
from dida_view.method.incremental import ImageState, Rect

ENGINES: tuple[str, ...] = ("auto", "full", "incremental")
MIN_GAIN = 1.25  # auto: estimated speed-up below which incremental is not even measured
FULL_FASTER = "full inference: measured faster than incremental for this model"
MEASURED_BATCHES = 2  # auto: batches run both ways, timed, before the choice
# ... and up to this many before full inference is kept against the FLOP model's promise
# (on a loaded machine, two batches of SqueezeNet once found full inference faster, and the
# choice is kept for the model)
CONFIRM_BATCHES = 6


@dataclass(frozen=True)
class EngineChoice:
    """The engine an analysis runs, the image's cached maps when incremental, and a note
    when incremental inference was asked for (or possible) but full inference runs."""

    engine: str
    note: str | None = None
    state: ImageState | None = None


def choose_engine(classifier, pixels: np.ndarray, fill: np.ndarray, box, requested: str,
                  batch: int, *, measure_now: bool = True) -> EngineChoice:
    """Pick the engine: ``full``, ``incremental`` (unless the graph cannot be split, or the
    split does not reproduce full inference) or ``auto`` (incremental when a measurement
    on a few batches of this model finds it faster at this batch size; measured once per
    classifier and batch size, and kept). Without ``measure_now``, a choice not yet
    measured comes back as engine ``measuring``, with the state, for the caller to time
    on its own cells (:class:`MaskedRunner`)."""
    if requested not in ENGINES:
        raise SettingsError(f"bad engine {requested!r}: expected one of {', '.join(ENGINES)}")
    if requested == "full":
        return EngineChoice("full")
    plan = incremental.plan_for(classifier)
    if isinstance(plan, str):
        return EngineChoice("full", f"full inference: {plan}")
    state = plan.image(pixels, fill)
    if plan.providers not in plan.decision.verified:
        problem = verify(state, classifier, pixels, fill, box)
        if problem:
            incremental.forget(classifier, problem)
            return EngineChoice("full", f"full inference: {problem}")
        plan.decision.verified.add(plan.providers)
    if requested == "incremental":
        return EngineChoice("incremental", None, state)
    if batch not in plan.prefer and plan.estimated_gain < MIN_GAIN:
        plan.prefer[batch] = False
    if batch not in plan.prefer:
        if not measure_now:
            return EngineChoice("measuring", None, state)
        plan.prefer[batch] = measure(state, classifier, pixels, fill, box, batch)
    if plan.prefer[batch]:
        return EngineChoice("incremental", None, state)
    return EngineChoice("full", FULL_FASTER, None)


def _masked(pixels: np.ndarray, fill: np.ndarray, rects: Sequence[Rect]) -> np.ndarray:
    batch = np.repeat(pixels[None], len(rects), axis=0)
    for b, (y0, y1, x0, x1) in enumerate(rects):
        batch[b, y0:y1, x0:x1] = fill[y0:y1, x0:x1]
    return batch


def _grid_cells(box, n: int) -> list[Rect]:
    n = max(1, min(n, box.height, box.width))
    ys = cell_edges(box.height, n) + box.y0
    xs = cell_edges(box.width, n) + box.x0
    return [(int(ys[i]), int(ys[i + 1]), int(xs[j]), int(xs[j + 1]))
            for i in range(n) for j in range(n)]


def verify(state: ImageState, classifier, pixels, fill, box) -> str | None:
    """Run a few cells (corners at the image border and one inside) both ways; a string
    when the split does not give full inference's ``d`` (max error above 1e-3 of the
    largest ``|d|``)."""
    cells = _grid_cells(box, 7)
    rects = [cells[0], cells[len(cells) // 2], cells[-1]]
    full = classifier.raw(np.concatenate([pixels[None], _masked(pixels, fill, rects)]))
    d_full = full[0] - full[1:]
    d_inc = state.base_raw - state.raw_cells(rects)
    err = float(np.max(np.abs(d_full - d_inc)))
    tol = 1e-3 * float(np.max(np.abs(d_full))) + 1e-5 * float(np.max(np.abs(full[0]))) + 1e-7
    if not np.isfinite(err) or err > tol:
        return f"incremental inference disagreed with full inference (max |Δd| {err:.2g})"
    return None


def measure(state: ImageState, classifier, pixels, fill, box, batch: int) -> bool:
    """Whether incremental inference beats full inference at ``batch``: both run twice on
    the same cells of a middle grid (13 x 13, the average cell), best time each."""
    rects = _grid_cells(box, 13)[:batch]
    masked = _masked(pixels, fill, rects)
    t_full, t_inc = [], []
    for _ in range(2):
        t = time.perf_counter()
        classifier.raw(masked)
        t_full.append(time.perf_counter() - t)
        t = time.perf_counter()
        state.raw_cells(rects)
        t_inc.append(time.perf_counter() - t)
    return min(t_inc) < 0.95 * min(t_full)


class MaskedRunner:
    """The masked inferences of one analysis (``run_dida``'s ``predict_cells``), in the
    score space of ``to_scores``.

    Until the classifier's plan is ready (built in the background the first time, from
    the second grid on) the cells run by full inference, so the first grid appears as soon
    as with the full engine; then :func:`choose_engine` decides. ``incremental`` waits for the plan
    instead. ``auto``, the first time for a model and batch size, runs the next
    ``MEASURED_BATCHES`` batches both ways, timed (real work: the full results are used),
    and keeps incremental inference if it was at least 5 % faster per cell (best batch of
    each); a verdict for full inference, against the FLOP model's estimate, is confirmed
    over up to ``CONFIRM_BATCHES`` batches. Incremental
    scores are shifted by the difference of the two engines' unmasked scores, so that
    ``d`` is always taken against one base, ``base_scores``.
    """

    def __init__(self, classifier, pixels, fill, box, requested: str, batch: int,
                 base_scores: np.ndarray, to_scores: Callable[[np.ndarray], np.ndarray],
                 split_after: int = 0):
        self.classifier, self.pixels, self.fill, self.box = classifier, pixels, fill, box
        self.requested, self.batch = requested, batch
        self.base_scores, self.to_scores = base_scores, to_scores
        # auto on a model not split yet: the split waits for the first ``split_after``
        # cells (the first grid), which then have both cores to themselves
        self.split_after = 0 if requested == "incremental" else split_after
        self.cells = 0
        self.future = None
        if self.split_after == 0 or incremental.plan_started(classifier):
            self.future = incremental.plan_future(classifier)
        self.engine, self.note, self.decided = "full", None, False
        self.state: ImageState | None = None
        self.shift = 0.0
        self.timings: list[tuple[float, float]] = []  # seconds per cell: (full, incremental)
        self._buffer: np.ndarray | None = None  # full inference's masked images

    def __call__(self, rects: Sequence[Rect]) -> np.ndarray:
        if self.future is None and self.cells >= self.split_after:
            self.future = incremental.plan_future(self.classifier)
        self.cells += len(rects)
        if self.future is not None and not self.decided and (
                self.requested == "incremental" or self.future.done()):
            self.decided = True
            choice = choose_engine(self.classifier, self.pixels, self.fill, self.box,
                                   self.requested, self.batch, measure_now=False)
            self.engine, self.note, self.state = choice.engine, choice.note, choice.state
            if self.state is not None:
                self.shift = self.base_scores - self.to_scores(self.state.base_raw[None])[0]
        if self.engine == "measuring":
            return self._measure(rects)
        if self.engine == "full":
            return self._full(rects)
        return self.to_scores(self.state.raw_cells(rects)) + self.shift

    def _full(self, rects: Sequence[Rect]) -> np.ndarray:
        """Full inference of the masked images, drawn in one reused buffer (as ``run_dida``
        draws them) and restored after."""
        k = len(rects)
        if self._buffer is None or len(self._buffer) < k:
            self._buffer = np.repeat(self.pixels[None], k, axis=0)
        batch = self._buffer[:k]
        for b, (y0, y1, x0, x1) in enumerate(rects):
            batch[b, y0:y1, x0:x1] = self.fill[y0:y1, x0:x1]
        try:
            return self.to_scores(self.classifier.raw(batch))
        finally:
            for b, (y0, y1, x0, x1) in enumerate(rects):
                batch[b, y0:y1, x0:x1] = self.pixels[y0:y1, x0:x1]

    def _measure(self, rects: Sequence[Rect]) -> np.ndarray:
        t0 = time.perf_counter()
        scores = self._full(rects)
        t1 = time.perf_counter()
        self.state.raw_cells(rects)
        t2 = time.perf_counter()
        self.timings.append(((t1 - t0) / len(rects), (t2 - t1) / len(rects)))
        if len(self.timings) >= MEASURED_BATCHES:
            full, inc = (min(t) for t in zip(*self.timings, strict=True))
            prefer = inc < 0.95 * full
            if not prefer and len(self.timings) < CONFIRM_BATCHES:
                return scores
            self.state.plan.prefer[self.batch] = prefer
            self.engine = "incremental" if prefer else "full"
            self.note = None if prefer else FULL_FASTER
            if not prefer:
                self.state = None
        return scores

    def outcome(self) -> tuple[str, str | None]:
        """(engine that ran, why not incremental): a plan that turned out impossible
        before the run ended is noted even if every cell had run by then."""
        if (not self.decided and self.future is not None and self.future.done()
                and isinstance(self.future.result(), str)):
            return self.engine, f"full inference: {self.future.result()}"
        if self.engine == "measuring":  # the run ended first; every cell ran full
            return "full", None
        return self.engine, self.note


class RunnerBatches(BatchTuner):
    """The batch sizes of a run whose cells may switch to incremental inference: the
    caller's tuner's while they run by full inference (it keeps learning for full
    inference), the runner's own once they run incrementally (a crop batch shared among
    the workers wants more cells than a full batch: ``MaskedRunner.batch``)."""

    def __init__(self, runner: MaskedRunner, inner: BatchTuner) -> None:
        self.runner, self.inner = runner, inner

    @property
    def max_size(self) -> int:
        return max(self.inner.max_size, self.runner.batch)

    @property
    def chosen(self) -> int | None:
        return self.runner.batch if self.runner.engine == "incremental" else self.inner.chosen

    def next_size(self) -> int:
        if self.runner.engine in ("incremental", "measuring"):  # both timed at one size
            return self.runner.batch
        return self.inner.next_size()

    def record(self, size: int, seconds: float) -> None:
        if self.runner.engine == "full":
            self.inner.record(size, seconds)

"""Exact incremental inference for masked images (issue 13, after Krypton, SIGMOD 2019).

One masked cell changes only a window of each early feature map. The model is cut (see
:mod:`dida_view.model.graphsplit`) into *stages* between cuts of its local prefix, each run
by onnxruntime on crops with dynamic height and width, and a *suffix* that runs on whole
maps. For one image the feature maps at every cut are computed once; for each masked cell,
stage by stage, the crop of the previous map that the changed window needs (with its halo)
is copied out, the new values are pasted in, the stage runs on the crop, and the valid
window of its output becomes the next stage's new values. The suffix then runs on the
last cached map with that window pasted in.

Exactness. A crop starts on the stage's stride grid, so every position of its output is a
position of the whole map's output; where the crop meets the image border it meets it
exactly, so the convolutions' own zero padding (and pooling's) acts there as on the whole
image. Crops of one batch share one size: ``span = H (mod stride)``, so a crop pushed
against the far border still starts on the grid. Outputs whose window leaves the crop
inside the image are wrong, and never used: only the changed window, whose whole
dependency cone lies inside the crop, is kept.

Which cuts become stage boundaries is chosen by a FLOP model of the average cell (dynamic
programming over the cuts): deep in the network one cell's window covers the whole map and
a whole-map suffix is cheaper than crops with halos.
"""

from __future__ import annotations

import inspect
import os
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from dida_view.errors import SettingsError
from dida_view.method.dida import DEFAULT_GRID_SIZES

if TYPE_CHECKING:  # onnx is imported only when a graph is split (build_plan)
    from dida_view.model.graphsplit import Axis, Cut, GraphSplit

STAGE_OVERHEAD = 0.01  # a stage run's call and copy costs, as a share of the model's FLOPs
MIN_SHARE = 0.15  # a local prefix with less of the model's FLOPs is not useful
Rect = tuple[int, int, int, int]  # (y0, y1, x0, x1) in the model's input


@dataclass(frozen=True)
class Stage:
    source: Cut
    target: Cut
    rel: tuple[Axis, Axis]  # target positions -> source positions they read
    session: Any


@dataclass
class IncrementalPlan:
    """A model cut into stages and a suffix, ready to run on one image after another."""

    split: GraphSplit
    stages: tuple[Stage, ...]
    suffix: Any
    output_name: str
    estimated_gain: float  # FLOP model: full inference / incremental, for the average cell
    # (N, H, W, C) pixels -> model input; never a bound method of the classifier: the plan
    # is kept while the classifier lives, and must not keep it alive itself
    preprocess: Callable[[np.ndarray], np.ndarray]
    decision: ModelDecision = field(default_factory=lambda: ModelDecision())
    providers: tuple[str, ...] = ("CPUExecutionProvider",)  # what the sessions run on
    prefer: dict[int, bool] = field(default_factory=dict)  # batch size -> auto's choice
    workers: int = 1  # threads sharing a batch (the caller, the pool's): one-thread sessions
    pool: ThreadPoolExecutor | None = None

    def describe(self) -> str:
        """One line: where the local prefix ends, its FLOP share, and the stage cuts."""
        last = self.split.last
        cuts = ", ".join(f"{s.target.op} '{s.target.node}' {100 * self.split.share(s.target):.0f}%"
                         for s in self.stages)
        return (f"local prefix ends at {last.op} '{last.node}' "
                f"({100 * self.split.share(last):.0f}% of FLOPs; next: {self.split.stop}); "
                f"stages end at {cuts}; estimated {self.estimated_gain:.1f}x")

    def image(self, pixels: np.ndarray, fill: np.ndarray) -> ImageState:
        """Cache the feature maps of one model-space image (float32 (H, W, C), 0..255)
        and its mask fill."""
        x = self.preprocess(np.stack([pixels, fill]))
        maps = [np.ascontiguousarray(x[0])]
        for st in self.stages:
            (out,) = st.session.run(None, {st.source.tensor: maps[-1][None]})
            if out.shape[1:] != st.target.shape:
                raise SettingsError(f"incremental: stage output {out.shape[1:]} is not "
                                    f"{st.target.shape}")
            maps.append(np.ascontiguousarray(out[0]))
        state = ImageState(self, maps, np.ascontiguousarray(x[1]))
        state.base_raw = state.suffix(maps[-1][None])[0]
        return state


class ImageState:
    """One image's cached feature maps; :meth:`raw_cells` runs masked cells on them."""

    def __init__(self, plan: IncrementalPlan, maps: list[np.ndarray], fill: np.ndarray):
        self.plan = plan
        self.maps = maps
        self.fill = fill
        self.base_raw: np.ndarray | None = None
        self._buffers: dict[tuple[int, int], np.ndarray] = {}

    def _buffer(self, key: tuple[int, int], shape: tuple[int, ...]) -> np.ndarray:
        """A reused buffer of ``shape`` (one per worker and stage, grown when a batch needs
        more)."""
        n = int(np.prod(shape))
        buf = self._buffers.get(key)
        if buf is None or buf.size < n:
            buf = self._buffers[key] = np.empty(n, dtype=np.float32)
        return buf[:n].reshape(shape)

    def suffix(self, maps: np.ndarray) -> np.ndarray:
        (out,) = self.plan.suffix.run([self.plan.output_name],
                                      {self.plan.stages[-1].target.tensor: maps})
        out = np.asarray(out)
        if out.ndim == 4 and out.shape[2:] == (1, 1):
            out = out[:, :, 0, 0]
        return out.astype(np.float32, copy=False)

    def raw_cells(self, rects: Sequence[Rect]) -> np.ndarray:
        """Raw scores of the image with each rectangle masked, ``(len(rects), classes)``.

        With several workers (one-thread sessions) the batch is shared among them, the
        calling thread being one of them: the crops are small, so one thread per core beats
        several threads per small operation, and one worker's Python (crops, pastes)
        overlaps another's onnxruntime run.
        """
        pool, n = self.plan.pool, min(self.plan.workers, len(rects))
        if pool is None or n < 2:
            return self._raw_cells(rects, 0)
        parts = [rects[i * len(rects) // n:(i + 1) * len(rects) // n] for i in range(n)]
        futures = [pool.submit(self._raw_cells, part, i) for i, part in enumerate(parts)
                   if i > 0]
        first = self._raw_cells(parts[0], 0)
        return np.concatenate([first, *(f.result() for f in futures)])

    def _raw_cells(self, rects: Sequence[Rect], worker: int) -> np.ndarray:
        k = len(rects)
        # the new values of the previous cut: where (rows, cols) and what
        windows = [((y0, y1), (x0, x1)) for y0, y1, x0, x1 in rects]
        values = [self.fill[:, y0:y1, x0:x1] for y0, y1, x0, x1 in rects]
        for s, st in enumerate(self.plan.stages):
            src = self.maps[s]
            _, h_in, w_in = src.shape
            _, h_out, w_out = st.target.shape
            targets = [(st.target.axes[0].changed(y0, y1, h_out),
                        st.target.axes[1].changed(x0, x1, w_out)) for y0, y1, x0, x1 in rects]
            # a cell can change nothing here (pixels no window reads): an empty window
            targets = [(r, c) if r[0] < r[1] and c[0] < c[1] else ((0, 0), (0, 0))
                       for r, c in targets]
            need_r = [st.rel[0].needed(*r, h_in) if r[1] else (0, 0) for r, _ in targets]
            need_c = [st.rel[1].needed(*c, w_in) if c[1] else (0, 0) for _, c in targets]
            rows, span_r = _place(need_r, h_in, st.rel[0])
            cols, span_c = _place(need_c, w_in, st.rel[1])
            buf = self._buffer((worker, s), (k, src.shape[0], span_r, span_c))
            for b in range(k):
                r0, c0 = rows[b], cols[b]
                buf[b] = src[:, r0:r0 + span_r, c0:c0 + span_c]
                _paste(buf[b], values[b], windows[b], r0, c0)
            (out,) = st.session.run(None, {st.source.tensor: buf})
            values = []
            for b, ((t0, t1), (u0, u1)) in enumerate(targets):
                o_r, o_c = rows[b] // st.rel[0].jump, cols[b] // st.rel[1].jump
                values.append(out[b, :, t0 - o_r:t1 - o_r, u0 - o_c:u1 - o_c])
            windows = targets
        last = self.maps[-1]
        batch = self._buffer((worker, -1), (k,) + last.shape)
        batch[...] = last
        for b in range(k):
            _paste(batch[b], values[b], windows[b], 0, 0)
        return self.suffix(batch)


def _place(needs: list[tuple[int, int]], size: int, axis: Axis) -> tuple[list[int], int]:
    """Crop starts (on the stride grid) and one common span covering every ``needs``, at
    least one receptive field (so that every layer has an output on the crop)."""
    jump = axis.jump
    starts = [n0 - n0 % jump for n0, _ in needs]
    span = max(n1 - s for (_, n1), s in zip(needs, starts, strict=True))
    span = max(span, axis.hi - axis.lo + 1)
    span = min(size, span + (size - span) % jump)  # span = size (mod jump)
    return [min(s, size - span) for s in starts], span


def _paste(dst: np.ndarray, values: np.ndarray, window, r0: int, c0: int) -> None:
    """Write ``values`` (at ``window`` of the whole map) into ``dst``, a crop at (r0, c0)."""
    (y0, y1), (x0, x1) = window
    h, w = dst.shape[1:]
    a0, a1 = max(y0, r0), min(y1, r0 + h)
    b0, b1 = max(x0, c0), min(x1, c0 + w)
    if a0 < a1 and b0 < b1:
        dst[:, a0 - r0:a1 - r0, b0 - c0:b1 - c0] = values[:, a0 - y0:a1 - y0, b0 - x0:b1 - x0]


# -- choosing the cuts -------------------------------------------------------------------
def _segment_cost(a: Cut, b: Cut, size: tuple[int, int], cells: list[tuple[float, float]]):
    """FLOPs of running the graph from cut ``a`` to cut ``b`` on the crops of an average
    cell (``cells``: (side in pixels, weight))."""
    rel = (b.axes[0].relative_to(a.axes[0]), b.axes[1].relative_to(a.axes[1]))
    frac = 0.0
    for side, weight in cells:
        area = 1.0
        for ax in (0, 1):
            lo = int(size[ax] / 2 - side / 2)
            t = b.axes[ax].changed(lo, int(lo + side), b.shape[1 + ax])
            n0, n1 = rel[ax].needed(*t, a.shape[1 + ax])
            area *= min(a.shape[1 + ax], n1 - n0 + rel[ax].jump - 1) / a.shape[1 + ax]
        frac += weight * area
    return (b.flops - a.flops) * frac


def choose_cuts(split: GraphSplit, size: tuple[int, int],
                grid_sizes: Sequence[int] = DEFAULT_GRID_SIZES) -> tuple[list[int], float]:
    """The cuts that end stages (indices into ``split.cuts``) and the estimated FLOPs of
    one masked inference with them, for the cells of ``grid_sizes`` on an image of
    ``size``."""
    total = split.total_flops
    counts = sum(n * n for n in grid_sizes)
    cells = [(min(size) / n, n * n / counts) for n in grid_sizes]
    cuts = split.cuts
    best: list[tuple[float, list[int]]] = [(0.0, [])]
    for j in range(1, len(cuts)):
        best.append(min((best[i][0] + _segment_cost(cuts[i], cuts[j], size, cells)
                         + STAGE_OVERHEAD * total, best[i][1] + [j]) for i in range(j)))
    finals = [(best[j][0] + total - cuts[j].flops, best[j][1]) for j in range(1, len(cuts))]
    if not finals:
        return [], total
    cost, chosen = min(finals)
    return chosen, cost


# -- what is known per model --------------------------------------------------------------
@dataclass
class ModelDecision:
    """What one model has shown, kept by its fingerprint for every classifier that opens
    it (a model opened again, by the viewer or a script, is a new classifier): why it
    cannot run incrementally (then no later classifier of it splits the graph again), on
    which execution providers its split reproduced full inference, and ``auto``'s
    measured choice per session set-up (providers, threads, spinning) and batch size."""

    reason: str | None = None
    verified: set[tuple[str, ...]] = field(default_factory=set)  # providers checked under
    prefer: dict[tuple, dict[int, bool]] = field(default_factory=dict)


MAX_DECISIONS = 64  # models remembered (a few hundred bytes each), least recent dropped
_DECISIONS: OrderedDict[str, ModelDecision] = OrderedDict()


def decision_for(classifier) -> ModelDecision:
    """The decision of the classifier's model (by its ``fingerprint``); a fresh one, kept
    nowhere, for a classifier without a fingerprint."""
    key = getattr(classifier, "fingerprint", None)
    if not isinstance(key, str) or not key:
        return ModelDecision()
    with _LOCK:
        found = _DECISIONS.get(key)
        if found is None:
            found = _DECISIONS[key] = ModelDecision()
            while len(_DECISIONS) > MAX_DECISIONS:
                _DECISIONS.popitem(last=False)
        _DECISIONS.move_to_end(key)
        return found


# -- building a plan ---------------------------------------------------------------------
_PLANS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # classifier -> Future
_LOCK = threading.RLock()


def plan_future(classifier) -> Future:
    """The classifier's plan (or why it cannot have one) as a future: built once, in a
    background thread (importing onnx and splitting the graph take a few tenths of a
    second), and kept while the classifier lives. A model known not to run incrementally
    (:class:`ModelDecision`) gets its reason at once, without a thread."""
    with _LOCK:
        try:
            future = _PLANS.get(classifier)
        except TypeError:  # cannot be weakly referenced: built now, not kept
            future = None
            return _build_into(Future(), classifier)
        if future is None:
            future = _PLANS[classifier] = Future()
            reason = decision_for(classifier).reason
            if reason is not None:
                future.set_result(reason)
                return future
            # not a daemon: the interpreter waits for it at exit, since a thread killed in
            # the middle of onnxruntime's C++ code aborts the process
            threading.Thread(target=_build_into, args=(future, classifier), daemon=False,
                             name="dida-incremental-plan").start()
    return future


def plan_started(classifier) -> bool:
    """Whether the classifier's plan is built or being built."""
    try:
        return classifier in _PLANS
    except TypeError:
        return False


def plan_for(classifier) -> IncrementalPlan | str:
    """The classifier's plan, waiting for it if it is being built."""
    return plan_future(classifier).result()


def forget(classifier, reason: str) -> None:
    """Keep ``reason`` as the answer for the classifier and its model from now on (its
    plan failed a check)."""
    future: Future = Future()
    future.set_result(reason)
    with _LOCK:
        decision_for(classifier).reason = reason
        try:
            _PLANS[classifier] = future
        except TypeError:
            pass


def _build_into(future: Future, classifier) -> Future:
    try:
        plan = build_plan(classifier)
    except Exception as exc:  # onnx and onnxruntime raise many types; fall back, say why
        plan = f"the graph could not be split ({str(exc).strip().splitlines()[0][:200]})"
    if isinstance(plan, str):
        decision_for(classifier).reason = plan
    future.set_result(plan)
    return future


def build_plan(classifier) -> IncrementalPlan | str:
    """Split an :class:`~dida_view.model.onnx.OnnxClassifier`'s graph and open sessions
    for its stages and suffix; a string says why it cannot be done."""
    import onnx

    from dida_view.model.graphsplit import extract, fixed_size_model, split_graph

    path = getattr(classifier, "path", None)
    if path is None or not hasattr(classifier, "session"):
        return "not an ONNX model"
    if getattr(classifier, "layout", "NCHW") != "NCHW" or classifier.input_dtype != np.float32:
        return "incremental inference needs a float32 NCHW image input"
    if getattr(classifier, "fixed_batch", None):
        return "the model has a fixed batch size"
    model = fixed_size_model(onnx.load(str(path)), classifier.input_name, classifier.channels,
                             tuple(classifier.input_size))
    split = split_graph(model, classifier.input_name, classifier.output_name)
    chosen, cost = choose_cuts(split, tuple(classifier.input_size))
    gain = split.total_flops / cost if cost > 0 else 1.0
    if not chosen or split.share(split.last) < MIN_SHARE:
        return (f"no useful local prefix: it ends at {split.stop} after "
                f"{100 * split.share(split.last):.0f}% of the FLOPs")
    threads, spinning = getattr(classifier, "session_threads", (None, True))
    providers = classifier.session.get_providers()
    workers = 1 if providers[0] != "CPUExecutionProvider" else int(threads or os.cpu_count()
                                                                    or 1)
    stages, prev = [], split.cuts[0]
    for j in chosen:
        cut = split.cuts[j]
        sub = extract(model, prev.tensor, cut.tensor, dynamic_space=True)
        rel = (cut.axes[0].relative_to(prev.axes[0]), cut.axes[1].relative_to(prev.axes[1]))
        stages.append(Stage(prev, cut, rel, _session(sub, providers, workers, threads,
                                                     spinning)))
        prev = cut
    suffix = extract(model, prev.tensor, classifier.output_name, dynamic_space=False)
    decision = decision_for(classifier)
    prefer = decision.prefer.setdefault((tuple(providers), threads, spinning), {})
    return IncrementalPlan(split, tuple(stages),
                           _session(suffix, providers, workers, threads, spinning),
                           classifier.output_name, gain, _model_input(classifier),
                           decision=decision, providers=tuple(providers), prefer=prefer,
                           workers=workers,
                           pool=ThreadPoolExecutor(workers - 1) if workers > 1 else None)


def _model_input(classifier) -> Callable[[np.ndarray], np.ndarray]:
    """The classifier's pixels -> model input transform, without the classifier (a bound
    method would keep it alive as long as its plan, which lives as long as it: a leak)."""
    transform = getattr(classifier, "model_input", None)
    if transform is not None and not inspect.ismethod(transform):
        return transform
    method = weakref.WeakMethod(classifier.to_model_input)
    return lambda pixels: method()(pixels)


def _session(model, providers, workers: int, threads: int | None, spinning: bool):
    """A session for a part of the graph: one thread when ``workers`` share the cores."""
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    opts.log_severity_level = 3
    if workers > 1 or threads:
        opts.intra_op_num_threads = 1 if workers > 1 else int(threads)
    opts.add_session_config_entry("session.intra_op.allow_spinning", "1" if spinning else "0")
    return ort.InferenceSession(model.SerializeToString(), opts, providers=providers)

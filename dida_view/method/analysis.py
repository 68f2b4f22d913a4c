"""One analysis: image + classifier + settings -> :class:`DidaResult`.

This is the pipeline both the CLI and the GUI call: preprocessing, the base inference,
the score space and the engine. Pictures of a result: :mod:`dida_view.render.maps`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from dida_view import __version__
from dida_view.catalogue import QT_TRANSLATE_NOOP
from dida_view.errors import Cancelled, DidaError, ModelError, SettingsError
from dida_view.io.intensity import is_constant
from dida_view.method import blend, engines
from dida_view.method.batching import BatchTuner
from dida_view.method.cache import ResultCache, result_key
from dida_view.method.dida import (
    DEFAULT_GRID_SIZES,
    DidaResult,
    GridCallback,
    parse_grid_sizes,
    run_dida,
)
from dida_view.method.grids import DEFAULT_GRID_GEOMETRY, check_geometry, grid_box_for
from dida_view.method.masking import (
    MASK_FILLS,
    CancelCallback,
    ProgressCallback,
    make_fill,
)
from dida_view.model.domain import DomainResult, domain_check
from dida_view.model.domainref import BROKEN_NOTE
from dida_view.model.onnx import Classifier
from dida_view.model.preprocess import Prepared, prepare
from dida_view.model.scores import (
    PINNED_TOP_NOTE,
    SCORE_SPACES,
    SPACE_NAMES,
    pinned_classes,
    pinned_note,
    resolve_space,
    to_space,
)

# bumped whenever a change of the method changes the maps of the same input and settings
METHOD_VERSION = 1
BATCH = 16  # masked cells per run in auto's measurement of the engines, unless set


@dataclass(frozen=True)
class Settings:
    """What the user chooses for an analysis.

    ``weights=None``: the paper's weights. ``batch_size=None``: chosen by measurement
    (:class:`~dida_view.method.batching.BatchTuner`, see ``analyze(tuner=...)``).
    ``engine``: ``full`` inference of every masked image, ``incremental`` (recompute only
    what a masked cell changes, :mod:`dida_view.method.incremental`; the same ``d`` to float
    precision) or ``auto`` (incremental where it is measured faster for the model). Not
    part of the result cache's key: every engine gives the same result.
    ``grid_geometry``: where the grids lie and how many cells they have (``content``,
    ``square``, ``input``; :mod:`dida_view.method.dida`).
    """

    grid_sizes: tuple[int, ...] = DEFAULT_GRID_SIZES
    mask_fill: str = "black"
    score_space: str = "auto"
    batch_size: int | None = None
    weights: tuple[float, ...] | None = None
    engine: str = "auto"
    grid_geometry: str = DEFAULT_GRID_GEOMETRY

    def __post_init__(self) -> None:
        object.__setattr__(self, "grid_sizes", parse_grid_sizes(list(self.grid_sizes)))
        check_geometry(self.grid_geometry)
        if self.mask_fill not in MASK_FILLS:
            raise SettingsError(
                f"bad mask fill {self.mask_fill!r}: expected one of {', '.join(MASK_FILLS)}"
            )
        if self.score_space not in SCORE_SPACES:
            raise SettingsError(
                f"bad score space {self.score_space!r}: expected one of {', '.join(SCORE_SPACES)}"
            )
        if self.engine not in engines.ENGINES:
            raise SettingsError(
                f"bad engine {self.engine!r}: expected one of {', '.join(engines.ENGINES)}"
            )
        if self.batch_size is not None and int(self.batch_size) < 1:
            raise SettingsError(f"batch size must be >= 1, got {self.batch_size}")
        if self.weights is not None:
            blend.normalise_weights(self.weights, len(self.grid_sizes))

    def work(self) -> Settings:
        """What ``d`` depends on: these settings less the blend weights, the engine and the
        batch size (every engine and batch size gives the same maps)."""
        return replace(self, weights=None, engine="auto", batch_size=None)

    def blend_weights(self) -> np.ndarray:
        if self.weights is None:
            return blend.paper_weights(len(self.grid_sizes))
        return blend.normalise_weights(self.weights, len(self.grid_sizes))


def analyze(
    classifier: Classifier,
    image: np.ndarray,
    settings: Settings | None = None,
    *,
    progress: ProgressCallback | None = None,
    cancel: CancelCallback | None = None,
    on_grid: GridCallback | None = None,
    on_start: Callable[[DidaResult], None] | None = None,
    cache: ResultCache | None = None,
    tuner: BatchTuner | None = None,
) -> DidaResult:
    """Run DiDA for ``image`` (uint8 grey or RGB, any size) with ``classifier``.

    ``on_start(partial)`` is called after the one unmasked inference with a result that
    has the scores, the score space and no grids yet, so a viewer can show the ranking
    before the first grid is done. The other callbacks are those of
    :func:`~dida_view.method.dida.run_dida`. With a ``cache``, a result seen before (same
    pixels, model and settings) comes back at once, through the same callbacks, marked
    ``from_cache`` with the time the lookup took. ``tuner``: a
    :class:`~dida_view.method.batching.BatchTuner` the caller keeps for this classifier, so
    the batch size found by one analysis serves the next (default: a fresh one).

    Raises
    ------
    ModelError
        When the model's files changed on disk since the classifier opened them: its
        session holds the old weights, and its fingerprint would no longer name them.
    """
    settings = settings or Settings()
    _check_unchanged(classifier)
    key = None
    fingerprint = getattr(classifier, "fingerprint", None)
    if cache is not None and fingerprint:
        t0 = time.perf_counter()
        key = result_key(np.asarray(image), fingerprint, cache_settings(classifier, settings))
        hit = cache.get(key)
        if hit is not None:
            hit = replace(hit, weights=settings.blend_weights(), from_cache=True,
                          lookup_seconds=time.perf_counter() - t0)
            return _replay(hit, progress, on_grid, on_start)
    if settings.engine == "incremental":
        engines.incremental.plan_future(classifier)  # split while the image is prepared
    start = _start(classifier, image, settings)  # the unmasked inference: C(I_o)
    if on_start is not None:
        on_start(start.partial(settings))
    if start.constant:  # nothing to find: every map is 0 without a masked run
        result = _constant_result(start.prep, settings, start.base_scores, start.meta,
                                  start.fields, progress, on_grid)
    else:
        result = _masked_run(classifier, start, settings, tuner, progress, cancel, on_grid)
    if key is not None:
        cache.put(key, result)
    if cancel is not None and cancel():  # cancelled while the last batch ran: not wanted
        raise Cancelled()
    return result


def _check_unchanged(classifier: Classifier) -> None:
    """:class:`ModelError` when the model's files changed on disk since it was opened."""
    changed = getattr(classifier, "changed_on_disk", None)
    if changed is not None and changed():
        raise ModelError(
            f"{getattr(classifier, 'path', 'the model')}: its files changed on disk since it "
            "was opened; open the model again")


@dataclass(frozen=True)
class _Start:
    """An analysis after its one unmasked inference: the prepared image, the score space
    and the unmasked scores in it, and the result's fields known so far."""

    prep: Prepared
    space: str
    base_scores: np.ndarray
    fields: dict
    meta: dict
    constant: bool

    def partial(self, settings: Settings) -> DidaResult:
        """The scores-only result a viewer shows before the first grid is done."""
        prep = self.prep
        input_size = (int(prep.pixels.shape[0]), int(prep.pixels.shape[1]))
        return DidaResult(
            scores=self.base_scores, grid_sizes=settings.grid_sizes, d={}, evaluations=0,
            seconds=0.0, mask_fill=settings.mask_fill, box=prep.box, input_size=input_size,
            meta=self.meta, grid_box=grid_box_for(prep.box, input_size, settings.grid_geometry),
            grid_geometry=settings.grid_geometry, **self.fields)


def _start(classifier: Classifier, image: np.ndarray, settings: Settings) -> _Start:
    """Prepare the image, run it unmasked, choose the score space and say why."""
    prep = prepare(image, classifier.preprocessing, classifier.input_size, classifier.channels)
    base_raw = classifier.raw(prep.pixels[None])[0]
    probs = classifier.outputs_probabilities
    space, note = resolve_space(base_raw, settings.score_space, probs)
    pinned = pinned_classes(base_raw, probs)
    if note and int(np.argmax(base_raw)) in pinned:  # no space can keep that promise
        note = PINNED_TOP_NOTE.note(space=SPACE_NAMES[space])
    notes = [n for n in (note, pinned_note(pinned, list(classifier.labels))) if n]
    constant = is_constant(image)
    if constant:
        notes.append(CONSTANT_NOTE.note())
    domain = _domain(classifier, image, notes)
    fields = {
        "labels": list(classifier.labels),
        "score_space": space,
        "weights": settings.blend_weights(),
        "probabilities": to_space(base_raw[None], "probability", probs)[0],
        "notes": tuple(notes),
        "saturated": pinned,
        "domain": domain,
    }
    meta = {
        "score_space_requested": settings.score_space,
        "original_size": prep.original_size,
        "preprocessing": classifier.preprocessing.to_dict(),
    }
    return _Start(prep, space, to_space(base_raw[None], space, probs)[0], fields, meta,
                  constant)


def _domain(classifier: Classifier, image: np.ndarray, notes: list) -> DomainResult | None:
    """The domain check of the image as loaded (one inference to the reference's layers),
    or None without a reference; a reference that does not fit the model is a note."""
    try:
        check = domain_check(classifier)
    except DidaError as exc:
        notes.append(BROKEN_NOTE.note(problem=str(exc)))
        return None
    return check.check(image) if check is not None else None


def _masked_run(classifier: Classifier, start: _Start, settings: Settings,
                tuner: BatchTuner | None, progress, cancel, on_grid) -> DidaResult:
    """The masked inferences (:func:`~dida_view.method.dida.run_dida`) by the engine the
    settings ask for, in the start's score space."""
    prep, space = start.prep, start.space

    def to_scores(raw: np.ndarray) -> np.ndarray:
        return to_space(raw, space, classifier.outputs_probabilities)

    runner = None
    if settings.engine != "full":  # the batch size stays the tuner's: it measures either
        runner = engines.MaskedRunner(
            classifier, prep.pixels, make_fill(prep.pixels, prep.box, settings.mask_fill),
            prep.box, settings.engine, int(settings.batch_size or BATCH), start.base_scores,
            to_scores, split_after=settings.grid_sizes[0] ** 2)
    batching = _batching(classifier, settings, tuner)
    if runner is not None and isinstance(batching, BatchTuner):
        batching = engines.RunnerBatches(runner, batching)
    run = run_dida(
        lambda batch: to_scores(classifier.raw(batch)),
        prep.pixels,
        box=prep.box,
        grid_sizes=settings.grid_sizes,
        mask_fill=settings.mask_fill,
        grid_geometry=settings.grid_geometry,
        batch_size=batching,
        base_scores=start.base_scores,
        progress=progress,
        cancel=cancel,
        on_grid=on_grid,
        predict_cells=runner,
    )
    engine, engine_note = runner.outcome() if runner else ("full", None)
    meta = {**start.meta, "engine": engine, "engine_note": engine_note}
    return replace(run, meta={**run.meta, **meta}, **start.fields)


def cache_settings(classifier: Classifier, settings: Settings) -> dict:
    """What, besides the pixels and the model's files, a result depends on: the settings
    that change ``d``, the preprocessing the model is fed with (a sidecar can change it
    while the model file stays the same), the input size and channels, and the version of
    the code that made it."""
    return {
        "grids": list(settings.grid_sizes), "mask": settings.mask_fill,
        "score": settings.score_space, "geometry": settings.grid_geometry,
        "preprocessing": classifier.preprocessing.to_dict(),
        "input": [list(classifier.input_size or ()), int(classifier.channels)],
        "code": f"{__version__}/{METHOD_VERSION}",
        "domain": getattr(classifier, "reference_fingerprint", ""),  # the check's reference
    }


CONSTANT_NOTE = QT_TRANSLATE_NOOP(
    "Notes", "constant image (every pixel the same): no structure to explain, so every map "
    "is 0 and no masked inference was run")


def _constant_result(prep, settings, base_scores, meta, fields, progress, on_grid):
    """The result for a constant image: ``d`` is 0 for every cell, without a model run.

    Every cell of a constant image looks like every other: no cell can carry evidence
    that another does not, so DiDA has nothing to show; masking would only measure how the
    model reacts to a dark square on a blank picture.
    """
    box = prep.box
    too_fine = [n for n in settings.grid_sizes if n > min(box.height, box.width)]
    if too_fine:
        raise SettingsError(f"grid size {too_fine[0]} is finer than the image content "
                            f"({box.height} x {box.width} pixels)")
    n_classes = len(fields["labels"])
    d = {n: np.zeros((n_classes, n, n), np.float32) for n in settings.grid_sizes}
    total = sum(n * n for n in settings.grid_sizes)
    for n in settings.grid_sizes:
        if on_grid is not None:
            on_grid(n, d[n])
    if progress is not None:
        progress(total, total)
    return DidaResult(
        scores=base_scores, grid_sizes=settings.grid_sizes, d=d, evaluations=0, seconds=0.0,
        mask_fill=settings.mask_fill, box=prep.box,
        input_size=(int(prep.pixels.shape[0]), int(prep.pixels.shape[1])),
        meta={**meta, "constant": True}, **fields)


def _replay(result, progress, on_grid, on_start) -> DidaResult:
    """Hand a cached result out through the callbacks a live run would have used."""
    if on_start is not None:
        on_start(replace(result, d={}))
    total = sum(int(np.prod(result.cell_shape(n))) for n in result.grid_sizes)
    for n in result.grid_sizes:
        if on_grid is not None:
            on_grid(n, result.d[n])
    if progress is not None:
        progress(total, total)
    return result


def _batching(classifier: Classifier, settings: Settings,
              tuner: BatchTuner | None) -> int | BatchTuner:
    """The model's fixed batch, the user's batch size, or a tuner (the caller's, or new)."""
    fixed = getattr(classifier, "fixed_batch", None)
    if fixed:
        return int(fixed)  # a model with a fixed batch runs that many at a time anyway
    if settings.batch_size is not None:
        return int(settings.batch_size)
    return tuner if tuner is not None else BatchTuner()

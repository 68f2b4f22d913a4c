"""The panels' pictures of one image and one result, made by core and kept for reuse.

All pixels come from core (:mod:`dida_view.render.maps`, :mod:`dida_view.render.images`);
this module only asks for them at display size and keeps recent ones, so that moving a
slider does not redo work that did not change. What to show is the presenter's choice
(:mod:`dida_view.gui.viewer.presenter`); reading ``d`` under the square is the viewer model's.

Speed: a Mixed Image is rendered at the size of the model's content box and then
enlarged by index to the display size. Every original pixel takes the colour of the
content pixel it maps to, exactly as ``class_mixed_image(..., out_shape=original)`` does,
so the picture is identical, about 3x faster.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from dida_view.method.dida import DidaResult
from dida_view.model.preprocess import source_index
from dida_view.render import images as render
from dida_view.render import maps

MAX_DISPLAY_SIDE = 1024
CACHE_SIZE = 24


def display_shape(shape: Sequence[int], max_side: int = MAX_DISPLAY_SIDE) -> tuple[int, int]:
    """The (height, width) at which an image of ``shape`` is painted (at most ``max_side``)."""
    h, w = int(shape[0]), int(shape[1])
    s = min(1.0, max_side / max(h, w))
    return max(1, round(h * s)), max(1, round(w * s))


_FLAT_INDEX: dict[tuple[int, int, int, int], np.ndarray] = {}


def resample(img: np.ndarray, out_shape: tuple[int, int]) -> np.ndarray:
    """Nearest-pixel resize by index (the centre rule of core's ``source_index``).

    One gather through a cached flat index: a Mixed Image at content size becomes a
    display-size picture in a few milliseconds.
    """
    h, w = img.shape[:2]
    oh, ow = out_shape
    if (oh, ow) == (h, w):
        return img
    key = (h, w, oh, ow)
    flat = _FLAT_INDEX.get(key)
    if flat is None:
        flat = (source_index(oh, h)[:, None] * w + source_index(ow, w)[None, :]).reshape(-1)
        if len(_FLAT_INDEX) > 16:
            _FLAT_INDEX.clear()
        _FLAT_INDEX[key] = flat
    return img.reshape(h * w, -1).take(flat, axis=0).reshape(oh, ow, *img.shape[2:])


def _same_pictures(a: DidaResult | None, b: DidaResult | None) -> bool:
    """Whether two results have the same maps, scores and weights (so the same pictures)."""
    if a is None or b is None or a is b:
        return a is b and a is not None
    if a.d.keys() != b.d.keys() or a.box != b.box or a.score_space != b.score_space:
        return False
    wa = a.weights if a.weights is not None else np.zeros(0)
    wb = b.weights if b.weights is not None else np.zeros(0)
    return (np.array_equal(wa, wb) and np.array_equal(a.scores, b.scores)
            and all(np.array_equal(a.d[n], b.d[n]) for n in a.d))


class Snapshot(NamedTuple):
    """What one picture is made from, read together under the lock: the result, the
    original at display size, and the generation they belong to."""

    result: DidaResult | None
    base: np.ndarray | None
    generation: int


class PictureCache:
    """Renders the panels' pictures for one image and one result, with a small cache.

    Call :meth:`set_image` for a new original and :meth:`set_result` whenever the result
    changes (a grid arrived, a run finished, the weights changed).

    Thread safety: the pictures of a running analysis are made ahead on a helper thread
    (:meth:`prerender`) while the GUI thread may swap the result. The result, the original
    and the generation number change together under one lock, a picture is made from one
    :meth:`snapshot` of the three, and it is kept (or served from the cache) only while
    the generation it was made for is still the current one.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.generation = 0
        self.result: DidaResult | None = None
        self.base: np.ndarray | None = None  # float32 RGB original at display size
        self._original: np.ndarray | None = None  # the same as uint8
        self._overlays: OrderedDict[tuple, np.ndarray] = OrderedDict()
        self._cache: OrderedDict[tuple, np.ndarray] = OrderedDict()
        self._mixed: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self._scales: dict[tuple, float] = {}

    # -- inputs ---------------------------------------------------------------------------
    def set_image(self, image: np.ndarray | None) -> None:
        """A new original (uint8 grey or RGB); clears the result and the cache."""
        base = None if image is None else render.as_rgb_float(
            resample(image, display_shape(image.shape)))
        with self._lock:
            self.base, self.result = base, None
            self._original = None if base is None else render.to_uint8(base)
            self._new_generation()

    def set_result(self, result: DidaResult | None) -> None:
        """The result to render (partial or complete); clears the cache, unless ``result``
        paints exactly as the current one (the finished run after its last grid)."""
        with self._lock:
            same = _same_pictures(self.result, result)
            self.result = result
            if not same:
                self._new_generation()

    def snapshot(self) -> Snapshot:
        """The result, the display original and the generation, read together."""
        with self._lock:
            return Snapshot(self.result, self.base, self.generation)

    def _new_generation(self) -> None:
        """Call with the lock held: pictures made for earlier generations are dropped."""
        self.generation += 1
        self._cache.clear()
        self._overlays.clear()
        self._mixed.clear()
        self._scales.clear()

    def _lookup(self, cache: dict, key, snap: Snapshot):
        """A cached value made for ``snap``'s generation, or None."""
        with self._lock:
            return cache.get(key) if snap.generation == self.generation else None

    def _store(self, cache: dict, key, value, snap: Snapshot) -> None:
        """Keep ``value`` unless the result changed while it was being made."""
        with self._lock:
            if snap.generation == self.generation:
                cache[key] = value
                if isinstance(cache, OrderedDict):
                    cache.move_to_end(key)
                    while len(cache) > CACHE_SIZE:
                        cache.popitem(last=False)

    # -- pictures -------------------------------------------------------------------------
    def original(self) -> np.ndarray | None:
        """The original as uint8 RGB at display size."""
        return self._original

    def mixed_d(self, k: int, snap: Snapshot | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Class ``k``'s blended (pos, neg) d at content size, kept until the result changes.

        Every refresh of the Mixed Image needs it: computed once per class.
        """
        snap = snap or self.snapshot()
        assert snap.result is not None
        hit = self._lookup(self._mixed, k, snap)
        if hit is None:
            hit = maps.class_mixed_d(snap.result, k)
            self._store(self._mixed, k, hit, snap)
        return hit

    def scale(self, classes: Sequence[int], grid: int | None = None,
              snap: Snapshot | None = None) -> float:
        """One colour scale shared by ``classes``: core's
        :func:`~dida_view.render.maps.class_scale` of the Mixed Image (``grid=None``) or of
        grid size ``grid`` alone (its own largest ``|d|``), kept until the result changes."""
        snap = snap or self.snapshot()
        if snap.result is None or not snap.result.d:
            return 1e-12
        key = (tuple(int(k) for k in classes), grid)
        hit = self._lookup(self._scales, key, snap)
        if hit is None:
            hit = maps.class_scale(snap.result, key[0], None if grid is None else [grid])
            self._store(self._scales, key, hit, snap)
        return hit

    def colour_map(self, k: int, scale: float, gain: float, grid: int | None,
                   snap: Snapshot | None = None) -> np.ndarray:
        """Class ``k``'s Mixed Image (``grid=None``) or grid image of size ``grid``.

        float32 RGB in 0..1 at display size, black where nothing is known yet.
        """
        snap = snap or self.snapshot()
        res, base = snap.result, snap.base
        assert res is not None and base is not None
        key = (k, float(scale), float(gain), grid)
        hit = self._lookup(self._cache, key, snap)
        if hit is not None:
            return hit
        content = (res.box.height, res.box.width)
        if grid is None:
            small = render.color_signed(*self.mixed_d(k, snap), scale, gain)
        elif grid in res.d:
            small = maps.class_grid_images(res, k, scale, gain, content, [grid])[grid]
        else:
            small = np.zeros((*content, 3), np.float32)
        rows, cols = maps.content_index(res, base.shape[:2])  # exact for the preprocessing
        out = small[rows[:, None], cols[None, :]]
        self._store(self._cache, key, out, snap)
        return out

    def overlay(self, k: int, scale: float, gain: float, opacity: float,
                grid: int | None = None, snap: Snapshot | None = None) -> np.ndarray:
        """The original with class ``k``'s map laid over it: uint8 RGB at display size."""
        snap = snap or self.snapshot()
        assert snap.base is not None
        key = (k, float(scale), float(gain), float(opacity), grid)
        hit = self._lookup(self._overlays, key, snap)
        if hit is not None:
            return hit
        out = render.overlay(snap.base, self.colour_map(k, scale, gain, grid, snap), opacity)
        self._store(self._overlays, key, out, snap)
        return out

    def prerender(self, requests: Sequence[tuple], generation: int) -> bool:
        """Make the overlays ``requests`` = [(k, shared scale?, gain, opacity, grid,
        classes)] ahead, on a helper thread, so that the next refresh on the GUI thread
        finds them cached. False when the result changed meanwhile."""
        snap = self.snapshot()
        if snap.generation != generation or snap.result is None:
            return False
        for k, shared, gain, opacity, grid, classes in requests:
            scale = self.scale(classes if shared else [k], grid, snap)
            self.overlay(k, scale, gain, opacity, grid, snap)
            if self.generation != generation:
                return False
        return True

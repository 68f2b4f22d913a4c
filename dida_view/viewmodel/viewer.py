"""What the viewer shows, as one Qt-free object: :class:`ViewerModel`.

The image (with its path and diagnosis), the model, the result, the classes of the class
panels, the view (Mixed Image, one grid size, or the paper's Fig. 3 with every grid
size), the colour scale choice, gain and opacity, the synchronized square and the cursor.
As in napari's ``ViewerModel``, widgets bind to it: they change it through its setters
and methods, and redraw when it emits a change. Tests drive it without a window.

It lives outside :mod:`dida_view.gui` because that package imports Qt, and outside
:mod:`dida_view.method` because it is the viewer's state, not the method: the CLI never
needs it. Its events are plain callbacks (:class:`Event`), so no Qt is imported here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from dida_view.method.analysis import Settings
from dida_view.method.dida import DidaResult
from dida_view.render import maps
from dida_view.render.scoretext import shown_score
from dida_view.viewmodel.events import Event
from dida_view.viewmodel.volume import VolumeModel

MIXED = "mixed"  # view: the Mixed Image of each panel's class
ALL_GRIDS = "all-grids"  # view: every grid image of one class and its Mixed Image (Fig. 3)
N_CLASS_PANELS = 3
IDLE, LOADING, RUNNING = "", "loading", "running"
Mark = tuple[tuple[float, float], ...]  # a pen stroke: points in original-image pixels


def work_of(settings: Settings) -> Settings:
    """What d depends on: ``settings`` less the blend weights and the engine (every
    engine gives the same maps)."""
    return replace(settings, weights=None, engine="auto")


class Events:
    """The model's events, one per kind of change."""

    def __init__(self) -> None:
        self.image = Event("image")  # a new image (or none): pixels, path, diagnosis
        self.diagnosis = Event("diagnosis")  # the diagnosis text was edited
        self.note = Event("note")  # the clinician's note was edited
        self.model = Event("model")  # a new classifier
        self.result = Event("result")  # a new, partial, re-weighted or no result
        self.classes = Event("classes")  # the panels' classes or the target panel
        self.display = Event("display")  # view, gain, opacity, shared scale
        self.settings = Event("settings")  # the analysis settings
        self.square = Event("square")  # the side of the square
        self.cursor = Event("cursor")  # the square's position
        self.activity = Event("activity")  # idle, loading a model, running
        self.teaching = Event("teaching")  # the quiz was switched, the answer revealed
        self.marks = Event("marks")  # the pen's marks changed

    def all(self) -> list[Event]:
        """Every event (to connect one callback to any change)."""
        return [v for v in vars(self).values() if isinstance(v, Event)]


def _same(a: Any, b: Any) -> bool:
    if a is b:
        return True
    if isinstance(a, (np.ndarray, DidaResult)) or isinstance(b, (np.ndarray, DidaResult)):
        return False
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False


def _evented(name: str, event: str, convert: Callable[[Any], Any] = lambda v: v) -> property:
    """A field that emits ``events.<event>`` with the new value when it changes."""
    attr = "_" + name

    def get(self: ViewerModel) -> Any:
        return getattr(self, attr)

    def set_(self: ViewerModel, value: Any) -> None:
        value = convert(value)
        if not _same(getattr(self, attr), value):
            setattr(self, attr, value)
            getattr(self.events, event).emit(value)

    return property(get, set_, doc=f"Evented field; a change emits ``events.{event}``.")


def _view(value: str | int) -> str | int:
    if value in (MIXED, ALL_GRIDS):
        return value
    return int(value)


def _unit(value: float) -> float:
    value = float(value)
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"opacity must be in 0..1, got {value}")
    return value


def _positive(value: float) -> float:
    value = float(value)
    if not value > 0:
        raise ValueError(f"gain must be > 0, got {value}")
    return value


@dataclass(frozen=True)
class Probe:
    """What the square reads at one image pixel: position, pixel value, a table of d.

    Attributes
    ----------
    x, y
        Image pixel under the square's centre.
    pixel
        Its value (``"143"`` or ``"12,40,200"``).
    columns
        Column titles of the d table: ``["mixed d"]`` or ``["d (nxn)"]``, or, in the
        Fig. 3 view, ``"nxn"`` per grid size and ``"mixed"``.
    rows
        (class name, one d per column; None where not known yet): a row per class panel,
        or the one class of the Fig. 3 view.
    space
        The score space of d.
    """

    x: int
    y: int
    pixel: str
    columns: list[str] = field(default_factory=list)
    rows: list[tuple[str, list[float | None]]] = field(default_factory=list)
    space: str = ""

    def text(self) -> str:
        """One line (a log, a test): ``x 3, y 1   |   pixel 7   |   B: mixed d +0.1``."""
        parts = [f"x {self.x}, y {self.y}", f"pixel {self.pixel}"]
        for name, values in self.rows:
            items = [f"{c} {'…' if d is None else format(d, '+.3g')}"
                     for c, d in zip(self.columns, values, strict=True)]
            parts.append(f"{name}: " + ", ".join(items))
        return "   |   ".join(parts)


class ViewerModel:
    """Everything on screen, without Qt; a change emits one of :attr:`events`.

    Read the attributes; change them by assigning the evented fields (``gain``,
    ``opacity``, ``view``, ``shared_scale``, ``square``, ``cursor``, ``diagnosis``,
    ``note``, ``activity``) or with the methods, which keep related fields consistent (a new image
    drops the result; a result picks the panels' classes; new blend weights re-weight the
    result).
    """

    gain = _evented("gain", "display", _positive)
    opacity = _evented("opacity", "display", _unit)
    view = _evented("view", "display", _view)
    shared_scale = _evented("shared_scale", "display", bool)
    square = _evented("square", "square", lambda v: max(1, int(v)))
    cursor = _evented("cursor", "cursor",
                      lambda v: None if v is None else (float(v[0]), float(v[1])))
    diagnosis = _evented("diagnosis", "diagnosis", lambda v: str(v or "").strip())
    note = _evented("note", "note", lambda v: str(v or ""))
    activity = _evented("activity", "activity", str)
    quiz = _evented("quiz", "teaching", bool)  # teaching: the answer is hidden until revealed
    revealed = _evented("revealed", "teaching", bool)

    def __init__(self) -> None:
        self.events = Events()
        self.image: np.ndarray | None = None
        self.image_path: Path | None = None
        self.volume = VolumeModel()  # the scan the image is a B-scan of, and its B-scans
        self.classifier: Any = None  # a core Classifier (OnnxClassifier in the viewer)
        self.model_path: Path | None = None
        self.result: DidaResult | None = None
        self.settings = Settings()
        self.panel_classes: tuple[int, ...] = ()
        self.picked = False  # the user chose the panels' classes
        self.target = N_CLASS_PANELS - 1  # the class panel a chosen class goes to
        self.target_clicked = False
        self._gain, self._opacity, self._view, self._shared_scale = 1.0, 0.6, MIXED, True
        self._square, self._cursor, self._diagnosis, self._activity = 24, None, "", IDLE
        self._note = ""
        self.space_note: str | None = None  # why the set's maps are in a log space
        self._quiz, self._revealed = False, False
        self.marks: tuple[Mark, ...] = ()
        self._cells: dict[tuple, np.ndarray] = {}

    # -- image and model -------------------------------------------------------------------
    def set_image(self, image: np.ndarray | None, path: str | Path | None = None,
                  diagnosis: str = "", note: str = "") -> None:
        """A new original (with the clinician's diagnosis and note): its result is dropped
        and the panels' classes are free again."""
        self.image = image
        self.image_path = None if path is None else Path(path)
        self._diagnosis, self._note = str(diagnosis or "").strip(), str(note or "")
        self.result, self.picked = None, False
        was_revealed, self._revealed = self._revealed, False  # a new case: hidden again
        had_marks, self.marks = bool(self.marks), ()  # the marks were of the old case
        self.events.image.emit(image)
        self.events.result.emit(None)
        if was_revealed:
            self.events.teaching.emit(False)
        if had_marks:
            self.events.marks.emit(())

    def set_classifier(self, classifier: Any, path: str | Path | None = None) -> None:
        """A new model (its result is dropped: it is of the old model)."""
        self.classifier = classifier
        self.model_path = None if path is None else Path(path)
        self.picked = False
        self.events.model.emit(classifier)
        if self.result is not None:
            self.result = None
            self.events.result.emit(None)

    # -- result -----------------------------------------------------------------------------
    def set_result(self, result: DidaResult | None) -> None:
        """Show ``result`` (weighted by the settings' blend weights) and pick the panels'
        classes: the top ones, unless the user chose classes that still exist."""
        if result is not None:
            weights = self.settings.blend_weights()
            if len(weights) == len(result.grid_sizes):
                result = replace(result, weights=weights)
        self.result = result
        if result is not None:
            n = min(N_CLASS_PANELS, len(result.labels))
            if not self.picked or len(self.panel_classes) != n or \
                    max(self.panel_classes) >= len(result.labels):
                self._set_classes(tuple(result.top(n)), picked=False)
        self.events.result.emit(result)

    def add_grid(self, n: int, d: np.ndarray) -> None:
        """Grid size ``n`` of the running analysis is done (a new result, not a change)."""
        if self.result is not None:
            self.result = replace(self.result, d={**self.result.d, n: d})
            self.events.result.emit(self.result)

    def set_settings(self, settings: Settings) -> bool:
        """New analysis settings; True when the model must run again.

        Blend weights alone never re-run: the result is re-weighted when its grid count
        matches. Nor does the engine (every engine gives the same d): it applies to the
        next run.
        """
        old, self.settings = self.settings, settings
        self.events.settings.emit(settings)
        if work_of(old) != work_of(settings):
            return True
        res = self.result
        if res is not None and len(res.grid_sizes) == len(settings.grid_sizes):
            self.result = replace(res, weights=settings.blend_weights())
            self.events.result.emit(self.result)
        return False

    # -- classes ------------------------------------------------------------------------------
    def _set_classes(self, classes: tuple[int, ...], picked: bool) -> None:
        self.panel_classes, self.picked = classes, picked

    def choose_class(self, k: int) -> None:
        """Show class ``k`` in the target panel (instant: d is kept for every class)."""
        if self.result is None or not 0 <= k < len(self.result.labels) or \
                not self.panel_classes:
            return
        slot = min(self.target, len(self.panel_classes) - 1)
        classes = list(self.panel_classes)
        classes[slot] = int(k)
        self._set_classes(tuple(classes), picked=True)
        self.events.classes.emit(self.panel_classes)

    def click_panel(self, index: int) -> None:
        """Panel ``index`` (0 = the original) was clicked: a class panel becomes the target
        (not in the Fig. 3 view, where the panels are grid sizes)."""
        if self.view != ALL_GRIDS and 1 <= index <= len(self.panel_classes):
            self.target, self.target_clicked = index - 1, True
            self.events.classes.emit(self.panel_classes)

    def focus_class(self) -> int:
        """The class of the Fig. 3 view: the top class, or the target panel's class once
        the user has clicked a panel or picked a class."""
        if not self.panel_classes:
            return 0
        if not (self.picked or self.target_clicked):
            return self.panel_classes[0]
        return self.panel_classes[min(self.target, len(self.panel_classes) - 1)]

    def grid(self) -> int | None:
        """The grid size of a single-grid view; None for the Mixed Image and Fig. 3."""
        return self.view if isinstance(self.view, int) else None

    def score_text(self, k: int) -> str:
        """Class ``k``'s score as captions and the class list show it: its probability,
        as in every other view (the maps' unit is said on the legend)."""
        assert self.result is not None
        return shown_score(self.result, k)

    def figure_view(self) -> maps.View:
        """Gain and opacity for core's figure and exports."""
        return maps.View(gain=self.gain, opacity=self.opacity)

    # -- teaching: quiz and pen ---------------------------------------------------------------
    def answer_hidden(self) -> bool:
        """Whether the model's answer (classes, scores, maps) must not be shown: a quiz
        whose answer is not revealed yet."""
        return self._quiz and not self._revealed

    def start_mark(self, x: float, y: float) -> None:
        """Begin a pen stroke at original pixel (x, y)."""
        self.marks = (*self.marks, ((float(x), float(y)),))
        self.events.marks.emit(self.marks)

    def extend_mark(self, x: float, y: float) -> None:
        """Add point (x, y) to the stroke being drawn (begins one if there is none)."""
        if not self.marks:
            self.start_mark(x, y)
            return
        self.marks = (*self.marks[:-1], (*self.marks[-1], (float(x), float(y))))
        self.events.marks.emit(self.marks)

    def clear_marks(self) -> None:
        """Remove every pen stroke."""
        if self.marks:
            self.marks = ()
            self.events.marks.emit(self.marks)

    # -- reading d ---------------------------------------------------------------------------
    def _cell(self, n: int, axis: int, pos: int) -> int:
        """The cell (row for axis 0, column for axis 1) of grid ``n`` at original ``pos``."""
        assert self.result is not None and self.image is not None
        res = self.result
        key = (n, axis, self.image.shape[:2], res.box, res.grid_box, res.grid_geometry,
               res.input_size, repr(res.meta.get("preprocessing")))
        idx = self._cells.get(key)
        if idx is None:
            idx = self._cells[key] = maps.cell_lookup(res, n, self.image.shape[:2])[axis]
        return int(idx[min(max(pos, 0), len(idx) - 1)])

    def d_at(self, k: int, y: int, x: int, grid: int | None = None) -> float | None:
        """The ``d`` of class ``k`` at original pixel (y, x); None when not known yet.

        ``grid=None``: the Mixed Image's d, the blend-weighted mean over the finished grid
        sizes of the d of the cell holding that pixel (the weights that mix the colours).
        """
        res = self.result
        if res is None or not res.d or self.image is None:
            return None
        if grid is not None:
            if grid not in res.d:
                return None
            return float(res.d[grid][k, self._cell(grid, 0, y), self._cell(grid, 1, x)])
        return sum(w * float(res.d[n][k, self._cell(n, 0, y), self._cell(n, 1, x)])
                   for n, w in maps.done_weights(res))

    def probe(self) -> Probe | None:
        """What the square reads where it is (None without image or square).

        In the Mixed Image view, d is the Mixed Image's d (see :meth:`d_at`); in a grid
        view, that grid's d; in the Fig. 3 view, every grid's d and the mixed d of the
        class shown.
        """
        if self.cursor is None or self.image is None:
            return None
        h, w = self.image.shape[:2]
        x = min(max(int(self.cursor[0]), 0), w - 1)
        y = min(max(int(self.cursor[1]), 0), h - 1)
        v = self.image[y, x]
        pixel = f"{int(v)}" if np.ndim(v) == 0 else ",".join(str(int(c)) for c in v)
        res = self.result
        if res is None or not res.d or self.answer_hidden():
            return Probe(x, y, pixel)
        if self.view == ALL_GRIDS:
            grids: list[int | None] = [*res.grid_sizes, None]
            columns = ["{}x{}".format(*res.cell_shape(n)) for n in res.grid_sizes] + ["mixed"]
            classes: tuple[int, ...] = (self.focus_class(),)
        else:
            grid = self.grid()
            grids, classes = [grid], self.panel_classes
            columns = ["mixed d" if grid is None else "d ({}x{})".format(*res.cell_shape(grid))]
        rows = [(res.labels[k], [self.d_at(k, y, x, g) for g in grids]) for k in classes]
        return Probe(x, y, pixel, columns, rows, res.score_space)

"""One score space for a whole set of cases: a batch, a case list, a report, a volume.

``d`` is a difference of scores, and its unit is the score space's: probability points,
logit units or log-odds. Maps of one set are compared side by side (a volume's B-scans are
even stacked under one colour scale), so the set has one space, resolved once, before any
map is made:

- a space the user names is the set's space;
- ``auto``: probability, unless a case of the set saturates (top p >= 0.99, where masking
  cannot move the probability); then the whole set goes to a log space: ``logit`` when
  every model of the set outputs logits, ``log-odds`` otherwise (the logit of a model that
  outputs probabilities is ``log p``, as flat near 1).

The shown scores never depend on this: they are always probabilities. The space is only
the unit of the maps, said on their legend.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

import numpy as np

from dida_view.catalogue import QT_TRANSLATE_NOOP
from dida_view.errors import DidaError
from dida_view.method.analysis import Settings
from dida_view.model.preprocess import prepare
from dida_view.model.scores import SCORE_SPACES, SPACE_NAMES, resolve_space

SET_NOTE = QT_TRANSLATE_NOOP(
    "Notes", "one score space for the whole set: {space}, as {case} saturates ({why})")


@dataclass(frozen=True)
class SpaceChoice:
    """The set's space and what was asked for; when ``auto`` switched, ``why`` (the
    saturation found), on which case, in a set of how many B-scans."""

    space: str
    requested: str = "auto"
    why: str | None = None
    case: str | None = None
    units: int = 1

    @property
    def note(self) -> str | None:
        """The sentence for the user: why a single scan's maps are in a log space, or why
        the whole set's are; None when ``auto`` kept probabilities."""
        if self.why is None:
            return None
        if self.units <= 1:
            return self.why
        return SET_NOTE.note(space=SPACE_NAMES.get(self.space, self.space), case=self.case,
                             why=self.why)


def log_space(outputs_probabilities: Iterable[bool]) -> str:
    """The log space of a set read by models of these kinds."""
    return "log-odds" if any(outputs_probabilities) else "logit"


def base_raw(classifier, image: np.ndarray) -> np.ndarray:
    """The model's raw output for the unmasked image, as the analysis computes it."""
    prep = prepare(image, classifier.preprocessing, classifier.input_size,
                   classifier.channels)
    return np.asarray(classifier.raw(prep.pixels[None])[0])


def choose_space(requested: str, classifiers: Iterable,
                 units: Callable[[], Iterable[tuple[str, object, np.ndarray]]],
                 count: int = 0) -> SpaceChoice:
    """The set's space for ``requested``.

    ``classifiers``: every model that reads a case of the set. ``units()``: the set's
    (case name, classifier, image) one at a time, read only for ``auto``, and only until
    the first that saturates. ``count``: how many B-scans the set has (for the note).
    A unit that cannot be read or run is skipped here: its own analysis reports it.
    """
    if requested not in SCORE_SPACES:
        raise ValueError(f"bad score space {requested!r}")
    if requested != "auto":
        return SpaceChoice(requested, requested, units=count)
    log = log_space(bool(c.outputs_probabilities) for c in classifiers)
    seen = 0
    for name, classifier, image in units():
        seen += 1
        try:  # NaN outputs too: that B-scan's own analysis says what is wrong
            raw = base_raw(classifier, image)
            space, why = resolve_space(raw, "auto", classifier.outputs_probabilities)
        except (DidaError, MemoryError):
            continue
        if space != "probability":
            return SpaceChoice(log, "auto", why, name, count or seen)
    return SpaceChoice("probability", "auto", units=count or seen)


class SetSpace:
    """A set's score space, resolved once, on first use, from any thread.

    ``classifiers()`` gives every model of the set, ``units()`` its (name, classifier,
    image) one at a time (see :func:`~dida_view.session.spaces.choose_space`).
    """

    def __init__(self, requested: str, classifiers: Callable[[], Iterable],
                 units: Callable[[], Iterable], count: Callable[[], int] = lambda: 0) -> None:
        self.requested = requested
        self._classifiers, self._units, self.count = classifiers, units, count
        self._choice: SpaceChoice | None = None
        self._lock = threading.Lock()

    @classmethod
    def fixed(cls, choice: SpaceChoice) -> SetSpace:
        """A space already known."""
        s = cls(choice.requested, list, list)
        s._choice = choice
        return s

    @property
    def known(self) -> SpaceChoice | None:
        """The choice, once resolved (None before)."""
        return self._choice

    def resolve(self) -> SpaceChoice:
        """The set's space (resolved now if it was not yet)."""
        with self._lock:
            if self._choice is None:
                self._choice = choose_space(self.requested, list(self._classifiers()),
                                            self._units, self.count())
            return self._choice

    def settings(self, settings: Settings) -> Settings:
        """``settings`` with the set's space."""
        return replace(settings, score_space=self.resolve().space)

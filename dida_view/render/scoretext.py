"""Scores in words: how a score is shown, close calls and ties, and what full colour means.

Pure Python + numpy, shared by the viewer (panel titles, class list, legend) and the
exported figure, so that both say the same thing.

Close calls
    The model's decision is a *close call* when the top two classes are less than
    :data:`CLOSE_PROBABILITY` (0.05) apart in probability, or less than
    :data:`CLOSE_LOG` (0.5) apart in logit, log-odds or any other score space. 0.5 in
    log space is a probability ratio of e^0.5 = 1.65 between the two, and near p = 0.5,
    0.5 log-odds is about 0.12 in probability: a margin a small change of the image
    (noise, a different scanner) can flip. Two scores that print the same at the shown
    precision are a *tie*, whatever their hidden digits: the rank order between them
    means nothing to the reader.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from dida_view.catalogue import QT_TRANSLATE_NOOP, Template

CLOSE_PROBABILITY = 0.05
CLOSE_LOG = 0.5
# the words of scores, in the message catalogue (every view renders them in its language)
UNITS = {"probability": QT_TRANSLATE_NOOP("Scores", "probability points"),
         "logit": QT_TRANSLATE_NOOP("Scores", "logit units"),
         "log-odds": QT_TRANSLATE_NOOP("Scores", "log-odds")}
FLAGS = {"tie": QT_TRANSLATE_NOOP("Scores", "tie"),
         "close call": QT_TRANSLATE_NOOP("Scores", "close call")}
MASKS = {"black": QT_TRANSLATE_NOOP("Scores", "black"), "mean": QT_TRANSLATE_NOOP("Scores", "mean"),
         "blur": QT_TRANSLATE_NOOP("Scores", "blur"), "noise": QT_TRANSLATE_NOOP("Scores", "noise")}
FULL_COLOUR = QT_TRANSLATE_NOOP(
    "Scores", "full red = the class's score drops by {amount} when that region is hidden "
    "(full blue: rises by {amount})")
AMOUNT = QT_TRANSLATE_NOOP("Scores", "{number} {unit}")
TIE = QT_TRANSLATE_NOOP("Scores", "Tie: {a} and {b} have the same score at the shown precision")
CLOSE_CALL = QT_TRANSLATE_NOOP("Scores", "Close call: {a} leads {b} by {amount} (< {limit})")


def word(table: dict[str, Template], key: str) -> str:
    """A word of ``table`` (a :class:`~dida_view.catalogue.Template` to render), or ``key``
    itself when the table has none."""
    return table.get(key, key)


def format_score(value: float, space: str) -> str:
    """A score as text: a probability ``0.873`` (``>0.999`` and ``<0.001`` at the ends,
    where three decimals would say 1.000 or 0.000), a map value ``12.31 logit``."""
    if space == "probability":
        if value >= 0.9995:
            return ">0.999"
        if 0 < value < 0.0005:
            return "<0.001"
        return f"{value:.3f}"
    return f"{value:.2f} {space}"


def close_threshold(space: str) -> float:
    """The top-2 margin under which a decision is a close call, in ``space``'s units."""
    return CLOSE_PROBABILITY if space == "probability" else CLOSE_LOG


def unit_words(space: str) -> str:
    """The unit of a score difference in ``space``: ``probability points``, ``log-odds``…"""
    return UNITS.get(space, f"{space} units")


def plain_number(x: float) -> str:
    """Three significant digits without an exponent where one is not needed: ``0.123``,
    ``12.3``, ``0.03``, ``0.000456``; ``4.6e-09`` for the very small."""
    if x == 0 or not math.isfinite(x):
        return f"{x:g}"
    digits = 2 - math.floor(math.log10(abs(x)))
    if digits > 6:
        return f"{x:.2e}"
    text = f"{x:.{max(0, digits)}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass(frozen=True)
class ScoreFlags:
    """Close call and ties of one result's scores.

    Attributes
    ----------
    leader, runner_up
        The top two classes (``runner_up`` is -1 with a single class).
    margin
        Their score difference (>= 0), in the score space's units.
    close
        The margin is under :func:`close_threshold`, or the two tie.
    ties
        Groups (two or more classes, best first) whose scores print the same.
    space
        The score space.
    """

    leader: int
    runner_up: int
    margin: float
    close: bool
    ties: tuple[tuple[int, ...], ...]
    space: str

    def tied(self, k: int) -> bool:
        """Whether class ``k``'s shown score equals another class's."""
        return any(k in g for g in self.ties)

    def flag(self, k: int) -> str:
        """``"tie"``, ``"close call"`` or ``""`` for class ``k`` (shown after its score)."""
        if self.tied(k):
            return "tie"
        if self.close and k in (self.leader, self.runner_up):
            return "close call"
        return ""

    def summary(self, labels: Sequence[str]) -> str:
        """One sentence about the decision (empty when it is clear)."""
        if not self.close or self.runner_up < 0:
            return ""
        a, b = labels[self.leader], labels[self.runner_up]
        if self.tied(self.leader) and self.tied(self.runner_up):
            return TIE.note(a=a, b=b)
        return CLOSE_CALL.note(a=a, b=b, amount=AMOUNT.note(
            number=plain_number(self.margin), unit=unit_words(self.space)),
            limit=f"{close_threshold(self.space):g}")


def score_flags(scores: Sequence[float] | np.ndarray, space: str) -> ScoreFlags:
    """Find the close call between the top two classes and the ties at the shown precision.

    Parameters
    ----------
    scores
        (C,) scores in ``space``.
    space
        The score space (``probability``, ``logit``, ``log-odds`` or another name).

    Returns
    -------
    ScoreFlags
    """
    s = np.asarray(scores, dtype=np.float64).reshape(-1)
    if s.size == 0:
        raise ValueError("no scores")
    order = [int(i) for i in np.argsort(-s, kind="stable")]
    groups: dict[str, list[int]] = {}
    for k in order:
        groups.setdefault(format_score(float(s[k]), space), []).append(k)
    ties = tuple(tuple(g) for g in groups.values() if len(g) > 1)
    if s.size < 2:
        return ScoreFlags(order[0], -1, math.inf, False, ties, space)
    a, b = order[0], order[1]
    margin = float(s[a] - s[b])
    tie = any(a in g and b in g for g in ties)
    return ScoreFlags(a, b, margin, tie or margin < close_threshold(space), ties, space)


def full_colour_words(top: float, space: str) -> str:
    """What full colour means, in plain words, for a colour scale reaching full colour at
    ``|d| = top``: ``full red = the class's score drops by 0.12 probability points when
    that region is hidden``."""
    return FULL_COLOUR.note(amount=AMOUNT.note(number=plain_number(top),
                                               unit=unit_words(space)))


def shown_scores(result) -> tuple[np.ndarray, str]:
    """The scores every view shows for a result, and their space: its probabilities
    (whatever space its maps are in), or its own scores for a result without them."""
    if result.probabilities is not None:
        return np.asarray(result.probabilities, dtype=np.float64), "probability"
    return np.asarray(result.scores, dtype=np.float64), result.score_space


def shown_score(result, k: int) -> str:
    """Class ``k``'s score as every view shows it: its probability, ``0.873``."""
    values, space = shown_scores(result)
    return format_score(float(values[k]), space)


def result_flags(result) -> ScoreFlags:
    """The close call and ties of a result, judged on the scores shown (probabilities)."""
    return score_flags(*shown_scores(result))

"""Score spaces: what ``C_k(I)`` means when ``d = C_k(I_o) - C_k(M_ij)`` is taken.

- ``probability``: softmax of the model's output (or the output itself when the model
  already gives a distribution);
- ``logit``: the raw output (log-probabilities when the model gives probabilities);
- ``log-odds``: ``log(p / (1 - p))``, which stays sensitive near p = 0 and p = 1;
- ``auto`` (the default): probability, unless the top class is saturated
  (p >= ``SATURATION``), then a space that does not saturate: ``logit`` for a model that
  outputs logits, ``log-odds`` for one that outputs probabilities (its ``logit`` is
  ``log p``, just as flat near p = 1). A saturated probability cannot move when one cell
  is masked, so its maps would be blank; ``auto`` never shows that silently and reports
  the switch in a note.

A model that outputs float32 probabilities can lose even log-odds: when p == 1 and every
other class is exactly 0 (or p == 0), its output holds no information about how far it
is from the limit. :func:`pinned_classes` finds those classes, so the result can say so
instead of showing a blank map as if there were no evidence.
"""

from __future__ import annotations

import numpy as np

from dida_view.catalogue import QT_TRANSLATE_NOOP
from dida_view.errors import ModelError, SettingsError

SCORE_SPACES = ("auto", "probability", "logit", "log-odds")
# the spaces' names and the notes about them, in the message catalogue
SPACE_NAMES = {"probability": QT_TRANSLATE_NOOP("Scores", "probability"),
               "logit": QT_TRANSLATE_NOOP("Scores", "logit"),
               "log-odds": QT_TRANSLATE_NOOP("Scores", "log-odds")}
SATURATED_NOTE = QT_TRANSLATE_NOOP(
    "Notes", "probability saturated (top p = {top}): showing {space}, where masking a cell "
    "can still move the score")
PINNED_TOP_NOTE = QT_TRANSLATE_NOOP("Notes", "probability saturated: showing {space}")
PINNED_NOTE = QT_TRANSLATE_NOOP(
    "Notes", "no map possible for {names}: the model outputs exactly 1 or 0 there (float32 "
    "rounding), so masking cannot move the score measurably in any space; a blank map means "
    "'cannot tell', not 'no evidence'")
AND_MORE = QT_TRANSLATE_NOOP("Notes", "{names} and {n} more")
SATURATION = 0.99
# the smallest positive float32: a float32 probability below it is 0, so log p is floored
# here (a bound the model's output can actually express, not an arbitrary 1e-300)
LOG_FLOOR = float(np.log(np.finfo(np.float32).smallest_subnormal))


def log_softmax(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    m = np.max(x, axis=-1, keepdims=True)
    return x - m - np.log(np.sum(np.exp(x - m), axis=-1, keepdims=True))


def log_probabilities(raw: np.ndarray, outputs_probabilities: bool) -> np.ndarray:
    if outputs_probabilities:
        with np.errstate(divide="ignore"):
            return np.maximum(np.log(np.asarray(raw, dtype=np.float64)), LOG_FLOOR)
    return log_softmax(raw)


def _logsumexp_of_others(x: np.ndarray) -> np.ndarray:
    """``log sum_{j != k} exp(x_j)`` for every class ``k`` of (N, C) ``x``, in O(N C).

    Every class but the largest: subtract its own term from the full sum (the largest
    term is still in there, so nothing cancels). The largest: a sum without it.
    """
    top = np.argmax(x, axis=-1)[..., None]
    m = np.take_along_axis(x, top, axis=-1)
    e = np.exp(x - m)
    total = e.sum(axis=-1, keepdims=True)
    with np.errstate(divide="ignore"):
        out = m + np.log(np.maximum(total - e, 0.0))
        rest = np.where(np.arange(x.shape[-1]) == top, -np.inf, x)
        m2 = np.max(rest, axis=-1, keepdims=True)
        lse_rest = m2 + np.log(np.sum(np.exp(rest - m2), axis=-1, keepdims=True))
    np.put_along_axis(out, top, lse_rest, axis=-1)
    return out


NON_FINITE = ("the model's output is {what} for this image ({count} of {total} values): "
              "no score or map can be computed from it")


def check_finite(raw: np.ndarray) -> None:
    """Refuse model outputs with NaN or infinite values.

    Raises
    ------
    ModelError
        Saying which (NaN, infinite) and how many; the caller names the image.
    """
    finite = np.isfinite(raw)
    if finite.all():
        return
    nan = bool(np.isnan(raw).any())
    inf = bool(np.isinf(raw).any())
    what = "NaN and infinite" if nan and inf else "NaN" if nan else "infinite"
    raise ModelError(NON_FINITE.format(what=what, count=int(finite.size - finite.sum()),
                                       total=int(finite.size)))


def to_space(raw: np.ndarray, space: str, outputs_probabilities: bool) -> np.ndarray:
    """Convert raw model outputs (N, C) into ``space`` (not ``auto``: resolve it first).

    Raises
    ------
    ModelError
        Outputs with NaN or infinite values (:func:`check_finite`): every score and map
        comes through here, so none is computed from them.
    """
    raw = np.asarray(raw, dtype=np.float64)
    check_finite(raw)
    if space == "probability":
        return raw if outputs_probabilities else np.exp(log_softmax(raw))
    if space == "logit":
        return log_probabilities(raw, True) if outputs_probabilities else raw
    if space == "log-odds":
        # log(p_k / (1 - p_k)) = x_k - logsumexp_{j != k} x_j for logits x (log p are logits).
        # For probabilities this takes 1 - p_k as the sum of the other classes, which keeps
        # its precision where 1 - p_k itself rounds to 0 (p = 1.0 in float32 but the others
        # 1e-13): more stable than log p - log1p(-p), which is inf there.
        x = log_probabilities(raw, True) if outputs_probabilities else raw
        if x.shape[-1] < 2:
            raise SettingsError("log-odds need at least two classes")
        return x - _logsumexp_of_others(x)
    raise SettingsError(f"bad score space {space!r}: expected one of {', '.join(SCORE_SPACES)}")


def resolve_space(
    base_raw: np.ndarray, space: str, outputs_probabilities: bool
) -> tuple[str, str | None]:
    """Turn ``auto`` into a concrete space for this image; returns (space, note or None)."""
    if space not in SCORE_SPACES:
        raise SettingsError(f"bad score space {space!r}: expected one of {', '.join(SCORE_SPACES)}")
    if space != "auto":
        return space, None
    p = to_space(np.atleast_2d(base_raw), "probability", outputs_probabilities)[0]
    top = float(np.max(p))
    if top >= SATURATION:
        space = "log-odds" if outputs_probabilities else "logit"
        return space, SATURATED_NOTE.note(top=f"{top:.3f}", space=SPACE_NAMES[space])
    return "probability", None


def pinned_classes(base_raw: np.ndarray, outputs_probabilities: bool) -> tuple[int, ...]:
    """Classes whose output sits at a limit that no score space can undo.

    For a probability output: p == 0, or p == 1 with every other class exactly 0 (so
    log-odds are infinite and masking a cell moves nothing measurable). Non-finite
    outputs count too. A model that outputs logits is never pinned by rounding.
    """
    raw = np.asarray(base_raw, dtype=np.float64).reshape(-1)
    bad = ~np.isfinite(raw)
    if outputs_probabilities:
        positive = np.where(bad, 0.0, raw) > 0.0
        others_positive = np.count_nonzero(positive) - positive  # per class, the others
        bad |= ~positive | (others_positive == 0)
    return tuple(int(k) for k in np.flatnonzero(bad))


def pinned_note(pinned: tuple[int, ...], labels: list[str]) -> str | None:
    """The sentence for the user about :func:`pinned_classes`, or None when there are none."""
    if not pinned:
        return None
    names = ", ".join(labels[k] for k in pinned[:3])
    if len(pinned) > 3:
        names = AND_MORE.note(names=names, n=len(pinned) - 3)
    return PINNED_NOTE.note(names=names)

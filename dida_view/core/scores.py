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

from dida_view.core.errors import SettingsError

SCORE_SPACES = ("auto", "probability", "logit", "log-odds")
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


def to_space(raw: np.ndarray, space: str, outputs_probabilities: bool) -> np.ndarray:
    """Convert raw model outputs (N, C) into ``space`` (not ``auto``: resolve it first)."""
    raw = np.asarray(raw, dtype=np.float64)
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
        n = x.shape[-1]
        if n < 2:
            raise SettingsError("log-odds need at least two classes")
        others = np.where(np.eye(n, dtype=bool), -np.inf, x[..., None, :])
        m = np.max(others, axis=-1)
        lse = m + np.log(np.sum(np.exp(others - m[..., None]), axis=-1))
        return x - lse
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
        shown = "log-odds" if outputs_probabilities else "logits"
        return space, (
            f"probability saturated (top p = {top:.3f}): showing {shown}, where masking a "
            f"cell can still move the score"
        )
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
        p = np.where(bad, 0.0, raw)
        others = np.where(np.eye(p.size, dtype=bool), 0.0, p[None, :]).sum(axis=1)
        bad |= (p <= 0.0) | (others <= 0.0)
    return tuple(int(k) for k in np.flatnonzero(bad))


def pinned_note(pinned: tuple[int, ...], labels: list[str]) -> str | None:
    """The sentence for the user about :func:`pinned_classes`, or None when there are none."""
    if not pinned:
        return None
    names = ", ".join(labels[k] for k in pinned[:3]) + (
        f" and {len(pinned) - 3} more" if len(pinned) > 3 else "")
    return (
        f"no map possible for {names}: the model outputs exactly 1 or 0 there (float32 "
        f"rounding), so masking cannot move the score measurably in any space; a blank map "
        f"means 'cannot tell', not 'no evidence'"
    )

"""Score spaces: what ``C_k(I)`` means when ``d = C_k(I_o) - C_k(M_ij)`` is taken.

- ``probability``: softmax of the model's output (or the output itself when the model
  already gives a distribution);
- ``logit``: the raw output (log-probabilities when the model gives probabilities);
- ``log-odds``: ``log(p / (1 - p))``, which stays sensitive near p = 0 and p = 1;
- ``auto`` (the default): probability, unless the top class is saturated
  (p >= ``SATURATION``), then logit. A saturated probability cannot move when one cell
  is masked, so its maps would be blank; ``auto`` never shows that silently and reports
  the switch in a note.
"""

from __future__ import annotations

import numpy as np

from dida_view.core.errors import SettingsError

SCORE_SPACES = ("auto", "probability", "logit", "log-odds")
SATURATION = 0.99


def log_softmax(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    m = np.max(x, axis=-1, keepdims=True)
    return x - m - np.log(np.sum(np.exp(x - m), axis=-1, keepdims=True))


def log_probabilities(raw: np.ndarray, outputs_probabilities: bool) -> np.ndarray:
    if outputs_probabilities:
        return np.log(np.clip(np.asarray(raw, dtype=np.float64), 1e-300, None))
    return log_softmax(raw)


def to_space(raw: np.ndarray, space: str, outputs_probabilities: bool) -> np.ndarray:
    """Convert raw model outputs (N, C) into ``space`` (not ``auto``: resolve it first)."""
    raw = np.asarray(raw, dtype=np.float64)
    if space == "probability":
        return raw if outputs_probabilities else np.exp(log_softmax(raw))
    if space == "logit":
        return log_probabilities(raw, True) if outputs_probabilities else raw
    if space == "log-odds":
        # log(p_k / (1 - p_k)) = x_k - logsumexp_{j != k} x_j for logits x (log p are logits)
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
        return "logit", (
            f"probability saturated (top p = {top:.3f}): showing logits, where masking a "
            f"cell can still move the score"
        )
    return "probability", None

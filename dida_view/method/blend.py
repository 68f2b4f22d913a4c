"""The Mixed Image's blend weights: one per grid size, coarse to fine (the paper's
footnote 2, or the user's own)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from dida_view.errors import SettingsError


def paper_weights(count: int) -> np.ndarray:
    """The paper's blending weights for ``count`` grid sizes, coarse to fine.

    Footnote 2 of the paper: paint the coarsest grid image first, then alpha-composite
    grid image ``i`` (i = 1 ... count-1) with opacity ``1/(i+1) + 0.1``. The weight of
    each image in the result is its opacity times the transparency of all that come after.
    For 8 sizes: 4.4, 6.7, 8.5, 10.5, 13.0, 15.6, 18.8, 22.5 %.
    """
    if count < 1:
        raise SettingsError("need at least one grid size")
    alpha = np.ones(count, dtype=np.float64)
    alpha[1:] = 1.0 / (np.arange(1, count) + 1.0) + 0.1
    weights = np.empty(count, dtype=np.float64)
    for i in range(count):
        weights[i] = alpha[i] * np.prod(1.0 - alpha[i + 1 :])
    return weights


def normalise_weights(weights: Sequence[float], count: int) -> np.ndarray:
    """Check user weights (one per grid size, >= 0, not all 0) and scale them to sum 1."""
    w = np.asarray(list(weights), dtype=np.float64)
    if w.shape != (count,):
        raise SettingsError(f"need {count} weights (one per grid size), got {w.size}")
    if not np.all(np.isfinite(w)) or np.any(w < 0) or w.sum() <= 0:
        raise SettingsError("weights must be finite, >= 0 and not all 0")
    return w / w.sum()

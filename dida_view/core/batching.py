"""Choosing the batch size by measurement, while the analysis runs.

The best batch size depends on the model and the machine (EfficientNet-B0 on a 2-core
CPU: batches of 2-8 beat both 1 and 32, and 32 also grows onnxruntime's memory arena past
1 GB). Instead of a constant, :class:`BatchTuner` tries each candidate size on the first
masked inputs of an analysis (real work that is kept) and then uses the fastest per image.
The result does not depend on the batch size, so tuning costs only a few slower batches.
The choice is kept for the next analysis with the same model.
"""

from __future__ import annotations

from collections.abc import Sequence

DEFAULT_CANDIDATES: tuple[int, ...] = (1, 2, 4, 8, 16)


class BatchTuner:
    """Proposes batch sizes, records how long each took, settles on the fastest.

    Each candidate is timed ``trials`` times on full batches; its cost is the best
    seconds-per-image seen (the first run of a new shape pays one-off allocation costs).
    """

    def __init__(self, candidates: Sequence[int] = DEFAULT_CANDIDATES, trials: int = 2) -> None:
        cands = sorted({int(c) for c in candidates if int(c) >= 1})
        if not cands:
            raise ValueError("need at least one candidate batch size")
        self.candidates = tuple(cands)
        self.trials = trials
        self._times: dict[int, list[float]] = {c: [] for c in self.candidates}
        self.chosen: int | None = self.candidates[0] if len(self.candidates) == 1 else None

    @property
    def max_size(self) -> int:
        return self.chosen if self.chosen is not None else self.candidates[-1]

    def next_size(self) -> int:
        if self.chosen is not None:
            return self.chosen
        for c in self.candidates:
            if len(self._times[c]) < self.trials:
                return c
        self.chosen = min(self.candidates, key=lambda c: min(self._times[c]))
        return self.chosen

    def record(self, size: int, seconds: float) -> None:
        """A full batch of ``size`` took ``seconds`` (partial batches are not recorded)."""
        if self.chosen is None and size in self._times:
            self._times[size].append(seconds / size)

    def throughput(self) -> dict[int, float]:
        """Best images/s seen per candidate size (for reports)."""
        return {c: 1.0 / min(t) for c, t in self._times.items() if t and min(t) > 0}

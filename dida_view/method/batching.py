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

    Candidates are tried round-robin (so a noisy moment does not hit one size only), up to
    ``trials`` full batches each; a size's cost is its best seconds per image (a new shape's
    first run pays one-off allocation costs). After two rounds, sizes more than
    ``drop_ratio`` times slower than the best are dropped from the race.
    """

    def __init__(
        self,
        candidates: Sequence[int] = DEFAULT_CANDIDATES,
        trials: int = 3,
        drop_ratio: float = 1.4,
    ) -> None:
        cands = sorted({int(c) for c in candidates if int(c) >= 1})
        if not cands:
            raise ValueError("need at least one candidate batch size")
        self.candidates = tuple(cands)
        self.trials = trials
        self.drop_ratio = drop_ratio
        self._times: dict[int, list[float]] = {c: [] for c in self.candidates}
        self._live = list(self.candidates)
        self.chosen: int | None = self.candidates[0] if len(self.candidates) == 1 else None

    @property
    def max_size(self) -> int:
        return self.chosen if self.chosen is not None else self.candidates[-1]

    def _cost(self, c: int) -> float:
        return min(self._times[c]) if self._times[c] else float("inf")

    def next_size(self) -> int:
        if self.chosen is not None:
            return self.chosen
        c = min(self._live, key=lambda c: (len(self._times[c]), c))
        if len(self._times[c]) >= self.trials:
            self.chosen = min(self._live, key=self._cost)
            return self.chosen
        return c

    def record(self, size: int, seconds: float) -> None:
        """A full batch of ``size`` took ``seconds`` (partial batches are not recorded)."""
        if self.chosen is not None or size not in self._times:
            return
        self._times[size].append(seconds / size)
        if all(len(self._times[c]) >= 2 for c in self._live):
            best = min(self._cost(c) for c in self._live)
            self._live = [c for c in self._live if self._cost(c) <= self.drop_ratio * best]

    def throughput(self) -> dict[int, float]:
        """Best images/s seen per candidate size (for reports)."""
        return {c: 1.0 / min(t) for c, t in self._times.items() if t and min(t) > 0}

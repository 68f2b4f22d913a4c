"""Choosing the batch size by measurement, while the analysis runs.

The best batch size depends on the model and the machine (EfficientNet-B0 on a 2-core
CPU: batches of 4-16 beat both 1 and 32, and 32 also grows onnxruntime's memory arena past
1 GB). Instead of a constant, :class:`BatchTuner` tries each candidate size on the first
masked inputs of an analysis (real work that is kept) and then uses the fastest per image.
The result does not depend on the batch size, so tuning costs only a few slower batches.
The choice is kept for the next analysis with the same model (the caller keeps the tuner).

Measuring fairly on a busy machine. An earlier tuner took each size's best *batch* out of
three: a batch of 2 lasts a few milliseconds and one of 16 a tenth of a second, so on a
machine shared with other work the short batches had a far better chance of one quiet
run, and the tuner picked 2, 4 or 16 for the same model from one run to the next. Now each
size is timed over *rounds* of the same number of images (``round_images``), every size
once per round, in alternating order, so that each size's round is as exposed to a busy
moment as any other's; a size's cost is its best round; the first batch of each size is
not timed (onnxruntime allocates memory for a new shape); and among sizes within 3 % of the
best, the one nearest 8 is chosen: on the CPUs measured, 4, 8 and 16 are often that close,
and noise then picked any of them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

DEFAULT_CANDIDATES: tuple[int, ...] = (1, 2, 4, 8, 16)


class BatchTuner:
    """Proposes batch sizes, records how long each took, settles on the fastest.

    Each round, every live size runs batches until it has done at least ``round_images``
    images; the rounds go up and down the sizes in turn. A size's cost is its best round's
    seconds per image. After two rounds, sizes more than ``drop_ratio`` times
    slower than the best are dropped; after ``trials`` rounds, of the sizes within ``tie``
    of the cheapest, the one nearest ``preferred`` (on a log scale) is chosen, so that the
    choice stays the same from run to run where sizes are that close.
    """

    def __init__(
        self,
        candidates: Sequence[int] = DEFAULT_CANDIDATES,
        trials: int = 3,
        drop_ratio: float = 1.3,
        round_images: int = 16,
        tie: float = 0.03,
        preferred: int = 8,
    ) -> None:
        cands = sorted({int(c) for c in candidates if int(c) >= 1})
        if not cands:
            raise ValueError("need at least one candidate batch size")
        self.candidates = tuple(cands)
        self.trials = max(1, int(trials))
        self.drop_ratio = drop_ratio
        self.round_images = max(1, int(round_images))
        self.tie = tie
        self.preferred = max(1, int(preferred))
        self._rounds: dict[int, list[float]] = {c: [] for c in self.candidates}  # s/image
        self._current: dict[int, list[float]] = {c: [0.0, 0] for c in self.candidates}
        self._warm: set[int] = set()
        self._live = list(self.candidates)
        self._order = list(self._live)  # this round's sizes still to run, in order
        self._round = 0
        self.chosen: int | None = self.candidates[0] if len(self.candidates) == 1 else None

    @property
    def max_size(self) -> int:
        return self.chosen if self.chosen is not None else self.candidates[-1]

    def cost(self, size: int) -> float:
        """Seconds per image of the best round ``size`` has run (inf before any)."""
        rounds = self._rounds.get(size)
        return min(rounds) if rounds else float("inf")

    def next_size(self) -> int:
        if self.chosen is None and not self._order:
            self._end_round()
        return self.chosen if self.chosen is not None else self._order[0]

    def record(self, size: int, seconds: float) -> None:
        """A full batch of ``size`` took ``seconds`` (partial batches are not recorded)."""
        if self.chosen is not None or size not in self._current:
            return
        if size not in self._warm:  # a new shape's first run pays one-off allocations
            self._warm.add(size)
            return
        if not self._order or self._order[0] != size:
            return  # not the size this round asked for (a caller's own batch)
        acc = self._current[size]
        acc[0] += seconds
        acc[1] += size
        if acc[1] >= self.round_images:
            self._rounds[size].append(acc[0] / acc[1])
            self._current[size] = [0.0, 0]
            self._order.pop(0)

    def _end_round(self) -> None:
        self._round += 1
        if self._round >= 2:
            best = min(self.cost(c) for c in self._live)
            self._live = [c for c in self._live if self.cost(c) <= self.drop_ratio * best]
        if self._round >= self.trials or len(self._live) == 1:
            best = min(self.cost(c) for c in self._live)
            near = [c for c in self._live if self.cost(c) <= (1 + self.tie) * best]
            self.chosen = min(near, key=lambda c: (abs(math.log(c / self.preferred)), c))
            return
        # alternate the direction, so a slow drift of the machine's load favours no size
        self._order = list(self._live if self._round % 2 == 0 else reversed(self._live))

    def throughput(self) -> dict[int, float]:
        """Images/s per candidate size, from its best round (for reports)."""
        return {c: 1.0 / self.cost(c) for c in self.candidates if self._rounds[c]
                and self.cost(c) > 0}

"""The case browser's list, without Qt: :class:`CaseList` of :class:`Row`.

The cases come from the one reader (:func:`dida_view.session.cases.read_cases`). A row
holds what the browser shows of a case: the clinician's diagnosis, the model's top class
and its probability, whether they agree (the session's one rule,
:func:`~dida_view.session.labels.agreement`), and the state of its analysis. Rows are
cheap: a reading is looked up when a row is first shown or filtered (``reading`` is the
function that does it), so a list of thousands of cases opens at once.

:class:`CaseList` knows the filters (disagreements, not read yet, one class), moving to
the next or previous case through the filter, and the order of the background queue (the
current case first, then the next few).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from dida_view.render.scoretext import format_score
from dida_view.session.cases import Case
from dida_view.session.labels import AGREE, DISAGREE, NOT_READ, agreement, norm

NEW, QUEUED, ANALYSING, ANALYSED, FAILED = "", "queued", "analysing", "analysed", "failed"
ALL, UNREAD, ATYPICAL = "all", "unread", "atypical"  # filters (and DISAGREE); a class
# filter is its label
QUEUE_AHEAD = 5  # cases analysed ahead of the current one

_AGREES = {AGREE: True, DISAGREE: False, NOT_READ: None}


@dataclass(frozen=True)
class Row:
    """One case of the browser and what is known about it.

    Attributes
    ----------
    case
        The case (its scan file and the list's diagnosis).
    diagnosis
        The clinician's diagnosis (None: not looked up yet).
    top, probability
        The model's top class and its probability (``""``/None before the analysis).
    state
        :data:`NEW`, :data:`QUEUED`, :data:`ANALYSING`, :data:`ANALYSED` or :data:`FAILED`.
    typical
        The domain check's answer (the result's): True typical, False unlike the model's
        reference scans, None not known (not analysed, or the model has no reference).
    """

    case: Case
    diagnosis: str | None = None
    top: str = ""
    probability: float | None = None
    state: str = NEW
    typical: bool | None = None

    @property
    def path(self) -> Path:
        return self.case.path

    @property
    def name(self) -> str:
        return self.case.name

    @property
    def score(self) -> str:
        """The probability as every view shows it (``""`` before the analysis)."""
        return "" if self.probability is None else format_score(self.probability,
                                                                "probability")

    @property
    def agree(self) -> bool | None:
        """Whether the model's top class and the clinician's diagnosis agree; None while
        either is unknown."""
        if not self.top:
            return None
        return _AGREES[agreement(self.top, self.diagnosis or "")]


class CaseList:
    """The rows, the current one, the filter; ``on_change(index)`` is called when row
    ``index`` changes (-1: the list or the filter changed).

    ``reading(case) -> str``: the case's diagnosis, asked once per row when needed.
    """

    def __init__(self, cases: list[Case] | None = None,
                 on_change: Callable[[int], None] | None = None,
                 reading: Callable[[Case], str] | None = None) -> None:
        self.reading = reading or (lambda case: case.diagnosis)
        self.cases: list[Row] = [Row(c) for c in cases or []]
        self.current = 0 if self.cases else -1
        self.filter = ALL
        self.on_change = on_change
        self._index: dict[Path, int] = {}
        self._reindex()

    def __len__(self) -> int:
        return len(self.cases)

    def _changed(self, index: int) -> None:
        if self.on_change is not None:
            self.on_change(index)

    def _reindex(self) -> None:
        self._index = {}
        for i, row in enumerate(self.cases):
            self._index.setdefault(row.path, i)

    def set_cases(self, cases: list[Case]) -> None:
        """A new list (the filter is kept; the first case is current)."""
        self.cases = [Row(c) for c in cases]
        self._reindex()
        self.current = 0 if self.cases else -1
        self._changed(-1)

    def index_of(self, path: str | Path | None) -> int:
        """The index of the case of ``path`` (-1 when not in the list)."""
        return -1 if path is None else self._index.get(Path(path), -1)

    def row(self, index: int) -> Row:
        """Row ``index``, with its diagnosis looked up if it was not yet."""
        row = self.cases[index]
        if row.diagnosis is None:
            row = self.cases[index] = replace(row, diagnosis=self.reading(row.case) or "")
        return row

    def update(self, index: int, **fields) -> None:
        """Change fields of row ``index`` (see :class:`Row`)."""
        if not 0 <= index < len(self.cases):
            return
        new = replace(self.cases[index], **fields)
        if new != self.cases[index]:
            self.cases[index] = new
            self._changed(index)

    # -- filters ---------------------------------------------------------------------------
    def set_filter(self, name: str) -> None:
        """:data:`ALL`, :data:`DISAGREE`, :data:`UNREAD`, :data:`ATYPICAL` or a class
        label."""
        if name != self.filter:
            self.filter = name
            self._changed(-1)

    def matches(self, index: int) -> bool:
        """Whether row ``index`` passes the filter."""
        if self.filter == ALL:
            return True
        row = self.row(index)
        if self.filter == DISAGREE:
            return row.agree is False
        if self.filter == UNREAD:
            return not (row.diagnosis or "").strip()
        if self.filter == ATYPICAL:
            return row.typical is False
        return norm(row.top) == norm(self.filter) or norm(row.diagnosis or "") == norm(
            self.filter)

    def visible(self) -> list[int]:
        """Indices of the rows that pass the filter, in list order."""
        if self.filter == ALL:
            return list(range(len(self.cases)))
        return [i for i in range(len(self.cases)) if self.matches(i)]

    # -- moving ----------------------------------------------------------------------------
    def step(self, delta: int) -> int:
        """The case ``delta`` places after (before, when negative) the current one among
        those the filter shows; the current one at either end (-1 when none is shown)."""
        shown = self.visible()
        if not shown:
            return -1
        if self.current in shown:
            pos = shown.index(self.current) + delta
        else:  # the current case is filtered out: the next shown one after it
            after = [k for k, i in enumerate(shown) if i > self.current]
            pos = (after[0] if after else len(shown)) + (delta - 1 if delta > 0 else delta)
        return shown[min(max(pos, 0), len(shown) - 1)]

    def queue_order(self, ahead: int = QUEUE_AHEAD) -> list[int]:
        """What to analyse, in order: the current case, then up to ``ahead`` of the next
        shown cases that are not analysed yet (those after the last wrap to the start)."""
        if not 0 <= self.current < len(self.cases):
            return []
        n, todo = len(self.cases), []
        for k in range(1, n):
            i = (self.current + k) % n
            if self.cases[i].state in (NEW, QUEUED) and self.matches(i):
                todo.append(i)
                if len(todo) == ahead:
                    break
        return [self.current] + todo

    def classes(self) -> list[str]:
        """Every top class and diagnosis seen, sorted (for the class filter)."""
        names = {r.top for r in self.cases if r.top} | {
            r.diagnosis.strip() for r in self.cases if r.diagnosis and r.diagnosis.strip()}
        return sorted(names, key=str.lower)

    def counts(self) -> dict[str, int]:
        """How many rows are in each state, and how many are read (of those looked up)."""
        out = {s: 0 for s in (NEW, QUEUED, ANALYSING, ANALYSED, FAILED)}
        for r in self.cases:
            out[r.state] = out.get(r.state, 0) + 1
        out["read"] = sum(1 for r in self.cases if r.diagnosis and r.diagnosis.strip())
        return out

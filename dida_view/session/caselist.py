"""A list of cases to read, without Qt: :class:`CaseList`.

A case is an image file. A list comes from a folder (its images, by name), a CSV file
(a ``path`` column, an optional ``diagnosis`` column) or a JSON file (a list of paths, or
of objects with a ``path`` and an optional ``diagnosis``); relative paths are relative to
the list's folder. A bad row is one line in ``problems``; the other rows load.

:class:`CaseList` holds, per case, what the browser shows: the model's top class and
score, the clinician's diagnosis, whether the two agree, and the state of its analysis
(not analysed, queued, analysed, failed). It knows the filters (disagreements, one
class, not yet read), moving to the next or previous case through the filter, and the
order of the background queue (the current case first, then the next few).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from dida_view.io.images import IMAGE_SUFFIXES
from dida_view.session.cases import csv_rows, json_rows

NEW, QUEUED, ANALYSING, ANALYSED, FAILED = "", "queued", "analysing", "analysed", "failed"
ALL, DISAGREE, UNREAD = "all", "disagree", "unread"  # filters; a class filter is its label
LIST_SUFFIXES = (".csv", ".json")
QUEUE_AHEAD = 5  # cases analysed ahead of the current one


@dataclass(frozen=True)
class Case:
    """One case: its image and what is known about it.

    Attributes
    ----------
    path
        The image file.
    diagnosis
        The clinician's diagnosis ("" when not read yet).
    top, score
        The model's top class and its score as text ("" before the analysis).
    state
        :data:`NEW`, :data:`QUEUED`, :data:`ANALYSING`, :data:`ANALYSED` or
        :data:`FAILED`.
    """

    path: Path
    diagnosis: str = ""
    top: str = ""
    score: str = ""
    state: str = NEW

    @property
    def name(self) -> str:
        """The file name."""
        return self.path.name

    @property
    def agree(self) -> bool | None:
        """Whether the model's top class is the clinician's diagnosis (case and spaces
        ignored); None while either is unknown."""
        if not self.diagnosis.strip() or not self.top:
            return None
        return _norm(self.diagnosis) == _norm(self.top)


def _norm(text: str) -> str:
    return " ".join(text.lower().replace("_", " ").split())


def is_case_list(path: str | Path) -> bool:
    """Whether ``path`` names a folder or a CSV/JSON case list (rather than an image)."""
    p = Path(path)
    return p.is_dir() or p.suffix.lower() in LIST_SUFFIXES


def read_cases(path: str | Path) -> tuple[list[Case], list[str]]:
    """The cases of a folder, a CSV or a JSON case list, and one line per bad row.

    Raises
    ------
    OSError, ValueError
        The list itself cannot be read (no such file, not CSV/JSON); the message names it.
    """
    p = Path(path)
    if p.is_dir():
        images = sorted(f for f in p.iterdir()
                        if f.is_file() and f.suffix.lower() in IMAGE_SUFFIXES)
        return [Case(f) for f in images], []
    if not p.is_file():
        raise OSError(f"{p}: no such file or folder")
    suffix = p.suffix.lower()
    if suffix == ".csv":
        rows = csv_rows(p)
    elif suffix == ".json":
        rows = json_rows(p)
    else:
        raise ValueError(f"{p}: not a case list (a folder, .csv or .json)")
    cases, problems = [], []
    for where, item in rows:
        if isinstance(item, str):
            problems.append(f"{p.name}, {where}: {item}")
            continue
        raw, diagnosis = item
        f = Path(raw).expanduser()
        f = f if f.is_absolute() else p.parent / f
        if f.suffix.lower() not in IMAGE_SUFFIXES:
            problems.append(f"{p.name}, {where}: {raw}: not an image file")
        elif not f.is_file():
            problems.append(f"{p.name}, {where}: {raw}: no such file")
        else:
            cases.append(Case(f, diagnosis=diagnosis))
    return cases, problems


class CaseList:
    """The cases, the current one, the filter; ``on_change(index)`` is called when case
    ``index`` changes (-1: the list or the filter changed)."""

    def __init__(self, cases: list[Case] | None = None,
                 on_change: Callable[[int], None] | None = None) -> None:
        self.cases: list[Case] = list(cases or [])
        self.current = 0 if self.cases else -1
        self.filter = ALL
        self.on_change = on_change

    def __len__(self) -> int:
        return len(self.cases)

    def _changed(self, index: int) -> None:
        if self.on_change is not None:
            self.on_change(index)

    def set_cases(self, cases: list[Case]) -> None:
        """A new list (the filter is kept; the first case is current)."""
        self.cases = list(cases)
        self.current = 0 if self.cases else -1
        self._changed(-1)

    def index_of(self, path: str | Path) -> int:
        """The index of the case of ``path`` (-1 when not in the list)."""
        p = Path(path)
        return next((i for i, c in enumerate(self.cases) if c.path == p), -1)

    def update(self, index: int, **fields: str) -> None:
        """Change fields of case ``index`` (see :class:`Case`)."""
        if not 0 <= index < len(self.cases):
            return
        new = replace(self.cases[index], **fields)
        if new != self.cases[index]:
            self.cases[index] = new
            self._changed(index)

    # -- filters ---------------------------------------------------------------------------
    def set_filter(self, name: str) -> None:
        """:data:`ALL`, :data:`DISAGREE`, :data:`UNREAD` or a class label."""
        if name != self.filter:
            self.filter = name
            self._changed(-1)

    def matches(self, case: Case) -> bool:
        """Whether ``case`` passes the filter."""
        if self.filter == ALL:
            return True
        if self.filter == DISAGREE:
            return case.agree is False
        if self.filter == UNREAD:
            return not case.diagnosis.strip()
        return _norm(case.top) == _norm(self.filter) or \
            _norm(case.diagnosis) == _norm(self.filter)

    def visible(self) -> list[int]:
        """Indices of the cases that pass the filter, in list order."""
        return [i for i, c in enumerate(self.cases) if self.matches(c)]

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
        shown = [i for i in self.visible() if i != self.current]
        later = [i for i in shown if i > self.current] + [i for i in shown if i < self.current]
        todo = [i for i in later if self.cases[i].state in (NEW, QUEUED)]
        return [self.current] + todo[:ahead]

    def classes(self) -> list[str]:
        """Every top class and diagnosis seen, sorted (for the class filter)."""
        names = {c.top for c in self.cases if c.top} | {c.diagnosis.strip() for c in
                                                         self.cases if c.diagnosis.strip()}
        return sorted(names, key=str.lower)

    def counts(self) -> dict[str, int]:
        """How many cases are in each state, and how many are read."""
        out = {s: 0 for s in (NEW, QUEUED, ANALYSING, ANALYSED, FAILED)}
        for c in self.cases:
            out[c.state] = out.get(c.state, 0) + 1
        out["read"] = sum(1 for c in self.cases if c.diagnosis.strip())
        return out
